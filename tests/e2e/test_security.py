"""Nobody gets in, over HTTP against the running local runtime: ops routes without or with a wrong
key, and forged, altered, expired, cross-volunteer and replayed reply tokens are all refused, and
none of them changes anything stored. Bursts of public requests are throttled (429, naming the
request) and identical submissions store one campaign."""

from __future__ import annotations

import base64
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest

from tests import payloads
from tests.e2e.conftest import wait_for
from tests.e2e.signups import signed_up

pytestmark = pytest.mark.e2e

ELECTION = payloads.election_date()


def person(tag: str, n: int, skills: list[str]) -> dict:
    return payloads.volunteer(f"sec.{tag}.{n}@example.com", skills, name=f"Sec Person {n}")


def campaign(candidate: str, district: str) -> dict:
    contact = ("Pat Doe", "pat@doe-campaign.example.org")
    return payloads.campaign(
        candidate, "WI", district, ["analytics_setup"], office="State Assembly", contact=contact, election=ELECTION
    )


def snapshot(project_id: str, only: set[str] | None = None) -> tuple:
    """Everything a refused request must not change: statuses, slots, and the invitees' loads
    (`only`: these invitations; matching's later waves may add new ones meanwhile)."""
    from shared.storage import main_store

    store = main_store()
    record = store.campaigns.get_project(project_id)
    assert record is not None
    if only is not None:
        record.invitations[:] = [i for i in record.invitations if i.invitation_id in only]
    people = store.volunteers.get_volunteers({i.volunteer_id for i in record.invitations})
    return (
        record.project.status,
        record.project.filled,
        tuple((s.index, s.volunteer_id) for s in record.slots),
        tuple(sorted((i.invitation_id, i.status) for i in record.invitations)),
        tuple(sorted((v.volunteer_id, v.active_projects, v.lead_trained) for v in people.values())),
    )


def test_ops_routes_refuse_without_or_with_a_wrong_key_and_change_nothing(api, runtime):
    created = api.post("/campaigns", json=campaign("Ops Refusal", "12")).json()
    project_id = created["project_ids"][0]
    signed = signed_up(api, person("ops", 1, ["data_analysis"]))
    before = snapshot(project_id)
    calls = [
        ("GET", f"/campaigns/{created['campaign_id']}", None),
        ("POST", f"/projects/{project_id}/approve", None),
        ("POST", f"/volunteers/{signed}/lead-trained", None),
        ("POST", "/volunteers/lead-trained", {"email": "sec.ops.1@example.com"}),
    ]
    for headers, status in (({}, 401), ({"x-api-key": "wrong"}, 403), ({"x-api-key": runtime.ops_key + "x"}, 403)):
        for method, path, body in calls:
            response = api.request(method, path, json=body, headers=headers)
            assert response.status_code == status, (path, response.text)
            assert response.json()["errors"][0]["field"] == "x-api-key"
    from shared.storage import main_store

    assert snapshot(project_id) == before
    assert main_store().volunteers.get_volunteer(signed).lead_trained is False
    ok = api.get(f"/campaigns/{created['campaign_id']}", headers={"x-api-key": runtime.ops_key})
    assert ok.status_code == 200 and ok.json()["projects"][0]["status"] == "pending_review"


def _inbound_done(runtime, before: int, count: int) -> bool:
    stats = runtime.stats.get("notify-inbound", {})
    return stats.get("processed", 0) >= before + count and runtime.queue_depths().get("inbound", 0) == 0


