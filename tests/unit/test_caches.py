"""One reset owns every process-wide cache made from the environment: once every handler is imported,
each such cache is registered with shared.caches, and `reset()` really forgets them (the next use sees
the new environment)."""

from __future__ import annotations

import importlib

import pytest

from shared import caches
from shared.resources import RESOURCES


def _import_every_handler() -> None:
    for function in RESOURCES.functions:
        importlib.import_module(function.handler.split(":")[0])
    importlib.import_module("tfc.local.runtime")


def test_every_environment_cache_is_registered() -> None:
    _import_every_handler()
    names = set(caches.registered())
    expected = {
        "shared.settings.reset_settings",  # stage, table and queue names
        "shared.aws.reset_clients",  # boto3 session and clients (endpoint, credentials)
        "shared.storage.reset_store",  # the main table's Store
        "shared.publisher.reset_queue_urls",
        "shared.secrets.clear_secret_cache",
        "services.notify.delivery.reset",  # Powertools idempotency wrappers and their client
        "services.matching.usecases.staffing.PoolCache.clear",  # candidate pools of a warm container
        "services.matching.config.matching_config.cache_clear",
    }
    assert expected <= names, expected - names


def test_reset_forgets_what_was_made_from_the_old_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.matching.config import matching_config
    from services.matching.usecases.staffing import POOLS
    from shared.settings import get_settings

    monkeypatch.setenv("TFC_STAGE", "before")
    monkeypatch.setenv("TFC_MATCHING_MAX_WAVES", "3")
    caches.reset()
    assert (get_settings().stage, matching_config().max_waves) == ("before", 3)
    POOLS._pools["copywriting"] = (0.0, None, [])

    monkeypatch.setenv("TFC_STAGE", "after")
    monkeypatch.setenv("TFC_MATCHING_MAX_WAVES", "4")
    assert get_settings().stage == "before"  # cached until reset
    caches.reset()
    assert (get_settings().stage, matching_config().max_waves) == ("after", 4)
    assert POOLS._pools == {}
    monkeypatch.undo()
    caches.reset()


def test_registering_again_replaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caches, "_resets", dict(caches._resets))  # leave the real registry as it was
    calls: list[str] = []

    def forget() -> None:
        calls.append("x")

    before = len(caches.registered())
    caches.register(forget)
    caches.register(forget)
    assert len(caches.registered()) == before + 1
    caches.reset()
    assert calls == ["x"]
