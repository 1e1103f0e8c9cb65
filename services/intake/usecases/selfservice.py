"""The volunteer's own page and the campaign's status page (issue 15). Plain Python over the
store's protocols; the sign-up and its confirmation are signups.py.

Every page action names its volunteer only through the signed link; an invitation or team is
touched only if it is theirs. Each change is one guarded write (version-checked), then an email.
Refusals: SelfServiceRefused (field errors, 422), Gone (the link's object is no more, 410).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from services.intake.domain.requests import VolunteerSignup, field_errors
from services.intake.usecases.signups import (
    Gone,
    PendingView,
    Publish,
    SelfServiceRefused,
    confirm,
    describe_pending,
    notify_volunteer,
    request_new_link,
    request_signup,
    volunteer_became_available,
)
from shared.catalog import catalog
from shared.events import InvitationAnsweredV1, ProjectCommandV1
from shared.models import Place, Volunteer
from shared.storage import Store

__all__ = [
    "Gone",
    "PendingView",
    "SelfServiceRefused",
    "confirm",
    "describe_pending",
    "request_new_link",
    "request_signup",
    "volunteer_became_available",
]

MAX_PAUSE_DAYS = 366  # a pause longer than a year is a goodbye: the page offers deletion for that

# --- the volunteer's page -------------------------------------------------------------------

PLAIN_STATUS = {
    "pending_review": "Waiting for our staff to review it",
    "matching": "Finding volunteers",
    "staffed": "Team found and introduced",
    "active": "Under way",
    "done": "Finished",
    "cancelled": "Cancelled",
    "declined": "Not taken on",
    "needs_attention": "Our staff are looking into it",
}


def volunteer_for(store: Store, volunteer_id: str) -> Volunteer:
    found = store.volunteers.get_volunteer(volunteer_id)
    if found is None:
        raise Gone("there is no longer a volunteer profile for this link")
    return found


def my_volunteering(store: Store, volunteer_id: str, now: datetime) -> dict[str, Any]:
    """Everything the page shows: {"volunteer", "open": [{"invitation_id", "title", "candidate",
    "role", "expires_at"}], "teams": [{"project_id", "title", "candidate", "role", "status"}],
    "past": [{"title", "candidate", "role", "hours"}], "skills": [(id, label)]}. Hours served:
    hours a week x weeks actually served (the SERVED record written when a seat is released),
    or the project's plan while it runs."""
    volunteer = volunteer_for(store, volunteer_id)
    invitations = store.invitations.invitations_of_volunteer(volunteer_id)
    open_, teams, past = [], [], []
    for invitation in sorted(invitations, key=lambda i: i.created_at, reverse=True):
        if invitation.status not in ("pending", "accepted"):
            continue
        found = store.campaigns.get_project(invitation.project_id)
        if found is None:
            continue
        project = found.project
        row = {
            "invitation_id": invitation.invitation_id,
            "project_id": project.project_id,
            "title": project.title,
            "candidate": project.candidate_name,
            "role": "team lead" if invitation.role == "lead" else "team member",
            "status": PLAIN_STATUS.get(project.status, project.status),
        }
        if invitation.status == "pending":
            if invitation.expires_at > now and project.status in ("matching", "needs_attention"):
                open_.append(row | {"expires_at": invitation.expires_at})
            continue
        seated = any(s.volunteer_id == volunteer_id for s in found.slots)
        if seated and project.status not in ("done", "cancelled"):
            teams.append(row)
            continue
        served = [
            s for s in store.lifecycle.project_items(project.project_id).served if s["volunteer_id"] == volunteer_id
        ]
        if served:
            hours = round(sum(float(s["hours_per_week"]) * float(s["weeks"]) for s in served))
            past.append(row | {"hours": hours})
    return {
        "volunteer": volunteer,
        "open": open_,
        "teams": teams,
        "past": past,
        "skills": [(s.id, s.label) for s in catalog().skills],
    }


def _guarded(store: Store, volunteer: Volunteer, update: dict[str, Any], now: datetime) -> Volunteer:
    """One version-guarded write of the owner's own fields; Conflict if it changed meanwhile."""
    fresh = volunteer.model_copy(update=update | {"updated_at": now})
    store.volunteers.update_volunteer_profile(volunteer, fresh, fields=[*update])
    return fresh


