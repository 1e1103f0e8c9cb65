"""Synthetic multi-state election histories with a known truth, for the calibration and prior tests.

Each state's environment is a random walk: env_c = env_(c-1) + N(0, sd_state), so a forecast made
in the latest cycle's environment misses the next cycle by exactly that step (plus the seats'
noise averaged over the chamber). Every seat is contested and its winner always runs again, so the
model's assumptions hold and the only errors are the ones drawn here:

    share_dc = lean_d + env_c + g * I_dc + N(0, sd_district)

A forecast from k earlier cycles (weights 1/2 per cycle back, model.CYCLE_DECAY) also carries the
noise of its estimated lean, so the district error the calibration should find on a cycle with k
cycles of history is sd_district * sqrt(1 + sum(w^2) / sum(w)^2): `forecast_district_sd`.
"""

from __future__ import annotations

import math
from random import Random

from services.scoring.domain.model import CYCLE_DECAY
from services.scoring.domain.results import DistrictResult


def history(
    state: str,
    years: tuple[int, ...],
    sd_state: float,
    sd_district: float,
    seed: int,
    seats: int = 100,
    incumbency: float = 0.03,
    chamber: str = "lower",
) -> list[DistrictResult]:
    rng = Random(f"{state}:{chamber}:{seed}")
    lean = [rng.uniform(0.35, 0.65) for _ in range(seats)]
    holder = [""] * seats
    env = 0.0
    rows = []
    for i, year in enumerate(years):
        if i:
            env += rng.gauss(0, sd_state)
        for d in range(seats):
            inc = {"D": 1, "R": -1}.get(holder[d], 0)
            share = min(max(lean[d] + env + incumbency * inc + rng.gauss(0, sd_district), 0.02), 0.98)
            dem = round(share * 20_000)
            rep = 20_000 - dem
            winner = "D" if dem > rep else "R"
            rows.append(
                DistrictResult(
                    state, chamber, year, str(d + 1), "2010", dem, rep, 0, winner, True, holder[d], bool(holder[d])
                )
            )
            holder[d] = winner
    return rows


def forecast_district_sd(sd_district: float, cycles_of_history: list[int]) -> float:
    """The RMS district error over calibration cycles with these many earlier cycles each."""
    factors = []
    for k in cycles_of_history:
        w = [CYCLE_DECAY**age for age in range(k)]
        factors.append(1 + sum(x * x for x in w) / sum(w) ** 2)
    return sd_district * math.sqrt(sum(factors) / len(factors))
