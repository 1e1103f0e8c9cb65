"""The next moment simulated time jumps to (tfc/local/simtime.py): reminders before expiries,
nothing when something is already due or nothing is pending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tfc.local.simtime import next_due

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
