"""The self-service routes (issue 15): each a thin adapter from a signed link and a form to a use
case in usecases/selfservice.py, answered with a page.

- `/confirm/{token}`: GET shows the one button (link scanners follow GETs), POST confirms.
- `/me` (GET the form, POST an email: the same answer whether the address is known or not),
  `/me/{token}` (the page; POST with `action`), `/me/{token}/data.json` (download).
- `/campaign-status/{token}` (the campaign's page; POST asks for another project).
Every POST carries the page's CSRF value (shared/links.py `form_token`); a refusal is a page
(403/404/410/422) with the forms' error summary, or {"errors": [...]} for a JSON client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Blueprint, Response
from pydantic import TypeAdapter, ValidationError

from services.intake import selfservice as pages
from services.intake.domain.requests import Email
from services.intake.formdata import FormError, parse_form
from services.intake.parsing import CONTENT_TYPES, body, content_type, correlation_id, query
from services.intake.responses import FORM, PUBLIC_PAGE, RequestRefused, json_response, page, redirect, refusal
from services.intake.usecases import selfservice as usecase
from shared import links
from shared.models import utcnow
from shared.observability import correlation, get_logger
from shared.publisher import publish
from shared.secrets import MissingSecret, get_secret
from shared.settings import get_settings
from shared.storage import Conflict, main_store

bp = Blueprint(__name__)
logger = get_logger("intake")
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)
NOTICES = {
    "answered": "Thanks: your answer is on its way to the team. We email you what happens next.",
    "paused": "Paused. We have emailed you a note of it.",
    "resumed": "Welcome back: you can be invited again from the next round.",
    "changed": "Saved: your changes count from the next round of invitations. We have emailed you a note of them.",
    "left": "You are leaving the team: we tell the team lead and email you a note.",
    "asked": "Thanks: your request is with our staff, who review it and write to you.",
}


def _page(status: int, html: str) -> Response:
    return page(status, html)  # PUBLIC_PAGE's headers: never framed, loads nothing else


def _key() -> bytes:
    return get_secret("reply-token-key").encode()


def _bad_link(kind: str) -> Response:
    retry = {"me": {"href": "/me", "text": "Get a new link to your page"}}.get(kind)
    return _page(
        404,
        pages.message("This link is not valid", "It may be mistyped, altered or too old.", link=retry),
    )


def _gone(reason: str, kind: str) -> Response:
    link = {"href": "/me", "text": "Get a new link to your page"} if kind == "me" else None
    if kind == "confirm":
        link = {"href": "/forms/volunteer", "text": "Sign up again"}
    return _page(410, pages.message("This link no longer works", reason[:1].upper() + reason[1:] + ".", link=link))


def _refused(status: int, errors: list[dict[str, str]]) -> Response:
    """The one refusal shape: a page with the error summary, or JSON for a client asking for it."""
    request = bp.current_request
    if "application/json" in request.headers.get("accept", "") and "text/html" not in request.headers.get("accept", ""):
        return refusal(status, errors)
    return _page(status, pages.message("We could not do that", errors=errors))


def _form() -> dict[str, list[str]]:
    """The posted form fields; RequestRefused (413 too big, 415 not a form, 422 unreadable)."""
    if content_type(bp.current_request) != FORM:
        raise RequestRefused(_refused(415, [{"field": "content-type", "message": f"Send the form as {FORM}"}]))
    try:
        return parse_form(body(bp.current_request))
    except FormError as exc:
        raise RequestRefused(_refused(422, exc.errors)) from exc


def _one(fields: dict[str, list[str]], name: str) -> str:
    return (fields.get(name) or [""])[-1]


def _guarded(token: str, fields: dict[str, list[str]], key: bytes) -> None:
    if not links.form_token_ok(token, _one(fields, "csrf"), key):
        raise RequestRefused(
            _refused(
                403,
                [
                    {
                        "field": "csrf",
                        "message": "This form has expired or came from another site: open the page again and retry",
                    }
                ],
            )
        )


def _read(purpose: links.Purpose, token: str, key: bytes) -> dict[str, str]:
    s = get_settings()
    age = s.signup_ttl_seconds if purpose == "confirm" else s.personal_link_seconds
    return links.read(purpose, token, key, age)


def _serve(purpose: links.Purpose, token: str, handle: Callable[[bytes, dict[str, str]], Response]) -> Response:
    """Read the link, then `handle`; every refusal becomes its page (never a traceback)."""
    try:
        key = _key()
        payload = _read(purpose, token, key)
        return handle(key, payload)
    except links.BadLink:
        return _bad_link(purpose)
    except usecase.Gone as gone:
        return _gone(str(gone), purpose)
    except usecase.SelfServiceRefused as refused:
        return _refused(422, refused.errors)
    except Conflict:
        return _refused(
            409,
            [
                {
                    "field": "body",
                    "message": "Something else changed your profile at the same moment: open the page again and retry",
                }
            ],
        )
    except RequestRefused as refused:
        return refused.response
    except MissingSecret:
        return _refused(503, [{"field": "links", "message": "Personal links are not configured yet"}])


# --- confirm a sign-up or a change -------------------------------------------------------------


@bp.route("/confirm/{token}", methods=["GET"])
def confirm_page(token: str) -> Response:
    def show(key: bytes, payload: dict[str, str]) -> Response:
        view = usecase.describe_pending(main_store(), payload, utcnow())
        return _page(200, pages.render("confirm.html", view=view, csrf=links.form_token(token, key)))

    return _serve("confirm", token, show)


@bp.route("/confirm/{token}", methods=["POST"], content_types=CONTENT_TYPES)
def confirm(token: str) -> Response:
    def apply(key: bytes, payload: dict[str, str]) -> Response:
        _guarded(token, _form(), key)
        with correlation(logger, correlation_id(bp.current_request)) as cid:
            volunteer = usecase.confirm(main_store(), publish, payload, now=utcnow(), correlation_id=cid)
            logger.info("pending change confirmed", extra={"volunteer_id": volunteer.volunteer_id})
        me = links.sign("me", {"v": volunteer.volunteer_id}, key)
        return _page(
            200,
            pages.message(
                "Confirmed: thank you",
                "Your details are saved. We have emailed you a note, with a link to your own page.",
                link={"href": f"/me/{me}", "text": "Go to My volunteering"},
            ),
        )

    return _serve("confirm", token, apply)


# --- a new link, by email ------------------------------------------------------------------------


@bp.route("/me", methods=["GET"])
def new_link_form() -> Response:
    return _page(200, pages.render("new_link.html", sent=False, email="", days=_days()))


def _days() -> int:
    return get_settings().personal_link_seconds // 86400


@bp.route("/me", methods=["POST"], content_types=CONTENT_TYPES)
def new_link() -> Response:
    """Email a new link. The answer is the same whether or not the address is a volunteer's."""
    try:
        fields = _form()
    except RequestRefused as refused:
        return refused.response
    given = _one(fields, "email").strip()
    try:
        email = _EMAIL.validate_python(given)
    except ValidationError:
        errors = [{"field": "email", "message": "Enter an email address like name@example.com"}]
        return _page(422, pages.render("new_link.html", sent=False, email=given, days=_days(), errors=errors))
    with correlation(logger, correlation_id(bp.current_request)) as cid:
        usecase.request_new_link(main_store(), publish, email, correlation_id=cid)
    return _page(200, pages.render("new_link.html", sent=True, email="", days=_days()))


