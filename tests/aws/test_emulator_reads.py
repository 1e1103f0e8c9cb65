"""The emulator answers reads in plain JSON (tfc/local/emulator.py): every DynamoDB type must come
back exactly as written, through GetItem, Query (with paging) and BatchGetItem."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tfc.local.emulator import harden_moto

ITEM: dict[str, Any] = {
    "s": {"S": 'Zoë — ünïcode & "quotes"'},
    "n": {"N": "12.5"},
    "b": {"B": b"\x00\xffbinary"},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [b"\x01", b"\x02"]},
    "l": {"L": [{"S": "x"}, {"N": "1"}, {"M": {"k": {"BOOL": False}}}]},
    "m": {"M": {"nested": {"L": [{"NULL": True}]}, "flag": {"BOOL": True}}},
    "null": {"NULL": True},
}


@pytest.fixture
def table() -> Any:
    harden_moto()
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        for i in range(5):
            ddb.put_item(TableName="t", Item={"pk": {"S": "P"}, "sk": {"S": f"{i}"}, **ITEM})
        yield ddb


def _without_keys(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in ("pk", "sk")}


def _normal(item: dict[str, Any]) -> dict[str, Any]:
    """Sets come back in any order (as from DynamoDB)."""
    out = {}
    for k, v in item.items():
        kind, value = next(iter(v.items()))
        out[k] = {kind: sorted(value)} if kind in ("SS", "NS", "BS") else v
    return out


def test_get_item_returns_every_type_as_written(table: Any) -> None:
    got = table.get_item(TableName="t", Key={"pk": {"S": "P"}, "sk": {"S": "0"}})["Item"]
    assert _normal(_without_keys(got)) == _normal(ITEM)


def test_get_item_of_a_missing_key_has_no_item(table: Any) -> None:
    assert "Item" not in table.get_item(TableName="t", Key={"pk": {"S": "P"}, "sk": {"S": "none"}})


def test_query_pages_with_last_evaluated_key_and_counts(table: Any) -> None:
    seen: list[str] = []
    start: dict[str, Any] | None = None
    while True:
        kwargs: dict[str, Any] = {"ExclusiveStartKey": start} if start else {}
        page = table.query(
            TableName="t",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "P"}},
            Limit=2,
            **kwargs,
        )
        assert page["Count"] == len(page["Items"]) <= 2
        assert all(_normal(_without_keys(i)) == _normal(ITEM) for i in page["Items"])
        seen += [i["sk"]["S"] for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert seen == ["0", "1", "2", "3", "4"]


def test_batch_get_returns_every_item_asked_for(table: Any) -> None:
    keys = [{"pk": {"S": "P"}, "sk": {"S": f"{i}"}} for i in (0, 2, 4)] + [{"pk": {"S": "P"}, "sk": {"S": "x"}}]
    page = table.batch_get_item(RequestItems={"t": {"Keys": keys}})
    assert sorted(i["sk"]["S"] for i in page["Responses"]["t"]) == ["0", "2", "4"]
    assert not page.get("UnprocessedKeys")


def test_resource_layer_reads_decimals_and_bytes(table: Any) -> None:
    resource = boto3.resource("dynamodb", region_name="us-east-1").Table("t")
    got = resource.get_item(Key={"pk": "P", "sk": "1"})["Item"]
    assert got["n"] == Decimal("12.5")
    assert bytes(got["b"]) == b"\x00\xffbinary"
    assert got["m"] == {"nested": [None], "flag": True}
