"""District scores and scoring runs (the scoring service's items).

Items (README.md beside this): `DISTRICT#<ST>#<chamber>#<district>` / `RUN#<run>` (gsi1
`SCORINGRUN#<run>` by rank) and `/ LATEST`; `SCORINGRUN#<run>/META` (the run's summary; gsi3
`SCORINGRUNS` by the time it was stored).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Protocol

from shared.models import DistrictScore
from shared.storage import keys
from shared.storage.codec import item
from shared.storage.table import Table


class Scores(Protocol):
    """What the scoring service and the console need (ScoreStore). A run's summary is the dict
    the scoring run stored (its figures), plus the item's keys."""

    def put_scores(self, run_id: str, summary: dict[str, Any], scores: list[DistrictScore]) -> None: ...
    def latest_score(self, state: str, chamber: str, district: str) -> DistrictScore | None: ...
    def latest_scores(self, districts: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], DistrictScore]: ...
    def run_scores(self, run_id: str) -> list[DistrictScore]: ...
    def latest_run(self) -> dict[str, Any] | None: ...


class ScoreStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    def put_scores(self, run_id: str, summary: dict[str, Any], scores: list[DistrictScore]) -> None:
        """Each district's score twice (the run's, ranked; and LATEST), then the run's summary
        (written last: a run is listed only once its scores are in)."""
        puts: list[dict[str, Any]] = []
        for s in scores:
            ranked = keys.run_rank_index(run_id, s.target_rank)
            puts.append(item(s, keys.district_run(s.state, s.chamber, s.district, run_id), **ranked))
            puts.append(item(s, keys.district_latest(s.state, s.chamber, s.district)))
        ordered = keys.scoring_run_index(datetime.now(UTC), run_id)
        puts.append(keys.scoring_run(run_id) | summary | {"type": "ScoringRun"} | ordered)
        self.table.batch_write(puts=puts)

    def latest_score(self, state: str, chamber: str, district: str) -> DistrictScore | None:
        found = self.table.get(keys.district_latest(state, chamber, district))
        return DistrictScore.model_validate(found) if found else None

    def latest_scores(self, districts: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], DistrictScore]:
        """The latest score of many (state, chamber, district), one BatchGetItem per 100 instead of
        a GetItem each; districts without a score are left out."""
        wanted = [keys.district_latest(*d) for d in dict.fromkeys(districts)]
        found = [DistrictScore.model_validate(f) for f in self.table.batch_get(wanted)] if wanted else []
        return {(f.state, f.chamber, f.district): f for f in found}

    def run_scores(self, run_id: str) -> list[DistrictScore]:
        """A scoring run's districts, best target first."""
        return [
            DistrictScore.model_validate(r)
            for r in self.table.query(
                IndexName="gsi1",
                KeyConditionExpression="gsi1pk = :r",
                ExpressionAttributeValues={":r": keys.run_ranking(run_id)},
            )
        ]

    def latest_run(self) -> dict[str, Any] | None:
        """The most recent scoring run's summary (gsi3 `SCORINGRUNS`, newest first)."""
        for found in self.table.query(
            IndexName="gsi3",
            KeyConditionExpression="gsi3pk = :p",
            ExpressionAttributeValues={":p": keys.SCORING_RUNS},
            ScanIndexForward=False,
            Limit=1,
        ):
            return found
        return None
