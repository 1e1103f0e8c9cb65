"""Matching's wave access patterns: the invitations aggregate's writes that create invitations.

- the live state of many volunteers in one BatchGetItem per 100 (projected: counters, the last
  14 days of invitation times, response counts);
- an invitation that also enforces the 14-day invitation limit, guarded by an optimistic
  `invite_seq` on the volunteer so two waves cannot both pass the limit; a wave writes them
  GROUP to a transaction (`create_invitations`), each keeping its own guards;
- the one reminder per invitation (conditional on `reminded` being unset);
- a volunteer's answered-invitation count (past responsiveness, a soft signal).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from shared.models import Invitation
from shared.pipeline_counts import INVITATIONS_OUT
from shared.storage import keys
from shared.storage.codec import item
from shared.storage.counters import counter_update, transact_counted
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
GROUP = 25  # invitations per TransactWriteItems: 3 actions each, under DynamoDB's 100 per transaction
ACTIONS = 3  # pointer, invitation, volunteer state: the order create_invitation writes them


REMIND_GROUP = 100  # reminded flags per TransactWriteItems (DynamoDB's limit)
_REMIND = "SET reminded = :t"
_REMIND_IF = "#status = :pending AND (attribute_not_exists(reminded) OR reminded = :f)"
_REMIND_VALUES = {":t": True, ":f": False, ":pending": "pending"}


def _remind_action(invitation: Invitation) -> dict[str, Any]:
    return {
        "Update": {
            "Key": keys.invitation(invitation.project_id, invitation.invitation_id),
            "UpdateExpression": _REMIND,
            "ConditionExpression": _REMIND_IF,
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": _REMIND_VALUES,
        }
    }


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
    def create_invitations(
        self, batch: Sequence[tuple[Invitation, dict[str, Any]]], *, max_pending: int, max_recent: int
    ) -> list[InviteOutcome]: ...
    def mark_reminded(self, invitation: Invitation) -> bool: ...
    def mark_many_reminded(self, invitations: Sequence[Invitation]) -> list[bool]: ...


def _outcome(reasons: Sequence[str]) -> InviteOutcome:
    """One invitation's outcome from its actions' cancellation reasons (pointer first)."""
    return InviteOutcome.EXISTS if reasons[:1] == ["ConditionalCheckFailed"] else InviteOutcome.VOLUNTEER_BUSY


def _shard_key(batch: Sequence[tuple[Invitation, Any]], group: list[tuple[int, Any]]) -> str:
    """What a group's counter shard is chosen from: its first invitation's id. Not a project id:
    a group holds several projects' invitations, and a large project's fill consecutive groups
    written at the same time on the wave's threads, which would then all add to one shard."""
    return batch[group[0][0]][0].invitation_id


