"""Notify reads ahead once per batch (outbound.read_ahead): a wave's invitations to one project
arrive together, and their volunteers and suppressions are read in one call each, not one per
message, while a suppressed address is still never emailed."""

from __future__ import annotations

import json

from services.matching import handlers as matching
from services.notify import handlers
from shared.events import InvitationIssuedV1, dump
from shared.models import email_hash, utcnow
from shared.storage import main_store
from shared.storage.contact import ContactState, contact_state
from shared.storage.volunteers import DynamoVolunteers
from tests.aws.builders import approved_project, website_refresh_team
from tests.aws.conftest import Context, drain, sent_emails, sqs_event


def test_a_batch_of_invitations_reads_volunteers_and_suppressions_once(aws, monkeypatch):
    team = website_refresh_team()
    project = approved_project()
    matching.on_event(sqs_event([json.dumps(e) for e in drain(aws, "matching")]), Context())
    matching.on_tick({}, Context())
    drain(aws, "notify")
    invitations = main_store().campaigns.get_project(project.project_id).invitations
    assert len(invitations) >= 3
    by_id = {v.volunteer_id: v for v in team}
    quiet = by_id[invitations[0].volunteer_id]
    assert contact_state().suppress(email_hash(quiet.email), "bounce", utcnow(), quiet.volunteer_id)

    calls = {"get_volunteer": 0, "suppressed": 0}
    one, many = DynamoVolunteers.get_volunteer, ContactState.suppressed

    def get_volunteer(self, volunteer_id):
        calls["get_volunteer"] += 1
        return one(self, volunteer_id)

    def suppressed(self, keys):
        calls["suppressed"] += 1
        return many(self, keys)

    monkeypatch.setattr(DynamoVolunteers, "get_volunteer", get_volunteer)
    monkeypatch.setattr(ContactState, "suppressed", suppressed)
    bodies = [
        dump(InvitationIssuedV1(correlation_id="t", invitation_id=i.invitation_id, project_id=project.project_id))
        for i in invitations
    ]
    assert handlers.on_send(sqs_event(bodies, "notify"), Context()) == {"batchItemFailures": []}
    assert calls == {"get_volunteer": 0, "suppressed": 1}
    mail = [m.raw_data for m in sent_emails()]
    assert not any(quiet.email in m for m in mail)
    for invitation in invitations[1:]:
        assert sum(by_id[invitation.volunteer_id].email in m for m in mail) == 1
