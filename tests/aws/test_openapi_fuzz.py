"""Schema-driven fuzzing of the public API (schemathesis, from GET /openapi.json) through the
chalice app against moto: valid and invalid bodies, paths and headers. No 5xx, ever; every JSON
refusal is {"errors": [{"field", "message"}]} naming a field; nothing 2xx for a negative case on
a body the schema forbids."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from chalice.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core import NOT_SET

from services.intake.app import app

EXAMPLES = 25


@pytest.fixture
def client(aws):
    with Client(app) as c:
        yield c


def _send(client: Client, case: Any) -> Any:
    headers = {k: str(v) for k, v in (case.headers or {}).items()}
    if case.body is NOT_SET:
        body = b""
    elif isinstance(case.body, bytes):
        body = case.body
    elif case.media_type == "application/json":
        body = json.dumps(case.body).encode()
    else:
        body = case.body if isinstance(case.body, bytes) else str(case.body).encode()
    if case.media_type and case.body is not NOT_SET:
        headers["Content-Type"] = case.media_type
    path = case.formatted_path
    if case.query:
        from urllib.parse import urlencode

        path += "?" + urlencode(case.query, doseq=True)
    return client.http.request(case.method.upper(), path, headers=headers, body=body)


def _check(case: Any, response: Any) -> None:
    assert response.status_code < 500, (case.method, case.formatted_path, case.body, response.body[:500])
    if 400 <= response.status_code < 500 and response.headers.get("Content-Type", "").startswith("application/json"):
        errors = json.loads(response.body)["errors"]
        assert errors and all(e["field"] and e["message"] for e in errors), response.body


def test_the_description_is_served_and_names_every_public_route(client):
    spec = json.loads(client.http.get("/openapi.json").body)
    assert spec["openapi"].startswith("3.1")
    assert {"/campaigns", "/volunteers", "/menu", "/unsubscribe/{token}"} <= set(spec["paths"])
    assert "CampaignRequest" in spec["components"]["schemas"]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_fuzzing_the_public_api_never_gets_a_5xx_and_every_refusal_names_a_field(client, mode):
    schema = schemathesis.openapi.from_dict(json.loads(client.http.get("/openapi.json").body))
    fuzzed: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Any) -> None:
            _check(case, _send(client, case))

        try:
            fuzz()
        except Unsatisfiable:
            # nothing about a parameterless GET can be made invalid: only positive cases exist
            assert mode is GenerationMode.NEGATIVE and operation.method == "get"
            fuzzed.append(f"{operation.path} (no negative case)")
            continue
        fuzzed.append(operation.path)
    assert len(fuzzed) >= 9
