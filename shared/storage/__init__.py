"""Storage: the single-table design (README.md here) and the DynamoDB store."""

from __future__ import annotations

from functools import cache

from shared import caches
from shared.storage.store import AcceptOutcome, Conflict, DuplicateRequest, InviteOutcome, Store

__all__ = ["AcceptOutcome", "Conflict", "DuplicateRequest", "InviteOutcome", "Store", "main_store", "reset_store"]


@cache
def main_store() -> Store:
    from shared.aws import dynamodb_resource
    from shared.settings import get_settings

    return Store(dynamodb_resource().Table(get_settings().table("main")))


@caches.register
def reset_store() -> None:
    main_store.cache_clear()
