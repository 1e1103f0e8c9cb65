"""Every answer intake's HTTP edge gives: JSON, HTML pages, refusals, redirects and CSV downloads.

One place for the headers each kind carries, so a page cannot be served without its security
headers and a refusal always has the one shape clients parse: {"errors": [{"field", "message"}]}
(the shape `tfc` quotes back, tfc/remote.py, and openapi.py documents).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from chalice import Response

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
HTML = "text/html; charset=utf-8"

# Nothing intake answers may be cached: answers carry personal data or one-time state (CSRF tokens).
NO_STORE = {"Cache-Control": "no-store"}
# The public pages (forms, unsubscribe) load nothing but their own inline styles and post only to
# this origin. No page may be framed: a framed form or unsubscribe button can be clickjacked, and
# campaign sites link to the forms rather than embed them (frame-ancestors for current browsers,
# X-Frame-Options for older ones).
PUBLIC_PAGE = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
# Staff pages also show the district chart (img-src); never framed either (clickjacking on the
# approve/decline buttons).
STAFF_PAGE = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

FieldErrors = list[dict[str, str]]


def _headers(*parts: Mapping[str, str] | None) -> dict[str, str | list[str]]:
    """`parts` merged left to right (a later part overrides), typed as chalice's Response wants."""
    merged: dict[str, str | list[str]] = {}
    for part in parts:
        merged.update(part or {})
    return merged


class RequestRefused(Exception):
    """Raised while parsing a request when the answer is already known (a refusal); routes catch
    it and return `response`."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    """`body` as JSON with `status`; never cached."""
    return Response(
        body=json.dumps(body), status_code=status, headers=_headers({"Content-Type": JSON}, NO_STORE, headers)
    )


def error(field: str, message: str) -> dict[str, str]:
    """One refusal entry: `field` names what was wrong (a body field, a header, "body"), `message`
    says why in words a user understands."""
    return {"field": field, "message": message}


def refusal(status: int, errors: FieldErrors, headers: dict[str, str] | None = None) -> Response:
    """{"errors": [{"field", "message"}, ...]} with a 4xx/5xx `status`."""
    return json_response(status, {"errors": errors}, headers)


def refuse(status: int, field: str, message: str) -> Response:
    """A refusal naming one field."""
    return refusal(status, [error(field, message)])


def page(status: int, body: str, headers: dict[str, str] | None = None) -> Response:
    """A public HTML page (forms, confirmations, unsubscribe) with its security headers."""
    return Response(
        body=body, status_code=status, headers=_headers({"Content-Type": HTML}, NO_STORE, PUBLIC_PAGE, headers)
    )


def staff_page(status: int, body: str, headers: dict[str, str] | None = None) -> Response:
    """A console HTML page with the staff security headers (never framed)."""
    return Response(
        body=body, status_code=status, headers=_headers({"Content-Type": HTML}, NO_STORE, STAFF_PAGE, headers)
    )


def redirect(location: str, headers: dict[str, str] | None = None) -> Response:
    """303 See Other to `location` (after a POST, so a reload does not post again)."""
    return Response(body="", status_code=303, headers=_headers({"Location": location}, NO_STORE, headers))


def csv_download(filename: str, body: str) -> Response:
    """A CSV file the browser saves as `filename` rather than shows."""
    return Response(
        body=body,
        status_code=200,
        headers=_headers(
            {
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": f'attachment; filename="{filename}"',
                "X-Content-Type-Options": "nosniff",
            },
            NO_STORE,
        ),
    )
