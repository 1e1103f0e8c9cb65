"""The console's season pages (a chalice blueprint mounted by app.py): the campaign, project and
volunteer lists with filters and cursor paging (lists.py), every lifecycle action on a project
and bulk approval (usecases/console_lifecycle.py). Thin adapters: parse, call, render."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import quote

from chalice import Blueprint, Response

from services.intake.console import lists, routes, views, words
from services.intake.console.paging import BadCursor, decode
from services.intake.console.web import logger, notice, render, staff_post, staff_route, staff_session
from services.intake.domain.review import Refused
from services.intake.parsing import query
from services.intake.responses import FORM, redirect
from services.intake.usecases import InvalidTransition, NotFound
from services.intake.usecases import console_lifecycle as lifecycle
from shared.catalog import catalog
from shared.models import utcnow
from shared.observability import correlation, new_correlation_id
from shared.publisher import publish
from shared.storage import main_store

bp = Blueprint(__name__)


def _list(template: str, parse: Any, read: Any, **ctx: Any) -> Response:
    """A list page: filters and cursor from the query string (422 naming a bad one), one page."""
    key, sid = staff_session(bp.current_request)
    get = functools.partial(query, bp.current_request)
    cursor = get("cursor")
    try:
        flt = parse(get)
        page = read(main_store(), flt, decode(cursor))
    except lists.BadFilter as bad:
        return render(422, template, key, sid, errors=[{"field": bad.field, "message": bad.message}], **_empty(ctx))
    except BadCursor as bad:
        return render(422, template, key, sid, errors=[{"field": "cursor", "message": str(bad)}], **_empty(ctx))
    return render(200, template, key, sid, notice=notice(bp.current_request), f=flt, page=page, cursor=cursor, **ctx)


def _empty(ctx: dict[str, Any]) -> dict[str, Any]:
    """The context of a list refused for a bad filter: no rows, the filters cleared."""
    return ctx | {"page": lists.Page(), "cursor": "", "f": ctx.pop("_blank")}


@bp.route("/console/campaigns", methods=["GET"])
@staff_route
def campaigns_page() -> Response:
    return _list(
        "campaigns",
        lists.CampaignFilter.parse,
        lists.campaigns,
        orders=lists.CAMPAIGN_ORDERS,
        _blank=lists.CampaignFilter(),
    )


@bp.route("/console/projects", methods=["GET"])
@staff_route
def projects_page() -> Response:
    return _list(
        "projects",
        lists.ProjectFilter.parse,
        lists.projects,
        orders=lists.ORDERS,
        statuses=lists.PROJECT_STATUSES,
        categories=sorted({m.category for m in catalog().menu}),
        _blank=lists.ProjectFilter(),
    )


@bp.route("/console/volunteers", methods=["GET"])
@staff_route
def volunteers_page() -> Response:
    def read(store: Any, flt: lists.VolunteerFilter, position: dict[str, str]) -> Any:
        page = lists.volunteers(store, flt, position)
        opt_outs.update(views.opt_outs(page.rows))
        return page

    opt_outs: dict[str, Any] = {}
    return _list(
        "volunteers",
        lists.VolunteerFilter.parse,
        read,
        skills=catalog().skills,
        opt_outs=opt_outs,
        _blank=lists.VolunteerFilter(),
    )


# --- actions --------------------------------------------------------------------------------------


@bp.route("/console/projects/{project_id}/lifecycle", methods=["POST"], content_types=[FORM])
@staff_route
def lifecycle_action(project_id: str) -> Response:
    key, sid, fields = staff_post(bp.current_request)
    one = {name: (values or [""])[-1] for name, values in fields.items()}
    with correlation(logger, new_correlation_id()) as cid:
        try:
            outcome = lifecycle.request(
                main_store(),
                publish,
                project_id,
                one.get("action", ""),
                now=utcnow(),
                cid=cid,
                volunteer_id=one.get("volunteer_id", ""),
                reason=one.get("reason", "")[:500],
                kickoff_at=one.get("kickoff_at", ""),
                zone=words.zone(),
            )
        except NotFound:
            return routes.project_view(key, sid, project_id, 404)
        except Refused as refused:
            return routes.project_view(key, sid, project_id, 422, refused.errors)
        except InvalidTransition as exc:
            return routes.project_view(key, sid, project_id, 409, [{"field": "action", "message": str(exc)}])
        logger.info("lifecycle action asked", extra={"project_id": project_id, "action": one.get("action")})
    return redirect(f"/console/projects/{project_id}?notice=" + quote(outcome.say()[:200]))


@bp.route("/console/review/approve", methods=["POST"], content_types=[FORM])
@staff_route
def approve_selected() -> Response:
    key, sid, fields = staff_post(bp.current_request)
    with correlation(logger, new_correlation_id()) as cid:
        try:
            chosen = fields.get("project_ids", [])
            outcome = lifecycle.approve_many(main_store(), publish, chosen, now=utcnow(), cid=cid)
        except Refused as refused:
            return routes.review_view(key, sid, 422, refused.errors)
        logger.info("projects approved in bulk", extra={"count": len(fields.get("project_ids", []))})
    return redirect("/console/review?notice=" + quote(outcome.say()[:200]))
