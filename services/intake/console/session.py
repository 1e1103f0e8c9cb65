"""Console sessions without server state: the ops key is exchanged once for a signed cookie.

The cookie is `<session id>.<expiry>.<hmac>` keyed by a key derived from the ops key, so rotating
the ops key ends every session. The CSRF token of a session is an HMAC of its id: forms carry it
and every POST checks it (the cookie is also SameSite=Strict and HttpOnly).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

COOKIE = "tfc_console"
TTL_SECONDS = 8 * 3600


def derive_key(ops_key: str) -> bytes:
    return hmac.new(ops_key.encode(), b"tfc console session v1", hashlib.sha256).digest()


def _sign(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def issue(key: bytes, now: float) -> str:
    payload = f"{secrets.token_urlsafe(18)}.{int(now) + TTL_SECONDS}"
    return f"{payload}.{_sign(key, payload)}"


def verify(key: bytes, cookie: str | None, now: float) -> str | None:
    """The session id when the cookie is ours and unexpired, else None."""
    if not cookie or cookie.count(".") != 2:
        return None
    sid, expiry, signature = cookie.split(".")
    if not hmac.compare_digest(signature, _sign(key, f"{sid}.{expiry}")):
        return None
    if not expiry.isdigit() or int(expiry) < now:
        return None
    return sid


def csrf_token(key: bytes, session_id: str) -> str:
    return _sign(key, f"csrf:{session_id}")


def csrf_ok(key: bytes, session_id: str, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(csrf_token(key, session_id), token or "")


def set_cookie_header(value: str, secure: bool) -> str:
    flags = "; Secure" if secure else ""
    return f"{COOKIE}={value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={TTL_SECONDS}{flags}"


def clear_cookie_header() -> str:
    return f"{COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0"


def read_cookie(header: str | None) -> str | None:
    for part in (header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return None
