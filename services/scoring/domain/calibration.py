"""The error model, calibrated on the training cycles: predict each earlier cycle from the cycles
before it (exactly as the target year is predicted) and measure the misses.

- The mean miss over a cycle's contested seats is that cycle's statewide error (the environment
  moved); what is left per seat is the district error, measured separately for seats with a
  contested legislative result in their history and for seats whose share was imputed
  (statewide lean or a typical safe seat), since the latter miss more.
- **Borrowing strength** (`Pool`): a chamber's own cycles are few (often one or two), so every
  other chamber in the data contributes its misses too, only from cycles before the target year
  (a later cycle would leak the target's environment). The pooled variance counts as
  `POOL_CYCLES` cycles for the statewide scale and `POOL_SEATS` seats for each district scale;
  the chamber's own cycles and seats count one each, so their weight grows as they accumulate:

      sd^2 = (sum of own squared misses + W * pooled mean square) / (own count + W)

  Statewide misses are pooled one per (state, year), the mean over that state's chambers (both
  chambers of a state share one environment), never from the chamber's own state. District
  residuals are pooled from every other chamber.
- Without a pool (one chamber in the data, or fewer than `MIN_POOL_CYCLES` pooled state-cycles /
  `MIN_GROUP` pooled seats) the fixed priors apply as before: 0.03 counted as one cycle for the
  statewide scale; 0.06 for the district scale when there is no earlier cycle at all.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from services.scoring.domain.fundamentals import load
from services.scoring.domain.model import estimate
from services.scoring.domain.results import DistrictResult, StatewideResult

PRIOR_SD_STATE = 0.03
FALLBACK_SD_DISTRICT = 0.06  # only when there is no earlier cycle to calibrate on and no pool
MIN_GROUP = 8
MIN_SD_DISTRICT = 0.01  # no model knows a seat's result to better than a point
MIN_DOF = 3  # keeps the statewide error's variance finite
HISTORY_SOURCES = ("legislative", "blend")
GROUPS = ("history", "imputed")
POOL_CYCLES = 2.0  # the pooled statewide variance counts as this many of the chamber's own cycles
POOL_SEATS = 100.0  # the pooled district variance counts as this many of its own seats (one chamber-cycle)
MIN_POOL_CYCLES = 3  # fewer pooled state-cycles than this: no pool for the statewide scale


@dataclass(frozen=True)
class CycleMisses:
    """One cycle of one chamber predicted from the cycles before it: the mean miss (actual minus
    predicted D share over its contested seats) and, per group, the sum of squared residuals
    around that mean and their count."""

    state: str
    chamber: str
    year: int
    mean_miss: float
    sum_sq: dict[str, float]
    seats: dict[str, int]
    prior_mean: float = 0.0  # the fundamentals prior's swing for this cycle from the one before it


def cycle_misses(
    results: Sequence[DistrictResult],
    statewide: Sequence[StatewideResult],
    state: str,
    chamber: str,
    before: int | None = None,
) -> list[CycleMisses]:
    """Every cycle of (state, chamber) after its first (and before `before`, when given), each
    predicted from the cycles before it. A cycle's misses do not depend on the target year, so a
    pool computes them once and each target keeps those with `year < target`."""
    rows = [r for r in results if r.state == state and r.chamber == chamber]
    sw = [s for s in statewide if s.state == state and s.chamber == chamber]
    cycles = sorted({r.year for r in rows if before is None or r.year < before})
    out = []
    for cycle in cycles[1:]:
        predicted = estimate(rows, sw, state, chamber, cycle)
        actual = {r.district: r.dem_share for r in rows if r.year == cycle and r.contested}
        pairs = [
            (d.source, float(actual[d.district] or 0.0) - d.mean) for d in predicted.districts if d.district in actual
        ]
        if not pairs:
            continue
        mean_miss = float(np.mean([m for _, m in pairs]))
        sum_sq = dict.fromkeys(GROUPS, 0.0)
        seats = dict.fromkeys(GROUPS, 0)
        for source, m in pairs:
            group = "history" if source in HISTORY_SOURCES else "imputed"
            sum_sq[group] += (m - mean_miss) ** 2
            seats[group] += 1
        prior_mean = load().cycle_prior_mean(cycle, predicted.latest_cycle)
        out.append(CycleMisses(state, chamber, cycle, mean_miss, sum_sq, seats, prior_mean))
    return out


@dataclass(frozen=True)
class Pool:
    """Every chamber's calibration misses in the data (`cycle_misses` of each)."""

    cycles: tuple[CycleMisses, ...] = ()

    @classmethod
    def build(
        cls,
        results_by_chamber: dict[tuple[str, str], list[DistrictResult]],
        statewide_by_chamber: dict[tuple[str, str], list[StatewideResult]],
    ) -> Pool:
        return cls(
            tuple(
                c
                for (state, chamber), rows in sorted(results_by_chamber.items())
                for c in cycle_misses(rows, statewide_by_chamber.get((state, chamber), []), state, chamber)
            )
        )

    def own(self, state: str, chamber: str, year: int) -> list[CycleMisses]:
        return [c for c in self.cycles if c.state == state and c.chamber == chamber and c.year < year]

    def state_misses(self, state: str, year: int, prior: bool = False) -> list[float]:
        """One statewide miss per (other state, year before `year`): the mean over its chambers
        (net of the fundamentals prior's swing when `prior`)."""
        by_state_year: dict[tuple[str, int], list[float]] = defaultdict(list)
        for c in self.cycles:
            if c.state != state and c.year < year:
                by_state_year[(c.state, c.year)].append(c.mean_miss - (c.prior_mean if prior else 0.0))
        return [float(np.mean(v)) for v in by_state_year.values()]

    def district_sums(self, state: str, chamber: str, year: int) -> tuple[dict[str, float], dict[str, int]]:
        """Summed squared residuals and seat counts per group over every other chamber's cycles
        before `year`."""
        sum_sq = dict.fromkeys(GROUPS, 0.0)
        seats = dict.fromkeys(GROUPS, 0)
        for c in self.cycles:
            if (c.state, c.chamber) != (state, chamber) and c.year < year:
                for g in GROUPS:
                    sum_sq[g] += c.sum_sq[g]
                    seats[g] += c.seats[g]
        return sum_sq, seats


