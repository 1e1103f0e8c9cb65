"""The one way a service consumes an SQS batch: parse each record's versioned event, hand it to
the handler its consumer's dispatch table names for its class, and report only the failed records
back (partial batch failure), with the correlation id bound.

A batch whose every record failed raises (Powertools does), so Lambda backs off. Handlers must be
idempotent on a business key: SQS delivers at least once. Each failed record is logged (a warning
with its message id, receive count and the error's type, never its text, which can quote an
address): a record on its way to the dead-letter queue leaves a trail of why. An event of a
(type, version) the queue does not carry, or one no handler is listed for, is such a failed record
(its tag is logged): during a rollout a consumer that knows it may take it on a later receive.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from shared.events import Event, UnknownEvent, parse, tag_of
from shared.observability import correlation

# A consumer's dispatch table: {event class: its handler}. One lookup by the parsed class, so a V2
# of an event is routed apart from its V1 and a forgotten event fails loudly instead of silently.
Routes = Mapping[type[Event], Callable[[Any], None]]

# The `<type>.v<version>` of the event this thread is handling (None between records): read by
# the pipeline bench, which counts each AWS call by the event it served.
HANDLING: ContextVar[str | None] = ContextVar("tfc_handling", default=None)


class Unrouted(LookupError):
    """An event the queue carries but its consumer lists no handler for."""


def route(routes: Routes, event: Event) -> None:
    """Call the handler `routes` names for the event's class; raises Unrouted when there is none."""
    handler = routes.get(type(event))
    if handler is None:
        raise Unrouted(f"no handler for {tag_of(event)}")
    handler(event)


def _log_failure(logger: Logger, record: SQSRecord, exc: Exception) -> None:
    extra = {
        "message_id": record.message_id,
        "receive_count": record.attributes.approximate_receive_count,
        "error": type(exc).__name__,
    }
    if isinstance(exc, UnknownEvent | Unrouted):  # their text names only schemas, never a person
        extra["detail"] = str(exc)
    logger.warning("record failed: SQS delivers it again after the visibility timeout", extra=extra)


def consume(event: dict[str, Any], context: Any, *, queue: str, logger: Logger, routes: Routes) -> dict[str, Any]:
    """Handle one SQS batch of `queue`'s events by `routes`; returns the Lambda partial batch
    response ({"batchItemFailures": [...]}) and raises BatchProcessingError when every record failed."""

    def record_handler(record: SQSRecord) -> None:
        try:
            parsed = parse(queue, record.body)
            with correlation(logger, parsed.correlation_id):
                logger.info(
                    "handling event",
                    extra={
                        "event_type": tag_of(parsed),
                        "event_id": parsed.event_id,
                        "message_id": record.message_id,
                    },
                )
                token = HANDLING.set(tag_of(parsed))
                try:
                    route(routes, parsed)
                finally:
                    HANDLING.reset(token)
        except Exception as exc:
            _log_failure(logger, record, exc)
            raise

    response = process_partial_response(
        event=event, record_handler=record_handler, processor=BatchProcessor(event_type=EventType.SQS), context=context
    )
    return dict(response)  # {"batchItemFailures": [{"itemIdentifier": message id}, ...]}


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

    response = process_partial_response(
        event=event, record_handler=record_handler, processor=BatchProcessor(event_type=EventType.SQS), context=context
    )
    return dict(response)  # {"batchItemFailures": [{"itemIdentifier": message id}, ...]}
