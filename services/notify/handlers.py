"""Notify's Lambda handlers: thin adapters from SQS to the sender and the inbox."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from services.notify import delivery
from services.notify.inbound import Inbox
from services.notify.sending import Sender
from shared.aws import client
from shared.batch import consume, consume_raw
from shared.events import Event, dump
from shared.models import utcnow
from shared.observability import get_logger
from shared.publisher import publish, queue_url
from shared.settings import get_settings
from shared.storage import main_store
from shared.storage.contact import contact_state

logger = get_logger("notify")


def defer(event: Event, delay_seconds: int) -> None:
    """Put an event back on the notify queue, invisible for a while (a text in quiet hours)."""
    client("sqs").send_message(
        QueueUrl=queue_url("notify"), MessageBody=dump(event), DelaySeconds=min(900, max(0, delay_seconds))
    )


def on_send(event: dict[str, Any], context: Any) -> dict[str, Any]:
    delivery.register_context(context)
    sender = Sender(main_store(), get_settings(), logger, contact_state(), defer)
    return consume(event, context, queue="notify", logger=logger, handle=sender.handle)


def on_inbound(event: dict[str, Any], context: Any) -> dict[str, Any]:
    delivery.register_context(context)
    inbox = Inbox(main_store(), publish, logger, contact_state(), get_settings())

    def handle(record: SQSRecord) -> None:
        inbox.handle(record.body, utcnow(), record.message_id)

    return consume_raw(event, context, logger=logger, handle=handle)
