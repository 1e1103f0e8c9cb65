"""The next moment simulated time jumps to (tfc/local/simtime.py): reminders before expiries,
nothing when something is already due or nothing is pending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tfc.local.simtime import GATHER, SimulatedTime, next_due

NOW = datetime(2026, 10, 1, 12, tzinfo=UTC)
DAY = 24 * 3600


@dataclass
class Pending:
    expires_at: datetime
    reminded: bool = False


def test_the_next_reminder_comes_before_the_expiry() -> None:
    pending = [Pending(NOW + timedelta(hours=72)), Pending(NOW + timedelta(hours=60), reminded=True)]
    assert next_due(pending, NOW, DAY) == NOW + timedelta(hours=48)  # 72 h less the 24 h window
    assert next_due(pending, NOW, 0) == NOW + timedelta(hours=60)  # reminders off: the first expiry


def test_no_jump_when_something_is_due_or_nothing_is_pending() -> None:
    assert next_due([], NOW, DAY) is None
    assert next_due([Pending(NOW + timedelta(hours=10))], NOW, DAY) is None  # its reminder is due now
    assert next_due([Pending(NOW - timedelta(seconds=1), reminded=True)], NOW, DAY) is None  # overdue


def test_a_jump_gathers_what_falls_due_within_one_aws_tick_period() -> None:
    # Invitations written a minute apart in wall time: one jump past all three reminders, not three.
    pending = [Pending(NOW + timedelta(hours=72, minutes=m)) for m in (0, 1, 2)]
    assert next_due(pending, NOW, DAY, GATHER) == NOW + timedelta(hours=48, minutes=2)
    # One written 10 minutes later waits for a jump of its own, and no reminder is jumped over its expiry.
    late = [*pending, Pending(NOW + timedelta(hours=72, minutes=12))]
    assert next_due(late, NOW, DAY, GATHER) == NOW + timedelta(hours=48, minutes=2)
    assert next_due([Pending(NOW + timedelta(minutes=3))], NOW, 60, GATHER) == NOW + timedelta(minutes=3)


class _Ticker:
    def __init__(self) -> None:
        self.fired = 0
        self.finished = 0
        self.woken = 0

    def wake(self) -> None:
        self.woken += 1


class _Runtime:
    def __init__(self) -> None:
        self.tickers = {"matching-tick": _Ticker()}
        self.queue_urls: dict[str, str] = {}


class _Invitations:
    def __init__(self) -> None:
        self.asked = 0

    def pending_invitations_expiring_before(self, before: datetime) -> list[Pending]:
        self.asked += 1
        return []


def test_the_clock_waits_for_a_tick_woken_after_the_queues_went_quiet(monkeypatch) -> None:
    import shared.storage
    from shared import caches

    monkeypatch.setenv("TFC_STAGE", "test")
    caches.reset()
    invitations = _Invitations()
    monkeypatch.setattr(shared.storage, "main_store", lambda: type("S", (), {"invitations": invitations})())
    runtime = _Runtime()
    ticker = runtime.tickers["matching-tick"]
    clock = SimulatedTime(runtime, client=None)  # type: ignore[arg-type]
    drained = [True]
    monkeypatch.setattr(clock, "_drained", lambda: drained[0])

    assert clock.step() == 0.0 and ticker.woken == 1  # first quiet look: the tick runs now, no jump
    ticker.fired = 1  # the woken tick has begun but not ended
    assert clock.step() == 0.0 and invitations.asked == 0
    drained[0] = False  # its wave sent messages: not quiet any more
    ticker.finished = 1
    assert clock.step() == 0.0 and invitations.asked == 0
    drained[0] = True
    assert clock.step() == 0.0 and ticker.woken == 2 and invitations.asked == 0  # a new first look
    ticker.fired = ticker.finished = 2
    assert clock.step() == 0.0 and invitations.asked == 1  # quiet after a full tick: look for the next due moment
    assert clock.nothing_due  # nothing pending: no jump
    monkeypatch.undo()
    caches.reset()  # the settings made for stage "test" go with the environment just restored


def test_a_handler_at_work_is_not_quiet_without_asking_sqs() -> None:
    runtime = _Runtime()
    runtime.queue_urls = {"notify": "http://127.0.0.1:9/unreachable"}  # asking SQS here would fail
    runtime.pollers = {"notify-send": [type("P", (), {"delivering": False})(), type("P", (), {"delivering": True})()]}  # type: ignore[attr-defined]
    assert SimulatedTime(runtime, client=None)._drained() is False  # type: ignore[arg-type]
