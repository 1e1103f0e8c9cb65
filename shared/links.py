"""Signed, expiring links of the self-service pages (issue 15), shared by intake (which serves
them) and notify (which writes them into emails). Pure: no AWS.

A link names one thing (a pending change, a volunteer, a campaign) and is signed with the
reply-token key under a salt per purpose (itsdangerous: HMAC-SHA1 over a URL-safe payload and a
timestamp), so a link for one purpose is refused by every other, and one person's link never
names another. `max_age` is checked when read: an expired, altered or foreign link raises BadLink.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal

from itsdangerous import BadData, URLSafeTimedSerializer

Purpose = Literal["confirm", "me", "campaign"]
PATHS: dict[Purpose, str] = {"confirm": "/confirm", "me": "/me", "campaign": "/campaign-status"}
MAX_TOKEN = 400  # characters: every link we sign is well under; longer input is refused unread


class BadLink(ValueError):
    """The link is malformed, altered, expired or for another purpose."""


def _serializer(key: bytes, purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=f"tfc-{purpose}-v1")


def sign(purpose: Purpose, payload: dict[str, str], key: bytes) -> str:
    """A token carrying `payload` (short strings: ids, nonces) for `purpose`."""
    return _serializer(key, purpose).dumps(payload)


def read(purpose: Purpose, token: str, key: bytes, max_age_seconds: int) -> dict[str, str]:
    """The payload of a token signed for `purpose` within `max_age_seconds`; raises BadLink."""
    if not token or len(token) > MAX_TOKEN or not token.isascii():
        raise BadLink("malformed")
    try:
        payload = _serializer(key, purpose).loads(token, max_age=max_age_seconds)
    except BadData as exc:
        raise BadLink("not valid") from exc
    if not isinstance(payload, dict) or not all(isinstance(v, str) for v in payload.values()):
        raise BadLink("not valid")
    return payload


def url(public_url: str, purpose: Purpose, token: str) -> str:
    return f"{public_url.rstrip('/')}{PATHS[purpose]}/{token}"


def form_token(token: str, key: bytes) -> str:
    """The CSRF value the page's forms carry: an HMAC of its link token, so a form posted from
    another site (which cannot read the page) is refused even if it guessed the link's shape."""
    return hmac.new(key, b"tfc-page-form-v1" + token.encode(), hashlib.sha256).hexdigest()[:32]


def form_token_ok(token: str, given: object, key: bytes) -> bool:
    """Whether `given` (any value a form sent) is this page's CSRF value; constant time on bytes."""
    if not isinstance(given, str) or len(given) != 32 or not given.isascii():
        return False
    return hmac.compare_digest(given.encode(), form_token(token, key).encode())
