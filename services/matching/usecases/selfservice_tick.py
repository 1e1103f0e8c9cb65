"""Issue 15's housekeeping, run by the lifecycle tick (hourly in AWS):

- Pauses that end: on the day a volunteer's own pause ends, tell them invitations resume.
  Matching already skips a paused volunteer by date (domain/eligibility.py `paused`); this only
  sends the email, reading the day's markers (one Query per day, no Scan). Yesterday is read too,
  so a tick missed around midnight still finds its day.
- Unconfirmed sign-ups and changes that expired are deleted (one gsi3 Query, a page at a time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from shared.events import Event, VolunteerNoticeV1
from shared.storage import Store

Publish = Callable[[str, Sequence[Event]], None]


def announce_resumptions(store: Store, publish: Publish, now: datetime, correlation_id: str) -> int:
    """Publish one "resumed" notice per pause ending today or yesterday (UTC) that still stands
    as set, then drop its marker; returns how many were told. Safe to repeat: notify sends each
    (volunteer, day) once, and a changed or cancelled pause has no marker for that day."""
    told = 0
    for day in (now.date() - timedelta(days=1), now.date()):
        for volunteer_id in store.volunteers.pauses_ending(day):
            volunteer = store.volunteers.get_volunteer(volunteer_id)
            if volunteer is not None and volunteer.paused_until == day:
                notice = VolunteerNoticeV1(
                    correlation_id=correlation_id, volunteer_id=volunteer_id, notice="resumed", detail=day.isoformat()
                )
                publish("notify", [notice])
                told += 1
            store.volunteers.clear_pause_end(day, volunteer_id)
    return told


PURGE_PAGE = 100  # expired pending changes deleted per tick: an hour's worth at any season's pace


def purge_expired_pending(store: Store, now: datetime) -> int:
    """Delete unconfirmed sign-ups and changes whose time ran out; returns how many."""
    expired = store.pending.expired_pending(now, PURGE_PAGE)
    for pending in expired:
        store.pending.drop_pending(pending)
    return len(expired)
