"""Intake's use cases: validated input in, records stored, events published.

The HTTP routes (routes/, console/) and the ops CLI both call these, so approving a project means
the same thing from every door. Refusals are exceptions the routes translate: NotFound (404),
InvalidTransition (409), review.Refused with field errors (422).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, get_args

from pydantic import ValidationError

from services.intake.domain.requests import CampaignRequest, VolunteerSignup, field_errors
from services.intake.domain.review import Refused
from services.intake.domain.roster import ProfilePatch
from services.intake.domain.roster_merge import merge_profile
from services.intake.domain.scoping import request_fingerprint, scope_campaign
from services.intake.domain.signup import new_volunteer, updated_volunteer
from shared.events import CampaignReceivedV1, Event, ProjectApprovedV1, ProjectCommandV1
from shared.models import VOLUNTEER_PROFILE_FIELDS, Campaign, Project, Volunteer, email_hash
from shared.storage import Conflict, DuplicateRequest, Store

Publish = Callable[[str, Sequence[Event]], None]
RESUBMIT_WINDOW = timedelta(days=30)
SIGNUP_TTL = timedelta(hours=48)  # a roster row's confirmation link: as long as the form's default


def _nowhere(queue: str, events: Sequence[Event]) -> None:
    """A publisher for callers that publish nothing (tests of the merge alone)."""


class NotFound(LookupError):
    pass


class InvalidTransition(ValueError):
    pass


def submit_campaign(
    store: Store,
    publish: Publish,
    request: CampaignRequest,
    *,
    now: datetime,
    correlation_id: str,
    auto_approve: bool,
    idempotency_key: str | None = None,
) -> tuple[Campaign, list[Project], bool]:
    """Store the request and its scoped projects. Returns (campaign, projects, created).

    With an idempotency key (the form's submission id, or a client's Idempotency-Key header), a
    repeat within 30 days returns the first campaign instead of storing a second one."""
    campaign, scoped = scope_campaign(request, now)
    created = True
    try:
        fingerprint = request_fingerprint(request, idempotency_key) if idempotency_key else None
        store.campaigns.create_campaign(campaign, scoped, fingerprint, int((now + RESUBMIT_WINDOW).timestamp()))
    except DuplicateRequest as dup:
        created = False
        existing = store.campaigns.get_campaign(dup.campaign_id)
        if existing is None:  # the fingerprint outlived its campaign: never expected
            raise
        campaign = existing
    projects = store.campaigns.get_projects(campaign.project_ids)
    # Published on every submission, duplicates too: a lost publish heals on retry, and notify
    # sends the confirmation once per campaign.
    publish("notify", [CampaignReceivedV1(correlation_id=correlation_id, campaign_id=campaign.campaign_id)])
    if auto_approve:
        projects = [
            approve_project(store, publish, p.project_id, now=now, correlation_id=correlation_id) for p in projects
        ]
    return campaign, sorted(projects, key=lambda p: campaign.project_ids.index(p.project_id)), created


def approve_project(store: Store, publish: Publish, project_id: str, *, now: datetime, correlation_id: str) -> Project:
    """pending_review -> matching, then ask matching to staff it. Safe to repeat."""
    found = store.campaigns.get_project(project_id)
    if found is None:
        raise NotFound(f"no project {project_id}")
    project = found.project
    if project.status == "pending_review":
        store.campaigns.transition_project(
            project, "matching", from_statuses=["pending_review"], now=now, approved_at=now
        )
        refreshed = store.campaigns.get_project(project_id)
        if refreshed is None:  # a project is never deleted; only a broken store gets here
            raise NotFound(f"no project {project_id}")
        project = refreshed.project
    if project.status != "matching":
        raise InvalidTransition(f"project is {project.status}; only pending_review can be approved")
    publish("matching", [ProjectApprovedV1(correlation_id=correlation_id, project_id=project_id)])
    return project


def sign_up(store: Store, signup: VolunteerSignup, *, now: datetime) -> tuple[Volunteer, bool]:
    """A volunteer staff vouch for (address and number confirmed): create them, or update the one
    with this email. Returns (volunteer, updated). Never the public form's path: that one waits
    for its owner (usecases/selfservice.py request_signup)."""
    for _ in range(3):
        volunteer_id = store.volunteers.volunteer_id_for_email(email_hash(signup.email))
        current = store.volunteers.get_volunteer(volunteer_id) if volunteer_id else None
        try:
            if current is None:
                volunteer = new_volunteer(signup, now, sms_confirmed=True)
                store.volunteers.create_volunteer(volunteer)
                return volunteer, False
            volunteer = updated_volunteer(current, signup, now)
            store.volunteers.update_volunteer_profile(current, volunteer)
            return volunteer, True
        except Conflict:
            continue  # a concurrent sign-up or update with the same email won; read it again
    raise Conflict("the profile kept changing; try again")


def import_roster_row(
    store: Store,
    patch: ProfilePatch,
    *,
    now: datetime,
    dry_run: bool,
    publish: Publish | None = None,
    send_confirmation: bool = False,
) -> dict[str, Any]:
    """One roster row applied to the volunteer with its email (or a new volunteer), in one
    transaction: only the fields that change are written, everything else stored is kept.

    A new person is vouched for by staff (created confirmed, told by the welcome email, their
    number asked for a YES) unless `send_confirmation`: then they get the sign-up's
    confirmation link and exist only once they press it (issue 15).

    Returns {"status": added|confirmation_sent|updated|unchanged|refused, "changes": [{"field",
    "from", "to"}] (personal values masked), "errors": [{"field", "message"}]}; a refused row
    writes nothing."""
    for _ in range(3):
        volunteer_id = store.volunteers.volunteer_id_for_email(email_hash(patch.email))
        current = store.volunteers.get_volunteer(volunteer_id) if volunteer_id else None
        try:
            merged = merge_profile(current, patch, now)
        except ValidationError as exc:
            return {"status": "refused", "changes": [], "errors": field_errors(exc)}
        except ValueError as exc:
            return {"status": "refused", "changes": [], "errors": [{"field": "row", "message": str(exc)}]}
        status = "added" if current is None else "updated" if merged.changed else "unchanged"
        if status == "added" and send_confirmation:
            status = "confirmation_sent"
        result = {"status": status, "changes": merged.changes, "errors": []}
        if dry_run or status == "unchanged":
            return result
        try:
            if status == "confirmation_sent":
                from services.intake.usecases.signups import request_signup

                body = merged.volunteer.model_dump(
                    mode="json", include={"email", *VOLUNTEER_PROFILE_FIELDS} - {"sms_consent_at"}
                )
                body["hometown"].pop("country", None)  # a hometown is always in the US: the form has no country
                signup = VolunteerSignup.model_validate(body)
                request_signup(store, publish or _nowhere, signup, now=now, ttl=SIGNUP_TTL, correlation_id="roster")
            elif current is None:
                store.volunteers.create_volunteer(merged.volunteer)
                if publish is not None:
                    from services.intake.usecases.signups import volunteer_became_available

                    volunteer_became_available(publish, merged.volunteer, "roster")
            else:
                store.volunteers.update_volunteer_profile(current, merged.volunteer, fields=merged.changed)
            return result
        except Conflict:
            continue  # a concurrent change to this volunteer won; merge into the new profile
    return {"status": "refused", "changes": [], "errors": [{"field": "row", "message": "the profile kept changing"}]}


def set_lead_trained(
    store: Store, *, now: datetime, trained: bool = True, volunteer_id: str | None = None, email: str | None = None
) -> Volunteer:
    if volunteer_id is None and email is not None:
        volunteer_id = store.volunteers.volunteer_id_for_email(email_hash(email))
    volunteer = store.volunteers.get_volunteer(volunteer_id) if volunteer_id else None
    if volunteer is None:
        raise NotFound("no such volunteer")
    store.volunteers.set_lead_trained(volunteer, trained, now)
    return volunteer.model_copy(update={"lead_trained": trained})


def campaign_view(store: Store, campaign_id: str) -> dict[str, Any]:
    """The campaign with each project's status and team, for staff (GET /campaigns/{id})."""
    campaign = store.campaigns.get_campaign(campaign_id)
    if campaign is None:
        raise NotFound(f"no campaign {campaign_id}")
    projects = []
    for project_id in campaign.project_ids:
        found = store.campaigns.get_project(project_id)
        if found is None:
            continue
        projects.append(
            found.project.model_dump(mode="json")
            | {
                "slots": [s.model_dump(mode="json") for s in found.slots],
                "team": [
                    {"volunteer_id": s.volunteer_id, "role": s.role, "skill": s.skill}
                    for s in found.slots
                    if s.volunteer_id
                ],
                "invitations": {
                    status: sum(1 for i in found.invitations if i.status == status)
                    for status in sorted({i.status for i in found.invitations})
                },
            }
        )
    return campaign.model_dump(mode="json") | {"projects": projects}


