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
    # Per district: the share of runs won among the tenth of runs whose statewide environment is
    # worst for Democrats (shock at or below its 10th percentile) and the tenth best (at or above
    # its 90th). A seat's chance only rises with the environment, so up to simulation noise
    # bad_env <= p_dem_win <= good_env (scoring.consistent_range removes the noise).
    p_dem_win_bad_env: np.ndarray | None = None
    p_dem_win_good_env: np.ndarray | None = None


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
    # Each chunk's wins, one bit per seat, kept until every run's shock is known and the deciles
    # can be picked (runs x seats / 8 bytes; the draws stay in the order they always had).
    packed: list[np.ndarray] = []
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
        packed.append(np.packbits(won, axis=1))
        run_seats = won.sum(axis=1)
        seats[start : start + m] = run_seats
        order = np.argpartition(margin, sorted({dem_kth, rep_kth}), axis=1)
        pivot = np.where(run_seats >= k, order[:, dem_kth], order[:, rep_kth])
        tipping += np.bincount(pivot, minlength=n)
    shock_p10, shock_p90 = (float(q) for q in np.quantile(shocks, (0.1, 0.9)))
    wins_bad = np.zeros(n, dtype=np.int64)
    wins_good = np.zeros(n, dtype=np.int64)
    for i, bits in enumerate(packed):
        part = shocks[i * chunk : i * chunk + bits.shape[0]]
        wins_bad += np.unpackbits(bits[part <= shock_p10], axis=1, count=n).sum(axis=0, dtype=np.int64)
        wins_good += np.unpackbits(bits[part >= shock_p90], axis=1, count=n).sum(axis=0, dtype=np.int64)
    return ChamberSimulation(
        p_dem_win=wins / runs,
        tipping_point_prob=tipping / runs,
        p_majority=float(np.mean(seats >= k)),
        seats_mean=float(seats.mean()),
        seats_p10=float(np.quantile(seats, 0.1)),
        seats_p90=float(np.quantile(seats, 0.9)),
        runs=runs,
        shock_p10=shock_p10,
        shock_p90=shock_p90,
        p_dem_win_bad_env=wins_bad / max(int(np.count_nonzero(shocks <= shock_p10)), 1),
        p_dem_win_good_env=wins_good / max(int(np.count_nonzero(shocks >= shock_p90)), 1),
    )


def normal_cdf(x: np.ndarray | float) -> np.ndarray:
    """Phi(x) without scipy (Lambda ships numpy only)."""
    erf = np.vectorize(math.erf, otypes=[float])
    return 0.5 * (1.0 + erf(np.asarray(x, dtype=float) / math.sqrt(2.0)))
