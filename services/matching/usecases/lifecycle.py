"""Lifecycle use cases: kickoff, weekly check-ins, leaving, phase end and cancel.

The rules are in domain/lifecycle.py; this reads the project, applies a rule, makes the guarded
write (shared/storage/lifecycle.py) and publishes what notify should send. Each step is
idempotent: a duplicate that finds the write already made re-publishes the same event (notify
sends once per project and kind), so a crash between the write and the publish loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from services.matching.config import matching_config
from services.matching.domain import lifecycle as rules
from shared.events import (
    CheckinRequestedV1,
    Event,
    InvitationIssuedV1,
    ProjectClosedV1,
    ProjectCommandV1,
    ProjectKickedOffV1,
    TeamThankedV1,
    VolunteerLeftV1,
)
from shared.ids import derived_id
from shared.models import Invitation, Project
from shared.storage import Conflict, Store
from shared.storage.campaigns import ProjectRecord
from shared.storage.lifecycle import ServedSeat
from shared.storage.threads import CAMPAIGN, TEAM

Publish = Callable[[str, Sequence[Event]], None]


class NotFound(LookupError):
    pass


def _phase(project: Project) -> rules.Phase | None:
    if project.kickoff_at is None or project.ends_at is None:
        return None
    return rules.Phase(project.kickoff_at, project.ends_at, min(project.weeks, rules.MAX_WEEKS))


class Lifecycle:
    def __init__(
        self,
        store: Store,
        publish: Publish,
        logger: Logger,
        invitation_ttl: int = 259200,
        max_pending: int = 3,
    ) -> None:
        self.invitation_ttl = invitation_ttl
        self.max_pending = max_pending
        self.store = store
        self.publish = publish
        self.log = logger
        self.items = store.lifecycle
        self.threads = store.threads

    def _record(self, project_id: str) -> ProjectRecord:
        found = self.store.campaigns.get_project(project_id)
        if found is None:
            raise NotFound(f"project_id: no project {project_id}")
        return found

    def command(self, event: ProjectCommandV1, now: datetime) -> None:
        cid = event.correlation_id
        try:
            if event.action == "kickoff":
                self.kickoff(event.project_id, event.kickoff_at or now, now, cid)
            elif event.action == "complete":
                self.close(event.project_id, "complete", now, cid, event.reason)
            elif event.action == "cancel":
                self.close(event.project_id, "cancel", now, cid, event.reason or "cancelled by staff")
            elif event.action == "follow_on":
                self.follow_on(event.project_id, now, cid, event.reason)
            elif event.action == "resume":
                self.resume(event.project_id, now, event.reason or "resumed by staff")
            elif event.action == "leave":
                self.leave(event.project_id, event.volunteer_id or "", now, cid)
        except (rules.TransitionError, NotFound) as exc:
            # A command that does not apply (already done, not on the team...) changes nothing;
            # retrying would not help, so it is logged, not failed into the DLQ.
            self.log.warning("lifecycle command refused", extra={"action": event.action, "reason": str(exc)})

    # --- kickoff ------------------------------------------------------------------------------

    def kickoff(self, project_id: str, kickoff_at: datetime, now: datetime, cid: str) -> Project:
        project = self._record(project_id).project
        if project.status == "active" and project.kickoff_at is not None:  # a duplicate: send (once) again
            self.threads.open(project_id, TEAM, "team")  # idempotent: a crash may have come before it
            self.publish("notify", [ProjectKickedOffV1(correlation_id=cid, project_id=project_id)])
            return project
        rules.transition(project.status, "kickoff")
        phase = rules.plan_phase(project.weeks, kickoff_at)
        if not self.items.kickoff(project, phase.kickoff_at, phase.ends_at, now):
            return self.kickoff(project_id, kickoff_at, now, cid)  # moved meanwhile: judge it afresh
        self.threads.open(project_id, TEAM, "team")  # before the email that carries its reply address
        self.publish("notify", [ProjectKickedOffV1(correlation_id=cid, project_id=project_id)])
        self.log.info("project kicked off", extra={"project_id": project_id, "weeks": phase.weeks})
        return self._record(project_id).project

    # --- done and cancelled: every member released at once -----------------------------------

    def _seats(self, record: ProjectRecord, now: datetime) -> list[ServedSeat]:
        phase = _phase(record.project)
        return [
            ServedSeat(
                s,
                record.project.hours_per_week,
                rules.weeks_served(s.filled_at or now, now, phase) if s.filled_at else 0.0,
            )
            for s in record.slots
            if s.volunteer_id
        ]

    def close(self, project_id: str, action: str, now: datetime, cid: str, reason: str = "") -> str:
        outcome = "done" if action == "complete" else "cancelled"
        for _ in range(5):  # a seat may change under us (someone leaving at the same moment)
            record = self._record(project_id)
            project = record.project
            if project.status == outcome:  # a duplicate: the release already happened exactly once
                self._open_result_threads(record, outcome)
                self.publish("notify", [ProjectClosedV1(correlation_id=cid, project_id=project_id, outcome=outcome)])
                return outcome
            sources, target = rules.transition(project.status, action, project.kickoff_at is not None)  # type: ignore[arg-type]
            try:
                won = self.items.close(project, self._seats(record, now), target, sources, now, reason)
            except Conflict:
                continue
            if not won:
                continue  # the status moved: look again (a concurrent close ends in the duplicate branch)
            self._withdraw_pending(record, now, cid)
            self._open_result_threads(record, outcome)
            self.publish("notify", [ProjectClosedV1(correlation_id=cid, project_id=project_id, outcome=outcome)])
            self.log.info("project closed", extra={"project_id": project_id, "outcome": outcome})
            return outcome
        raise Conflict(f"project {project_id} kept changing while closing; retry")

    def _open_result_threads(self, record: ProjectRecord, outcome: str) -> None:
        """The replies the phase-end emails ask for: metrics from the lead, a rating from the campaign."""
        if outcome != "done":
            return
        lead = next((s.volunteer_id for s in record.slots if s.role == "lead" and s.volunteer_id), None)
        if lead:
            self.threads.open(record.project.project_id, lead, "metrics")
        self.threads.open(record.project.project_id, CAMPAIGN, "rating")

    def report_result(self, project_id: str, kind: str, text: str, now: datetime, cid: str) -> None:
        """The lead's metrics (then the team is thanked with them) or the campaign's rating."""
        if kind == "metrics":
            self.items.put_result(project_id, "metrics", {"text": text[:4000]}, now)
            self.publish("notify", [TeamThankedV1(correlation_id=cid, project_id=project_id)])
            return
        try:
            rating, comment = rules.parse_rating(text)
            body: dict[str, object] = {"rating": rating, "comment": comment}
        except rules.TransitionError:
            body = {"text": text[:4000]}  # kept for staff; counts in no median
            self.log.info("rating reply without a 1-5 number", extra={"project_id": project_id})
        self.items.put_result(project_id, "rating", body, now)

    def _withdraw_pending(self, record: ProjectRecord, now: datetime, cid: str) -> None:
        from services.matching.usecases.staffing import withdraw_invitations

        withdraw_invitations(self.store, self.publish, record.invitations, "project_closed", now, cid)

    # --- leaving ------------------------------------------------------------------------------

    def leave(self, project_id: str, volunteer_id: str, now: datetime, cid: str) -> str:
        record = self._record(project_id)
        project = record.project
        if project.status in ("done", "cancelled") or not any(s.volunteer_id == volunteer_id for s in record.slots):
            served = self.items.project_items(project_id).served
            if any(s["volunteer_id"] == volunteer_id and s["how"] == "left" for s in served):
                self.publish(
                    "notify", [VolunteerLeftV1(correlation_id=cid, project_id=project_id, volunteer_id=volunteer_id)]
                )
                return "already_left"  # a duplicate: confirm (once) again
        seats = [rules.Seat(s.index, s.role, s.volunteer_id) for s in record.slots]
        plan = rules.leave(project.status, seats, volunteer_id)
        slot = next(s for s in record.slots if s.index == plan.slot_index)
        weeks = rules.weeks_served(slot.filled_at or now, now, _phase(project))
        seat = ServedSeat(slot, project.hours_per_week, weeks)
        if not self.items.leave(project, seat, plan.to_status, rules.LEAVABLE, now, plan.reason):
            return self.leave(project_id, volunteer_id, now, cid)  # changed meanwhile: judge it afresh
        self.publish("notify", [VolunteerLeftV1(correlation_id=cid, project_id=project_id, volunteer_id=volunteer_id)])
        self.log.info("volunteer left", extra={"project_id": project_id, "role": plan.role, "to": plan.to_status})
        return plan.to_status

    def resume(self, project_id: str, now: datetime, reason: str) -> str:
        """Staff acted on a project that needed attention: back to matching when a seat is empty
        (a new lead is found the usual way), else back to where it was."""
        record = self._record(project_id)
        target = rules.resume(
            record.project.status, record.project.kickoff_at, any(s.volunteer_id is None for s in record.slots)
        )
        extra = {"waves": 0} if target == "matching" else {}  # a fresh search for the empty seat
        self.store.campaigns.transition_project(
            record.project,
            target,
            from_statuses=["needs_attention"],
            now=now,
            reason=reason,
            attention_cleared_at=now,
            **extra,
        )
        return target

    def follow_on(self, project_id: str, now: datetime, cid: str, reason: str = "") -> str:
        """A new phase after a done project: a new project linked to it, matching at once, whose
        seats go first to the same team (one invitation each); waves fill whatever they decline."""
        record = self._record(project_id)
        first = record.project
        weeks = rules.follow_on_weeks(first.status, first.weeks)
        new_id = derived_id("p", "follow_on", project_id)
        project = first.model_copy(
            update={
                "project_id": new_id,
                "status": "matching",
                "status_reason": reason or "follow-on phase",
                "weeks": weeks,
                "filled": 0,
                "waves": 0,
                "created_at": now,
                "approved_at": now,
                "staffed_at": None,
                "kickoff_at": None,
                "ends_at": None,
                "closed_at": None,
                "attention_cleared_at": None,
                "follows_project_id": project_id,
                "version": 1,
            }
        )
        slots = [s.model_copy(update={"volunteer_id": None, "filled_at": None}) for s in record.slots]
        self.items.create_follow_on(project, slots)  # False: created before (a retry): invite as below
        invited = []
        for slot in record.slots:
            if slot.volunteer_id is None:
                continue
            invitation = Invitation(
                invitation_id=derived_id("i", new_id, slot.volunteer_id),
                project_id=new_id,
                volunteer_id=slot.volunteer_id,
                role=slot.role,
                skill=slot.skill,
                reasons=[f"You were on the first phase of {first.title.lower()} for {first.candidate_name}"],
                created_at=now,
                expires_at=now + timedelta(seconds=self.invitation_ttl),
            )
            if self.items.invite_back(invitation, self.max_pending, matching_config().max_invites_14d):
                invited.append(invitation)
        if invited:
            self.publish(
                "notify",
                [
                    InvitationIssuedV1(correlation_id=cid, invitation_id=i.invitation_id, project_id=new_id)
                    for i in invited
                ],
            )
            for invitation in invited:
                self.store.invitations.mark_invitation_published(invitation)
        self.log.info("follow-on phase", extra={"project_id": new_id, "follows": project_id, "invited": len(invited)})
        return new_id

    # --- check-ins ----------------------------------------------------------------------------

    def answer_checkin(self, project_id: str, week: int, text: str, now: datetime) -> None:
        answers = rules.parse_checkin(text)
        if not self.items.answer_checkin(project_id, week, answers, now):
            self.log.warning("answer to a check-in never asked", extra={"project_id": project_id, "week": week})
            return
        self._attention(self._record(project_id).project, now)

    def _checkins(self, project_id: str) -> list[rules.Checkin]:
        return [
            rules.Checkin(
                c["week"],
                datetime.fromisoformat(c["asked_at"]),
                datetime.fromisoformat(c["answered_at"]) if c.get("answered_at") else None,
                c.get("blocked_text", ""),
            )
            for c in self.items.project_items(project_id).checkins
        ]

    def _attention(self, project: Project, now: datetime) -> bool:
        if project.status != "active":
            return False
        reason = rules.checkin_attention(self._checkins(project.project_id), now, project.attention_cleared_at)
        if reason is None:
            return False
        moved = self.store.campaigns.transition_project(
            project, "needs_attention", from_statuses=["active"], now=now, reason=reason
        )
        if moved:
            self.log.info("project needs attention", extra={"project_id": project.project_id, "reason": reason})
        return moved

    # --- the schedule -------------------------------------------------------------------------

    def tick(self, now: datetime, cid: str) -> dict[str, int]:
        """For every active project: end the phase when due, else ask the check-ins due, then
        flag it when its check-ins say staff should look."""
        figures = {"completed": 0, "checkins_asked": 0, "flagged": 0}
        kicked_off = [p for status in rules.KICKED_OFF_OPEN for p in self.store.campaigns.projects_with_status(status)]
        for project in kicked_off:
            phase = _phase(project)
            if phase is None:
                continue  # never kicked off (a project still being staffed the first time)
            if now >= phase.ends_at:
                try:
                    self.close(project.project_id, "complete", now, cid, "phase ended")
                    figures["completed"] += 1
                except rules.TransitionError:
                    pass  # moved by someone else since the index was read
                continue
            if project.status == "needs_attention":
                continue  # staff are on it; check-ins resume when they do
            record = self._record(project.project_id)
            lead = next((s.volunteer_id for s in record.slots if s.role == "lead" and s.volunteer_id), None)
            if lead is None:
                continue
            asked = {c.week for c in self._checkins(project.project_id)}
            for week in rules.checkin_weeks_due(phase, now):
                if week in asked:
                    continue
                # The reply thread, then the email (notify sends once per project and week), then
                # record it as asked: a crash in between asks again and sends nothing twice.
                self.threads.open(project.project_id, lead, "checkin", week)
                self.publish(
                    "notify",
                    [CheckinRequestedV1(correlation_id=cid, project_id=project.project_id, week=week, lead_id=lead)],
                )
                if self.items.ask_checkin(project.project_id, week, lead, now):
                    figures["checkins_asked"] += 1
            figures["flagged"] += self._attention(record.project, now)
        return figures
