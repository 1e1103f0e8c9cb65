"""The CLI's and benches' API client: temporary refusals are retried, as the API asks, with the same
Idempotency-Key on every attempt of one request; other refusals are not retried."""

from __future__ import annotations

import httpx

from tfc import retrying


def _server(answers: list[httpx.Response]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0)

    return httpx.MockTransport(handle), seen


def test_a_503_with_retry_after_is_retried_with_the_same_idempotency_key():
    unavailable = httpx.Response(503, headers={"Retry-After": "0"}, json={"errors": [{"field": "request"}]})
    transport, seen = _server([unavailable, httpx.Response(502), httpx.Response(201, json={"ok": True})])
    with retrying.client("http://api.test", transport=transport) as client:
        response = client.post("/campaigns", json={"candidate_name": "Jo Park"})
    assert response.status_code == 201 and len(seen) == 3
    keys = {r.headers["Idempotency-Key"] for r in seen}
    assert len(keys) == 1 and len(keys.pop()) == 32  # one key for the request, repeated on each retry


def test_each_request_gets_its_own_key_and_a_given_key_is_kept():
    transport, seen = _server([httpx.Response(201), httpx.Response(201), httpx.Response(201)])
    with retrying.client("http://api.test", transport=transport) as client:
        client.post("/campaigns", json={})
        client.post("/campaigns", json={})
        client.post("/campaigns", json={}, headers={"Idempotency-Key": "form-submission-0001"})
    keys = [r.headers["Idempotency-Key"] for r in seen]
    assert keys[0] != keys[1] and keys[2] == "form-submission-0001"


def test_a_refusal_that_is_not_temporary_is_not_retried():
    transport, seen = _server([httpx.Response(422, json={"errors": [{"field": "email"}]})])
    with retrying.client("http://api.test", transport=transport) as client:
        assert client.post("/volunteers", json={}).status_code == 422
    assert len(seen) == 1


def test_retries_stop_after_the_attempts_given():
    transport, seen = _server([httpx.Response(503, headers={"Retry-After": "0"}) for _ in range(3)])
    with retrying.client("http://api.test", transport=transport, attempts=3) as client:
        assert client.get("/health").status_code == 503
    assert len(seen) == 3
