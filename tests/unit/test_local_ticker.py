"""The local runtime's schedules (tfc/local/consumers.py Ticker): a woken ticker fires at once,
not at the end of its period, and counts which fires have ended (simulated time waits on that)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from shared.resources import RESOURCES
from tfc.local import consumers


def _wait_for(condition: Any, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_a_woken_ticker_fires_before_its_period_and_stops_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    release = threading.Event()

    def invoke(function: Any, event: dict[str, Any], region: str, time_scale: float) -> None:
        calls.append(event["id"])
        release.wait(5)

    monkeypatch.setattr(consumers, "invoke", invoke)
    stop = threading.Event()
    ticker = consumers.Ticker(RESOURCES.function("matching-tick"), 3600.0, "us-east-1", stop)
    ticker.start()
    ticker.wake()
    assert _wait_for(lambda: len(calls) == 1)  # an hour's period, fired on the wake
    assert ticker.fired == 1 and ticker.finished == 0  # begun, not ended
    release.set()
    assert _wait_for(lambda: ticker.finished == 1)
    stop.set()
    ticker.wake()
    ticker.join(5)
    assert not ticker.is_alive() and len(calls) == 1
