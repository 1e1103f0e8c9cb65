"""Unsubscribe tokens: name exactly one address hash, cannot be forged or altered."""

from datetime import UTC, datetime

import pytest

from shared import unsubscribe
from shared.models import email_hash

KEY = b"k" * 40


def test_round_trip_names_the_address_hash_only():
    token = unsubscribe.sign(email_hash("Ana@Example.com"), KEY)
    assert unsubscribe.verify(token, KEY) == email_hash("ana@example.com")
    assert "ana" not in token
    assert unsubscribe.url("https://x.org/", token) == f"https://x.org/unsubscribe/{token}"


def test_every_single_character_change_is_refused():
    token = unsubscribe.sign(email_hash("ana@example.com"), KEY)
    for i in range(len(token)):
        for c in "a7":
            if token[i] != c:
                with pytest.raises(unsubscribe.BadUnsubscribeToken):
                    unsubscribe.verify(token[:i] + c + token[i + 1 :], KEY)


@pytest.mark.parametrize("bad", ["", "abc", "1" * 42, "a" * 43])
def test_malformed_and_wrong_key_are_refused(bad):
    with pytest.raises(unsubscribe.BadUnsubscribeToken):
        unsubscribe.verify(bad, KEY)
    with pytest.raises(unsubscribe.BadUnsubscribeToken):
        unsubscribe.verify(unsubscribe.sign(email_hash("a@b.org"), KEY), b"x" * 40)


def test_apply_suppresses_with_the_volunteer_and_reports_repeats():
    calls = []

    class Contacts:
        def suppress(self, email_key, reason, now, volunteer_id):
            calls.append((email_key, reason, volunteer_id))
            return len(calls) == 1

    class Volunteers:
        def volunteer_id_for_email(self, email_key):
            return "v_1" if email_key == email_hash("ana@example.com") else None

    token = unsubscribe.sign(email_hash("ana@example.com"), KEY)
    now = datetime(2026, 11, 25, tzinfo=UTC)
    assert unsubscribe.apply(token, KEY, Contacts(), Volunteers(), now) is True
    assert unsubscribe.apply(token, KEY, Contacts(), Volunteers(), now) is False
    assert calls == [(email_hash("ana@example.com"), "unsubscribe", "v_1")] * 2
