"""The intake API as clients see it: contract, refusals, forms, ops auth, events published."""

from __future__ import annotations

import json
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from services.intake.app import app
from tests.aws.conftest import drain
from tests.selfservice_links import signed_up

OPS = {"x-api-key": "ops-key-for-tests-0123456789"}
NEXT_YEAR = (date.today() + timedelta(days=300)).isoformat()

VOLUNTEER = {
    "name": "Ana Ruiz",
    "email": "ana@example.com",
    "phone": "804-555-0142",
    "sms_consent": True,
    "skills": ["copywriting"],
    "hometown": {"city": "Richmond", "state": "VA"},
    "current_location": {"city": "Oakland", "state": "CA"},
    "hours_per_week": 5,
    "weeks_available": 8,
}
CAMPAIGN = {
    "candidate_name": "Jo Park",
    "office": "House of Delegates",
    "chamber": "lower",
    "state": "VA",
    "district": "7",
    "election_date": NEXT_YEAR,
    "contact": {"name": "Sam Lee", "email": "sam@jopark.example.org"},
    "needs": ["website_launch", "email_program"],
}


@pytest.fixture
def client(aws):
    with Client(app) as c:
        yield c


def post(client, path, body, headers=None):
    return client.http.post(path, body=json.dumps(body), headers={"Content-Type": "application/json"} | (headers or {}))


def test_menu_skills_and_forms(client):
    menu = json.loads(client.http.get("/menu").body)
    assert {"id", "category", "title", "skills", "team_size", "weeks", "hours_per_week"} <= set(menu[0])
    skills = json.loads(client.http.get("/skills").body)
    assert {"id", "label"} == set(skills[0])
    page = client.http.get("/forms/campaign")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert all(item["title"] in page.body.decode() for item in menu)


def test_volunteer_signup_answers_the_same_for_a_new_and_a_known_address(client):
    """Issue 21 item 3: the answer never says whether the address is registered."""
    first = post(client, "/volunteers", VOLUNTEER)
    assert first.status_code == 202
    signed_up(client, VOLUNTEER | {"email": "known@example.com"})
    again = post(client, "/volunteers", VOLUNTEER | {"name": "Ana R.", "email": "KNOWN@example.com"})
    assert (again.status_code, again.body) == (first.status_code, first.body)


def test_campaign_request_creates_pending_projects_and_tells_the_campaign(client, aws):
    response = post(client, "/campaigns", CAMPAIGN)
    assert response.status_code == 201
    body = json.loads(response.body)
    assert len(body["project_ids"]) == 2
    events = drain(aws, "notify")
    assert [e["type"] for e in events] == ["campaign.received"]
    view = json.loads(client.http.get(f"/campaigns/{body['campaign_id']}", headers=OPS).body)
    assert [p["status"] for p in view["projects"]] == ["pending_review", "pending_review"]
    assert all(p["team"] == [] for p in view["projects"])


def test_a_repeated_submission_with_the_same_key_stores_one_campaign(client, aws):
    key = {"Idempotency-Key": "form-7d1c2f7e9a"}
    first = json.loads(post(client, "/campaigns", CAMPAIGN, key).body)
    again = post(client, "/campaigns", CAMPAIGN, key)
    assert again.status_code == 201
    assert json.loads(again.body)["campaign_id"] == first["campaign_id"]
    assert json.loads(again.body)["project_ids"] == first["project_ids"]
    other = json.loads(post(client, "/campaigns", CAMPAIGN).body)  # no key: a new request
    assert other["campaign_id"] != first["campaign_id"]


def test_the_form_carries_a_submission_id_so_a_double_click_is_one_request(client):
    page = client.http.get("/forms/campaign").body.decode()
    submission = page.split('name="submission_id" value="')[1].split('"')[0]
    form = [
        ("candidate_name", "Jo Park"),
        ("office", "House of Delegates"),
        ("chamber", "lower"),
        ("state", "VA"),
        ("district", "9"),
        ("election_date", NEXT_YEAR),
        ("contact_name", "Sam"),
        ("contact_email", "sam@example.org"),
        ("needs", "website_launch"),
        ("submission_id", submission),
    ]
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    first = client.http.post("/campaigns", body=urlencode(form), headers=headers)
    second = client.http.post("/campaigns", body=urlencode(form), headers=headers)
    assert json.loads(first.body)["campaign_id"] == json.loads(second.body)["campaign_id"]


def test_approve_moves_to_matching_and_publishes(client, aws):
    project_id = json.loads(post(client, "/campaigns", CAMPAIGN).body)["project_ids"][0]
    response = client.http.post(f"/projects/{project_id}/approve", headers=OPS)
    assert response.status_code == 200 and json.loads(response.body)["status"] == "matching"
    assert [e["type"] for e in drain(aws, "matching")] == ["project.approved"]


