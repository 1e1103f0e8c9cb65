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


class MissingSecret(RuntimeError):
    pass


def get_secret(name: str) -> str:
    path = get_settings().parameter(name)
    with _lock:
        cached = _cache.get(path)
        if cached and time.monotonic() - cached[0] < _TTL_SECONDS:
            return cached[1]
    try:
        value = client("ssm").get_parameter(Name=path, WithDecryption=True)["Parameter"]["Value"]
    except client("ssm").exceptions.ParameterNotFound as exc:
        raise MissingSecret(f"secret {path} is not set") from exc
    if not value or len(value) < 16:
        raise MissingSecret(f"secret {path} is empty or too short")
    with _lock:
        _cache[path] = (time.monotonic(), value)
    return value


@caches.register
def clear_secret_cache() -> None:
    with _lock:
        _cache.clear()
