"""Pending changes in memory (the Protocol: shared/storage/pending.py)."""

from __future__ import annotations

from datetime import datetime

from shared.models import PendingChange
from shared.storage.memory.state import MemoryState


class MemoryPending:
    def __init__(self, state: MemoryState) -> None:
        self.s = state

    def put_pending(self, pending: PendingChange) -> None:
        with self.s.lock:
            self.s.pending[pending.email_key] = pending

    def get_pending(self, email_key: str, now: datetime) -> PendingChange | None:
        found = self.s.pending.get(email_key)
        return found if found is not None and found.expires_at > now else None

    def expired_pending(self, now: datetime, limit: int) -> list[PendingChange]:
        expired = sorted((p for p in self.s.pending.values() if p.expires_at < now), key=lambda p: p.expires_at)
        return expired[:limit]

    def drop_pending(self, pending: PendingChange) -> None:
        with self.s.lock:
            stored = self.s.pending.get(pending.email_key)
            if stored is not None and stored.nonce == pending.nonce:
                del self.s.pending[pending.email_key]
