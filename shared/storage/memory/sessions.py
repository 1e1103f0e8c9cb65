"""Console sessions in memory (the Protocol and its guards: shared/storage/sessions.py)."""

from __future__ import annotations

import threading
from dataclasses import replace

from shared.storage.errors import ConditionFailed
from shared.storage.sessions import ConsoleSession


class MemorySessions:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.items: dict[str, tuple[ConsoleSession, int]] = {}  # hash -> (session, expires_at)

    def create(self, session: ConsoleSession, expires_at: int) -> None:
        with self._lock:
            if session.session_hash in self.items:
                raise ConditionFailed("the conditional request failed")
            self.items[session.session_hash] = (session, expires_at)

    def get(self, session_hash: str) -> ConsoleSession | None:
        with self._lock:
            found = self.items.get(session_hash)
            return found[0] if found else None

    def touch(self, session_hash: str, seen: int, previous: int) -> bool:
        with self._lock:
            found = self.items.get(session_hash)
            if found is None or found[0].last_seen != previous:
                return False
            self.items[session_hash] = (replace(found[0], last_seen=seen), found[1])
            return True

    def delete(self, session_hash: str) -> None:
        with self._lock:
            self.items.pop(session_hash, None)
