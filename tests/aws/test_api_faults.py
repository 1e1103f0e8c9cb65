"""The public API under faults: an AWS call that fails after botocore's retries, or a function that
dies after a write, answers 503 with Retry-After (never a bare 500 or a traceback); repeating the
request with the same Idempotency-Key (or the form's submission id) completes it once, and nothing
is half-written: the campaign, its projects and its slots are stored together or not at all."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from services.intake.app import app
from tests.aws.conftest import drain
from tests.aws.test_intake_api import CAMPAIGN
from tfc.local import faults
from tfc.local.faults import FaultPlan

FORM = [
    ("candidate_name", "Jo Park"),
    ("office", "House of Delegates"),
    ("chamber", "lower"),
    ("state", "VA"),
    ("district", "7"),
    ("election_date", CAMPAIGN["election_date"]),
    ("contact_name", "Sam"),
    ("contact_email", "sam@example.org"),
    ("needs", "website_launch"),
    ("submission_id", "a1b2c3d4e5f60718293a4b5c6d7e8f90"),
]


@pytest.fixture
def client(aws):
    with Client(app) as c:
        yield c
    faults.uninstall()


def _stored(aws, kind: str) -> list[dict]:
    from shared.settings import get_settings

    table = aws.resource("dynamodb").Table(get_settings().table("main"))  # the test's own client: a Scan
    return [i for i in table.scan()["Items"] if i.get("type") == kind]


def _crash_after_every_write() -> faults.FaultInjector:
    return faults.install(FaultPlan(seed=1, crash_after_call_rate=1.0, services=frozenset({"dynamodb"})))


def test_a_crash_after_the_write_is_a_503_and_the_retry_with_the_same_key_completes_it_once(client, aws):
    headers = {"Content-Type": "application/json", "Idempotency-Key": "client-key-0001"}
    injector = _crash_after_every_write()
    refused = client.http.post("/campaigns", body=json.dumps(CAMPAIGN), headers=headers)
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "2"
    assert json.loads(refused.body)["errors"][0]["field"] == "request"
    assert injector.counts["crash_after_call:dynamodb"] == 1
    stored = _stored(aws, "Campaign")
    assert len(stored) == 1  # the transaction applied whole before the crash
    assert len(_stored(aws, "Project")) == len(CAMPAIGN["needs"])
    injector.enabled = False
    retried = client.http.post("/campaigns", body=json.dumps(CAMPAIGN), headers=headers)
    answer = json.loads(retried.body)
    assert retried.status_code == 201 and answer["duplicate"] is True
    assert answer["campaign_id"] == stored[0]["campaign_id"] and len(answer["project_ids"]) == 2
    assert len(_stored(aws, "Campaign")) == 1
    # The crash came before the publish: the retry published it (notify confirms once per campaign).
    assert [e["type"] for e in drain(aws, "notify")] == ["campaign.received"]


def test_a_refused_call_before_the_write_stores_nothing_and_the_retry_stores_it(client, aws):
    injector = faults.install(FaultPlan(seed=1, failed_call_rate=1.0, services=frozenset({"dynamodb"})))
    headers = {"Content-Type": "application/json", "Idempotency-Key": "client-key-0002"}
    refused = client.http.post("/campaigns", body=json.dumps(CAMPAIGN), headers=headers)
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "2"
    assert _stored(aws, "Campaign") == [] and _stored(aws, "Project") == []
    injector.enabled = False
    retried = client.http.post("/campaigns", body=json.dumps(CAMPAIGN), headers=headers)
    assert retried.status_code == 201 and json.loads(retried.body)["duplicate"] is False
    assert len(_stored(aws, "Campaign")) == 1


def test_a_form_post_that_failed_comes_back_filled_with_its_submission_id_and_resubmits_once(client, aws):
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
    injector = _crash_after_every_write()
    refused = client.http.post("/campaigns", body=urlencode(FORM), headers=headers)
    page = refused.body.decode()
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "2"
    assert refused.headers["Content-Type"].startswith("text/html")
    assert "please send it again" in page and "Traceback" not in page
    assert 'name="submission_id" value="a1b2c3d4e5f60718293a4b5c6d7e8f90"' in page and "Jo Park" in page
    injector.enabled = False
    again = client.http.post("/campaigns", body=urlencode(FORM), headers=headers)
    assert again.status_code == 201 and "Jo Park" in again.body.decode()
    assert len(_stored(aws, "Campaign")) == 1


def test_other_refusals_keep_their_status(client):
    _crash_after_every_write()
    response = client.http.post(
        "/campaigns", body=json.dumps({"candidate_name": ""}), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422  # validation fails before any call: not turned into a 503
