"""The error model, calibrated on the training cycles: predict each earlier cycle from the cycles
before it (exactly as the target year is predicted) and measure the misses.

- The mean miss over a cycle's contested seats is that cycle's statewide error (the environment
  moved); `sd_state` is their root mean square, with a prior of 0.03 counted as one cycle so two
  or three cycles cannot claim the environment never moves.
- What is left per seat is the district error, measured separately for seats with a contested
  legislative result in their history and for seats whose share was imputed (statewide lean or a
  typical safe seat), since the latter miss more.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from services.scoring.domain.model import estimate
from services.scoring.domain.results import DistrictResult, StatewideResult

PRIOR_SD_STATE = 0.03
FALLBACK_SD_DISTRICT = 0.06  # only when there is no earlier cycle to calibrate on
MIN_GROUP = 8
MIN_SD_DISTRICT = 0.01  # no model knows a seat's result to better than a point
MIN_DOF = 3  # keeps the statewide error's variance finite
HISTORY_SOURCES = ("legislative", "blend")


@dataclass(frozen=True)
class ErrorModel:
    sd_state: float
    sd_district: dict[str, float]  # "history" / "imputed"
    cycle_misses: dict[int, float] = field(default_factory=dict)  # mean miss per calibration cycle
    seats: int = 0  # contested seats the district error was measured on

    @property
    def state_dof(self) -> int:
        """Degrees of freedom of the Student-t statewide error: its scale rests on only this many
        cycles (plus the prior's one), so a new cycle's error has heavier tails than a normal's."""
        return max(len(self.cycle_misses) + 1, MIN_DOF)

    def district_sd(self, source: str) -> float:
        return self.sd_district["history" if source in HISTORY_SOURCES else "imputed"]


def calibrate(
    results: Sequence[DistrictResult], statewide: Sequence[StatewideResult], state: str, chamber: str, year: int
) -> ErrorModel:
    cycles = sorted({r.year for r in results if r.state == state and r.chamber == chamber and r.year < year})
    misses: dict[int, float] = {}
    residuals: dict[str, list[float]] = {"history": [], "imputed": []}
    for cycle in cycles[1:]:
        predicted = estimate(results, statewide, state, chamber, cycle)
        actual = {
            r.district: r.dem_share
            for r in results
            if r.state == state and r.chamber == chamber and r.year == cycle and r.contested
        }
        pairs = [(d, float(actual[d.district] or 0.0) - d.mean) for d in predicted.districts if d.district in actual]
        if not pairs:
            continue
        mean_miss = float(np.mean([m for _, m in pairs]))
        misses[cycle] = mean_miss
        for d, m in pairs:
            residuals["history" if d.source in HISTORY_SOURCES else "imputed"].append(m - mean_miss)
    if not misses:
        return ErrorModel(PRIOR_SD_STATE, {"history": FALLBACK_SD_DISTRICT, "imputed": FALLBACK_SD_DISTRICT})
    sd_state = math.sqrt((sum(m * m for m in misses.values()) + PRIOR_SD_STATE**2) / (len(misses) + 1))
    everything = residuals["history"] + residuals["imputed"]
    pooled = _rms(everything)
    sd = {
        group: max(_rms(values) if len(values) >= MIN_GROUP else pooled, MIN_SD_DISTRICT)
        for group, values in residuals.items()
    }
    # A seat without contested history is never known better than one with it.
    sd["imputed"] = max(sd["imputed"], sd["history"])
    return ErrorModel(sd_state, sd, misses, len(everything))


def _rms(values: list[float]) -> float:
    return float(math.sqrt(np.mean(np.square(values)))) if values else FALLBACK_SD_DISTRICT
