"""Matching's handlers on Lambda-shaped SQS batches: invitations, team formation, idempotency."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from services.intake.usecases import set_lead_trained
from services.matching import handlers
from shared.events import InvitationAnsweredV1, ProjectApprovedV1, dump
from shared.models import utcnow
from shared.storage import main_store
from shared.storage.privacy import forget_volunteer
from tests.aws.builders import approved_project, signup, website_refresh_team
from tests.aws.conftest import Context, drain, sqs_event


def approve_event(project_id: str) -> str:
    return dump(ProjectApprovedV1(correlation_id="t", project_id=project_id))


def answer(invitation_id: str, yes: bool = True) -> str:
    return dump(
        InvitationAnsweredV1(
            correlation_id="t", invitation_id=invitation_id, answer="yes" if yes else "no", channel="email"
        )
    )


def run(bodies: list[str]) -> dict:
    return handlers.on_event(sqs_event(bodies, "matching"), Context())


def wave() -> dict:
    """The schedule's tick: expiries, reminders, then one wave across every open project."""
    return handlers.on_tick({}, Context())


def invited(aws) -> list[str]:
    return [e["invitation_id"] for e in drain(aws, "notify") if e["type"] == "invitation.issued"]


def test_the_wave_after_approval_invites_two_per_seat_with_reasons(aws):
    website_refresh_team()
    project = approved_project()
    drain(aws, "matching")
    assert run([approve_event(project.project_id)]) == {"batchItemFailures": []}
    assert invited(aws) == []  # invitations go out in waves, not per approval
    assert wave()["invited"] == 6
    ids = invited(aws)
    assert len(ids) == 6  # lead, web_development, copywriting: two invitations each
    record = main_store().campaigns.get_project(project.project_id)
    assert Counter((i.role, i.skill) for i in record.invitations) == {
        ("lead", None): 2,
        ("member", "web_development"): 2,
        ("member", "copywriting"): 2,
    }
    assert all(i.reasons and i.published and i.score_components for i in record.invitations)
    assert all(set(i.score_components) >= {"skill", "affinity", "responsiveness", "fairness", "priority"}
               for i in record.invitations)  # fmt: skip
    assert len({i.volunteer_id for i in record.invitations}) == 6  # nobody asked twice
    assert record.project.waves == 1
    assert run([approve_event(project.project_id)]) == {"batchItemFailures": []}  # redelivery
    assert wave()["invited"] == 0  # every seat has its invitations out: nothing more
    assert invited(aws) == [] and len(main_store().campaigns.get_project(project.project_id).invitations) == 6


def test_only_the_bad_record_is_reported_and_an_all_bad_batch_raises(aws):
    project = approved_project()
    event = sqs_event([approve_event(project.project_id), '{"type": "nonsense"}'], "matching")
    result = handlers.on_event(event, Context())
    assert [f["itemIdentifier"] for f in result["batchItemFailures"]] == [event["Records"][1]["messageId"]]
    with pytest.raises(BatchProcessingError):
        handlers.on_event(sqs_event(["not json", "{}"], "matching"), Context())


def fill_team(aws) -> tuple:
    team = website_refresh_team()
    project = approved_project()
    drain(aws, "matching")
    run([approve_event(project.project_id)])
    wave()
    drain(aws, "notify")
    return team, project, main_store().campaigns.get_project(project.project_id).invitations


def test_yes_answers_staff_the_team_then_late_yes_is_thanked_and_pending_withdrawn(aws):
    _, project, invitations = fill_team(aws)
    by_kind: dict = {}
    for inv in invitations:
        by_kind.setdefault((inv.role, inv.skill), []).append(inv)
    firsts = [group[0] for group in by_kind.values()]
    run([answer(i.invitation_id) for i in firsts])
    record = main_store().campaigns.get_project(project.project_id)
    assert record.project.status == "staffed"
    assert [s.role for s in record.slots if s.volunteer_id].count("lead") == 1
    events = drain(aws, "notify")
    types = Counter(e["type"] for e in events)
    assert types["project.staffed"] == 1 and types["invitation.withdrawn"] == 3
    assert Counter(e["outcome"] for e in events if e["type"] == "answer.outcome") == {"joined": 3}
    late = next(group[1] for group in by_kind.values())
    run([answer(late.invitation_id)])
    assert [e.get("outcome") for e in drain(aws, "notify")] == []  # withdrawn already: nothing to do
    assert main_store().invitations.get_invitation(late.invitation_id).status == "withdrawn"


def test_duplicate_yes_joins_once(aws):
    _, project, invitations = fill_team(aws)
    first = invitations[0]
    run([answer(first.invitation_id), answer(first.invitation_id)])
    run([answer(first.invitation_id)])
    assert main_store().campaigns.get_project(project.project_id).project.filled == 1
    assert main_store().volunteers.get_volunteer(first.volunteer_id).active_projects == 1
    outcomes = [e["outcome"] for e in drain(aws, "notify") if e["type"] == "answer.outcome"]
    assert outcomes == ["joined"]


