"""Build outbound MIME messages and read inbound ones (stdlib `email`, policy.default)."""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import formataddr, getaddresses, make_msgid, parseaddr

from services.notify.domain.messages import Content


def _one_line(text: str) -> str:
    return " ".join(text.split())


def build(
    content: Content,
    *,
    sender: str,
    to: list[tuple[str, str]],
    reply_to: str | None,
    unsubscribe_url: str | None,
    unsubscribe_mailto: str | None,
    message_key: str,
) -> EmailMessage:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    msg["To"] = ", ".join(formataddr((_one_line(name), addr)) for name, addr in to)
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Subject"] = _one_line(content.subject)
    msg["Message-ID"] = make_msgid(idstring=message_key.replace(":", "."), domain=sender.rsplit("@", 1)[-1].strip(">"))
    msg["X-TFC-Message-Key"] = message_key
    if unsubscribe_url:
        targets = [f"<{unsubscribe_url}>"] + ([f"<mailto:{unsubscribe_mailto}>"] if unsubscribe_mailto else [])
        msg["List-Unsubscribe"] = ", ".join(targets)
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    msg.set_content(content.text)
    msg.add_alternative(content.html, subtype="html")
    return msg


# Out-of-office replies from clients that set no header: the subject prefixes their autoresponders
# write (Exchange/Outlook "Automatic reply:", Gmail/others "Out of Office:", "Auto Response:", and
# the same in the languages we read), optionally in brackets ("[Auto-Reply]").
_AUTO_SUBJECT = re.compile(
    r"^\W*(automatic reply|auto[- ]?reply|auto[- ]?response|autoresponse|automated (reply|response)|"
    r"out of (the )?office|ooo\b|abwesenheitsnotiz|abwesend|automatische antwort|"
    r"r[ée]ponse automatique|absence du bureau|respuesta autom[áa]tica|fuera de la oficina|"
    r"resposta autom[áa]tica|ausente do escrit[óo]rio|risposta automatica|fuori (sede|ufficio)|"
    r"automatisch antwoord|afwezig|automatisch bericht|自動応答|自動返信|自动回复)",
    re.IGNORECASE,
)
# X-Mailer values of autoresponders that set no other header (vacation(1), procmail/maildrop rules).
_AUTO_MAILER = re.compile(r"\b(vacation|autoresponder|auto-?reply|autorespond)\b", re.IGNORECASE)
# Delivery status notifications that are not multipart/report (Exim, qmail, old Sendmail).
_DSN_SENDER = re.compile(r"^(mailer-daemon|postmaster|mail delivery (system|subsystem))\b", re.IGNORECASE)
_DSN_SUBJECT = re.compile(
    r"^\W*(undeliverable|undelivered mail|delivery status notification|mail delivery failed|returned mail|"
    r"delivery failure|failure notice|non[- ]?remis|unzustellbar|no se puede entregar)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Inbound:
    sender: str  # the bare address, lower case
    recipients: list[str]
    subject: str
    text: str  # the best plain-text rendering of the body
    auto_submitted: bool  # an auto-reply or a bounce: never an answer
    bounce: bool = False  # a delivery status notification
    bounced: tuple[str, ...] = ()  # addresses it says failed permanently (5.x.x), lower case


def _headers(msg: Message) -> dict[str, str]:
    """Each header's first value, unparsed and unfolded, by lower-case name. The default policy
    parses a header anew on every `msg.get` (most of a reply's reading time went there), and these
    checks need only plain text; the subject is decoded from RFC 2047."""
    found: dict[str, str] = {}
    for name, value in msg.raw_items():
        found.setdefault(name.lower(), " ".join(str(value).split()))
    if "subject" in found:
        with suppress(HeaderParseError, LookupError, UnicodeDecodeError):  # else read as written
            found["subject"] = str(make_header(decode_header(found["subject"])))
    return found


def is_auto_reply(headers: dict[str, str]) -> bool:
    """RFC 3834 Auto-Submitted (anything but "no"), the vendor headers X-Autoreply / X-Autorespond,
    Precedence / X-Precedence auto_reply, bulk or junk, an autoresponder's X-Mailer, or an
    autoresponder's subject prefix. `X-Auto-Response-Suppress` is NOT one: Exchange and Office 365
    stamp it on ordinary human mail to ask others not to auto-reply (MS-OXCMAIL 2.2.3.2.14).
    `headers`: lower-case name -> value (see _headers)."""
    precedence = {headers.get(h, "").strip().lower() for h in ("precedence", "x-precedence")}
    return bool(
        headers.get("auto-submitted", "no").strip().lower() not in ("", "no")
        or headers.get("x-autoreply")
        or headers.get("x-autorespond")
        or precedence & {"auto_reply", "auto-reply", "bulk", "junk"}
        or _AUTO_MAILER.search(headers.get("x-mailer", ""))
        or _AUTO_SUBJECT.match(headers.get("subject", ""))
    )


def delivery_failure(msg: Message, headers: dict[str, str]) -> tuple[bool, tuple[str, ...]]:
    """(is a DSN, the addresses it reports as permanently failed). RFC 3464 multipart/report with
    message/delivery-status (Action: failed, Status: 5.x.x), or a mailer-daemon's bounce (or an
    Exim-style X-Failed-Recipients header) with a bounce's subject."""
    report = msg.get_content_type() == "multipart/report" and msg.get_param("report-type") == "delivery-status"
    display, address = parseaddr(headers.get("from", ""))
    subject = _DSN_SUBJECT.match(headers.get("subject", ""))
    daemon = bool(_DSN_SENDER.match(address) or _DSN_SENDER.match(display) or headers.get("x-failed-recipients"))
    if not (report or (daemon and subject)):
        return False, ()
    failed: list[str] = [a.lower() for _, a in getaddresses([headers.get("x-failed-recipients", "")]) if a]
    for part in msg.walk() if report else []:
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        for block in blocks if isinstance(blocks, list) else []:
            if not isinstance(block, Message):
                continue
            recipient = str(block.get("Final-Recipient", "")).split(";")[-1].strip().strip("<>").lower()
            permanent = str(block.get("Status", "")).startswith("5")  # RFC 3463: 5.x.x is permanent
            if recipient and str(block.get("Action", "")).lower() == "failed" and permanent:
                failed.append(recipient)
    return True, tuple(dict.fromkeys(failed))


def parse(raw: bytes) -> Inbound:
    # compat32: headers stay plain strings and bodies plain payloads, about three times faster to
    # read than policy.default's header objects and content manager; nothing here needs those.
    msg = BytesParser(policy=policy.compat32).parsebytes(raw)
    headers = _headers(msg)
    sender = parseaddr(headers.get("from", ""))[1].lower()
    recipients = [a.lower() for _, a in getaddresses([v for k, v in msg.raw_items() if k.lower() in ("to", "cc")])]
    bounce, bounced = delivery_failure(msg, headers)
    # Any other report (RFC 8098 read receipts, RFC 5965 abuse reports) is machine mail too.
    report = msg.get_content_type() == "multipart/report"
    return Inbound(
        sender=sender,
        recipients=recipients,
        subject=headers.get("subject", ""),
        text="" if bounce else _body_text(msg),  # a bounce quotes our mail: never read it as an answer
        auto_submitted=bounce or report or is_auto_reply(headers),
        bounce=bounce,
        bounced=bounced,
    )


def _body_text(msg: Message) -> str:
    """The text/plain part (else the text/html one, as text) that is not an attachment, decoded
    from its transfer encoding and charset (an unknown charset is read as UTF-8, bad bytes
    replaced), as `EmailMessage.get_body(("plain", "html"))` would choose it."""
    found: dict[str, Message] = {}
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        if str(part.get("Content-Disposition", "")).strip().lower().startswith("attachment"):
            continue
        found.setdefault(part.get_content_subtype(), part)
    chosen = found.get("plain") or found.get("html")
    if chosen is None:
        return ""
    payload = chosen.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    charset = chosen.get_content_charset() or "utf-8"
    try:
        content = data.decode(charset, errors="replace")
    except LookupError:
        content = data.decode("utf-8", errors="replace")
    if chosen.get_content_subtype() == "html":
        from services.notify.domain.replies import html_to_text

        return html_to_text(content)
    return content
