"""The staff routes of the API (`tfc` and scripts), every one behind the ops key (auth.py):
a campaign's view, approvals, lead training, the roster import and project lifecycle commands."""

from __future__ import annotations

from chalice import Blueprint, Response

from services.intake.auth import ops_only
from services.intake.domain.review import Refused
from services.intake.parsing import CONTENT_TYPES, correlation_id, request_object
from services.intake.responses import JSON, RequestRefused, json_response, refusal, refuse
from services.intake.usecases import (
    InvalidTransition,
    NotFound,
    approve_project,
    campaign_view,
    import_roster,
    request_lifecycle_change,
    set_lead_trained,
)
from services.intake.usecases.availability import announce_available, roster_available
from shared.models import utcnow
from shared.observability import correlation, get_logger
from shared.publisher import publish
from shared.storage import main_store

bp = Blueprint(__name__)
ops = ops_only(bp)
logger = get_logger("intake")
ROSTER_BATCH = 50  # rows per import request: well under the 64 KB body limit


@bp.route("/campaigns/{campaign_id}", methods=["GET"])
@ops
def get_campaign(campaign_id: str) -> Response:
    try:
        return json_response(200, campaign_view(main_store(), campaign_id))
    except NotFound:
        return refuse(404, "campaign_id", "no such campaign")


@bp.route("/projects/{project_id}/approve", methods=["POST"], content_types=CONTENT_TYPES)
@ops
def approve(project_id: str) -> Response:
    with correlation(logger, correlation_id(bp.current_request)) as cid:
        try:
            project = approve_project(main_store(), publish, project_id, now=utcnow(), correlation_id=cid)
        except NotFound:
            return refuse(404, "project_id", "no such project")
        except InvalidTransition as exc:
            return refuse(409, "status", str(exc))
        logger.info("project approved", extra={"project_id": project_id})
    return json_response(200, {"project_id": project.project_id, "status": project.status})


def _lead_trained(volunteer_id: str | None, email: str | None) -> Response:
    try:
        volunteer = set_lead_trained(main_store(), now=utcnow(), volunteer_id=volunteer_id, email=email)
    except NotFound:
        return refuse(404, "volunteer_id" if volunteer_id else "email", "no such volunteer")
    logger.info("volunteer marked lead-trained", extra={"volunteer_id": volunteer.volunteer_id})
    with correlation(logger, correlation_id(bp.current_request)) as cid:
        announce_available(publish, [volunteer.volunteer_id], "lead_trained", correlation_id=cid)
    return json_response(200, {"volunteer_id": volunteer.volunteer_id, "lead_trained": True})


@bp.route("/volunteers/{volunteer_id}/lead-trained", methods=["POST"], content_types=CONTENT_TYPES)
@ops
def mark_lead(volunteer_id: str) -> Response:
    return _lead_trained(volunteer_id, None)


@bp.route("/volunteers/lead-trained", methods=["POST"], content_types=CONTENT_TYPES)
@ops
def mark_lead_by_email() -> Response:
    """By email in the body (never in a URL, where it would reach access logs)."""
    try:
        data = request_object(bp.current_request)
    except RequestRefused as refused:
        return refused.response
    email = data.get("email")
    if not isinstance(email, str) or "@" not in email:
        return refuse(422, "email", "is required")
    return _lead_trained(None, email.strip().lower())


@bp.route("/volunteers/import", methods=["POST"], content_types=[JSON])
@ops
def import_roster_batch() -> Response:
    """`tfc volunteers import`: {"dry_run": bool, "send_confirmation": bool, "rows": [{"row": n,
    "patch": {...}}]} (at most ROSTER_BATCH rows) -> {"results": [{"row", "status", "changes",
    "errors"}]}. New people are vouched for by staff unless `send_confirmation` (issue 15)."""
    try:
        data = request_object(bp.current_request)
    except RequestRefused as refused:
        return refused.response
    rows, dry_run = data.get("rows"), data.get("dry_run", False)
    send_confirmation = data.get("send_confirmation", False)
    if not isinstance(rows, list) or not 0 < len(rows) <= ROSTER_BATCH or not isinstance(dry_run, bool):
        return refuse(422, "rows", f"must be a list of 1 to {ROSTER_BATCH} rows")
    if not isinstance(send_confirmation, bool):
        return refuse(422, "send_confirmation", "must be true or false")
    with correlation(logger, correlation_id(bp.current_request)) as cid:
        store = main_store()
        results = import_roster(
            store, rows, now=utcnow(), dry_run=dry_run, publish=publish, send_confirmation=send_confirmation
        )
        if not dry_run:  # vouched rows added or changed may be who a waiting project is short of
            announce_available(publish, roster_available(store, rows, results), "roster_import", correlation_id=cid)
        logger.info(
            "roster batch checked" if dry_run else "roster batch imported",
            extra={"rows": len(rows), "refused": sum(r["status"] == "refused" for r in results)},
        )
    return json_response(200, {"results": results})


@bp.route("/projects/{project_id}/lifecycle", methods=["POST"], content_types=CONTENT_TYPES)
@ops
def project_lifecycle(project_id: str) -> Response:
    """{"action": kickoff|complete|cancel|leave|resume|follow_on, "volunteer_id" (leave), "kickoff_at"
    (ISO, kickoff; default now), "reason"}: queued for matching, which owns the transition (202)."""
    try:
        data = request_object(bp.current_request)
    except RequestRefused as refused:
        return refused.response
    with correlation(logger, correlation_id(bp.current_request)) as cid:
        try:
            command = request_lifecycle_change(main_store(), publish, project_id, data, correlation_id=cid)
        except Refused as refused:
            return refusal(422, refused.errors)
        except NotFound:
            return refuse(404, "project_id", "no such project")
        logger.info("lifecycle command queued", extra={"project_id": project_id, "action": command.action})
    return json_response(202, {"project_id": project_id, "action": command.action, "queued": True})
