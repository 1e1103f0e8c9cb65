"""The campaign form's district goes through the one district identity: spellings people use are
stored as the canonical id, and what is not a district of the chamber is a 422 naming `district`."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from services.intake.app import app
from tests.aws.test_intake_api import CAMPAIGN, OPS, post


@pytest.fixture
def api(aws):
    with Client(app) as c:
        yield c


@pytest.mark.parametrize(
    ("change", "stored"),
    [
        ({"district": "House District 12"}, "12"),
        ({"district": "HD-012"}, "12"),
        ({"district": "11th District"}, "11"),
        ({"state": "MN", "district": "01a"}, "1A"),
        ({"state": "MA", "district": "Barnstable, Dukes and Nantucket"}, "Barnstable, Dukes and Nantucket"),
        (
            {"state": "MA", "chamber": "upper", "district": "Norfolk, Worcester & Middlesex"},
            "Norfolk, Worcester and Middlesex",
        ),
        ({"state": "NH", "district": "Coos 1"}, "Coös 1"),
        ({"state": "VT", "chamber": "upper", "district": "chittenden central"}, "Chittenden Central"),
    ],
)
def test_district_spellings_are_stored_as_the_canonical_id(api, change, stored):
    created = post(api, "/campaigns", CAMPAIGN | change)
    assert created.status_code == 201, created.body
    campaign_id = json.loads(created.body)["campaign_id"]
    shown = json.loads(api.http.get(f"/campaigns/{campaign_id}", headers=OPS).body)
    assert shown["district"] == stored and {p["district"] for p in shown["projects"]} == {stored}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"district": "12A"}, "Virginia House districts have no letters"),
        ({"district": "Senate District 7"}, "names a Virginia Senate district"),
        ({"state": "MA", "district": "12"}, "Massachusetts names its districts"),
        ({"state": "NH", "district": "Coös 99"}, "is not a New Hampshire House district"),
    ],
)
def test_what_is_no_district_of_the_chamber_is_a_422_naming_district(api, change, words):
    refused = post(api, "/campaigns", CAMPAIGN | change)
    assert refused.status_code == 422
    errors = {e["field"]: e["message"] for e in json.loads(refused.body)["errors"]}
    assert words in errors["district"]


def test_the_html_form_accepts_a_name_with_a_diacritic(api):
    form = {
        "candidate_name": "Tom Pelletier",
        "office": "State Representative",
        "chamber": "lower",
        "state": "NH",
        "district": "Coös 1",
        "election_date": CAMPAIGN["election_date"],
        "contact_name": "Ann Roy",
        "contact_email": "ann@example.org",
        "needs": "website_launch",
    }
    response = api.http.post(
        "/campaigns", body=urlencode(form), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 201, response.body
