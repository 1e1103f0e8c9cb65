"""Matching's handlers on Lambda-shaped SQS batches: invitations, team formation, idempotency.

The staffing use cases themselves (answers, withdrawals, replacements, expiry) run on the
in-memory store in tests/unit/test_staffing.py; here, what needs the queues and DynamoDB."""

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


def test_a_warm_container_sees_pool_changes_at_the_next_wave(aws):
    """Pools are cached per container, but a sign-up, a lead training or an erasure a second ago
    counts in the very next wave (the pool's change token), with no cache clearing."""
    from services.matching.usecases.staffing import POOLS

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
