"""Notify through the running local runtime, over HTTP only: a real-shaped reply through
/_local/inbound/email counts once, texts through /_local/inbound/sms follow STOP/HELP/START,
and the one-click unsubscribe link in the invitation works (a GET changes nothing)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests import payloads
from tests.e2e.conftest import wait_for
from tests.e2e.signups import signed_up

pytestmark = pytest.mark.e2e

ELECTION = payloads.election_date()
PHONE = "+18045550199"


def person(n: int, skills: list[str], **extra: object) -> dict:
    return payloads.volunteer(f"notify.{n}@example.com", skills, name=f"Notify Person {n}") | extra


def texts_to(api, number: str) -> list[str]:
    return [m["text"] for m in api.get("/_local/outbox").json() if m["channel"] == "sms" and m["to"] == number]


def test_replies_texts_and_unsubscribe_through_the_local_runtime(api, runtime):
    ops = {"x-api-key": runtime.ops_key}
    lead = person(1, ["project_management"], phone="804-555-0199", sms_consent=True)
    ids = {}
    member = person(2, ["web_analytics"])
    for data in (lead, member, person(3, ["data_analysis"])):
        ids[data["email"]] = signed_up(api, data)
    assert api.post(f"/volunteers/{ids[lead['email']]}/lead-trained", headers=ops).status_code == 200
    contact = ("Kim Moss", "kim@raemoss.example.org")
    request = payloads.campaign(
        "Rae Moss", "WI", "31", ["analytics_setup"], office="State Assembly", contact=contact, election=ELECTION
    )
    created = api.post("/campaigns", json=request).json()
    assert api.post(f"/projects/{created['project_ids'][0]}/approve", headers=ops).status_code == 200

    def invitation_to(email: str) -> dict | None:
        for m in api.get("/_local/outbox").json():
            if m["channel"] == "email" and m["to"] == email and (m["reply_to"] or "").startswith("reply+"):
                return m
        return None

    lead_invite = wait_for(lambda: invitation_to(lead["email"]))
    invite = wait_for(lambda: invitation_to(member["email"]))
    link = re.search(r"<(https?://[^>]+)>", invite["list_unsubscribe"] or "")
    assert link, invite["list_unsubscribe"]
    unsubscribe_path = urlsplit(link.group(1)).path
    assert unsubscribe_path.startswith("/unsubscribe/")

    # The lead answers from an iPhone: "Yes!" above the quoted invitation (which says NO too).
    yes = {
        "from": lead["email"],
        "to": lead_invite["reply_to"],
        "subject": "Re: " + lead_invite["subject"],
        "text": "Yes!\n\nSent from my iPhone\n\n> On Nov 24, 2026, at 9:01 AM, Tech for Campaigns "
        "<team@mail.techforcampaigns.test> wrote:\n>\n> To answer, just reply:\n>   NO - no problem\n",
    }
    assert api.post("/_local/inbound/email", json=yes).status_code == 202
    # A Gmail-shaped reply whose quoted invitation says YES: only the new text ("No...") counts.
    reply = {
        "from": member["email"],
        "to": invite["reply_to"],
        "subject": "Re: " + invite["subject"],
        "text": "No thanks, not this time.\n\nOn Tue, Nov 24, 2026 at 9:01 AM Tech for Campaigns "
        "<team@mail.techforcampaigns.test> wrote:\n> To answer, just reply to this email:\n>   YES - you're in\n",
    }
    assert api.post("/_local/inbound/email", json=reply).status_code == 202
    assert api.post("/_local/inbound/email", json=reply).status_code == 202  # a second copy changes nothing

    def note(email: str, subject: str) -> list[dict]:
        return [
            m for m in api.get("/_local/outbox").json() if m["to"] == email and (m["subject"] or "").startswith(subject)
        ]

    wait_for(lambda: note(lead["email"], "You're on the team"))
    wait_for(lambda: note(member["email"], "Thanks for letting us know"))

    # Texts: STOP twice gets exactly one confirmation; HELP while opted out gets nothing; START confirms.
    sms = {"from": PHONE, "to": "+12025550100"}
    for body in ("STOP", "stop"):
        assert api.post("/_local/inbound/sms", json=sms | {"text": body}).status_code == 202
    wait_for(lambda: any("unsubscribed" in t for t in texts_to(api, PHONE)))
    assert api.post("/_local/inbound/sms", json=sms | {"text": "HELP"}).status_code == 202
    assert api.post("/_local/inbound/sms", json=sms | {"text": "START"}).status_code == 202
    wait_for(lambda: any("again" in t for t in texts_to(api, PHONE)))
    sent = [t for t in texts_to(api, PHONE) if "unsubscribed" in t or "again" in t or "Help:" in t]
    assert len(sent) == 2, sent  # one STOP confirmation, one START confirmation, no HELP answer while out
    assert len(note(member["email"], "Thanks for letting us know")) == 1  # the duplicate reply did nothing

    # Unsubscribe: a scanner's GET shows a page; the one-click POST unsubscribes.
    page = api.get(unsubscribe_path)
    assert page.status_code == 200 and 'method="post"' in page.text
    done = api.post(
        unsubscribe_path,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200 and "unsubscribed" in done.text
