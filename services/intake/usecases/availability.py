"""Announcing that volunteers became matchable: the one place intake says so.

`announce_available` is called wherever a volunteer becomes matchable: a sign-up confirmed by its
link (usecases/signups.py `confirm`; the public form itself stores nothing), marking a lead (ops
API and console), a roster batch that adds or changes vouched rows. Matching answers with
services/matching/usecases/revival.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from shared.events import MAX_AVAILABLE, Event, VolunteersAvailableV1
from shared.models import email_hash
from shared.storage import Store

Publish = Callable[[str, Sequence[Event]], None]  # as the package's; not imported from it (signups imports this)
Why = Literal["signed_up", "lead_trained", "roster_import"]


def announce_available(publish: Publish, volunteer_ids: Iterable[str], why: Why, *, correlation_id: str) -> int:
    """Publish `volunteers.available` v1 to matching for these volunteers (MAX_AVAILABLE an event);
    returns how many events went out. Safe to repeat: matching only revives a project that is
    still waiting for someone like them."""
    ids = list(dict.fromkeys(v for v in volunteer_ids if v))
    events = [
        VolunteersAvailableV1(correlation_id=correlation_id, volunteer_ids=ids[i : i + MAX_AVAILABLE], why=why)
        for i in range(0, len(ids), MAX_AVAILABLE)
    ]
    if events:
        publish("matching", events)
    return len(events)


def roster_available(store: Store, rows: list[Any], results: list[dict[str, Any]]) -> list[str]:
    """The volunteers a roster batch added or changed (their ids, by the rows' emails: one read)."""
    emails = [
        row["patch"]["email"]
        for row, result in zip(rows, results, strict=True)
        if result.get("status") in ("added", "updated")
        and isinstance(row, dict)
        and isinstance(row.get("patch"), dict)
        and isinstance(row["patch"].get("email"), str)
    ]
    owners = store.volunteers.volunteer_ids_for_emails([email_hash(e) for e in emails]) if emails else {}
    return list(owners.values())
