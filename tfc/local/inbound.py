"""Deliver replies the way AWS would: email as SES receipt (raw MIME in S3, then the receipt
notification on the SNS topic), SMS as End User Messaging's two-way notification on its topic.
The emulator's SNS fans both out to the inbound queue, where the real handler picks them up."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from shared.aws import client
from shared.settings import get_settings
from tfc.local.standin import stands_in

PASS = {"status": "PASS"}


def _topic_arn(name: str) -> str:
    return client("sns").create_topic(Name=get_settings().topic(name))["TopicArn"]  # idempotent


@stands_in
def inject_email(
    sender: str, to: str, subject: str, text: str, raw: bytes | None = None, verdicts: dict[str, str] | None = None
) -> str:
    """Store the MIME in the inbound bucket and publish SES's receipt notification."""
    if raw is None:
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = format_datetime(datetime.now(UTC))
        msg["Message-ID"] = make_msgid(domain="mail.local")
        msg.set_content(text)
        raw = msg.as_bytes()
    settings = get_settings()
    message_id = uuid.uuid4().hex
    bucket = settings.bucket("inbound-mail")
    key = f"inbound/{message_id}"
    client("s3").put_object(Bucket=bucket, Key=key, Body=raw)
    verdict = {name: {"status": status} for name, status in (verdicts or {}).items()}
    notification: dict[str, Any] = {
        "notificationType": "Received",
        "mail": {
            "timestamp": datetime.now(UTC).isoformat(),
            "source": sender,
            "messageId": message_id,
            "destination": [to],
            "commonHeaders": {"from": [sender], "to": [to], "subject": subject},
        },
        "receipt": {
            "timestamp": datetime.now(UTC).isoformat(),
            "recipients": [to],
            "spamVerdict": PASS,
            "virusVerdict": PASS,
            "spfVerdict": PASS,
            "dkimVerdict": PASS,
            "dmarcVerdict": PASS,
            "action": {"type": "S3", "topicArn": _topic_arn("inbound-mail"), "bucketName": bucket, "objectKey": key},
        }
        | verdict,
    }
    client("sns").publish(
        TopicArn=_topic_arn("inbound-mail"),
        Message=json.dumps(notification),
        Subject="Amazon SES Email Receipt Notification",
    )
    return message_id


@stands_in
def inject_sms(sender: str, to: str, text: str) -> str:
    message_id = uuid.uuid4().hex
    client("sns").publish(
        TopicArn=_topic_arn("inbound-sms"),
        Message=json.dumps(
            {
                "originationNumber": sender,
                "destinationNumber": to,
                "messageKeyword": "KEYWORD",
                "messageBody": text,
                "inboundMessageId": message_id,
                "previousPublishedMessageId": "",
            }
        ),
    )
    return message_id
