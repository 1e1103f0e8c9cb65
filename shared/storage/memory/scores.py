"""District scores and scoring runs in memory (the Protocol: shared/storage/scores.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from shared.models import DistrictScore
from shared.storage import keys
from shared.storage.memory.state import MemoryState


class MemoryScores:
    def __init__(self, state: MemoryState) -> None:
        self.s = state

    def put_scores(self, run_id: str, summary: dict[str, Any], scores: list[DistrictScore]) -> None:
        with self.s.lock:
            self.s.runs[run_id] = sorted(scores, key=lambda s: s.target_rank)
            self.s.latest_scores |= {(s.state, s.chamber, s.district): s for s in scores}
            run = keys.scoring_run(run_id) | summary | {"type": "ScoringRun"}
            self.s.run_summaries.append(run | keys.scoring_run_index(datetime.now(UTC), run_id))

    def latest_score(self, state: str, chamber: str, district: str) -> DistrictScore | None:
        return self.s.latest_scores.get((state, chamber, district))

    def latest_scores(self, districts: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], DistrictScore]:
        return {d: self.s.latest_scores[d] for d in districts if d in self.s.latest_scores}

    def run_scores(self, run_id: str) -> list[DistrictScore]:
        return list(self.s.runs.get(run_id, []))

    def latest_run(self) -> dict[str, Any] | None:
        return max(self.s.run_summaries, key=lambda r: r["gsi3sk"], default=None)
