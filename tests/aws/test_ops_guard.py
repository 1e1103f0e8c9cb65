"""Who may call each route, derived from the app's own route table: a route added without its
guard fails here, whichever blueprint it is in.

Every route is public (listed below: adding one is a decision a reviewer sees), a console page
(the staff session: without it, a redirect to the login page) or an ops route (the ops key:
services/intake/auth.py, the same refusals everywhere).
"""

from __future__ import annotations

import json
import re

import pytest
from chalice.test import Client

from services.intake.app import app
from tests.aws.conftest import drain
from tests.aws.test_intake_api import OPS

PUBLIC = {
    ("GET", "/"),
    ("GET", "/openapi.json"),
    ("GET", "/health"),
    ("GET", "/menu"),
    ("GET", "/skills"),
    ("GET", "/categories"),
    ("GET", "/forms/campaign"),
    ("GET", "/forms/volunteer"),
    ("POST", "/campaigns"),
    ("POST", "/volunteers"),
    ("GET", "/unsubscribe/{token}"),
    ("POST", "/unsubscribe/{token}"),
    # Issue 15's pages: the signed link is the key (shared/links.py), not the ops key.
    ("GET", "/confirm/{token}"),
    ("POST", "/confirm/{token}"),
    ("GET", "/me"),
    ("POST", "/me"),
    ("GET", "/me/{token}"),
    ("POST", "/me/{token}"),
    ("GET", "/me/{token}/data.json"),
    ("GET", "/campaign-status/{token}"),
    ("POST", "/campaign-status/{token}"),
    ("GET", "/console/login"),
    ("POST", "/console/login"),
}
# Console routes that also open to the ops key, for the CLI (`tfc export`).
KEY_OR_SESSION = {("GET", "/console/export/{name}")}
PARAMS = {"name": "projects.csv"}  # path parameters a route needs to reach its guard
MISSING = {"errors": [{"field": "x-api-key", "message": "is required for staff routes"}]}
WRONG = {"errors": [{"field": "x-api-key", "message": "is not valid"}]}
UNCONFIGURED = {
    "errors": [
        {
            "field": "x-api-key",
            "message": "staff access is not configured: the SSM parameter /tfc/test/ops-api-key is not set",
        }
    ]
}


def _routes() -> list[tuple[str, str]]:
    """Every route but HEAD, which runs its GET's view (test_head_runs_the_view_of_get)."""
    return sorted((method, path) for path, methods in app.routes.items() for method in methods if method != "HEAD")


def _staff_page(method: str, path: str) -> bool:
    return path.startswith("/console") and not path.startswith("/console/api/")


OPS_ROUTES = [r for r in _routes() if r not in PUBLIC and not _staff_page(*r)]
STAFF_PAGES = [r for r in _routes() if r not in PUBLIC and _staff_page(*r)]


def _call(client: Client, method: str, path: str, headers: dict[str, str] | None = None):
    url = re.sub(r"\{(\w+)\}", lambda m: PARAMS.get(m.group(1), f"{m.group(1)}_unknown"), path)
    accepted = app.routes[path][method].content_types
    headers = {"Content-Type": "application/json" if "application/json" in accepted else accepted[0]} | (headers or {})
    if method == "GET":
        return client.http.get(url, headers=headers)
    return client.http.request(method, url, body=b"{}", headers=headers)


@pytest.fixture
def client(aws):
    with Client(app) as c:
        yield c


def test_the_route_table_has_every_kind_and_nothing_unclassified():
    assert set(PUBLIC) <= set(_routes()), "a listed public route no longer exists"
    assert ("POST", "/projects/{project_id}/approve") in OPS_ROUTES
    assert ("POST", "/console/api/volunteers/known") in OPS_ROUTES
    assert ("POST", "/console/projects/{project_id}/approve") in STAFF_PAGES
    assert len(OPS_ROUTES) + len(STAFF_PAGES) + len(PUBLIC) == len(_routes())


def test_head_runs_the_view_of_get_so_its_guard_too():
    gets = {path: methods for path, methods in app.routes.items() if "GET" in methods}
    assert gets and all(methods["HEAD"].view_function is methods["GET"].view_function for methods in gets.values())
    assert all("GET" in methods for methods in app.routes.values() if "HEAD" in methods)


@pytest.mark.parametrize(("method", "path"), OPS_ROUTES)
def test_every_ops_route_refuses_a_missing_or_wrong_key_and_admits_the_right_one(client, aws, method, path):
    missing = _call(client, method, path)
    assert (missing.status_code, json.loads(missing.body)) == (401, MISSING)
    wrong = _call(client, method, path, {"x-api-key": "wrong"})
    assert (wrong.status_code, json.loads(wrong.body)) == (403, WRONG)
    almost = _call(client, method, path, {"x-api-key": OPS["x-api-key"][:-1]})
    assert almost.status_code == 403
    assert drain(aws, "matching") == [] and drain(aws, "notify") == []  # refused: nothing happened
    admitted = _call(client, method, path, OPS)
    assert admitted.status_code not in (401, 403) and admitted.status_code < 500, admitted.body
    assert all(e["field"] != "x-api-key" for e in json.loads(admitted.body or b"{}").get("errors", []))


@pytest.mark.parametrize(("method", "path"), STAFF_PAGES)
def test_every_console_page_needs_the_session_and_the_key_alone_opens_only_exports(client, method, path):
    for headers in ({}, {"x-api-key": "wrong"}, {"cookie": "tfc_console=forged.9999999999.00"}):
        response = _call(client, method, path, headers)
        assert (response.status_code, response.headers.get("Location")) == (303, "/console/login"), headers
    with_key = _call(client, method, path, OPS)
    if (method, path) in KEY_OR_SESSION:
        assert with_key.status_code == 200 and with_key.headers["Content-Type"].startswith("text/csv")
    else:
        assert (with_key.status_code, with_key.headers.get("Location")) == (303, "/console/login")


def test_without_a_configured_key_every_staff_route_fails_closed(client, aws):
    from shared.secrets import clear_secret_cache
    from shared.settings import get_settings

    aws.client("ssm").delete_parameter(Name=get_settings().parameter("ops-api-key"))
    clear_secret_cache()
    for method, path in OPS_ROUTES:
        response = _call(client, method, path, OPS)
        assert (response.status_code, json.loads(response.body)) == (503, UNCONFIGURED), path
    for method, path in STAFF_PAGES:
        assert _call(client, method, path, OPS).status_code == 503, path
    login = client.http.post(
        "/console/login",
        body="ops_key=" + OPS["x-api-key"],
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert login.status_code == 503 and "Set-Cookie" not in login.headers
    assert "/tfc/test/ops-api-key is not set" in login.body.decode()


def test_a_stored_key_too_short_is_refused_saying_the_rule(client, aws):
    from shared.secrets import clear_secret_cache
    from shared.settings import get_settings

    aws.client("ssm").put_parameter(
        Name=get_settings().parameter("ops-api-key"), Value="short-key-12", Type="SecureString", Overwrite=True
    )
    clear_secret_cache()
    response = _call(client, "POST", "/projects/{project_id}/approve", {"x-api-key": "short-key-12"})
    assert response.status_code == 503
    assert json.loads(response.body)["errors"][0]["message"] == (
        "staff access is not configured: the SSM parameter /tfc/test/ops-api-key"
        " must be at least 16 characters (this one has 12)"
    )
