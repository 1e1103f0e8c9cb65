"""Invitations and the replies kept for staff: answering, closing, finding an invitation.

Items (README.md beside this): `PROJECT#<pid>/INVITATION#<iid>` (gsi2 by volunteer; gsi3
`INVITATIONS#pending` by expiry while pending), `INVITATION#<iid>/POINTER` (immutable: which
project), `INVITATION#<iid>/REPLY#<received>` (an unclear reply; gsi3 `REPLIES#unclear` until
resolved). Creating invitations is the wave's transaction (`waves.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from shared.models import Invitation, Project, UnclearReply, Volunteer
from shared.pipeline_counts import INVITATIONS_OUT, OPT_INS
from shared.storage import keys
from shared.storage.counters import counter_update, transact_counted
from shared.storage.errors import ConditionFailed, TransactionConflict
from shared.storage.table import Table

REPLY_TEXT_LIMIT = 4000  # characters of an unclear reply kept for staff
PUBLISHED_GROUP = 100  # updates per TransactWriteItems (DynamoDB's limit)
SENDER_LIMIT = 320  # an address's longest legal length (RFC 3696 errata 1690)


class InvitationKey(Protocol):
    """What names an invitation's items and its volunteer's counters: an Invitation, or an
    InvitationRef when an event carried the three ids and nothing else needs reading."""

    @property
    def invitation_id(self) -> str: ...
    @property
    def project_id(self) -> str: ...
    @property
    def volunteer_id(self) -> str: ...


@dataclass(frozen=True)
class InvitationRef:
    invitation_id: str
    project_id: str
    volunteer_id: str


class AcceptOutcome(Enum):
    JOINED = "joined"
    NOT_PENDING = "not_pending"  # already answered (a duplicate delivery) or no longer open
    EXPIRED = "expired"
    SLOT_TAKEN = "slot_taken"  # someone else took that slot first: try another
    TEAM_FULL = "team_full"
    AT_LIMIT = "at_limit"  # the volunteer reached their active-project limit


class InviteOutcome(Enum):
    CREATED = "created"
    EXISTS = "exists"  # this volunteer was already invited to this project
    VOLUNTEER_BUSY = "volunteer_busy"  # pending cap, project limit, or opted out


def unclear_reply_item(
    invitation: Invitation,
    channel: str,
    text: str,
    now: datetime,
    other_sender: str | None = None,
    read_as: str | None = None,
) -> dict[str, Any]:
    """An unclear reply's item (without its gsi3 entry): text cut to REPLY_TEXT_LIMIT characters."""
    reply = keys.unclear_reply(invitation.invitation_id, now) | {
        "type": "UnclearReply",
        "invitation_id": invitation.invitation_id,
        "project_id": invitation.project_id,
        "volunteer_id": invitation.volunteer_id,
        "channel": channel,
        "text": text[:REPLY_TEXT_LIMIT],
        "received_at": now.isoformat(),
        "resolved": False,
    }
    if other_sender:
        reply |= {"from_other_address": True, "sender": other_sender[:SENDER_LIMIT], "read_as": read_as or "unclear"}
    return reply


class Invitations(Protocol):
    """What use cases need of invitations (DynamoInvitations; memory.MemoryInvitations).

    Unclear replies come out as `shared.models.UnclearReply`.
    """

    def get_invitation(self, invitation_id: str) -> Invitation | None: ...
    def get_invitation_and_volunteer(self, invitation_id: str) -> tuple[Invitation | None, Volunteer | None]: ...
    def invitations_of_volunteer(self, volunteer_id: str) -> list[Invitation]: ...
    def pending_invitations_expiring_before(self, moment: datetime) -> list[Invitation]: ...
    def count_pending(self) -> int: ...
    def mark_invitation_published(self, invitation: Invitation) -> None: ...
    def mark_invitations_published(self, invitations: list[Invitation]) -> None: ...
    def accept_invitation(
        self,
        invitation: Invitation,
        project: Project,
        slot_index: int,
        now: datetime,
        *,
        seen_filled: int | None = None,
    ) -> AcceptOutcome: ...
    def close_invitation(
        self,
        invitation: InvitationKey,
        status: str,
        now: datetime,
        channel: str | None = None,
        *,
        answered: bool = False,
    ) -> bool: ...
    def save_unclear_reply(
        self,
        invitation: Invitation,
        channel: str,
        text: str,
        now: datetime,
        other_sender: str | None = None,
        read_as: str | None = None,
    ) -> None: ...
    def unclear_replies(self) -> list[UnclearReply]: ...
    def replies_to(self, invitation_id: str) -> list[UnclearReply]: ...
    def resolve_unclear_reply(self, invitation_id: str, received_at: str, resolution: str, now: datetime) -> bool: ...
    def erase_personal_data(self, invitation: Invitation) -> int: ...


