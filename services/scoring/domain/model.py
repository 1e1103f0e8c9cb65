"""The district model: each district's expected Democratic two-party share for a target year,
from earlier cycles only. Pure numpy/Python; the README's "Scoring" section documents the formulas.

    share_d = base_d + g * I_d + swing

- `base_d` is the district's open-seat share in the environment of the latest cycle: an
  inverse-variance blend of its legislative lean (contested results, incumbency removed, each cycle
  moved into the latest cycle's environment by the chained uniform swings) and its statewide lean
  (statewide races by district, regressed onto legislative shares). A seat never contested is
  imputed from its statewide lean, or without one as a typical safe seat of its winner's party.
- `g` is the incumbency effect fitted on cycle-to-cycle changes, `I_d` +1/-1/0 for a D/R
  incumbent (the last winner, assumed to run) or an open seat.
- `swing` is the statewide environment shift (0 by default; what the polls say).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from services.scoring.domain.results import DistrictResult, ResultsError, StatewideResult

DEFAULT_INCUMBENCY = 0.03  # prior when too few seats changed incumbency status to fit one
MIN_INCUMBENCY_PAIRS = 10
DEFAULT_SAFE_MARGIN = 0.20  # winner-side margin imputed when fewer than 5 contested seats exist
STATEWIDE_HALF_LIFE_YEARS = 4.0
CYCLE_DECAY = 0.5  # weight of a legislative result one cycle older
SHARE_BOUNDS = (0.02, 0.98)


@dataclass(frozen=True)
class DistrictEstimate:
    district: str
    mean: float  # expected Democratic two-party share
    source: str  # "legislative", "statewide", "blend" or "imputed"
    incumbency: int
    last_winner: str


@dataclass(frozen=True)
class Estimates:
    state: str
    chamber: str
    year: int
    districts: list[DistrictEstimate]
    incumbency_effect: float
    latest_cycle: int
    cycles: tuple[int, ...]

    @property
    def means(self) -> np.ndarray:
        return np.array([d.mean for d in self.districts])


def district_sort_key(district: str) -> tuple[int, int | str, str]:
    head = district.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    return (0, int(head), district) if head.isdigit() else (1, district, district)


def statewide_lean(rows: Sequence[StatewideResult], before_year: int) -> dict[str, float]:
    """Each district's D share minus the race's total share, averaged over races before the year,
    recent races weighted more (half-life 4 years)."""
    races: dict[tuple[int, str], list[StatewideResult]] = defaultdict(list)
    for row in rows:
        if row.year < before_year:
            races[(row.year, row.office)].append(row)
    if not races:
        return {}
    latest = max(year for year, _ in races)
    sums: dict[str, float] = defaultdict(float)
    weights: dict[str, float] = defaultdict(float)
    for (year, _office), race in races.items():
        dem = sum(r.dem_votes for r in race)
        two_party = dem + sum(r.rep_votes for r in race)
        if not two_party:
            continue
        total_share = dem / two_party
        weight = 0.5 ** ((latest - year) / STATEWIDE_HALF_LIFE_YEARS)
        for r in race:
            if r.dem_share is not None:
                sums[r.district] += weight * (r.dem_share - total_share)
                weights[r.district] += weight
    return {d: sums[d] / weights[d] for d in sums if weights[d] > 0}


def _adjusted(r: DistrictResult, g: float) -> float:
    """The contested share with the incumbent's bonus taken out: an open-seat share."""
    assert r.dem_share is not None
    return r.dem_share - g * r.incumbency


def cycle_swings(by_cycle: dict[int, dict[str, DistrictResult]], cycles: Sequence[int], g: float) -> dict[int, float]:
    """Uniform swing from each cycle to the next: the mean change of open-seat shares over the
    districts contested in both (0 when none were)."""
    swings = {}
    for before, after in itertools.pairwise(cycles):
        both = [
            d
            for d, r in by_cycle[after].items()
            if r.contested and d in by_cycle[before] and by_cycle[before][d].contested
        ]
        changes = [_adjusted(by_cycle[after][d], g) - _adjusted(by_cycle[before][d], g) for d in both]
        swings[after] = float(np.mean(changes)) if changes else 0.0
    return swings


def fit_incumbency(by_cycle: dict[int, dict[str, DistrictResult]], cycles: Sequence[int]) -> float:
    """Least squares (through the origin) of a seat's change in share, net of the cycle's swing,
    on its change in incumbency; the prior when fewer than 10 seats changed status."""
    g = DEFAULT_INCUMBENCY
    for _ in range(2):  # the swings depend on g and g on the swings: two passes settle it
        swings = cycle_swings(by_cycle, cycles, g)
        xs, ys = [], []
        for before, after in itertools.pairwise(cycles):
            for d, r in by_cycle[after].items():
                prev = by_cycle[before].get(d)
                if r.contested and prev is not None and prev.contested:
                    assert r.dem_share is not None and prev.dem_share is not None
                    xs.append(r.incumbency - prev.incumbency)
                    ys.append(r.dem_share - prev.dem_share - swings[after])
        x, y = np.array(xs, dtype=float), np.array(ys, dtype=float)
        if np.count_nonzero(x) < MIN_INCUMBENCY_PAIRS:
            return DEFAULT_INCUMBENCY
        g = float(np.clip((x @ y) / (x @ x), 0.0, 0.10))
    return g


