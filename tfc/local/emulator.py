"""Make the embedded emulator safe and fast enough for concurrent consumers (local only).

moto's DynamoDB is written for one caller at a time: its TransactWriteItems deep-copies every
table it touches to be able to roll back (seconds per call once a table holds a few thousand
volunteers, and a restore that can erase a concurrent writer's item), and its backends are not
thread-safe. The local runtime runs several consumers at once, as Lambda does, so here:
- every DynamoDB action runs under one lock (each is short; SQS long polls are unaffected);
- TransactWriteItems checks every condition first and only then writes, as DynamoDB does,
  snapshotting just the items it touches so a failed write restores them exactly;
- a Query reads only its partition, of the table or of an index (moto lists and sorts the whole
  table for every Query: O(n log n) per call, which dominates once the pool holds thousands); an
  index read twice between writes is grouped by partition once, until the next write;
- reads (GetItem, Query, BatchGetItem) answer in plain JSON: their results already are DynamoDB
  JSON, and moto's model-driven serializer costs milliseconds per item;
- SQS checks a message's retention without recounting the queue for every message received.
Nothing here is imported by a service: production talks to real DynamoDB.
"""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from typing import Any, cast

_lock = threading.RLock()
_applied = False
# A table's partitions, grouped and sorted once, stay good until the next write to that table
# (consoles and benches read many partitions between writes): PutItem, UpdateItem, DeleteItem,
# BatchWriteItem and TransactWriteItems bump the versions of the tables they name; any other
# write (CreateTable, PartiQL, ...) bumps _generation, which stands for every table. So the
# idempotency table's writes (two per handler call) leave the main table's orders standing.
_generation = 0
_table_versions: dict[str, int] = {}
_READ_ONLY = frozenset(
    {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems", "DescribeTable", "ListTables"}
    | {"DescribeTimeToLive", "DescribeContinuousBackups", "ListTagsOfResource"}
)
_index_groups: dict[tuple[int, str], tuple[tuple[int, int], dict[Any, Any] | None]] = {}
# moto's own methods that harden_moto replaced, by (class, attribute): tests compare against them.
ORIGINALS: dict[tuple[type, str], Any] = {}


def harden_moto() -> None:
    global _applied
    if _applied:
        return
    from moto import backends as moto_backends
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler
    from moto.sqs.models import SQSBackend

    original_call = DynamoHandler.call_action
    for cls, name in [
        (DynamoHandler, "call_action"),
        (DynamoHandler, "serialized"),
        (DynamoDBBackend, "transact_write_items"),
        (Table, "query"),
        (Item, "__init__"),
        (Item, "project"),
        (SQSBackend, "is_message_valid_based_on_retention_period"),
    ]:
        ORIGINALS[(cls, name)] = getattr(cls, name)

    def call_action(self: Any) -> Any:
        global _generation
        with _lock:
            action = self._get_action()
            if action not in _READ_ONLY:
                names = _written_tables(action, getattr(self, "params", None))
                if names is None:
                    _generation += 1
                for name in names or ():
                    _table_versions[name] = _table_versions.get(name, 0) + 1
            return original_call(self)

    DynamoHandler.call_action = call_action  # type: ignore[method-assign]  # patching moto's classes is the point
    DynamoHandler.serialized = _plain_json_reads(DynamoHandler.serialized)  # type: ignore[method-assign]
    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    Table.query = _partition_query(Table.query)  # type: ignore[method-assign]
    Item.__init__ = _item_init  # type: ignore[method-assign]
    Item.project = _top_level_project(Item.project)  # type: ignore[method-assign]
    SQSBackend.is_message_valid_based_on_retention_period = _retention_ok  # type: ignore[method-assign]
    # The server finds each request's service by asking whether its name is one of moto's service
    # folders, listing the package directory and stat-ing ~200 entries per request (about 10 ms, under
    # the dispatcher's lock). The folders never change while the process runs: list them once.
    modules = tuple(moto_backends.list_of_moto_modules())
    moto_backends.list_of_moto_modules = lambda: modules
    _applied = True


def _written_tables(action: str, params: Any) -> list[str] | None:
    """The tables an item write names, or None when unknown (then every table counts as written)."""
    try:
        if action in ("PutItem", "UpdateItem", "DeleteItem"):
            names = [params["TableName"]]
        elif action == "BatchWriteItem":
            names = list(params["RequestItems"])
        elif action == "TransactWriteItems":
            names = [next(iter(entry.values()))["TableName"] for entry in params["TransactItems"]]
        else:
            return None
    except (KeyError, TypeError, AttributeError, StopIteration):
        return None
    return None if any(not isinstance(n, str) or ":" in n for n in names) else names  # an ARN: play safe


def _version(table: Any) -> tuple[int, int]:
    """Changes whenever the table may have been written."""
    return _generation, _table_versions.get(table.name, 0)


# Reads whose result is already DynamoDB JSON ({"S": ...} values): moto's generic serializer walks
# the API model for every attribute of every item (about 3 ms an item, most of a Query's time).
_PLAIN_JSON_READS = frozenset({"GetItem", "Query", "BatchGetItem", "TransactGetItems"})


def _plain_json_reads(original: Any) -> Any:
    import base64
    import json

    from moto.dynamodb.responses import DynamoResult

    def binary(value: Any) -> str:
        if isinstance(value, bytes):  # a B or BS value: base64 on the wire, as the serializer does
            return base64.b64encode(value).decode()
        raise TypeError(f"{type(value).__name__} in a DynamoDB read result")

    def serialized(self: Any, action_result: Any) -> Any:
        if type(action_result) is not DynamoResult or self._get_action() not in _PLAIN_JSON_READS:
            return original(self, action_result)
        body = json.dumps(action_result.result, default=binary, separators=(",", ":"))
        return 200, {"Content-Type": "application/x-amz-json-1.0", **self.response_headers}, body

    return serialized


def _item_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
    """moto's Item, sized once: its LimitedSizeDict re-sums the whole item for every attribute set
    (quadratic, 4 ms a volunteer's put). Sizes are never negative, so a running total passes the
    405,000-byte check at every step exactly when the final total does: the same ItemSizeTooLarge."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict, bytesize

    self.hash_key = hash_key
    self.range_key = range_key
    values = {key: DynamoType(value) for key, value in attrs.items()}
    if sum(bytesize(key) + value.size() for key, value in values.items()) > 405000:
        raise ItemSizeTooLarge
    self.attrs = LimitedSizeDict()  # later single-attribute sets (updates) still go through its check
    dict.update(self.attrs, values)


def _top_level_project(original: Any) -> Any:
    """Item.project for plain top-level names (an index's KEYS_ONLY/INCLUDE, most projection
    expressions) copies those attributes as stored; moto converts the whole item to Python values
    and back for every path (about 1 s for a page of 1,000). Nested paths and list elements keep
    moto's. Unlike moto's round trip, numbers keep their stored text, as in unprojected reads."""

    def project(self: Any, projection_expressions: list[list[str]]) -> Any:
        if not all(len(path) == 1 and "[" not in path[0] for path in projection_expressions):
            return original(self, projection_expressions)
        from moto.dynamodb.models.dynamo_type import Item, LimitedSizeDict

        projected: Any = Item.__new__(Item)  # no __init__: the copied values are already sized
        projected.hash_key = self.hash_key
        projected.range_key = self.range_key
        projected.attrs = LimitedSizeDict()
        for (name,) in projection_expressions:
            if name in self.attrs:
                dict.__setitem__(projected.attrs, name, copy.deepcopy(self.attrs[name]))
        return projected

    return project


def _retention_ok(self: Any, queue_name: str, message: Any) -> bool:
    """moto computes every queue attribute (counting the whole queue) per received message just
    to read the retention period: quadratic in the backlog. Read the one attribute."""
    import time

    queue = self.get_queue(queue_name)
    return int(queue.message_retention_period) + message.sent_timestamp / 1000 > time.time()


def _partition_query(original: Any) -> Any:
    """A Query evaluates only what DynamoDB would: its partition's items kept in sort-key order (once
    per write generation), bisected to the key condition's range and to ExclusiveStartKey, walked in
    either direction up to Limit and the 1 MB page. Shapes moto's fast path does not cover (legacy
    QueryFilter, multi-attribute keys, a key condition of the wrong type) take moto's own Query on the
    partition's items only."""

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        # The backend passes index_name as the 8th positional argument (7th after hash_key).
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if hash_key is None:
            return original(self, hash_key, *args, **kwargs)
        answer = _ordered_query(self, hash_key, *args, **kwargs)
        if answer is not None:
            return answer
        full = self.items
        subset: Any = defaultdict(dict)
        if not index_name:
            if hash_key in full:
                subset[hash_key] = full[hash_key]
        else:
            for row in _index_rows(self, index_name, hash_key):
                if self.range_key_attr:
                    subset[row.hash_key][row.range_key] = row
                else:
                    subset[row.hash_key] = row
        self.items = subset
        try:  # safe to swap: every DynamoDB action holds the lock
            return original(self, hash_key, *args, **kwargs)
        finally:
            self.items = full

    return query


