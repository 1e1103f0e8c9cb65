"""Console sessions (shared/storage/sessions.py) on the DynamoDB adapter (moto) and on the
in-memory fake alike: created once, read back, touched only from the value read, never brought
back by a touch after a delete."""

from __future__ import annotations

from typing import Any

import pytest

from shared.storage.errors import ConditionFailed
from shared.storage.sessions import ConsoleSession


@pytest.fixture(params=["dynamodb", "memory"])
def sessions(request: pytest.FixtureRequest) -> Any:
    from shared.storage.memory.sessions import MemorySessions
    from shared.storage.sessions import console_sessions

    if request.param == "memory":
        return MemorySessions()
    request.getfixturevalue("aws")
    return console_sessions()


def test_a_session_is_created_once_touched_from_what_was_read_and_gone_after_delete(sessions):
    opened = ConsoleSession("ab" * 32, created_at=1_000, last_seen=1_000, key_fingerprint="f1")
    assert sessions.get(opened.session_hash) is None
    sessions.create(opened, expires_at=1_000 + 8 * 3600)
    assert sessions.get(opened.session_hash) == opened
    with pytest.raises(ConditionFailed):
        sessions.create(opened, expires_at=2_000)  # a taken hash is never overwritten

    assert sessions.touch(opened.session_hash, seen=1_100, previous=1_000)
    assert not sessions.touch(opened.session_hash, seen=1_090, previous=1_000)  # another request moved it
    assert sessions.get(opened.session_hash).last_seen == 1_100

    sessions.delete(opened.session_hash)
    assert sessions.get(opened.session_hash) is None
    assert not sessions.touch(opened.session_hash, seen=1_200, previous=1_100)  # no resurrection
    assert sessions.get(opened.session_hash) is None
    sessions.delete(opened.session_hash)  # deleting twice is not an error
