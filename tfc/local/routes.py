"""Routes only the local runtime serves: the outbox, and reply injection. Never deployed."""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

from chalice import Blueprint, Response

from tfc.local import inbound
from tfc.local.emulator import OUTBOX_PATH

local = Blueprint(__name__)
_FIELDS = {"email": ("from", "to", "subject", "text"), "sms": ("from", "to", "text")}


def _json(status: int, body: Any) -> Response:
    return Response(body=json.dumps(body), status_code=status, headers={"Content-Type": "application/json"})


def _payload(channel: str) -> dict[str, str] | Response:
    try:
        data = json.loads(local.current_request.raw_body or b"{}")
    except ValueError:
        return _json(422, {"errors": [{"field": "body", "message": "is not valid JSON"}]})
    if not isinstance(data, dict):
        return _json(422, {"errors": [{"field": "body", "message": "must be a JSON object"}]})
    required = _FIELDS[channel]
    errors = [
        {"field": f, "message": "is required"}
        for f in required
        if not isinstance(data.get(f), str) or (f != "text" and not data[f].strip())
    ]
    errors += [{"field": f, "message": "is not an accepted field"} for f in data if f not in required]
    if errors:
        return _json(422, {"errors": errors})
    return data


@local.route("/_local/outbox", methods=["GET"])
def get_outbox() -> Response:
    """Read from the emulator process, which records every message SES and SNS accept.
    `?after=N` skips the first N (a client that has read N messages asks only for new ones)."""
    query = local.current_request.query_params
    after = query.get("after", "0") if query else "0"
    url = f"{os.environ['AWS_ENDPOINT_URL']}{OUTBOX_PATH}?after={int(after) if after.isdigit() else 0}"
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
        return Response(body=response.read(), status_code=200, headers={"Content-Type": "application/json"})


@local.route("/_local/inbound/email", methods=["POST"])
def inbound_email() -> Response:
    data = _payload("email")
    if isinstance(data, Response):
        return data
    message_id = inbound.inject_email(data["from"], data["to"], data.get("subject", ""), data["text"])
    return _json(202, {"accepted": True, "message_id": message_id})


@local.route("/_local/inbound/sms", methods=["POST"])
def inbound_sms() -> Response:
    data = _payload("sms")
    if isinstance(data, Response):
        return data
    return _json(202, {"accepted": True, "message_id": inbound.inject_sms(data["from"], data["to"], data["text"])})


@local.route("/_local/clock", methods=["POST"])
def advance_clock() -> Response:
    """{"advance_seconds": N}: run the system's clock (shared.models.utcnow) N seconds further
    ahead, so check-ins and phase ends happen now. Never backwards."""
    from shared.models import CLOCK_OFFSET_VAR, utcnow

    try:
        data = json.loads(local.current_request.raw_body or b"{}")
        seconds = float(data["advance_seconds"])
    except (ValueError, KeyError, TypeError):
        return _json(422, {"errors": [{"field": "advance_seconds", "message": "is required: a number of seconds"}]})
    if not 0 <= seconds <= 366 * 86400:
        return _json(422, {"errors": [{"field": "advance_seconds", "message": "must be between 0 and a year"}]})
    os.environ[CLOCK_OFFSET_VAR] = str(float(os.environ.get(CLOCK_OFFSET_VAR, "0")) + seconds)
    return _json(200, {"now": utcnow().isoformat(), "offset_seconds": float(os.environ[CLOCK_OFFSET_VAR])})
