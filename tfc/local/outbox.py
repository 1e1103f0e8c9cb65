"""Everything the system sent through the emulator's SES and SNS, oldest first.

The emulator keeps sent mail and texts but not when they were sent; the local runtime swaps in
containers that stamp each message as it arrives (local-only instrumentation of the emulator).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import UTC, datetime
from email import message_from_string, policy
from email.utils import getaddresses
from typing import Any

_lock = threading.Lock()
_journal: list[dict[str, Any]] = []


def _stamp(entry: dict[str, Any]) -> None:
    with _lock:
        entry["sent_at"] = datetime.now(UTC).isoformat()
        _journal.append(entry)


class _RecordingMail(list):
    def append(self, message: Any) -> None:
        super().append(message)
        _stamp({"channel": "email", "raw": getattr(message, "raw_data", None), "message": message})


class _RecordingSms(OrderedDict):
    origination = ""

    def __setitem__(self, key: str, value: tuple[str, str]) -> None:
        super().__setitem__(key, value)
        _stamp({"channel": "sms", "message_id": key, "to": value[0], "text": value[1], "from": self.origination})


def install(account_id: str, region: str, sms_origination: str) -> None:
    from moto.ses.models import ses_backends
    from moto.sns.models import sns_backends

    ses = ses_backends[account_id][region]
    if not isinstance(ses.sent_messages, _RecordingMail):
        ses.sent_messages = _RecordingMail(ses.sent_messages)
    sns = sns_backends[account_id][region]
    if not isinstance(sns.sms_messages, _RecordingSms):
        recorder = _RecordingSms(sns.sms_messages)
        recorder.origination = sms_origination
        sns.sms_messages = recorder
    clear()


def clear() -> None:
    with _lock:
        _journal.clear()


def _email_view(entry: dict[str, Any]) -> dict[str, Any]:
    message = entry["message"]
    if entry["raw"] is None:  # SES Simple content (not used by notify, but shown if sent)
        return {
            "channel": "email",
            "to": ", ".join(message.destinations.get("ToAddresses", [])),
            "from": message.source,
            "reply_to": None,
            "subject": message.subject,
            "text": message.body,
            "sent_at": entry["sent_at"],
            "message_id": message.id,
        }
    parsed = message_from_string(entry["raw"], policy=policy.default)
    body = parsed.get_body(preferencelist=("plain",))
    recipients = [addr for _, addr in getaddresses([str(v) for v in parsed.get_all("To", [])])]
    reply_to = parsed.get("Reply-To")
    return {
        "channel": "email",
        "to": ", ".join(recipients),
        "from": str(parsed.get("From", "")),
        "reply_to": str(reply_to) if reply_to else None,
        "subject": str(parsed.get("Subject", "")),
        "text": body.get_content() if body is not None else "",
        "sent_at": entry["sent_at"],
        "message_id": message.id,
        "message_key": parsed.get("X-TFC-Message-Key"),
        "list_unsubscribe": parsed.get("List-Unsubscribe"),
    }


def _view(entry: dict[str, Any]) -> dict[str, Any]:
    if "view" not in entry:  # parsed once, then served from memory
        if entry["channel"] == "email":
            entry["view"] = _email_view(entry)
        else:
            entry["view"] = {
                "channel": "sms",
                "to": entry["to"],
                "from": entry["from"],
                "reply_to": None,
                "subject": None,
                "text": entry["text"],
                "sent_at": entry["sent_at"],
                "message_id": entry["message_id"],
            }
    return entry["view"]


def messages(after: int = 0) -> list[dict[str, Any]]:
    """Messages in the order they were sent, skipping the first `after` (for incremental reads)."""
    with _lock:
        entries = _journal[max(after, 0) :]
    return [_view(e) for e in entries]
