"""An in-memory store: every aggregate's Protocol kept in dicts, for use-case tests without moto.

Each method keeps the guards of its DynamoDB adapter (the same conditions, checked in the same
order a transaction reports them) and raises the same `errors` exceptions, so a use case sees the
same outcomes. One lock makes each call atomic, as a conditional write or transaction is. What
it does not model: eventual consistency of the indexes, throttling, item size limits. The
adapters themselves are tested against moto (tests/aws/test_store.py and others).
"""

from __future__ import annotations

from shared.storage.memory.campaigns import MemoryCampaigns
from shared.storage.memory.counters import MemoryCounters
from shared.storage.memory.invitations import MemoryInvitations, MemoryWaves
from shared.storage.memory.lifecycle import MemoryLifecycle, MemoryThreads
from shared.storage.memory.pending import MemoryPending
from shared.storage.memory.scores import MemoryScores
from shared.storage.memory.state import MemoryState
from shared.storage.memory.volunteers import MemoryVolunteers
from shared.storage.store import Store

__all__ = ["MemoryState", "memory_store"]


def memory_store(state: MemoryState | None = None) -> Store:
    """A `Store` whose aggregates live in `state` (a new, empty one by default)."""
    state = state or MemoryState()
    campaigns, waves = MemoryCampaigns(state), MemoryWaves(state)
    return Store(
        campaigns=campaigns,
        volunteers=MemoryVolunteers(state),
        invitations=MemoryInvitations(state),
        waves=waves,
        lifecycle=MemoryLifecycle(state, campaigns, waves),
        threads=MemoryThreads(state),
        scores=MemoryScores(state),
        pending=MemoryPending(state),
        counters=MemoryCounters(state),
    )
