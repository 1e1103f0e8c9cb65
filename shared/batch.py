"""The one way a service consumes an SQS batch: parse each record's versioned event, handle it,
and report only the failed records back (partial batch failure), with the correlation id bound.

A batch whose every record failed raises (Powertools does), so Lambda backs off. Handlers must be
idempotent on a business key: SQS delivers at least once. Each failed record is logged (a warning
with its message id, receive count and the error's type, never its text, which can quote an
address): a record on its way to the dead-letter queue leaves a trail of why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from shared.events import Event, parse
from shared.observability import correlation


def _log_failure(logger: Logger, record: SQSRecord, exc: Exception) -> None:
    logger.warning(
        "record failed: SQS delivers it again after the visibility timeout",
        extra={
            "message_id": record.message_id,
            "receive_count": record.attributes.approximate_receive_count,
            "error": type(exc).__name__,
        },
    )


def consume(
    event: dict[str, Any], context: Any, *, queue: str, logger: Logger, handle: Callable[[Event], None]
) -> dict[str, Any]:
    def record_handler(record: SQSRecord) -> None:
        try:
            parsed = parse(queue, record.body)
            with correlation(logger, parsed.correlation_id):
                logger.info(
                    "handling event",
                    extra={
                        "event_type": getattr(parsed, "type", "?"),
                        "event_id": parsed.event_id,
                        "message_id": record.message_id,
                    },
                )
                handle(parsed)
        except Exception as exc:
            _log_failure(logger, record, exc)
            raise

    return process_partial_response(
        event=event, record_handler=record_handler, processor=BatchProcessor(event_type=EventType.SQS), context=context
    )


def consume_raw(
    event: dict[str, Any], context: Any, *, logger: Logger, handle: Callable[[SQSRecord], None]
) -> dict[str, Any]:
    """For queues fed by AWS itself (SNS notifications), whose bodies are not our events."""

    def record_handler(record: SQSRecord) -> None:
        with correlation(logger, record.message_id):
            try:
                handle(record)
            except Exception as exc:
                _log_failure(logger, record, exc)
                raise

    return process_partial_response(
        event=event, record_handler=record_handler, processor=BatchProcessor(event_type=EventType.SQS), context=context
    )
