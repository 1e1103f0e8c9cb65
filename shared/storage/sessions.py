"""Staff console sessions: one item per logged-in browser, so logging out (or an expiry) ends it
on the server, whatever a copied cookie says.

    SESSION#<sha256 of the session id> / SESSION   created_at, last_seen (epoch seconds),
                                                   key_fingerprint, ttl (the absolute expiry)

The id itself lives only in the signed cookie: a leaked table item cannot be replayed. DynamoDB's
TTL deletes items after their absolute expiry (hours late at worst); the console checks the
limits itself on every request (services/intake/console/session.py), so a late delete admits
nobody. Only Get, conditional Put/Update and Delete: no Query, no Scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shared.storage import keys
from shared.storage.errors import ConditionFailed
from shared.storage.table import Table


@dataclass(frozen=True)
class ConsoleSession:
    session_hash: str  # sha256 hex of the id in the cookie
    created_at: int  # epoch seconds
    last_seen: int  # epoch seconds, written at most once a minute (session.TOUCH_EVERY_SECONDS)
    key_fingerprint: str  # of the ops key it was opened with: a rotated key ends the session


class Sessions(Protocol):
    """What the console needs of its sessions (DynamoSessions; MemorySessions in tests)."""

    def create(self, session: ConsoleSession, expires_at: int) -> None: ...
    def get(self, session_hash: str) -> ConsoleSession | None: ...
    def touch(self, session_hash: str, seen: int, previous: int) -> bool: ...
    def delete(self, session_hash: str) -> None: ...


class DynamoSessions:
    def __init__(self, table: Table) -> None:
        self.table = table

    def create(self, session: ConsoleSession, expires_at: int) -> None:
        """Store a new session; `expires_at` (epoch seconds) becomes the item's TTL.
        ConditionFailed when the hash is already taken (never, for 144-bit random ids)."""
        item = keys.console_session(session.session_hash) | {
            "type": "ConsoleSession",
            "created_at": session.created_at,
            "last_seen": session.last_seen,
            "key_fingerprint": session.key_fingerprint,
            "ttl": expires_at,
        }
        self.table.put(item, "attribute_not_exists(pk)")

    def get(self, session_hash: str) -> ConsoleSession | None:
        """The session (strongly consistent read), or None when absent or deleted."""
        found = self.table.get(keys.console_session(session_hash))
        if found is None:
            return None
        return ConsoleSession(
            session_hash=session_hash,
            created_at=int(found["created_at"]),
            last_seen=int(found["last_seen"]),
            key_fingerprint=str(found["key_fingerprint"]),
        )

    def touch(self, session_hash: str, seen: int, previous: int) -> bool:
        """Move last_seen from `previous` to `seen`. False (nothing written) when the session is
        gone (a logout in between must not bring it back) or another request moved it first."""
        try:
            self.table.update(
                keys.console_session(session_hash),
                "SET last_seen = :seen",
                "last_seen = :previous",
                values={":seen": seen, ":previous": previous},
            )
        except ConditionFailed:
            return False
        return True

    def delete(self, session_hash: str) -> None:
        """Forget the session (idempotent: deleting a missing one is not an error)."""
        self.table.delete(keys.console_session(session_hash))


def console_sessions() -> DynamoSessions:
    """Over the stage's main table (follows the current endpoint, as main_store does)."""
    from shared.storage import main_table

    return DynamoSessions(main_table())
