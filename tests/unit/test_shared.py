"""Shared pieces: events, ids, catalog, redaction, settings."""

import json
import logging

import pytest
from pydantic import ValidationError

from shared.catalog import catalog
from shared.events import InvitationAnsweredV1, ProjectApprovedV1, UnknownEvent, dump, parse
from shared.ids import derived_id, new_id
from shared.observability import RedactPersonalData, redact
from shared.settings import ConfigError, get_settings, reset_settings


def test_events_round_trip_and_queues_refuse_foreign_or_unknown_events():
    event = ProjectApprovedV1(correlation_id="c1", project_id="p_1")
    assert parse("matching", dump(event)) == event
    with pytest.raises(UnknownEvent, match=r"notify queue carries no event 'project\.approved\.v1'"):
        parse("notify", dump(event))  # a matching event on the notify queue
    with pytest.raises(ValidationError):
        parse("matching", '{"type": "project.approved", "version": 1, "correlation_id": "c"}')
    with pytest.raises(ValidationError):
        InvitationAnsweredV1(correlation_id="c", invitation_id="i", answer="maybe", channel="email")


def test_ids():
    assert new_id("c") != new_id("c") and new_id("c").startswith("c_")
    assert derived_id("i", "p", "v") == derived_id("i", "p", "v") != derived_id("i", "p", "w")


def test_catalog_menu_is_consistent():
    menu = catalog()
    assert {m.category for m in menu.menu} == {
        "digital_basics",
        "email_analytics",
        "social_digital",
        "engineering_data",
    }
    assert all(3 <= m.team_size <= 5 and m.weeks <= 8 for m in menu.menu)


def test_redaction_masks_emails_and_phones():
    text = redact("mail ana.ruiz+tfc@example.com or call +1 (804) 555-0142 about project p_01abc")
    assert "example.com" not in text and "555" not in text and "p_01abc" in text


def test_log_filter_redacts_extras():
    record = logging.LogRecord("x", logging.INFO, "f", 1, "to %s", ("a@example.com",), None)
    record.recipient = "b@example.org"
    RedactPersonalData().filter(record)
    assert "example" not in record.getMessage() and "example" not in record.recipient


def test_a_services_json_log_line_masks_an_address_quoted_in_a_traceback(capsys):
    """Powertools' JSON formatter writes the traceback, the exception's value and its notes
    itself, after the filters ran: the services' formatter masks them too."""
    from shared.observability import get_logger

    logger = get_logger("redaction-test")
    try:
        error = ValueError("MessageRejected: Email address is not verified: ana.ruiz@example.com")
        error.add_note("retry for +1 (804) 555-0142")
        raise error
    except ValueError:
        logger.exception("send failed", extra={"to": "b@example.org", "attempts": 5})
    line = capsys.readouterr().err.strip().splitlines()[-1]  # logs go to stderr; stdout is a command's output
    logged = json.loads(line)
    assert logged["exception_name"] == "ValueError" and logged["attempts"] == 5  # numbers left alone
    assert "[email]" in logged["exception"] and "[email]" in str(logged["stack_trace"]["value"])
    assert "example.com" not in line and "example.org" not in line and "555-0142" not in line, line


def test_settings_fail_closed_without_a_stage(monkeypatch):
    monkeypatch.delenv("TFC_STAGE", raising=False)
    reset_settings()
    with pytest.raises(ConfigError):
        get_settings()
    monkeypatch.setenv("TFC_STAGE", "Bad Stage!")
    reset_settings()
    with pytest.raises(ConfigError):
        get_settings()
    reset_settings()


def test_redaction_leaves_ids_that_end_in_digits_but_masks_a_phone_after_a_dash():
    message_id = "3f1c2a9e-7b4d-4e21-9a0b-006697799744"
    assert redact(f"record {message_id} failed") == f"record {message_id} failed"
    assert redact("text from - 804-555-0142") == "text from - [phone]"
    assert redact("call:8045550142") == "call:[phone]"
