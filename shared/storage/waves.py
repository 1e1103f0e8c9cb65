"""Matching's wave access patterns: the invitations aggregate's writes that create invitations.

- the live state of many volunteers in one BatchGetItem per 100 (projected: counters, the last
  14 days of invitation times, response counts);
- an invitation that also enforces the 14-day invitation limit, guarded by an optimistic
  `invite_seq` on the volunteer so two waves cannot both pass the limit;
- the one reminder per invitation (conditional on `reminded` being unset);
- a volunteer's answered-invitation count (past responsiveness, a soft signal).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Protocol

from shared.models import Invitation
from shared.storage import keys
from shared.storage.codec import item
from shared.storage.errors import ConditionFailed, TransactionConflict
from shared.storage.invitations import InviteOutcome
from shared.storage.table import Table

STATE_FIELDS = (
    "volunteer_id",
    "paused_until",
    "active_projects",
    "max_active_projects",
    "pending_invitations",
    "email_opt_out",
    "recent_invites",
    "invite_seq",
    "invited_total",
    "responded_total",
)
RECENT_WINDOW = timedelta(days=14)


def recent_invites(state: dict[str, Any], now: datetime) -> list[str]:
    """The volunteer's invitation times within the 14 days before `now` (ISO strings)."""
    since = (now - RECENT_WINDOW).isoformat()
    return [t for t in state.get("recent_invites") or [] if t > since]


class Waves(Protocol):
    """What matching's waves need (WaveStore; memory.MemoryWaves). A volunteer's state is a dict
    with STATE_FIELDS (absent counters mean never invited)."""

    def volunteer_states(self, volunteer_ids: Iterable[str]) -> dict[str, dict[str, Any]]: ...
    def create_invitation(
        self, invitation: Invitation, state: dict[str, Any], *, max_pending: int, max_recent: int
    ) -> InviteOutcome: ...
    def mark_reminded(self, invitation: Invitation) -> bool: ...
    def record_response(self, volunteer_id: str) -> None: ...


class WaveStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    def volunteer_states(self, volunteer_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Live counters and invitation history of many volunteers (strongly consistent)."""
        found = self.table.batch_get([keys.volunteer(v) for v in dict.fromkeys(volunteer_ids)], STATE_FIELDS)
        return {f["volunteer_id"]: f for f in found}

    recent_invites = staticmethod(recent_invites)

    def create_invitation(
        self, invitation: Invitation, state: dict[str, Any], *, max_pending: int, max_recent: int
    ) -> InviteOutcome:
        """Pointer + invitation + the volunteer's pending count and 14-day history, together.

        `state` is the volunteer's state as read for this wave: the write succeeds only if nobody
        invited them since (invite_seq unchanged) and every limit still holds.
        """
        inv = invitation
        recent = recent_invites(state, inv.created_at)
        if len(recent) >= max_recent:
            return InviteOutcome.VOLUNTEER_BUSY
        seq = int(state.get("invite_seq") or 0)
        seq_guard = "(attribute_not_exists(invite_seq) OR invite_seq = :seq)" if seq == 0 else "invite_seq = :seq"
        record = item(
            inv,
            keys.invitation(inv.project_id, inv.invitation_id),
            **keys.invitation_indexes(inv.volunteer_id, inv.invitation_id, inv.created_at, inv.expires_at),
        )
        try:
            self.table.transact(
                [
                    # The id derives from (project, volunteer): this put is "never invited before".
                    {
                        "Put": {
                            "Item": keys.invitation_pointer(inv.invitation_id)
                            | {"project_id": inv.project_id, "type": "InvitationPointer"},
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {"Put": {"Item": record}},
                    {
                        "Update": {
                            "Key": keys.volunteer(inv.volunteer_id),
                            "UpdateExpression": "SET recent_invites = :recent, invite_seq = :next"
                            " ADD pending_invitations :one, invited_total :one",
                            "ConditionExpression": "attribute_exists(pk) AND pending_invitations < :max"
                            " AND active_projects < max_active_projects AND email_opt_out = :no AND " + seq_guard,
                            "ExpressionAttributeValues": {
                                ":one": 1,
                                ":max": max_pending,
                                ":no": False,
                                ":seq": seq,
                                ":next": seq + 1,
                                ":recent": [*recent, inv.created_at.isoformat()],
                            },
                        }
                    },
                ]
            )
        except TransactionConflict as exc:
            if exc.first_guard_lost:
                return InviteOutcome.EXISTS
            return InviteOutcome.VOLUNTEER_BUSY
        return InviteOutcome.CREATED

    def mark_reminded(self, invitation: Invitation) -> bool:
        """True exactly once per invitation, and only while it is pending."""
        try:
            self.table.update(
                keys.invitation(invitation.project_id, invitation.invitation_id),
                "SET reminded = :t",
                "#status = :pending AND (attribute_not_exists(reminded) OR reminded = :f)",
                names={"#status": "status"},
                values={":t": True, ":f": False, ":pending": "pending"},
            )
        except ConditionFailed:
            return False
        return True

    def record_response(self, volunteer_id: str) -> None:
        """The volunteer answered an invitation (called once, after the answer's transition won)."""
        self.table.update(
            keys.volunteer(volunteer_id), "ADD responded_total :one", "attribute_exists(pk)", values={":one": 1}
        )
