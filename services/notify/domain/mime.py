"""Build outbound MIME messages and read inbound ones (stdlib `email`, policy.default)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
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


# Out-of-office replies from clients that set no header, in the languages of the corpus.
_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|autoreply|out of (the )?office|abwesenheitsnotiz|"
    r"réponse automatique|respuesta automática|resposta automática|risposta automatica)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Inbound:
    sender: str  # the bare address, lower case
    recipients: list[str]
    subject: str
    text: str  # the best plain-text rendering of the body
    auto_submitted: bool


def parse(raw: bytes) -> Inbound:
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    sender = parseaddr(str(msg.get("From", "")))[1].lower()
    recipients = [a.lower() for _, a in getaddresses([str(v) for v in msg.get_all("To", []) + msg.get_all("Cc", [])])]
    auto = str(msg.get("Auto-Submitted", "no")).lower() not in ("", "no") or bool(
        msg.get("X-Autoreply")
        or msg.get("X-Autorespond")
        or msg.get("X-Auto-Response-Suppress")  # Exchange stamps its own automatic replies
        or str(msg.get("Precedence", "")).lower() in ("auto_reply", "bulk", "junk", "list")
        or _AUTO_SUBJECT.match(str(msg.get("Subject", "")))
    )
    return Inbound(
        sender=sender,
        recipients=recipients,
        subject=str(msg.get("Subject", "")),
        text=_body_text(msg),
        auto_submitted=auto,
    )


def _body_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_subtype() == "html":
        from services.notify.domain.replies import html_to_text

        return html_to_text(content)
    return content
