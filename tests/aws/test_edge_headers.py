"""Every page and JSON answer carries its headers (services/intake/responses.py), checked on every
GET route of the app's route table, public and console alike, so a page built without the
responses module fails here."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from services.intake.app import app
from tests.aws.test_intake_api import CAMPAIGN, OPS, VOLUNTEER, post
from tests.selfservice_links import campaign_token, confirm_token, me_token, signed_up

GETS = sorted(path for path, methods in app.routes.items() if "GET" in methods)


@pytest.fixture
def client(aws):
    with Client(app) as c:
        yield c


def _session(client: Client) -> dict[str, str]:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = client.http.post("/console/login", body=urlencode({"ops_key": OPS["x-api-key"]}), headers=form)
    return {"cookie": response.headers["Set-Cookie"].split(";")[0]}


def test_every_get_route_answers_with_the_headers_of_its_kind(client):
    campaign = json.loads(post(client, "/campaigns", CAMPAIGN).body)
    volunteer_id = signed_up(client, VOLUNTEER)
    post(client, "/volunteers", VOLUNTEER | {"email": "waiting@example.com"})
    params = {
        "campaign_id": campaign["campaign_id"],
        "project_id": campaign["project_ids"][0],
        "volunteer_id": volunteer_id,
        "name": "projects.csv",
    }
    tokens = {
        "/unsubscribe/": "a" * 42,
        "/me/": me_token(volunteer_id),
        "/confirm/": confirm_token("waiting@example.com"),
        "/campaign-status/": campaign_token(campaign["campaign_id"]),
    }
    headers = _session(client) | OPS
    kinds = set()
    for path in GETS:
        token = next((t for prefix, t in tokens.items() if path.startswith(prefix)), "")
        filled = re.sub(r"\{(\w+)\}", lambda m, t=token: t if m.group(1) == "token" else params[m.group(1)], path)
        response = client.http.get(filled, headers=headers)
        assert response.status_code == 200, (path, response.body)
        got = response.headers
        assert got["Cache-Control"] == "no-store", path
        ctype = got["Content-Type"]
        if ctype.startswith("text/html"):
            csp = got["Content-Security-Policy"]
            assert csp.startswith("default-src 'none'") and "form-action 'self'" in csp, path
            assert got["X-Content-Type-Options"] == "nosniff" and got["Referrer-Policy"] == "no-referrer", path
            staff = path.startswith("/console")
            assert "frame-ancestors 'none'" in csp and got["X-Frame-Options"] == "DENY", path  # no page is framed
            kinds.add("staff page" if staff else "public page")
        elif ctype.startswith("text/csv"):
            assert got["X-Content-Type-Options"] == "nosniff" and got["Content-Disposition"].startswith("attachment")
            kinds.add("csv")
        else:
            assert ctype == "application/json", path
            kinds.add("json")
    assert kinds == {"staff page", "public page", "csv", "json"}
