"""The pipeline's counters: one record, `COUNTERS`/`PIPELINE`, written only inside the
transactions that change what it counts (shared/pipeline_counts.py says what each counter means).

Why one item and no sharding: every project status move, campaign creation and opt-in adds to it,
a few hundred writes a minute at a season's peak, far below the 1,000 writes a second one
partition takes. Two transactions touching it at the same instant make DynamoDB cancel one with
`TransactionConflict`; `transact_counted` retries those (the whole transaction, so nothing is
counted without its change). Shard it (N records, summed on read) only if conflicts show up in
the logs.

A counted status move is guarded by the project's exact status as read (not "any of the allowed
sources"), since the delta names the status it leaves; `move_counted` re-reads and tries again
when the project moved meanwhile to another allowed source.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from shared.models import Project
from shared.pipeline_counts import PipelineCounts, counts_from_counters
from shared.storage import keys
from shared.storage.errors import StorageError, TransactionConflict
from shared.storage.table import Table

CONFLICT_RETRIES = 5  # a conflict on the counter record is brief: another transaction's instant
MOVE_ATTEMPTS = 5  # re-reads of a project that keeps moving between allowed sources


class Counters(Protocol):
    """What the console and `tfc ops recount` need (DynamoCounters; memory.MemoryCounters)."""

    def pipeline(self) -> PipelineCounts: ...
    def replace(self, counts: PipelineCounts) -> None: ...


def counter_update(deltas: Mapping[str, int]) -> list[dict[str, Any]]:
    """The transaction action adding `deltas` ({counter: delta}) to the counter record, as a
    one-element list (empty when there is nothing to add), to splice into a transaction."""
    if not deltas:
        return []
    names = {f"#c{i}": name for i, name in enumerate(deltas)}
    values = {f":c{i}": delta for i, delta in enumerate(deltas.values())}
    adds = ", ".join(f"#c{i} :c{i}" for i in range(len(deltas)))
    return [
        {
            "Update": {
                "Key": keys.pipeline_counters(),
                "UpdateExpression": f"ADD {adds}",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }
    ]


def transact_counted(table: Table, actions: list[dict[str, Any]]) -> None:
    """`table.transact(actions)`, retried (the whole transaction) while DynamoDB cancels it only
    for a concurrent transaction on one of its items (the counter record is everyone's); a lost
    guard raises TransactionConflict at once, as `table.transact` does."""
    for attempt in range(CONFLICT_RETRIES + 1):
        try:
            table.transact(actions)
            return
        except TransactionConflict as exc:
            only_conflicts = "TransactionConflict" in exc.reasons and exc.failed_at() is None
            if not only_conflicts or attempt == CONFLICT_RETRIES:
                raise
            time.sleep(random.uniform(0.005, 0.02) * 2**attempt)  # jittered backoff


def move_counted(
    table: Table,
    project: Project,
    from_statuses: Iterable[str],
    actions_for: Callable[[Project], list[dict[str, Any]]],
) -> bool:
    """Run `actions_for(current)`'s transaction, whose FIRST action must be the status move guarded
    by `current.status` exactly (the counter deltas name it). When that guard loses, the project is
    read again: still in another of `from_statuses`, the move is tried from there; otherwise False
    (a duplicate or concurrent move won). Other failures raise TransactionConflict."""
    allowed = set(from_statuses)
    current = project
    for _ in range(MOVE_ATTEMPTS):
        if current.status not in allowed:
            return False
        try:
            transact_counted(table, actions_for(current))
            return True
        except TransactionConflict as exc:
            if not exc.first_guard_lost:
                raise
        fresh = table.get(keys.project(project.project_id))
        if fresh is None or fresh.get("status") == current.status:
            return False
        current = Project.model_validate(fresh)
    raise StorageError("ProjectKeptMoving", f"project {project.project_id} moved {MOVE_ATTEMPTS} times meanwhile")


class DynamoCounters:
    def __init__(self, table: Table) -> None:
        self.table = table

    def pipeline(self) -> PipelineCounts:
        """The figures (one strongly consistent GetItem); all zero before anything was counted."""
        found = self.table.get(keys.pipeline_counters()) or {}
        return counts_from_counters({k: v for k, v in found.items() if isinstance(v, int | float)})

    def replace(self, counts: PipelineCounts) -> None:
        """Overwrite the record with `counts` (`tfc ops recount`; a move counted meanwhile is lost,
        so run it while the stage is quiet, and again if in doubt)."""
        self.table.put(keys.pipeline_counters() | {"type": "PipelineCounters"} | counts.as_counters())
