"""The console's log-in, pipeline, review and project routes (a chalice blueprint mounted by
services/intake/app.py; people.py and data.py hold the other pages): thin adapters from a request
to views/actions and a rendered page.

Auth: POST /console/login exchanges the ops key for a server-side session (session.py) whose id
travels in a signed, HttpOnly, SameSite=Strict cookie (the key never appears in a URL); every page
needs a live session, every POST also its CSRF token (web.py); POST /console/logout deletes it.
"""

from __future__ import annotations

import functools
import time
from urllib.parse import quote

from chalice import Blueprint, Response

from services.intake.auth import is_ops_key
from services.intake.console import lists, pages, paging, queues, session, views
from services.intake.console.web import (
    client_address,
    form,
    limits,
    logger,
    not_configured,
    not_found,
    notice,
    one,
    refused_page,
    render,
    signing_key,
    staff_post,
    staff_route,
    staff_session,
)
from services.intake.domain.review import Refused
from services.intake.parsing import query
from services.intake.responses import FORM, FieldErrors, redirect, staff_page
from services.intake.usecases import InvalidTransition, NotFound, console_lifecycle
from services.intake.usecases import console as actions
from shared import lifecycle
from shared.catalog import catalog
from shared.models import utcnow
from shared.observability import correlation, new_correlation_id
from shared.publisher import publish
from shared.secrets import MissingSecret
from shared.storage import Conflict, main_store
from shared.storage.sessions import console_sessions

bp = Blueprint(__name__)


# --- log in and out ------------------------------------------------------------------------------


@bp.route("/console/login", methods=["GET"])
def login_page() -> Response:
    return staff_page(200, pages.render("login"))


@bp.route("/console/login", methods=["POST"], content_types=[FORM])
@staff_route
def login() -> Response:
    """The ops key for a new session (a new id at every log-in, so a planted cookie is worthless).
    Logged: opened or refused, with the session's reference and a keyed hash of the client's
    address; never the key, the cookie or the address."""
    request = bp.current_request
    given = one(form(request), "ops_key")
    try:
        valid = is_ops_key(given)
    except MissingSecret as missing:
        return refused_page(503, not_configured(missing))
    key = signing_key()
    client = session.client_reference(key, client_address(request))
    if not valid:
        logger.warning("console login refused", extra={"client": client, "reason": "wrong key"})
        return refused_page(403, [{"field": "ops_key", "message": "is not valid"}])
    store, now, lasting = console_sessions(), int(time.time()), limits()
    earlier = session.session_id_of(key, session.read_cookie(request.headers.get("cookie")))
    if earlier is not None:
        session.close(store, earlier)  # logging in again replaces the session this browser had
    sid, cookie = session.open_session(store, key, now, lasting)
    logger.info("console login", extra={"session": session.reference(sid), "client": client})
    secure = request.headers.get("x-forwarded-proto") == "https"
    header = session.set_cookie_header(cookie, secure, lasting.absolute_seconds)
    return redirect("/console", {"Set-Cookie": header})


@bp.route("/console/logout", methods=["POST"], content_types=[FORM])
@staff_route
def logout() -> Response:
    """Ends the session on the server: the cookie, and any copy of it, opens nothing afterwards."""
    key, sid, _ = staff_post(bp.current_request)
    session.close(console_sessions(), sid)
    client = session.client_reference(key, client_address(bp.current_request))
    logger.info("console logout", extra={"session": session.reference(sid), "client": client})
    return redirect("/console/login", {"Set-Cookie": session.clear_cookie_header()})


# --- pipeline and review ---------------------------------------------------------------------------


@bp.route("/console", methods=["GET"])
@staff_route
def pipeline_page() -> Response:
    key, sid = staff_session(bp.current_request)
    return render(
        200,
        "pipeline",
        key,
        sid,
        notice=notice(bp.current_request),
        p=views.pipeline(main_store(), queues.dlq_depths()),
    )


def review_view(key: bytes, sid: str, status: int = 200, errors: FieldErrors | None = None) -> Response:
    """The review queue page (with `errors` when an action on it was refused)."""
    cat = catalog()
    get = functools.partial(query, bp.current_request)
    cursor, flt = get("cursor"), lists.ProjectFilter()
    try:
        flt = lists.ProjectFilter.parse(get)
        queue, page = views.review_queue(main_store(), paging.decode(cursor), flt)
    except (paging.BadCursor, lists.BadFilter) as bad:
        field = bad.field if isinstance(bad, lists.BadFilter) else "cursor"
        message = bad.message if isinstance(bad, lists.BadFilter) else str(bad)
        status, errors, cursor, flt = 422, [{"field": field, "message": message}], "", lists.ProjectFilter()
        queue, page = views.review_queue(main_store(), {})
    return render(
        status,
        "review",
        key,
        sid,
        notice=notice(bp.current_request),
        errors=errors,
        queue=queue,
        page=page,
        f=flt,
        review_params={k: v for k, v in flt.params().items() if k not in ("status", "order")},
        categories=sorted({m.category for m in cat.menu}),
        cursor=cursor,
        menu=cat.menu,
        skills=cat.skills,
    )