@dataclass(frozen=True)
class ErrorModel:
    sd_state: float
    sd_district: dict[str, float]  # "history" / "imputed"
    cycle_misses: dict[int, float] = field(default_factory=dict)  # the chamber's own mean miss per cycle
    seats: int = 0  # own contested seats the district error was measured on
    # Per scale ("sd_state", "sd_district.history", "sd_district.imputed"): where it came from.
    # "own", "pooled + own", "pooled", "fixed prior + own" or "fixed prior", with the pooled
    # value, how many pooled state-cycles / seats it rests on, and the own data's weight.
    sources: dict[str, dict[str, object]] = field(default_factory=dict)
    state_cycles: float = 0.0  # own cycles plus the cycles the pool or the prior counts as

    @property
    def state_dof(self) -> int:
        """Degrees of freedom of the Student-t statewide error: its scale rests on only this many
        cycles (own, plus what the pool or the prior counts as), so a new cycle's error has
        heavier tails than a normal's."""
        count = self.state_cycles or len(self.cycle_misses) + 1
        return max(round(count), MIN_DOF)

    @property
    def pooled(self) -> list[str]:
        """The scales that borrowed from other states and cycles."""
        return [name for name, s in self.sources.items() if str(s.get("from", "")).startswith("pooled")]

    def district_sd(self, source: str) -> float:
        return self.sd_district["history" if source in HISTORY_SOURCES else "imputed"]


