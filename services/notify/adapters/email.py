"""Send email through Amazon SES v2 (raw MIME, so List-Unsubscribe and Reply-To go as built)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import getaddresses

from shared.aws import client


def send_email(message: EmailMessage) -> str:
    recipients = [addr for _, addr in getaddresses([str(v) for v in message.get_all("To", [])])]
    response = client("sesv2").send_email(
        FromEmailAddress=str(message["From"]),
        Destination={"ToAddresses": recipients},
        Content={"Raw": {"Data": message.as_bytes()}},
    )
    return response["MessageId"]
