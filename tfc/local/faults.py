"""Fault injection for the local runtime: off unless a FaultPlan is given (`tfc bench chaos`, tests).

Two small hook points, nothing inside the services:
- AWS calls made by the handlers and the HTTP API (every client from shared.aws) get botocore
  event hooks. `before-send` answers some attempts with a 500/503, and some with the service's
  own throttling error in its own wire protocol (DynamoDB's ProvisionedThroughputExceeded, SES's
  Throttling, S3's SlowDown, ...): botocore's standard retry mode sees both exactly as it would see
  AWS's and retries them with jittered backoff, so a call fails only when every attempt was refused
  (`retries_exhausted:*` counts those). `before-call` can still fail a call outright as if retries
  were exhausted (`failed_call_rate`, for tests of that path). `after-call` raises after some
  successful calls, as if the function died after its write or send and before it recorded or
  published the next step.
- SQS deliveries (tfc/local/consumers.py) can be shuffled (out of order), handed to the handler
  twice (at-least-once duplicates), failed after the handler returned (a crash after all its work:
  the whole batch comes back), and a whole consumer can be down for a while.

Threads marked with `exempt_this_thread` (a bench's own driver thread, reading the state to
check it) see no faults; the HTTP API's request threads are exempt only when `http` is off.
Decisions come from one seeded generator: the rates and the seed are fixed, the exact
interleaving of threads is not.
"""

from __future__ import annotations

import functools
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import botocore.session
from botocore.awsrequest import AWSResponse

# Calls that only read: a crash "after" them proves nothing, so after-call crashes skip them.
_READS = ("Get", "Query", "Scan", "Describe", "List", "Receive", "BatchGet", "Head")


class InjectedCrash(RuntimeError):
    """The function 'died' here (raised by the fault layer, never by product code)."""


@dataclass(frozen=True)
class FaultPlan:
    seed: int = 0
    retried_error_rate: float = 0.0  # an attempt answered 500/503; botocore retries it
    throttle_rate: float = 0.0  # an attempt refused with the service's throttling error; retried
    failed_call_rate: float = 0.0  # the call fails outright (retries exhausted), nothing applied
    crash_after_call_rate: float = 0.0  # the call applied, then the function died
    duplicate_delivery_rate: float = 0.0  # an SQS batch handed to the handler twice
    crash_after_handler_rate: float = 0.0  # the handler finished, then died before SQS deleted
    shuffle: bool = False  # out-of-order deliveries within each batch
    outages: dict[str, tuple[float, float]] = field(default_factory=dict)  # function -> (start s, seconds)
    services: frozenset[str] = frozenset({"dynamodb", "sqs", "sesv2", "ses", "sns", "s3"})
    http: bool = False  # the HTTP API's own AWS calls get faults too (its clients retry)


class _Exempt(threading.local):
    active = False


_exempt = _Exempt()


def exempt_this_thread(exempt: bool = True) -> None:
    """Mark the current thread as outside the fault plan (a bench's driver), or back inside it."""
    _exempt.active = exempt


def this_thread_exempt() -> bool:
    """Whether the current thread is outside the fault plan (a driver's helper threads inherit it)."""
    return _exempt.active