def _index_rows(table: Any, index_name: str, hash_key: Any) -> list[Any]:
    """The table's items in one partition of an index (those holding the index's hash key). When a
    second index Query comes before the next write to the table, the whole index is grouped by
    partition in one pass and kept until that write; under steady writes (a demo) each Query
    walks the table once for its own partition."""
    attribute = next(k["AttributeName"] for k in table.get_index(index_name).schema if k["KeyType"] == "HASH")
    where = (id(table), index_name)
    cached = _index_groups.get(where)
    version = _version(table)
    if cached is not None and cached[0] == version and cached[1] is not None:
        return list(cached[1].get(_group_key(hash_key), ()))
    if cached is not None and cached[0] == version:  # the second read since the last write: group
        groups: dict[Any, list[Any]] = defaultdict(list)
        for bucket in table.items.values():
            for row in bucket.values() if table.range_key_attr else [bucket]:
                value = row.attrs.get(attribute)
                if value is not None:
                    groups[_group_key(value)].append(row)
        _index_groups[where] = (version, groups)
        return list(groups.get(_group_key(hash_key), ()))
    _index_groups[where] = (version, None)
    return [
        row
        for bucket in table.items.values()
        for row in (bucket.values() if table.range_key_attr else [bucket])
        if (value := row.attrs.get(attribute)) is not None and value == hash_key
    ]


