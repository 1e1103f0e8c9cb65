"""Intake's HTTP API (a chalice app): the public forms and endpoints, and the ops routes.

Thin by design: parse the request, call a use case, shape the response. Refusals are
{"errors": [{"field", "message"}]} with 422 (413 for an oversized body, 401/403 for ops routes
without a valid x-api-key). Form posts get the form back with messages beside the fields.
"""

from __future__ import annotations

import hmac
import json
import re
from typing import Any

from chalice import Chalice, Response
from pydantic import ValidationError

from services.intake import forms
from services.intake.console import routes as console_routes
from services.intake.domain.requests import CampaignRequest, VolunteerSignup, field_errors
from services.intake.domain.roster import ProfilePatch
from services.intake.formdata import (
    CAMPAIGN_FIELDS,
    VOLUNTEER_FIELDS,
    FormError,
    form_values,
    parse_form,
    submission_id,
    to_contract,
)
from services.intake.usecases import (
    InvalidTransition,
    NotFound,
    approve_project,
    campaign_view,
    import_roster_row,
    set_lead_trained,
    sign_up,
    submit_campaign,
)
from shared.catalog import CATEGORY_LABELS, catalog
from shared.events import ProjectCommandV1
from shared.models import utcnow
from shared.observability import RedactPersonalData, correlation, get_logger, new_correlation_id
from shared.publisher import publish
from shared.secrets import MissingSecret, get_secret
from shared.settings import get_settings
from shared.storage import main_store
from shared.storage.contact import contact_state
from shared.unsubscribe import BadUnsubscribeToken
from shared.unsubscribe import apply as apply_unsubscribe

app = Chalice(app_name="tfc-intake")
app.register_blueprint(console_routes.bp)  # the staff console's pages under /console
app.log.addFilter(RedactPersonalData())  # chalice logs an unhandled error's traceback here
logger = get_logger("intake")
RETRY_AFTER_SECONDS = 2

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
# Accepted so that a wrong body gets our own clear 415/422 rather than a bare gateway error.
_CONTENT_TYPES = [
    JSON,
    FORM,
    "text/plain",
    "multipart/form-data",
    "application/xml",
    "text/xml",
    "application/octet-stream",
    "*/*",  # any other type too: chalice's own 415 names no field (found by tests/aws/test_abuse.py)
]
_CORRELATION = re.compile(r"^[A-Za-z0-9-]{8,64}$")
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{8,128}$")


# --- response helpers -------------------------------------------------------------------------


def _json(status: int, body: Any) -> Response:
    return Response(
        body=json.dumps(body), status_code=status, headers={"Content-Type": JSON, "Cache-Control": "no-store"}
    )


