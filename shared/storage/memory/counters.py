"""The pipeline's counters in memory (the Protocol: shared/storage/counters.py)."""

from __future__ import annotations

from shared.pipeline_counts import PipelineCounts, recount
from shared.storage.memory.state import MemoryState


class MemoryCounters:
    """Recomputed from the state at every read: in memory nothing can drift, so `replace` has
    nothing to correct (the DynamoDB counters are checked against a recount in tests/aws). No
    shards here: nothing contends for an item in memory, and the Protocol does not show them."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    def pipeline(self) -> PipelineCounts:
        with self.s.lock:
            pending = sum(1 for i in self.s.invitations.values() if i.status == "pending")
            return recount(list(self.s.projects.values()), campaigns=len(self.s.campaigns), invitations_out=pending)

    def replace(self, counts: PipelineCounts) -> None:
        return None
