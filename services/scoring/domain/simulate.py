"""The chamber simulation: one correlated statewide error per run plus an independent error per
district, vectorised in chunks of runs so memory stays bounded (float32: half the memory and
faster normals; the probabilities it reports are far coarser than float32's precision).

In run n the Democratic share of district d is  mu_d + sd_state * t_n + sd_d * e_nd  with
e_nd ~ N(0, 1) and t_n a Student-t draw (calibration.py gives its degrees of freedom). A seat
is won when the share is above 0.5. With n seats, a majority is k = n // 2 + 1 seats (a tie of
an even chamber is not a majority). The tipping-point seat of a run is the seat that gives the
winning side its k-th seat: the k-th most Democratic district when Democrats win a majority,
otherwise the k-th most Republican one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

CHUNK_CELLS = 4_000_000  # runs x districts per chunk: about 16 MB per float32 array


@dataclass(frozen=True)
class ChamberSimulation:
    p_dem_win: np.ndarray  # per district
    tipping_point_prob: np.ndarray  # per district; sums to 1 over the chamber
    p_majority: float  # Democrats win k or more seats
    seats_mean: float
    seats_p10: float
    seats_p90: float
    runs: int
    shock_p10: float  # the simulated statewide error's 10th and 90th percentiles
    shock_p90: float


def majority(n: int) -> int:
    return n // 2 + 1


def simulate_chamber(
    mean: np.ndarray,
    sd_district: np.ndarray,
    sd_state: float,
    runs: int = 10_000,
    seed: int = 0,
    state_dof: float | None = None,
) -> ChamberSimulation:
    """`state_dof`: the statewide error is sd_state times a Student-t with these degrees of freedom
    (None: a normal)."""
    mean = np.asarray(mean, dtype=np.float64)
    sd_district = np.asarray(sd_district, dtype=np.float64)
    n = mean.shape[0]
    if n == 0 or runs <= 0:
        raise ValueError("a simulation needs at least one district and one run")
    if sd_district.shape != mean.shape:
        raise ValueError("mean and sd_district must have the same length")
    k = majority(n)
    rng = np.random.default_rng(seed)
    wins = np.zeros(n, dtype=np.int64)
    tipping = np.zeros(n, dtype=np.int64)
    seats = np.empty(runs, dtype=np.int32)
    shocks = np.empty(runs, dtype=np.float64)
    # Centre on 0.5 once, so each run is a single fused add and compare.
    centred = (mean - 0.5).astype(np.float32)
    sd = sd_district.astype(np.float32)
    chunk = max(1, CHUNK_CELLS // n)
    dem_kth, rep_kth = n - k, k - 1  # ascending positions of the k-th most D / k-th most R seat
    for start in range(0, runs, chunk):
        m = min(chunk, runs - start)
        margin = rng.standard_normal((m, n), dtype=np.float32)
        margin *= sd
        margin += centred
        shock = rng.standard_t(state_dof, m) if state_dof else rng.standard_normal(m)
        shocks[start : start + m] = sd_state * shock
        margin += shocks[start : start + m, None].astype(np.float32)
        won = margin > 0
        wins += won.sum(axis=0)
        run_seats = won.sum(axis=1)
        seats[start : start + m] = run_seats
        order = np.argpartition(margin, sorted({dem_kth, rep_kth}), axis=1)
        pivot = np.where(run_seats >= k, order[:, dem_kth], order[:, rep_kth])
        tipping += np.bincount(pivot, minlength=n)
    return ChamberSimulation(
        p_dem_win=wins / runs,
        tipping_point_prob=tipping / runs,
        p_majority=float(np.mean(seats >= k)),
        seats_mean=float(seats.mean()),
        seats_p10=float(np.quantile(seats, 0.1)),
        seats_p90=float(np.quantile(seats, 0.9)),
        runs=runs,
        shock_p10=float(np.quantile(shocks, 0.1)),
        shock_p90=float(np.quantile(shocks, 0.9)),
    )


def normal_cdf(x: np.ndarray | float) -> np.ndarray:
    """Phi(x) without scipy (Lambda ships numpy only)."""
    erf = np.vectorize(math.erf, otypes=[float])
    return 0.5 * (1.0 + erf(np.asarray(x, dtype=float) / math.sqrt(2.0)))


def win_probability_interval(
    mean: np.ndarray, sd_district: np.ndarray, shock_low: float, shock_high: float
) -> tuple[np.ndarray, np.ndarray]:
    """Each seat's win probability if the statewide environment lands at `shock_low` / `shock_high`
    (the simulation's 10th / 90th percentiles): how much of a seat's chance rides on the wave."""
    low = normal_cdf((mean - 0.5 + shock_low) / sd_district)
    high = normal_cdf((mean - 0.5 + shock_high) / sd_district)
    return low, high