def _html(status: int, body: str) -> Response:
    return Response(
        body=body,
        status_code=status,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def _refuse(status: int, errors: list[dict[str, str]]) -> Response:
    return _json(status, {"errors": errors})


def _correlation_id() -> str:
    header = (app.current_request.headers or {}).get("x-correlation-id", "")
    if _CORRELATION.match(header):
        return header
    context = app.current_request.context or {}
    return context.get("requestId") or new_correlation_id()


def _content_type() -> str:
    return (app.current_request.headers.get("content-type") or "").split(";")[0].strip().lower()


class _Refused(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _body() -> bytes:
    raw = app.current_request.raw_body or b""
    limit = get_settings().max_body_bytes
    if len(raw) > limit:
        raise _Refused(_refuse(413, [{"field": "body", "message": f"The request is larger than {limit} bytes"}]))
    return raw


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (ValueError, RecursionError) as exc:
        raise _Refused(_refuse(422, [{"field": "body", "message": _json_problem(exc)}])) from exc
    if not isinstance(data, dict):
        raise _Refused(_refuse(422, [{"field": "body", "message": "The request body must be a JSON object ({...})"}]))
    return data


def _json_problem(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"The request body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    return "The request body is not valid JSON (too deeply nested or not UTF-8)"


def _wants_html() -> bool:
    accept = app.current_request.headers.get("accept", "")
    return _content_type() == FORM and not (JSON in accept and "text/html" not in accept)


@app.middleware("http")
def _retry_later(event: Any, get_response: Any) -> Response:
    """An error nothing handled (an AWS call that failed after botocore's own retries, a timeout)
    becomes 503 with Retry-After instead of chalice's bare 500: the request may be repeated, and
    repeating it is safe (campaigns are stored once per Idempotency-Key or form submission id;
    approvals, sign-ups and the ops routes act on business keys). A form post gets its form back
    with the same submission id, so pressing submit again cannot store it twice."""
    response = get_response(event)
    if response.status_code != 500:
        return response
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    message = "could not be saved just now (nothing was stored twice): please send it again in a moment"
    render = {"/campaigns": forms.render_campaign_form, "/volunteers": forms.render_volunteer_form}.get(event.path)
    ctype = (event.headers.get("content-type") or "").split(";")[0].strip().lower()
    if render is not None and event.method == "POST" and ctype == FORM:
        try:
            values = form_values(parse_form(event.raw_body or b""))
        except FormError:
            values = {}
        page = _html(503, render(values, {"_form": [f"Your form {message}."]}))
        page.headers |= headers
        return page
    refusal = _refuse(503, [{"field": "request", "message": f"the request {message}"}])
    refusal.headers |= headers
    return refusal


# --- public routes ------------------------------------------------------------------------------


@app.route("/", methods=["GET"])
def index() -> Response:
    return _html(200, forms.render_index())


@app.route("/openapi.json", methods=["GET"])
def openapi_description() -> Response:
    from services.intake.openapi import openapi

    return _json(200, openapi())


@app.route("/health", methods=["GET"])
def health() -> Response:
    return _json(200, {"ok": True})


@app.route("/menu", methods=["GET"])
def menu() -> Response:
    return _json(200, [m.public() for m in catalog().menu])


@app.route("/skills", methods=["GET"])
def skills() -> Response:
    return _json(200, [s.model_dump() for s in catalog().skills])


@app.route("/categories", methods=["GET"])
def categories() -> Response:
    return _json(200, [{"id": k, "label": v} for k, v in CATEGORY_LABELS.items()])


@app.route("/forms/campaign", methods=["GET"])
def campaign_form() -> Response:
    return _html(200, forms.render_campaign_form())


@app.route("/forms/volunteer", methods=["GET"])
def volunteer_form() -> Response:
    return _html(200, forms.render_volunteer_form())


def _parse(model: type, mapping: dict[str, str]) -> tuple[Any, str | None]:
    """The validated request, and its idempotency key: the form's submission id, or the
    client's Idempotency-Key header."""
    ctype = _content_type()
    if ctype not in (JSON, FORM):
        raise _Refused(
            _refuse(
                415,
                [
                    {
                        "field": "content-type",
                        "message": f"The request must be sent as {JSON} or {FORM}, not {ctype or 'without a type'}",
                    }
                ],
            )
        )
    raw = _body()
    values = None
    key = _IDEMPOTENCY_KEY.match((app.current_request.headers or {}).get("idempotency-key", ""))
    idempotency_key = key.group(0) if key else None
    try:
        if ctype == FORM:
            fields = parse_form(raw)
            values = form_values(fields)
            data = to_contract(fields, mapping)
            idempotency_key = submission_id(fields) or idempotency_key
        else:
            data = _json_object(raw)
        return model.model_validate(data), idempotency_key
    except FormError as exc:
        raise _Refused(_refuse_form(model, exc.errors, values)) from exc
    except ValidationError as exc:
        raise _Refused(_refuse_form(model, field_errors(exc), values)) from exc


def _refuse_form(model: type, errors: list[dict[str, str]], values: dict[str, Any] | None) -> Response:
    if values is None or not _wants_html():
        return _refuse(422, errors)
    by_field: dict[str, list[str]] = {}
    for e in errors:
        by_field.setdefault(e["field"] if e["field"] != "body" else "_form", []).append(e["message"])
    render = forms.render_campaign_form if model is CampaignRequest else forms.render_volunteer_form
    return _html(422, render(values, by_field))


@app.route("/campaigns", methods=["POST"], content_types=_CONTENT_TYPES)
def create_campaign() -> Response:
    try:
        request, idempotency_key = _parse(CampaignRequest, CAMPAIGN_FIELDS)
    except _Refused as refused:
        return refused.response
    with correlation(logger, _correlation_id()) as cid:
        campaign, projects, created = submit_campaign(
            main_store(),
            publish,
            request,
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
    if _wants_html():
        return _html(
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
    return _json(
        status,
        {
            "campaign_id": campaign.campaign_id,
            "project_ids": campaign.project_ids,
            "projects": [{"project_id": p.project_id, "menu_item": p.menu_item, "status": p.status} for p in projects],
            "duplicate": not created,
        },
    )


@app.route("/volunteers", methods=["POST"], content_types=_CONTENT_TYPES)
def create_volunteer() -> Response:
    try:
        signup, _ = _parse(VolunteerSignup, VOLUNTEER_FIELDS)
    except _Refused as refused:
        return refused.response
    with correlation(logger, _correlation_id()):
        volunteer, updated = sign_up(main_store(), signup, now=utcnow())
        logger.info(
            "volunteer profile updated" if updated else "volunteer signed up",
            extra={"volunteer_id": volunteer.volunteer_id},
        )
    status = 201  # the contract: sign-up answers 201; "updated" says whether it already existed
    if _wants_html():
        return _html(
            status,
            forms.render_confirmation(
                "volunteer", {"volunteer_id": volunteer.volunteer_id, "name": volunteer.name, "updated": updated}
            ),
        )
    return _json(status, {"volunteer_id": volunteer.volunteer_id, "updated": updated})


# --- unsubscribe (RFC 8058): a GET only shows a confirm page; a POST unsubscribes ------------------

_UNSUBSCRIBE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem;">
<h1>{title}</h1><p>{text}</p>{form}</body></html>"""


def _unsubscribe_page(status: int, title: str, text: str, form: str = "") -> Response:
    return _html(status, _UNSUBSCRIBE_PAGE.format(title=title, text=text, form=form))


@app.route("/unsubscribe/{token}", methods=["GET"])
def unsubscribe_confirm(token: str) -> Response:
    """Link scanners follow GETs: this page changes nothing and asks for a click."""
    if not re.fullmatch(r"[a-z2-7]{42}", token or ""):
        return _unsubscribe_page(404, "Link not recognised", "This unsubscribe link is not valid.")
    return _unsubscribe_page(
        200,
        "Unsubscribe from Tech for Campaigns emails?",
        "You will get no more emails from us, including invitations to volunteer.",
        '<form method="post"><button type="submit">Unsubscribe</button></form>',
    )


@app.route("/unsubscribe/{token}", methods=["POST"], content_types=_CONTENT_TYPES)
def unsubscribe(token: str) -> Response:
    """One click (RFC 8058 `List-Unsubscribe=One-Click`) or the confirm page's button."""
    try:
        _body()
        key = get_secret("reply-token-key").encode()
        added = apply_unsubscribe(token, key, contact_state(), main_store().volunteers, utcnow())
    except _Refused as refused:
        return refused.response
    except BadUnsubscribeToken:
        return _unsubscribe_page(404, "Link not recognised", "This unsubscribe link is not valid.")
    except MissingSecret:
        return _refuse(503, [{"field": "unsubscribe", "message": "is not configured"}])
    logger.info("unsubscribed", extra={"new": added})
    return _unsubscribe_page(200, "You're unsubscribed", "You will get no more emails from Tech for Campaigns.")


# --- ops routes (x-api-key) ---------------------------------------------------------------------


def _ops_refusal() -> Response | None:
    """None when the caller holds the ops key; fails closed when no key is configured."""
    given = (app.current_request.headers or {}).get("x-api-key", "")
    if not given:
        return _refuse(401, [{"field": "x-api-key", "message": "is required for staff routes"}])
    try:
        expected = get_secret("ops-api-key")
    except MissingSecret:
        logger.error("ops key is not configured: refusing every ops request")
        return _refuse(503, [{"field": "x-api-key", "message": "staff access is not configured"}])
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return _refuse(403, [{"field": "x-api-key", "message": "is not valid"}])
    return None


@app.route("/campaigns/{campaign_id}", methods=["GET"])
def get_campaign(campaign_id: str) -> Response:
    if (refusal := _ops_refusal()) is not None:
        return refusal
    try:
        return _json(200, campaign_view(main_store(), campaign_id))
    except NotFound:
        return _refuse(404, [{"field": "campaign_id", "message": "no such campaign"}])


@app.route("/projects/{project_id}/approve", methods=["POST"], content_types=_CONTENT_TYPES)
def approve(project_id: str) -> Response:
    if (refusal := _ops_refusal()) is not None:
        return refusal
    with correlation(logger, _correlation_id()) as cid:
        try:
            project = approve_project(main_store(), publish, project_id, now=utcnow(), correlation_id=cid)
        except NotFound:
            return _refuse(404, [{"field": "project_id", "message": "no such project"}])
        except InvalidTransition as exc:
            return _refuse(409, [{"field": "status", "message": str(exc)}])
        logger.info("project approved", extra={"project_id": project_id})
    return _json(200, {"project_id": project.project_id, "status": project.status})


def _lead_trained(volunteer_id: str | None, email: str | None) -> Response:
    try:
        volunteer = set_lead_trained(main_store(), now=utcnow(), volunteer_id=volunteer_id, email=email)
    except NotFound:
        return _refuse(404, [{"field": "volunteer_id" if volunteer_id else "email", "message": "no such volunteer"}])
    logger.info("volunteer marked lead-trained", extra={"volunteer_id": volunteer.volunteer_id})
    return _json(200, {"volunteer_id": volunteer.volunteer_id, "lead_trained": True})


@app.route("/volunteers/{volunteer_id}/lead-trained", methods=["POST"], content_types=_CONTENT_TYPES)
def mark_lead(volunteer_id: str) -> Response:
    if (refusal := _ops_refusal()) is not None:
        return refusal
    return _lead_trained(volunteer_id, None)


@app.route("/volunteers/lead-trained", methods=["POST"], content_types=_CONTENT_TYPES)
def mark_lead_by_email() -> Response:
    """By email in the body (never in a URL, where it would reach access logs)."""
    if (refusal := _ops_refusal()) is not None:
        return refusal
    try:
        data = _json_object(_body())
    except _Refused as refused:
        return refused.response
    email = data.get("email")
    if not isinstance(email, str) or "@" not in email:
        return _refuse(422, [{"field": "email", "message": "is required"}])
    return _lead_trained(None, email.strip().lower())


ROSTER_BATCH = 50  # rows per import request: well under the 64 KB body limit


@app.route("/volunteers/import", methods=["POST"], content_types=[JSON])
def import_roster() -> Response:
    """`tfc volunteers import`: {"dry_run": bool, "rows": [{"row": n, "patch": {...}}]} (at most
    ROSTER_BATCH rows) -> {"results": [{"row", "status", "changes", "errors"}]}. Each row is
    checked again here and applied alone: one refused row never blocks the others."""
    if (refusal := _ops_refusal()) is not None:
        return refusal
    try:
        data = _json_object(_body())
    except _Refused as refused:
        return refused.response
    rows, dry_run = data.get("rows"), data.get("dry_run", False)
    if not isinstance(rows, list) or not 0 < len(rows) <= ROSTER_BATCH or not isinstance(dry_run, bool):
        return _refuse(422, [{"field": "rows", "message": f"must be a list of 1 to {ROSTER_BATCH} rows"}])
    results = []
    with correlation(logger, _correlation_id()):
        for item in rows:
            number = item.get("row") if isinstance(item, dict) else None
            try:
                patch = ProfilePatch.model_validate(item.get("patch") if isinstance(item, dict) else None)
            except ValidationError as exc:
                results.append({"row": number, "status": "refused", "changes": [], "errors": field_errors(exc)})
                continue
            result = import_roster_row(main_store(), patch, now=utcnow(), dry_run=dry_run)
            results.append({"row": number} | result)
        logger.info(
            "roster batch checked" if dry_run else "roster batch imported",
            extra={"rows": len(rows), "refused": sum(r["status"] == "refused" for r in results)},
        )
    return _json(200, {"results": results})


# --- project lifecycle (issue 9): staff commands, applied by matching -----------------------------

_LIFECYCLE_ACTIONS = ("kickoff", "complete", "cancel", "leave", "resume", "follow_on")


@app.route("/projects/{project_id}/lifecycle", methods=["POST"], content_types=_CONTENT_TYPES)
def project_lifecycle(project_id: str) -> Response:
    """{"action": kickoff|complete|cancel|leave|resume|follow_on, "volunteer_id" (leave), "kickoff_at"
    (ISO, kickoff; default now), "reason"}: queued for matching, which owns the transition (202)."""
    if (refusal := _ops_refusal()) is not None:
        return refusal
    try:
        data = _json_object(_body())
    except _Refused as refused:
        return refused.response
    if data.get("action") not in _LIFECYCLE_ACTIONS:
        return _refuse(422, [{"field": "action", "message": f"must be one of {', '.join(_LIFECYCLE_ACTIONS)}"}])
    if data["action"] == "leave" and not data.get("volunteer_id"):
        return _refuse(422, [{"field": "volunteer_id", "message": "is required to leave"}])
    if main_store().campaigns.get_projects([project_id]) == []:
        return _refuse(404, [{"field": "project_id", "message": "no such project"}])
    with correlation(logger, _correlation_id()) as cid:
        try:
            command = ProjectCommandV1(
                correlation_id=cid,
                project_id=project_id,
                action=data["action"],
                volunteer_id=data.get("volunteer_id"),
                kickoff_at=data.get("kickoff_at"),
                reason=str(data.get("reason", ""))[:500],
            )
        except ValidationError as exc:
            errors = [{"field": ".".join(map(str, e["loc"])) or "body", "message": e["msg"]} for e in exc.errors()]
            return _refuse(422, errors)
        if command.kickoff_at is not None and command.kickoff_at.tzinfo is None:
            return _refuse(422, [{"field": "kickoff_at", "message": "needs a time zone (e.g. 2026-03-02T15:00:00Z)"}])
        publish("matching", [command])
        logger.info("lifecycle command queued", extra={"project_id": project_id, "action": command.action})
    return _json(202, {"project_id": project_id, "action": command.action, "queued": True})


# --- personal data (issue 7): a person's data out, and erased; email in the body, never a URL ---


def _ops_email() -> tuple[str | None, Response | None]:
    if (refusal := _ops_refusal()) is not None:
        return None, refusal
    try:
        data = _json_object(_body())
    except _Refused as refused:
        return None, refused.response
    email = data.get("email")
    if not isinstance(email, str) or "@" not in email:
        return None, _refuse(422, [{"field": "email", "message": "is required: the person's email address"}])
    return email.strip().lower(), None


@app.route("/volunteers/export", methods=["POST"], content_types=_CONTENT_TYPES)
def export_volunteer_data() -> Response:
    email, refusal = _ops_email()
    if refusal is not None:
        return refusal
    from services.intake.privacy import export_person

    data = export_person(main_store(), str(email))
    if data is None:
        return _refuse(404, [{"field": "email", "message": "no volunteer with this address"}])
    logger.info("volunteer data exported", extra={"volunteer_id": data["volunteer"]["volunteer_id"]})
    return _json(200, data)


@app.route("/volunteers/forget", methods=["POST"], content_types=_CONTENT_TYPES)
def forget_volunteer_data() -> Response:
    email, refusal = _ops_email()
    if refusal is not None:
        return refusal
    from services.intake.privacy import forget_person

    erased = forget_person(main_store(), str(email), utcnow())
    if erased is None:
        return _refuse(404, [{"field": "email", "message": "no volunteer with this address"}])
    logger.info("volunteer forgotten", extra={"erased": erased})
    return _json(200, {"forgotten": True, "erased": erased, "opt_outs_kept_as_hashes": True})
