"""Lifecycle storage (a project after staffing): kickoff, closing a project, leaving a team, check-ins, results.

Everything lives in the project's partition, so `project_items` (one Query) gives staff the whole
story. Releasing volunteers is one transaction per project: the project's status move (guarded by
its current status) and, per seat, `released_at` (guarded: not yet released) plus the volunteer's
`active_projects - 1` (guarded: above 0). A duplicate or concurrent close loses the status guard
and releases nothing twice. See README.md (Lifecycle) for the items and access patterns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shared.models import Invitation, Project, Slot
from shared.pipeline_counts import OPT_INS, creation_deltas
from shared.storage import keys
from shared.storage.campaigns import Campaigns, move_deltas, project_item, slot_put, status_guard
from shared.storage.codec import to_dynamo
from shared.storage.counters import counter_update, move_counted, transact_counted
from shared.storage.errors import ConditionFailed, Conflict, TransactionConflict
from shared.storage.invitations import InviteOutcome
from shared.storage.table import Table
from shared.storage.waves import Waves

ANSWER_LIMIT = 2000  # characters kept of each check-in answer


@dataclass(frozen=True)
class ServedSeat:
    """A seat being released: who, how many hours a week, weeks actually served."""

    slot: Slot
    hours_per_week: int
    weeks: float


@dataclass
class ProjectItems:
    checkins: list[dict[str, Any]]
    served: list[dict[str, Any]]
    results: dict[str, dict[str, Any]]  # "metrics", "rating"


def served_item(project_id: str, seat: ServedSeat, now: datetime, closing: bool) -> dict[str, Any]:
    """The SERVED# record of a seat released (`closing`: the project closed; else they left)."""
    vid = seat.slot.volunteer_id or ""
    return keys.served(project_id, vid) | {
        "type": "Served",
        "project_id": project_id,
        "volunteer_id": vid,
        "role": seat.slot.role,
        "hours_per_week": seat.hours_per_week,
        "weeks": float(seat.weeks),
        "ended_at": now.isoformat(),
        "how": "closed" if closing else "left",
    }


def checkin_item(project_id: str, week: int, lead_id: str, now: datetime) -> dict[str, Any]:
    """A week's check-in, asked of the lead (answers are added to it)."""
    return keys.checkin(project_id, week) | {
        "type": "Checkin",
        "project_id": project_id,
        "week": week,
        "lead_id": lead_id,
        "asked_at": now.isoformat(),
    }


