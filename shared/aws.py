"""boto3 clients, made once per process and shared across threads (clients are thread-safe).

The endpoint comes from AWS_ENDPOINT_URL, which botocore honours for every service: unset in
AWS, the embedded emulator's address locally.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

from shared import caches
from shared.settings import get_settings

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=20)
_lock = threading.Lock()
_session: boto3.session.Session | None = None
_clients: dict[str, Any] = {}
_hooks: list[tuple[str, Any]] = []  # botocore event hooks applied to every session (local fault injection)


def _get_session() -> boto3.session.Session:
    global _session
    if _session is None:
        _session = boto3.session.Session(region_name=get_settings().region)
        for event, hook in _hooks:
            _session.events.register_first(event, hook)
    return _session


def register_hook(event: str, hook: Any) -> None:
    """Register a botocore event hook on every client this module makes (now and after a reset),
    ahead of other handlers (an in-process emulator answers `before-send` too: a fault must come
    first). Only the local runtime's fault injection uses it; nothing registers one in AWS."""
    with _lock:
        _hooks.append((event, hook))
        if _session is not None:
            _session.events.register_first(event, hook)
        _clients.clear()  # clients copy the session's hooks when made: remake them


def clear_hooks() -> None:
    with _lock:
        if _session is not None:
            for event, hook in _hooks:
                _session.events.unregister(event, hook)
        _hooks.clear()
        _clients.clear()


def client(service: str) -> Any:
    with _lock:
        if service not in _clients:
            _clients[service] = _get_session().client(service, config=_CONFIG)
        return _clients[service]


def dynamodb_resource() -> Any:
    with _lock:
        if "dynamodb-resource" not in _clients:
            _clients["dynamodb-resource"] = _get_session().resource("dynamodb", config=_CONFIG)
        return _clients["dynamodb-resource"]


@caches.register
def reset_clients() -> None:
    """Drop cached clients (the endpoint or credentials changed)."""
    global _session
    with _lock:
        _clients.clear()
        _session = None
