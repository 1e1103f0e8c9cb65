"""Sign-ups and profile changes waiting for their owner's confirmation (issue 15).

Item `PENDING#<email hash>/PENDING`: one per address, replaced by a newer submission. It carries
`ttl` (the table's TTL attribute) so DynamoDB deletes it once it expires, and gsi3 keys by its
expiry so the lifecycle tick deletes it within the hour (locally too, where nothing runs TTL);
until then reads treat an expired item as absent. Confirming consumes
it inside the volunteer's own transaction (volunteers.py, `consume=`), guarded by its `nonce`, so a
link works once and a replaced link never.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from typing import Any, Protocol

from shared.models import PendingChange
from shared.storage import keys
from shared.storage.codec import item
from shared.storage.errors import TransactionConflict
from shared.storage.table import Table


class PendingChanges(Protocol):
    """What use cases need of pending changes (DynamoPending; memory.MemoryPending)."""

    def put_pending(self, pending: PendingChange) -> None: ...
    def get_pending(self, email_key: str, now: datetime) -> PendingChange | None: ...
    def drop_pending(self, pending: PendingChange) -> None: ...
    def expired_pending(self, now: datetime, limit: int) -> list[PendingChange]: ...


def consume_action(pending: PendingChange) -> dict[str, Any]:
    """The transaction step that deletes the pending item only if it is still this one."""
    return {
        "Delete": {
            "Key": keys.pending_change(pending.email_key),
            "ConditionExpression": "nonce = :nonce",
            "ExpressionAttributeValues": {":nonce": pending.nonce},
        }
    }


class DynamoPending:
    def __init__(self, table: Table) -> None:
        self.table = table

    def put_pending(self, pending: PendingChange) -> None:
        """Store (or replace) the address's pending change; DynamoDB's TTL deletes it at expiry."""
        self.table.put(
            item(pending, keys.pending_change(pending.email_key))
            | keys.pending_expiry_index(pending.expires_at, pending.email_key)
            | {"ttl": int(pending.expires_at.timestamp())}
        )

    def get_pending(self, email_key: str, now: datetime) -> PendingChange | None:
        """The address's pending change, or None when there is none or it has expired."""
        found = self.table.get(keys.pending_change(email_key))
        if not found:
            return None
        pending = PendingChange.model_validate(found)
        return pending if pending.expires_at > now else None

    def expired_pending(self, now: datetime, limit: int) -> list[PendingChange]:
        """Up to `limit` pending changes expired before `now`, oldest first (one gsi3 Query page)."""
        found = self.table.query(
            IndexName="gsi3",
            KeyConditionExpression="gsi3pk = :p AND gsi3sk < :t",
            ExpressionAttributeValues={":p": keys.PENDING_CHANGES, ":t": now.isoformat()},
            Limit=limit,
        )
        return [PendingChange.model_validate(f) for _, f in zip(range(limit), found, strict=False)]

    def drop_pending(self, pending: PendingChange) -> None:
        """Delete it if it is still this one (used, expired: not a newer submission)."""
        with suppress(TransactionConflict):  # already consumed or replaced by a newer submission
            self.table.transact([consume_action(pending)])