def test_many_yes_at_once_fill_exactly_the_seats_with_one_lead(aws):
    """Every invited volunteer says yes at the same instant, on separate consumers."""
    _, project, invitations = fill_team(aws)
    barrier = threading.Barrier(len(invitations))

    def reply(invitation_id: str) -> None:
        barrier.wait()
        run([answer(invitation_id)])

    threads = [threading.Thread(target=reply, args=(i.invitation_id,)) for i in invitations]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    record = main_store().campaigns.get_project(project.project_id)
    assert record.project.filled == record.project.team_size == 3
    assert record.project.status == "staffed"
    filled = [s for s in record.slots if s.volunteer_id]
    assert len(filled) == 3 and [s.role for s in filled].count("lead") == 1
    assert len({s.volunteer_id for s in filled}) == 3
    for inv in invitations:
        volunteer = main_store().volunteers.get_volunteer(inv.volunteer_id)
        assert volunteer.active_projects <= volunteer.max_active_projects
        assert volunteer.pending_invitations == 0


def test_decline_invites_a_replacement(aws):
    for n in range(7, 10):
        signup(n, ["copywriting"])
    _, project, invitations = fill_team(aws)
    declined = next(i for i in invitations if i.skill == "copywriting")
    run([answer(declined.invitation_id, yes=False)])
    assert main_store().invitations.get_invitation(declined.invitation_id).status == "declined"
    assert main_store().waves.volunteer_states([declined.volunteer_id])[declined.volunteer_id]["responded_total"] == 1
    wave()
    record = main_store().campaigns.get_project(project.project_id)
    pending_copy = [i for i in record.invitations if i.skill == "copywriting" and i.status == "pending"]
    assert len(pending_copy) == 2  # topped back up
    assert main_store().volunteers.get_volunteer(declined.volunteer_id).pending_invitations == 0


def test_tick_expires_overdue_invitations_and_tops_up(aws, monkeypatch):
    monkeypatch.setenv("TFC_INVITATION_TTL_SECONDS", "10")
    from shared.settings import reset_settings

    reset_settings()
    website_refresh_team()
    for n in range(7, 12):
        signup(n, ["copywriting", "web_development"], lead=True)
    project = approved_project()
    drain(aws, "matching")
    run([approve_event(project.project_id)])
    wave()
    first = {i.invitation_id for i in main_store().campaigns.get_project(project.project_id).invitations}
    import datetime as dt

    from services.matching.staffing import Staffing
    from shared.models import utcnow
    from shared.publisher import publish
    from shared.settings import get_settings

    later = utcnow() + dt.timedelta(seconds=30)
    figures = Staffing(main_store(), publish, get_settings(), handlers.logger).tick(later, "t")
    assert figures["expired"] == 6 and figures["invited"] > 0
    record = main_store().campaigns.get_project(project.project_id)
    assert all(i.status == "expired" for i in record.invitations if i.invitation_id in first)
    assert any(i.status == "pending" for i in record.invitations if i.invitation_id not in first)


def test_joining_a_team_releases_the_volunteers_other_invitations(aws):
    busy = signup(1, ["web_development"])  # grew up in Virginia: the best fit for both projects
    for n in range(2, 8):
        signup(n, ["web_development", "copywriting"], lead=n < 4, state="CO")
    first = approved_project()
    wave()
    second = approved_project()
    wave()  # one invitation per volunteer per wave: the second comes in the next wave
    drain(aws, "matching")
    drain(aws, "notify")
    mine = {i.project_id: i for i in main_store().invitations.invitations_of_volunteer(busy.volunteer_id)}
    assert set(mine) == {first.project_id, second.project_id}, "the fixture needs both invitations"
    run([answer(mine[first.project_id].invitation_id)])
    assert main_store().invitations.get_invitation(mine[second.project_id].invitation_id).status == "withdrawn"
    events = drain(aws, "notify")
    assert any(e["type"] == "invitation.withdrawn" and e["reason"] == "volunteer_busy" for e in events)
    assert main_store().volunteers.get_volunteer(busy.volunteer_id).pending_invitations == 0
    wave()  # the released seat is offered to someone else
    assert any(e["type"] == "invitation.issued" and e["project_id"] == second.project_id for e in drain(aws, "notify"))


def test_a_warm_container_sees_pool_changes_at_the_next_wave(aws):
    """Pools are cached per container, but a sign-up, a lead training or an erasure a second ago
    counts in the very next wave (the pool's change token), with no cache clearing."""
    from services.matching.staffing import POOLS

    signup(1, ["project_management"], lead=True)
    signup(2, ["web_development"])
    signup(3, ["copywriting"])
    project = approved_project()
    drain(aws, "matching")
    assert wave()["invited"] == 3  # one per seat so far (two are wanted): the pools are now cached
    assert POOLS._pools, "the wave cached its pools"
    writer = signup(4, ["copywriting"])
    coder = signup(5, ["web_development"])
    lead = signup(6, ["data_analysis"])
    set_lead_trained(main_store(), now=utcnow(), volunteer_id=lead.volunteer_id)
    assert wave()["invited"] == 3  # the new copywriter, web developer and newly trained lead
    record = main_store().campaigns.get_project(project.project_id)
    assert {i.volunteer_id for i in record.invitations} >= {writer.volunteer_id, coder.volunteer_id, lead.volunteer_id}

    forget_volunteer(main_store(), writer.volunteer_id, utcnow())
    assert writer.volunteer_id not in {c.volunteer_id for c in POOLS.get(main_store(), "copywriting")}
