"""Bad input and abuse at the public API (chalice app against moto): deep JSON, oversized and
mistyped bodies, header injection in email fields, HTML and script in text fields, unicode edge
cases. Every refusal names the field; nothing is half-written; nothing crashes."""

from __future__ import annotations

import json

import pytest
from chalice.test import Client

from services.intake.app import app
from shared.storage import main_store
from tests.aws.test_intake_api import CAMPAIGN, VOLUNTEER


@pytest.fixture
def client(aws):
    with Client(app) as c:
        yield c


def post(client, path: str, body: bytes | str, ctype: str = "application/json", accept: str = "application/json"):
    data = body if isinstance(body, bytes) else body.encode()
    return client.http.post(path, body=data, headers={"Content-Type": ctype, "Accept": accept})


def errors(response) -> list[dict]:
    return json.loads(response.body)["errors"]


def test_deeply_nested_json_is_refused_not_crashed(client):
    deep = "[" * 100_000 + "]" * 100_000
    for path in ("/campaigns", "/volunteers"):
        response = post(client, path, deep[:60_000])  # under the size limit, far past any sane depth
        assert response.status_code == 422, response.body[:300]
        assert errors(response)[0]["field"] == "body"


def test_oversized_and_mistyped_bodies(client):
    big = json.dumps(VOLUNTEER | {"name": "x" * 70_000})
    response = post(client, "/volunteers", big)
    assert response.status_code == 413 and errors(response)[0]["field"] == "body"
    for ctype in ("text/plain", "application/xml", "image/png", "application/vnd.evil+json", "multipart/mixed"):
        response = post(client, "/volunteers", json.dumps(VOLUNTEER), ctype=ctype)
        assert response.status_code == 415, (ctype, response.body[:200])
        assert errors(response)[0]["field"] == "content-type"
    assert main_store().volunteers.volunteer_id_for_email("ana@example.com") is None


@pytest.mark.parametrize(
    "email",
    [
        "ana@example.com\r\nBcc: victim@example.net",
        "ana@example.com\nSubject: hi",
        "Ana <ana@example.com>, other@example.net",
        "ana@exam\x00ple.com",
    ],
)
def test_header_injection_in_email_fields_is_refused_by_name(client, email):
    response = post(client, "/volunteers", json.dumps(VOLUNTEER | {"email": email}))
    assert response.status_code == 422 and "email" in errors(response)[0]["field"]
    campaign = CAMPAIGN | {"contact": CAMPAIGN["contact"] | {"email": email}}
    response = post(client, "/campaigns", json.dumps(campaign))
    assert response.status_code == 422 and "email" in errors(response)[0]["field"]


def test_html_and_script_in_text_fields_are_escaped_in_the_pages(client):
    from urllib.parse import urlencode

    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    fields = {
        "candidate_name": f"Jo {script}"[:100],
        "office": script[:100],
        "chamber": "lower",
        "state": "VA",
        "district": "7",
        "election_date": CAMPAIGN["election_date"],
        "contact_name": script[:100],
        "contact_email": "sam@jopark.example.org",
        "needs": "website_launch",
        "notes": script,
    }
    form = "application/x-www-form-urlencoded"
    stored = post(client, "/campaigns", urlencode(fields), ctype=form, accept="text/html")
    refused = post(client, "/campaigns", urlencode(fields | {"state": "XX"}), ctype=form, accept="text/html")
    assert stored.status_code == 201 and refused.status_code == 422  # the confirmation, and the form again
    for page in (stored.body.decode(), refused.body.decode()):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page or "&lt;img" in page


@pytest.mark.parametrize(
    "name",
    ["Zoë 🦄 Ünïcødé", "\u202eevil\u202c", "a\u200bb", "名前", "\ud800"[:0] + "Ana", "\x00", " ", "\x1b[31mred"],
)
def test_unicode_edge_cases_never_crash(client, name):
    response = post(client, "/volunteers", json.dumps(VOLUNTEER | {"name": name}, ensure_ascii=True))
    assert response.status_code in (202, 422), (name, response.body[:300])
    if response.status_code == 422:
        assert errors(response)[0]["field"] == "name"


def test_lone_surrogates_and_invalid_utf8_are_refused(client):
    for raw in (b'{"name": "\\ud800"}', b"\xff\xfe{}"):
        response = post(client, "/volunteers", raw)
        assert response.status_code == 422, (raw, response.body[:300])
        assert errors(response)[0]["field"]