# --- My volunteering -----------------------------------------------------------------------------


def _me(
    token: str, key: bytes, vid: str, notice: str = "", errors: list[dict[str, str]] | None = None, status: int = 200
) -> Response:
    data = usecase.my_volunteering(main_store(), vid, utcnow())
    html = pages.render(
        "me.html",
        data=data,
        csrf=links.form_token(token, key),
        download=f"/me/{token}/data.json",
        notice=NOTICES.get(notice, ""),
        errors=errors or [],
    )
    return _page(status, html)


@bp.route("/me/{token}", methods=["GET"])
def my_page(token: str) -> Response:
    notice = query(bp.current_request, "done")
    return _serve("me", token, lambda key, payload: _me(token, key, payload.get("v", ""), notice))


@bp.route("/me/{token}/data.json", methods=["GET"])
def my_data(token: str) -> Response:
    from shared.storage.privacy import export_volunteer

    def download(_: bytes, payload: dict[str, str]) -> Response:
        data = export_volunteer(main_store(), payload.get("v", ""))
        if data is None:
            raise usecase.Gone("there is no longer a volunteer profile for this link")
        return json_response(
            200,
            data,
            {
                "Content-Disposition": 'attachment; filename="my-volunteering-data.json"',
                "X-Content-Type-Options": "nosniff",
            },
        )

    return _serve("me", token, download)