def calibrate(
    results: Sequence[DistrictResult],
    statewide: Sequence[StatewideResult],
    state: str,
    chamber: str,
    year: int,
    pool: Pool | None = None,
    prior: bool = False,
) -> ErrorModel:
    """The error scales for predicting `year`, in D two-party share units. `pool`: every chamber's
    misses (`Pool.build`); None calibrates on this chamber alone (its misses are computed here).
    `prior`: the forecast uses the fundamentals prior, so its statewide misses are measured net
    of the prior's swing for each cycle (what is left is the error the prior does not explain)."""
    if pool is None:
        own = cycle_misses(results, statewide, state, chamber, before=year)
        pooled_state: list[float] = []
        pooled_sum, pooled_seats = dict.fromkeys(GROUPS, 0.0), dict.fromkeys(GROUPS, 0)
    else:
        own = pool.own(state, chamber, year)
        pooled_state = pool.state_misses(state, year, prior)
        pooled_sum, pooled_seats = pool.district_sums(state, chamber, year)
    misses = {c.year: c.mean_miss - (c.prior_mean if prior else 0.0) for c in own}
    sources: dict[str, dict[str, object]] = {}

    own_sq = sum(m * m for m in misses.values())
    if len(pooled_state) >= MIN_POOL_CYCLES:
        weight = min(POOL_CYCLES, float(len(pooled_state)))
        pooled_var = float(np.mean(np.square(pooled_state)))
        sd_state = math.sqrt((own_sq + weight * pooled_var) / (len(misses) + weight))
        sources["sd_state"] = {
            "from": "pooled + own" if misses else "pooled",
            "pooled_value": round(math.sqrt(pooled_var), 4),
            "pooled_state_cycles": len(pooled_state),
            "own_cycles": len(misses),
            "own_weight": round(len(misses) / (len(misses) + weight), 3),
        }
    else:
        weight = 1.0
        sd_state = math.sqrt((own_sq + PRIOR_SD_STATE**2) / (len(misses) + 1))
        sources["sd_state"] = {
            "from": "fixed prior + own" if misses else "fixed prior",
            "prior": PRIOR_SD_STATE,
            "own_cycles": len(misses),
            "own_weight": round(len(misses) / (len(misses) + 1), 3),
        }

    own_sum = {g: sum(c.sum_sq[g] for c in own) for g in GROUPS}
    own_seats = {g: sum(c.seats[g] for c in own) for g in GROUPS}
    all_seats = sum(own_seats.values())
    sd: dict[str, float] = {}
    for g in (*GROUPS, "all"):
        if g == "all":  # every seat together: what a group too thin to measure falls back on
            o_sum, o_n = sum(own_sum.values()), all_seats
            p_sum, p_n = sum(pooled_sum.values()), sum(pooled_seats.values())
        else:
            o_sum, o_n, p_sum, p_n = own_sum[g], own_seats[g], pooled_sum[g], pooled_seats[g]
        key = f"sd_district.{g}"
        if p_n >= MIN_GROUP:
            pooled_var = p_sum / p_n
            sd[g] = math.sqrt((o_sum + POOL_SEATS * pooled_var) / (o_n + POOL_SEATS))
            sources[key] = {
                "from": "pooled + own" if o_n else "pooled",
                "pooled_value": round(math.sqrt(pooled_var), 4),
                "pooled_seats": p_n,
                "own_seats": o_n,
                "own_weight": round(o_n / (o_n + POOL_SEATS), 3),
            }
        elif o_n >= (MIN_GROUP if g != "all" else 1):
            sd[g] = math.sqrt(o_sum / o_n)
            sources[key] = {"from": "own", "own_seats": o_n}
    for g in GROUPS:
        if g not in sd:  # too few of this group: every seat together, or the fixed fallback
            sd[g] = sd.get("all", FALLBACK_SD_DISTRICT)
            sources[f"sd_district.{g}"] = dict(sources.get("sd_district.all", {"from": "fixed prior"}))
            sources[f"sd_district.{g}"]["as"] = "every seat together (too few of this kind)"
        sd[g] = max(sd[g], MIN_SD_DISTRICT)
    sd.pop("all", None)
    sources.pop("sd_district.all", None)
    # A seat without contested history is never known better than one with it.
    sd["imputed"] = max(sd["imputed"], sd["history"])
    return ErrorModel(sd_state, sd, misses, all_seats, sources, len(misses) + weight)
