"""Outgoing webhooks of the project lifecycle: Slack-compatible incoming-webhook posts announcing kickoffs and
completions. Best-effort by design: a failing or slow webhook is logged and never fails the
batch, so the emails around it always go out.

Configuration: the SecureString `/tfc/<stage>/webhook-urls` holds a JSON object of program
(a project category, e.g. "websites") -> URL, with "default" for the rest. A webhook URL is a
credential, so it lives in SSM and is never logged. Anything that is not such an object (the
generated placeholder a new stage starts with) means no webhooks.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from aws_lambda_powertools import Logger

from services.notify import delivery
from shared.secrets import MissingSecret, get_secret

TIMEOUT_SECONDS = 3.0
ATTEMPTS = 2


def _allowed(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost"))


def webhook_url(program: str) -> str | None:
    try:
        config = json.loads(get_secret("webhook-urls"))
    except (MissingSecret, ValueError):
        return None
    if not isinstance(config, dict):
        return None
    url = config.get(program) or config.get("default")
    return url if isinstance(url, str) and _allowed(url) else None


def _post(url: str, payload: dict[str, Any], log: Logger) -> None:
    body = json.dumps(payload).encode()
    for attempt in range(1, ATTEMPTS + 1):
        request = urllib.request.Request(  # noqa: S310 (https, or http to this machine: _allowed)
            url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):  # noqa: S310 (scheme checked)
                return
        except OSError as exc:  # URLError, HTTPError, timeouts, refused connections
            log.warning("webhook post failed", extra={"attempt": attempt, "error": type(exc).__name__})
            if attempt < ATTEMPTS:
                time.sleep(0.5)


def announce(key: str, program: str, text: str, log: Logger) -> None:
    """Post `text` once per key to the program's webhook, if one is configured. Never raises."""
    try:
        url = webhook_url(program)
        if url is None:
            return
        delivery.once(f"webhook:{key}", lambda: _post(url, {"text": text}, log))
    except Exception as exc:  # a webhook must never block the pipeline
        log.warning("webhook skipped", extra={"error": type(exc).__name__})