def _groups(todo: list[tuple[int, list[dict[str, Any]], str]]) -> Iterable[list[tuple[int, list[dict[str, Any]]]]]:
    """`todo` (index, actions, volunteer) in groups of at most GROUP, no volunteer twice in one
    (a transaction may touch an item once)."""
    group: list[tuple[int, list[dict[str, Any]]]] = []
    seen: set[str] = set()
    for index, actions, volunteer_id in todo:
        if len(group) == GROUP or volunteer_id in seen:
            yield group
            group, seen = [], set()
        group.append((index, actions))
        seen.add(volunteer_id)
    if group:
        yield group


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
        return self.create_invitations([(invitation, state)], max_pending=max_pending, max_recent=max_recent)[0]

    def create_invitations(
        self, batch: Sequence[tuple[Invitation, dict[str, Any]]], *, max_pending: int, max_recent: int
    ) -> list[InviteOutcome]:
        """Many invitations (each with its volunteer's state as read), GROUP per transaction, each
        under exactly create_invitation's guards; outcomes in `batch`'s order.

        A group is all or nothing, so one lost guard cancels it: the cancellation reasons (one per
        action, in order) name the invitations whose guard was lost (EXISTS when the pointer's,
        VOLUNTEER_BUSY otherwise); the others are written again together, without them. A group
        cancelled with no guard lost (a concurrent transaction on one of its items) is written one
        invitation at a time. Calls: one per group when no guard is lost."""
        outcomes: list[InviteOutcome | None] = [None] * len(batch)
        todo: list[tuple[int, list[dict[str, Any]], str]] = []  # (index in batch, actions, volunteer)
        for index, (invitation, state) in enumerate(batch):
            actions = self._actions(invitation, state, max_pending, max_recent)
            if isinstance(actions, InviteOutcome):
                outcomes[index] = actions
            else:
                todo.append((index, actions, invitation.volunteer_id))
        for group in _groups(todo):
            while group:
                try:  # the counter's action goes last: the reasons of invitation k stay at k * ACTIONS
                    counted = counter_update(_shard_key(batch, group), {INVITATIONS_OUT: len(group)})
                    transact_counted(self.table, [a for _, actions in group for a in actions] + counted)
                except TransactionConflict as exc:
                    lost = set()
                    for k, (index, _) in enumerate(group):
                        reasons = exc.reasons[k * ACTIONS : (k + 1) * ACTIONS]
                        if "ConditionalCheckFailed" in reasons:
                            outcomes[index] = _outcome(reasons)
                            lost.add(k)
                    if not lost:
                        for index, actions in group:
                            outcomes[index] = self._one(batch[index][0], actions)
                        break
                    group = [g for k, g in enumerate(group) if k not in lost]
                    continue
                for index, _ in group:
                    outcomes[index] = InviteOutcome.CREATED
                break
        return [o if o is not None else InviteOutcome.VOLUNTEER_BUSY for o in outcomes]

    def _one(self, invitation: Invitation, actions: list[dict[str, Any]]) -> InviteOutcome:
        try:
            transact_counted(self.table, actions + counter_update(invitation.project_id, {INVITATIONS_OUT: 1}))
        except TransactionConflict as exc:
            return _outcome(exc.reasons)
        return InviteOutcome.CREATED

    @staticmethod
    def _actions(
        inv: Invitation, state: dict[str, Any], max_pending: int, max_recent: int
    ) -> list[dict[str, Any]] | InviteOutcome:
        """The invitation's three guarded actions, or its outcome when the state read already refuses it."""
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
        return [
            # The id derives from (project, volunteer): this put is "never invited before".
            {
                "Put": {
                    "Item": keys.invitation_pointer(inv.invitation_id)
                    | {"project_id": inv.project_id, "volunteer_id": inv.volunteer_id, "type": "InvitationPointer"},
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

    def mark_reminded(self, invitation: Invitation) -> bool:
        """True exactly once per invitation, and only while it is pending."""
        try:
            self.table.update(
                keys.invitation(invitation.project_id, invitation.invitation_id),
                _REMIND,
                _REMIND_IF,
                names={"#status": "status"},
                values=_REMIND_VALUES,
            )
        except ConditionFailed:
            return False
        return True

    def mark_many_reminded(self, invitations: Sequence[Invitation]) -> list[bool]:
        """mark_reminded for many, REMIND_GROUP per TransactWriteItems instead of one UpdateItem
        each; True for each this call marked (in `invitations`' order). A group is all or
        nothing: the cancellation reasons name the invitations whose guard was lost (answered or
        reminded since), and the rest are marked again together; a cancellation that names none
        (a concurrent transaction) marks that group one at a time."""
        done: dict[int, bool] = {}
        todo = list(dict.fromkeys(range(len(invitations))))
        while todo:
            group, todo = todo[:REMIND_GROUP], todo[REMIND_GROUP:]
            try:
                self.table.transact([_remind_action(invitations[i]) for i in group])
            except TransactionConflict as exc:
                lost = [i for i, code in zip(group, exc.reasons, strict=False) if code == "ConditionalCheckFailed"]
                if not lost:
                    done |= {i: self.mark_reminded(invitations[i]) for i in group}
                    continue
                done |= dict.fromkeys(lost, False)
                todo = [i for i in group if i not in lost] + todo
                continue
            done |= dict.fromkeys(group, True)
        return [done[i] for i in range(len(invitations))]
