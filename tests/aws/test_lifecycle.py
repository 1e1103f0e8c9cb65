"""The lifecycle through matching's handlers against moto: kickoff, check-ins, leave and refill,
phase end and cancel, and the release of active-project counts under duplicates and concurrency."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from unittest import mock

from services.matching import handlers
from shared.events import CheckinAnsweredV1, InvitationAnsweredV1, ProjectCommandV1, dump
from shared.models import utcnow
from shared.storage import main_store
from tests.aws.builders import signup
from tests.aws.conftest import Context, drain, sqs_event
from tests.aws.test_matching_handlers import fill_team, run, wave


def command(project_id: str, action: str, **extra) -> str:
    return dump(ProjectCommandV1(correlation_id="t", project_id=project_id, action=action, **extra))


def staffed(aws):
    """A website_refresh project staffed by the first invitee of each seat kind."""
    _, project, invitations = fill_team(aws)
    firsts = {}
    for inv in invitations:
        firsts.setdefault((inv.role, inv.skill), inv)
    run(
        [
            dump(InvitationAnsweredV1(correlation_id="t", invitation_id=i.invitation_id, answer="yes", channel="email"))
            for i in firsts.values()
        ]
    )
    record = main_store().campaigns.get_project(project.project_id)
    assert record.project.status == "staffed"
    drain(aws, "notify")
    return record


def actives(record) -> dict[str, int]:
    ids = [s.volunteer_id for s in record.slots if s.volunteer_id]
    return {v: main_store().volunteers.get_volunteer(v).active_projects for v in ids}


def lifecycle_tick(at) -> dict:
    with mock.patch("services.matching.handlers.utcnow", return_value=at):
        return handlers.on_lifecycle_tick({}, Context())


def test_kickoff_fixes_the_phase_end_and_is_sent_once_per_duplicate(aws):
    record = staffed(aws)
    pid = record.project.project_id
    assert record.project.weeks > 0
    run([command(pid, "kickoff"), command(pid, "kickoff")])
    project = main_store().campaigns.get_project(pid).project
    assert project.status == "active"
    assert project.ends_at - project.kickoff_at == timedelta(weeks=min(project.weeks, 8))
    first_end = project.ends_at
    run([command(pid, "kickoff", kickoff_at=utcnow() + timedelta(days=30))])  # a late duplicate
    assert main_store().campaigns.get_project(pid).project.ends_at == first_end  # never moves once fixed
    assert {e["type"] for e in drain(aws, "notify")} == {"project.kicked_off"}


def test_phase_end_releases_every_member_once_and_the_tick_asks_weekly_checkins(aws):
    record = staffed(aws)
    pid = record.project.project_id
    assert set(actives(record).values()) == {1}
    run([command(pid, "kickoff")])
    drain(aws, "notify")
    project = main_store().campaigns.get_project(pid).project
    week2 = project.kickoff_at + timedelta(weeks=2, hours=1)
    assert lifecycle_tick(week2)["checkins_asked"] == 2  # weeks 1 and 2
    assert lifecycle_tick(week2)["checkins_asked"] == 0  # once per week
    asked = [e for e in drain(aws, "notify") if e["type"] == "checkin.requested"]
    lead = next(s.volunteer_id for s in record.slots if s.role == "lead")
    assert sorted(e["week"] for e in asked) == [1, 2] and {e["lead_id"] for e in asked} == {lead}
    run([dump(CheckinAnsweredV1(correlation_id="t", project_id=pid, week=2, text="Done: home page\nBlocked: none"))])
    stored = main_store().lifecycle.project_items(pid).checkins
    assert stored[1]["done_text"] == "home page" and stored[1]["blocked_text"] == "none"
    assert main_store().campaigns.get_project(pid).project.status == "active"

    end = project.ends_at + timedelta(minutes=1)
    with mock.patch("services.matching.handlers.utcnow", return_value=end):
        results = []
        threads = [threading.Thread(target=lambda: results.append(handlers.on_lifecycle_tick({}, Context())))]
        threads.append(threading.Thread(target=lambda: run([command(pid, "complete"), command(pid, "complete")])))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    final = main_store().campaigns.get_project(pid)
    assert final.project.status == "done"
    assert set(actives(final).values()) == {0}  # released exactly once despite three closes
    served = main_store().lifecycle.project_items(pid).served
    weeks = min(project.weeks, 8)
    assert sorted(s["weeks"] for s in served) == [weeks] * 3
    closed = [e for e in drain(aws, "notify") if e["type"] == "project.closed"]
    assert closed and {e["outcome"] for e in closed} == {"done"}


def test_a_blocker_needs_attention_and_stays_settled_once_staff_resume(aws):
    record = staffed(aws)
    pid = record.project.project_id
    run([command(pid, "kickoff")])
    project = main_store().campaigns.get_project(pid).project
    assert project.weeks >= 3
    lifecycle_tick(project.kickoff_at + timedelta(weeks=1, hours=1))
    assert main_store().campaigns.get_project(pid).project.status == "active"
    run([dump(CheckinAnsweredV1(correlation_id="t", project_id=pid, week=1, text="Blocked: no access to the domain"))])
    flagged = main_store().campaigns.get_project(pid).project
    assert flagged.status == "needs_attention" and "blocker" in flagged.status_reason
    with mock.patch("services.matching.handlers.utcnow", return_value=project.kickoff_at + timedelta(weeks=1, hours=2)):
        run([command(pid, "resume")])
    assert main_store().campaigns.get_project(pid).project.status == "active"
    lifecycle_tick(project.kickoff_at + timedelta(weeks=1, hours=3))
    assert main_store().campaigns.get_project(pid).project.status == "active"  # the settled blocker does not re-flag


def test_two_missed_checkins_need_attention_one_does_not(aws):
    record = staffed(aws)
    pid = record.project.project_id
    run([command(pid, "kickoff")])
    project = main_store().campaigns.get_project(pid).project
    lifecycle_tick(project.kickoff_at + timedelta(weeks=2, hours=1))  # weeks 1 and 2 asked
    assert main_store().campaigns.get_project(pid).project.status == "active"  # week 2 just asked: not missed yet
    lifecycle_tick(project.kickoff_at + timedelta(weeks=2, days=4))
    flagged = main_store().campaigns.get_project(pid).project
    assert flagged.status == "needs_attention" and "2 check-ins" in flagged.status_reason


def test_a_member_leaves_the_seat_reopens_and_the_next_wave_refills_it_back_to_active(aws):
    record = staffed(aws)
    pid = record.project.project_id
    run([command(pid, "kickoff")])
    ends_at = main_store().campaigns.get_project(pid).project.ends_at
    member = next(s for s in record.slots if s.role == "member")
    run([command(pid, "leave", volunteer_id=member.volunteer_id)] * 2)  # duplicate delivery
    after = main_store().campaigns.get_project(pid)
    assert after.project.status == "matching" and after.project.filled == record.project.filled - 1
    assert next(s for s in after.slots if s.index == member.index).volunteer_id is None
    assert main_store().volunteers.get_volunteer(member.volunteer_id).active_projects == 0  # released once
    left = [e for e in drain(aws, "notify") if e["type"] == "volunteer.left"]
    assert left and {e["volunteer_id"] for e in left} == {member.volunteer_id}

    signup(50, [member.skill])  # someone new with the skill
    wave()
    issued = [e for e in drain(aws, "notify") if e["type"] == "invitation.issued"]
    refill = [main_store().invitations.get_invitation(e["invitation_id"]) for e in issued]
    assert member.volunteer_id not in {i.volunteer_id for i in refill}  # never asked back to the same project
    yes = next(i for i in refill if i.skill == member.skill)
    run(
        [dump(InvitationAnsweredV1(correlation_id="t", invitation_id=yes.invitation_id, answer="yes", channel="email"))]
    )
    refilled = main_store().campaigns.get_project(pid).project
    assert refilled.status == "active" and refilled.ends_at == ends_at  # the phase goes on, same end


def test_the_lead_leaving_needs_attention_and_cancel_releases_the_rest(aws):
    record = staffed(aws)
    pid = record.project.project_id
    run([command(pid, "kickoff")])
    lead = next(s for s in record.slots if s.role == "lead")
    run([command(pid, "leave", volunteer_id=lead.volunteer_id)])
    assert main_store().campaigns.get_project(pid).project.status == "needs_attention"
    assert main_store().volunteers.get_volunteer(lead.volunteer_id).active_projects == 0
    # cancel from two consumers at once: the others are released exactly once
    barrier = threading.Barrier(2)

    def cancel() -> None:
        barrier.wait()
        handlers.on_event(sqs_event([command(pid, "cancel", reason="campaign withdrew")], "matching"), Context())

    threads = [threading.Thread(target=cancel) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = main_store().campaigns.get_project(pid)
    assert final.project.status == "cancelled" and final.project.status_reason == "campaign withdrew"
    others = {s.volunteer_id for s in record.slots if s.volunteer_id != lead.volunteer_id}
    assert {main_store().volunteers.get_volunteer(v).active_projects for v in others} == {0}
    run([command(pid, "cancel")])  # a late duplicate changes nothing
    assert {main_store().volunteers.get_volunteer(v).active_projects for v in others} == {0}
    types = Counter(e["type"] for e in drain(aws, "notify"))
    assert types["project.closed"] >= 1


def test_refused_commands_change_nothing(aws):
    record = staffed(aws)
    pid = record.project.project_id
    run([command(pid, "complete"), command(pid, "leave", volunteer_id="v_nobody"), command("p_missing", "cancel")])
    assert main_store().campaigns.get_project(pid).project.status == "staffed"
    assert set(actives(record).values()) == {1}


def test_the_phase_ends_on_time_while_a_reopened_seat_is_still_empty(aws):
    record = staffed(aws)
    pid = record.project.project_id
    run([command(pid, "kickoff")])
    project = main_store().campaigns.get_project(pid).project
    member = next(s for s in record.slots if s.role == "member")
    run([command(pid, "leave", volunteer_id=member.volunteer_id)])
    assert main_store().campaigns.get_project(pid).project.status == "matching"
    assert lifecycle_tick(project.ends_at + timedelta(minutes=1))["completed"] == 1
    final = main_store().campaigns.get_project(pid)
    assert final.project.status == "done"
    assert {
        main_store().volunteers.get_volunteer(s.volunteer_id).active_projects for s in final.slots if s.volunteer_id
    } == {0}
    assert main_store().volunteers.get_volunteer(member.volunteer_id).active_projects == 0  # released once, at leaving


def test_a_follow_on_phase_is_a_new_linked_project_offered_first_to_the_same_team(aws):
    record = staffed(aws)
    pid = record.project.project_id
    run([command(pid, "follow_on")])
    assert len(main_store().campaigns.get_campaign(record.project.campaign_id).project_ids) == 1  # refused: not done
    run([command(pid, "kickoff")])
    lifecycle_tick(main_store().campaigns.get_project(pid).project.ends_at + timedelta(minutes=1))
    drain(aws, "notify")
    run([command(pid, "follow_on"), command(pid, "follow_on")])  # with a duplicate
    ids = main_store().campaigns.get_campaign(record.project.campaign_id).project_ids
    assert len(ids) == 2
    follow = main_store().campaigns.get_project(ids[1])
    assert follow.project.follows_project_id == pid and follow.project.status == "matching"
    assert [s.volunteer_id for s in follow.slots] == [None] * len(record.slots)
    team = {(s.volunteer_id, s.role, s.skill) for s in record.slots}
    assert {(i.volunteer_id, i.role, i.skill) for i in follow.invitations} == team  # the same team, same seats
    issued = [e for e in drain(aws, "notify") if e["type"] == "invitation.issued"]
    assert len(issued) == len(team)  # once each, despite the duplicate
    run(
        [
            dump(InvitationAnsweredV1(correlation_id="t", invitation_id=i.invitation_id, answer="yes", channel="email"))
            for i in follow.invitations
        ]
    )
    assert main_store().campaigns.get_project(ids[1]).project.status == "staffed"
