"""Replies and texts as people really send them, through the running local runtime over HTTP:
an out-of-office recognised by its subject alone, a yes from another address, and an SMS
"opt out", each with the effects a person expects."""

from __future__ import annotations

import csv
import io

import pytest

from tests import payloads
from tests.e2e.conftest import drained, wait_for
from tests.e2e.signups import signed_up
from tests.e2e.test_notify_e2e import ELECTION, person

pytestmark = pytest.mark.e2e

PHONE = "+16125550147"
MN = {"hometown": {"city": "Duluth", "state": "MN"}, "current_location": {"city": "Duluth", "state": "MN"}}


def test_out_of_office_other_address_and_opt_out(api, runtime):
    ops = {"x-api-key": runtime.ops_key}
    lead = person(101, ["project_management"], phone="612-555-0147", sms_consent=True, **MN)
    away, other = person(102, ["web_analytics"], **MN), person(103, ["data_analysis"], **MN)
    ids = {}
    for data in (lead, away, other):
        ids[data["email"]] = signed_up(api, data)
    assert api.post(f"/volunteers/{ids[lead['email']]}/lead-trained", headers=ops).status_code == 200
    contact = ("Per Lind", "per@tovalind.example.org")
    request = payloads.campaign(
        "Tova Lind", "MN", "3A", ["analytics_setup"], office="State House", contact=contact, election=ELECTION
    )
    created = api.post("/campaigns", json=request)
    assert created.status_code == 201, created.text
    campaign_id, project_id = created.json()["campaign_id"], created.json()["project_ids"][0]
    assert api.post(f"/projects/{project_id}/approve", headers=ops).status_code == 200

    def invitation_to(email: str) -> dict | None:
        for m in api.get("/_local/outbox").json():
            about_ours = "Tova Lind" in (m["subject"] or "") and (m["reply_to"] or "").startswith("reply+")
            if m["channel"] == "email" and m["to"] == email and about_ours:
                return m
        return None

    away_invite = wait_for(lambda: invitation_to(away["email"]))
    other_invite = wait_for(lambda: invitation_to(other["email"]))

    # An out-of-office whose only sign is its subject (no RFC 3834 header), saying "No access".
    ooo = {
        "from": away["email"],
        "to": away_invite["reply_to"],
        "subject": "Automatic reply: " + away_invite["subject"],
        "text": "I'm out of the office until Monday with no access to email.\n\nNo, I will not see your message.",
    }
    assert api.post("/_local/inbound/email", json=ooo).status_code == 202
    # A clear yes, but from an address that is not the invited volunteer's.
    stranger = {
        "from": "someone.else@example.net",
        "to": other_invite["reply_to"],
        "subject": "Re: " + other_invite["subject"],
        "text": "Yes, count me in!\n\nOn Tue, Mar 3, 2026 at 9:14 AM Tech for Campaigns wrote:\n> Reply YES\n",
    }
    assert api.post("/_local/inbound/email", json=stranger).status_code == 202

    # Staff see the reply from another address in the console's unclear-replies queue, marked so.
    login = api.post(
        "/console/login",
        data={"ops_key": runtime.ops_key},
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert login.status_code == 303

    def queued() -> str | None:
        page = api.get("/console/replies")
        assert page.status_code == 200
        return page.text if "someone.else@example.net" in page.text else None

    queue = wait_for(queued)
    assert "From another address" in queue and "Yes, count me in!" in queue
    assert "out of the office" not in queue  # an auto-reply is dropped, never queued

    # Nothing applied: no welcome or thanks to either, their invitations still open.
    # the out-of-office went in first: wait until it and whatever it caused were handled (not acted on)
    wait_for(lambda: drained(runtime, "inbound", "matching", "notify"))
    outcomes = [
        m
        for m in api.get("/_local/outbox").json()
        if m["to"] in (away["email"], other["email"])
        and (m["subject"] or "").startswith(("You're on the team", "Thanks for letting us know"))
    ]
    assert outcomes == []
    project = next(p for p in api.get(f"/campaigns/{campaign_id}", headers=ops).json()["projects"])
    team = {s["volunteer_id"] for s in project["team"]}
    assert not ({ids[away["email"]], ids[other["email"]]} & team)
    assert "declined" not in project["invitations"] and "accepted" not in project["invitations"]

    # An SMS "opt out" (then "OPT-OUT" again): opted out, exactly one confirmation.
    sms = {"from": PHONE, "to": "+12025550100"}
    for text in ("Opt out", "OPT-OUT"):
        assert api.post("/_local/inbound/sms", json=sms | {"text": text}).status_code == 202

    def confirmations() -> list[str]:
        return [
            m["text"]
            for m in api.get("/_local/outbox").json()
            if m["channel"] == "sms" and m["to"] == PHONE and "unsubscribed" in m["text"]
        ]

    wait_for(confirmations)
    wait_for(lambda: drained(runtime, "inbound", "notify"))  # both opt-outs handled: the second added nothing
    assert len(confirmations()) == 1

    # ... and the export and the person's data export show it, with its time.
    export = api.get("/console/export/volunteers.csv", headers=ops)
    assert export.status_code == 200
    row = next(
        r for r in csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))) if r["email"] == lead["email"]
    )
    assert row["sms_opt_out"] == "true" and row["sms_opt_out_at"]
    data = api.post("/volunteers/export", json={"email": lead["email"]}, headers=ops).json()
    assert data["sms_opt_out"] is True and data["sms_opt_out_at"] == row["sms_opt_out_at"]
