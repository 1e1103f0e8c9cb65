"""The public routes: the forms and catalogue, campaign requests and volunteer sign-ups.

A form post (application/x-www-form-urlencoded from a browser) is answered with a page; JSON
clients get JSON. Both go through the same validation (formdata.py maps one onto the other).
"""

from __future__ import annotations

from chalice import Blueprint, Response

from services.intake import forms
from services.intake.domain.requests import CampaignRequest, VolunteerSignup
from services.intake.formdata import CAMPAIGN_FIELDS, VOLUNTEER_FIELDS
from services.intake.parsing import CONTENT_TYPES, correlation_id, parse_submission, wants_html
from services.intake.responses import RequestRefused, json_response, page
from services.intake.usecases import sign_up, submit_campaign
from services.intake.usecases.availability import announce_available
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
    request = bp.current_request
    try:
        signup, _ = parse_submission(request, VolunteerSignup, VOLUNTEER_FIELDS)
    except RequestRefused as refused:
        return refused.response
    with correlation(logger, correlation_id(request)) as cid:
        volunteer, updated = sign_up(main_store(), signup, now=utcnow())
        logger.info(
            "volunteer profile updated" if updated else "volunteer signed up",
            extra={"volunteer_id": volunteer.volunteer_id},
        )
        if not updated:  # a new person may be who a project waiting for staff was short of
            announce_available(publish, [volunteer.volunteer_id], "signed_up", correlation_id=cid)
    status = 201  # the contract: sign-up answers 201; "updated" says whether it already existed
    if wants_html(request):
        return page(
            status,
            forms.render_confirmation(
                "volunteer", {"volunteer_id": volunteer.volunteer_id, "name": volunteer.name, "updated": updated}
            ),
        )
    return json_response(status, {"volunteer_id": volunteer.volunteer_id, "updated": updated})
