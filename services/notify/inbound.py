"""Inbound: replies by email (SES receipt -> S3 -> SNS -> SQS) and by SMS (two-way SMS -> SNS
-> SQS), checked, classified, and passed to matching as answers. Applied once per message.

A reply counts only if its token is genuine and unexpired and it comes from the invited
volunteer's own address; anything else changes nothing and is logged without the address.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from services.notify import delivery
from services.notify.domain import mime
from services.notify.domain.replies import classify
from services.notify.domain.tokens import BadToken, ExpiredToken, token_from_address, verify
from shared.aws import client
from shared.events import AnswerOutcomeV1, Event, InvitationAnsweredV1, ReplyAcknowledgedV1
from shared.models import email_hash
from shared.secrets import get_secret
from shared.storage import Store

Publish = Callable[[str, Sequence[Event]], None]
_VERDICTS = ("spamVerdict", "virusVerdict", "spfVerdict", "dkimVerdict", "dmarcVerdict")


class Inbox:
    def __init__(self, store: Store, publish: Publish, logger: Logger) -> None:
        self.store = store
        self.publish = publish
        self.log = logger

    def handle(self, sqs_body: str, now: datetime, correlation_id: str) -> None:
        envelope = json.loads(sqs_body)
        message = json.loads(envelope["Message"]) if "Message" in envelope else envelope
        if message.get("notificationType") == "Received":
            key = f"inbound:email:{message['mail']['messageId']}"
            delivery.once(key, lambda: self.email(message, now, correlation_id))
        elif "originationNumber" in message:
            key = f"inbound:sms:{message.get('inboundMessageId') or envelope.get('MessageId')}"
            delivery.once(key, lambda: self.sms(message, now, correlation_id))
        else:
            self.log.warning("unknown inbound notification; dropped", extra={"keys": sorted(message)[:10]})

    # --- email ------------------------------------------------------------------------------

    def email(self, notification: dict[str, Any], now: datetime, cid: str) -> None:
        receipt = notification["receipt"]
        failed = [v for v in _VERDICTS if receipt.get(v, {}).get("status") == "FAIL"]
        if failed:
            self.log.info("inbound mail dropped: verdict failed", extra={"verdicts": failed})
            return
        action = receipt["action"]
        raw = client("s3").get_object(Bucket=action["bucketName"], Key=action["objectKey"])["Body"].read()
        mail = mime.parse(raw)
        if mail.auto_submitted:
            self.log.info("inbound mail dropped: auto-reply")
            return
        tokens = [t for t in map(token_from_address, receipt.get("recipients", []) + mail.recipients) if t]
        if not tokens:
            self.log.info("inbound mail dropped: no reply token in its recipients")
            return
        self._apply(tokens[0], mail.sender, mail.text, "email", now, cid)

    def _apply(self, token: str, sender: str, text: str, channel: str, now: datetime, cid: str) -> None:
        key = get_secret("reply-token-key").encode()
        expired = False
        try:
            parsed = verify(token, key, now)
            invitation_id = parsed.invitation_id
        except ExpiredToken as exc:
            expired, invitation_id = True, exc.invitation_id
        except BadToken as exc:
            self.log.warning("reply refused: bad token", extra={"reason": str(exc)})
            return
        invitation = self.store.get_invitation(invitation_id)
        volunteer = self.store.get_volunteer(invitation.volunteer_id) if invitation else None
        if invitation is None or volunteer is None:
            self.log.warning("reply refused: invitation unknown", extra={"invitation_id": invitation_id})
            return
        if email_hash(sender) != volunteer.email_key:
            self.log.warning(
                "reply refused: sender is not the invited volunteer", extra={"invitation_id": invitation_id}
            )
            return
        intent, new_text = classify(text)
        self.log.info(
            "reply classified",
            extra={"invitation_id": invitation_id, "intent": intent, "channel": channel, "expired": expired},
        )
        if expired or invitation.status == "expired":
            if intent == "yes":
                self.publish(
                    "notify",
                    [
                        AnswerOutcomeV1(
                            correlation_id=cid,
                            invitation_id=invitation_id,
                            project_id=invitation.project_id,
                            outcome="expired",
                        )
                    ],
                )
            return
        if intent == "unclear":
            self.store.save_unclear_reply(invitation, channel, new_text, now)
            self.publish(
                "notify",
                [
                    ReplyAcknowledgedV1(
                        correlation_id=cid,
                        invitation_id=invitation_id,
                        project_id=invitation.project_id,
                        channel=channel,  # type: ignore[arg-type]
                    )
                ],
            )  # type: ignore[arg-type]
            return
        self.publish(
            "matching",
            [InvitationAnsweredV1(correlation_id=cid, invitation_id=invitation_id, answer=intent, channel=channel)],
        )  # type: ignore[arg-type]

    # --- sms --------------------------------------------------------------------------------

    def sms(self, message: dict[str, Any], now: datetime, cid: str) -> None:
        volunteer_id = self.store.volunteer_id_for_phone(message["originationNumber"])
        if volunteer_id is None:
            self.log.info("sms from an unknown number; dropped")
            return
        intent, _ = classify(message.get("messageBody", ""))
        open_invitations = sorted(
            (
                i
                for i in self.store.invitations_of_volunteer(volunteer_id)
                if i.status == "pending" and i.expires_at > now
            ),
            key=lambda i: i.created_at,
            reverse=True,
        )
        if not open_invitations:
            self.log.info("sms with no open invitation", extra={"volunteer_id": volunteer_id})
            return
        invitation = open_invitations[0]
        if intent == "unclear":
            self.store.save_unclear_reply(invitation, "sms", message.get("messageBody", ""), now)
            self.publish(
                "notify",
                [
                    ReplyAcknowledgedV1(
                        correlation_id=cid,
                        invitation_id=invitation.invitation_id,
                        project_id=invitation.project_id,
                        channel="sms",
                    )
                ],
            )
            return
        self.publish(
            "matching",
            [
                InvitationAnsweredV1(
                    correlation_id=cid, invitation_id=invitation.invitation_id, answer=intent, channel="sms"
                )
            ],
        )
