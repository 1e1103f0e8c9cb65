"""Test helpers for issue 15's links: what the owner does by clicking the emailed link, done
in-process (tests/aws) with the stage's own key. The end-to-end tests read the real email instead."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from shared import links
from shared.models import email_hash, utcnow
from shared.secrets import get_secret
from shared.storage import Store, main_store

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def key() -> bytes:
    return get_secret("reply-token-key").encode()


def confirm_token(email: str, store: Store | None = None) -> str:
    """The token of the link emailed for the address's pending sign-up or change."""
    pending = (store or main_store()).pending.get_pending(email_hash(email), utcnow())
    assert pending is not None, "nothing is waiting for this address"
    return links.sign("confirm", {"e": pending.email_key, "n": pending.nonce}, key())


def press_confirm(client: Any, token: str) -> Any:
    """The confirm page's one button (a POST with the page's CSRF value)."""
    return client.http.post(f"/confirm/{token}", body=urlencode({"csrf": links.form_token(token, key())}), headers=FORM)


def signed_up(client: Any, body: dict[str, Any]) -> str:
    """POST /volunteers, then confirm by the link, as the owner would; the volunteer's id."""
    response = client.http.post("/volunteers", body=json.dumps(body), headers={"Content-Type": "application/json"})
    assert response.status_code == 202, response.body
    confirmed = press_confirm(client, confirm_token(body["email"]))
    assert confirmed.status_code == 200, confirmed.body
    volunteer_id = main_store().volunteers.volunteer_id_for_email(email_hash(body["email"]))
    assert volunteer_id is not None
    return volunteer_id


def me_token(volunteer_id: str) -> str:
    return links.sign("me", {"v": volunteer_id}, key())


def campaign_token(campaign_id: str) -> str:
    return links.sign("campaign", {"c": campaign_id}, key())
