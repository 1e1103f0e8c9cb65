"""Notify reads ahead once per batch (outbound.read_ahead): a wave's invitations to one project
arrive together, and their volunteers and suppressions are read in one call each, not one per
message, while a suppressed address is still never emailed."""

from __future__ import annotations

import json
from email import message_from_string, policy

from services.matching import handlers as matching
from services.notify import handlers
from shared.events import AnswerOutcomeV2, InvitationIssuedV1, InvitationWithdrawnV2, ProjectStaffedV1, dump
from shared.models import email_hash, utcnow
from shared.storage import main_store
from shared.storage.contact import ContactState, contact_state
from shared.storage.volunteers import DynamoVolunteers
from tests.aws.builders import approved_project, website_refresh_team
from tests.aws.conftest import Context, drain, sent_emails, sqs_event


def invited_team(aws):
    """A team's volunteers, its approved project and the first wave's invitations (not yet sent)."""
    team = website_refresh_team()
    project = approved_project()
    matching.on_event(sqs_event([json.dumps(e) for e in drain(aws, "matching")]), Context())
    matching.on_tick({}, Context())
    drain(aws, "notify")
    return team, project, main_store().campaigns.get_project(project.project_id).invitations


def test_a_batch_of_invitations_reads_volunteers_and_suppressions_once(aws, monkeypatch):
    team, project, invitations = invited_team(aws)
    assert len(invitations) >= 3
    by_id = {v.volunteer_id: v for v in team}
    quiet = by_id[invitations[0].volunteer_id]
    assert contact_state().suppress(email_hash(quiet.email), "bounce", utcnow(), quiet.volunteer_id)

    calls = {"get_volunteer": 0, "contact_reads": 0, "sms_state": 0}
    one, many, state = DynamoVolunteers.get_volunteer, ContactState.contact_reads, ContactState.sms_state

    def get_volunteer(self, volunteer_id):
        calls["get_volunteer"] += 1
        return one(self, volunteer_id)

    def contact_reads(self, keys, phones):
        calls["contact_reads"] += 1
        return many(self, keys, phones)

    def sms_state(self, phone):
        calls["sms_state"] += 1
        return state(self, phone)

    monkeypatch.setattr(DynamoVolunteers, "get_volunteer", get_volunteer)
    monkeypatch.setattr(ContactState, "contact_reads", contact_reads)
    monkeypatch.setattr(ContactState, "sms_state", sms_state)
    bodies = [
        dump(InvitationIssuedV1(correlation_id="t", invitation_id=i.invitation_id, project_id=project.project_id))
        for i in invitations
    ]
    assert handlers.on_send(sqs_event(bodies, "notify"), Context()) == {"batchItemFailures": []}
    # Suppressions and the texting numbers' SMS states in one read for the batch.
    assert calls == {"get_volunteer": 0, "contact_reads": 1, "sms_state": 0}
    mail = [m.raw_data for m in sent_emails()]
    assert not any(quiet.email in m for m in mail)
    for invitation in invitations[1:]:
        assert sum(by_id[invitation.volunteer_id].email in m for m in mail) == 1


def test_a_batch_of_v2_notes_reads_projects_volunteers_and_suppressions_in_one_call(aws, monkeypatch):
    """Outcome notes name their volunteer and email key: the batch reads them with the projects
    and the suppressions in one BatchGetItem; a duplicate in the batch is sent once, a suppressed
    address never, and a note whose volunteer is gone fails alone (only its message id)."""
    team, _project, invitations = invited_team(aws)
    by_id = {v.volunteer_id: v for v in team}
    quiet = by_id[invitations[0].volunteer_id]
    assert contact_state().suppress(email_hash(quiet.email), "bounce", utcnow(), None)  # the flag not set

    def note(i, volunteer_id=None):
        volunteer_id = volunteer_id or i.volunteer_id
        return dump(
            AnswerOutcomeV2(
                correlation_id="t",
                invitation_id=i.invitation_id,
                project_id=i.project_id,
                volunteer_id=volunteer_id,
                email_key=by_id[i.volunteer_id].email_key,
                outcome="declined",
            )
        )

    batch = [note(i) for i in invitations[:3]] + [note(invitations[1])] + [note(invitations[3], "v_gone")]
    reads: list[str] = []
    real = ContactState.message_reads

    def message_reads(self, *args):
        reads.append("message_reads")
        return real(self, *args)

    monkeypatch.setattr(ContactState, "message_reads", message_reads)
    monkeypatch.setattr(DynamoVolunteers, "get_volunteer", lambda *_: reads.append("get_volunteer"))
    monkeypatch.setattr(ContactState, "suppressed", lambda *_: reads.append("suppressed") or set())
    event = sqs_event(batch, "notify")
    result = handlers.on_send(event, Context())
    assert result == {"batchItemFailures": [{"itemIdentifier": event["Records"][4]["messageId"]}]}
    assert reads == ["message_reads"]  # the batch's one read, the gone volunteer's included
    keys = [
        str(message_from_string(m.raw_data, policy=policy.default)["X-TFC-Message-Key"]).strip() for m in sent_emails()
    ]
    assert sorted(keys) == sorted(f"invitation:{i.invitation_id}:declined" for i in invitations[1:3])


