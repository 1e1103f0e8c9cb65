"""The one reset of every process-wide cache.

A warm Lambda container keeps what it made from its environment: settings, boto3 clients, the store,
queue URLs, secrets, Powertools idempotency wrappers, candidate pools, service configuration. Locally
one process changes that environment (a runtime starts on a new emulator, a test points at moto, the
CLI points at `tfc up`), and every such cache must then be forgotten together: forgetting some and
not others was a source of flaky tests. So each module that holds one registers how to forget it
here, at import; `reset()` forgets them all. A module not imported yet holds nothing, so nothing is
missed. Caches of packaged data (catalog, geo, districts, templates) never go stale and are not here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[[], object])

_lock = threading.Lock()
_resets: dict[str, Callable[[], object]] = {}


def register(forget: F) -> F:
    """Register a no-argument function that forgets one cache; returns it (usable as a decorator).
    Registering the same function again (a module reloaded) replaces the earlier one."""
    with _lock:
        _resets[_name(forget)] = forget
    return forget


def _name(forget: Callable[[], object]) -> str:
    """'module.function', or for a bound method 'module.owner.method' (an lru_cache's cache_clear is
    named after the cached function, an instance's method after its class)."""
    owner = getattr(forget, "__self__", None)
    if owner is None:
        return f"{forget.__module__}.{forget.__qualname__}"
    owner_name = getattr(owner, "__qualname__", None) or type(owner).__qualname__
    return f"{getattr(owner, '__module__', type(owner).__module__)}.{owner_name}.{forget.__name__}"


def reset() -> None:
    """Forget every registered cache, in registration order (independent of each other)."""
    with _lock:
        forgets = list(_resets.values())
    for forget in forgets:
        forget()


def registered() -> list[str]:
    """The registered caches by qualified name (for tests and diagnostics)."""
    with _lock:
        return list(_resets)