@bp.route("/console/review", methods=["GET"])
@staff_route
def review_page() -> Response:
    key, sid = staff_session(bp.current_request)
    return review_view(key, sid)


@bp.route("/console/projects/{project_id}/adjust", methods=["POST"], content_types=[FORM])
@staff_route
def adjust_project(project_id: str) -> Response:
    key, sid, fields = staff_post(bp.current_request)
    try:
        project = actions.adjust(
            main_store(),
            project_id,
            menu_item=one(fields, "menu_item"),
            skills=fields.get("skills", []),
            weeks=one(fields, "weeks"),
            hours=one(fields, "hours_per_week"),
            version=one(fields, "version"),
        )
    except Refused as refused:
        return review_view(key, sid, 422, refused.errors)
    except (NotFound, InvalidTransition, Conflict) as exc:
        return review_view(key, sid, 409, [{"field": "project", "message": str(exc)}])
    logger.info("project adjusted", extra={"project_id": project_id})
    return redirect("/console/review?notice=" + quote(f"Saved {project.title}: {project.team_size} seats."))


@bp.route("/console/projects/{project_id}/approve", methods=["POST"], content_types=[FORM])
@staff_route
def approve(project_id: str) -> Response:
    key, sid, _ = staff_post(bp.current_request)
    with correlation(logger, new_correlation_id()) as cid:
        try:
            outcome = console_lifecycle.approve_one(main_store(), publish, project_id, now=utcnow(), cid=cid)
        except (NotFound, InvalidTransition) as exc:
            return review_view(key, sid, 409, [{"field": "project", "message": str(exc)}])
        logger.info("project approved", extra={"project_id": project_id})
    return redirect("/console/review?notice=" + quote(outcome.say()))


@bp.route("/console/projects/{project_id}/decline", methods=["POST"], content_types=[FORM])
@staff_route
def decline(project_id: str) -> Response:
    key, sid, fields = staff_post(bp.current_request)
    with correlation(logger, new_correlation_id()) as cid:
        try:
            project = actions.decline(main_store(), publish, project_id, one(fields, "reason"), now=utcnow(), cid=cid)
        except Refused as refused:
            return review_view(key, sid, 422, refused.errors)
        except (NotFound, InvalidTransition) as exc:
            return review_view(key, sid, 409, [{"field": "project", "message": str(exc)}])
        logger.info("project declined", extra={"project_id": project_id})
    return redirect(
        "/console/review?notice="
        + quote(f"Declined {project.title}. Next: the campaign is emailed the reason; nothing else happens to it.")
    )


# --- a project ---------------------------------------------------------------------------------------


@bp.route("/console/projects/{project_id}", methods=["GET"])
@staff_route
def project_page(project_id: str) -> Response:
    key, sid = staff_session(bp.current_request)
    return project_view(key, sid, project_id, notice=notice(bp.current_request))


def project_view(
    key: bytes, sid: str, project_id: str, status: int = 200, errors: FieldErrors | None = None, notice: str = ""
) -> Response:
    """A project's page (with `errors` when an action on it was refused); 404 when there is none."""
    found = views.project_page(main_store(), project_id)
    if found is None:
        return not_found(key, sid, "project")
    project = found.record.project
    return render(
        status,
        "project",
        key,
        sid,
        notice=notice,
        errors=errors,
        pr=project,
        record=found.record,
        campaign=found.campaign,
        people=found.people,
        invitations=found.invitations,
        actions=lifecycle.available(project.status, project.kickoff_at is not None),
    )


def _back_to_project(project_id: str, message: str) -> Response:
    return redirect(f"/console/projects/{project_id}?notice=" + quote(message))


@bp.route("/console/projects/{project_id}/wave", methods=["POST"], content_types=[FORM])
@staff_route
def another_wave(project_id: str) -> Response:
    staff_post(bp.current_request)
    with correlation(logger, new_correlation_id()) as cid:
        try:
            actions.another_wave(main_store(), publish, project_id, now=utcnow(), cid=cid)
        except (NotFound, InvalidTransition) as exc:
            return _back_to_project(project_id, str(exc))
        logger.info("wave requested", extra={"project_id": project_id})
    return _back_to_project(
        project_id, "Another wave was asked for. Next: matching sends invitations for the open seats within seconds."
    )


@bp.route("/console/projects/{project_id}/invite", methods=["POST"], content_types=[FORM])
@staff_route
def invite_chosen(project_id: str) -> Response:
    _, _, fields = staff_post(bp.current_request)
    with correlation(logger, new_correlation_id()) as cid:
        try:
            name = actions.invite_chosen(main_store(), publish, project_id, one(fields, "volunteer"), cid=cid)
        except Refused as refused:
            return _back_to_project(project_id, refused.errors[0]["message"])
        except (NotFound, InvalidTransition) as exc:
            return _back_to_project(project_id, str(exc))
        logger.info("staff invitation requested", extra={"project_id": project_id})
    return _back_to_project(
        project_id,
        f"Asked matching to invite {name}. Next: the invitation appears below once sent, unless their limits"
        " (open invitations, projects, invitations in 14 days) say no.",
    )