def _group_key(value: Any) -> tuple[str, Any]:
    """A key value as a dict key equal where DynamoDB's keys are equal: numbers by value ("1" is
    "1.0"), anything else by its text (an attribute of another type in some item is never a key)."""
    return value.type, value.cast_value if value.type == "N" else str(value.value)


class _Partition:
    """One partition of a table or index in Query order: `keys[i]` is the tuple of cast values
    (Decimal for N, str for S, whose code-point order is UTF-8 byte order, bytes for B) moto sorts
    `rows[i]` by: partition key, sort key, then the table's keys (an index's tie-break)."""

    __slots__ = ("attrs", "keys", "rows", "sizes", "sort_values")

    def __init__(self, attrs: list[str], rows: list[Any]) -> None:
        decorated = sorted(((tuple(r.attrs[a].cast_value for a in attrs), r) for r in rows), key=lambda p: p[0])
        self.attrs = attrs
        self.keys = [k for k, _ in decorated]
        self.rows = [r for _, r in decorated]
        self.sort_values = [k[1] for k in self.keys] if len(attrs) > 1 else []
        self.sizes: list[int] = [-1] * len(self.rows)  # each row's size in bytes, once walked

    def size(self, position: int) -> int:
        """Bytes of the row at `position` (moto's Item.size, which walks every attribute)."""
        known = self.sizes[position]
        if known < 0:
            known = self.sizes[position] = self.rows[position].size()
        return known


_partitions: dict[tuple[int, str, str, Any], tuple[tuple[int, int], _Partition]] = {}
_RANGE_OPS = frozenset({"=", "EQ", "<", "LT", "<=", "LE", ">", "GT", ">=", "GE", "BETWEEN", "BEGINS_WITH"})
_MAX_ITEM_BYTES = 400 * 1024


