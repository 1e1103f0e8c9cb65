"""Notify's Lambda handlers: thin adapters from SQS to the sender and the inbox."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from services.notify import delivery
from services.notify.inbound import Inbox
from services.notify.sending import Sender
from shared.batch import consume, consume_raw
from shared.models import utcnow
from shared.observability import get_logger
from shared.publisher import publish
from shared.settings import get_settings
from shared.storage import main_store

logger = get_logger("notify")


def on_send(event: dict[str, Any], context: Any) -> dict[str, Any]:
    delivery.register_context(context)
    sender = Sender(main_store(), get_settings(), logger)
    return consume(event, context, queue="notify", logger=logger, handle=sender.handle)


def on_inbound(event: dict[str, Any], context: Any) -> dict[str, Any]:
    delivery.register_context(context)
    inbox = Inbox(main_store(), publish, logger)

    def handle(record: SQSRecord) -> None:
        inbox.handle(record.body, utcnow(), record.message_id)

    return consume_raw(event, context, logger=logger, handle=handle)