def pause(store: Store, publish: Publish, volunteer_id: str, until: str, *, now: datetime, cid: str) -> Volunteer:
    """Pause matching until a day (ISO date, tomorrow to a year ahead) or, with "", resume now.
    Raises SelfServiceRefused naming `until`."""
    volunteer = volunteer_for(store, volunteer_id)
    day: date | None = None
    if until:
        try:
            day = date.fromisoformat(until)
        except ValueError:
            raise SelfServiceRefused([{"field": "until", "message": "must be a date like 2027-03-01"}]) from None
        if not now.date() < day <= now.date() + timedelta(days=MAX_PAUSE_DAYS):
            raise SelfServiceRefused(
                [{"field": "until", "message": f"must be after today and within {MAX_PAUSE_DAYS} days"}]
            )
    fresh = store.volunteers.set_pause(volunteer, day, now)  # one guarded write, with the day's marker
    if day is None:
        notify_volunteer(publish, volunteer_id, "resumed", "", cid)
    else:
        notify_volunteer(publish, volunteer_id, "paused", day.isoformat(), cid)
    return fresh


def _int(data: dict[str, Any], name: str, low: int, high: int, errors: list[dict[str, str]]) -> int | None:
    text = str(data.get(name, "")).strip()
    if not text.isdigit() or not low <= int(text) <= high:
        errors.append({"field": name, "message": f"must be a whole number from {low} to {high}"})
        return None
    return int(text)


def _current(volunteer: Volunteer, data: dict[str, Any]) -> dict[str, Any]:
    """The form's current place; an American abroad (no state) keeps their country."""
    city, state = data.get("current_city", ""), data.get("current_state", "")
    if not str(state).strip() and volunteer.current_location.country != "US":
        return {"city": city, "country": volunteer.current_location.country}
    return {"city": city, "state": state}


def change_preferences(
    store: Store, publish: Publish, volunteer_id: str, data: dict[str, Any], *, now: datetime, cid: str
) -> Volunteer:
    """Hours a week, weeks, skills, hometown and current city, and SMS consent, from the page's
    form: checked like the sign-up form (same rules, same messages), written in one guarded
    write. Consent given anew waits for a YES from the number. Raises SelfServiceRefused."""
    volunteer = volunteer_for(store, volunteer_id)
    errors: list[dict[str, str]] = []
    hours = _int(data, "hours_per_week", 1, 40, errors)
    weeks = _int(data, "weeks_available", 1, 52, errors)
    raw_skills = data.get("skills", [])
    skills = [raw_skills] if isinstance(raw_skills, str) else list(raw_skills or [])
    consent = str(data.get("sms_consent", "")) in ("yes", "on", "true")
    try:
        checked = VolunteerSignup.model_validate(
            {
                "name": volunteer.name,
                "email": volunteer.email,
                "phone": volunteer.phone,
                "sms_consent": consent,
                "skills": skills,
                "hometown": {"city": data.get("hometown_city", ""), "state": data.get("hometown_state", "")},
                "current_location": _current(volunteer, data),
                "hours_per_week": hours or 1,
                "weeks_available": weeks or 1,
            }
        )
    except ValidationError as exc:
        errors += [e for e in field_errors(exc) if e["field"] not in ("hours_per_week", "weeks_available")]
        checked = None
    if errors or checked is None:
        raise SelfServiceRefused(errors)
    update: dict[str, Any] = {
        "hours_per_week": checked.hours_per_week,
        "weeks_available": checked.weeks_available,
        "skills": list(checked.skills),
        "hometown": Place(**checked.hometown.model_dump()),
        "current_location": Place(**checked.current_location.model_dump()),
        "sms_consent": consent,
    }
    if consent != volunteer.sms_consent:
        update |= {"sms_consent_at": now if consent else None, "sms_confirmed_at": None}
    fresh = _guarded(store, volunteer, update, now)
    notify_volunteer(publish, volunteer_id, "changed", "your hours, weeks, skills, places or texts", cid)
    if consent and not volunteer.sms_consent:
        notify_volunteer(publish, volunteer_id, "sms_confirm", "", cid)
    return fresh


def answer_invitation(
    store: Store, publish: Publish, volunteer_id: str, invitation_id: str, answer: str, *, cid: str
) -> None:
    """Yes or no to one of their own open invitations, down the same path as a reply by email
    (matching applies it). Raises SelfServiceRefused for another's or a closed invitation."""
    invitation = store.invitations.get_invitation(invitation_id)
    if invitation is None or invitation.volunteer_id != volunteer_id or invitation.status != "pending":
        raise SelfServiceRefused([{"field": "invitation_id", "message": "is not an open invitation of yours"}])
    if answer not in ("yes", "no"):
        raise SelfServiceRefused([{"field": "answer", "message": "must be yes or no"}])
    publish(
        "matching",
        [InvitationAnsweredV1(correlation_id=cid, invitation_id=invitation_id, answer=answer, channel="email")],
    )


