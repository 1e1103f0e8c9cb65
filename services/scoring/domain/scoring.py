"""One chamber scored end to end: estimate, calibrate, simulate, target. Pure; no AWS."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from services.scoring.domain.calibration import ErrorModel, Pool, calibrate
from services.scoring.domain.fundamentals import DEFAULT_SWING_SD, Environment, environment
from services.scoring.domain.model import Estimates, estimate
from services.scoring.domain.results import DistrictResult, ResultsError, StatewideResult
from services.scoring.domain.simulate import simulate_chamber
from services.scoring.domain.targeting import ranks, target_scores

Z80 = 1.2816  # the 10th-90th percentile half-width of a normal, in sds


@dataclass(frozen=True)
class DistrictPrediction:
    state: str
    chamber: str
    year: int
    district: str
    p_dem_win: float
    # P(D win) in the tenth of simulations with the worst statewide environment for Democrats and
    # in the tenth with the best: how much of the chance rides on the wave. Never on the wrong
    # side of p_dem_win (see `consistent_range`).
    p_dem_win_low: float
    p_dem_win_high: float
    dem_share_mean: float
    dem_share_sd: float  # of the share: district and statewide error together
    dem_share_low: float  # the share's 80% interval (normal approximation, within [0, 1])
    dem_share_high: float
    tipping_point_prob: float
    target_score: float
    target_rank: int
    source: str
    incumbency: int
    last_winner: str

    def row(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class ChamberScore:
    state: str
    chamber: str
    year: int
    districts: list[DistrictPrediction]
    p_majority: float
    seats_mean: float
    seats_p10: float
    seats_p90: float
    runs: int
    errors: ErrorModel
    incumbency_effect: float
    swing: float
    cycles: tuple[int, ...]
    environment: Environment | None = None
    sd_state_total: float = 0.0  # the simulated statewide scale: calibrated and the prior's, in quadrature

    def summary(self) -> dict[str, object]:
        return {
            "state": self.state,
            "chamber": self.chamber,
            "year": self.year,
            "districts": len(self.districts),
            "p_dem_majority": round(self.p_majority, 4),
            "dem_seats_mean": round(self.seats_mean, 2),
            "dem_seats_p10": self.seats_p10,
            "dem_seats_p90": self.seats_p90,
            "runs": self.runs,
            "sd_state": round(self.errors.sd_state, 4),
            "sd_state_total": round(self.sd_state_total or self.errors.sd_state, 4),
            "state_dof": self.errors.state_dof,
            "sd_district": {k: round(v, 4) for k, v in self.errors.sd_district.items()},
            "pooled_scales": self.errors.pooled,
            "error_sources": self.errors.sources,
            "incumbency_effect": round(self.incumbency_effect, 4),
            "swing": round(self.swing, 4),
            "environment": self.environment.as_dict() if self.environment else None,
            "training_cycles": list(self.cycles),
        }


def consistent_range(p: float, low: float, high: float, digits: int = 4) -> tuple[float, float, float]:
    """(p, low, high) rounded alike, with low <= p <= high: the conditional win rates can stray
    past p by simulation noise only (p is their weighted mean over the environment), and rounding
    is monotone, so a printed figure never sits outside its printed range."""
    return round(p, digits), round(min(low, p), digits), round(max(high, p), digits)


def score_chamber(
    results: Sequence[DistrictResult],
    statewide: Sequence[StatewideResult],
    state: str,
    chamber: str,
    year: int,
    swing: float | None = None,
    runs: int = 10_000,
    seed: int = 0,
    prior: bool = False,
    swing_sd: float = DEFAULT_SWING_SD,
    pool: Pool | None = None,
) -> ChamberScore:
    """Score one chamber for `year` from earlier rows. `swing`: the staff's statewide shift in D
    share (polls), None when not given; `prior`: use the fundamentals prior on the environment
    (fundamentals.py); `pool`: every chamber's calibration misses, to borrow strength across
    states (calibration.py). Raises ResultsError when there is nothing to score."""
    # Every later step filters by chamber again; doing it once here keeps a national run linear.
    results = [r for r in results if r.state == state and r.chamber == chamber]
    statewide = [s for s in statewide if s.state == state and s.chamber == chamber]
    earlier = [r.year for r in results if r.year < year]
    if not earlier:
        raise ResultsError(f"no {state} {chamber} results before {year}")
    env = environment(year, max(earlier), prior, swing, swing_sd)
    estimates: Estimates = estimate(results, statewide, state, chamber, year, env.swing)
    errors = calibrate(results, statewide, state, chamber, year, pool=pool, prior=prior)
    sd_state = float(np.hypot(errors.sd_state, env.extra_sd))
    mean = estimates.means
    sd_d = np.array([errors.district_sd(d.source) for d in estimates.districts])
    sim = simulate_chamber(mean, sd_d, sd_state, runs=runs, seed=seed, state_dof=errors.state_dof)
    assert sim.p_dem_win_bad_env is not None and sim.p_dem_win_good_env is not None
    # The t's variance is dof / (dof - 2) times its scale squared.
    state_var = sd_state**2 * errors.state_dof / (errors.state_dof - 2)
    total_sd = np.sqrt(sd_d**2 + state_var)
    ranges = [
        consistent_range(float(p), float(lo), float(hi))
        for p, lo, hi in zip(sim.p_dem_win, sim.p_dem_win_bad_env, sim.p_dem_win_good_env, strict=True)
    ]
    scores = target_scores(sim.p_dem_win, sim.tipping_point_prob, sim.p_majority)
    rank = ranks(scores, sim.p_dem_win)
    districts = [
        DistrictPrediction(
            state=state,
            chamber=chamber,
            year=year,
            district=d.district,
            p_dem_win=ranges[i][0],
            p_dem_win_low=ranges[i][1],
            p_dem_win_high=ranges[i][2],
            dem_share_mean=round(float(mean[i]), 4),
            dem_share_sd=round(float(total_sd[i]), 4),
            dem_share_low=round(float(max(mean[i] - Z80 * total_sd[i], 0.0)), 4),
            dem_share_high=round(float(min(mean[i] + Z80 * total_sd[i], 1.0)), 4),
            tipping_point_prob=round(float(sim.tipping_point_prob[i]), 4),
            target_score=round(float(scores[i]), 4),
            target_rank=int(rank[i]),
            source=d.source,
            incumbency=d.incumbency,
            last_winner=d.last_winner,
        )
        for i, d in enumerate(estimates.districts)
    ]
    districts.sort(key=lambda p: p.target_rank)
    return ChamberScore(
        state,
        chamber,
        year,
        districts,
        sim.p_majority,
        sim.seats_mean,
        sim.seats_p10,
        sim.seats_p90,
        runs,
        errors,
        estimates.incumbency_effect,
        env.swing,
        estimates.cycles,
        env,
        sd_state,
    )


def chambers_in(results: Sequence[DistrictResult]) -> list[tuple[str, str]]:
    return sorted({(r.state, r.chamber) for r in results})


def by_chamber(rows: Sequence[Any]) -> dict[tuple[str, str], list[Any]]:
    """Results or statewide rows grouped by (state, chamber), in one pass."""
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in rows:
        groups[(row.state, row.chamber)].append(row)
    return groups


def next_election(results: Sequence[DistrictResult], state: str, chamber: str) -> int:
    """The cycle after the latest one: the latest year plus the gap between the last two cycles."""
    years = sorted({r.year for r in results if r.state == state and r.chamber == chamber})
    if not years:
        raise ResultsError(f"no {state} {chamber} results")
    gap = years[-1] - years[-2] if len(years) > 1 else 2
    return years[-1] + gap