def import_roster(
    store: Store,
    rows: list[Any],
    *,
    now: datetime,
    dry_run: bool,
    publish: Publish | None = None,
    send_confirmation: bool = False,
) -> list[dict[str, Any]]:
    """`tfc volunteers import`'s batch: rows [{"row": n, "patch": {...}}] -> one result per row,
    {"row", "status", "changes", "errors"} (see import_roster_row). Each row is checked again
    here and applied alone: one refused row never blocks the others."""
    results = []
    for item in rows:
        number = item.get("row") if isinstance(item, dict) else None
        try:
            patch = ProfilePatch.model_validate(item.get("patch") if isinstance(item, dict) else None)
        except ValidationError as exc:
            results.append({"row": number, "status": "refused", "changes": [], "errors": field_errors(exc)})
            continue
        results.append(
            {"row": number}
            | import_roster_row(
                store, patch, now=now, dry_run=dry_run, publish=publish, send_confirmation=send_confirmation
            )
        )
    return results


LIFECYCLE_ACTIONS: tuple[str, ...] = get_args(ProjectCommandV1.model_fields["action"].annotation)
MAX_REASON = 500  # characters of a staff reason carried on the event


def request_lifecycle_change(
    store: Store, publish: Publish, project_id: str, data: dict[str, Any], *, correlation_id: str
) -> ProjectCommandV1:
    """Queue a staff lifecycle command for matching, which owns the transition (so it is applied
    in order with answers and expiries). `data`: {"action": one of LIFECYCLE_ACTIONS,
    "volunteer_id" (leave), "kickoff_at" (ISO 8601 with a zone; kickoff, default now), "reason"}.

    Raises Refused (field errors) for a bad command, NotFound for an unknown project."""
    if data.get("action") not in LIFECYCLE_ACTIONS:
        raise Refused([{"field": "action", "message": f"must be one of {', '.join(LIFECYCLE_ACTIONS)}"}])
    if data["action"] == "leave" and not data.get("volunteer_id"):
        raise Refused([{"field": "volunteer_id", "message": "is required to leave"}])
    if store.campaigns.get_projects([project_id]) == []:
        raise NotFound(f"no project {project_id}")
    try:
        command = ProjectCommandV1(
            correlation_id=correlation_id,
            project_id=project_id,
            action=data["action"],
            volunteer_id=data.get("volunteer_id"),
            kickoff_at=data.get("kickoff_at"),
            reason=str(data.get("reason", ""))[:MAX_REASON],
        )
    except ValidationError as exc:
        raise Refused(
            [{"field": ".".join(map(str, e["loc"])) or "body", "message": e["msg"]} for e in exc.errors()]
        ) from exc
    if command.kickoff_at is not None and command.kickoff_at.tzinfo is None:
        raise Refused([{"field": "kickoff_at", "message": "needs a time zone (e.g. 2026-03-02T15:00:00Z)"}])
    publish("matching", [command])
    return command


def known_emails(store: Store, emails: list[str]) -> list[bool]:
    """For each address, whether a volunteer already has it (the roster import's dry run)."""
    hashes = [email_hash(e) for e in emails]
    owners = store.volunteers.volunteer_ids_for_emails(hashes)
    return [h in owners for h in hashes]