def result_item(project_id: str, kind: str, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The lead's metrics or the campaign's rating (`kind`), `body` as the reply gave it."""
    return keys.result(project_id, kind) | {"type": "Result", "kind": kind, "received_at": now.isoformat()} | body


def checkin_answers(answers: dict[str, str]) -> dict[str, str]:
    """done_text, next_text, blocked_text from a reply's parts, each cut to ANSWER_LIMIT."""
    return {f"{part}_text": answers.get(part, "")[:ANSWER_LIMIT] for part in ("done", "next", "blocked")}


class Lifecycle(Protocol):
    """What the lifecycle use cases need (LifecycleStore; memory.MemoryLifecycle)."""

    def close(
        self,
        project: Project,
        seats: list[ServedSeat],
        to_status: str,
        from_statuses: Iterable[str],
        now: datetime,
        reason: str = "",
    ) -> bool: ...
    def leave(
        self,
        project: Project,
        seat: ServedSeat,
        to_status: str,
        from_statuses: Iterable[str],
        now: datetime,
        reason: str,
    ) -> bool: ...
    def kickoff(self, project: Project, kickoff_at: datetime, ends_at: datetime, now: datetime) -> bool: ...
    def create_follow_on(self, project: Project, slots: list[Slot]) -> bool: ...
    def invite_back(self, invitation: Invitation, max_pending: int, max_recent: int) -> bool: ...
    def ask_checkin(self, project_id: str, week: int, lead_id: str, now: datetime) -> bool: ...
    def answer_checkin(self, project_id: str, week: int, answers: dict[str, str], now: datetime) -> bool: ...
    def put_result(self, project_id: str, kind: str, body: dict[str, Any], now: datetime) -> None: ...
    def project_items(self, project_id: str) -> ProjectItems: ...


class LifecycleStore:
    def __init__(self, table: Table, campaigns: Campaigns, waves: Waves) -> None:
        self.table = table
        self.campaigns = campaigns
        self.waves = waves

    def _status_update(
        self, project: Project, to_status: str, now: datetime, reason: str, sets: str = ""
    ) -> dict[str, Any]:
        """The status move of `project` as read (guarded by its exact status: see counters.py)."""
        condition, values = status_guard([project.status])
        values |= {":to": to_status, ":reason": reason, ":g3": keys.projects_with_status(to_status), ":one": 1}
        values |= {":now": now.isoformat()}
        return {
            "Key": keys.project(project.project_id),
            "UpdateExpression": "SET #status = :to, status_reason = :reason, gsi3pk = :g3,"
            " version = version + :one, status_changed_at = :now" + sets,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": to_dynamo(values),
        }

    @staticmethod
    def _release(project_id: str, seat: ServedSeat, now: datetime, closing: bool) -> list[dict[str, Any]]:
        vid = seat.slot.volunteer_id
        slot_update = (
            "SET released_at = :now" if closing else "REMOVE volunteer_id, filled_at, released_at"
        )  # leaving empties the seat for matching; closing keeps the team on record
        return [
            {
                "Update": {
                    "Key": keys.slot(project_id, seat.slot.index),
                    "UpdateExpression": slot_update,
                    "ConditionExpression": "volunteer_id = :v AND attribute_not_exists(released_at)",
                    "ExpressionAttributeValues": {":v": vid} | ({":now": now.isoformat()} if closing else {}),
                }
            },
            {
                "Update": {
                    "Key": keys.volunteer(vid or ""),
                    "UpdateExpression": "ADD active_projects :minus",
                    "ConditionExpression": "active_projects > :zero",
                    "ExpressionAttributeValues": {":minus": -1, ":zero": 0},
                }
            },
            {
                "Put": {
                    "Item": to_dynamo(served_item(project_id, seat, now, closing)),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ]

    def _run(
        self,
        project: Project,
        from_statuses: Iterable[str],
        actions_for: Callable[[Project], list[dict[str, Any]]],
    ) -> bool:
        """False when the project's status guard (the first action) lost: someone else already
        moved it (a duplicate or concurrent event). Conflict when a seat changed under us."""
        try:
            return move_counted(self.table, project, from_statuses, actions_for)
        except TransactionConflict as exc:
            raise Conflict(f"a seat changed while releasing: {exc.reasons}") from exc

    def close(
        self,
        project: Project,
        seats: list[ServedSeat],
        to_status: str,
        from_statuses: Iterable[str],
        now: datetime,
        reason: str = "",
    ) -> bool:
        """done / cancelled, releasing every member's active-project count in the same transaction."""

        def actions_for(current: Project) -> list[dict[str, Any]]:
            actions = [{"Update": self._status_update(current, to_status, now, reason, ", closed_at = :now")}]
            for seat in seats:
                if seat.slot.volunteer_id:
                    actions += self._release(project.project_id, seat, now, closing=True)
            return actions + counter_update(project.project_id, move_deltas(current, to_status))

        return self._run(project, from_statuses, actions_for)

    def leave(
        self,
        project: Project,
        seat: ServedSeat,
        to_status: str,
        from_statuses: Iterable[str],
        now: datetime,
        reason: str,
    ) -> bool:
        """One volunteer leaves: the seat empties, the team count and their active count drop, and
        matching starts afresh on the seat (waves reset). False when they had already left."""

        def actions_for(current: Project) -> list[dict[str, Any]]:
            update = self._status_update(current, to_status, now, reason, ", waves = :zero ADD filled :minus")
            update["ExpressionAttributeValues"] |= {":zero": 0, ":minus": -1}
            deltas = move_deltas(current, to_status) | {OPT_INS: -1}  # the seat it frees was an opt-in
            return [
                {"Update": update},
                *self._release(project.project_id, seat, now, closing=False),
                *counter_update(project.project_id, deltas),
            ]

        try:
            return self._run(project, from_statuses, actions_for)
        except Conflict:
            return False  # the seat is no longer theirs: this leave was already applied

    def kickoff(self, project: Project, kickoff_at: datetime, ends_at: datetime, now: datetime) -> bool:
        return self.campaigns.transition_project(
            project, "active", from_statuses=["staffed"], now=now, kickoff_at=kickoff_at, ends_at=ends_at
        )

    def create_follow_on(self, project: Project, slots: list[Slot]) -> bool:
        """The follow-on project, its empty seats, and its id on the campaign, together; False when
        it already exists (its id derives from the first project, so a retry creates nothing)."""
        actions: list[dict[str, Any]] = [
            {"Put": {"Item": project_item(project), "ConditionExpression": "attribute_not_exists(pk)"}},
            *[slot_put(project.project_id, s) for s in slots],
            {
                "Update": {
                    "Key": keys.campaign(project.campaign_id),
                    "UpdateExpression": "SET project_ids = list_append(project_ids, :p)",
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeValues": {":p": [project.project_id]},
                }
            },
            *counter_update(project.project_id, creation_deltas([project.status])),
        ]
        try:
            transact_counted(self.table, actions)
        except TransactionConflict as exc:
            if exc.first_guard_lost:
                return False
            raise
        return True

    def invite_back(self, invitation: Invitation, max_pending: int, max_recent: int) -> bool:
        """The first phase's team is invited first, through the wave's own invite transaction (pending
        cap, project limit, opt-out, the 14-day limit, never twice to one project)."""
        state = self.waves.volunteer_states([invitation.volunteer_id]).get(invitation.volunteer_id, {})
        outcome = self.waves.create_invitation(invitation, state, max_pending=max_pending, max_recent=max_recent)
        return outcome is InviteOutcome.CREATED

    # --- check-ins and results ----------------------------------------------------------------

    def ask_checkin(self, project_id: str, week: int, lead_id: str, now: datetime) -> bool:
        """Record that week's check-in as asked; False when it already was (at most one per week)."""
        try:
            self.table.put(
                checkin_item(project_id, week, lead_id, now),
                "attribute_not_exists(pk)",
            )
        except ConditionFailed:
            return False
        return True

    def answer_checkin(self, project_id: str, week: int, answers: dict[str, str], now: datetime) -> bool:
        """The lead's answers (a later reply to the same week replaces the earlier one)."""
        try:
            self.table.update(
                keys.checkin(project_id, week),
                "SET answered_at = :now, done_text = :done_text, next_text = :next_text, blocked_text = :blocked_text",
                "attribute_exists(pk)",
                values={":now": now.isoformat()} | {f":{k}": v for k, v in checkin_answers(answers).items()},
            )
        except ConditionFailed:
            return False
        return True

    def put_result(self, project_id: str, kind: str, body: dict[str, Any], now: datetime) -> None:
        """The lead's metrics or the campaign's rating (the latest reply wins)."""
        self.table.put(result_item(project_id, kind, body, now))

    def project_items(self, project_id: str) -> ProjectItems:
        """A project's check-ins, served records and results: one Query of its partition."""
        rows = list(
            self.table.query(
                KeyConditionExpression="pk = :pk AND sk BETWEEN :a AND :z",
                ExpressionAttributeValues={
                    ":pk": keys.project_partition(project_id),
                    ":a": keys.LIFECYCLE_RANGE[0],
                    ":z": keys.LIFECYCLE_RANGE[1],
                },
                ConsistentRead=True,
            )
        )
        return ProjectItems(
            checkins=sorted((r for r in rows if r["sk"].startswith("CHECKIN#")), key=lambda r: r["week"]),
            served=[r for r in rows if r["sk"].startswith("SERVED#")],
            results={r["kind"]: r for r in rows if r["sk"].startswith("RESULT#")},
        )
