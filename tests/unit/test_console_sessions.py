"""Console sessions on the in-memory store (services/intake/console/session.py): a record per
log-in that logout deletes, idle and absolute limits, the ops key's rotation, and cookies and
CSRF values of any bytes refused without an error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.intake.console import session
from shared.storage.memory.sessions import MemorySessions

LIMITS = session.Limits(idle_seconds=1800, absolute_seconds=8 * 3600)
KEY = session.derive_key("ops-key-0123456789-a")
T0 = 1_700_000_000


class CountingSessions(MemorySessions):
    def __init__(self) -> None:
        super().__init__()
        self.touches = 0

    def touch(self, session_hash: str, seen: int, previous: int) -> bool:
        self.touches += 1
        return super().touch(session_hash, seen, previous)


def test_logging_out_ends_the_session_and_every_copy_of_its_cookie():
    store = MemorySessions()
    sid, cookie = session.open_session(store, KEY, T0, LIMITS)
    copied = str(cookie)
    assert session.resume(store, KEY, cookie, T0 + 5, LIMITS).session_id == sid
    assert list(store.items) == [session.session_hash(sid)] and sid not in repr(store.items)  # only the hash
    session.close(store, sid)
    assert session.resume(store, KEY, copied, T0 + 6, LIMITS) == session.Resumed(None)
    assert store.items == {}
    other, _ = session.open_session(store, KEY, T0, LIMITS)
    assert other != sid  # a new id at every log-in


def test_a_session_ends_after_its_idle_limit_and_is_deleted():
    store = MemorySessions()
    sid, cookie = session.open_session(store, KEY, T0, LIMITS)
    assert session.resume(store, KEY, cookie, T0 + LIMITS.idle_seconds - 1, LIMITS).session_id == sid
    # that request moved last_seen: the idle clock starts again from it
    later = T0 + LIMITS.idle_seconds - 1 + LIMITS.idle_seconds
    assert session.resume(store, KEY, cookie, later - 1, LIMITS).session_id == sid
    assert session.resume(store, KEY, cookie, later - 1 + LIMITS.idle_seconds, LIMITS) == session.Resumed(None, "idle")
    assert store.items == {}


def test_a_busy_session_still_ends_at_its_absolute_limit():
    store = MemorySessions()
    sid, cookie = session.open_session(store, KEY, T0, LIMITS)
    now = T0
    while now + 600 < T0 + LIMITS.absolute_seconds:
        now += 600
        assert session.resume(store, KEY, cookie, now, LIMITS).session_id == sid
    assert session.resume(store, KEY, cookie, T0 + LIMITS.absolute_seconds, LIMITS) == session.Resumed(None, "expired")
    assert store.items == {}


def test_last_seen_is_written_at_most_once_a_minute():
    store = CountingSessions()
    _, cookie = session.open_session(store, KEY, T0, LIMITS)
    for second in range(0, 181, 5):  # 37 requests in 3 minutes
        session.resume(store, KEY, cookie, T0 + second, LIMITS)
    assert store.touches == 3  # at 60, 120 and 180 s: not one per request


def test_rotating_the_ops_key_ends_every_session():
    store = MemorySessions()
    _, first = session.open_session(store, KEY, T0, LIMITS)
    _, second = session.open_session(store, KEY, T0, LIMITS)
    rotated = session.derive_key("ops-key-0123456789-b")
    assert session.resume(store, rotated, first, T0 + 1, LIMITS).session_id is None  # signature
    assert session.resume(store, rotated, second, T0 + 1, LIMITS).session_id is None
    # a record opened under another key is refused even if its cookie verified (defence in depth)
    sid, cookie = session.open_session(store, KEY, T0, LIMITS)
    hashed = session.session_hash(sid)
    record, expires = store.items[hashed]
    store.items[hashed] = (type(record)(hashed, record.created_at, record.last_seen, "0" * 16), expires)
    assert session.resume(store, KEY, cookie, T0 + 1, LIMITS) == session.Resumed(None, "key rotated")


def test_an_altered_cookie_is_refused():
    store = MemorySessions()
    _, cookie = session.open_session(store, KEY, T0, LIMITS)
    sid_part, signature = cookie.split(".")
    # Alter the first character: the last one of base64 carries unused bits, so changing it may not
    # change the decoded signature at all (the test then failed now and then).
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    for forged in (f"{sid_part}.{flipped}", f"{sid_part[::-1]}.{signature}", sid_part, f"{cookie}.x"):
        assert session.resume(store, KEY, forged, T0 + 1, LIMITS).session_id is None, forged


NASTY = ["", "é", "\x00" * 68, "ÿ" * 68, "\ud800", "a" * 24 + "." + "é" * 43, "a" * 10_000, "tfc_console=x"]


@pytest.mark.parametrize("value", NASTY)
def test_cookies_and_csrf_values_of_any_characters_are_refused_not_raised(value):
    store = MemorySessions()
    sid, _ = session.open_session(store, KEY, T0, LIMITS)
    assert session.resume(store, KEY, value, T0, LIMITS).session_id is None
    assert session.csrf_ok(KEY, sid, value) is False
    assert session.read_cookie(f"tfc_console={value}") in (value, "")


@given(st.text(max_size=200))
def test_any_text_as_a_cookie_or_csrf_value_is_just_refused(value):
    store = MemorySessions()
    sid, _ = session.open_session(store, KEY, T0, LIMITS)
    assert session.resume(store, KEY, value, T0, LIMITS).session_id is None
    assert session.csrf_ok(KEY, sid, value) is False


def test_the_csrf_token_belongs_to_its_session():
    token = session.csrf_token(KEY, "session-a")
    assert session.csrf_ok(KEY, "session-a", token)
    assert not session.csrf_ok(KEY, "session-b", token)
    assert not session.csrf_ok(session.derive_key("ops-key-0123456789-b"), "session-a", token)
    assert not session.csrf_ok(KEY, "session-a", token.upper())
