"""`tfc bench emulator`: what one DynamoDB call costs on the embedded emulator (server mode, as
the local runtime runs it), per kind of call, with project-sized items (a list of deliverables,
a string set of skills, a map). The emulator's speed bounds the demo's and the e2e tests'
throughput: every handler call goes through it.

Measured on this machine (2 cores) before and after reads were answered in plain JSON
(tfc/local/emulator.py `_plain_json_reads`): Query of 15 items 53 -> 12 ms, BatchGetItem of 50
119 -> 39 ms, GetItem 8 -> 6 ms."""

from __future__ import annotations

import time
from typing import Any

import boto3

from tfc.local.emulator import EmulatorProcess

PARTITIONS = 50
ITEMS_PER_PARTITION = 15


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


def run(calls: int = 300) -> dict[str, Any]:
    """{"calls", "query_15_items_ms", "get_item_ms", "batch_get_50_ms", "put_item_ms"}: mean
    wall-clock milliseconds per call from one client thread (includes boto3's own time)."""
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
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
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

        return {
            "calls": calls,
            "query_15_items_ms": _per_call_ms(calls, query),
            "get_item_ms": _per_call_ms(calls, get),
            "batch_get_50_ms": _per_call_ms(max(calls // 3, 1), batch_get),
            "put_item_ms": _per_call_ms(calls, put),
        }
    finally:
        emulator.stop()
