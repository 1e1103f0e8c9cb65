"""Races through the running local runtime, with real threads: staff approving two projects while
matching ticks run, then every invited volunteer answering yes at the same instant (some of them to
both projects at once). Whatever the interleaving: no team over its slots, no volunteer twice in a
team or past their project limit, no staffed team without its lead, and every reply applied."""

from __future__ import annotations

import threading

import pytest

from bench.chaos import check_invariants
from tests import payloads
from tests.e2e.conftest import wait_for
from tests.e2e.signups import signed_up

pytestmark = pytest.mark.e2e

ELECTION = payloads.election_date()
NAMES = ("Race Alpha", "Race Bravo")


def _all_at_once(calls: list) -> None:
    start = threading.Barrier(len(calls))

    def run(call) -> None:
        start.wait()
        call()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)


def test_concurrent_approvals_ticks_and_yes_answers_keep_every_invariant(api, runtime):
    ops = {"x-api-key": runtime.ops_key}
    volunteers = {}
    for n in range(10):
        skills = ["project_management"] if n < 2 else ["web_analytics", "data_analysis"]
        data = payloads.volunteer(
            f"racer.{n}@example.com", skills, name=f"Racer {n}", current=("Madison", "WI"), hours=8
        )
        volunteers[data["email"]] = signed_up(api, data)
        if n < 2:
            assert api.post(f"/volunteers/{volunteers[data['email']]}/lead-trained", headers=ops).status_code == 200
    campaigns: dict[str, list[str]] = {}
    for district, name in zip(("61", "62"), NAMES, strict=True):
        contact = ("Lee Ray", "lee@race.example.org")
        body = payloads.campaign(
            name, "WI", district, ["analytics_setup"], office="State Assembly", contact=contact, election=ELECTION
        )
        created = api.post("/campaigns", json=body).json()
        campaigns[created["campaign_id"]] = created["project_ids"]
    projects = [p for ids in campaigns.values() for p in ids]

    # Staff approve both projects while two matching ticks run.
    approvals: list[int] = []

    def approve(project_id: str) -> None:
        approvals.append(api.post(f"/projects/{project_id}/approve", headers=ops).status_code)

    ticks = [lambda: runtime.fire("matching-tick"), lambda: runtime.fire("matching-tick")]
    _all_at_once([*(lambda p=p: approve(p) for p in projects), *ticks])
    assert approvals == [200, 200]

    def invitations() -> list[dict]:
        return [
            m
            for m in api.get("/_local/outbox").json()
            if (m["reply_to"] or "").startswith("reply+")
            and m["to"] in volunteers
            and any(name in (m["text"] or "") for name in NAMES)
            and (m.get("message_key") or "").endswith(":invite:email")
        ]

    invited = wait_for(lambda: len(invitations()) >= 4 and invitations(), timeout=120)
    # Every invitee says yes at the same instant.
    answers: dict[str, str] = {}

    def yes(message: dict) -> None:
        response = api.post(
            "/_local/inbound/email",
            json={"from": message["to"], "to": message["reply_to"], "subject": "Re: invitation", "text": "Yes!"},
        )
        assert response.status_code == 202
        answers[message["message_key"]] = "yes"

    _all_at_once([lambda m=m: yes(m) for m in invited])

    from shared.storage import main_store

    def settled() -> bool:
        depths = runtime.queue_depths()
        if depths.get("inbound", 0) or depths.get("matching", 0):
            return False
        statuses = [main_store().invitations.get_invitation(k.split(":")[1]).status for k in answers]
        return "pending" not in statuses

    wait_for(settled, timeout=120)
    outbox = api.get("/_local/outbox").json()
    violations = check_invariants(campaigns, list(volunteers.values()), answers, outbox)
    assert not any(violations.values()), violations
    joined = sum(
        1
        for p in projects
        for s in main_store().campaigns.get_project(p).slots
        if s.volunteer_id in set(volunteers.values())
    )
    assert joined >= 2  # the race was real: people did join
    # Leave the shared runtime's pools as they were: later tests staff their own projects.
    for email in volunteers:
        assert api.post("/volunteers/forget", json={"email": email}, headers=ops).status_code == 200
