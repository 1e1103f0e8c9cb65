"""The ops-key guard: the one check between a staff route (API or console) and its caller.

Staff clients (`tfc`, scripts) send the ops key as the `x-api-key` header; the console's login
form exchanges it for a session cookie (console/web.py). The key lives in SSM (`ops-api-key`,
shared/secrets.py). Comparisons are constant-time (hmac.compare_digest) so response timing does
not leak how much of a guess was right; with no key configured every staff request is refused
(fail closed). The refusals are the same on every route:

- 401 {"errors": [{"field": "x-api-key", "message": "is required for staff routes"}]} (no key sent)
- 403 {"errors": [{"field": "x-api-key", "message": "is not valid"}]} (a wrong key)
- 503 {"errors": [{"field": "x-api-key", "message": "staff access is not configured: the SSM
  parameter /tfc/<stage>/ops-api-key is not set"}]} (what is missing, or the rule the stored key breaks)
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from chalice import Response

from services.intake.responses import refuse
from shared.observability import get_logger
from shared.secrets import MissingSecret, get_secret

HEADER = "x-api-key"
logger = get_logger("intake.auth")


class _HasRequest(Protocol):
    """A chalice app or blueprint: both expose the request being served."""

    @property
    def current_request(self) -> Any: ...


def ops_key() -> str:
    """The configured ops key. Raises MissingSecret when none is set."""
    return get_secret("ops-api-key")


def is_ops_key(given: str) -> bool:
    """True when `given` is the ops key (constant-time). Raises MissingSecret when none is set."""
    expected = ops_key()  # first: an unconfigured key is reported as such, whatever was given
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def ops_refusal(headers: Mapping[str, str] | None) -> Response | None:
    """None when `headers` carry the ops key, else the refusal to send (401, 403 or 503)."""
    given = (headers or {}).get(HEADER, "")
    if not given:
        return refuse(401, HEADER, "is required for staff routes")
    try:
        valid = is_ops_key(given)
    except MissingSecret as missing:
        logger.error("ops key is not configured: refusing every ops request", extra={"missing": missing.what})
        return refuse(503, HEADER, f"staff access is not configured: {missing.what}")
    return None if valid else refuse(403, HEADER, "is not valid")


def holds_ops_key(headers: Mapping[str, str] | None) -> bool:
    """True when `headers` carry the ops key; False (never an error) otherwise, for routes that
    also let a logged-in console session in."""
    try:
        return is_ops_key((headers or {}).get(HEADER, ""))
    except MissingSecret:
        return False


View = Callable[..., Response]


def ops_only(source: _HasRequest) -> Callable[[View], View]:
    """Decorator for a route of `source` (the app or a blueprint) that only ops-key holders may
    call: the refusal is answered before the view runs, so the view never sees an unchecked
    request. Put it under the route decorator:

        @bp.route("/projects/{project_id}/approve", methods=["POST"])
        @ops
        def approve(project_id: str) -> Response: ...
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Response:
            refused = ops_refusal(source.current_request.headers)
            return refused if refused is not None else view(*args, **kwargs)

        return guarded

    return decorate
