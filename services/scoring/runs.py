"""A scoring run: read every results and statewide file under `results/` in the data bucket, score
the requested chambers, then write the district items, the run summary and the report.

Malformed input refuses the whole run before anything is written (the refusal names the file,
row and column). A run's id derives from its trigger (the schedule event, or the uploaded
objects), so a duplicate delivery rewrites the same items and objects instead of adding a run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.scoring.domain.report import to_csv, to_html
from services.scoring.domain.results import DistrictResult, ResultsError, StatewideResult, read_any
from services.scoring.domain.scoring import ChamberScore, by_chamber, chambers_in, next_election, score_chamber
from shared.models import DistrictScore

RESULTS_PREFIX = "results/"
REPORTS_PREFIX = "reports/"


@dataclass(frozen=True)
class ScoringRequest:
    trigger: str  # "schedule", "s3" or "on-demand"
    run_id: str
    states: tuple[str, ...] = ()  # empty: every state in the files
    chambers: tuple[str, ...] = ()  # empty: both
    year: int | None = None  # None: each chamber's next election
    swing: float = 0.0
    runs: int = 10_000
    seed: int = 0
    files: tuple[str, ...] = field(default=())  # the objects that triggered it (S3)


def derived_run_id(*parts: str) -> str:
    return "run_" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


@dataclass
class ScoringOutput:
    chambers: list[ChamberScore]
    scores: list[DistrictScore]
    summary: dict[str, Any]
    csv: str
    html: str


def score_files(request: ScoringRequest, files: dict[str, str], now: datetime) -> ScoringOutput:
    """Pure: file name -> CSV text in, everything the run writes out. Raises ResultsError."""
    results: list[DistrictResult] = []
    statewide: list[StatewideResult] = []
    for name, text in sorted(files.items()):
        r, s = read_any(text, source=name)
        results += r
        statewide += s
    wanted = [
        (state, chamber)
        for state, chamber in chambers_in(results)
        if (not request.states or state in request.states) and (not request.chambers or chamber in request.chambers)
    ]
    if not wanted:
        asked = " ".join(request.states + request.chambers) or "any chamber"
        raise ResultsError(f"no results for {asked} in {', '.join(sorted(files)) or 'the data bucket'}")
    results_of, statewide_of = by_chamber(results), by_chamber(statewide)
    chambers = [
        score_chamber(
            results_of[(state, chamber)],
            statewide_of.get((state, chamber), []),
            state,
            chamber,
            request.year or next_election(results_of[(state, chamber)], state, chamber),
            swing=request.swing,
            runs=request.runs,
            seed=request.seed,
        )
        for state, chamber in wanted
    ]
    scores = [
        DistrictScore(
            state=p.state,
            chamber=p.chamber,  # type: ignore[arg-type]
            district=p.district,
            run_id=request.run_id,
            year=p.year,
            dem_share=p.dem_share_mean,
            p_dem_win=p.p_dem_win,
            target_score=p.target_score,
            target_rank=p.target_rank,
            computed_at=now,
            dem_share_sd=p.dem_share_sd,
            p_dem_win_low=p.p_dem_win_low,
            p_dem_win_high=p.p_dem_win_high,
            tipping_point_prob=p.tipping_point_prob,
            p_dem_majority=round(c.p_majority, 4),
        )
        for c in chambers
        for p in c.districts
    ]
    prefix = f"{REPORTS_PREFIX}{request.run_id}/"
    summary = {
        "run_id": request.run_id,
        "trigger": request.trigger,
        "files": sorted(files),
        "districts": len(scores),
        "computed_at": now.isoformat(),
        "chambers": [c.summary() for c in chambers],
        "report_csv": prefix + "scores.csv",
        "report_html": prefix + "report.html",
    }
    predictions = [p for c in chambers for p in c.districts]
    return ScoringOutput(
        chambers, scores, summary, to_csv(predictions), to_html(chambers, request.run_id, now.isoformat())
    )
