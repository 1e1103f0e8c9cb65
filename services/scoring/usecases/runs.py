"""A scoring run: read every results and statewide file under `results/` in the data bucket, score
the requested chambers, then write the district items, the run summary and the report.

A malformed file never blocks the good ones: `read_files` sets it aside with the reason (file, row,
column), the run scores from the rest and its summary lists the refused files (the handler moves
them to `rejected/`, so later runs do not read them again). A run's id derives from its trigger
(the schedule event, or the uploaded objects), so a duplicate delivery rewrites the same items and
objects instead of adding a run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.scoring.domain.calibration import Pool
from services.scoring.domain.fundamentals import DEFAULT_SWING_SD
from services.scoring.domain.report import to_csv, to_html
from services.scoring.domain.results import DistrictResult, ResultsError, StatewideResult, read_any
from services.scoring.domain.scoring import ChamberScore, by_chamber, chambers_in, next_election, score_chamber
from shared.models import DistrictScore

RESULTS_PREFIX = "results/"
REPORTS_PREFIX = "reports/"
REJECTED_PREFIX = "rejected/"


@dataclass(frozen=True)
class ScoringRequest:
    trigger: str  # "schedule", "s3" or "on-demand"
    run_id: str
    states: tuple[str, ...] = ()  # empty: every state in the files
    chambers: tuple[str, ...] = ()  # empty: both
    year: int | None = None  # None: each chamber's next election
    swing: float | None = None  # staff's statewide shift in D share (polls); None: not given
    prior: bool = False  # the fundamentals prior on the environment (domain/fundamentals.py)
    swing_sd: float = DEFAULT_SWING_SD
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


@dataclass
class ReadFiles:
    """Every file of a run, read: the rows of the good ones, the refused ones with their reasons
    (file name -> reason naming row and column) and the warnings (races with no result)."""

    results: list[DistrictResult] = field(default_factory=list)
    statewide: list[StatewideResult] = field(default_factory=list)
    read: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def read_files(files: dict[str, bytes | str]) -> ReadFiles:
    """Pure: file name -> content (bytes or text). A refused file is set aside, never raised."""
    out = ReadFiles()
    for name, data in sorted(files.items()):
        warnings: list[str] = []
        try:
            r, s = read_any(data, source=name, warnings=warnings)
        except ResultsError as exc:
            out.refused[name] = str(exc)
            continue
        except Exception as exc:  # an unforeseen shape must not fail every later run too
            out.refused[name] = f"{name}: could not be read ({type(exc).__name__}: {exc})"
            continue
        out.results += r
        out.statewide += s
        out.read.append(name)
        out.warnings += warnings
    return out


def refusal_report(name: str, reason: str, run_id: str, now: datetime) -> str:
    """The short text stored beside a quarantined file: what, when, why, what to do."""
    return (
        f"{name} was refused by scoring run {run_id} at {now.isoformat()} and moved out of {RESULTS_PREFIX}.\n\n"
        f"{reason}\n\nFix the file and upload it under {RESULTS_PREFIX} again; other files were scored without it.\n"
    )


def score_files(request: ScoringRequest, files: dict[str, bytes | str] | ReadFiles, now: datetime) -> ScoringOutput:
    """Pure: the files (or what `read_files` made of them) in, everything the run writes out.
    Raises ResultsError when no good file has results for the requested chambers."""
    read = files if isinstance(files, ReadFiles) else read_files(files)
    results, statewide = read.results, read.statewide
    wanted = [
        (state, chamber)
        for state, chamber in chambers_in(results)
        if (not request.states or state in request.states) and (not request.chambers or chamber in request.chambers)
    ]
    if not wanted:
        asked = " ".join(request.states + request.chambers) or "any chamber"
        refused = f" (refused: {', '.join(sorted(read.refused))})" if read.refused else ""
        raise ResultsError(f"no results for {asked} in {', '.join(read.read) or 'the data bucket'}{refused}")
    results_of, statewide_of = by_chamber(results), by_chamber(statewide)
    # Every chamber in the files lends its calibration misses, also those not scored this run.
    pool = Pool.build(results_of, statewide_of)
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
            prior=request.prior,
            swing_sd=request.swing_sd,
            pool=pool,
        )
        for state, chamber in wanted
    ]
    scores = [
        DistrictScore(
            state=p.state,
            chamber=p.chamber,
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
        "files": read.read,
        "refused_files": [{"file": name, "reason": reason} for name, reason in sorted(read.refused.items())],
        "warnings": read.warnings,
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