@bp.route("/me/{token}", methods=["POST"], content_types=CONTENT_TYPES)
def my_page_action(token: str) -> Response:
    def act(key: bytes, payload: dict[str, str]) -> Response:
        fields = _form()
        _guarded(token, fields, key)
        vid = payload.get("v", "")
        store, now = main_store(), utcnow()
        action = _one(fields, "action")
        with correlation(logger, correlation_id(bp.current_request)) as cid:
            try:
                done = _do(action, fields, store, vid, now, cid)
            except usecase.SelfServiceRefused as refused:
                return _me(token, key, vid, errors=refused.errors, status=422)
            logger.info("volunteer changed their data", extra={"volunteer_id": vid, "action": action})
        if done == "deleted":
            return _page(
                200,
                pages.message(
                    "Your account is deleted",
                    "We hold nothing about you now but a note never to contact your address again.",
                ),
            )
        return redirect(f"/me/{token}?done={done}", PUBLIC_PAGE)

    return _serve("me", token, act)


def _do(action: str, fields: dict[str, list[str]], store: Any, vid: str, now: Any, cid: str) -> str:
    """One page action -> the notice word shown after the redirect."""
    if action == "answer":
        usecase.answer_invitation(store, publish, vid, _one(fields, "invitation_id"), _one(fields, "answer"), cid=cid)
        return "answered"
    if action == "pause":
        fresh = usecase.pause(store, publish, vid, _one(fields, "until").strip(), now=now, cid=cid)
        return "paused" if fresh.paused_until else "resumed"
    if action == "preferences":
        data = {k: (v if k == "skills" else v[-1]) for k, v in fields.items()}
        usecase.change_preferences(store, publish, vid, data, now=now, cid=cid)
        return "changed"
    if action == "leave":
        usecase.leave_team(store, publish, vid, _one(fields, "project_id"), cid=cid)
        return "left"
    if action == "delete":
        if _one(fields, "confirm") != "yes":
            raise usecase.SelfServiceRefused(
                [{"field": "confirm_delete", "message": "Tick the box to confirm you want your account deleted"}]
            )
        from services.intake.usecases.privacy import forget_person

        volunteer = usecase.volunteer_for(store, vid)
        forget_person(store, volunteer.email, now)
        return "deleted"
    raise usecase.SelfServiceRefused([{"field": "action", "message": "is not something this page does"}])


# --- the campaign's status page ------------------------------------------------------------------


def _campaign(
    token: str, key: bytes, cid_: str, notice: str = "", errors: list[dict[str, str]] | None = None, status: int = 200
) -> Response:
    data = usecase.campaign_status(main_store(), cid_, utcnow())
    html = pages.render(
        "campaign_status.html",
        data=data,
        csrf=links.form_token(token, key),
        notice=NOTICES.get(notice, ""),
        errors=errors or [],
    )
    return _page(status, html)


@bp.route("/campaign-status/{token}", methods=["GET"])
def campaign_page(token: str) -> Response:
    notice = query(bp.current_request, "done")
    return _serve("campaign", token, lambda key, payload: _campaign(token, key, payload.get("c", ""), notice))


@bp.route("/campaign-status/{token}", methods=["POST"], content_types=CONTENT_TYPES)
def campaign_ask(token: str) -> Response:
    def ask(key: bytes, payload: dict[str, str]) -> Response:
        fields = _form()
        _guarded(token, fields, key)
        campaign_id = payload.get("c", "")
        with correlation(logger, correlation_id(bp.current_request)) as cid:
            try:
                usecase.ask_for_project(
                    main_store(),
                    publish,
                    campaign_id,
                    _one(fields, "menu_item"),
                    _one(fields, "note")[:1000],
                    now=utcnow(),
                    cid=cid,
                )
            except usecase.SelfServiceRefused as refused:
                return _campaign(token, key, campaign_id, errors=refused.errors, status=422)
            logger.info("campaign asked for another project", extra={"campaign_id": campaign_id})
        return redirect(f"/campaign-status/{token}?done=asked", PUBLIC_PAGE)

    return _serve("campaign", token, ask)