class DynamoInvitations:
    def __init__(self, table: Table) -> None:
        self.table = table

    def get_invitation(self, invitation_id: str) -> Invitation | None:
        """By reply token: the pointer, then the invitation in its project's partition."""
        pointer = self.table.get(keys.invitation_pointer(invitation_id))
        if pointer is None:
            return None
        found = self.table.get(keys.invitation(pointer["project_id"], invitation_id))
        return Invitation.model_validate(found) if found else None

    def get_invitation_and_volunteer(self, invitation_id: str) -> tuple[Invitation | None, Volunteer | None]:
        """By reply token, the invitation and its volunteer: the pointer (which names both since
        the pointer carries the volunteer), then both items in one BatchGetItem; three reads for a
        pointer written before. (None, None) when there is no such invitation."""
        pointer = self.table.get(keys.invitation_pointer(invitation_id))
        if pointer is None:
            return None, None
        volunteer_id = pointer.get("volunteer_id")
        if not volunteer_id:
            invitation = self.get_invitation(invitation_id)
            found = self.table.get(keys.volunteer(invitation.volunteer_id)) if invitation else None
            return invitation, Volunteer.model_validate(found) if found else None
        items = self.table.batch_get(
            [keys.invitation(pointer["project_id"], invitation_id), keys.volunteer(volunteer_id)]
        )
        invitation_item = next((i for i in items if str(i["sk"]).startswith("INVITATION#")), None)
        volunteer_item = next((i for i in items if str(i["pk"]).startswith("VOLUNTEER#")), None)
        return (
            Invitation.model_validate(invitation_item) if invitation_item else None,
            Volunteer.model_validate(volunteer_item) if volunteer_item else None,
        )

    def invitations_of_volunteer(self, volunteer_id: str) -> list[Invitation]:
        return [
            Invitation.model_validate(r)
            for r in self.table.query(
                IndexName="gsi2",
                KeyConditionExpression="gsi2pk = :v",
                ExpressionAttributeValues={":v": keys.volunteer_invitations(volunteer_id)},
            )
        ]

    def pending_invitations_expiring_before(self, moment: datetime) -> list[Invitation]:
        return [
            Invitation.model_validate(r)
            for r in self.table.query(
                IndexName="gsi3",
                KeyConditionExpression="gsi3pk = :p AND gsi3sk < :t",
                ExpressionAttributeValues={":p": keys.PENDING_INVITATIONS, ":t": moment.isoformat()},
            )
        ]

    def count_pending(self) -> int:
        """Invitations out (pending), counted on gsi3 `INVITATIONS#pending` (the console's pipeline)."""
        return self.table.count(
            IndexName="gsi3",
            KeyConditionExpression="gsi3pk = :p",
            ExpressionAttributeValues={":p": keys.PENDING_INVITATIONS},
        )

    def mark_invitation_published(self, invitation: Invitation) -> None:
        self.table.update(
            keys.invitation(invitation.project_id, invitation.invitation_id),
            "SET published = :t",
            "attribute_exists(pk)",
            values={":t": True},
        )

    def mark_invitations_published(self, invitations: list[Invitation]) -> None:
        """Many invitations' `published` flag, PUBLISHED_GROUP per TransactWriteItems (one call
        instead of one each; a transaction, not a batch, because BatchWriteItem cannot update).
        A group cancelled (an invitation gone, or a concurrent answer on one of them) is marked
        one at a time, which raises ConditionFailed for an invitation that is gone."""
        for start in range(0, len(invitations), PUBLISHED_GROUP):
            group = invitations[start : start + PUBLISHED_GROUP]
            try:
                self.table.transact(
                    [
                        {
                            "Update": {
                                "Key": keys.invitation(i.project_id, i.invitation_id),
                                "UpdateExpression": "SET published = :t",
                                "ConditionExpression": "attribute_exists(pk)",
                                "ExpressionAttributeValues": {":t": True},
                            }
                        }
                        for i in group
                    ]
                )
            except TransactionConflict:
                for invitation in group:
                    self.mark_invitation_published(invitation)

    def accept_invitation(
        self,
        invitation: Invitation,
        project: Project,
        slot_index: int,
        now: datetime,
        *,
        seen_filled: int | None = None,
    ) -> AcceptOutcome:
        """Put the volunteer in the slot: invitation, slot, team count and volunteer load together.

        `seen_filled`: the project's `filled` as the caller read it; the write then also requires
        it unchanged, so JOINED means the team now has exactly seen_filled + 1 (the caller knows
        whether it took the last seat without reading again), and a concurrent change of the team
        comes out as SLOT_TAKEN (read again and retry)."""
        inv = invitation
        team_guard = "filled < team_size AND #status = :matching"
        team_values: dict[str, Any] = {":one": 1, ":matching": "matching"}
        if seen_filled is not None:
            team_guard += " AND filled = :seen"
            team_values[":seen"] = seen_filled
        try:
            transact_counted(
                self.table,
                [
                    {
                        "Update": {
                            "Key": keys.invitation(inv.project_id, inv.invitation_id),
                            "UpdateExpression": "SET #status = :accepted, answered_at = :now REMOVE gsi3pk, gsi3sk",
                            "ConditionExpression": "#status = :pending AND expires_at > :now",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": {
                                ":accepted": "accepted",
                                ":pending": "pending",
                                ":now": now.isoformat(),
                            },
                        }
                    },
                    {
                        "Update": {
                            "Key": keys.slot(project.project_id, slot_index),
                            "UpdateExpression": "SET volunteer_id = :v, filled_at = :now",
                            "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(volunteer_id)",
                            "ExpressionAttributeValues": {":v": inv.volunteer_id, ":now": now.isoformat()},
                        }
                    },
                    {
                        "Update": {
                            "Key": keys.project(project.project_id),
                            "UpdateExpression": "ADD filled :one",
                            "ConditionExpression": team_guard,
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": team_values,
                        }
                    },
                    {
                        "Update": {
                            "Key": keys.volunteer(inv.volunteer_id),
                            # An accept is an answer: past responsiveness counted in the same write.
                            "UpdateExpression": "ADD active_projects :one, pending_invitations :minus,"
                            " responded_total :one",
                            "ConditionExpression": "active_projects < max_active_projects",
                            "ExpressionAttributeValues": {":one": 1, ":minus": -1},
                        }
                    },
                    # last, so the failure index mapping below holds
                    *counter_update(inv.project_id, {OPT_INS: 1, INVITATIONS_OUT: -1}),
                ],
            )
        except TransactionConflict as exc:
            failed = exc.failed_at()
            if failed == 0:
                current = self.get_invitation(inv.invitation_id)
                if current and current.status == "pending" and current.expires_at <= now:
                    return AcceptOutcome.EXPIRED
                return AcceptOutcome.NOT_PENDING
            # With `seen_filled` the team's guard also fails when someone else joined since the
            # caller's read: read again (the next read tells a full team from a changed one).
            team = AcceptOutcome.SLOT_TAKEN if seen_filled is not None else AcceptOutcome.TEAM_FULL
            outcome = {1: AcceptOutcome.SLOT_TAKEN, 2: team, 3: AcceptOutcome.AT_LIMIT}.get(failed or -1)
            if outcome is None:
                raise
            return outcome
        return AcceptOutcome.JOINED

    def close_invitation(
        self,
        invitation: InvitationKey,
        status: str,
        now: datetime,
        channel: str | None = None,
        *,
        answered: bool = False,
    ) -> bool:
        """pending -> declined/expired/withdrawn/team_full, releasing the volunteer's pending count;
        `answered`: the volunteer answered it (a no, or a yes that found no seat), so their
        `responded_total` goes up in the same write (once: only the write that closes it counts).

        False when it was no longer pending (a duplicate delivery, or it was answered meanwhile).
        """
        try:
            transact_counted(
                self.table,
                [
                    {
                        "Update": {
                            "Key": keys.invitation(invitation.project_id, invitation.invitation_id),
                            "UpdateExpression": "SET #status = :s, answered_at = :now, answer_channel = :c"
                            " REMOVE gsi3pk, gsi3sk",
                            "ConditionExpression": "#status = :pending",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": {
                                ":s": status,
                                ":pending": "pending",
                                ":now": now.isoformat(),
                                ":c": channel or "system",
                            },
                        }
                    },
                    {
                        "Update": {
                            "Key": keys.volunteer(invitation.volunteer_id),
                            "UpdateExpression": "ADD pending_invitations :minus"
                            + (", responded_total :one" if answered else ""),
                            "ConditionExpression": "pending_invitations > :zero",
                            "ExpressionAttributeValues": {":minus": -1, ":zero": 0} | ({":one": 1} if answered else {}),
                        }
                    },
                    *counter_update(invitation.project_id, {INVITATIONS_OUT: -1}),
                ],
            )
        except TransactionConflict:
            return False
        return True

    def save_unclear_reply(
        self,
        invitation: Invitation,
        channel: str,
        text: str,
        now: datetime,
        other_sender: str | None = None,
        read_as: str | None = None,
    ) -> None:
        """A reply nobody could classify, kept for staff to read and resolve. `other_sender`: the
        reply came from an address that is not the invited volunteer's (never applied; staff
        decide), `read_as`: what its text would have been read as."""
        self.table.put(
            unclear_reply_item(invitation, channel, text, now, other_sender, read_as) | keys.unclear_reply_index(now)
        )

    def unclear_replies(self) -> list[UnclearReply]:
        """Replies waiting for staff, oldest first; resolved ones leave the index."""
        return [
            UnclearReply.model_validate(r)
            for r in self.table.query(
                IndexName="gsi3",
                KeyConditionExpression="gsi3pk = :p",
                ExpressionAttributeValues={":p": keys.UNCLEAR_REPLIES},
            )
        ]

    def replies_to(self, invitation_id: str) -> list[UnclearReply]:
        """Every unclear reply kept for one invitation, resolved or not (privacy's export/forget)."""
        return [
            UnclearReply.model_validate(r)
            for r in self.table.query(
                KeyConditionExpression="pk = :pk AND begins_with(sk, :reply)",
                ExpressionAttributeValues={
                    ":pk": keys.invitation_partition(invitation_id),
                    ":reply": keys.REPLY_PREFIX,
                },
            )
        ]

    def resolve_unclear_reply(self, invitation_id: str, received_at: str, resolution: str, now: datetime) -> bool:
        """Mark a reply resolved once (False when someone already did) and drop it from the queue."""
        try:
            self.table.update(
                keys.unclear_reply_at(invitation_id, received_at),
                "SET resolved = :t, resolution = :r, resolved_at = :n REMOVE gsi3pk, gsi3sk",
                "attribute_exists(pk) AND resolved = :f",
                values={":t": True, ":f": False, ":r": resolution, ":n": now.isoformat()},
            )
        except ConditionFailed:
            return False
        return True

    def erase_personal_data(self, invitation: Invitation) -> int:
        """Drop why the volunteer was asked (reasons, score components: read from their profile)
        and delete the reply texts kept for staff; returns how many replies were deleted."""
        self.table.update(
            keys.invitation(invitation.project_id, invitation.invitation_id), "REMOVE reasons, score_components"
        )
        replies = self.replies_to(invitation.invitation_id)
        for reply in replies:
            self.table.delete(keys.unclear_reply_at(reply.invitation_id, reply.received_at))
        return len(replies)
