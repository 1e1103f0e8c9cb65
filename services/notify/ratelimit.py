"""Keep sending under the SES quota: a token bucket per container, and throttling made retryable.

SES allows N messages a second per account (14 by default in production). Each notify-send
container may send `TFC_EMAIL_RATE_PER_SECOND` (default 14 / the function's SQS concurrency of 5,
about 2.8), so all containers together stay under the quota. When SES still throttles, botocore's
standard retries back off first; if they run out the send raises `Throttled`, the record fails,
and SQS delivers it again after the visibility timeout: late, never lost (and, by its message key,
never twice).
"""

from __future__ import annotations

import os
import threading
import time

from botocore.exceptions import ClientError

THROTTLE_CODES = {"Throttling", "ThrottlingException", "TooManyRequestsException", "LimitExceededException"}


class Throttled(RuntimeError):
    """The provider refused for rate: retry later (the SQS record fails and comes back)."""


class TokenBucket:
    def __init__(self, rate: float, burst: float | None = None, clock=time.monotonic, sleep=time.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate, self.capacity = rate, burst if burst is not None else max(1.0, rate)
        self._tokens, self._clock, self._sleep = self.capacity, clock, sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, waiting if none is left; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
            self._last = now
            wait = 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate
            self._tokens -= 1  # may go negative: the next caller waits for it too
        if wait:
            self._sleep(wait)
        return wait


def email_rate() -> float:
    value = os.environ.get("TFC_EMAIL_RATE_PER_SECOND", "2.8")
    try:
        rate = float(value)
    except ValueError as exc:
        raise ValueError(f"TFC_EMAIL_RATE_PER_SECOND: {value!r} is not a number") from exc
    if rate <= 0:
        raise ValueError("TFC_EMAIL_RATE_PER_SECOND: must be positive")
    return rate


def call_throttled(send, *args, **kwargs):
    try:
        return send(*args, **kwargs)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        if error.get("Code") in THROTTLE_CODES or "rate exceeded" in str(error.get("Message", "")).lower():
            raise Throttled(f"provider throttled: {error.get('Code')}") from exc
        raise
