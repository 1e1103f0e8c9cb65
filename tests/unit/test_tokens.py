"""Reply tokens: genuine ones verify; forged, altered, expired or malformed ones never do."""

from datetime import UTC, datetime, timedelta

import pytest

from services.notify.domain.tokens import (
    BadToken,
    ExpiredToken,
    reply_address,
    sign,
    token_from_address,
    verify,
)
from shared.ids import derived_id

KEY = b"k" * 32
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
INVITATION = derived_id("i", "p_1", "v_1")


def test_round_trip_and_address_fits_in_a_local_part():
    token = sign(INVITATION, NOW + timedelta(hours=72), KEY)
    assert verify(token, KEY, NOW).invitation_id == INVITATION
    address = reply_address(token, "reply.example.org")
    assert len(address.split("@")[0]) <= 64
    assert token_from_address(address.upper()) == token  # mail systems may change case
    assert token_from_address(f"Ana <{address}>") is None or token_from_address(f"<{address}>") == token


def test_every_single_character_change_is_refused():
    token = sign(INVITATION, NOW + timedelta(hours=72), KEY)
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    for position, original in enumerate(token):
        for replacement in alphabet:
            if replacement != original:
                with pytest.raises(BadToken):
                    verify(token[:position] + replacement + token[position + 1 :], KEY, NOW)


def test_wrong_key_truncated_and_garbage_are_refused():
    token = sign(INVITATION, NOW + timedelta(hours=1), KEY)
    for bad in (token[:-1], token + "a", "", "x" * 39, "!" * 39):
        with pytest.raises(BadToken):
            verify(bad, KEY, NOW)
    with pytest.raises(BadToken):
        verify(token, b"other-key" * 4, NOW)


def test_expiry_is_never_earlier_than_the_invitation_and_expired_tokens_name_their_invitation():
    expires = NOW + timedelta(seconds=20)
    token = sign(INVITATION, expires, KEY)
    assert verify(token, KEY, expires - timedelta(seconds=1)).invitation_id == INVITATION
    with pytest.raises(ExpiredToken) as info:
        verify(token, KEY, expires + timedelta(minutes=1))
    assert info.value.invitation_id == INVITATION


def test_different_invitations_get_different_tokens():
    other = derived_id("i", "p_1", "v_2")
    assert sign(INVITATION, NOW, KEY) != sign(other, NOW, KEY)
