"""The aggregates' guards beyond invitations (test_store.py), on the DynamoDB adapters (moto) and
on the in-memory store alike: waves, the lifecycle, unclear replies, re-scoping, duplicates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.models import utcnow
from shared.storage import AcceptOutcome, Conflict, InviteOutcome
from shared.storage.lifecycle import ServedSeat
from tests.aws import builders
from tests.aws.builders import an_invitation, campaign_request, signup


def test_a_stale_wave_state_and_the_14_day_limit_refuse_the_invitation(store):
    person = signup(1, ["copywriting"], store=store)
    first, second = (builders.approved_project(store=store, publish=builders.discard) for _ in range(2))
    waves = store.waves
    state = waves.volunteer_states([person.volunteer_id])[person.volunteer_id]
    recent = [(utcnow() - timedelta(days=d)).isoformat() for d in (1, 2)]
    full = waves.create_invitation(
        an_invitation(first.project_id, person.volunteer_id), state | {"recent_invites": recent},
        max_pending=3, max_recent=2,
    )  # fmt: skip
    assert full is InviteOutcome.VOLUNTEER_BUSY
    invite = an_invitation(first.project_id, person.volunteer_id)
    assert waves.create_invitation(invite, state, max_pending=3, max_recent=2) is InviteOutcome.CREATED
    stale = waves.create_invitation(
        an_invitation(second.project_id, person.volunteer_id, "b"), state, max_pending=3, max_recent=2
    )
    assert stale is InviteOutcome.VOLUNTEER_BUSY  # another wave invited them since `state` was read
    after = waves.volunteer_states([person.volunteer_id])[person.volunteer_id]
    assert after["invite_seq"] == 1 and after["invited_total"] == 1 and after["pending_invitations"] == 1
    assert waves.mark_reminded(invite) and not waves.mark_reminded(invite)  # one reminder


def test_a_resubmitted_request_is_a_duplicate_and_rescoping_needs_the_version_seen(store):
    from services.intake.usecases import submit_campaign

    request = campaign_request(district="99")
    first = submit_campaign(
        store, builders.discard, request, now=utcnow(), correlation_id="t", auto_approve=False, idempotency_key="fp-1"
    )
    again = submit_campaign(
        store, builders.discard, request, now=utcnow(), correlation_id="t", auto_approve=False, idempotency_key="fp-1"
    )  # the store refused it as a DuplicateRequest: the first campaign comes back, nothing new stored
    assert again[0].campaign_id == first[0].campaign_id and again[2] is False and first[2] is True
    project = first[1][0]
    record = store.campaigns.get_project(project.project_id)
    assert record.project.status == "pending_review"
    fewer = record.slots[:-1]
    smaller = project.model_copy(update={"team_size": len(fewer)})
    store.campaigns.rescope_project(record.project, smaller, record.slots, fewer)
    assert len(store.campaigns.get_project(project.project_id).slots) == len(fewer)
    with pytest.raises(Conflict):  # staff saw the version before this change
        store.campaigns.rescope_project(record.project, smaller, record.slots, fewer)
    assert not store.campaigns.transition_project(project, "matching", from_statuses=["staffed"], now=utcnow())


def test_closing_releases_each_seat_once_and_leaving_twice_changes_nothing(store):
    team = builders.website_refresh_team(store)
    project = builders.approved_project(store=store, publish=builders.discard)
    record = store.campaigns.get_project(project.project_id)
    for slot, person in zip(record.slots, team[:3], strict=True):
        inv = an_invitation(project.project_id, person.volunteer_id, skill=slot.skill or "")
        assert builders.invite(inv, store=store) is InviteOutcome.CREATED
        store.invitations.accept_invitation(inv, project, slot.index, utcnow())
    record = store.campaigns.get_project(project.project_id)
    assert record.project.filled == 3
    seats = [ServedSeat(s, 5, 2.0) for s in record.slots]
    leaver = seats[1]
    assert store.lifecycle.leave(record.project, leaver, "matching", ["matching"], utcnow(), "moved")
    assert not store.lifecycle.leave(record.project, leaver, "matching", ["matching"], utcnow(), "moved")
    record = store.campaigns.get_project(project.project_id)
    assert record.project.filled == 2 and record.slots[1].volunteer_id is None
    staying = [ServedSeat(s, 5, 2.0) for s in record.slots]
    assert store.lifecycle.close(record.project, staying, "done", ["matching"], utcnow())
    assert not store.lifecycle.close(record.project, staying, "done", ["matching"], utcnow())
    items = store.lifecycle.project_items(project.project_id)
    assert sorted(r["how"] for r in items.served) == ["closed", "closed", "left"]
    assert all(store.volunteers.get_volunteer(p.volunteer_id).active_projects == 0 for p in team[:3])
    assert store.lifecycle.ask_checkin(project.project_id, 1, team[0].volunteer_id, utcnow())
    assert not store.lifecycle.ask_checkin(project.project_id, 1, team[0].volunteer_id, utcnow())
    assert store.lifecycle.answer_checkin(project.project_id, 1, {"done": "x" * 3000}, utcnow())
    assert not store.lifecycle.answer_checkin(project.project_id, 2, {"done": "y"}, utcnow())
    [checkin] = store.lifecycle.project_items(project.project_id).checkins
    assert len(checkin["done_text"]) == 2000 and checkin["next_text"] == ""


def test_an_unclear_reply_is_resolved_once_and_leaves_the_queue(store):
    person = signup(1, ["copywriting"], store=store)
    project = builders.approved_project(store=store, publish=builders.discard)
    inv = an_invitation(project.project_id, person.volunteer_id)
    builders.invite(inv, store=store)
    at = utcnow()
    store.invitations.save_unclear_reply(inv, "email", "maybe?", at, other_sender="someone@example.org")
    [waiting] = store.invitations.unclear_replies()
    assert waiting.text == "maybe?" and waiting.from_other_address and waiting.read_as == "unclear"
    assert waiting.received_at == at.isoformat() and not waiting.resolved
    assert store.invitations.resolve_unclear_reply(inv.invitation_id, waiting.received_at, "yes", utcnow())
    assert not store.invitations.resolve_unclear_reply(inv.invitation_id, waiting.received_at, "no", utcnow())
    assert store.invitations.unclear_replies() == []
    [kept] = store.invitations.replies_to(inv.invitation_id)
    assert kept.resolved and kept.resolution == "yes"
    assert store.invitations.erase_personal_data(inv) == 1
    assert store.invitations.replies_to(inv.invitation_id) == []


def test_invitations_written_together_keep_each_ones_guards(store):
    """A group with one invitation that exists and one volunteer who is busy: those two are
    refused with their own outcome, every other one is written (the group retried without them)."""
    people = [signup(n, ["copywriting"], store=store) for n in range(1, 6)]
    project = builders.approved_project(store=store, publish=builders.discard)
    waves = store.waves
    states = waves.volunteer_states(p.volunteer_id for p in people)
    first = an_invitation(project.project_id, people[0].volunteer_id)
    assert waves.create_invitation(first, states[people[0].volunteer_id], max_pending=3, max_recent=6) is (
        InviteOutcome.CREATED
    )
    states = waves.volunteer_states(p.volunteer_id for p in people)
    busy = people[1].volunteer_id
    waves.create_invitation(an_invitation("p_elsewhere", busy, "b"), states[busy], max_pending=3, max_recent=6)
    batch = [(an_invitation(project.project_id, p.volunteer_id), states[p.volunteer_id]) for p in people]
    outcomes = waves.create_invitations(batch, max_pending=3, max_recent=6)
    assert outcomes == [
        InviteOutcome.EXISTS,  # the same (project, volunteer) was invited before
        InviteOutcome.VOLUNTEER_BUSY,  # invited elsewhere since `states` was read
        InviteOutcome.CREATED,
        InviteOutcome.CREATED,
        InviteOutcome.CREATED,
    ]
    record = store.campaigns.get_project(project.project_id)
    assert {i.volunteer_id for i in record.invitations} == {p.volunteer_id for p in people if p.volunteer_id != busy}
    after = waves.volunteer_states(p.volunteer_id for p in people)
    assert [after[p.volunteer_id]["pending_invitations"] for p in people] == [1, 1, 1, 1, 1]
    store.invitations.mark_invitations_published(record.invitations)
    assert all(i.published for i in store.campaigns.get_project(project.project_id).invitations)


def test_an_answer_is_counted_once_in_the_write_that_settles_it(store):
    """responded_total rises with a closing answer (once, however often it is repeated) and with
    an accept; a close that is no answer (an expiry, a withdrawal) does not count."""
    people = [signup(n, ["copywriting"], store=store) for n in range(1, 4)]
    project = builders.approved_project(store=store, publish=builders.discard)
    waves = store.waves
    states = waves.volunteer_states(p.volunteer_id for p in people)
    invitations = [an_invitation(project.project_id, p.volunteer_id) for p in people]
    batch = [(i, states[i.volunteer_id]) for i in invitations]
    assert waves.create_invitations(batch, max_pending=3, max_recent=6) == [InviteOutcome.CREATED] * 3
    no, expired, yes = invitations
    assert store.invitations.close_invitation(no, "declined", utcnow(), "email", answered=True)
    assert not store.invitations.close_invitation(no, "declined", utcnow(), "email", answered=True)
    assert store.invitations.close_invitation(expired, "expired", utcnow())
    record = store.campaigns.get_project(project.project_id)
    seat = next(s for s in record.slots if s.skill == "copywriting" and s.volunteer_id is None)
    assert store.invitations.accept_invitation(yes, record.project, seat.index, utcnow()).value == "joined"
    counts = waves.volunteer_states(p.volunteer_id for p in people)
    assert [int(counts[i.volunteer_id].get("responded_total") or 0) for i in invitations] == [1, 0, 1]


def test_reminders_marked_together_skip_only_the_ones_answered_or_reminded_since(store):
    people = [signup(n, ["copywriting"], store=store) for n in range(1, 5)]
    project = builders.approved_project(store=store, publish=builders.discard)
    invites = [an_invitation(project.project_id, p.volunteer_id) for p in people]
    states = store.waves.volunteer_states([p.volunteer_id for p in people])
    created = store.waves.create_invitations(
        [(i, states[i.volunteer_id]) for i in invites], max_pending=3, max_recent=5
    )
    assert created == [InviteOutcome.CREATED] * 4
    assert store.waves.mark_reminded(invites[1])  # another tick reminded it first
    assert store.invitations.close_invitation(invites[2], "declined", utcnow(), answered=True)  # answered since
    assert store.waves.mark_many_reminded(invites) == [True, False, False, True]
    assert store.waves.mark_many_reminded(invites) == [False] * 4  # once each


def test_a_reply_reads_its_invitation_and_volunteer_by_the_pointer(store):
    person = signup(1, ["copywriting"], store=store)
    project = builders.approved_project(store=store, publish=builders.discard)
    invite = an_invitation(project.project_id, person.volunteer_id)
    state = store.waves.volunteer_states([person.volunteer_id])[person.volunteer_id]
    assert store.waves.create_invitation(invite, state, max_pending=3, max_recent=2) is InviteOutcome.CREATED
    invitation, volunteer = store.invitations.get_invitation_and_volunteer(invite.invitation_id)
    assert invitation is not None and invitation.invitation_id == invite.invitation_id
    assert volunteer is not None and volunteer.volunteer_id == person.volunteer_id
    assert store.invitations.get_invitation_and_volunteer("i_nobody") == (None, None)


def test_an_accept_with_the_team_count_seen_refuses_after_another_join(store):
    people = [signup(n, ["copywriting"], store=store) for n in range(1, 3)]
    project = builders.approved_project(store=store, publish=builders.discard)
    record = store.campaigns.get_project(project.project_id)
    free = [s for s in record.slots if s.volunteer_id is None]
    invites = [an_invitation(project.project_id, p.volunteer_id) for p in people]
    states = store.waves.volunteer_states([p.volunteer_id for p in people])
    store.waves.create_invitations([(i, states[i.volunteer_id]) for i in invites], max_pending=3, max_recent=5)
    seen = record.project.filled
    first = store.invitations.accept_invitation(invites[0], record.project, free[0].index, utcnow(), seen_filled=seen)
    assert first is AcceptOutcome.JOINED
    # The second read the team before the first joined: another seat, but the count moved.
    late = store.invitations.accept_invitation(invites[1], record.project, free[1].index, utcnow(), seen_filled=seen)
    assert late is AcceptOutcome.SLOT_TAKEN
    again = store.invitations.accept_invitation(
        invites[1], record.project, free[1].index, utcnow(), seen_filled=seen + 1
    )
    assert again is AcceptOutcome.JOINED
    assert store.campaigns.get_project(project.project_id).project.filled == seen + 2


def test_a_waves_district_scores_come_in_one_read_and_a_district_without_one_is_left_out(store):
    from shared.models import DistrictScore

    def score(district: str, rank: int) -> DistrictScore:
        return DistrictScore(
            state="VA", chamber="lower", district=district, run_id="r1", year=2025, dem_share=0.5,
            p_dem_win=0.5, target_score=1.0 / rank, target_rank=rank, computed_at=utcnow(),
        )  # fmt: skip

    store.scores.put_scores("r1", {"run_id": "r1"}, [score("1", 1), score("2", 2)])
    found = store.scores.latest_scores([("VA", "lower", "1"), ("VA", "lower", "2"), ("VA", "lower", "3")])
    assert {k: v.target_rank for k, v in found.items()} == {("VA", "lower", "1"): 1, ("VA", "lower", "2"): 2}
    assert store.scores.latest_scores([]) == {}
