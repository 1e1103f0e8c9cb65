"""Simulated time for local runs (the demo, the pipeline bench): when the system is quiet, move the
system's clock to the next moment something is due instead of waiting for it.

Expiries and reminders come from the system clock (shared.models.utcnow, which the local runtime
runs ahead by TFC_CLOCK_OFFSET_SECONDS). So invitations can last their real 72 hours: once every
queue is drained (nothing waiting, in flight or delayed) the matching tick is woken at once rather
than at the end of its period; when it has run and the queues are still drained, and every answer
that is coming has come, the next due moment is the earliest of the pending invitations' reminder
times (expiry minus the reminder window, when not yet reminded) and expiries (gsi3, one Query),
taking in whatever else falls due within the next 5 minutes (`GATHER`, AWS's tick period); the
clock jumps just past it and the matching tick runs at once. Wall time is then the system's own
work, not sleeping. A due moment already past is left to the running tick (no jump).

The tick is run on a thread named as the schedule's (its calls count as the tick's in the bench).
Texts' quiet hours are off in simulated runs (`SIMULATED_ENV`): a text held until morning hops
through real-second SQS delays that a jumping clock would never reach; quiet hours stay tested
against the emulator in tests/aws.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import boto3
import httpx

from tfc.local.runtime import REGION

SIMULATED_ENV = {"TFC_SMS_QUIET_HOURS": "off"}
REAL_TTL_SECONDS = 72 * 3600  # an invitation's real life (shared.settings default)
FAR = timedelta(days=3650)
PAST_DUE = timedelta(seconds=1)
TICK = "matching-tick"  # jump this far past the due moment: "expiring before now" is strict


# A jump lands past every moment due within this long after the first one: in AWS the tick runs
# every 5 minutes (rate(5 minutes)), so anything due that close is handled that late there too. It
# gathers the reminders (or expiries) of invitations written seconds apart in wall time, which would
# otherwise each cost a jump of their own.
GATHER = timedelta(minutes=5)


def next_due(
    pending: list[Any], now: datetime, reminder_window_seconds: int, gather: timedelta = timedelta(0)
) -> datetime | None:
    """The moment after `now` to which the clock should jump so that the tick finds pending
    invitations due: the earliest reminder (expires_at minus the window, while not reminded and
    the window is on) or expiry, moved on to the latest such moment within `gather` after it.
    None when nothing is pending, or when something is already due (the tick will see it without
    a jump). `pending`: Invitation-like objects (expires_at: aware datetime, reminded: bool)."""
    window = timedelta(seconds=reminder_window_seconds)
    moments: list[datetime] = []
    for invitation in pending:
        moments.append(invitation.expires_at)
        if reminder_window_seconds > 0 and not invitation.reminded:
            moments.append(invitation.expires_at - window)
    if not moments:
        return None
    first = min(moments)
    if first <= now:
        return None
    return max(m for m in moments if m <= first + gather)


class SimulatedTime:
    """Drives the clock of one running LocalRuntime through its HTTP API (`POST /_local/clock`)."""

    def __init__(self, runtime: Any, client: httpx.Client) -> None:
        self.runtime = runtime
        self.client = client
        self.jumps = 0
        self.advanced_seconds = 0.0
        self.nothing_due = False  # the last quiet look found no pending invitation to jump to
        self._quiet_mark: int | None = None  # the tick's fire count at the first quiet look; None: not quiet
        self._sqs = boto3.session.Session(region_name=REGION).client("sqs")

    def _drained(self) -> bool:
        pollers = getattr(self.runtime, "pollers", {})
        if any(p.delivering for workers in pollers.values() for p in workers):
            return False  # a handler is at work: known without asking SQS
        names = ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
        for name, url in self.runtime.queue_urls.items():
            if "dlq" in name.lower():
                continue  # a dead letter waits for staff, not for the clock
            attributes = self._sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=[*names, "ApproximateNumberOfMessagesDelayed"]
            )["Attributes"]
            if any(int(attributes.get(n, "0")) for n in (*names, "ApproximateNumberOfMessagesDelayed")):
                return False
        return True

    def step(self, answers_pending: bool = False) -> float:
        """Jump when quiet: returns the seconds the clock moved (0.0 when it did not). Call it
        between polls; `answers_pending`: the caller still owes replies to what it received.

        Quiet means every queue drained, twice in a row, with a matching tick begun after the
        first look and ended before the second: the first quiet look wakes the tick at once (the
        next wave after declines need not wait out the schedule's period), and the jump waits for
        that tick to find nothing more to send."""
        quiet = not answers_pending and self._drained()
        ticker = self.runtime.tickers.get(TICK)
        if not quiet:
            self._quiet_mark = None
            return 0.0
        if self._quiet_mark is None:  # first quiet look
            self._quiet_mark = ticker.fired if ticker is not None else 0
            if ticker is not None:
                ticker.wake()
            return 0.0
        if ticker is not None and ticker.finished <= self._quiet_mark:
            return 0.0  # the tick woken at the first look has not finished: not quiet yet
        from services.matching.config import matching_config
        from shared.models import utcnow
        from shared.settings import get_settings
        from shared.storage import main_store

        now = utcnow()
        pending = main_store().invitations.pending_invitations_expiring_before(now + FAR)
        window = matching_config().reminder_window(get_settings().invitation_ttl_seconds)
        due = next_due(pending, now, window, GATHER)
        self.nothing_due = due is None and not pending
        if due is None:
            return 0.0
        seconds = (due - now + PAST_DUE).total_seconds()
        self.client.post("/_local/clock", json={"advance_seconds": seconds}).raise_for_status()
        self.jumps += 1
        self.advanced_seconds += seconds
        self._quiet_mark = None
        tick = threading.Thread(target=self.runtime.fire, args=(TICK,), name=f"schedule-{TICK}")
        tick.start()
        tick.join()
        return seconds

    def figures(self) -> dict[str, float]:
        return {"clock_jumps": self.jumps, "simulated_hours": round(self.advanced_seconds / 3600, 1)}
