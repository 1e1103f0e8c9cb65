"""`tfc dlq list|redrive` against the running local runtime: a message that keeps failing lands in
the dead-letter queue; once the cause is fixed, redriving it processes it exactly once."""

from __future__ import annotations

import boto3
import pytest
from typer.testing import CliRunner

from tests import payloads
from tests.e2e.conftest import drained, wait_for
from tfc.cli import app

pytestmark = pytest.mark.e2e

CONTACT = "dlq.contact@redrive.example.org"


def _cli(runtime, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--endpoint", runtime.endpoint, "--stage", "local"])
    assert result.exit_code == 0, result.output
    return result.output


def _dead_letters(runtime, queue: str) -> int:
    import json

    rows = json.loads(_cli(runtime, "dlq", "list", "--json"))["queues"]
    return next(r["dead_letters"] for r in rows if r["queue"] == queue)


def _sent_to_contact(api) -> int:
    return sum(1 for m in api.get("/_local/outbox").json() if CONTACT in str(m["to"]))


def test_poison_message_is_redriven_after_the_fix_and_processed_once(api, runtime):
    ses = boto3.session.Session(region_name="us-east-1").client("ses", endpoint_url=runtime.endpoint)
    sender = runtime._settings().sender
    address, domain = sender.split("<")[-1].strip(">"), sender.split("@")[-1].strip(">")
    assert _dead_letters(runtime, "notify") == 0
    # The cause: SES no longer accepts the sender (as before the domain is verified in a new
    # account), so the campaign's confirmation email fails on every receive.
    ses.delete_identity(Identity=address)
    ses.delete_identity(Identity=domain)
    try:
        request = payloads.campaign(
            "Robin Redrive", "VA", "HD-40", ["website_refresh"], contact=("Sam Redrive", CONTACT)
        )
        assert api.post("/campaigns", json=request).status_code == 201
        wait_for(lambda: _dead_letters(runtime, "notify") >= 1, timeout=120, interval=0.5)
    finally:
        # The fix: the identity is verified again.
        ses.verify_email_identity(EmailAddress=address)
        ses.verify_domain_identity(Domain=domain)
    assert _sent_to_contact(api) == 0

    output = _cli(runtime, "dlq", "redrive", "notify")
    assert "moved" in output and not output.startswith("moved 0")
    wait_for(lambda: _sent_to_contact(api) >= 1, timeout=120)
    # the redriven message was handled and deleted, so nothing can redeliver it: one send, not two
    wait_for(lambda: drained(runtime, "notify"))
    assert _sent_to_contact(api) == 1
    assert _dead_letters(runtime, "notify") == 0


def test_redrive_refuses_an_undeclared_queue(runtime):
    result = CliRunner().invoke(app, ["dlq", "redrive", "nope", "--endpoint", runtime.endpoint, "--stage", "local"])
    assert result.exit_code != 0
    assert "not a declared queue" in result.output
