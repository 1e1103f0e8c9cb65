"""What every console route shares: the staff session (cookie + CSRF), form reading, the notice
line, and pages rendered with the staff security headers (responses.staff_page).

A route that must refuse raises Denied with the page to answer; @staff_route turns it into the
response, so a route reads as the happy path.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from chalice import Response
from chalice.app import Request

from services.intake.auth import ops_key
from services.intake.console import pages, session
from services.intake.formdata import FormError, parse_form
from services.intake.parsing import query, raw_body
from services.intake.responses import FieldErrors, redirect, staff_page
from shared.observability import get_logger
from shared.secrets import MissingSecret
from shared.settings import get_settings
from shared.storage.sessions import console_sessions

LOGIN = "/console/login"


def not_configured(missing: MissingSecret) -> FieldErrors:
    """The console's refusal when the ops key is missing or unusable, naming what (and where)."""
    return [{"field": "ops key", "message": f"staff access is not configured: {missing.what}"}]


logger = get_logger("intake.console")


class Denied(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def refused_page(status: int, errors: FieldErrors, csrf: str = "") -> Response:
    """The login page with `errors` (what the console shows for a refusal it cannot place)."""
    return staff_page(status, pages.render("login", csrf=csrf, errors=errors))


def limits() -> session.Limits:
    """The session limits of this stage (settings)."""
    settings = get_settings()
    return session.Limits(settings.console_idle_seconds, settings.console_session_seconds)


def signing_key() -> bytes:
    """The console's signing key. Denied (503) when no ops key is configured."""
    try:
        return session.derive_key(ops_key())
    except MissingSecret as exc:
        raise Denied(refused_page(503, not_configured(exc))) from exc


def client_address(request: Request) -> str:
    """The caller's address as API Gateway (or the local gateway) saw it."""
    return str(((request.context or {}).get("identity") or {}).get("sourceIp") or "")


def staff_session(request: Request) -> tuple[bytes, str]:
    """(key, session id) of a logged-in staff member: one read of the session record (and a write
    at most once a minute). Denied: a redirect to the login page (no cookie, not ours, logged out,
    expired, or opened under an earlier ops key), or 503 when no ops key is configured."""
    key = signing_key()
    cookie = session.read_cookie(request.headers.get("cookie"))
    resumed = session.resume(console_sessions(), key, cookie, int(time.time()), limits())
    if resumed.ended:
        logger.info("console session ended", extra={"reason": resumed.ended})
    if resumed.session_id is None:
        raise Denied(redirect(LOGIN))
    return key, resumed.session_id


def form(request: Request) -> dict[str, list[str]]:
    """The urlencoded form. Denied: 413 above the body limit, 400 when it cannot be read."""
    raw = raw_body(request)
    if len(raw) > get_settings().max_body_bytes:
        raise Denied(refused_page(413, [{"field": "body", "message": "is too large"}]))
    try:
        return parse_form(raw)
    except FormError as exc:
        raise Denied(refused_page(400, exc.errors)) from exc


def one(fields: dict[str, list[str]], name: str) -> str:
    """The last value of a form field ("" when absent)."""
    return (fields.get(name) or [""])[-1]


def staff_post(request: Request) -> tuple[bytes, str, dict[str, list[str]]]:
    """(key, session id, form fields) of a logged-in POST with a valid CSRF token; Denied otherwise."""
    key, sid = staff_session(request)
    fields = form(request)
    if not session.csrf_ok(key, sid, one(fields, "csrf")):
        logger.warning("console POST refused: bad CSRF token")
        raise Denied(
            refused_page(403, [{"field": "csrf", "message": "the form expired; reload the page and try again"}])
        )
    return key, sid, fields


def notice(request: Request) -> str:
    """The one-line message a redirect carried (?notice=), capped."""
    return query(request, "notice")[:400]


def render(status: int, template: str, key: bytes, sid: str, **ctx: Any) -> Response:
    """A console page for a logged-in member (the CSRF token of their session filled in)."""
    return staff_page(status, pages.render(template, csrf=session.csrf_token(key, sid), **ctx))


def not_found(key: bytes, sid: str, thing: str) -> Response:
    """404: the login page saying there is no such `thing` (project, campaign, volunteer)."""
    return render(404, "login", key, sid, errors=[{"field": thing, "message": f"no such {thing}"}])


def staff_route(view: Callable[..., Response]) -> Callable[..., Response]:
    """Answers a route's Denied with its page (put it under the route decorator)."""

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)
        except Denied as denied:
            return denied.response

    return guarded
