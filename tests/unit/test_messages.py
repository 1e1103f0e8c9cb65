"""Every message kind renders, in text and HTML, and user data is escaped in the HTML."""

from datetime import UTC, date, datetime, timedelta

import pytest

from services.notify.domain import messages, mime
from shared.models import Campaign, Contact, Invitation, Place, Project, Slot, Volunteer

NOW = datetime(2026, 11, 25, 15, tzinfo=UTC)
EVIL = "<script>alert(1)</script>"
FOOTER = {"postal_address": "PO Box 1, Washington, DC", "unsubscribe_url": ""}


def volunteer(name=f"Ana {EVIL}") -> Volunteer:
    return Volunteer(
        volunteer_id="v_1",
        name=name,
        email="ana@example.com",
        skills=["copywriting"],
        hometown=Place(city="Richmond", state="VA"),
        current_location=Place(city="Oakland", state="CA"),
        hours_per_week=5,
        weeks_available=8,
        created_at=NOW,
        updated_at=NOW,
    )


PROJECT = Project(
    project_id="p_1",
    campaign_id="c_1",
    menu_item="website_launch",
    category="digital_basics",
    title="Campaign website",
    skills=["web_development", "copywriting"],
    team_size=3,
    weeks=4,
    hours_per_week=5,
    deliverables=["Live site"],
    metrics=["Launch date"],
    candidate_name=f"Jo {EVIL}",
    office="House of Delegates",
    state="VA",
    chamber="lower",
    district="7",
    election_date=date(2027, 11, 2),
    created_at=NOW,
)
CAMPAIGN = Campaign(
    campaign_id="c_1",
    candidate_name=f"Jo {EVIL}",
    office="House of Delegates",
    chamber="lower",
    state="VA",
    district="7",
    election_date=date(2027, 11, 2),
    contact=Contact(name=f"Sam {EVIL}", email="sam@example.org"),
    needs=["website_launch"],
    created_at=NOW,
)
INVITATION = Invitation(
    invitation_id="i_1",
    project_id="p_1",
    volunteer_id="v_1",
    role="member",
    skill="copywriting",
    reasons=["grew up in Virginia", "copywriting"],
    created_at=NOW,
    expires_at=NOW + timedelta(hours=72),
)
TEAM = [(Slot(index=0, role="lead", volunteer_id="v_1"), volunteer())]


def all_contents() -> dict[str, messages.Content]:
    contents = {
        "invitation": messages.invitation(volunteer(), PROJECT, INVITATION, TEAM, FOOTER),
        "campaign_received": messages.campaign_received(CAMPAIGN, [PROJECT], FOOTER),
        "team_intro": messages.team_intro(PROJECT, CAMPAIGN, TEAM, FOOTER),
        "reminder": messages.reminder(volunteer(), PROJECT, INVITATION, FOOTER),
        "project_staffed": messages.project_staffed(PROJECT, CAMPAIGN, TEAM, FOOTER),
    }
    for kind in ("joined", "declined", "team_full", "expired", "at_limit", "withdrawn", "released", "unclear"):
        contents[kind] = messages.outcome(kind, volunteer(), PROJECT, FOOTER)
    return contents


@pytest.mark.parametrize("kind", list(all_contents()))
def test_renders_text_and_html_and_escapes(kind):
    content = all_contents()[kind]
    assert content.subject and "\n" not in content.subject
    assert content.text.strip() and content.html.strip()
    assert EVIL not in content.html
    assert "PO Box 1, Washington, DC" in content.text and "PO Box 1, Washington, DC" in content.html


def test_invitation_says_what_why_how_long_and_how_to_answer():
    content = all_contents()["invitation"]
    for words in (
        "5 hours a week for 4 weeks",
        "grew up in Virginia",
        "YES",
        "NO",
        "Virginia House district 7",
        "running for House of Delegates",
    ):
        assert words in content.text


def test_mime_has_both_parts_and_reply_to_and_no_header_injection():
    content = messages.Content(subject="Hi\r\nBcc: victim@example.com", text="t", html="<p>h</p>")
    message = mime.build(
        content,
        sender="TFC <team@example.org>",
        to=[("Eve\r\nBcc: x@example.com", "eve@example.com")],
        reply_to="reply+abc@reply.example.org",
        unsubscribe_url="https://x.org/u/1",
        unsubscribe_mailto=None,
        message_key="k:1",
    )
    raw = message.as_string()
    assert "\nBcc:" not in raw
    assert message["Reply-To"] == "reply+abc@reply.example.org"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert {p.get_content_type() for p in message.iter_parts()} == {"text/plain", "text/html"}


def test_every_kind_carries_its_unsubscribe_link_in_both_parts():
    footer = {"postal_address": "PO Box 1", "unsubscribe_url": "https://x.org/unsubscribe/abc?a=1&b=2"}
    for content in (
        messages.invitation(volunteer(), PROJECT, INVITATION, TEAM, footer),
        messages.reminder(volunteer(), PROJECT, INVITATION, footer),
        messages.outcome("team_full", volunteer(), PROJECT, footer),
        messages.campaign_received(CAMPAIGN, [PROJECT], footer),
        messages.project_staffed(PROJECT, CAMPAIGN, TEAM, footer),
    ):
        assert "https://x.org/unsubscribe/abc?a=1&b=2" in content.text
        assert 'href="https://x.org/unsubscribe/abc?a=1&amp;b=2"' in content.html


def test_reminder_says_when_it_closes_and_how_to_answer():
    content = messages.reminder(volunteer(name="Ana"), PROJECT, INVITATION, FOOTER)
    assert "Reminder" in content.subject
    assert "YES or NO" in content.text and "5 hours a week for 4 weeks" in content.text
    assert "PST" in content.text  # the closing time in the volunteer's own zone (Oakland)


def test_project_staffed_tells_the_campaign_who_leads():
    content = messages.project_staffed(PROJECT, CAMPAIGN, TEAM, FOOTER)
    assert "team is complete" in content.text and "1 volunteer." in content.text
    assert f"Ana {EVIL} leads it" in content.text  # plain text is not HTML: kept as typed
