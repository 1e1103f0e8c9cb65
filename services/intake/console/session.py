"""Console sessions kept on the server: the ops key is exchanged once for a session record, and the
browser holds only that record's id, signed.

- The cookie is `tfc_console=<id>.<signature>`: a 144-bit random id signed with itsdangerous under
  a key derived from the ops key. The record is stored under the sha256 of the id
  (shared/storage/sessions.py), so the table never holds a usable cookie.
- Logging out deletes the record: a copied cookie stops working at once.
- A session ends on its own `idle_seconds` after its last request and `absolute_seconds` after
  log-in (settings TFC_CONSOLE_IDLE_SECONDS, TFC_CONSOLE_SESSION_SECONDS); `last_seen` is written
  at most once a minute, so browsing costs one read per page and a write a minute.
- Rotating the ops key ends every session: the signing key changes with it, and each record keeps
  the fingerprint of the key it was opened under. (The ops key is cached for up to 5 minutes per
  process, shared/secrets.py, so that is how long a rotation takes to reach every container.)
- The CSRF token of a session is an HMAC of its id; forms carry it and every POST checks it (the
  cookie is also SameSite=Strict and HttpOnly).

Whatever bytes a client sends as a cookie or a CSRF value, they are checked for shape (ASCII, the
exact alphabet and length) before any comparison, and compared as bytes: a refusal, never an error.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, Signer

from shared.storage.sessions import ConsoleSession, Sessions

COOKIE = "tfc_console"
TOUCH_EVERY_SECONDS = 60
_SALT = b"tfc console session v2"
_COOKIE_VALUE = re.compile(r"[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{43}")  # token_urlsafe(18) . sha256 b64
_CSRF = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Limits:
    idle_seconds: int
    absolute_seconds: int


@dataclass(frozen=True)
class Resumed:
    """What a request's cookie amounts to: `session_id` when logged in (else None); `ended` says
    why a stored session ended on this request ("idle", "expired", "key rotated"; "" otherwise),
    for the log."""

    session_id: str | None
    ended: str = ""


def derive_key(ops_key: str) -> bytes:
    """The console's signing key (32 bytes), a function of the ops key."""
    return hmac.new(ops_key.encode(), b"tfc console session v1", hashlib.sha256).digest()


def key_fingerprint(key: bytes) -> str:
    """16 hex characters naming the signing key (hence the ops key) without revealing it."""
    return hashlib.sha256(b"fingerprint:" + key).hexdigest()[:16]


def session_hash(session_id: str) -> str:
    """The storage key of a session: sha256 hex of its id."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def reference(session_id: str) -> str:
    """A short name for a session in logs (a prefix of its storage hash: not usable as a cookie)."""
    return session_hash(session_id)[:12]


def client_reference(key: bytes, address: str) -> str:
    """A client address in logs: a keyed hash (12 hex), so refusals from one client can be told
    apart without writing the address itself."""
    return hmac.new(key, b"client:" + address.encode(), hashlib.sha256).hexdigest()[:12]


def _signer(key: bytes) -> Signer:
    return Signer(key, salt=_SALT, digest_method=hashlib.sha256)


def open_session(sessions: Sessions, key: bytes, now: int, limits: Limits) -> tuple[str, str]:
    """A new session record for a member who just gave the ops key. Returns (session id, cookie
    value). `now` in epoch seconds."""
    session_id = secrets.token_urlsafe(18)
    record = ConsoleSession(session_hash(session_id), now, now, key_fingerprint(key))
    sessions.create(record, expires_at=now + limits.absolute_seconds)
    return session_id, _signer(key).sign(session_id).decode()


def session_id_of(key: bytes, cookie: str | None) -> str | None:
    """The id a cookie value carries when it is ours (shape and signature), else None."""
    if not cookie or not _COOKIE_VALUE.fullmatch(cookie):
        return None
    try:
        return _signer(key).unsign(cookie).decode()
    except BadSignature:
        return None


def resume(sessions: Sessions, key: bytes, cookie: str | None, now: int, limits: Limits) -> Resumed:
    """The logged-in session of a request's cookie, if any. A stored session past a limit, or opened
    under another ops key, is deleted here and reported in `ended`. One GetItem; one conditional
    UpdateItem when `last_seen` is a minute old or more."""
    session_id = session_id_of(key, cookie)
    if session_id is None:
        return Resumed(None)
    hashed = session_hash(session_id)
    record = sessions.get(hashed)
    if record is None:
        return Resumed(None)
    ended = ""
    if not hmac.compare_digest(record.key_fingerprint, key_fingerprint(key)):
        ended = "key rotated"
    elif now - record.created_at >= limits.absolute_seconds:
        ended = "expired"
    elif now - record.last_seen >= limits.idle_seconds:
        ended = "idle"
    if ended:
        sessions.delete(hashed)
        return Resumed(None, ended)
    if now - record.last_seen >= TOUCH_EVERY_SECONDS:
        sessions.touch(hashed, now, record.last_seen)  # lost to a concurrent request: same effect
    return Resumed(session_id)


def close(sessions: Sessions, session_id: str) -> None:
    """Log out: the record goes, so the cookie (and any copy of it) opens nothing any more."""
    sessions.delete(session_hash(session_id))


def csrf_token(key: bytes, session_id: str) -> str:
    """64 hex characters every form of this session carries."""
    return hmac.new(key, f"csrf:{session_id}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(key: bytes, session_id: str, token: str | None) -> bool:
    """True only for this session's token; any other value, of any bytes, is False."""
    if not token or not _CSRF.fullmatch(token):
        return False
    return hmac.compare_digest(csrf_token(key, session_id).encode(), token.encode())


def set_cookie_header(value: str, secure: bool, max_age: int) -> str:
    flags = "; Secure" if secure else ""
    return f"{COOKIE}={value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={max_age}{flags}"


def clear_cookie_header() -> str:
    return f"{COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0"


def read_cookie(header: str | None) -> str | None:
    """The console cookie's value in a Cookie header (the last one when sent twice), else None."""
    found = None
    for part in (header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            found = value
    return found
