"""Backtest: predict a cycle from the cycles before it and compare with what happened, against a
simple baseline that takes the previous result's Democratic two-party share as the win
probability (an uncontested seat's 0 or 1 included, which is exactly its weakness). The model is
scored twice, without and with the fundamentals prior on the environment (fundamentals.py); both
borrow calibration strength from the other chambers in the data (`Pool`, cycles before the
tested year only).

Every seat of the tested cycle counts, contested or not (its winner is known). Log loss clips
probabilities to [0.001, 0.999] so a single certain miss costs 6.9, not infinity.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from services.scoring.domain.calibration import Pool
from services.scoring.domain.results import DistrictResult, ResultsError, StatewideResult
from services.scoring.domain.scoring import ChamberScore, score_chamber

BUCKETS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)
TOP = 25
CLIP = 1e-3


@dataclass(frozen=True)
class Metrics:
    brier: float
    log_loss: float
    accuracy: float
    flips: int
    flips_in_top: int
    calibration: list[dict[str, object]]  # {"bucket": "0.4-0.5", "seats", "mean_p", "dem_won"}

    def as_dict(self) -> dict[str, object]:
        return {
            "brier": round(self.brier, 4),
            "log_loss": round(self.log_loss, 4),
            "accuracy": round(self.accuracy, 4),
            "flips": self.flips,
            f"flips_in_top_{TOP}": self.flips_in_top,
            f"flips_in_top_{TOP}_share": round(self.flips_in_top / self.flips, 4) if self.flips else None,
            "calibration": self.calibration,
        }


def metrics(
    p: Sequence[float], won: Sequence[bool], flipped: Sequence[bool], rank: Sequence[int] | np.ndarray
) -> Metrics:
    prob = np.asarray(p, dtype=float)
    outcome = np.asarray(won, dtype=float)
    clipped = np.clip(prob, CLIP, 1 - CLIP)
    log_loss = -np.mean(outcome * np.log(clipped) + (1 - outcome) * np.log(1 - clipped))
    flips = np.asarray(flipped, dtype=bool)
    top = np.asarray(rank) <= TOP
    calibration = []
    for low, high in itertools.pairwise(BUCKETS):
        inside = (prob >= low) & ((prob < high) if high < 1 else (prob <= high))
        if inside.any():
            calibration.append(
                {
                    "bucket": f"{low:.1f}-{high:.1f}",
                    "seats": int(inside.sum()),
                    "mean_p": round(float(prob[inside].mean()), 3),
                    "dem_won": round(float(outcome[inside].mean()), 3),
                }
            )
    return Metrics(
        brier=float(np.mean((prob - outcome) ** 2)),
        log_loss=float(log_loss),
        accuracy=float(np.mean((prob > 0.5) == (outcome == 1))),
        flips=int(flips.sum()),
        flips_in_top=int((flips & top).sum()),
        calibration=calibration,
    )


@dataclass(frozen=True)
class Backtest:
    year: int
    seats: int
    model: Metrics  # without the fundamentals prior
    baseline: Metrics
    score: ChamberScore
    model_prior: Metrics | None = None  # with it
    score_prior: ChamberScore | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "state": self.score.state,
            "chamber": self.score.chamber,
            "year": self.year,
            "training_cycles": list(self.score.cycles),
            "seats": self.seats,
            "model": self.model.as_dict(),
            "model_with_prior": self.model_prior.as_dict() if self.model_prior else None,
            "baseline": self.baseline.as_dict(),
            "pooled_scales": self.score.errors.pooled,
            "chamber_summary": self.score.summary(),
            "chamber_summary_with_prior": self.score_prior.summary() if self.score_prior else None,
        }


def backtest(
    results: Sequence[DistrictResult],
    statewide: Sequence[StatewideResult],
    state: str,
    chamber: str,
    year: int,
    runs: int = 10_000,
    seed: int = 0,
    pool: Pool | None = None,
    with_prior: bool = True,
) -> Backtest:
    """Score `year` from the cycles before it, without and (`with_prior`) with the fundamentals
    prior, and compare with the baseline on every seat of `year` that has a previous result.
    Raises ResultsError when `year` has no results or none of its districts has an earlier one."""
    actual = {r.district: r for r in results if r.state == state and r.chamber == chamber and r.year == year}
    if not actual:
        raise ResultsError(f"no {state} {chamber} results for {year} to test against")
    scored = score_chamber(results, statewide, state, chamber, year, runs=runs, seed=seed, pool=pool)
    scored_prior = (
        score_chamber(results, statewide, state, chamber, year, runs=runs, seed=seed, pool=pool, prior=True)
        if with_prior
        else None
    )
    before = max(scored.cycles)
    previous = {r.district: r for r in results if r.state == state and r.chamber == chamber and r.year == before}
    seats = [p for p in scored.districts if p.district in actual and p.district in previous]
    if not seats:
        raise ResultsError(f"no district of {year} matches one of {before}")
    won = [actual[p.district].winner_party == "D" for p in seats]
    flipped = [actual[p.district].winner_party != previous[p.district].winner_party for p in seats]
    model = metrics([p.p_dem_win for p in seats], won, flipped, [p.target_rank for p in seats])
    model_prior = None
    if scored_prior is not None:
        by_district = {p.district: p for p in scored_prior.districts}
        with_prior_seats = [by_district[p.district] for p in seats]
        model_prior = metrics(
            [p.p_dem_win for p in with_prior_seats], won, flipped, [p.target_rank for p in with_prior_seats]
        )
    prev_share = [_share(previous[p.district]) for p in seats]
    closeness = np.abs(np.asarray(prev_share) - 0.5)
    baseline_rank = np.empty(len(seats), dtype=int)
    baseline_rank[np.argsort(closeness, kind="stable")] = np.arange(1, len(seats) + 1)
    baseline = metrics(prev_share, won, flipped, baseline_rank)
    return Backtest(year, len(seats), model, baseline, scored, model_prior, scored_prior)


def _share(result: DistrictResult) -> float:
    share = result.dem_share
    if share is None or math.isnan(share):
        return 1.0 if result.winner_party == "D" else 0.0
    return share
