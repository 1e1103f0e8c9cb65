"""Scoring's Lambda handler: a thin adapter for three triggers.

- the schedule (EventBridge "Scheduled Event"): score every chamber in the data bucket;
- an S3 upload under `results/` (Records with eventSource aws:s3): rescore, since every file of
  a state's history feeds its prediction;
- on demand (`tfc score run`): {"source": "tfc.cli", "state": "VA", "chamber": ..., "year": ...,
  "swing": ..., "prior": true/false, "swing_sd": ..., "runs": ..., "run_id": ...} ("swing"
  absent or null: none given; "prior": the fundamentals prior on the environment).

A refused results file is moved to `rejected/` with a `.report.txt` beside it (its reason: file, row,
column); the run scores from the other files and its answer and summary list what it refused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from services.scoring.domain.fundamentals import DEFAULT_SWING_SD
from services.scoring.domain.results import ResultsError
from services.scoring.usecases.runs import (
    REJECTED_PREFIX,
    RESULTS_PREFIX,
    ScoringRequest,
    derived_run_id,
    read_files,
    refusal_report,
    score_files,
)
from shared.aws import client
from shared.ids import new_id
from shared.models import utcnow
from shared.observability import correlation, get_logger, new_correlation_id
from shared.settings import get_settings
from shared.storage import main_store

logger = get_logger("scoring")
MAX_RUNS = 200_000


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ResultsError(f"{name} must be true or false, not {value!r}")
    return value


def _swing_sd(value: Any) -> float:
    if value is None:
        return DEFAULT_SWING_SD
    sd = float(value)
    if not 0 < sd <= 0.5:
        raise ResultsError("swing_sd must be above 0 and at most 0.5 (a share)")
    return sd


def parse_event(event: dict[str, Any]) -> ScoringRequest:
    records = [r for r in event.get("Records", []) if r.get("eventSource") == "aws:s3"]
    if records:
        keys = tuple(unquote_plus(r["s3"]["object"]["key"]) for r in records)
        marks = [
            f"{k}@{r['s3']['object'].get('sequencer') or r['s3']['object'].get('eTag', '')}"
            for k, r in zip(keys, records, strict=True)
        ]
        return ScoringRequest("s3", derived_run_id(*marks), files=keys)
    if event.get("source") == "tfc.cli":
        runs = int(event.get("runs") or 10_000)
        if not 100 <= runs <= MAX_RUNS:
            raise ResultsError(f"runs must be between 100 and {MAX_RUNS}")
        year = event.get("year")
        return ScoringRequest(
            "on-demand",
            str(event.get("run_id") or new_id("run")),
            states=tuple(s.upper() for s in _list(event.get("state"))),
            chambers=tuple(c.lower() for c in _list(event.get("chamber"))),
            year=int(year) if year else None,
            swing=None if event.get("swing") is None else float(event["swing"]),
            prior=_flag(event.get("prior", False), "prior"),
            swing_sd=_swing_sd(event.get("swing_sd")),
            runs=runs,
        )
    if event.get("id"):  # EventBridge: a retried delivery keeps its id and time
        return ScoringRequest("schedule", derived_run_id(str(event["id"]), str(event.get("time", ""))))
    return ScoringRequest("schedule", new_id("run"))


def _list(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def on_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    with correlation(logger, new_correlation_id()):
        try:
            request = parse_event(event)
        except (ResultsError, ValueError, KeyError) as exc:
            logger.error("scoring request refused", extra={"reason": str(exc)})
            return {"status": "refused", "error": str(exc)}
        bucket = get_settings().bucket("data")
        s3 = client("s3")
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=RESULTS_PREFIX)
        names = [o["Key"] for page in pages for o in page.get("Contents", []) if o["Key"].endswith(".csv")]
        if not names:
            logger.warning("no results files to score", extra={"prefix": RESULTS_PREFIX})
            return {"status": "empty", "districts": 0}
        files = {name: s3.get_object(Bucket=bucket, Key=name)["Body"].read() for name in names}
        now = utcnow()
        read = read_files(files)
        for name, reason in read.refused.items():
            _quarantine(s3, bucket, name, refusal_report(name, reason, request.run_id, now))
            logger.warning("results file refused", extra={"run_id": request.run_id, "file": name, "reason": reason})
        refused = [{"file": name, "reason": reason} for name, reason in sorted(read.refused.items())]
        try:
            output = score_files(request, read, now)
        except ResultsError as exc:
            # Nothing usable: nothing is written; the refused files are already out of the way.
            logger.error("scoring run refused", extra={"run_id": request.run_id, "reason": str(exc)})
            return {"status": "refused", "run_id": request.run_id, "error": str(exc), "refused_files": refused}
        summary = output.summary
        s3.put_object(Bucket=bucket, Key=summary["report_csv"], Body=output.csv.encode(), ContentType="text/csv")
        html = output.html.encode()
        s3.put_object(Bucket=bucket, Key=summary["report_html"], Body=html, ContentType="text/html; charset=utf-8")
        s3.put_object(Bucket=bucket, Key="reports/latest.html", Body=html, ContentType="text/html; charset=utf-8")
        main_store().scores.put_scores(request.run_id, summary, output.scores)
        logger.info("districts scored", extra={"run_id": request.run_id, "districts": len(output.scores)})
        return {
            "status": "scored",
            "run_id": request.run_id,
            "districts": len(output.scores),
            "chambers": summary["chambers"],
            "report_csv": summary["report_csv"],
            "report_html": summary["report_html"],
            "bucket": bucket,
            "refused_files": refused,
            "warnings": read.warnings,
        }


def _quarantine(s3: Any, bucket: str, key: str, report: str) -> None:
    """Move a refused object from results/ to rejected/ with a short report beside it, so that no
    later run (scheduled or triggered) reads it again."""
    target = REJECTED_PREFIX + key.removeprefix(RESULTS_PREFIX)
    s3.copy_object(Bucket=bucket, Key=target, CopySource={"Bucket": bucket, "Key": key})
    s3.put_object(
        Bucket=bucket, Key=target + ".report.txt", Body=report.encode(), ContentType="text/plain; charset=utf-8"
    )
    s3.delete_object(Bucket=bucket, Key=key)


on_schedule = on_event  # the name the foundation declared; both triggers share one handler
