"""Identifiers: time-ordered (sortable by creation) and unguessable, like ULIDs."""

from __future__ import annotations

import base64
import hashlib
import os
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def _b32(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    chars = []
    for _ in range((len(data) * 8 + 4) // 5):
        chars.append(_ALPHABET[number & 31])
        number >>= 5
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    """`<prefix>_` + 48 bits of milliseconds + 80 random bits (26 chars)."""
    millis = int(time.time() * 1000).to_bytes(6, "big")
    return f"{prefix}_{_b32(millis + os.urandom(10))}"


def derived_id(prefix: str, *parts: str) -> str:
    """A deterministic id for a pair that may exist only once (a volunteer's invitation to a project)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()[:10]
    return f"{prefix}_{base64.b32encode(digest).decode().lower().rstrip('=')}"
