"""SQS event sources, as Lambda runs them: poll, hand the real handler a Lambda-shaped batch,
delete what succeeded, leave reported failures to reappear after the visibility timeout (and go
to the dead-letter queue after maxReceiveCount: the emulator redrives as SQS does).

Local runs compress time: with `time_scale` every function's timeout (the Lambda context's
remaining time, hence Powertools' in-progress expiry) and every queue's visibility timeout shrink
by the same factor, so visibility stays six times the function's timeout as in AWS, and a record
whose invocation died is redelivered only after any idempotency record it left in progress has
expired. A slow invocation on a loaded machine can still outlive its compressed timeout (Lambda
would have stopped it; here it runs on): the poller extends the batch's visibility while the
handler runs, so it is never handed to a second worker meanwhile, and counts the overrun
(`overran_timeout`), a sign the compression is too strong for the machine.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from shared.observability import RedactPersonalData
from shared.resources import Function
from tfc.local import faults
from tfc.local.invoke import invoke
from tfc.local.provision import ACCOUNT_ID

log = logging.getLogger("tfc.local")
log.addFilter(RedactPersonalData())  # tracebacks of failed batches can quote addresses (SES errors)


def lambda_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": value.get("BinaryValue"),
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value["DataType"],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


class SqsPoller(threading.Thread):
    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        function: Function,
        region: str,
        stop: threading.Event,
        stats: dict[str, int],
        worker: int = 0,
        time_scale: float = 1.0,
        trace: Trace | None = None,
    ) -> None:
        super().__init__(name=f"sqs-{function.name}-{worker}", daemon=True)
        self.sqs = sqs
        self.queue_url = queue_url
        self.function = function
        self.region = region
        self.stop_event = stop
        self.stats = stats
        name = queue_url.rsplit("/", 1)[-1]
        self.queue_arn = f"arn:aws:sqs:{region}:{ACCOUNT_ID}:{name}"
        self.visibility_timeout = 30
        self.time_scale = time_scale
        self.trace = trace
        self.delivering = False  # a batch is in the handler (simulated time reads it before asking SQS)

    def _read_visibility_timeout(self) -> None:
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["VisibilityTimeout"])
        self.visibility_timeout = int(attributes["Attributes"]["VisibilityTimeout"])

    def _keep_invisible(self, messages: list[dict[str, Any]], done: threading.Event) -> None:
        """Until `done`: push the batch's visibility out again at half the timeout."""
        entries = [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": self.visibility_timeout}
            for i, m in enumerate(messages)
        ]
        while not done.wait(self.visibility_timeout / 2):
            try:
                self.sqs.change_message_visibility_batch(QueueUrl=self.queue_url, Entries=entries)
            except Exception:  # the emulator is shutting down: the handler's outcome decides
                return

    def run(self) -> None:
        assert self.function.sqs is not None
        try:
            self._read_visibility_timeout()
        except Exception:
            log.exception("could not read the visibility timeout of %s", self.function.name)
        while not self.stop_event.is_set():
            injector = faults.active()
            if injector is not None and injector.down(self.function.name):
                self.stop_event.wait(0.5)  # the consumer is down: messages wait in the queue
                continue
            try:
                response = self.sqs.receive_message(
                    QueueUrl=self.queue_url,
                    MaxNumberOfMessages=self.function.sqs.batch_size,
                    WaitTimeSeconds=1,
                    AttributeNames=["All"],
                    MessageAttributeNames=["All"],
                )
            except Exception:  # the emulator is shutting down, or a transient fault
                if not self.stop_event.is_set():
                    log.exception("receive failed on %s", self.function.name)
                    time.sleep(0.5)
                continue
            messages = response.get("Messages", [])
            if messages:
                self.delivering = True
                try:
                    self._deliver(messages)
                finally:
                    self.delivering = False

    def _deliver(self, messages: list[dict[str, Any]]) -> None:
        injector = faults.active()
        if injector is not None:
            messages = injector.order(messages)
        first = sum(1 for m in messages if m.get("Attributes", {}).get("ApproximateReceiveCount") == "1")
        self._add("received_first", first)  # each message once (before any redrive): the count of messages
        event = {"Records": [lambda_record(m, self.queue_arn, self.region) for m in messages]}
        done = threading.Event()
        heartbeat = threading.Thread(target=self._keep_invisible, args=(messages, done), daemon=True)
        heartbeat.start()
        started = time.monotonic()
        try:
            result = invoke(self.function, event, self.region, self.time_scale) or {}
            if injector is not None:
                if injector.duplicate():  # SQS at-least-once: the same batch again
                    result = invoke(self.function, event, self.region, self.time_scale) or {}
                injector.crash_after_handler()
        except Exception as exc:
            # As in Lambda: an invocation error leaves the whole batch for a later receive.
            log.exception("%s failed its whole batch of %d", self.function.name, len(messages))
            self._add("batch_errors")
            self._record(messages, set(), type(exc).__name__)
            return
        finally:
            done.set()
            elapsed = time.monotonic() - started
            self._add("invocations")
            self._add("invocation_ms", int(elapsed * 1000))
            if elapsed > self.function.timeout_seconds * self.time_scale:
                self._add("overran_timeout")
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        self._record(messages, failed, None)
        succeeded = [m for m in messages if m["MessageId"] not in failed]
        self._add("processed", len(succeeded))
        self._add("failed", len(failed))
        if succeeded:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(succeeded)],
            )

    def _add(self, key: str, n: int = 1) -> None:
        with _stats_lock:
            self.stats[key] = self.stats.get(key, 0) + n

    def _record(self, messages: list[dict[str, Any]], failed: set[str], batch_error: str | None) -> None:
        if self.trace is None:
            return
        for m in messages:
            count = int(m.get("Attributes", {}).get("ApproximateReceiveCount", "0"))
            outcome = f"batch_error:{batch_error}" if batch_error else "failed" if m["MessageId"] in failed else "ok"
            self.trace.add(m["MessageId"], self.function.name, count, outcome, m.get("Body", ""))


