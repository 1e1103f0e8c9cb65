"""A black-box client that speaks only HTTP takes a campaign from request to staffed team."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests import payloads
from tests.e2e.conftest import wait_for
from tests.e2e.signups import signed_up

pytestmark = pytest.mark.e2e

ELECTION = payloads.election_date()


def volunteer(n: int, skills: list[str]) -> dict:
    return payloads.volunteer(f"e2e.{n}@example.com", skills, name=f"E2E Person {n}", hometown=("Norfolk", "VA"))


def test_request_to_staffed_team_over_http(api, runtime):
    ops = {"x-api-key": runtime.ops_key}
    people = {}
    for n, skills in enumerate(
        [
            ["web_development"],
            ["copywriting"],
            ["web_development"],
            ["copywriting"],
            ["project_management"],
            ["project_management"],
        ]
    ):
        people[f"e2e.{n}@example.com"] = signed_up(api, volunteer(n, skills))
    for n in (4, 5):
        assert api.post(f"/volunteers/{people[f'e2e.{n}@example.com']}/lead-trained", headers=ops).status_code == 200

    contact = ("Lee Cruz", "lee@danacruz.example.org")
    request = payloads.campaign("Dana Cruz", "VA", "HD-12", ["website_refresh"], contact=contact, election=ELECTION)
    created = api.post("/campaigns", json=request)
    assert created.status_code == 201, created.text
    campaign_id, (project_id,) = created.json()["campaign_id"], created.json()["project_ids"]
    assert api.get(f"/campaigns/{campaign_id}", headers=ops).json()["projects"][0]["status"] == "pending_review"
    assert api.post(f"/projects/{project_id}/approve", headers=ops).status_code == 200

    def invitations() -> list[dict]:
        return [
            m
            for m in api.get("/_local/outbox").json()
            if m["channel"] == "email" and (m["reply_to"] or "").startswith("reply+") and m["to"] in people
        ]

    answered: set[str] = set()

    def answer_new_invitations() -> None:
        for message in invitations():
            if message["reply_to"] in answered:
                continue
            answered.add(message["reply_to"])
            reply = {
                "from": message["to"],
                "to": message["reply_to"],
                "subject": "Re: " + message["subject"],
                "text": "Yes, I'm in!\n\nOn Monday, TFC wrote:\n> Reply YES to join, NO to pass",
            }
            assert api.post("/_local/inbound/email", json=reply).status_code == 202

    def staffed() -> dict | None:
        answer_new_invitations()  # like people do: answer whatever has arrived
        project = api.get(f"/campaigns/{campaign_id}", headers=ops).json()["projects"][0]
        return project if project["status"] == "staffed" else None

    project = wait_for(staffed)
    texts = [m["text"] for m in invitations()]
    assert any("grew up in Virginia" in t for t in texts)  # the wave's reasons reach the email
    assert any("trained team lead" in t for t in texts)
    roles = [member["role"] for member in project["team"]]
    assert sorted(roles) == ["lead", "member", "member"]
    assert {m["volunteer_id"] for m in project["team"]} <= set(people.values())

    def introduced() -> list[dict]:
        return [
            m
            for m in api.get("/_local/outbox").json()
            if m["subject"] and m["subject"].startswith("Your team for Dana Cruz")
        ]

    intro = wait_for(introduced)[0]
    assert "lee@danacruz.example.org" in intro["to"]  # the campaign is introduced too
    outbox = api.get("/_local/outbox").json()
    assert [m["sent_at"] for m in outbox] == sorted(m["sent_at"] for m in outbox)
    assert {"channel", "to", "from", "reply_to", "subject", "text", "sent_at", "message_id"} <= set(outbox[0])


def test_refused_requests_over_http(api):
    response = api.post("/campaigns", json={"candidate_name": "X", "state": "ZZ"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"state", "office", "chamber", "district", "election_date", "contact", "needs"} <= fields
    too_big = api.post(
        "/volunteers", content=b"{" + b" " * (11 * 1024 * 1024) + b"}", headers={"Content-Type": "application/json"}
    )
    assert too_big.status_code == 413
    assert api.post("/_local/inbound/email", json={"from": "a@example.com"}).status_code == 422


def test_a_poison_message_goes_to_the_dead_letter_queue(runtime):
    import boto3

    sqs = boto3.session.Session(region_name="us-east-1").client("sqs")
    sqs.send_message(QueueUrl=runtime.queue_urls["matching"], MessageBody='{"type": "no.such.event"}')

    def in_dlq() -> bool:
        return runtime.queue_depths()["matching-dlq"] == 1

    wait_for(in_dlq, timeout=120)
    assert runtime.queue_depths()["matching"] == 0


def test_cli_approves_through_the_running_system(api, runtime):
    request = payloads.campaign(
        "Ira Bell", "VA", "21", ["analytics_setup"], office="State Senate", chamber="upper",
        contact=("Ira", "ira@bell.example.org"), election=ELECTION,
    )  # fmt: skip
    body = api.post("/campaigns", json=request).json()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tfc.cli",
            "projects",
            "approve",
            body["project_ids"][0],
            "--api",
            runtime.url,
            "--ops-key",
            runtime.ops_key,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "matching" in result.stdout
    view = api.get(f"/campaigns/{body['campaign_id']}", headers={"x-api-key": runtime.ops_key}).json()
    assert view["projects"][0]["status"] in ("matching", "staffed", "needs_attention")
    refused = subprocess.run(
        [sys.executable, "-m", "tfc.cli", "projects", "approve", "p_nope", "--api", runtime.url, "--ops-key", "wrong"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 1 and "x-api-key" in refused.stderr
