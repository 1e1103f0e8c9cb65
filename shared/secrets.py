"""Secrets from SSM Parameter Store (SecureString), cached for a few minutes per container.

In AWS the parameters are created by infra/ (values set by ops); locally `tfc up` generates them
and stores them in the emulator's SSM, so the code path is the same everywhere. A missing or empty
secret raises: callers fail closed.
"""

from __future__ import annotations

import threading
import time

from shared import caches
from shared.aws import client
from shared.settings import get_settings

_TTL_SECONDS = 300
_cache: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()


MIN_SECRET_LENGTH = 16  # characters; about 96 bits for a random key of letters and digits
SECRET_RULE = f"at least {MIN_SECRET_LENGTH} characters"


class MissingSecret(RuntimeError):
    """A secret is absent or breaks SECRET_RULE. `what` names the parameter and what is wrong, in
    words fit to show staff ("the SSM parameter /tfc/dev/ops-api-key is not set")."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def secret_problem(value: str) -> str | None:
    """None when `value` may be a secret, else the rule it breaks ("must be at least 16 characters
    (this one has 12)"): `tfc up` checks a given key with it before starting."""
    if len(value) < MIN_SECRET_LENGTH:
        return f"must be {SECRET_RULE} (this one has {len(value)})"
    return None


def get_secret(name: str) -> str:
    path = get_settings().parameter(name)
    with _lock:
        cached = _cache.get(path)
        if cached and time.monotonic() - cached[0] < _TTL_SECONDS:
            return cached[1]
    try:
        value = client("ssm").get_parameter(Name=path, WithDecryption=True)["Parameter"]["Value"]
    except client("ssm").exceptions.ParameterNotFound as exc:
        raise MissingSecret(f"the SSM parameter {path} is not set") from exc
    problem = secret_problem(value or "")
    if problem:
        raise MissingSecret(f"the SSM parameter {path} {problem}")
    with _lock:
        _cache[path] = (time.monotonic(), value)
    return value


@caches.register
def clear_secret_cache() -> None:
    with _lock:
        _cache.clear()