def test_a_teams_withdrawals_without_email_keys_read_their_suppressions_in_one_call(aws, monkeypatch):
    """A team's withdrawals name their volunteers but not their email keys (matching does not read
    those volunteers): the batch reads the volunteers, then all their addresses' suppressions in
    one call, not one per note; a suppressed address is still never emailed, a duplicate sent once."""
    team, _project, invitations = invited_team(aws)
    assert len(invitations) >= 3
    by_id = {v.volunteer_id: v for v in team}
    quiet = by_id[invitations[0].volunteer_id]
    assert contact_state().suppress(email_hash(quiet.email), "bounce", utcnow(), None)

    def withdrawn(i):
        return dump(
            InvitationWithdrawnV2(
                correlation_id="t",
                invitation_id=i.invitation_id,
                project_id=i.project_id,
                volunteer_id=i.volunteer_id,
                reason="team_filled",
            )
        )

    batch = [withdrawn(i) for i in invitations[:3]] + [withdrawn(invitations[1])]
    reads: list[tuple[str, int]] = []
    real_reads, real_suppressed = ContactState.message_reads, ContactState.suppressed

    def message_reads(self, projects, volunteers, hashes):
        reads.append(("message_reads", len(hashes)))
        return real_reads(self, projects, volunteers, hashes)

    def suppressed(self, keys):
        reads.append(("suppressed", len(keys)))
        return real_suppressed(self, keys)

    monkeypatch.setattr(ContactState, "message_reads", message_reads)
    monkeypatch.setattr(ContactState, "suppressed", suppressed)
    monkeypatch.setattr(DynamoVolunteers, "get_volunteer", lambda *_: reads.append(("get_volunteer", 1)))
    assert handlers.on_send(sqs_event(batch, "notify"), Context()) == {"batchItemFailures": []}
    assert reads == [("message_reads", 0), ("suppressed", 3)]  # two calls for the batch, not 1 + 1 per note
    keys = [
        str(message_from_string(m.raw_data, policy=policy.default)["X-TFC-Message-Key"]).strip() for m in sent_emails()
    ]
    assert sorted(keys) == sorted(f"invitation:{i.invitation_id}:withdrawn" for i in invitations[1:3])


def test_a_team_introduction_and_the_staffed_note_check_the_contacts_suppression_once(aws, monkeypatch):
    """Both emails of a staffed project go to the campaign's contact: its suppression is read once
    for the batch (with the team's), and a delivery twice still sends each email once."""
    _team, project, _invitations = invited_team(aws)
    asked: list[list[str]] = []
    real = ContactState.suppressed
    monkeypatch.setattr(ContactState, "suppressed", lambda self, keys: asked.append(keys) or real(self, keys))
    body = dump(ProjectStaffedV1(correlation_id="t", project_id=project.project_id))
    assert handlers.on_send(sqs_event([body, body], "notify"), Context()) == {"batchItemFailures": []}
    assert len(asked) == 1
    keys = [
        str(message_from_string(m.raw_data, policy=policy.default)["X-TFC-Message-Key"]).strip() for m in sent_emails()
    ]
    assert sorted(keys) == [f"project:{project.project_id}:staffed", f"project:{project.project_id}:team_intro"]
