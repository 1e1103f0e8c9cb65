"""The public routes: the forms and catalogue, campaign requests and volunteer sign-ups.

A form post (application/x-www-form-urlencoded from a browser) is answered with a page; JSON
clients get JSON. Both go through the same validation (formdata.py maps one onto the other).
"""

from __future__ import annotations

from datetime import timedelta

from chalice import Blueprint, Response

from services.intake import forms
from services.intake.domain.requests import CampaignRequest, VolunteerSignup
from services.intake.formdata import CAMPAIGN_FIELDS, VOLUNTEER_FIELDS
from services.intake.parsing import CONTENT_TYPES, correlation_id, parse_submission, wants_html
from services.intake.responses import RequestRefused, json_response, page
from services.intake.usecases import submit_campaign
from services.intake.usecases.signups import request_signup
from shared.catalog import CATEGORY_LABELS, catalog
from shared.models import utcnow
from shared.observability import correlation, get_logger
from shared.publisher import publish
from shared.settings import get_settings
from shared.storage import main_store

bp = Blueprint(__name__)
logger = get_logger("intake")


@bp.route("/", methods=["GET"])
def index() -> Response:
    return page(200, forms.render_index())


@bp.route("/openapi.json", methods=["GET"])
def openapi_description() -> Response:
    from services.intake.openapi import openapi  # built on first use: not on every cold start

    return json_response(200, openapi())


@bp.route("/health", methods=["GET"])
def health() -> Response:
    return json_response(200, {"ok": True})


@bp.route("/menu", methods=["GET"])
def menu() -> Response:
    return json_response(200, [m.public() for m in catalog().menu])


@bp.route("/skills", methods=["GET"])
def skills() -> Response:
    return json_response(200, [s.model_dump() for s in catalog().skills])


@bp.route("/categories", methods=["GET"])
def categories() -> Response:
    return json_response(200, [{"id": k, "label": v} for k, v in CATEGORY_LABELS.items()])


@bp.route("/forms/campaign", methods=["GET"])
def campaign_form() -> Response:
    return page(200, forms.render_campaign_form())


@bp.route("/forms/volunteer", methods=["GET"])
def volunteer_form() -> Response:
    return page(200, forms.render_volunteer_form())


@bp.route("/campaigns", methods=["POST"], content_types=CONTENT_TYPES)
def create_campaign() -> Response:
    request = bp.current_request
    try:
        campaign_request, idempotency_key = parse_submission(request, CampaignRequest, CAMPAIGN_FIELDS)
    except RequestRefused as refused:
        return refused.response
    with correlation(logger, correlation_id(request)) as cid:
        campaign, projects, created = submit_campaign(
            main_store(),
            publish,
            campaign_request,
            now=utcnow(),
            correlation_id=cid,
            auto_approve=get_settings().auto_approve,
            idempotency_key=idempotency_key,
        )
        logger.info(
            "campaign request stored" if created else "duplicate campaign request",
            extra={"campaign_id": campaign.campaign_id, "projects": len(projects)},
        )
    status = 201  # a repeated submission gets the first one's answer, as an idempotent replay
    if wants_html(request):
        return page(
            status,
            forms.render_confirmation(
                "campaign",
                {
                    "campaign_id": campaign.campaign_id,
                    "candidate_name": campaign.candidate_name,
                    "project_ids": campaign.project_ids,
                    "projects": [{"title": p.title, "status": p.status} for p in projects],
                },
            ),
        )
    return json_response(
        status,
        {
            "campaign_id": campaign.campaign_id,
            "project_ids": campaign.project_ids,
            "projects": [{"project_id": p.project_id, "menu_item": p.menu_item, "status": p.status} for p in projects],
            "duplicate": not created,
        },
    )


@bp.route("/volunteers", methods=["POST"], content_types=CONTENT_TYPES)
def create_volunteer() -> Response:
    """A sign-up waits for its owner's confirmation by email (issue 15); a known address's
    owner gets a link to review the changes instead. The answer is the same in both cases (202,
    "check your inbox"), so it says nothing about who is registered (issue 21)."""
    request = bp.current_request
    try:
        signup, _ = parse_submission(request, VolunteerSignup, VOLUNTEER_FIELDS)
    except RequestRefused as refused:
        return refused.response
    with correlation(logger, correlation_id(request)) as cid:
        pending = request_signup(
            main_store(),
            publish,
            signup,
            now=utcnow(),
            ttl=timedelta(seconds=get_settings().signup_ttl_seconds),
            correlation_id=cid,
        )
        logger.info("sign-up awaits confirmation", extra={"kind": pending.kind})
    if wants_html(request):
        return page(202, forms.render_confirmation("volunteer", {"name": signup.name}))
    return json_response(202, {"status": "check_your_inbox", "message": CHECK_INBOX})


CHECK_INBOX = (
    "Check your inbox: we have emailed a link to confirm. Nothing is saved or changed until the "
    "link's button is pressed."
)
