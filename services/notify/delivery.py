"""Deliver a rendered message at most once per message key: one conditional write before the send.

The key names the person-visible message ("invitation:<id>:invite:email"), not the SQS record,
so redelivery, retries and concurrent consumers never send it twice. Before the provider call a
sending marker is written under the key (a conditional put, `attribute_not_exists`): the one
attempt that writes it sends; any other (a redelivery, a concurrent duplicate, a retry after a
crash) finds it and does not send. Only a refusal by the provider or a connection that never
reached it removes the marker, so the record's retry may send.

Powertools idempotency used to wrap the send as well (an in-progress record put before it, the
result written after it: two more writes per message). Nothing read the stored result, and the
marker alone already decides who sends, so each message costs one write instead of three.
Inbound replies that would repeat something go through Powertools (`once`: an SMS, an unclear
reply kept for staff, a thread's reply); a plain email yes or no does not, matching applies it once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError

from services.notify.adapters.email import send_email
from services.notify.adapters.sms import sms_sender
from services.notify.ratelimit import Throttled, TokenBucket, call_throttled, email_rate
from shared import caches
from shared.aws import client
from shared.observability import get_logger
from shared.settings import get_settings
from shared.storage.errors import ConditionFailed
from shared.storage.table import translated

KEEP_SECONDS = 30 * 24 * 3600  # longer than any retry window, and than an invitation's life

_log = get_logger("notify")
_lock = threading.Lock()
_bucket: TokenBucket | None = None
_once: Callable[..., Any] | None = None
_config = IdempotencyConfig(
    event_key_jmespath="key", expires_after_seconds=KEEP_SECONDS, raise_on_no_idempotency_key=True
)


def _send(delivery: dict[str, Any]) -> dict[str, Any]:
    """Send once per key: {"message_id": provider id} when this attempt sent, {"message_id": None,
    "outcome": "unknown"} when the marker was already there or the provider's answer was lost.

    The marker is written just before the provider call: an attempt that finds it knows an earlier
    one sent or may have (it died after the provider accepted), and does not send again (a missing
    message is better than a second one: the invitation expires and the next wave asks someone
    else). Raises the provider's refusal (a ClientError, throttling included) or a connection
    error after removing the marker, so the retry may send."""
    if not _mark_sending(delivery["key"]):
        _log.info(
            "already sent, or an earlier attempt may have: not sent again", extra={"message_key": delivery["key"]}
        )
        return {"message_id": None, "outcome": "unknown"}
    return _provider(delivery, lambda: _unmark_sending(delivery["key"]))


def _provider(delivery: dict[str, Any], release: Callable[[], None]) -> dict[str, Any]:
    """The provider call of a message whose guard this attempt holds; `release` gives the guard
    back when nothing was sent (a refusal, throttling, a connection that never reached it)."""
    try:
        if delivery["channel"] == "email":
            message = message_from_bytes(delivery["raw"].encode(), policy=policy.SMTP)
            _rate().acquire()
            return {"message_id": call_throttled(send_email, message)}
        sender = sms_sender()
        return {"message_id": call_throttled(sender.send, delivery["to"], delivery["text"], delivery["origination"])}
    except (ClientError, Throttled, EndpointConnectionError, ConnectTimeoutError):
        release()  # refused or never reached the provider: nothing was sent
        raise
    except Exception as exc:
        _log.warning(
            "send outcome unknown: recorded as sent, never repeated",
            extra={"message_key": delivery.get("key"), "error": type(exc).__name__},
        )
        return {"message_id": None, "outcome": "unknown"}


def _marker(key: str) -> dict[str, Any]:
    return {"id": {"S": f"tfc-notify-sending#{key}"}}


def _mark_sending(key: str) -> bool:
    expiration = int(time.time()) + KEEP_SECONDS
    try:
        with translated():
            client("dynamodb").put_item(
                TableName=get_settings().table("idempotency"),
                Item=_marker(key) | {"expiration": {"N": str(expiration)}},
                ConditionExpression="attribute_not_exists(id)",
            )
    except ConditionFailed:
        return False
    return True


def _unmark_sending(key: str) -> None:
    client("dynamodb").delete_item(TableName=get_settings().table("idempotency"), Key=_marker(key))


def _rate() -> TokenBucket:
    global _bucket
    with _lock:
        if _bucket is None:
            _bucket = TokenBucket(email_rate())
        return _bucket


@caches.register
def reset() -> None:
    """Forget the inbound idempotent wrapper (and its client) and the rate bucket: the endpoint or
    stage changed."""
    global _once, _bucket
    with _lock:
        _once = None
        _bucket = None


def register_context(context: Any) -> None:
    if context is not None:
        _config.register_lambda_context(context)


def deliver_email(key: str, raw: bytes) -> dict[str, Any]:
    return _send({"key": key, "channel": "email", "raw": raw.decode()})


def deliver_sms(key: str, to: str, text: str) -> dict[str, Any]:
    return _send({"key": key, "channel": "sms", "to": to, "text": text, "origination": get_settings().sms_origination})


def deliver_sms_claimed(to: str, text: str, release: Callable[[], None]) -> dict[str, Any]:
    """Send a text whose at-most-once guard the caller already won with its own conditional write
    (the first-text disclosure: the number's `disclosed` flag, claimed before the send), so no
    sending marker is written; `release` undoes the claim when nothing was sent."""
    return _provider({"channel": "sms", "to": to, "text": text, "origination": get_settings().sms_origination}, release)


def once(key: str, work: Callable[[], None]) -> None:
    """Run `work` once per key (inbound replies: one application per received message)."""
    _get_once()(request={"key": key}, work=work)


def _get_once() -> Callable[..., Any]:
    global _once
    with _lock:
        if _once is None:
            store = DynamoDBPersistenceLayer(
                table_name=get_settings().table("idempotency"), boto3_client=client("dynamodb")
            )

            def run(request: dict[str, Any], work: Callable[[], None]) -> dict[str, bool]:
                work()
                return {"done": True}

            _once = idempotent_function(
                data_keyword_argument="request", persistence_store=store, config=_config, key_prefix="tfc-notify-once"
            )(run)
        return _once
