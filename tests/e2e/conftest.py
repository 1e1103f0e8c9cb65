"""End-to-end: the real local runtime (emulator, API, consumers, schedules), driven over HTTP."""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from shared import caches
from tfc.local.runtime import LocalRuntime, RuntimeOptions

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w.])(?:\+1\d{10}|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4})(?!\w)")


def _written(logger: logging.Logger, record: logging.LogRecord) -> list[str]:
    """The record as each handler that would write it formats it (Powertools' JSON formatter for
    the services' loggers: it writes tracebacks itself, after every filter ran)."""
    lines = []
    current: logging.Logger | None = logger
    while current is not None:
        for handler in current.handlers:
            if record.levelno >= handler.level and handler.formatter is not None:
                lines.append(handler.formatter.format(record))
        current = current.parent if current.propagate else None
    return lines


class LogCapture:
    """Every log record of every logger in this process (after the loggers' own filters, so what
    would be written), formatted with its extra fields and any traceback, and as each of its
    handlers' formatters writes it."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self._original = logging.Logger.callHandlers
        self._format = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def __enter__(self) -> LogCapture:
        capture = self

        def call_handlers(logger: logging.Logger, record: logging.LogRecord) -> None:
            extras = " ".join(f"{k}={v}" for k, v in record.__dict__.items() if isinstance(v, str) and k != "msg")
            line = f"{capture._format.format(record)} {extras}"
            written = _written(logger, record)
            with capture._lock:
                capture.lines.append(line)
                capture.lines.extend(written)
            capture._original(logger, record)

        logging.Logger.callHandlers = call_handlers  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        logging.Logger.callHandlers = self._original  # type: ignore[method-assign]

    def personal_data(self) -> list[str]:
        return [line[:300] for line in self.lines if EMAIL.search(line) or PHONE.search(line)]


@pytest.fixture(scope="package")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    """The runtime every e2e test shares; while it runs, every log line of the process is kept, and
    at the end none may hold an email address or a phone number (the whole e2e run's logs)."""
    capture = LogCapture().__enter__()
    logging.getLogger("tfc.e2e").warning("log capture on")  # proves the capture sees records
    saved = dict(os.environ)
    state = tmp_path_factory.mktemp("tfc") / "local.json"
    rt = LocalRuntime(
        RuntimeOptions(
            port=0,
            visibility_timeout=2,
            schedule_seconds={"matching-tick": 1.0, "lifecycle-tick": 1.0},
            state_file=state,
            env={
                "POWERTOOLS_LOG_LEVEL": os.environ.get("TFC_E2E_LOG_LEVEL", "WARNING"),
                # Every e2e test shares this runtime, and projects an earlier test left short are sent
                # back to matching when a later test signs people up (matching that notices). With the
                # default limits (3 open invitations, 6 in 14 days) those projects could use up a later
                # test's volunteers, and its own project then waited in vain (tests failed at random by
                # order). The limits themselves are tested in tests/unit and tests/aws.
                "TFC_MAX_PENDING_INVITATIONS": "25",
                "TFC_MATCHING_MAX_INVITES_14D": "100",
                # Texts wait out 21:00-09:00 in the volunteer's time zone: with quiet hours on, every
                # e2e test expecting a text failed when the suite ran in a US evening (a run at 04:00
                # UTC held an Idaho text 900 s). Quiet hours are tested in tests/unit and tests/aws.
                "TFC_SMS_QUIET_HOURS": "off",
            },
        )
    )
    rt.start()
    yield rt
    rt.stop()
    capture.__exit__()
    os.environ.clear()
    os.environ.update(saved)
    caches.reset()  # nothing may keep pointing at the stopped runtime's emulator
    assert capture.lines, "no log line was captured: the capture is broken"
    leaks = capture.personal_data()
    assert not leaks, f"{len(leaks)} log lines hold personal data, e.g. {leaks[:3]}"


@pytest.fixture
def api(runtime: LocalRuntime) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=runtime.url, timeout=30) as client:
        yield client


def drained(runtime: LocalRuntime, *queues: str) -> bool:
    """No message on these queues is waiting or in flight: everything sent to them so far was handled
    and deleted (a handler publishes downstream before its record is deleted, so draining a chain's
    queues in order means the whole chain ran). Negative checks wait for this instead of sleeping."""
    depths = runtime.queue_depths()
    return all(depths[q] == 0 for q in queues)


def wait_for(check: Callable[[], Any], timeout: float = 90.0, interval: float = 0.2) -> Any:
    # A deadline, not a speed target: generous, so a loaded CI machine is not a failure.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
