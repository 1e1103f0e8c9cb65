"""The console's lifecycle actions: the CLI's commands (`tfc projects kickoff|complete|cancel|
resume|follow-on|leave`) and bulk approval, each refused up front when the project's status does
not allow it (shared/lifecycle.py, the table matching applies them by), then queued for matching
exactly as the ops API queues them. Each returns what happened and what happens next, in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from services.intake.domain.review import Refused
from services.intake.usecases import InvalidTransition, NotFound, Publish, approve_project, request_lifecycle_change
from shared import lifecycle
from shared.models import Project
from shared.storage import Store

MAX_PHASE_WEEKS = 8  # a phase never runs longer (services/matching/domain/lifecycle.py MAX_WEEKS)
MAX_BULK = 50  # projects one bulk approval may name: one review screen's worth


@dataclass(frozen=True)
class Outcome:
    """What the console did (`done`) and what the system will do next (`next`), in words."""

    done: str
    next: str

    def say(self) -> str:
        return f"{self.done} Next: {self.next}"


def _project(store: Store, project_id: str) -> Project:
    found = store.campaigns.get_projects([project_id])
    if not found:
        raise NotFound(f"no project {project_id}")
    return found[0]


def _next(project: Project, action: str, now: datetime, kickoff_at: datetime | None) -> str:
    if action == "kickoff":
        start = kickoff_at or now
        weeks = min(project.weeks, MAX_PHASE_WEEKS)
        return (
            f"matching marks it under way within seconds and emails the team and the campaign; the phase"
            f" runs {weeks} weeks, to {(start + timedelta(weeks=weeks)).date().isoformat()}, with a weekly"
            " check-in to the lead."
        )
    if action == "complete":
        return (
            "matching marks it done, releases every member (their hours are recorded), and asks the lead"
            " for results and the campaign for a rating."
        )
    if action == "cancel":
        return (
            "matching marks it cancelled, releases every member, withdraws open invitations and tells the"
            " team and the campaign."
        )
    if action == "resume":
        return (
            "matching sends it back to finding volunteers if a seat is empty (with a fresh count of waves),"
            " else back to where it was."
        )
    if action == "follow_on":
        return "matching creates a linked follow-on project and invites the same team first; waves fill the rest."
    return (
        "their seat reopens and the next wave refills it; a team lead leaving sends the project to 'needs attention'."
    )


DONE = {
    "kickoff": "Kickoff of {title} asked for.",
    "complete": "Completion of {title} asked for.",
    "cancel": "Cancellation of {title} asked for.",
    "resume": "Resuming {title} asked for.",
    "follow_on": "A follow-on phase of {title} asked for.",
    "leave": "Taking {who} off the team of {title} asked for.",
}


def request(
    store: Store,
    publish: Publish,
    project_id: str,
    action: str,
    *,
    now: datetime,
    cid: str,
    volunteer_id: str = "",
    reason: str = "",
    kickoff_at: str = "",
    zone: ZoneInfo | None = None,
) -> Outcome:
    """Queue one lifecycle action after checking it applies now. `kickoff_at` without a zone is
    read in `zone` (the program's; UTC when None). Raises NotFound, Refused (a bad field: action,
    volunteer_id, kickoff_at) or InvalidTransition (the status does not allow it)."""
    if action not in lifecycle.SOURCES:
        raise Refused([{"field": "action", "message": f"must be one of {', '.join(lifecycle.SOURCES)}"}])
    record = store.campaigns.get_project(project_id)
    if record is None:
        raise NotFound(f"no project {project_id}")
    project = record.project
    why_not = lifecycle.refusal(action, project.status, project.kickoff_at is not None)
    if why_not:
        raise InvalidTransition(why_not)
    who = ""
    if action == "leave":
        if not any(s.volunteer_id == volunteer_id for s in record.slots if volunteer_id):
            raise Refused([{"field": "volunteer_id", "message": "is not on this project's team"}])
        person = store.volunteers.get_volunteer(volunteer_id)
        who = person.name if person else "the volunteer"
    start: datetime | None = None
    if kickoff_at.strip():
        try:
            start = datetime.fromisoformat(kickoff_at.strip())
        except ValueError as exc:
            raise Refused(
                [{"field": "kickoff_at", "message": "must be a date and time like 2026-03-02T15:00"}]
            ) from exc
        if start.tzinfo is None:  # staff type times in the program's zone
            start = start.replace(tzinfo=zone or UTC)
    data: dict[str, object] = {"action": action, "reason": reason.strip()}
    if volunteer_id:
        data["volunteer_id"] = volunteer_id
    if start is not None:
        data["kickoff_at"] = start.isoformat()
    request_lifecycle_change(store, publish, project_id, data, correlation_id=cid)
    return Outcome(
        DONE[action].format(title=f"{project.title} for {project.candidate_name}", who=who),
        _next(project, action, now, start),
    )


def approve_one(store: Store, publish: Publish, project_id: str, *, now: datetime, cid: str) -> Outcome:
    project = approve_project(store, publish, project_id, now=now, correlation_id=cid)
    return Outcome(
        f"Approved {project.title} for {project.candidate_name}.",
        "matching sends the first wave of invitations within seconds (the next matching tick).",
    )


def approve_many(store: Store, publish: Publish, project_ids: list[str], *, now: datetime, cid: str) -> Outcome:
    """Approve each selected project; one that cannot be approved never blocks the others.
    Refused when none or more than MAX_BULK are selected."""
    chosen = list(dict.fromkeys(p for p in project_ids if p))
    if not chosen:
        raise Refused([{"field": "project_ids", "message": "select at least one project to approve"}])
    if len(chosen) > MAX_BULK:
        raise Refused([{"field": "project_ids", "message": f"select at most {MAX_BULK} projects at a time"}])
    approved, refused = [], []
    for project_id in chosen:
        try:
            approved.append(approve_project(store, publish, project_id, now=now, correlation_id=cid))
        except (NotFound, InvalidTransition) as exc:
            refused.append(f"{project_id}: {exc}")
    done = f"Approved {len(approved)} of {len(chosen)} selected projects."
    if refused:
        done += " Not approved: " + "; ".join(refused) + "."
    return Outcome(done, "matching sends their first waves of invitations within seconds.")
