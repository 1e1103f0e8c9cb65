"""Matching's staffing use cases on the in-memory store (shared/storage/memory): answers, teams,
withdrawals and replacements, with no AWS at all. The same guards against DynamoDB (and the
races between consumers) are tested on moto in tests/aws/test_matching_handlers.py and
test_matching_waves.py."""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest

from services.matching.usecases.staffing import PoolCache, Staffing
from shared.events import Event, InvitationAnsweredV1, InvitationAnsweredV2
from shared.models import Invitation, utcnow
from shared.settings import Settings
from shared.storage import Store
from shared.storage.memory import memory_store
from tests.aws.builders import approved_project, signup, website_refresh_team


class Outbox:
    """What the use cases published, by queue (the publisher's signature)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Event]] = []

    def __call__(self, queue: str, events: Sequence[Event]) -> None:
        self.sent += [(queue, e) for e in events]

    def drain(self, queue: str = "notify") -> list[dict[str, Any]]:
        out = [e.model_dump(mode="json") for q, e in self.sent if q == queue]
        self.sent = [(q, e) for q, e in self.sent if q != queue]
        return out


@pytest.fixture
def store() -> Store:
    return memory_store()


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def staffing(store: Store, outbox: Outbox) -> Staffing:
    return Staffing(store, outbox, Settings(stage="test"), logging.getLogger("test"), pools=PoolCache())


VERSION = {"answer": 2}


@pytest.fixture(autouse=True, params=[1, 2], ids=["answer.v1", "answer.v2"])
def answer_version(request: pytest.FixtureRequest) -> int:
    """Every test here runs with both answer versions: notify publishes V2 (the invitation's
    project and volunteer named), intake's console and self-service still publish V1."""
    VERSION["answer"] = request.param
    return int(request.param)


def answer(staffing: Staffing, invitation: Invitation, yes: bool = True) -> None:
    said: Any = "yes" if yes else "no"
    event: InvitationAnsweredV1 | InvitationAnsweredV2
    if VERSION["answer"] == 1:
        event = InvitationAnsweredV1(
            correlation_id="t", invitation_id=invitation.invitation_id, answer=said, channel="email"
        )
    else:
        event = InvitationAnsweredV2(
            correlation_id="t",
            invitation_id=invitation.invitation_id,
            project_id=invitation.project_id,
            volunteer_id=invitation.volunteer_id,
            answer=said,
            channel="email",
        )
    staffing.apply_answer(event, utcnow())


class Counting:
    """One aggregate of the store with its calls counted by method name."""

    def __init__(self, inner: Any, calls: Counter[str]) -> None:
        self._inner, self._calls = inner, calls

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._inner, name)
        if not callable(found):
            return found

        def counted(*args: Any, **kwargs: Any) -> Any:
            self._calls[name] += 1
            return found(*args, **kwargs)

        return counted


def counted(staffing: Staffing) -> Counter[str]:
    """Count the store calls `staffing` makes from now on."""
    calls: Counter[str] = Counter()
    store = staffing.store
    wrapped = {a: Counting(getattr(store, a), calls) for a in ("campaigns", "invitations", "volunteers", "waves")}
    staffing.store = dataclasses.replace(store, **wrapped)
    staffing.waves = staffing.store.waves
    return calls


def test_a_v2_no_is_one_guarded_write_and_a_yes_reads_the_partition_and_the_volunteer_once(
    store, staffing, outbox, answer_version
):
    _, invitations = fill_team(store, staffing, outbox)
    calls = counted(staffing)
    answer(staffing, invitations[0], yes=False)
    pointer = {"get_invitation": 1} if answer_version == 1 else {}
    assert calls == Counter({"close_invitation": 1} | pointer)  # the write's condition is the read
    calls.clear()
    answer(staffing, invitations[1])  # not the last seat, and nothing else pending for them
    assert calls == Counter({"get_project": 1, "get_volunteer": 1, "accept_invitation": 1} | pointer)
    assert [e["outcome"] for e in outbox.drain() if e["type"] == "answer.outcome"] == ["declined", "joined"]


def test_a_join_that_read_the_team_before_another_joined_reads_again_and_still_staffs_it(
    store, staffing, outbox, monkeypatch
):
    project_id, invitations = fill_team(store, staffing, outbox)
    by_kind: dict = {}
    for inv in invitations:
        by_kind.setdefault((inv.role, inv.skill), []).append(inv)
    first, late, racer = (group[0] for group in by_kind.values())
    answer(staffing, first)
    real = store.campaigns.get_project
    raced: list[str] = []

    def racing(pid: str) -> Any:
        found = real(pid)
        if not raced:  # the racer joins between this read and the accept's write
            raced.append(pid)
            answer(staffing, racer)
        return found

    monkeypatch.setattr(store.campaigns, "get_project", racing)
    answer(staffing, late)
    record = real(project_id)
    assert record.project.status == "staffed" and record.project.filled == 3
    events = outbox.drain()
    assert Counter(e["type"] for e in events)["project.staffed"] == 1
    assert Counter(e["outcome"] for e in events if e["type"] == "answer.outcome") == {"joined": 3}


def fill_team(store: Store, staffing: Staffing, outbox: Outbox) -> tuple[str, list[Invitation]]:
    """The website_refresh team's six volunteers, one approved project, one wave."""
    website_refresh_team(store)
    project = approved_project(store=store, publish=outbox)
    assert staffing.wave(utcnow(), "t").figures()["invited"] == 6
    outbox.drain("notify")
    record = store.campaigns.get_project(project.project_id)
    assert record is not None
    return project.project_id, record.invitations