def test_bad_reply_tokens_are_refused_and_change_nothing_then_the_genuine_reply_counts_once(api, runtime):
    from services.notify.domain.tokens import sign, token_from_address, verify
    from shared.secrets import get_secret
    from shared.storage import main_store

    ops = {"x-api-key": runtime.ops_key}
    lead = person("tok", 1, ["project_management"])
    ids = {}
    for data in (lead, person("tok", 2, ["web_analytics"]), person("tok", 3, ["data_analysis"])):
        ids[data["email"]] = signed_up(api, data)
    assert api.post(f"/volunteers/{ids[lead['email']]}/lead-trained", headers=ops).status_code == 200
    created = api.post("/campaigns", json=campaign("Token Check", "44")).json()
    project_id = created["project_ids"][0]
    assert api.post(f"/projects/{project_id}/approve", headers=ops).status_code == 200

    def invitation() -> dict | None:
        for m in api.get("/_local/outbox").json():
            if (m["reply_to"] or "").startswith("reply+") and "Token Check" in (m["text"] or ""):
                return m
        return None

    invite = wait_for(invitation, timeout=120)
    owner, reply_to = invite["to"], invite["reply_to"]
    token = token_from_address(reply_to)
    assert token is not None
    domain = reply_to.split("@", 1)[1]
    key = get_secret("reply-token-key").encode()
    invitation_id = verify(token, key, datetime.now(UTC)).invitation_id
    assert main_store().invitations.get_invitation(invitation_id).status == "pending"
    expired = sign(invitation_id, datetime.now(UTC) - timedelta(minutes=5), key)
    altered = token[:-1] + ("a" if token[-1] != "a" else "b")
    forged = base64.b32encode(b"\x01" * 24).decode().lower().rstrip("=")
    other = next(e for e in ids if e != owner)
    attempts = [
        (owner, f"reply+{forged}@{domain}"),  # forged
        (owner, f"reply+{altered}@{domain}"),  # altered
        (owner, f"reply+{expired}@{domain}"),  # genuine invitation, expired token
        (other, reply_to),  # another volunteer using this invitation's token
        ("intruder@example.net", reply_to),  # a stranger
    ]
    wait_for(lambda: runtime.queue_depths().get("inbound", 0) == 0)
    before = snapshot(project_id)
    known = {invitation for invitation, _ in before[3]}
    processed = runtime.stats.get("notify-inbound", {}).get("processed", 0)
    for sender, to in attempts:
        body = {"from": sender, "to": to, "subject": "Re: invitation", "text": "YES"}
        assert api.post("/_local/inbound/email", json=body).status_code == 202
    wait_for(lambda: _inbound_done(runtime, processed, len(attempts)), timeout=120)
    assert snapshot(project_id, known) == before

    # The genuine reply counts; replaying it (the same answer again) changes nothing more.
    yes = {"from": owner, "to": reply_to, "subject": "Re: invitation", "text": "Yes, count me in"}
    assert api.post("/_local/inbound/email", json=yes).status_code == 202

    def accepted() -> tuple | None:
        state = snapshot(project_id)
        return state if dict(state[3]).get(invitation_id) == "accepted" else None

    after_yes = wait_for(accepted, timeout=120)
    processed = runtime.stats.get("notify-inbound", {}).get("processed", 0)
    for _ in range(2):
        assert api.post("/_local/inbound/email", json=yes).status_code == 202
    wait_for(lambda: _inbound_done(runtime, processed, 2), timeout=120)
    assert snapshot(project_id, known)[:3] == after_yes[:3]
    assert dict(snapshot(project_id, known)[3]) == {k: v for k, v in after_yes[3] if k in known}
    joined = [m for m in api.get("/_local/outbox").json() if m["to"] == owner and "on the team" in (m["subject"] or "")]
    assert len(joined) <= 1


def test_a_burst_of_public_requests_is_throttled_and_duplicates_store_one_campaign(api, runtime):
    import time

    from shared.storage import main_store

    request = campaign("Burst Twice", "71")
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def submit() -> None:  # a double-clicking client: the same Idempotency-Key on every copy
        response = api.post("/campaigns", json=request, headers={"Idempotency-Key": "burst-twice-0001"})
        with lock:
            results.append((response.status_code, response.text))

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = {json.loads(text)["campaign_id"] for status, text in results if status in (200, 201)}
    assert len(ids) == 1, results  # identical submissions at the same instant: one campaign
    firsts = [text for status, text in results if status == 201 and not json.loads(text)["duplicate"]]
    assert len(firsts) == 1, results  # the others are idempotent replays of the first answer
    stored = main_store().campaigns.get_campaign(ids.pop())
    assert stored is not None and stored.candidate_name == "Burst Twice"

    statuses: list[tuple[str, int]] = []

    def burst(key: str) -> None:
        for _ in range(60):
            status = api.get("/menu", headers={"x-api-key": key} if key else {}).status_code
            with lock:
                statuses.append((key, status))

    # three clients without a key and three with a made-up one: both kinds are public
    threads = [threading.Thread(target=burst, args=(key,)) for key in ("", "", "", "made-up", "made-up", "made-up")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {s for _, s in statuses} == {200, 429}
    assert 429 in {s for k, s in statuses if k} and 429 in {s for k, s in statuses if not k}
    refused = api.get("/menu")
    if refused.status_code == 429:
        assert refused.json()["errors"][0]["field"] == "request"
    # staff calls (with the real ops key) are not throttled locally
    assert api.get("/menu", headers={"x-api-key": runtime.ops_key}).status_code == 200
    time.sleep(2.5)
    assert api.get("/menu").status_code == 200
