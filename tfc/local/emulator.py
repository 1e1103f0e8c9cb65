"""Make the embedded emulator safe and fast enough for concurrent consumers (local only).

moto's DynamoDB is written for one caller at a time: its TransactWriteItems deep-copies every
table it touches to be able to roll back (seconds per call once a table holds a few thousand
volunteers, and a restore that can erase a concurrent writer's item), and its backends are not
thread-safe. The local runtime runs several consumers at once, as Lambda does, so here:
- every DynamoDB action runs under one lock (each is short; SQS long polls are unaffected);
- TransactWriteItems checks every condition first and only then writes, as DynamoDB does,
  snapshotting just the items it touches so a failed write restores them exactly;
- a Query on the base table reads only its partition (moto lists and sorts the whole table for
  every Query: O(n log n) per call, which dominates once the pool holds thousands of people).
Nothing here is imported by a service: production talks to real DynamoDB.
"""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from typing import Any

_lock = threading.RLock()
_applied = False


def harden_moto() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler

    original_call = DynamoHandler.call_action

    def call_action(self: Any) -> Any:
        with _lock:
            return original_call(self)

    DynamoHandler.call_action = call_action  # type: ignore[method-assign]
    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    Table.query = _partition_query(Table.query)  # type: ignore[method-assign]
    _applied = True


def _partition_query(original: Any) -> Any:
    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        # The backend passes index_name as the 8th positional argument (7th after hash_key).
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name or hash_key is None:
            return original(self, hash_key, *args, **kwargs)
        full = self.items
        self.items = defaultdict(dict)
        if hash_key in full:
            self.items[hash_key] = full[hash_key]
        try:  # safe to swap: every DynamoDB action holds the lock
            return original(self, hash_key, *args, **kwargs)
        finally:
            self.items = full

    return query


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
