"""Records for tests, made through the same use cases the API calls."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from services.intake.domain.requests import CampaignRequest, VolunteerSignup
from services.intake.usecases import approve_project, set_lead_trained, sign_up, submit_campaign
from shared.models import Invitation, Project, Volunteer, utcnow
from shared.publisher import publish
from shared.storage import InviteOutcome, Store, main_store
from tests import payloads


def signup(
    n: int,
    skills: list[str],
    *,
    lead: bool = False,
    state: str = "VA",
    hours: int = 6,
    weeks: int = 10,
    store: Store | None = None,
    **extra: Any,
) -> Volunteer:
    """Volunteer n signs up (`store`: main_store() unless given, e.g. an in-memory one)."""
    store = store or main_store()
    data = payloads.volunteer(
        f"v{n}@example.com", skills, name=f"Volunteer {n}", hometown=("Richmond", state), current=("Denver", "CO"),
        hours=hours, weeks=weeks,
    ) | extra  # fmt: skip
    volunteer, _ = sign_up(store, VolunteerSignup.model_validate(data), now=utcnow())
    if lead:
        volunteer = set_lead_trained(store, now=utcnow(), volunteer_id=volunteer.volunteer_id)
    return volunteer


def campaign_request(needs: list[str] | None = None, **changes: Any) -> CampaignRequest:
    data = payloads.campaign("Jo Park", "VA", "7", needs or ["website_refresh"]) | changes
    return CampaignRequest.model_validate(data)


_districts = itertools.cycle(range(1, 101))  # each project its own district (the House of Delegates has 100)


def approved_project(needs: list[str] | None = None, *, store: Store | None = None, publish: Any = publish) -> Project:
    """A new campaign (its own district) with one project, approved: its ProjectApproved event
    is on the matching queue (or given to `publish`)."""
    store = store or main_store()
    request = campaign_request(needs, district=str(next(_districts)))
    _, projects, _ = submit_campaign(store, publish, request, now=utcnow(), correlation_id="test", auto_approve=False)
    return approve_project(store, publish, projects[0].project_id, now=utcnow(), correlation_id="test")


def website_refresh_team(store: Store | None = None) -> list[Volunteer]:
    """Enough people for website_refresh (lead + web_development + copywriting), two per seat."""
    return [
        signup(1, ["web_development"], lead=True, store=store),
        signup(2, ["copywriting"], lead=True, store=store),
        signup(3, ["web_development"], store=store),
        signup(4, ["web_development"], store=store),
        signup(5, ["copywriting"], store=store),
        signup(6, ["copywriting"], store=store),
    ]


def invite(invitation: Any, max_pending: int = 3, max_recent: int = 6, store: Store | None = None) -> InviteOutcome:
    """Write one invitation the way a wave does (reading the volunteer's live state first)."""
    waves = (store or main_store()).waves
    state = waves.volunteer_states([invitation.volunteer_id]).get(invitation.volunteer_id, {})
    return waves.create_invitation(invitation, state, max_pending=max_pending, max_recent=max_recent)


def discard(queue: str, events: object) -> None:
    """A publisher for tests whose events are not under test."""


def an_invitation(
    project_id: str, volunteer_id: str, suffix: str = "", *, skill: str = "copywriting", hours: int = 72
) -> Invitation:
    """A member's invitation to a project, created now, expiring in `hours`."""
    now = utcnow()
    return Invitation(
        invitation_id=f"i_test{suffix}_{volunteer_id}",
        project_id=project_id,
        volunteer_id=volunteer_id,
        role="member",
        skill=skill,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