def test_yes_answers_staff_the_team_then_late_yes_is_thanked_and_pending_withdrawn(store, staffing, outbox):
    project_id, invitations = fill_team(store, staffing, outbox)
    by_kind: dict = {}
    for inv in invitations:
        by_kind.setdefault((inv.role, inv.skill), []).append(inv)
    for first in (group[0] for group in by_kind.values()):
        answer(staffing, first)
    record = store.campaigns.get_project(project_id)
    assert record.project.status == "staffed" and record.project.filled == 3
    assert [s.role for s in record.slots if s.volunteer_id].count("lead") == 1
    events = outbox.drain()
    assert Counter(e["type"] for e in events)["project.staffed"] == 1
    assert Counter(e["type"] for e in events)["invitation.withdrawn"] == 3
    assert Counter(e["outcome"] for e in events if e["type"] == "answer.outcome") == {"joined": 3}
    late = next(group[1] for group in by_kind.values())
    answer(staffing, late)
    assert outbox.drain() == []  # withdrawn already: nothing to do
    assert store.invitations.get_invitation(late.invitation_id).status == "withdrawn"
    assert all(store.volunteers.get_volunteer(i.volunteer_id).pending_invitations == 0 for i in invitations)


def test_duplicate_yes_joins_once(store, staffing, outbox):
    project_id, invitations = fill_team(store, staffing, outbox)
    first = invitations[0]
    for _ in range(3):
        answer(staffing, first)
    assert store.campaigns.get_project(project_id).project.filled == 1
    assert store.volunteers.get_volunteer(first.volunteer_id).active_projects == 1
    assert [e["outcome"] for e in outbox.drain() if e["type"] == "answer.outcome"] == ["joined"]


def test_decline_invites_a_replacement_and_counts_the_answer(store, staffing, outbox):
    for n in range(7, 10):
        signup(n, ["copywriting"], store=store)
    project_id, invitations = fill_team(store, staffing, outbox)
    declined = next(i for i in invitations if i.skill == "copywriting")
    answer(staffing, declined, yes=False)
    assert store.invitations.get_invitation(declined.invitation_id).status == "declined"
    state = store.waves.volunteer_states([declined.volunteer_id])[declined.volunteer_id]
    assert state["responded_total"] == 1 and state["pending_invitations"] == 0
    staffing.wave(utcnow(), "t")
    record = store.campaigns.get_project(project_id)
    pending = [i for i in record.invitations if i.skill == "copywriting" and i.status == "pending"]
    assert len(pending) == 2 and declined.volunteer_id not in {i.volunteer_id for i in pending}


def test_joining_a_team_releases_the_volunteers_other_invitations(store, staffing, outbox):
    busy = signup(1, ["web_development"], store=store)  # grew up in Virginia: the best fit for both
    for n in range(2, 8):
        signup(n, ["web_development", "copywriting"], lead=n < 4, state="CO", store=store)
    first = approved_project(store=store, publish=outbox)
    staffing.wave(utcnow(), "t")
    second = approved_project(store=store, publish=outbox)
    staffing.wave(utcnow(), "t")  # one invitation per volunteer per wave: the second comes next
    outbox.drain()
    mine = {i.project_id: i for i in store.invitations.invitations_of_volunteer(busy.volunteer_id)}
    assert set(mine) == {first.project_id, second.project_id}, "the fixture needs both invitations"
    answer(staffing, mine[first.project_id])
    assert store.invitations.get_invitation(mine[second.project_id].invitation_id).status == "withdrawn"
    events = outbox.drain()
    released = [e for e in events if e["type"] == "invitation.withdrawn" and e["reason"] == "volunteer_busy"]
    # V2, naming the volunteer and their email key: notify reads the note's suppression with the rest.
    assert [(e["version"], e["volunteer_id"], e["email_key"]) for e in released] == [
        (2, busy.volunteer_id, busy.email_key)
    ]
    assert store.volunteers.get_volunteer(busy.volunteer_id).pending_invitations == 0
    staffing.wave(utcnow(), "t")  # the released seat is offered to someone else
    assert any(e["type"] == "invitation.issued" and e["project_id"] == second.project_id for e in outbox.drain())


def test_tick_expires_overdue_invitations_and_tops_up(store, outbox):
    staffing = Staffing(
        store, outbox, Settings(stage="test", invitation_ttl_seconds=10), logging.getLogger("t"), pools=PoolCache()
    )
    website_refresh_team(store)
    for n in range(7, 12):
        signup(n, ["copywriting", "web_development"], lead=True, store=store)
    project = approved_project(store=store, publish=outbox)
    staffing.wave(utcnow(), "t")
    first = {i.invitation_id for i in store.campaigns.get_project(project.project_id).invitations}
    figures = staffing.tick(utcnow() + timedelta(seconds=30), "t")
    assert figures["expired"] == 6 and figures["invited"] > 0
    record = store.campaigns.get_project(project.project_id)
    assert all(i.status == "expired" for i in record.invitations if i.invitation_id in first)
    assert any(i.status == "pending" for i in record.invitations if i.invitation_id not in first)
    expired = next(i for i in record.invitations if i.invitation_id in first)
    assert store.invitations.get_invitation(expired.invitation_id).answer_channel == "system"
