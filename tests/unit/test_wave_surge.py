"""A wave under a surge (usecases/wave.py): projects with nothing out are written first, and a
wave that runs out of its write budget leaves the rest to the next tick. In-memory store, no AWS."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from services.matching.config import MatchingConfig
from services.matching.usecases import wave
from services.matching.usecases.records import RecordCache
from services.matching.usecases.staffing import PoolCache, Staffing
from shared.models import utcnow
from shared.settings import Settings
from shared.storage.memory import memory_store
from tests.aws.builders import approved_project, signup, website_refresh_team
from tests.unit.test_staffing import Outbox, answer


def test_a_new_project_is_written_first_and_the_budget_defers_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    store, outbox = memory_store(), Outbox()

    def staffing(config: MatchingConfig) -> Staffing:
        return Staffing(
            store, outbox, Settings(stage="test"), logging.getLogger("t"), PoolCache(), config, RecordCache()
        )

    website_refresh_team(store)
    for n in range(7, 30):
        signup(n, ["copywriting", "web_development"], lead=True, store=store)
    older = approved_project(store=store, publish=outbox)
    now = utcnow()
    staffing(MatchingConfig()).tick(now, "t")
    first = store.campaigns.get_project(older.project_id)
    assert first is not None
    for invitation in first.invitations[:3]:  # the older project needs top-ups now
        answer(staffing(MatchingConfig()), invitation, yes=False)
    newer = approved_project(store=store, publish=outbox)

    monkeypatch.setattr(wave, "SEND_CHUNK", 1)  # one invitation per chunk: the budget bites after the first
    figures = staffing(MatchingConfig(wave_write_seconds=1e-9)).tick(now + timedelta(seconds=5), "t")
    assert figures["invited"] == 1 and figures["deferred"] > 0
    written = store.campaigns.get_project(newer.project_id)
    assert written is not None and len(written.invitations) == 1  # the new project's, not a top-up
    older_now = store.campaigns.get_project(older.project_id)
    assert older_now is not None and len(older_now.invitations) == len(first.invitations)

    rest = staffing(MatchingConfig()).tick(now + timedelta(seconds=10), "t")  # the next tick writes the rest
    assert rest["invited"] > 0 and rest["deferred"] == 0
    older_later = store.campaigns.get_project(older.project_id)
    assert older_later is not None and len(older_later.invitations) > len(first.invitations)
