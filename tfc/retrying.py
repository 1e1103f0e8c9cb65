"""The HTTP client the CLI, the demo and the benches talk to the API with: it retries what the
API (or API Gateway in front of it) says is temporary, and makes every retry safe.

- Retried: 429 (API Gateway's throttling), 502/503/504 (a function that died, timed out or met a
  provider error it could not absorb): the API answers those with `Retry-After`, which is honoured;
  otherwise exponential backoff with jitter (httpx-retries). Connection errors are retried too.
- POSTs included: each request carries an `Idempotency-Key` (made once per request, so every
  retry of it repeats the same key). The API stores a campaign once per key; the other POST routes
  are idempotent by their business key (an approval, a sign-up by email), so a retry after a
  response that never arrived changes nothing twice.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from httpx_retries import Retry, RetryTransport

RETRY_STATUSES = frozenset({429, 502, 503, 504})
METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "POST", "PATCH"})


def _idempotency_key(request: httpx.Request) -> None:
    if request.method in {"POST", "PUT", "PATCH"} and "idempotency-key" not in request.headers:
        request.headers["Idempotency-Key"] = uuid.uuid4().hex


def retry_policy(attempts: int = 6, backoff_factor: float = 0.5, max_backoff: float = 10.0) -> Retry:
    """`attempts` tries in all; waits `backoff_factor * 2**n` (jittered, at most `max_backoff`)
    unless the response says how long in Retry-After."""
    return Retry(
        total=attempts - 1,
        backoff_factor=backoff_factor,
        max_backoff_wait=max_backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=METHODS,
        respect_retry_after_header=True,
    )


def client(
    base_url: str, *, attempts: int = 6, transport: httpx.BaseTransport | None = None, **kwargs: Any
) -> httpx.Client:
    """An httpx.Client (same keyword arguments) that retries temporary refusals idempotently;
    `transport` is the one retried over (httpx's default: the network)."""
    hooks = kwargs.pop("event_hooks", {})
    hooks = hooks | {"request": [*hooks.get("request", []), _idempotency_key]}
    transport = RetryTransport(transport=transport, retry=retry_policy(attempts))
    return httpx.Client(base_url=base_url, transport=transport, event_hooks=hooks, **kwargs)