class FaultInjector:
    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._random = random.Random(plan.seed)
        self._lock = threading.Lock()
        self.started = time.monotonic()
        self.counts: Counter[str] = Counter()
        self.enabled = True  # clients keep a copy of their hooks: disabling is how to heal

    def _roll(self, rate: float) -> bool:
        if rate <= 0 or _exempt.active or not self.enabled:
            return False
        with self._lock:
            return self._random.random() < rate

    def _count(self, kind: str) -> None:
        with self._lock:
            self.counts[kind] += 1

    @staticmethod
    def _operation(event_name: str) -> tuple[str, str]:
        parts = event_name.split(".")  # before-send.dynamodb.PutItem
        return (parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "")

    # --- botocore hooks -------------------------------------------------------------------

    def before_send(self, request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        service, _operation = self._operation(event_name)
        if service not in self.plan.services:
            return None
        if self._roll(self.plan.throttle_rate):
            self._count(f"throttled:{service}")
            status, headers, body = throttling_response(service)
            return AWSResponse(request.url, status, headers, _Body(body))
        if not self._roll(self.plan.retried_error_rate):
            return None
        self._count(f"retried_error:{service}")
        status = 503 if self._roll(0.5) else 500
        return AWSResponse(request.url, status, {}, _Body(b""))

    def before_call(self, event_name: str, **_: Any) -> tuple[Any, dict[str, Any]] | None:
        service, _operation = self._operation(event_name)
        if service not in self.plan.services or not self._roll(self.plan.failed_call_rate):
            return None
        self._count(f"failed_call:{service}")
        code = "ThrottlingException" if service != "dynamodb" else "ProvisionedThroughputExceededException"
        parsed = {
            "Error": {"Code": code, "Message": "injected fault"},
            "ResponseMetadata": {"HTTPStatusCode": 400, "MaxAttemptsReached": True},
        }
        return SimpleNamespace(status_code=400, headers={}), parsed

    def after_call(self, event_name: str, http_response: Any, parsed: Any = None, **_: Any) -> None:
        service, operation = self._operation(event_name)
        status = getattr(http_response, "status_code", 500)
        if status >= 300 and self.enabled and not _exempt.active:
            metadata = (parsed or {}).get("ResponseMetadata", {}) if isinstance(parsed, dict) else {}
            if metadata.get("MaxAttemptsReached"):  # botocore gave up: every attempt was refused
                self._count(f"retries_exhausted:{service}")
        if (
            service not in self.plan.services
            or operation.startswith(_READS)
            or status >= 300
            or not self._roll(self.plan.crash_after_call_rate)
        ):
            return
        self._count(f"crash_after_call:{service}")
        raise InjectedCrash(f"injected crash after {service}.{operation}")

    # --- SQS delivery hooks (consumers.py) ------------------------------------------------

    def order(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not self.plan.shuffle or len(messages) < 2:
            return messages
        shuffled = list(messages)
        with self._lock:
            self._random.shuffle(shuffled)
        self._count("shuffled_batch")
        return shuffled

    def duplicate(self) -> bool:
        if self._roll(self.plan.duplicate_delivery_rate):
            self._count("duplicate_delivery")
            return True
        return False

    def crash_after_handler(self) -> None:
        if self._roll(self.plan.crash_after_handler_rate):
            self._count("crash_after_handler")
            raise InjectedCrash("injected crash after the handler returned")

    def down(self, function_name: str) -> bool:
        if not self.enabled:
            return False
        window = self.plan.outages.get(function_name)
        if window is None:
            return False
        start, seconds = window
        elapsed = time.monotonic() - self.started
        return start <= elapsed < start + seconds


# Each service's throttling refusal in its own wire protocol, so that botocore parses the error
# code and its standard retry mode classifies it as throttling (botocore/retries/standard.py,
# ThrottledRetryableChecker), exactly as with a refusal from AWS.
_THROTTLE_CODES = {
    "dynamodb": "ProvisionedThroughputExceededException",
    "s3": "SlowDown",
    "sesv2": "TooManyRequestsException",
}


@functools.cache
def _protocol(service: str) -> str:
    return str(botocore.session.get_session().get_service_model(service).protocol)


def throttling_response(service: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of `service`'s throttling error, in the service's protocol."""
    code = _THROTTLE_CODES.get(service, "ThrottlingException" if _protocol(service) == "json" else "Throttling")
    message = "Rate exceeded (injected fault)"
    headers = {"x-amzn-RequestId": "injected-fault"}
    protocol = _protocol(service)
    if protocol == "json":
        body = json.dumps({"__type": f"com.amazonaws.{service}#{code}", "message": message})
        return 400, headers | {"Content-Type": "application/x-amz-json-1.0"}, body.encode()
    if protocol == "rest-json":
        body = json.dumps({"message": message})
        return 429, headers | {"x-amzn-ErrorType": code, "Content-Type": "application/json"}, body.encode()
    if protocol == "rest-xml":  # S3 answers SlowDown with a 503
        return 503, headers, f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
    body = (  # query: SES v1, SNS
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        "<RequestId>injected-fault</RequestId></ErrorResponse>"
    )
    return 400, headers | {"Content-Type": "text/xml"}, body.encode()


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


_active: FaultInjector | None = None


def install(plan: FaultPlan) -> FaultInjector:
    """Hook the plan into every shared.aws client and the SQS pollers; `uninstall` undoes it."""
    global _active
    from shared import aws

    injector = FaultInjector(plan)
    aws.register_hook("before-send", injector.before_send)
    aws.register_hook("before-call", injector.before_call)
    aws.register_hook("after-call", injector.after_call)
    _active = injector
    return injector


def uninstall() -> None:
    global _active
    from shared import aws

    if _active is not None:
        _active.enabled = False
    aws.clear_hooks()
    _active = None


def active() -> FaultInjector | None:
    return _active