def _ordered_partition(table: Any, index_name: str | None, hash_key: Any) -> _Partition | None:
    """The partition in Query order, sorted once per version of the table; None for a shape the fast path
    leaves to moto (an index with several key attributes of a kind, or a missing index)."""
    from moto.dynamodb.models.table import GlobalSecondaryIndex

    where = (id(table), index_name or "", *_group_key(hash_key))
    version = _version(table)
    cached = _partitions.get(where)
    if cached is not None and cached[0] == version:
        return cached[1]
    if len(_partitions) > 4096:  # stale orders of written tables: forget them all now and then
        _partitions.clear()
    if index_name:
        index = next((i for i in table.all_indexes() if i.name == index_name), None)
        if index is None:
            return None
        hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
        ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
        if len(hashes) != 1 or len(ranges) > 1:
            return None
        if ranges:
            range_attrs = [ranges[0], table.range_key_attr]
        else:  # as moto: the table's sort key (or partition key) stands in for the index's
            is_global = isinstance(index, GlobalSecondaryIndex)
            stand_in = table.range_key_attr if table.range_key_attr and is_global else None
            range_attrs = [stand_in or table.hash_key_attr, table.range_key_attr]
        attrs = table._generate_attr_to_sort_by([hashes[0], table.hash_key_attr], range_attrs)
        rows = [r for r in _index_rows(table, index_name, hash_key) if not ranges or ranges[0] in r.attrs]
    else:
        attrs = table._generate_attr_to_sort_by([table.hash_key_attr], [table.range_key_attr])
        bucket = table.items.get(hash_key)
        rows = [] if bucket is None else list(bucket.values()) if table.range_key_attr else [bucket]
    if any(a not in r.attrs for r in rows for a in attrs):
        return None
    try:
        found = _Partition(attrs, rows)
    except TypeError:  # sort keys of mixed types: moto's own Query answers as it does
        return None
    _partitions[where] = (version, found)
    return found


def _key_range(part: _Partition, op: str | None, values: list[Any]) -> tuple[int, int] | None:
    """[lo, hi) of the rows whose sort key satisfies the key condition; None if the condition's
    values are not of the sort key's type (moto's own Query then answers as it does)."""
    import bisect

    n = len(part.rows)
    if op is None:
        return 0, n
    if op not in _RANGE_OPS or not part.sort_values:
        return None
    kind = part.rows[0].attrs[part.attrs[1]].type if n else None
    if kind is not None and any(v.type != kind for v in values):
        return None
    cast = [v.cast_value for v in values]
    column = part.sort_values
    if op in ("=", "EQ"):
        return bisect.bisect_left(column, cast[0]), bisect.bisect_right(column, cast[0])
    if op in ("<", "LT"):
        return 0, bisect.bisect_left(column, cast[0])
    if op in ("<=", "LE"):
        return 0, bisect.bisect_right(column, cast[0])
    if op in (">", "GT"):
        return bisect.bisect_right(column, cast[0]), n
    if op in (">=", "GE"):
        return bisect.bisect_left(column, cast[0]), n
    if op == "BETWEEN":
        lo = bisect.bisect_left(column, cast[0])
        return lo, max(lo, bisect.bisect_right(column, cast[1]))
    prefix = cast[0]  # BEGINS_WITH: the rows from the prefix on that start with it are contiguous
    if not isinstance(prefix, str | bytes):
        return None
    lo = bisect.bisect_left(column, prefix)
    return lo, bisect.bisect_left(column, True, lo, n, key=lambda v: not v.startswith(prefix))