@pytest.mark.parametrize(("headers", "status"), [({}, 401), ({"x-api-key": "wrong"}, 403)])
def test_ops_routes_refuse_without_a_valid_key_and_change_nothing(client, aws, headers, status):
    created = json.loads(post(client, "/campaigns", CAMPAIGN).body)
    project_id = created["project_ids"][0]
    for method, path in [
        ("get", f"/campaigns/{created['campaign_id']}"),
        ("post", f"/projects/{project_id}/approve"),
        ("post", "/volunteers/v_x/lead-trained"),
    ]:
        response = getattr(client.http, method)(path, headers=headers)
        assert response.status_code == status
        assert json.loads(response.body)["errors"][0]["field"] == "x-api-key"
    view = json.loads(client.http.get(f"/campaigns/{created['campaign_id']}", headers=OPS).body)
    assert view["projects"][0]["status"] == "pending_review"
    assert drain(aws, "matching") == []


def test_refusals_name_the_field_and_write_nothing(client, aws):
    response = post(client, "/volunteers", VOLUNTEER | {"email": "nope", "skills": ["x"], "extra": 1})
    assert response.status_code == 422
    fields = {e["field"] for e in json.loads(response.body)["errors"]}
    assert fields == {"email", "skills", "extra"}
    table = aws.resource("dynamodb").Table("tfc-test-main")
    assert table.scan()["Count"] == 0  # (a Scan from the test itself, not the code under test)


def test_oversized_bad_json_and_wrong_content_type(client):
    big = post(client, "/volunteers", VOLUNTEER | {"name": "x" * 70_000})
    assert big.status_code == 413
    broken = client.http.post("/volunteers", body="{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 422 and json.loads(broken.body)["errors"][0]["field"] == "body"
    listing = client.http.post("/volunteers", body="[1]", headers={"Content-Type": "application/json"})
    assert listing.status_code == 422
    xml = client.http.post("/volunteers", body="<a/>", headers={"Content-Type": "application/xml"})
    assert xml.status_code == 415


def test_form_post_refused_shows_messages_and_keeps_values(client):
    form = {
        "name": "<b>Ana</b>",
        "email": "bad",
        "skills": "copywriting",
        "hometown_city": "Richmond",
        "hometown_state": "VA",
        "current_city": "Oakland",
        "current_state": "CA",
        "hours_per_week": "5",
        "weeks_available": "8",
    }
    response = client.http.post(
        "/volunteers",
        body=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
    )
    assert response.status_code == 422
    page = response.body.decode()
    assert "valid email" in page and 'aria-invalid="true"' in page
    assert "&lt;b&gt;Ana&lt;/b&gt;" in page and "<b>Ana</b>" not in page  # kept, escaped
    form["email"] = "ana@example.com"
    ok = client.http.post(
        "/volunteers",
        body=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
    )
    assert ok.status_code == 202 and "text/html" in ok.headers["Content-Type"]
    assert "Check your inbox" in ok.body.decode()


def test_campaign_form_post(client):
    form = [
        ("candidate_name", "Jo Park"),
        ("office", "House of Delegates"),
        ("chamber", "lower"),
        ("state", "VA"),
        ("district", "7"),
        ("election_date", NEXT_YEAR),
        ("contact_name", "Sam"),
        ("contact_email", "sam@example.org"),
        ("contact_phone", ""),
        ("needs", "website_launch"),
        ("needs", "gotv_texting"),
        ("notes", ""),
    ]
    response = client.http.post(
        "/campaigns", body=urlencode(form), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 201
    assert "Waiting for our team" in response.body.decode()


def test_mark_lead_by_email(client):
    volunteer_id = signed_up(client, VOLUNTEER)
    response = post(client, "/volunteers/lead-trained", {"email": "ana@example.com"}, OPS)
    assert response.status_code == 200 and json.loads(response.body)["volunteer_id"] == volunteer_id
    missing = post(client, "/volunteers/lead-trained", {"email": "nobody@example.com"}, OPS)
    assert missing.status_code == 404


def test_americans_abroad_and_in_the_territories_sign_up_and_land_in_the_skill_pools(client):
    from shared.storage import main_store

    abroad = VOLUNTEER | {
        "email": "abroad@example.com",
        "phone": "+49 30 901820",
        "current_location": {"city": "Berlin", "country": "Germany"},
    }
    islander = VOLUNTEER | {
        "email": "islander@example.com",
        "phone": None,
        "sms_consent": False,
        "hometown": {"city": "San Juan", "state": "PR"},
        "current_location": {"city": "Hag\u00e5t\u00f1a", "state": "GU"},
    }
    for person in (abroad, islander):
        signed_up(client, person)
    pool = {r["volunteer_id"]: r for r in main_store().volunteers.pool("copywriting")}
    places = sorted((r["current_location"]["state"], r["current_location"]["country"]) for r in pool.values())
    assert places == [("", "DE"), ("GU", "US")]


def test_refusals_are_sentences_naming_the_field_with_the_machine_path_beside_them(client):
    response = post(client, "/volunteers", VOLUNTEER | {"hours_per_week": 41, "email": "jos\u00e9@example.org"})
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in json.loads(response.body)["errors"]}
    assert errors["hours_per_week"] == "Hours a week must be a whole number from 1 to 40"
    assert errors["email"].startswith("Email has accented or non-Latin letters before the @")
    contact = post(client, "/campaigns", CAMPAIGN | {"contact": {"name": "J", "email": "jos\u00e9@example.org"}})
    assert contact.status_code == 422
    assert [e["field"] for e in json.loads(contact.body)["errors"]] == ["contact.email"]
