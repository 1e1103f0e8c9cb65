"""Deliver a rendered message at most once per message key (Powertools idempotency).

The key names the person-visible message ("invitation:<id>:invite:email"), not the SQS record,
so redelivery, retries and concurrent consumers never send it twice. While a send is in flight
its record is INPROGRESS (a concurrent duplicate fails and retries later); if the function dies
mid-send the record expires with the Lambda's remaining time and the message is retried.
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
_deliver: Callable[..., dict[str, Any]] | None = None
_once: Callable[..., Any] | None = None
_config = IdempotencyConfig(
    event_key_jmespath="key", expires_after_seconds=KEEP_SECONDS, raise_on_no_idempotency_key=True
)


def _send(delivery: dict[str, Any]) -> dict[str, Any]:
    """Runs only for a key not yet delivered (Powertools idempotency), at most once per key.

    Powertools retries a key whose attempt died before recording success (its in-progress record
    expires with the function's time, or is deleted on an exception), which would send a second
    copy whenever the provider had already accepted the first. So a marker is written, once, just
    before the provider call: an attempt that finds it knows an earlier one may have sent, and
    records the outcome as unknown instead of sending again (a missing message is better than a
    second one: the invitation expires and the next wave asks someone else). Only a refusal by the
    provider (a ClientError, throttling included) or a connection that never reached it removes
    the marker, so the retry may send."""
    if not _mark_sending(delivery["key"]):
        _log.warning("an earlier attempt may have sent this: not sent again", extra={"message_key": delivery["key"]})
        return {"message_id": None, "outcome": "unknown"}
    try:
        if delivery["channel"] == "email":
            message = message_from_bytes(delivery["raw"].encode(), policy=policy.SMTP)
            _rate().acquire()
            return {"message_id": call_throttled(send_email, message)}
        sender = sms_sender()
        return {"message_id": call_throttled(sender.send, delivery["to"], delivery["text"], delivery["origination"])}
    except (ClientError, Throttled, EndpointConnectionError, ConnectTimeoutError):
        _unmark_sending(delivery["key"])  # refused or never reached the provider: nothing was sent
        raise
    except Exception as exc:
        _log.warning(
            "send outcome unknown: recorded as sent, never repeated",
            extra={"message_key": delivery["key"], "error": type(exc).__name__},
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


def _get() -> Callable[..., dict[str, Any]]:
    global _deliver
    with _lock:
        if _deliver is None:
            store = DynamoDBPersistenceLayer(
                table_name=get_settings().table("idempotency"), boto3_client=client("dynamodb")
            )
            _deliver = idempotent_function(
                data_keyword_argument="delivery",
                persistence_store=store,
                config=_config,
                key_prefix="tfc-notify-deliver",
            )(_send)
        return _deliver


@caches.register
def reset() -> None:
    """Forget both idempotent wrappers (and their clients): the endpoint or stage changed."""
    global _deliver, _once, _bucket
    with _lock:
        _deliver = None
        _once = None
        _bucket = None


def register_context(context: Any) -> None:
    if context is not None:
        _config.register_lambda_context(context)


def deliver_email(key: str, raw: bytes) -> dict[str, Any]:
    return _get()(delivery={"key": key, "channel": "email", "raw": raw.decode()})


def deliver_sms(key: str, to: str, text: str) -> dict[str, Any]:
    return _get()(
        delivery={"key": key, "channel": "sms", "to": to, "text": text, "origination": get_settings().sms_origination}
    )


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
