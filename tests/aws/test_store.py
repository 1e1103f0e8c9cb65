"""The storage layer's guarantees: atomic creation, upsert by email, counts that never overflow.

Each guarantee is checked on the DynamoDB adapters (moto) and on the in-memory store the use-case
tests run on (shared/storage/memory), so the fake keeps the adapters' outcomes."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from shared.ids import derived_id
from shared.models import Invitation, utcnow
from shared.storage import AcceptOutcome, InviteOutcome, Store, main_store, main_table
from tests.aws import builders
from tests.aws.builders import signup


def approved_project(store: Store, needs: list[str] | None = None):
    return builders.approved_project(needs, store=store, publish=builders.discard)


def invite(store: Store, inv: Invitation, max_pending: int = 3) -> InviteOutcome:
    return builders.invite(inv, max_pending, store=store)


def invitation(project, volunteer, role="member", skill=None, ttl=3600) -> Invitation:
    now = utcnow()
    return Invitation(
        invitation_id=derived_id("i", project.project_id, volunteer.volunteer_id),
        project_id=project.project_id,
        volunteer_id=volunteer.volunteer_id,
        role=role,
        skill=skill,
        created_at=now,
        expires_at=now + timedelta(seconds=ttl),
    )


def test_signup_again_updates_the_same_volunteer_and_keeps_staff_fields(store):
    first = signup(1, ["copywriting"], lead=True, store=store)
    second = signup(1, ["data_analysis"], hours=3, store=store)
    assert second.volunteer_id == first.volunteer_id
    stored = store.volunteers.get_volunteer(first.volunteer_id)
    assert stored.skills == ["data_analysis"] and stored.hours_per_week == 3 and stored.lead_trained
    assert [r["volunteer_id"] for r in store.volunteers.pool("data_analysis")] == [first.volunteer_id]
    assert store.volunteers.pool("copywriting") == []  # the old skill's pool entry is gone


def test_invitation_limits(store):
    project = approved_project(store)
    person = signup(1, ["web_development"], store=store)
    inv = invitation(project, person, skill="web_development")
    assert invite(store, inv, 3) is InviteOutcome.CREATED
    assert invite(store, inv, 3) is InviteOutcome.EXISTS  # never twice
    others = [approved_project(store, ["website_launch"]) for _ in range(2)]
    results = [invite(store, invitation(p, person), 2) for p in others]
    assert results == [InviteOutcome.CREATED, InviteOutcome.VOLUNTEER_BUSY]  # pending cap
    assert store.volunteers.get_volunteer(person.volunteer_id).pending_invitations == 2


def test_accept_fills_a_slot_once_and_respects_every_limit(store):
    team = builders.website_refresh_team(store)
    project = approved_project(store)
    record = store.campaigns.get_project(project.project_id)
    lead_seat = next(s for s in record.slots if s.role == "lead")
    inv = invitation(project, team[0], role="lead")
    invite(store, inv, 3)
    assert store.invitations.accept_invitation(inv, project, lead_seat.index, utcnow()) is AcceptOutcome.JOINED
    assert store.invitations.accept_invitation(inv, project, lead_seat.index, utcnow()) is AcceptOutcome.NOT_PENDING
    other = invitation(project, team[1], role="lead")
    invite(store, other, 3)
    assert store.invitations.accept_invitation(other, project, lead_seat.index, utcnow()) is AcceptOutcome.SLOT_TAKEN
    volunteer = store.volunteers.get_volunteer(team[0].volunteer_id)
    assert (volunteer.active_projects, volunteer.pending_invitations) == (1, 0)
    # At their limit of one active project, the same volunteer cannot join another.
    second = approved_project(store, ["website_refresh"])
    inv2 = invitation(second, team[0], role="lead")
    invite(store, inv2, 3)  # refused: the create transaction checks the limit too
    assert store.invitations.get_invitation(inv2.invitation_id) is None


def test_expired_invitation_cannot_be_accepted(store):
    person = signup(1, ["web_development"], store=store)
    project = approved_project(store)
    inv = invitation(project, person, skill="web_development", ttl=-1)
    invite(store, inv, 3)
    seat = next(s for s in store.campaigns.get_project(project.project_id).slots if s.skill == "web_development")
    assert store.invitations.accept_invitation(inv, project, seat.index, utcnow()) is AcceptOutcome.EXPIRED


def test_racing_acceptances_never_overfill(store):
    """Twelve people race for the same seat at once: exactly one gets it."""
    project = approved_project(store)
    seat = next(s for s in store.campaigns.get_project(project.project_id).slots if s.skill == "web_development")
    people = [signup(i, ["web_development"], store=store) for i in range(12)]
    invitations = [invitation(project, p, skill="web_development") for p in people]
    for inv in invitations:
        invite(store, inv, 3)
    outcomes: list[AcceptOutcome] = []
    barrier = threading.Barrier(len(invitations))

    def accept(inv: Invitation) -> None:
        barrier.wait()
        outcomes.append(store.invitations.accept_invitation(inv, project, seat.index, utcnow()))

    threads = [threading.Thread(target=accept, args=(inv,)) for inv in invitations]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count(AcceptOutcome.JOINED) == 1
    assert store.campaigns.get_project(project.project_id).project.filled == 1


def test_close_releases_the_pending_count_once(store):
    person = signup(1, ["web_development"], store=store)
    project = approved_project(store)
    inv = invitation(project, person, skill="web_development")
    invite(store, inv, 3)
    assert store.invitations.close_invitation(inv, "declined", utcnow())
    assert not store.invitations.close_invitation(inv, "declined", utcnow())  # a duplicate delivery
    assert store.volunteers.get_volunteer(person.volunteer_id).pending_invitations == 0


@pytest.mark.parametrize("needs", [["website_launch", "email_program", "paid_social"]])
def test_campaign_and_projects_are_written_together(store, needs):
    project = approved_project(store, needs)
    campaign = store.campaigns.get_campaign(project.campaign_id)
    assert len(campaign.project_ids) == 3
    for project_id in campaign.project_ids:
        record = store.campaigns.get_project(project_id)
        assert record is not None and len(record.slots) == record.project.team_size


def test_a_roster_row_writes_only_the_fields_it_changes(aws):
    """Down in the table: every attribute the row does not change is byte-for-byte what it was,
    including ones the profile model never writes (counters, opt-outs, consent time)."""
    from services.intake.domain.roster import read_roster
    from services.intake.usecases import import_roster_row
    from shared.storage import keys

    person = signup(7, ["web_development"], lead=True, phone="+1 804 555 0107", sms_consent=True)
    store = main_store()
    main_table().update(  # counters and flags other services keep
        keys.volunteer(person.volunteer_id),
        "SET active_projects = :a, pending_invitations = :p, sms_opt_out = :t",
        values={":a": 1, ":p": 2, ":t": True},
    )
    before = main_table().get(keys.volunteer(person.volunteer_id))
    [row] = read_roster("Email,Skills,Hours\nv7@example.com,web_development; copywriting,9\n").rows

    dry = import_roster_row(store, row.patch, now=utcnow(), dry_run=True)
    assert dry["status"] == "updated" and main_table().get(keys.volunteer(person.volunteer_id)) == before

    result = import_roster_row(store, row.patch, now=utcnow(), dry_run=False)
    assert [c["field"] for c in result["changes"]] == ["skills", "hours_per_week"]
    after = main_table().get(keys.volunteer(person.volunteer_id))
    assert after["skills"] == ["web_development", "copywriting"] and after["hours_per_week"] == 9
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed == {"skills", "hours_per_week", "updated_at", "version"}
    assert [r["volunteer_id"] for r in store.volunteers.pool("copywriting")] == [person.volunteer_id]
    again = import_roster_row(store, row.patch, now=utcnow(), dry_run=False)
    assert (
        again["status"] == "unchanged"
        and main_table().get(keys.volunteer(person.volunteer_id))["version"] == after["version"]
    )


def test_a_refused_roster_row_writes_nothing(aws):
    from services.intake.domain.roster import read_roster
    from services.intake.usecases import import_roster_row
    from shared.storage import keys

    person = signup(8, ["copywriting"])
    before = main_table().get(keys.volunteer(person.volunteer_id))
    [row] = read_roster("Email,OK to text\nv8@example.com,yes\n").rows  # consent, but no phone on file
    result = import_roster_row(main_store(), row.patch, now=utcnow(), dry_run=False)
    assert result["status"] == "refused" and result["errors"][0]["field"] == "sms_consent"
    assert main_table().get(keys.volunteer(person.volunteer_id)) == before
    [new] = read_roster("Email,Name\nnobody@example.com,No Body\n").rows
    assert import_roster_row(main_store(), new.patch, now=utcnow(), dry_run=False)["status"] == "refused"
    assert (
        main_store().volunteers.volunteer_id_for_email(
            __import__("shared.models").models.email_hash("nobody@example.com")
        )
        is None
    )