def _ordered_query(
    table: Any,
    hash_key: Any,
    range_comparison: str | None,
    range_objs: list[Any],
    limit: int | None,
    exclusive_start_key: dict[str, Any] | None,
    scan_index_forward: bool,
    projection_expressions: list[list[str]] | None,
    index_name: str | None = None,
    consistent_read: bool = False,
    filter_expression: Any = None,
    hash_key_conditions: list[Any] | None = None,
    range_key_conditions: list[Any] | None = None,
    **filter_kwargs: Any,
) -> tuple[list[Any], int, dict[str, Any] | None] | None:
    """moto's Table.query answer (items, scanned count, last evaluated key) evaluating only the
    rows DynamoDB would read; None to leave the call to moto (its validation errors included)."""
    import bisect

    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import RESULT_SIZE_LIMIT

    if filter_kwargs or len(hash_key_conditions or ()) > 1 or len(range_key_conditions or ()) > 1:
        return None
    if index_name and consistent_read:
        return None  # moto refuses it for a GSI and allows it for an LSI: its own Query decides
    part = _ordered_partition(table, index_name, hash_key)
    if part is None:
        return None
    span = _key_range(part, range_comparison, range_objs)
    if span is None:
        return None
    lo, hi = span
    n = len(part.rows)
    start, stop, step = (0, n, 1) if scan_index_forward else (n - 1, -1, -1)
    if exclusive_start_key is not None:  # resume after the start key in the direction of the walk
        if any(a not in exclusive_start_key for a in part.attrs):
            return None
        after = tuple(DynamoType(exclusive_start_key[a]).cast_value for a in part.attrs)
        forward, backward = bisect.bisect_right(part.keys, after), bisect.bisect_left(part.keys, after) - 1
        start = forward if scan_index_forward else backward
    first = max(start, lo) if scan_index_forward else min(start, hi - 1)
    last = hi if scan_index_forward else lo - 1
    results: list[Any] = []
    size = 0
    last_evaluated_key = None
    position = first
    while (position < last) if scan_index_forward else (position > last):
        row = part.rows[position]
        row_size = part.size(position)
        if len(results) == limit or size + row_size > RESULT_SIZE_LIMIT:
            last_evaluated_key = table._get_last_evaluated_key(results[-1], index_name)
            break
        results.append(row)
        size += row_size
        position += step
    else:  # the key range is exhausted: as moto, a key is still returned when the page is full and
        # the partition holds a further row (in or out of the range), or the next row would not fit
        beyond = range(position, stop, step)
        full = len(results) == limit and len(beyond) > 0
        near = size > RESULT_SIZE_LIMIT - _MAX_ITEM_BYTES  # only then can a further row overflow the page
        if results and (full or (near and any(size + part.size(i) > RESULT_SIZE_LIMIT for i in beyond))):
            last_evaluated_key = table._get_last_evaluated_key(results[-1], index_name)
    scanned = len(results)
    results = copy.deepcopy(results)
    if index_name:
        index = table.get_index(index_name)
        results = [index.project(r) for r in results]
    if filter_expression is not None:
        results = [r for r in results if filter_expression.expr(r)]
    if projection_expressions:
        results = [r.project(projection_expressions) for r in results]
    return results, scanned, last_evaluated_key


def _key_of(table: Any, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return op["Key"]
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    seen: set[tuple[str, str]] = set()
    planned: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = []
    reasons: list[tuple[Any, Any, Any]] = []
    for entry in transact_items:  # 1. validate and evaluate every condition against one state
        if len(entry) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(entry.items()))
        if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
            raise ValueError("Unsupported transaction operation")
        table_name = op["TableName"]
        table = self.get_table(table_name)
        key = _key_of(table, op_type, op)
        marker = (table_name, str(sorted(key.items())))
        if marker in seen:
            raise MultipleTransactionsException()
        seen.add(marker)
        current = self.get_item(table_name, key)
        condition = op.get("ConditionExpression")
        if condition is not None and not get_filter_expression(
            condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
        ).expr(current):
            old = (
                current.to_json()["Attributes"]
                if (op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current)
                else None
            )
            reasons.append(("ConditionalCheckFailed", "The conditional request failed", old))
        else:
            reasons.append((None, None, None))
        planned.append((op_type, op, table_name, key))
    if any(code is not None for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)

    snapshots = [(name, key, copy.deepcopy(self.get_item(name, key))) for _, _, name, key in planned]
    try:  # 2. write; conditions already hold, and nothing else runs meanwhile (the lock)
        for op_type, op, table_name, key in planned:
            if op_type == "Put":
                self.put_item(table_name, op["Item"])
            elif op_type == "Delete":
                self.delete_item(table_name, key)
            elif op_type == "Update":
                self.update_item(
                    table_name,
                    key,
                    update_expression=op["UpdateExpression"],
                    expression_attribute_names=op.get("ExpressionAttributeNames"),
                    expression_attribute_values=op.get("ExpressionAttributeValues"),
                )
    except Exception:
        for table_name, key, old in reversed(snapshots):
            table = self.get_table(table_name)
            current = self.get_item(table_name, key)
            if current is not None:
                table.delete_item(current.hash_key, current.range_key)
            if old is not None:
                if table.range_key_attr is not None:
                    table.items[old.hash_key][old.range_key] = old
                else:
                    table.items[old.hash_key] = old
        raise


