"""Read one reply end to end: raw MIME (or a bare text body) -> the new text -> its intent.

The inbound handler and `tfc notify classify-reply` both call `read_message`, so what staff see
from the command is exactly what the handler decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.notify.domain import mime
from services.notify.domain.replies import Intent, classify

# A file that starts with header lines ("Name: value") is a message; anything else is a body.
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{0,76}:[ \t]")


@dataclass(frozen=True)
class Reading:
    intent: Intent
    reply_text: str  # the new text the intent was read from (quoted history removed)
    sender: str  # bare address, lower case ("" for a bare body)
    recipients: list[str]
    auto_reply: bool  # auto-replies (and bounces) are dropped whatever they say
    bounce: bool = False  # a delivery status notification: handled as a bounce, never an answer
    bounced: tuple[str, ...] = ()  # the addresses a bounce reports as permanently failed


def looks_like_mime(data: bytes) -> bool:
    first = data.lstrip(b"\r\n").split(b"\n", 1)[0]
    return bool(_HEADER_LINE.match(first))


def read_message(raw: bytes) -> Reading:
    mail = mime.parse(raw)
    intent, text = classify(mail.text)
    if mail.auto_submitted:
        intent = "unclear"  # never an answer: the handler drops it before looking at intent
    return Reading(intent, text, mail.sender, mail.recipients, mail.auto_submitted, mail.bounce, mail.bounced)


def read_body(body: str) -> Reading:
    intent, text = classify(body)
    return Reading(intent, text, "", [], False)


def read_any(data: bytes) -> Reading:
    """A raw message if it has headers, else a plain-text body (UTF-8, bad bytes replaced)."""
    if looks_like_mime(data):
        return read_message(data)
    return read_body(data.decode("utf-8", errors="replace"))
