"""The tick reads a project's partition again only when it changed (records.py), and what it
reuses gives the same wave as a fresh read would: on the in-memory store, no AWS."""

from __future__ import annotations

import logging
from datetime import timedelta

from services.matching.usecases.records import RecordCache
from services.matching.usecases.staffing import PoolCache, Staffing
from shared.models import utcnow
from shared.settings import Settings
from shared.storage import Store
from shared.storage.memory import memory_store
from tests.aws.builders import approved_project, signup, website_refresh_team
from tests.unit.test_staffing import Outbox, answer


def setup() -> tuple[Store, Outbox, Staffing, str]:
    store, outbox = memory_store(), Outbox()
    staffing = Staffing(
        store, outbox, Settings(stage="test"), logging.getLogger("t"), pools=PoolCache(), records=RecordCache()
    )
    website_refresh_team(store)
    for n in range(7, 14):
        signup(n, ["copywriting", "web_development"], lead=True, store=store)
    project = approved_project(store=store, publish=outbox)
    return store, outbox, staffing, project.project_id


def test_a_quiet_tick_reads_no_partition_and_invites_nobody() -> None:
    _, _, staffing, _ = setup()
    now = utcnow()
    first = staffing.tick(now, "t")
    assert first["partitions_read"] == 1 and first["invited"] > 0
    for seconds in (5, 10, 15):  # its own invitations and its counted round are in what it holds
        quiet = staffing.tick(now + timedelta(seconds=seconds), "t")
        assert quiet["partitions_read"] == 0 and quiet["invited"] == 0


def test_a_decline_is_seen_and_the_seat_offered_again() -> None:
    store, _, staffing, project_id = setup()
    now = utcnow()
    staffing.tick(now, "t")
    record = store.campaigns.get_project(project_id)
    assert record is not None
    before = {i.invitation_id for i in record.invitations}
    answer(staffing, record.invitations[0], yes=False)
    after = staffing.tick(now + timedelta(seconds=5), "t")
    assert after["partitions_read"] == 1 and after["invited"] >= 1
    record = store.campaigns.get_project(project_id)
    assert record is not None and {i.invitation_id for i in record.invitations} > before


def test_an_accept_or_an_invitation_written_elsewhere_is_read_again() -> None:
    store, _, staffing, project_id = setup()
    now = utcnow()
    staffing.tick(now, "t")
    # Signed up after the wave, fitting any seat: whichever seat the accept below fills, staff
    # can still choose one of them.
    people = [signup(n, ["copywriting", "web_development"], lead=True, store=store) for n in (20, 21)]
    record = store.campaigns.get_project(project_id)
    assert record is not None
    answer(staffing, record.invitations[0], yes=True)  # the project's `filled` moves
    assert staffing.tick(now + timedelta(seconds=5), "t")["partitions_read"] == 1
    assert staffing.tick(now + timedelta(seconds=10), "t")["partitions_read"] == 0
    # Staff invite someone (the matching queue's consumer, another container): the pending set moves.
    invited = {i.volunteer_id for i in store.campaigns.get_project(project_id).invitations}  # type: ignore[union-attr]
    chosen = next(p.volunteer_id for p in people if p.volunteer_id not in invited)
    other = Staffing(store, Outbox(), Settings(stage="test"), logging.getLogger("t"), pools=PoolCache())
    assert other.invite_chosen(project_id, chosen, now, "t") == "invited"
    assert staffing.tick(now + timedelta(seconds=15), "t")["partitions_read"] == 1
    record = store.campaigns.get_project(project_id)
    assert record is not None and chosen in {i.volunteer_id for i in record.invitations}


def test_expired_invitations_close_and_their_project_is_read_again() -> None:
    store, _, staffing, project_id = setup()
    now = utcnow()
    staffing.tick(now, "t")
    later = staffing.tick(now + timedelta(seconds=Settings(stage="test").invitation_ttl_seconds + 1), "t")
    assert later["expired"] > 0 and later["partitions_read"] == 1 and later["invited"] > 0
    record = store.campaigns.get_project(project_id)
    assert record is not None and any(i.status == "expired" for i in record.invitations)