# --- the emulator as a child process ------------------------------------------------------------
# moto in a thread of the runtime would share one interpreter lock with every handler; in its own
# process it gets its own core. It exits with its parent, so stopping the runtime (or killing it)
# leaves nothing behind.

OUTBOX_PATH = "/_tfc/outbox"


def _with_outbox(app: Any) -> Any:
    import json
    from urllib.parse import parse_qs

    from tfc.local import outbox

    def middleware(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == OUTBOX_PATH:
            after = parse_qs(environ.get("QUERY_STRING", "")).get("after", ["0"])[0]
            body = json.dumps(outbox.messages(int(after) if after.isdigit() else 0)).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return app(environ, start_response)

    return middleware


def _profiled(app: Any, path: str) -> Any:
    """Profile every request (cProfile sees one thread only, and the server runs one per request) and
    write the merged pstats to `path` every 200 requests and at exit: `python -m pstats path`."""
    import atexit
    import cProfile
    import pstats

    merged: list[pstats.Stats] = []
    guard = threading.Lock()
    count = [0]

    def dump() -> None:
        with guard:
            if merged:
                merged[0].dump_stats(path)

    def middleware(environ: dict[str, Any], start_response: Any) -> Any:
        profile = cProfile.Profile()
        profile.enable()
        try:
            return list(app(environ, start_response))  # the body too: moto builds it lazily at times
        finally:
            profile.disable()
            with guard:
                merged.append(pstats.Stats(profile)) if not merged else merged[0].add(profile)
                count[0] += 1
            if count[0] % 200 == 0:
                dump()

    atexit.register(dump)
    return middleware


def _exit_with_parent(parent: int) -> None:
    import os
    import time

    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def serve(host: str, port: int, account_id: str, region: str, sms_origination: str, service: str) -> None:
    import logging
    import os
    import sys

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from tfc.local import outbox

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    harden_moto()
    if service == "all":  # SES and SNS live here, so the outbox is recorded here
        outbox.install(account_id, region, sms_origination)
        app = _with_outbox(DomainDispatcherApplication(create_backend_app))
    else:  # one service: skip moto's per-request guess of which service a request is for
        app = create_backend_app(cast(Any, service))  # moto types it as a Literal of every service
    if os.environ.get("TFC_EMULATOR_PROFILE"):  # a file prefix: one pstats file per emulator process
        app = _profiled(app, f"{os.environ['TFC_EMULATOR_PROFILE']}.{service}.pstats")
    server = make_server(host, port, app, threaded=True, request_handler=MotoRequestHandler)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    print(f"READY {server.server_address[1]}", flush=True)
    sys.stdout.close()
    server.serve_forever()


class EmulatorProcess:
    """Start `python -m tfc.local.emulator` and wait until it listens."""

    def __init__(
        self, host: str, port: int, account_id: str, region: str, sms_origination: str, service: str = "all"
    ) -> None:
        self.args = [host, str(port), account_id, region, sms_origination, service]
        self.process: Any = None
        self.endpoint = ""

    def start(self, timeout: float = 30.0) -> str:
        import subprocess
        import sys

        self.process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [sys.executable, "-m", "tfc.local.emulator", *self.args],
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        ready: list[str] = []
        reader = threading.Thread(target=lambda: ready.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        line = ready[0] if ready else ""
        if not line.startswith("READY "):
            self.stop()
            raise OSError(f"the AWS emulator did not start (exit code {self.process.poll()})")
        self.endpoint = f"http://{self.args[0]}:{int(line.split()[1])}"
        return self.endpoint

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except Exception:
            self.process.kill()
            self.process.wait(timeout=5)


if __name__ == "__main__":
    import sys

    serve(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6])
