"""`tfc bench emulator`: what one DynamoDB call costs on the embedded emulator (server mode, as
the local runtime runs it), per kind of call, with project-sized items (a list of deliverables,
a string set of skills, a map). The emulator's speed bounds the demo's and the e2e tests'
throughput: every handler call goes through it.

Measured on this machine (2 cores) before and after reads were answered in plain JSON
(tfc/local/emulator.py `_plain_json_reads`): Query of 15 items 53 -> 12 ms, BatchGetItem of 50
119 -> 39 ms, GetItem 8 -> 6 ms.

The `big_*` figures are a console's volunteer list: 100-row pages of one index partition of 15,000
items (a directory sorted by sign-up time), plain, filtered, by name prefix (begins_with), from an
ExclusiveStartKey deep in the partition, backwards, and right after a write (the partition's order is
rebuilt once per write generation)."""

from __future__ import annotations

import time
from typing import Any

import boto3

from tfc.local.emulator import EmulatorProcess

PARTITIONS = 50
ITEMS_PER_PARTITION = 15
BIG_PARTITION = 15000
PAGE = 100


def _item(pk: str, sk: str) -> dict[str, Any]:
    return {
        "pk": {"S": pk},
        "sk": {"S": sk},
        "deliverables": {"L": [{"S": f"A website with donate and volunteer pages, part {i}"} for i in range(6)]},
        "skills": {"SS": ["web_design", "copywriting", "web_development"]},
        "filled": {"N": "3"},
        "meta": {"M": {"a": {"S": "x"}, "b": {"N": "1.5"}, "c": {"BOOL": True}, "d": {"NULL": True}}},
    }


def _per_call_ms(calls: int, call: Any) -> float:
    started = time.perf_counter()
    for i in range(calls):
        call(i)
    return round((time.perf_counter() - started) / calls * 1000, 2)


def _volunteer(i: int) -> dict[str, Any]:
    """A directory entry: table key V#i, index partition DIR#all sorted by sign-up time."""
    return {
        "pk": {"S": f"V#{i:05d}"},
        "sk": {"S": "PROFILE"},
        "gpk": {"S": "DIR#all"},
        "gsk": {"S": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00Z#{i:05d}"},
        "name": {"S": f"name{(i * 7919) % BIG_PARTITION:05d}"},
        "hours": {"N": str(i % 40)},
        "skills": {"SS": ["web_design", "copywriting"]},
        "bio": {"S": "Organizer and designer who builds websites for small campaigns. " * 3},
    }


def _load_big(ddb: Any) -> None:
    rows = [{"PutRequest": {"Item": _volunteer(i)}} for i in range(BIG_PARTITION)]
    for start in range(0, len(rows), 25):
        ddb.batch_write_item(RequestItems={"bench": rows[start : start + 25]})


def _big_queries(ddb: Any, calls: int) -> dict[str, float]:
    """Mean ms per 100-row page of the 15,000-entry index partition, by kind of page."""
    base = {
        "TableName": "bench",
        "IndexName": "dir",
        "KeyConditionExpression": "gpk = :p",
        "ExpressionAttributeValues": {":p": {"S": "DIR#all"}},
        "Limit": PAGE,
    }
    first = ddb.query(**base)
    assert len(first["Items"]) == PAGE and "LastEvaluatedKey" in first
    deep = ddb.query(**{**base, "Limit": 12000, "ProjectionExpression": "pk"})["LastEvaluatedKey"]

    def page(**extra: Any) -> Any:
        def call(_: int) -> None:
            answer = ddb.query(**{**base, **extra})
            assert answer["ScannedCount"] == PAGE, answer["ScannedCount"]

        return call

    filtered = {
        "FilterExpression": "hours >= :h",
        "ExpressionAttributeValues": {":p": {"S": "DIR#all"}, ":h": {"N": "30"}},
    }
    prefix = {
        "KeyConditionExpression": "gpk = :p AND begins_with(gsk, :m)",
        "ExpressionAttributeValues": {":p": {"S": "DIR#all"}, ":m": {"S": "2026-03"}},
    }

    def after_write(i: int) -> None:
        ddb.put_item(TableName="bench", Item=_item(f"W#{i}", "x"))  # another partition: order rebuilt
        page()(i)

    return {
        "big_first_page_ms": _per_call_ms(calls, page()),
        "big_filtered_page_ms": _per_call_ms(calls, page(**filtered)),
        "big_begins_with_page_ms": _per_call_ms(calls, page(**prefix)),
        "big_deep_start_key_page_ms": _per_call_ms(calls, page(ExclusiveStartKey=deep)),
        "big_backward_page_ms": _per_call_ms(calls, page(ScanIndexForward=False)),
        "big_page_after_put_ms": _per_call_ms(calls, after_write),
    }


def run(calls: int = 300) -> dict[str, Any]:
    """{"calls", "query_15_items_ms", "get_item_ms", "batch_get_50_ms", "put_item_ms", "big_calls",
    "big_*_page_ms"}: mean wall-clock milliseconds per call from one client thread (includes boto3's
    own time); `big_page_after_put_ms` includes its PutItem."""
    emulator = EmulatorProcess("127.0.0.1", 0, "123456789012", "us-east-1", "+12025550100", "dynamodb")
    url = emulator.start()
    try:
        ddb = boto3.client(
            "dynamodb",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
        )
        ddb.create_table(
            TableName="bench",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gpk", "gsk")],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "dir",
                    "KeySchema": [
                        {"AttributeName": "gpk", "KeyType": "HASH"},
                        {"AttributeName": "gsk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        for p in range(PARTITIONS):
            for s in range(ITEMS_PER_PARTITION):
                ddb.put_item(TableName="bench", Item=_item(f"P#{p}", f"S#{s:02d}"))

        def query(i: int) -> None:
            page = ddb.query(
                TableName="bench",
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": f"P#{i % PARTITIONS}"}},
            )
            assert len(page["Items"]) == ITEMS_PER_PARTITION

        def get(i: int) -> None:
            assert "Item" in ddb.get_item(
                TableName="bench", Key={"pk": {"S": f"P#{i % PARTITIONS}"}, "sk": {"S": "S#01"}}
            )

        def batch_get(_: int) -> None:
            keys = [{"pk": {"S": f"P#{p}"}, "sk": {"S": "S#01"}} for p in range(PARTITIONS)]
            assert len(ddb.batch_get_item(RequestItems={"bench": {"Keys": keys}})["Responses"]["bench"]) == PARTITIONS

        def put(i: int) -> None:
            ddb.put_item(TableName="bench", Item=_item(f"Q#{i}", "x"))

        small = {
            "calls": calls,
            "query_15_items_ms": _per_call_ms(calls, query),
            "get_item_ms": _per_call_ms(calls, get),
            "batch_get_50_ms": _per_call_ms(max(calls // 3, 1), batch_get),
            "put_item_ms": _per_call_ms(calls, put),
        }
        _load_big(ddb)
        big_calls = max(calls // 10, 3)
        return {**small, "big_calls": big_calls, **_big_queries(ddb, big_calls)}
    finally:
        emulator.stop()
