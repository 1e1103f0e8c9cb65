"""Storage: the single-table design (README.md here), one module per aggregate over `table.Table`."""

from __future__ import annotations

from functools import cache

from shared import caches
from shared.storage.campaigns import ProjectRecord
from shared.storage.errors import ConditionFailed, Conflict, DuplicateRequest, StorageError, TransactionConflict
from shared.storage.invitations import AcceptOutcome, InviteOutcome
from shared.storage.store import Store, dynamo_store
from shared.storage.table import Table

__all__ = [
    "AcceptOutcome",
    "ConditionFailed",
    "Conflict",
    "DuplicateRequest",
    "InviteOutcome",
    "ProjectRecord",
    "StorageError",
    "Store",
    "Table",
    "TransactionConflict",
    "dynamo_store",
    "main_store",
    "main_table",
    "reset_store",
]


@cache
def main_table() -> Table:
    """The stage's main table behind `table.Table` (one per process; follows reset_store)."""
    from shared.aws import dynamodb_resource
    from shared.settings import get_settings

    return Table(dynamodb_resource().Table(get_settings().table("main")))


@cache
def main_store() -> Store:
    """Every aggregate's DynamoDB adapter over the stage's main table (one per process)."""
    return dynamo_store(main_table())


@caches.register
def reset_store() -> None:
    main_table.cache_clear()
    main_store.cache_clear()
