"""The console's HTTP routes (a chalice blueprint mounted by services/intake/app.py): thin
adapters from a request to views/actions and a rendered page.

Auth: POST /console/login exchanges the ops key for a signed, HttpOnly, SameSite=Strict session
cookie (the key never appears in a URL); every page needs the cookie, every POST also its CSRF
token. CSV exports also take the x-api-key header, which is how `tfc export` fetches them.
"""

from __future__ import annotations

import hmac
import json
import time
from typing import Any
from urllib.parse import quote

from chalice import Blueprint, Response

from services.intake.console import actions, exports, pages, session, views
from services.intake.domain.review import Refused
from services.intake.formdata import FormError, parse_form
from services.intake.usecases import InvalidTransition, NotFound, approve_project, set_lead_trained
from shared.catalog import catalog
from shared.models import email_hash, utcnow
from shared.observability import correlation, get_logger, new_correlation_id
from shared.publisher import publish
from shared.resources import RESOURCES, physical_name
from shared.secrets import MissingSecret, get_secret
from shared.settings import get_settings
from shared.storage import Conflict, main_store

bp = Blueprint(__name__)
logger = get_logger("intake.console")
FORM = "application/x-www-form-urlencoded"
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"


def _page(status: int, body: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=body,
        status_code=status,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Security-Policy": _CSP,
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
        }
        | (headers or {}),
    )


def _redirect(location: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body="", status_code=303, headers={"Location": location, "Cache-Control": "no-store"} | (headers or {})
    )


def _ops_key() -> str:
    return get_secret("ops-api-key")


