"""The console's pages about people and their answers: a campaign, volunteers (search, one
person, marking a lead) and unclear replies to resolve (a chalice blueprint mounted by app.py)."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint, Response

from services.intake.console import views
from services.intake.console.web import logger, not_found, notice, one, render, staff_post, staff_route, staff_session
from services.intake.domain.review import Refused
from services.intake.responses import FORM, redirect
from services.intake.usecases import NotFound, set_lead_trained
from services.intake.usecases import console as actions
from services.intake.usecases.availability import announce_available
from shared.models import utcnow
from shared.observability import correlation, new_correlation_id
from shared.publisher import publish
from shared.storage import main_store

bp = Blueprint(__name__)


@bp.route("/console/campaigns/{campaign_id}", methods=["GET"])
@staff_route
def campaign_page(campaign_id: str) -> Response:
    key, sid = staff_session(bp.current_request)
    found = views.campaign_page(main_store(), campaign_id)
    if found is None:
        return not_found(key, sid, "campaign")
    campaign, projects = found
    return render(200, "campaign", key, sid, c=campaign, projects=projects)


@bp.route("/console/volunteers/{volunteer_id}", methods=["GET"])
@staff_route
def volunteer_page(volunteer_id: str) -> Response:
    key, sid = staff_session(bp.current_request)
    found = views.volunteer_page(main_store(), volunteer_id)
    if found is None:
        return not_found(key, sid, "volunteer")
    volunteer, invitations, projects = found
    return render(
        200,
        "volunteer",
        key,
        sid,
        notice=notice(bp.current_request),
        v=volunteer,
        opt=views.opt_outs([volunteer]).get(volunteer.volunteer_id, {}),
        invitations=invitations,
        projects=projects,
    )


@bp.route("/console/volunteers/{volunteer_id}/lead", methods=["POST"], content_types=[FORM])
@staff_route
def mark_lead(volunteer_id: str) -> Response:
    staff_post(bp.current_request)
    try:
        volunteer = set_lead_trained(main_store(), now=utcnow(), volunteer_id=volunteer_id)
    except NotFound:
        return redirect("/console/volunteers?notice=" + quote("No such volunteer."))
    logger.info("volunteer marked lead-trained", extra={"volunteer_id": volunteer_id})
    with correlation(logger, new_correlation_id()) as cid:
        announce_available(publish, [volunteer_id], "lead_trained", correlation_id=cid)
    said = (
        f"{volunteer.name} is now lead-trained. Next: matching may invite them to lead a project, and any"
        " project waiting for staff only for want of a lead goes back to finding volunteers."
    )
    return redirect(f"/console/volunteers/{volunteer_id}?notice=" + quote(said))


@bp.route("/console/replies", methods=["GET"])
@staff_route
def replies_page() -> Response:
    key, sid = staff_session(bp.current_request)
    return render(
        200, "replies", key, sid, notice=notice(bp.current_request), replies=views.unclear_replies(main_store())
    )


@bp.route("/console/replies/resolve", methods=["POST"], content_types=[FORM])
@staff_route
def resolve_reply() -> Response:
    key, sid, fields = staff_post(bp.current_request)
    with correlation(logger, new_correlation_id()) as cid:
        try:
            done = actions.resolve_reply(
                main_store(),
                publish,
                one(fields, "invitation_id"),
                one(fields, "received_at"),
                one(fields, "resolution"),
                now=utcnow(),
                cid=cid,
            )
        except Refused as refused:
            return render(422, "replies", key, sid, errors=refused.errors, replies=views.unclear_replies(main_store()))
    return redirect("/console/replies?notice=" + quote("Resolved." if done else "Someone had already resolved it."))
