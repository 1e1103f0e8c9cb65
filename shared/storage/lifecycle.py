"""Lifecycle storage (issue 9): kickoff, closing a project, leaving a team, check-ins, results.

Everything lives in the project's partition, so `project_items` (one Query) gives staff the whole
story. Releasing volunteers is one transaction per project: the project's status move (guarded by
its current status) and, per seat, `released_at` (guarded: not yet released) plus the volunteer's
`active_projects - 1` (guarded: above 0). A duplicate or concurrent close loses the status guard
and releases nothing twice. See README.md (Lifecycle) for the items and access patterns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shared.models import Invitation, Project, Slot
from shared.storage import keys
from shared.storage.codec import item, to_dynamo
from shared.storage.store import Conflict, Store, _cancellation_codes, _is


def checkin_key(project_id: str, week: int) -> dict[str, str]:
    return {"pk": f"PROJECT#{project_id}", "sk": f"CHECKIN#{week:02d}"}


def served_key(project_id: str, volunteer_id: str) -> dict[str, str]:
    return {"pk": f"PROJECT#{project_id}", "sk": f"SERVED#{volunteer_id}"}


def result_key(project_id: str, kind: str) -> dict[str, str]:
    return {"pk": f"PROJECT#{project_id}", "sk": f"RESULT#{kind}"}


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


class LifecycleStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._table = store._table

    def _status_update(
        self, project: Project, to_status: str, from_statuses: Iterable[str], now: datetime, reason: str, sets: str = ""
    ) -> dict[str, Any]:
        allowed = list(from_statuses)
        values: dict[str, Any] = {":to": to_status, ":reason": reason, ":g3": f"PROJECTS#{to_status}", ":one": 1}
        values |= {f":f{i}": s for i, s in enumerate(allowed)} | {":now": now.isoformat()}
        return {
            "Key": keys.project(project.project_id),
            "UpdateExpression": "SET #status = :to, status_reason = :reason, gsi3pk = :g3,"
            " version = version + :one, status_changed_at = :now" + sets,
            "ConditionExpression": f"#status IN ({', '.join(f':f{i}' for i in range(len(allowed)))})",
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
                    "Item": to_dynamo(
                        served_key(project_id, vid or "")
                        | {
                            "type": "Served",
                            "project_id": project_id,
                            "volunteer_id": vid,
                            "role": seat.slot.role,
                            "hours_per_week": seat.hours_per_week,
                            "weeks": float(seat.weeks),
                            "ended_at": now.isoformat(),
                            "how": "closed" if closing else "left",
                        }
                    ),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ]

    def _run(self, actions: list[dict[str, Any]]) -> bool:
        """False when the project's status guard (the first action) lost: someone else already
        moved it (a duplicate or concurrent event). Conflict when a seat changed under us."""
        try:
            self.store._transact(actions)
        except ClientError as exc:
            if not _is(exc, "TransactionCanceledException"):
                raise
            codes = _cancellation_codes(exc)
            if codes[:1] == ["ConditionalCheckFailed"]:
                return False
            raise Conflict(f"a seat changed while releasing: {codes}") from exc
        return True

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
        actions = [
            {"Update": self._status_update(project, to_status, from_statuses, now, reason, ", closed_at = :now")}
        ]
        for seat in seats:
            if seat.slot.volunteer_id:
                actions += self._release(project.project_id, seat, now, closing=True)
        return self._run(actions)

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
        update = self._status_update(
            project, to_status, from_statuses, now, reason, ", waves = :zero ADD filled :minus"
        )
        update["ExpressionAttributeValues"] |= {":zero": 0, ":minus": -1}
        actions = [{"Update": update}, *self._release(project.project_id, seat, now, closing=False)]
        try:
            return self._run(actions)
        except Conflict:
            return False  # the seat is no longer theirs: this leave was already applied

    def kickoff(self, project: Project, kickoff_at: datetime, ends_at: datetime, now: datetime) -> bool:
        return self.store.transition_project(
            project, "active", from_statuses=["staffed"], now=now, kickoff_at=kickoff_at, ends_at=ends_at
        )

    def create_follow_on(self, project: Project, slots: list[Slot]) -> bool:
        """The follow-on project, its empty seats, and its id on the campaign, together; False when
        it already exists (its id derives from the first project, so a retry creates nothing)."""
        actions: list[dict[str, Any]] = [
            {"Put": {"Item": self.store._project_item(project), "ConditionExpression": "attribute_not_exists(pk)"}},
            *[{"Put": {"Item": item(s, keys.slot(project.project_id, s.index))}} for s in slots],
            {
                "Update": {
                    "Key": keys.campaign(project.campaign_id),
                    "UpdateExpression": "SET project_ids = list_append(project_ids, :p)",
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeValues": {":p": [project.project_id]},
                }
            },
        ]
        try:
            self.store._transact(actions)
        except ClientError as exc:
            if _is(exc, "TransactionCanceledException") and _cancellation_codes(exc)[:1] == ["ConditionalCheckFailed"]:
                return False
            raise
        return True

    def invite_back(self, invitation: Invitation, max_pending: int, max_recent: int) -> bool:
        """The first phase's team is invited first, through the wave's own invite transaction (pending
        cap, project limit, opt-out, the 14-day limit, never twice to one project)."""
        from shared.storage.store import InviteOutcome
        from shared.storage.waves import WaveStore

        waves = WaveStore(self.store)
        state = waves.volunteer_states([invitation.volunteer_id]).get(invitation.volunteer_id, {})
        outcome = waves.create_invitation(invitation, state, max_pending=max_pending, max_recent=max_recent)
        return outcome is InviteOutcome.CREATED

    # --- check-ins and results ----------------------------------------------------------------

    def ask_checkin(self, project_id: str, week: int, lead_id: str, now: datetime) -> bool:
        """Record that week's check-in as asked; False when it already was (at most one per week)."""
        try:
            self._table.put_item(
                Item=checkin_key(project_id, week)
                | {
                    "type": "Checkin",
                    "project_id": project_id,
                    "week": week,
                    "lead_id": lead_id,
                    "asked_at": now.isoformat(),
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as exc:
            if _is(exc, "ConditionalCheckFailedException"):
                return False
            raise
        return True

    def answer_checkin(self, project_id: str, week: int, answers: dict[str, str], now: datetime) -> bool:
        """The lead's answers (a later reply to the same week replaces the earlier one)."""
        try:
            self._table.update_item(
                Key=checkin_key(project_id, week),
                UpdateExpression="SET answered_at = :now, done_text = :d, next_text = :n, blocked_text = :b",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={
                    ":now": now.isoformat(),
                    ":d": answers.get("done", "")[:2000],
                    ":n": answers.get("next", "")[:2000],
                    ":b": answers.get("blocked", "")[:2000],
                },
            )
        except ClientError as exc:
            if _is(exc, "ConditionalCheckFailedException"):
                return False
            raise
        return True

    def put_result(self, project_id: str, kind: str, body: dict[str, Any], now: datetime) -> None:
        """The lead's metrics or the campaign's rating (the latest reply wins)."""
        self._table.put_item(
            Item=to_dynamo(
                result_key(project_id, kind) | {"type": "Result", "kind": kind, "received_at": now.isoformat()} | body
            )
        )

    def project_items(self, project_id: str) -> ProjectItems:
        """A project's check-ins, served records and results: one Query of its partition."""
        rows = list(
            self.store._query(
                KeyConditionExpression="pk = :pk AND sk BETWEEN :a AND :z",
                ExpressionAttributeValues={":pk": f"PROJECT#{project_id}", ":a": "CHECKIN#", ":z": "SERVED#~"},
                ConsistentRead=True,
            )
        )
        return ProjectItems(
            checkins=sorted((r for r in rows if r["sk"].startswith("CHECKIN#")), key=lambda r: r["week"]),
            served=[r for r in rows if r["sk"].startswith("SERVED#")],
            results={r["kind"]: r for r in rows if r["sk"].startswith("RESULT#")},
        )
