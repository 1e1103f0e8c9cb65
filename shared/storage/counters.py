"""The pipeline's counters: SHARDS records (`keys.pipeline_counters(shard)`), each written only
inside the transactions that change what it counts, summed on read (shared/pipeline_counts.py says
what each counter means).

Why shards: every project status move, campaign creation, opt-in, leave and every invitation
issued, accepted or closed adds to the counters. A matching wave alone writes thousands of
invitations a minute, 25 to a transaction from several threads, and DynamoDB cancels a
transaction (`TransactionConflict`) whenever another in-flight transaction touches one of its
items: with one record every counted transaction of a surge would queue on that one item and burn
its retries. Each transaction adds to ONE shard, chosen by `counter_shard` from the entity it is
about (the project for a status move, an invitation's answer or a leave; the campaign for a
creation; a wave's group by its first invitation), so concurrent transactions mostly touch
different items. The choice is a pure function (crc32, not Python's salted `hash()`), so a retried
transaction adds to the same shard; that nothing is counted twice is the transaction's own guard's
work. `DynamoCounters.pipeline` reads the SHARDS records in one BatchGetItem and sums them.

Shard 0 is the key of the single record written before sharding: a stage holding that record
needs no migration (its figures are shard 0's share of the sum), and `tfc ops recount` writes its
totals there and deletes the other shards.

A counted status move is guarded by the project's exact status as read (not "any of the allowed
sources"), since the delta names the status it leaves; `move_counted` re-reads and tries again
when the project moved meanwhile to another allowed source.
"""

from __future__ import annotations

import random
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from shared.models import Project
from shared.pipeline_counts import PipelineCounts, counts_from_counters
from shared.storage import keys
from shared.storage.errors import StorageError, TransactionConflict
from shared.storage.table import Table

# The arithmetic: k counted transactions in flight at once (a wave's 4 groups of 25 per 100-
# invitation chunk on up to 8 write threads, plus answers and moves handled meanwhile: say k = 8)
# each add to a uniformly chosen shard, so one of them meets another on its shard with probability
# 1 - (1 - 1/SHARDS)^(k-1): about 36% at 16 shards (a retry after a few ms, once the other has
# committed, nearly always passes), against a certain conflict for every overlapping pair with
# one record. Throughput: a transactional write costs 2 WCU per KB of the item and a shard holds a
# few KB (the wait histogram), so one record would cap the counted transactions near 100-200 a
# second (1,000 WCU a second per partition); 16 partition keys lift that far past a surge's
# thousands of invitations a minute (at most a few hundred transactions a second with the answers).
# Reads stay one BatchGetItem (up to 100 keys) and `replace` one transaction (up to 100 actions).
# Raising SHARDS is safe; lowering it leaves the higher shards unread but stored: delete them, then
# run `tfc ops recount`.
SHARDS = 16
CONFLICT_RETRIES = 5  # a conflict on a counter shard is brief: another transaction's instant
MOVE_ATTEMPTS = 5  # re-reads of a project that keeps moving between allowed sources


class Counters(Protocol):
    """What the console and `tfc ops recount` need (DynamoCounters; memory.MemoryCounters)."""

    def pipeline(self) -> PipelineCounts: ...
    def replace(self, counts: PipelineCounts) -> None: ...


def counter_shard(entity_id: str) -> int:
    """The shard an entity's transactions add to: crc32 of its id, a pure function (the same on
    every process and retry, unlike Python's salted `hash()`), spread evenly over SHARDS."""
    return zlib.crc32(entity_id.encode()) % SHARDS


def counter_update(entity_id: str, deltas: Mapping[str, int]) -> list[dict[str, Any]]:
    """The transaction action adding `deltas` ({counter: delta}) to the counter shard of
    `entity_id` (what the transaction is about: `counter_shard`), as a one-element list (empty
    when there is nothing to add), to splice into a transaction."""
    if not deltas:
        return []
    names = {f"#c{i}": name for i, name in enumerate(deltas)}
    values = {f":c{i}": delta for i, delta in enumerate(deltas.values())}
    adds = ", ".join(f"#c{i} :c{i}" for i in range(len(deltas)))
    return [
        {
            "Update": {
                "Key": keys.pipeline_counters(counter_shard(entity_id)),
                "UpdateExpression": f"ADD {adds}",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }
    ]


def transact_counted(table: Table, actions: list[dict[str, Any]]) -> None:
    """`table.transact(actions)`, retried (the whole transaction) while DynamoDB cancels it only
    for a concurrent transaction on one of its items (a counter shard is shared); a lost
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
        """The figures: the SHARDS records in one strongly consistent BatchGetItem (UnprocessedKeys
        retried by `Table.batch_get`), summed; all zero before anything was counted. A shard's
        counter may be negative (an invitation counted out on another shard than it was counted
        in): only the sum means anything."""
        total: Counter[str] = Counter()
        for found in self.table.batch_get([keys.pipeline_counters(s) for s in range(SHARDS)]):
            total.update({k: v for k, v in found.items() if isinstance(v, int | float)})
        return counts_from_counters(total)

    def replace(self, counts: PipelineCounts) -> None:
        """Make the sum equal `counts` (`tfc ops recount`): one transaction puts them in shard 0
        and deletes the other shards (a move counted meanwhile is lost, so run it while the stage
        is quiet, and again if in doubt)."""
        put = {"Put": {"Item": keys.pipeline_counters(0) | {"type": "PipelineCounters"} | counts.as_counters()}}
        transact_counted(self.table, [put, *({"Delete": {"Key": keys.pipeline_counters(s)}} for s in range(1, SHARDS))])
