"""One project from request to done in the running local runtime, with a simulated clock (runs
after test_pipeline, whose first "Your team for" intro in the shared outbox must be its own):
staffed by replies, kicked off by staff, a weekly check-in answered by reply through
/_local/inbound/email, the phase end (members released), metrics, rating and the thank-you."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest

from shared.models import CLOCK_OFFSET_VAR
from tests import payloads
from tests.e2e.conftest import wait_for
from tests.e2e.signups import signed_up

pytestmark = pytest.mark.e2e

CANDIDATE = "Rosa Lifecycle"
CONTACT = "team@rosalifecycle.example.org"


def person(n: int, skills: list[str]) -> dict:
    return payloads.volunteer(
        f"lc.{n}@example.com", skills, name=f"Lifecycle Person {n}", hometown=("Norfolk", "VA"), hours=8
    )


def test_request_to_done_with_a_simulated_clock(api, runtime):
    ops = {"x-api-key": runtime.ops_key}
    ids = {}
    for n, skills in enumerate([["project_management"], ["web_development"], ["copywriting"]]):
        ids[f"lc.{n}@example.com"] = signed_up(api, person(n, skills))
    assert api.post(f"/volunteers/{ids['lc.0@example.com']}/lead-trained", headers=ops).status_code == 200
    request = payloads.campaign(CANDIDATE, "VA", "HD-88", ["website_refresh"], contact=("Rosa's manager", CONTACT))
    created = api.post("/campaigns", json=request).json()
    campaign_id, (project_id,) = created["campaign_id"], created["project_ids"]
    assert api.post(f"/projects/{project_id}/approve", headers=ops).status_code == 200

    def mine(subject: str) -> list[dict]:
        return [
            m
            for m in api.get("/_local/outbox").json()
            if m["channel"] == "email"
            and subject in (m["subject"] or "")
            and CANDIDATE in (m["subject"] or "") + (m["text"] or "")
        ]

    def reply(message: dict, sender: str, text: str) -> None:
        body = {"from": sender, "to": message["reply_to"], "subject": "Re: " + message["subject"], "text": text}
        assert api.post("/_local/inbound/email", json=body).status_code == 202

    answered: set[str] = set()

    def project() -> dict:
        return api.get(f"/campaigns/{campaign_id}", headers=ops).json()["projects"][0]

    def staffed() -> dict | None:
        for m in api.get("/_local/outbox").json():  # every invitation to this project: say yes
            invited = (m["reply_to"] or "").startswith("reply+") and CANDIDATE in (m["text"] or "")
            if invited and m["reply_to"] not in answered:
                answered.add(m["reply_to"])
                reply(m, m["to"], "Yes, count me in")
        current = project()
        return current if current["status"] == "staffed" else None

    team = wait_for(staffed, timeout=180)["team"]  # the pool is shared: others' volunteers may be on it

    saved = os.environ.get(CLOCK_OFFSET_VAR)
    try:
        started = api.post(f"/projects/{project_id}/lifecycle", headers=ops, json={"action": "kickoff"})
        assert started.status_code == 202
        active = wait_for(lambda: (p := project())["status"] == "active" and p)
        kickoff_at, ends_at = datetime.fromisoformat(active["kickoff_at"]), datetime.fromisoformat(active["ends_at"])
        assert ends_at - kickoff_at == timedelta(weeks=min(active["weeks"], 8))
        kickoff = wait_for(lambda: mine("Kickoff:"))
        assert len(kickoff) == 1 and CONTACT in kickoff[0]["to"]

        # a week later (simulated) the lead gets the check-in and answers it by reply
        assert api.post("/_local/clock", json={"advance_seconds": 7 * 86400 + 3600}).status_code == 200
        checkin = wait_for(lambda: mine("Week 1 check-in"))[0]
        lead_email = checkin["to"]  # the lead alone
        assert "," not in lead_email and lead_email not in (CONTACT,)
        reply(checkin, lead_email, "Done: new home page live\nNext: donate page\nBlocked: none")

        def checkin_stored() -> dict | None:
            from shared.storage import main_store

            items = main_store().lifecycle.project_items(project_id).checkins
            return items[0] if items and items[0].get("answered_at") else None

        assert wait_for(checkin_stored)["done_text"] == "new home page live"
        assert project()["status"] == "active"  # "none" is not a blocker

        # jump past the phase end: done, every member released and invitable again
        remaining = (ends_at - kickoff_at).total_seconds()
        assert api.post("/_local/clock", json={"advance_seconds": remaining}).status_code == 200
        assert wait_for(lambda: project()["status"] == "done")
        from shared.storage import main_store

        assert {main_store().volunteers.get_volunteer(t["volunteer_id"]).active_projects for t in team} == {0}
        metrics_request = wait_for(lambda: mine("Phase end:"))[0]
        rating_request = wait_for(lambda: [m for m in mine("How did it go?") if CONTACT in m["to"]])[0]
        reply(metrics_request, lead_email, "New sign-ups: 212\nDonations online: $8,900")
        reply(rating_request, CONTACT, "5 - the team was fantastic")
        thanks = wait_for(lambda: mine("Thank you:"))[0]
        assert "New sign-ups: 212" in thanks["text"]
    finally:
        if saved is None:
            os.environ.pop(CLOCK_OFFSET_VAR, None)
        else:
            os.environ[CLOCK_OFFSET_VAR] = saved