class _Denied(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _session() -> tuple[bytes, str]:
    """(key, session id) of a logged-in staff member, or _Denied with the login page."""
    try:
        key = session.derive_key(_ops_key())
    except MissingSecret as exc:
        raise _Denied(
            _page(
                503, pages.render("login", errors=[{"field": "ops key", "message": "staff access is not configured"}])
            )
        ) from exc
    cookie = session.read_cookie((bp.current_request.headers or {}).get("cookie"))
    sid = session.verify(key, cookie, time.time())
    if sid is None:
        raise _Denied(_redirect("/console/login"))
    return key, sid


def _form() -> dict[str, list[str]]:
    raw = bp.current_request.raw_body or b""
    if len(raw) > get_settings().max_body_bytes:
        raise _Denied(_page(413, pages.render("login", errors=[{"field": "body", "message": "is too large"}])))
    try:
        return parse_form(raw)
    except FormError as exc:
        raise _Denied(_page(400, pages.render("login", errors=exc.errors))) from exc


def _one(fields: dict[str, list[str]], name: str) -> str:
    return (fields.get(name) or [""])[-1]


def _post() -> tuple[bytes, str, dict[str, list[str]]]:
    """A logged-in POST with a valid CSRF token."""
    key, sid = _session()
    fields = _form()
    if not session.csrf_ok(key, sid, _one(fields, "csrf")):
        logger.warning("console POST refused: bad CSRF token")
        raise _Denied(
            _page(
                403,
                pages.render(
                    "login", errors=[{"field": "csrf", "message": "the form expired; reload the page and try again"}]
                ),
            )
        )
    return key, sid, fields


def _notice() -> str:
    return ((bp.current_request.query_params or {}).get("notice") or "")[:200]


def _guard(handler: Any) -> Any:
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        try:
            return handler(*args, **kwargs)
        except _Denied as denied:
            return denied.response

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


# --- log in and out ------------------------------------------------------------------------------


@bp.route("/console/login", methods=["GET"])
def login_page() -> Response:
    return _page(200, pages.render("login"))


@bp.route("/console/login", methods=["POST"], content_types=[FORM])
@_guard
def login() -> Response:
    given = _one(_form(), "ops_key")
    try:
        expected = _ops_key()
    except MissingSecret:
        return _page(
            503, pages.render("login", errors=[{"field": "ops key", "message": "staff access is not configured"}])
        )
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        logger.warning("console login refused")
        return _page(403, pages.render("login", errors=[{"field": "ops_key", "message": "is not valid"}]))
    secure = (bp.current_request.headers or {}).get("x-forwarded-proto") == "https"
    cookie = session.issue(session.derive_key(expected), time.time())
    logger.info("console login")
    return _redirect("/console", {"Set-Cookie": session.set_cookie_header(cookie, secure)})


@bp.route("/console/logout", methods=["POST"], content_types=[FORM])
@_guard
def logout() -> Response:
    _post()
    return _redirect("/console/login", {"Set-Cookie": session.clear_cookie_header()})


# --- pages ----------------------------------------------------------------------------------------


def _dlq_depths() -> dict[str, int | None]:
    from shared.aws import client

    depths: dict[str, int | None] = {}
    stage = get_settings().stage
    for queue in RESOURCES.queues:
        name = physical_name(stage, queue.dlq_name)
        try:
            sqs = client("sqs")
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
            depths[queue.dlq_name] = int(attrs["Attributes"]["ApproximateNumberOfMessages"])
        except Exception:
            logger.warning("DLQ depth unreadable", extra={"queue": queue.dlq_name})
            depths[queue.dlq_name] = None
    return depths


@bp.route("/console", methods=["GET"])
@_guard
def pipeline_page() -> Response:
    key, sid = _session()
    store = main_store()
    attention = store.campaigns.projects_with_status("needs_attention")
    return _page(
        200,
        pages.render(
            "pipeline",
            csrf=session.csrf_token(key, sid),
            notice=_notice(),
            p=views.pipeline(store, _dlq_depths()),
            attention=attention,
        ),
    )


def _review(
    key: bytes, sid: str, status: int = 200, errors: list[dict[str, str]] | None = None, notice: str = ""
) -> Response:
    cat = catalog()
    return _page(
        status,
        pages.render(
            "review",
            csrf=session.csrf_token(key, sid),
            notice=notice or _notice(),
            errors=errors,
            queue=views.review_queue(main_store()),
            menu=cat.menu,
            skills=cat.skills,
        ),
    )


@bp.route("/console/review", methods=["GET"])
@_guard
def review_page() -> Response:
    key, sid = _session()
    return _review(key, sid)


@bp.route("/console/projects/{project_id}/adjust", methods=["POST"], content_types=[FORM])
@_guard
def adjust_project(project_id: str) -> Response:
    key, sid, fields = _post()
    try:
        project = actions.adjust(
            main_store(),
            project_id,
            menu_item=_one(fields, "menu_item"),
            skills=fields.get("skills", []),
            weeks=_one(fields, "weeks"),
            hours=_one(fields, "hours_per_week"),
            version=_one(fields, "version"),
        )
    except Refused as refused:
        return _review(key, sid, 422, refused.errors)
    except (NotFound, InvalidTransition, Conflict) as exc:
        return _review(key, sid, 409, [{"field": "project", "message": str(exc)}])
    logger.info("project adjusted", extra={"project_id": project_id})
    return _redirect("/console/review?notice=" + quote(f"Saved {project.title}: {project.team_size} seats."))


@bp.route("/console/projects/{project_id}/approve", methods=["POST"], content_types=[FORM])
@_guard
def approve(project_id: str) -> Response:
    key, sid, _ = _post()
    with correlation(logger, new_correlation_id()) as cid:
        try:
            project = approve_project(main_store(), publish, project_id, now=utcnow(), correlation_id=cid)
        except (NotFound, InvalidTransition) as exc:
            return _review(key, sid, 409, [{"field": "project", "message": str(exc)}])
        logger.info("project approved", extra={"project_id": project_id})
    return _redirect("/console/review?notice=" + quote(f"Approved {project.title} for {project.candidate_name}."))


@bp.route("/console/projects/{project_id}/decline", methods=["POST"], content_types=[FORM])
@_guard
def decline(project_id: str) -> Response:
    key, sid, fields = _post()
    with correlation(logger, new_correlation_id()) as cid:
        try:
            project = actions.decline(main_store(), publish, project_id, _one(fields, "reason"), now=utcnow(), cid=cid)
        except Refused as refused:
            return _review(key, sid, 422, refused.errors)
        except (NotFound, InvalidTransition) as exc:
            return _review(key, sid, 409, [{"field": "project", "message": str(exc)}])
        logger.info("project declined", extra={"project_id": project_id})
    return _redirect("/console/review?notice=" + quote(f"Declined {project.title}; the campaign is told why."))


@bp.route("/console/projects/{project_id}", methods=["GET"])
@_guard
def project_page(project_id: str) -> Response:
    key, sid = _session()
    page = views.project_page(main_store(), project_id)
    if page is None:
        return _page(
            404,
            pages.render(
                "login", csrf=session.csrf_token(key, sid), errors=[{"field": "project", "message": "no such project"}]
            ),
        )
    return _page(
        200,
        pages.render(
            "project",
            csrf=session.csrf_token(key, sid),
            notice=_notice(),
            pr=page.record.project,
            record=page.record,
            campaign=page.campaign,
            people=page.people,
            invitations=page.invitations,
        ),
    )


@bp.route("/console/projects/{project_id}/wave", methods=["POST"], content_types=[FORM])
@_guard
def another_wave(project_id: str) -> Response:
    _post()
    with correlation(logger, new_correlation_id()) as cid:
        try:
            actions.another_wave(main_store(), publish, project_id, now=utcnow(), cid=cid)
        except (NotFound, InvalidTransition) as exc:
            return _redirect(f"/console/projects/{project_id}?notice=" + quote(str(exc)))
        logger.info("wave requested", extra={"project_id": project_id})
    return _redirect(f"/console/projects/{project_id}?notice=" + quote("Another wave was asked for."))


@bp.route("/console/projects/{project_id}/invite", methods=["POST"], content_types=[FORM])
@_guard
def invite_chosen(project_id: str) -> Response:
    _, _, fields = _post()
    with correlation(logger, new_correlation_id()) as cid:
        try:
            name = actions.invite_chosen(main_store(), publish, project_id, _one(fields, "volunteer"), cid=cid)
        except Refused as refused:
            return _redirect(f"/console/projects/{project_id}?notice=" + quote(refused.errors[0]["message"]))
        except (NotFound, InvalidTransition) as exc:
            return _redirect(f"/console/projects/{project_id}?notice=" + quote(str(exc)))
        logger.info("staff invitation requested", extra={"project_id": project_id})
    notice = (
        f"Asked matching to invite {name}; the invitation appears below once sent (or not, if their limits say no)."
    )
    return _redirect(f"/console/projects/{project_id}?notice=" + quote(notice))


@bp.route("/console/campaigns/{campaign_id}", methods=["GET"])
@_guard
def campaign_page(campaign_id: str) -> Response:
    key, sid = _session()
    store = main_store()
    campaign = store.campaigns.get_campaign(campaign_id)
    if campaign is None:
        return _page(
            404,
            pages.render(
                "login",
                csrf=session.csrf_token(key, sid),
                errors=[{"field": "campaign", "message": "no such campaign"}],
            ),
        )
    projects = store.campaigns.get_projects(campaign.project_ids)
    return _page(200, pages.render("campaign", csrf=session.csrf_token(key, sid), c=campaign, projects=projects))


def _int_param(params: dict[str, str], name: str) -> int | None:
    value = (params.get(name) or "").strip()
    return int(value) if value.isdigit() else None


@bp.route("/console/volunteers", methods=["GET"])
@_guard
def volunteers_page() -> Response:
    key, sid = _session()
    params = bp.current_request.query_params or {}
    skill = params.get("skill", "")
    query = views.VolunteerQuery(
        skill=skill if skill in catalog().skill_ids else "",
        city=params.get("city", "").strip()[:80],
        state=params.get("state", "").strip()[:2],
        min_hours=_int_param(params, "min_hours"),
        min_weeks=_int_param(params, "min_weeks"),
        lead=params.get("lead", "") if params.get("lead") in ("yes", "no") else "",
        never_matched=params.get("never_matched") == "1",
    )
    people, total = views.search_volunteers(main_store(), query)
    return _page(
        200,
        pages.render(
            "volunteers",
            csrf=session.csrf_token(key, sid),
            notice=_notice(),
            q=query,
            people=people,
            opt_outs=views.opt_outs(people),
            total=total,
            skills=catalog().skills,
        ),
    )


@bp.route("/console/volunteers/{volunteer_id}", methods=["GET"])
@_guard
def volunteer_page(volunteer_id: str) -> Response:
    key, sid = _session()
    found = views.volunteer_page(main_store(), volunteer_id)
    if found is None:
        return _page(
            404,
            pages.render(
                "login",
                csrf=session.csrf_token(key, sid),
                errors=[{"field": "volunteer", "message": "no such volunteer"}],
            ),
        )
    volunteer, invitations, projects = found
    return _page(
        200,
        pages.render(
            "volunteer",
            csrf=session.csrf_token(key, sid),
            notice=_notice(),
            v=volunteer,
            opt=views.opt_outs([volunteer]).get(volunteer.volunteer_id, {}),
            invitations=invitations,
            projects=projects,
        ),
    )


@bp.route("/console/volunteers/{volunteer_id}/lead", methods=["POST"], content_types=[FORM])
@_guard
def mark_lead(volunteer_id: str) -> Response:
    _post()
    try:
        volunteer = set_lead_trained(main_store(), now=utcnow(), volunteer_id=volunteer_id)
    except NotFound:
        return _redirect("/console/volunteers?notice=" + quote("No such volunteer."))
    logger.info("volunteer marked lead-trained", extra={"volunteer_id": volunteer_id})
    return _redirect(f"/console/volunteers/{volunteer_id}?notice=" + quote(f"{volunteer.name} is now lead-trained."))


@bp.route("/console/districts", methods=["GET"])
@_guard
def districts_page() -> Response:
    key, sid = _session()
    params = bp.current_request.query_params or {}
    state = (params.get("state") or "").upper()[:2]
    chamber = params.get("chamber") if params.get("chamber") in ("lower", "upper") else ""
    run, every = views.districts(main_store())
    states = sorted({r.state for r in every})
    rows = [r for r in every if (not state or r.state == state) and (not chamber or r.chamber == chamber)]
    return _page(
        200,
        pages.render(
            "districts",
            csrf=session.csrf_token(key, sid),
            run=run,
            rows=rows,
            state=state,
            chamber=chamber,
            states=states,
            chart_rows=40,
        ),
    )


@bp.route("/console/replies", methods=["GET"])
@_guard
def replies_page() -> Response:
    key, sid = _session()
    return _page(
        200,
        pages.render(
            "replies", csrf=session.csrf_token(key, sid), notice=_notice(), replies=views.unclear_replies(main_store())
        ),
    )


@bp.route("/console/replies/resolve", methods=["POST"], content_types=[FORM])
@_guard
def resolve_reply() -> Response:
    key, sid, fields = _post()
    with correlation(logger, new_correlation_id()) as cid:
        try:
            done = actions.resolve_reply(
                main_store(),
                publish,
                _one(fields, "invitation_id"),
                _one(fields, "received_at"),
                _one(fields, "resolution"),
                now=utcnow(),
                cid=cid,
            )
        except Refused as refused:
            return _page(
                422,
                pages.render(
                    "replies",
                    csrf=session.csrf_token(key, sid),
                    errors=refused.errors,
                    replies=views.unclear_replies(main_store()),
                ),
            )
    return _redirect("/console/replies?notice=" + quote("Resolved." if done else "Someone had already resolved it."))


# --- data out (and the import's lookups) ----------------------------------------------------------


def _key_holder() -> bool:
    given = (bp.current_request.headers or {}).get("x-api-key", "")
    try:
        return bool(given) and hmac.compare_digest(given.encode(), _ops_key().encode())
    except MissingSecret:
        return False


@bp.route("/console/exports", methods=["GET"])
@_guard
def exports_page() -> Response:
    key, sid = _session()
    return _page(200, pages.render("exports", csrf=session.csrf_token(key, sid), kinds=exports.KINDS))


@bp.route("/console/export/{name}", methods=["GET"])
@_guard
def export_csv(name: str) -> Response:
    if not _key_holder():
        _session()
    kind = name.removesuffix(".csv")
    if kind not in exports.KINDS:
        return Response(
            body=json.dumps({"errors": [{"field": "kind", "message": f"must be one of {', '.join(exports.KINDS)}"}]}),
            status_code=404,
            headers={"Content-Type": "application/json"},
        )
    body = exports.to_csv(kind, views.export_rows(main_store(), kind))
    logger.info("export", extra={"kind": kind})
    return Response(
        body=body,
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="tfc-{kind}.csv"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.route("/console/api/volunteers/known", methods=["POST"], content_types=["application/json"])
def known_volunteers() -> Response:
    """Which of these emails already belong to a volunteer (the import's dry run; x-api-key).
    Emails travel in the body, never a URL."""
    if not _key_holder():
        return Response(
            body=json.dumps({"errors": [{"field": "x-api-key", "message": "is required and must be valid"}]}),
            status_code=403,
            headers={"Content-Type": "application/json"},
        )
    try:
        emails = json.loads(bp.current_request.raw_body or b"{}").get("emails")
    except (ValueError, AttributeError):
        emails = None
    if not isinstance(emails, list) or len(emails) > 1000 or not all(isinstance(e, str) for e in emails):
        return Response(
            body=json.dumps({"errors": [{"field": "emails", "message": "must be a list of at most 1000 strings"}]}),
            status_code=422,
            headers={"Content-Type": "application/json"},
        )
    hashes = [email_hash(e) for e in emails]
    owners = main_store().volunteers.volunteer_ids_for_emails(hashes)
    known = [h in owners for h in hashes]
    return Response(body=json.dumps({"known": known}), status_code=200, headers={"Content-Type": "application/json"})
