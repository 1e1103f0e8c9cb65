"""End-to-end: the real local runtime (emulator, API, consumers, schedules), driven over HTTP."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tfc.local.runtime import LocalRuntime, RuntimeOptions


@pytest.fixture(scope="package")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    saved = dict(os.environ)
    state = tmp_path_factory.mktemp("tfc") / "local.json"
    rt = LocalRuntime(
        RuntimeOptions(
            port=0,
            visibility_timeout=2,
            schedule_seconds={"matching-tick": 1.0, "lifecycle-tick": 1.0},
            state_file=state,
            env={"POWERTOOLS_LOG_LEVEL": "WARNING"},
        )
    )
    rt.start()
    yield rt
    rt.stop()
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def api(runtime: LocalRuntime) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=runtime.url, timeout=30) as client:
        yield client


def wait_for(check: Callable[[], Any], timeout: float = 30.0, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
