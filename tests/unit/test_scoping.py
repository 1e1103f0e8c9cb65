"""Scoping a request into projects with role-typed slots."""

from datetime import UTC, date, datetime, timedelta

from services.intake.domain.requests import CampaignRequest
from services.intake.domain.scoping import request_fingerprint, scope_campaign, slots_for
from shared.catalog import catalog

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def request(**changes) -> CampaignRequest:
    data = {
        "candidate_name": "Jo Park",
        "office": "House of Delegates",
        "chamber": "lower",
        "state": "VA",
        "district": "7",
        "election_date": (date.today() + timedelta(days=300)).isoformat(),
        "contact": {"name": "Sam", "email": "sam@example.org"},
        "needs": ["website_launch", "gotv_texting"],
    }
    return CampaignRequest.model_validate(data | changes)


def test_every_menu_item_makes_one_lead_and_a_slot_per_skill():
    for item in catalog().menu:
        slots = slots_for(item)
        assert 3 <= len(slots) <= 5
        assert [s.role for s in slots].count("lead") == 1
        assert [s.skill for s in slots if s.role == "member"] == item.skills
        assert len(slots) == item.team_size
        assert item.weeks <= 8


def test_scope_campaign_makes_one_pending_project_per_need():
    campaign, projects = scope_campaign(request(), NOW)
    assert [p.menu_item for p, _ in projects] == ["website_launch", "gotv_texting"]
    assert campaign.project_ids == [p.project_id for p, _ in projects]
    for project, slots in projects:
        assert project.status == "pending_review"
        assert project.campaign_id == campaign.campaign_id
        assert (project.state, project.district) == ("VA", "7")
        assert len(slots) == project.team_size


def test_fingerprint_names_one_submission_of_one_contact():
    assert request_fingerprint(request(), "key-1") == request_fingerprint(request(), "key-1")
    assert request_fingerprint(request(), "key-1") != request_fingerprint(request(), "key-2")
    other_contact = request(contact={"name": "Kim", "email": "kim@example.org"})
    assert request_fingerprint(request(), "key-1") != request_fingerprint(other_contact, "key-1")