def leave_team(store: Store, publish: Publish, volunteer_id: str, project_id: str, *, cid: str) -> None:
    """Leave a team they sit on: the same command as replying LEAVE (matching releases the seat
    and tells the lead). Raises SelfServiceRefused when they are not on that team."""
    found = store.campaigns.get_project(project_id)
    if found is None or not any(s.volunteer_id == volunteer_id for s in found.slots):
        raise SelfServiceRefused([{"field": "project_id", "message": "is not a team you are on"}])
    publish(
        "matching",
        [
            ProjectCommandV1(
                correlation_id=cid, project_id=project_id, action="leave", volunteer_id=volunteer_id, channel="email"
            )
        ],
    )


# --- the campaign's page --------------------------------------------------------------------

INTRODUCED = ("staffed", "active", "done")  # the team has been introduced to the campaign


def next_checkin(kickoff_at: datetime | None, ends_at: datetime | None, now: datetime) -> datetime | None:
    """The next weekly check-in of a running phase (weekly from kickoff), or None."""
    if kickoff_at is None or now < kickoff_at:
        return None
    weeks = (now - kickoff_at) // timedelta(days=7) + 1
    moment = kickoff_at + timedelta(days=7 * weeks)
    return moment if ends_at is None or moment < ends_at else None


def campaign_status(store: Store, campaign_id: str, now: datetime) -> dict[str, Any]:
    """{"campaign", "projects": [{"title", "status", "team": [{"name", "role"}], "kickoff_at",
    "ends_at", "next_checkin"}], "menu": [(id, title)]}. Names and roles once the team is
    introduced; never a volunteer's contact details."""
    campaign = store.campaigns.get_campaign(campaign_id)
    if campaign is None:
        raise Gone("there is no longer a campaign for this link")
    projects = []
    for project_id in campaign.project_ids:
        found = store.campaigns.get_project(project_id)
        if found is None:
            continue
        p = found.project
        team: list[dict[str, str]] = []
        if p.status in INTRODUCED:
            people = store.volunteers.get_volunteers(s.volunteer_id for s in found.slots if s.volunteer_id)
            team = [
                {"name": people[s.volunteer_id].name, "role": "Team lead" if s.role == "lead" else "Team member"}
                for s in found.slots
                if s.volunteer_id in people
            ]
        projects.append(
            {
                "title": p.title,
                "status": PLAIN_STATUS.get(p.status, p.status),
                "team": team,
                "kickoff_at": p.kickoff_at,
                "ends_at": p.ends_at,
                "next_checkin": next_checkin(p.kickoff_at, p.ends_at, now) if p.status == "active" else None,
            }
        )
    return {"campaign": campaign, "projects": projects, "menu": [(m.id, m.title) for m in catalog().menu]}


def ask_for_project(
    store: Store, publish: Publish, campaign_id: str, menu_item: str, note: str, *, now: datetime, cid: str
) -> str:
    """The campaign asks for another project from the menu: a new request with the campaign's own
    details, into staff review like any request (never auto-approved). One per campaign, item
    and day (a double click stores one). Returns the new request's campaign id; raises
    SelfServiceRefused naming `menu_item` (or the field the request fails on)."""
    from services.intake.domain.requests import CampaignRequest
    from services.intake.usecases import submit_campaign

    campaign = store.campaigns.get_campaign(campaign_id)
    if campaign is None:
        raise Gone("there is no longer a campaign for this link")
    if not catalog().has_item(menu_item):
        raise SelfServiceRefused([{"field": "menu_item", "message": "choose a project from the menu"}])
    body = campaign.model_dump(
        mode="json", include={"candidate_name", "office", "chamber", "state", "district", "election_date", "contact"}
    )
    body["notes"] = (f"Asked from the campaign's status page ({campaign_id}). " + note.strip())[:2000]
    try:
        request = CampaignRequest.model_validate(body | {"needs": [menu_item]})
    except ValidationError as exc:
        raise SelfServiceRefused(field_errors(exc)) from exc
    created, _, _ = submit_campaign(
        store,
        publish,
        request,
        now=now,
        correlation_id=cid,
        auto_approve=False,
        idempotency_key=f"status-page:{campaign_id}:{menu_item}:{now.date().isoformat()}",
    )
    return created.campaign_id
