"""What staff change from the console. Each action is safe to repeat (a double-click, a retry)."""

from __future__ import annotations

from datetime import datetime

from services.intake.domain import review
from services.intake.usecases import InvalidTransition, NotFound, Publish
from shared.events import InvitationAnsweredV1, ProjectDeclinedV1, VolunteerInviteRequestedV1, WaveRequestedV1
from shared.models import Project, email_hash
from shared.storage import Conflict, Store

RESOLUTIONS = ("yes", "no", "email")


def _project(store: Store, project_id: str) -> Project:
    found = store.campaigns.get_project(project_id)
    if found is None:
        raise NotFound(f"no project {project_id}")
    return found.project


def adjust(
    store: Store, project_id: str, *, menu_item: str, skills: list[str], weeks: str, hours: str, version: str
) -> Project:
    """Re-scope a project still under review (review.Refused with field errors, Conflict if it
    changed since the page was read)."""
    found = store.campaigns.get_project(project_id)
    if found is None:
        raise NotFound(f"no project {project_id}")
    project = found.project
    if project.status != "pending_review":
        raise InvalidTransition(f"project is {project.status}; only projects under review can be adjusted")
    if version and version != str(project.version):
        raise Conflict("the project changed since you opened the page; reload and try again")
    new, seats = review.adjusted(project, menu_item, skills, weeks, hours)
    store.campaigns.rescope_project(project, new, found.slots, seats)
    return new


def decline(store: Store, publish: Publish, project_id: str, reason_text: str, *, now: datetime, cid: str) -> Project:
    reason = review.decline_reason(reason_text)
    project = _project(store, project_id)
    if project.status == "pending_review":
        store.campaigns.transition_project(
            project, "declined", from_statuses=["pending_review"], now=now, reason=reason
        )
        project = _project(store, project_id)
    if project.status != "declined":
        raise InvalidTransition(f"project is {project.status}; only projects under review can be declined")
    # Published on repeats too (a lost publish heals); notify sends the email once per project.
    publish("notify", [ProjectDeclinedV1(correlation_id=cid, project_id=project_id, reason=project.status_reason)])
    return project


def another_wave(store: Store, publish: Publish, project_id: str, *, now: datetime, cid: str) -> Project:
    """Ask matching for a wave for this project now. A project that needs attention goes back to
    matching with its wave count reset: staff decided it is worth asking again."""
    project = _project(store, project_id)
    if project.status == "needs_attention":
        store.campaigns.transition_project(project, "matching", from_statuses=["needs_attention"], now=now, waves=0)
        project = _project(store, project_id)
    if project.status != "matching":
        raise InvalidTransition(f"project is {project.status}; waves go out only for projects being matched")
    publish("matching", [WaveRequestedV1(correlation_id=cid, project_id=project_id)])
    return project


def invite_chosen(store: Store, publish: Publish, project_id: str, who: str, *, cid: str) -> str:
    """Ask matching to invite one volunteer (by email or id) to this project; matching picks the
    seat they fit and applies the usual limits. Returns the volunteer's name."""
    who = who.strip()
    volunteer_id = store.volunteers.volunteer_id_for_email(email_hash(who)) if "@" in who else who
    volunteer = store.volunteers.get_volunteer(volunteer_id) if volunteer_id else None
    if volunteer is None:
        raise review.Refused([{"field": "volunteer", "message": "no volunteer with that email or id"}])
    project = _project(store, project_id)
    if project.status != "matching":
        raise InvalidTransition(f"project is {project.status}; invitations go out only while matching")
    publish(
        "matching",
        [VolunteerInviteRequestedV1(correlation_id=cid, project_id=project_id, volunteer_id=volunteer.volunteer_id)],
    )
    return volunteer.name


def resolve_reply(
    store: Store, publish: Publish, invitation_id: str, received_at: str, resolution: str, *, now: datetime, cid: str
) -> bool:
    """yes/no: the answer goes to matching as the volunteer's (channel "staff"); email: staff will
    write back themselves. The answer is published before the reply leaves the queue, so a crash
    in between leaves it visible; matching ignores an answer to an invitation already answered."""
    if resolution not in RESOLUTIONS:
        raise review.Refused([{"field": "resolution", "message": f"must be one of {', '.join(RESOLUTIONS)}"}])
    if resolution in ("yes", "no"):
        publish(
            "matching",
            [InvitationAnsweredV1(correlation_id=cid, invitation_id=invitation_id, answer=resolution, channel="staff")],
        )
    return store.invitations.resolve_unclear_reply(invitation_id, received_at, resolution, now)