def ols(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Intercept, slope and residual standard deviation of y = a + b x."""
    design = np.column_stack([np.ones_like(x), x])
    (a, b), *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - (a + b * x)
    dof = max(len(x) - 2, 1)
    return float(a), float(b), float(math.sqrt(residual @ residual / dof))


def estimate(
    results: Sequence[DistrictResult],
    statewide: Sequence[StatewideResult],
    state: str,
    chamber: str,
    year: int,
    swing: float = 0.0,
) -> Estimates:
    """Expected shares for `year` from rows of earlier years only (later rows are ignored)."""
    rows = [r for r in results if r.state == state and r.chamber == chamber and r.year < year]
    if not rows:
        raise ResultsError(f"no {state} {chamber} results before {year}")
    by_cycle: dict[int, dict[str, DistrictResult]] = defaultdict(dict)
    for r in rows:
        by_cycle[r.year][r.district] = r
    latest = max(by_cycle)
    latest_map = by_cycle[latest][next(iter(by_cycle[latest]))].district_map
    # Earlier maps drew other lines under the same numbers: only the latest map's cycles count.
    cycles = tuple(sorted(c for c in by_cycle if next(iter(by_cycle[c].values())).district_map == latest_map))
    sw_rows = [s for s in statewide if s.state == state and s.chamber == chamber and s.year < year]
    sw_maps = {s.district_map for s in sw_rows}
    if len(sw_maps) > 1:
        raise ResultsError(f"statewide files mix district maps ({', '.join(sorted(sw_maps))}); give YEAR's map only")
    new_map = bool(sw_rows) and latest_map not in ("", *sw_maps)
    lean_s = statewide_lean(sw_rows, year)
    # Every district of the latest map's cycles: one whose latest race has no result (moved to a
    # special election, not certified) is still predicted, from its earlier cycles.
    districts = sorted(lean_s if new_map else {d for c in cycles for d in by_cycle[c]}, key=district_sort_key)

    g = fit_incumbency(by_cycle, cycles)
    swings = cycle_swings(by_cycle, cycles, g)
    # env[c]: how much more Democratic the latest cycle was than cycle c (chained swings).
    env = {latest: 0.0}
    for before, after in zip(reversed(cycles[:-1]), reversed(cycles[1:]), strict=False):
        env[before] = env[after] + swings[after]

    # Legislative lean: recency-weighted open-seat share in the latest environment.
    leg: dict[str, float] = {}
    leg_n: dict[str, float] = {}
    pooled_x, pooled_y, changes = [], [], []
    for d in districts if not new_map else []:
        total = weight = 0.0
        for age, c in enumerate(reversed(cycles)):
            found = by_cycle[c].get(d)
            if found is not None and found.contested:
                value = _adjusted(found, g) + env[c]
                w = CYCLE_DECAY**age
                total += w * value
                weight += w
                if d in lean_s:
                    pooled_x.append(lean_s[d])
                    pooled_y.append(value)
        if weight:
            leg[d] = total / weight
            leg_n[d] = weight
    for before, after in itertools.pairwise(cycles):
        for d, r in by_cycle[after].items():
            prev = by_cycle[before].get(d)
            if r.contested and prev is not None and prev.contested:
                changes.append(_adjusted(r, g) - _adjusted(prev, g) - swings[after])
    # One cycle's result measures lean with noise sd_m; a change between two cycles has sd sqrt(2) sd_m.
    sd_m = float(np.std(changes) / math.sqrt(2)) if len(changes) >= 5 else 0.05

    fit: tuple[float, float, float] | None = None
    if new_map or len(pooled_x) < 5:
        # No (or too few) legislative leans on this map: regress every contested share of the
        # latest map's cycles under the same district numbers instead.
        pooled_x, pooled_y = [], []
        for c in cycles:
            for d, r in by_cycle[c].items():
                if r.contested and d in lean_s:
                    pooled_x.append(lean_s[d])
                    pooled_y.append(_adjusted(r, g) + env[c])
    if len(pooled_x) >= 5:
        fit = ols(np.array(pooled_x), np.array(pooled_y))

    contested_margins = [
        abs(_adjusted(r, g) + env[c] - 0.5) for c in cycles for r in by_cycle[c].values() if r.contested
    ]
    safe_margin = float(np.quantile(contested_margins, 0.75)) if len(contested_margins) >= 5 else DEFAULT_SAFE_MARGIN

    out = []
    for d in districts:
        last = next((by_cycle[c][d] for c in reversed(cycles) if d in by_cycle[c]), None)
        winner = last.winner_party if last else ""
        incumbency = {"D": 1, "R": -1}.get(winner, 0)
        from_sw = fit[0] + fit[1] * lean_s[d] if fit is not None and d in lean_s else None
        if d in leg and from_sw is not None and fit is not None:
            var_leg = sd_m**2 / leg_n[d]
            var_sw = max(fit[2] ** 2 - sd_m**2, 1e-4)  # the fit's residual also holds the target's own noise
            k = (1 / var_leg) / (1 / var_leg + 1 / var_sw)
            base, source = k * leg[d] + (1 - k) * from_sw, "blend"
        elif d in leg:
            base, source = leg[d], "legislative"
        elif from_sw is not None:
            base, source = from_sw, "statewide"
        else:  # never contested, no statewide lean: a typical safe seat of the winner's party
            side = {"D": 1, "R": -1}.get(winner, 0)
            base, source = 0.5 + side * safe_margin, "imputed"
        mean = float(np.clip(base + g * incumbency + swing, *SHARE_BOUNDS))
        out.append(DistrictEstimate(d, mean, source, incumbency, winner))
    return Estimates(state, chamber, year, out, g, latest, cycles)
