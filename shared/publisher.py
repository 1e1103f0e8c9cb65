"""Put versioned events on the queues. Services never call each other: they publish here."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from shared import caches
from shared.aws import client
from shared.events import QUEUE_EVENTS, Event, dump, tag_of
from shared.settings import get_settings

_urls: dict[str, str] = {}
_lock = threading.Lock()


def queue_url(queue: str) -> str:
    name = get_settings().queue(queue)
    with _lock:
        if name not in _urls:
            _urls[name] = client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
        return _urls[name]


@caches.register
def reset_queue_urls() -> None:
    with _lock:
        _urls.clear()


def publish(queue: str, events: Sequence[Event]) -> None:
    """Send events (in batches of 10); raises if any is refused, so the caller's record retries."""
    schemas = QUEUE_EVENTS[queue]
    for event in events:
        schemas.validate_python(event)  # only this queue's schemas may go on it (UnknownEvent otherwise)
    url = queue_url(queue)
    sqs = client("sqs")
    for start in range(0, len(events), 10):
        chunk = events[start : start + 10]
        result = sqs.send_message_batch(
            QueueUrl=url,
            Entries=[
                {
                    "Id": str(i),
                    "MessageBody": dump(e),
                    "MessageAttributes": {
                        "type": {"DataType": "String", "StringValue": str(tag_of(e))},
                        "correlation_id": {"DataType": "String", "StringValue": e.correlation_id},
                    },
                }
                for i, e in enumerate(chunk)
            ],
        )
        if result.get("Failed"):
            codes = sorted({f.get("Code", "?") for f in result["Failed"]})
            raise RuntimeError(f"SQS refused {len(result['Failed'])} of {len(chunk)} events: {codes}")
