"""Structured logging with a correlation id carried across queue hops, and no personal data.

Every event on a queue carries `correlation_id`; handlers bind it for the record they process
(thread-safe, so the local runtime's concurrent consumers do not mix ids). Email addresses and
phone numbers are masked in case one ever reaches a log line: a filter masks the message, its
arguments, extra fields and a standard formatter's traceback text; Powertools' JSON formatter
writes the traceback (and a structured `stack_trace` holding the exception's own text) itself,
after every filter ran, so the services' loggers use a JSON formatter that masks what it writes.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone is never the tail of a hyphenated id (an SQS message id or a UUID ending in twelve digits).
_PHONE = re.compile(r"(?<![\w.])(?<!\w-)\+?\d[\d ().-]{8,}\d(?![\w.])")


def redact(text: str) -> str:
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", text))


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if record.exc_info and not record.exc_text:  # standard formatters print exc_text as given
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        for key, value in list(record.__dict__.items()):
            if isinstance(value, str) and key not in {"msg", "name", "levelname", "pathname"}:
                record.__dict__[key] = redact(value)
        return True


def _redact_values(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_values(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(str(value))  # an exception object (stack_trace.value), a datetime: as written


class RedactingJsonFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON log line with every string value masked, the traceback text, the exception
    value and its notes included (numbers are left alone: they are counts and times)."""

    def serialize(self, log: Any) -> str:
        return super().serialize(log=_redact_values(log))


def get_logger(service: str) -> Logger:
    # stderr, as Python's logging does by default: Lambda sends both streams to CloudWatch, and
    # locally a command's stdout stays its own output (`tfc demo --json` prints one JSON object).
    logger = Logger(
        service=service,
        use_rfc3339=True,
        logger_formatter=RedactingJsonFormatter(use_rfc3339=True),
        stream=sys.stderr,
    )
    # Powertools' Logger wraps the stdlib logger of its service name (shared by every instance).
    if not any(isinstance(f, RedactPersonalData) for f in logging.getLogger(logger.name).filters):
        logger.addFilter(RedactPersonalData())
    return logger


def new_correlation_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def correlation(logger: Logger, correlation_id: str | None) -> Iterator[str]:
    """Bind a correlation id to this thread's log lines for the duration of one unit of work."""
    cid = correlation_id or new_correlation_id()
    logger.thread_safe_append_keys(correlation_id=cid)
    try:
        yield cid
    finally:
        logger.thread_safe_remove_keys(["correlation_id"])
