"""Unsubscribe links: `<public url>/unsubscribe/<token>`, the token naming one address's hash.

Shared because notify writes the link into every email and intake serves the route (services do
not import each other). Pure: no AWS. Layout (26 bytes, base32 lower case, 42 characters):
16 bytes of the address's hash (`shared.models.email_hash`) + 10 bytes of HMAC-SHA256 over it.
The key is the reply-token key, separated by its own prefix. Links do not expire: an old email's
link must still work (CAN-SPAM asks for at least 30 days).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from datetime import datetime
from typing import Protocol

_MAC_BYTES = 10
_TOKEN = re.compile(r"^[a-z2-7]{42}$")


class BadUnsubscribeToken(ValueError):
    pass


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, b"tfc-unsubscribe-v1" + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def sign(email_key: str, key: bytes) -> str:
    payload = bytes.fromhex(email_key)
    if len(payload) != 16:
        raise ValueError("email_key must be the 32-hex-digit hash from shared.models.email_hash")
    return base64.b32encode(payload + _mac(key, payload)).decode().lower().rstrip("=")


def verify(token: str, key: bytes) -> str:
    """The address hash the token names; raises BadUnsubscribeToken if forged or malformed."""
    token = token.strip().lower()
    if not _TOKEN.match(token):
        raise BadUnsubscribeToken("malformed")
    try:
        raw = base64.b32decode(token.upper() + "=" * (-len(token) % 8))
    except binascii.Error as exc:
        raise BadUnsubscribeToken("malformed") from exc
    payload, mac = raw[:16], raw[16:]
    if base64.b32encode(raw).decode().lower().rstrip("=") != token or not hmac.compare_digest(mac, _mac(key, payload)):
        raise BadUnsubscribeToken("signature does not match")
    return payload.hex()


def url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/unsubscribe/{token}"


class _Contacts(Protocol):
    def suppress(self, email_key: str, reason: str, now: datetime, volunteer_id: str | None) -> bool: ...


class _Volunteers(Protocol):
    def volunteer_id_for_email(self, email_key: str) -> str | None: ...


def apply(token: str, key: bytes, contacts: _Contacts, volunteers: _Volunteers, now: datetime) -> bool:
    """Honour an unsubscribe at once: the address goes on the suppression list (and a volunteer's
    `email_opt_out` is set, so they are not invited again). True if it was not already there.
    Raises BadUnsubscribeToken for a forged or malformed link."""
    email_key = verify(token, key)
    return contacts.suppress(email_key, "unsubscribe", now, volunteers.volunteer_id_for_email(email_key))
