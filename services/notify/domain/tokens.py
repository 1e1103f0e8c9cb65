"""Reply tokens: the `<token>` in reply+<token>@<reply domain>, one per invitation.

Layout (24 bytes, base32 lower case = 39 characters, so the address's local part stays well under
the 64-character limit and survives mail systems that change its case):
    10 bytes  invitation id (the raw bytes of its derived id)
     4 bytes  expiry, minutes since the Unix epoch
    10 bytes  HMAC-SHA256 over the above, truncated (80 bits: not guessable, not forgeable)
A token names exactly one invitation, cannot be altered without breaking the MAC, and is refused
after it expires. Who may use it (the invited volunteer's address) is checked by the caller.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

_ID_BYTES = 10
_MAC_BYTES = 10
_TOKEN = re.compile(r"^[a-z2-7]{39}$")
_ADDRESS = re.compile(r"^reply\+([a-z2-7]{39})@", re.IGNORECASE)


class BadToken(ValueError):
    """Forged, altered, malformed or expired: the reply changes nothing."""


class ExpiredToken(BadToken):
    """Genuine but past its expiry: the sender deserves a polite "this has closed"."""

    def __init__(self, invitation_id: str) -> None:
        super().__init__("expired")
        self.invitation_id = invitation_id


@dataclass(frozen=True)
class ReplyToken:
    invitation_id: str
    expires_at: datetime


def _id_bytes(invitation_id: str) -> bytes:
    prefix, _, body = invitation_id.partition("_")
    if prefix != "i":
        raise ValueError("not an invitation id")
    raw = base64.b32decode(body.upper() + "=" * (-len(body) % 8))
    if len(raw) != _ID_BYTES:
        raise ValueError("not an invitation id")
    return raw


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, b"tfc-reply-v1" + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def sign(invitation_id: str, expires_at: datetime, key: bytes) -> str:
    minutes = -int(-expires_at.timestamp() // 60)  # round up: never expire before the invitation
    payload = _id_bytes(invitation_id) + minutes.to_bytes(4, "big")
    return base64.b32encode(payload + _mac(key, payload)).decode().lower().rstrip("=")


def verify(token: str, key: bytes, now: datetime) -> ReplyToken:
    token = token.strip().lower()
    if not _TOKEN.match(token):
        raise BadToken("malformed")
    try:
        raw = base64.b32decode(token.upper() + "=" * (-len(token) % 8))
    except binascii.Error as exc:
        raise BadToken("malformed") from exc
    if base64.b32encode(raw).decode().lower().rstrip("=") != token:
        raise BadToken("malformed")  # non-canonical: the last character's spare bits were changed
    payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    if not hmac.compare_digest(mac, _mac(key, payload)):
        raise BadToken("signature does not match")
    expires_at = datetime.fromtimestamp(int.from_bytes(payload[_ID_BYTES:], "big") * 60, UTC)
    invitation_id = "i_" + base64.b32encode(payload[:_ID_BYTES]).decode().lower().rstrip("=")
    if expires_at <= now:
        raise ExpiredToken(invitation_id)
    return ReplyToken(invitation_id, expires_at)


def reply_address(token: str, domain: str) -> str:
    return f"reply+{token}@{domain}"


def token_from_address(address: str) -> str | None:
    match = _ADDRESS.match(address.strip().strip("<>"))
    return match.group(1).lower() if match else None
