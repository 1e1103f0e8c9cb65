"""Calls the local runtime makes in AWS's place (SES receiving a reply: the MIME put in S3, the
receipt notification published on SNS). In AWS the service does this work, not our functions:
the pipeline bench leaves these calls out of the calls per staffed project."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")
_local = threading.local()


def active() -> bool:
    """True on a thread inside a stand-in (its AWS calls are AWS's own work)."""
    return bool(getattr(_local, "depth", 0))


def stands_in(work: Callable[P, R]) -> Callable[P, R]:
    """Mark a function as doing AWS's work (decorator)."""

    @functools.wraps(work)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        _local.depth = getattr(_local, "depth", 0) + 1
        try:
            return work(*args, **kwargs)
        finally:
            _local.depth -= 1

    return run
