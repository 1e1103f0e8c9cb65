"""SMS behind one small interface.

Production uses AWS End User Messaging SMS (pinpoint-sms-voice-v2: two-way, registered 10DLC
origination numbers, inbound to an SNS topic). The embedded emulator lacks that API, so locally
(and wherever TFC_SMS_ADAPTER=sns) texts go through SNS Publish to a phone number instead.
"""

from __future__ import annotations

import os
from typing import Protocol

from shared.aws import client


class SmsSender(Protocol):
    def send(self, to: str, text: str, origination: str) -> str: ...


class SnsSms:
    def send(self, to: str, text: str, origination: str) -> str:
        response = client("sns").publish(
            PhoneNumber=to,
            Message=text,
            MessageAttributes={
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                "AWS.MM.SMS.OriginationNumber": {"DataType": "String", "StringValue": origination},
            },
        )
        return response["MessageId"]


class EndUserMessagingSms:
    def send(self, to: str, text: str, origination: str) -> str:
        response = client("pinpoint-sms-voice-v2").send_text_message(
            DestinationPhoneNumber=to, OriginationIdentity=origination, MessageBody=text, MessageType="TRANSACTIONAL"
        )
        return response["MessageId"]


def sms_sender() -> SmsSender:
    return SnsSms() if os.environ.get("TFC_SMS_ADAPTER", "eum") == "sns" else EndUserMessagingSms()
