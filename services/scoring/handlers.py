"""Scoring's Lambda handler: read every results file in the data bucket, score, store."""

from __future__ import annotations

from typing import Any

from services.scoring.domain.model import score
from services.scoring.domain.results import read_results
from shared.aws import client
from shared.ids import new_id
from shared.models import DistrictScore, utcnow
from shared.observability import correlation, get_logger, new_correlation_id
from shared.settings import get_settings
from shared.storage import main_store

logger = get_logger("scoring")
RESULTS_PREFIX = "results/"


def on_schedule(event: dict[str, Any], context: Any) -> dict[str, Any]:
    with correlation(logger, new_correlation_id()):
        bucket = get_settings().bucket("data")
        s3 = client("s3")
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=RESULTS_PREFIX)
        names = [o["Key"] for page in pages for o in page.get("Contents", []) if o["Key"].endswith(".csv")]
        results = []
        for name in names:
            text = s3.get_object(Bucket=bucket, Key=name)["Body"].read().decode("utf-8")
            results += read_results(text, source=name)
        if not results:
            logger.warning("no results files to score", extra={"prefix": RESULTS_PREFIX})
            return {"districts": 0}
        now = utcnow()
        run_id = new_id("run")
        scored = score(results)
        main_store().put_scores(
            run_id,
            {"run_id": run_id, "files": names, "districts": len(scored), "computed_at": now.isoformat()},
            [DistrictScore(**vars(s), run_id=run_id, computed_at=now) for s in scored],
        )
        logger.info("districts scored", extra={"run_id": run_id, "districts": len(scored)})
        return {"run_id": run_id, "districts": len(scored)}