_stats_lock = threading.Lock()


class Trace:
    """Every delivery of every message while a fault plan runs: when, to which function, its
    receive count and outcome ("ok", "failed" with the reason a handler logged, or a batch error).
    The chaos bench reads it to follow one message through the faulty run."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self.deliveries: dict[str, list[dict[str, Any]]] = {}
        self.bodies: dict[str, str] = {}
        self.reasons: dict[str, list[str]] = {}  # message id -> why each failed attempt failed

    def add(self, message_id: str, function: str, receive_count: int, outcome: str, body: str) -> None:
        at = round(time.monotonic() - self.started, 2)
        with self._lock:
            entry = {"t": at, "function": function, "receive": receive_count, "outcome": outcome}
            self.deliveries.setdefault(message_id, []).append(entry)
            self.bodies.setdefault(message_id, body[:2000])

    def reason(self, message_id: str, error: str) -> None:
        with self._lock:
            self.reasons.setdefault(message_id, []).append(error)


class Ticker(threading.Thread):
    """An EventBridge schedule: fires the function every `interval` seconds, or at once when woken
    (simulated time asks for the tick as soon as the system is quiet instead of waiting a period)."""

    def __init__(
        self, function: Function, interval: float, region: str, stop: threading.Event, fire_at_start: bool = False
    ) -> None:
        super().__init__(name=f"schedule-{function.name}", daemon=True)
        self.function = function
        self.interval = interval
        self.region = region
        self.stop_event = stop
        self.fire_at_start = fire_at_start
        self.fired = 0  # fires started (also those run on another thread through fire())
        self.finished = 0  # the number (1-based, in `fired` order) of the latest fire started that has ended
        self.time_scale = 1.0
        self._wake = threading.Event()
        self._count_lock = threading.Lock()

    def wake(self) -> None:
        """Fire now instead of at the end of the current period (also how stop() is seen at once)."""
        self._wake.set()

    def _sleep(self) -> bool:
        """Until the period ends or wake(); True when the runtime is stopping."""
        self._wake.wait(self.interval)
        self._wake.clear()
        return self.stop_event.is_set()

    def run(self) -> None:
        if not self.fire_at_start and self._sleep():
            return
        while not self.stop_event.is_set():
            injector = faults.active()
            if injector is None or not injector.down(self.function.name):
                self.fire()
            if self._sleep():
                return

    def fire(self) -> Any:
        assert self.function.schedule is not None
        event = {
            "version": "0",
            "id": f"local-{self.fired}",
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": ACCOUNT_ID,
            "region": self.region,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "resources": [f"arn:aws:events:{self.region}:{ACCOUNT_ID}:rule/{self.function.schedule.name}"],
            "detail": {},
        }
        with self._count_lock:
            self.fired += 1
            number = self.fired
        try:
            return invoke(self.function, event, self.region, self.time_scale)
        except Exception:
            log.exception("scheduled %s failed", self.function.name)
            return None
        finally:
            with self._count_lock:
                self.finished = max(self.finished, number)
