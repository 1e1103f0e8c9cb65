"""Signing up end to end, as a person does since issue 15: POST /volunteers, read the email the
runtime sent (GET /_local/outbox), open its link and press the page's one button. HTTP only."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.e2e.conftest import wait_for

CONFIRM = re.compile(r"/confirm/([A-Za-z0-9_.\-]+)")
ME = re.compile(r"/me/([A-Za-z0-9_.\-]+)")
CAMPAIGN = re.compile(r"/campaign-status/([A-Za-z0-9_.\-]+)")
CSRF = re.compile(r'name="csrf" value="([0-9a-f]{32})"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def emails_to(api: httpx.Client, address: str) -> list[dict[str, Any]]:
    mails = api.get("/_local/outbox").json()
    return [m for m in mails if m["channel"] == "email" and m["to"].lower() == address.lower()]


def link_in_mail(api: httpx.Client, address: str, pattern: re.Pattern[str], subject: str = "", skip: int = 0) -> str:
    """The token of the newest link matching `pattern` in mail to `address` (waiting for it),
    among messages whose subject contains `subject`, beyond the first `skip` such messages."""

    def found() -> str | None:
        mails = [m for m in emails_to(api, address) if subject in (m["subject"] or "")][skip:]
        tokens = [t for m in mails for t in pattern.findall(m["text"])]
        return tokens[-1] if tokens else None

    return str(wait_for(found, timeout=60))


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def press(api: httpx.Client, path: str, **fields: str) -> httpx.Response:
    """GET the page, then POST its form with its CSRF value and `fields`."""
    page = api.get(path)
    assert page.status_code == 200, page.text[:300]
    return api.post(path, data={"csrf": csrf_of(page.text), **fields}, headers=FORM)


def confirmed(api: httpx.Client, body: dict[str, Any]) -> str:
    """Sign up and confirm by the emailed link; returns the volunteer's "My volunteering" token."""
    before = len([m for m in emails_to(api, body["email"]) if "Confirm your sign-up" in (m["subject"] or "")])
    response = api.post("/volunteers", json=body)
    assert response.status_code == 202, response.text
    token = link_in_mail(api, body["email"], CONFIRM, "Confirm your sign-up", skip=before)
    done = press(api, f"/confirm/{token}")
    assert done.status_code == 200, done.text[:300]
    match = ME.search(done.text)
    assert match
    return match.group(1)


def volunteer_id(body: dict[str, Any]) -> str:
    """The id of a confirmed volunteer (from the store: e2e tests share the runtime's stage)."""
    from shared.models import email_hash
    from shared.storage import main_store

    found = main_store().volunteers.volunteer_id_for_email(email_hash(body["email"]))
    assert found is not None
    return found


def signed_up(api: httpx.Client, body: dict[str, Any]) -> str:
    """Sign up and confirm; the volunteer's id."""
    confirmed(api, body)
    return volunteer_id(body)


def signed_up_all(api: httpx.Client, bodies: list[dict[str, Any]]) -> dict[str, str]:
    """Sign up many, then confirm each (their emails go out together); {email: volunteer id}."""
    for body in bodies:
        assert api.post("/volunteers", json=body).status_code == 202
    for body in bodies:
        token = link_in_mail(api, body["email"], CONFIRM, "Confirm your sign-up")
        assert press(api, f"/confirm/{token}").status_code == 200
    return {body["email"]: volunteer_id(body) for body in bodies}
