"""The emulator's Query (tfc/local/emulator.py: a partition kept in sort-key order, bisected to the key
condition and ExclusiveStartKey, walked to Limit) must answer exactly as moto's own Query does: the
same random sequence of writes and paged queries runs against plain moto (harden_moto's patches
undone) and against the hardened emulator, and every answer and error must agree. Focused tests pin
DynamoDB's documented behaviour on a big partition."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from tfc.local import emulator

STRING_KEYS = ["", "a", "ab", "abc", "b", "ba", "é", "z", "Z", "a b", "ü", "日本", "\U0001f600"]


def _create(ddb: Any, name: str = "t") -> None:
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
            {"AttributeName": "gs", "AttributeType": "S"},
            {"AttributeName": "gn", "AttributeType": "N"},
            {"AttributeName": "gb", "AttributeType": "B"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_s",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "gs", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "by_n",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "gn", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
            {
                "IndexName": "by_b",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "gb", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["hours"]},
            },
            {
                "IndexName": "by_g",  # no sort key: the table's keys order it
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            },
        ],
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.fixture
def plain() -> Iterator[Callable[[], Any]]:
    """A context manager factory: moto as shipped, harden_moto's patches undone inside it."""
    emulator.harden_moto()

    def enter() -> Any:
        mp = pytest.MonkeyPatch()
        for (cls, name), original in emulator.ORIGINALS.items():
            mp.setattr(cls, name, original)
        return mp

    yield enter


def _item(rng: random.Random) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": {"S": rng.choice(["P1", "P2"])},
        "sk": {"S": rng.choice(STRING_KEYS) + str(rng.randrange(4))},
        "g": {"S": rng.choice(["G1", "G2"])},
        "hours": {"N": str(rng.randrange(-3, 12))},
        "tags": {"SS": rng.sample(["a", "b", "c", "d"], rng.randrange(1, 4))},
    }
    if rng.random() < 0.85:  # some items are not in every index
        item["gs"] = {"S": rng.choice(STRING_KEYS)}
    if rng.random() < 0.85:
        item["gn"] = {"N": rng.choice(["-10", "-1.5", "0", "0.25", "1", "2", "10", "1000", "99.9"])}
    if rng.random() < 0.85:
        item["gb"] = {"B": bytes(rng.choice([b"", b"\x00", b"\x00\x01", b"\x7f", b"\x80", b"\xff", b"\xff\x00"]))}
    return item


def _key_condition(rng: random.Random, index: str | None) -> tuple[str, dict[str, Any], dict[str, str]]:
    """KeyConditionExpression, its values and names, for the table or one index."""
    if index is None:
        hash_attr, sort_attr = "pk", "sk"
        part: dict[str, Any] = {"S": rng.choice(["P1", "P2"])}
        values: list[Any] = [{"S": rng.choice(STRING_KEYS) + rng.choice(["", "1"])} for _ in range(2)]
    else:
        hash_attr, sort_attr = "g", {"by_s": "gs", "by_n": "gn", "by_b": "gb", "by_g": ""}[index]
        part = {"S": rng.choice(["G1", "G2"])}
        if index == "by_n":
            values = [{"N": rng.choice(["-2", "0", "0.25", "1", "5", "1000"])} for _ in range(2)]
        elif index == "by_b":
            values = [{"B": rng.choice([b"", b"\x00", b"\x7f", b"\x80", b"\xff"])} for _ in range(2)]
        else:
            values = [{"S": rng.choice(STRING_KEYS)} for _ in range(2)]
    expression = "#h = :h"
    names = {"#h": hash_attr}
    attr_values = {":h": part}
    op = rng.choice(["", "=", "<", "<=", ">", ">=", "between", "begins_with"]) if sort_attr else ""
    if op == "begins_with" and index == "by_n":
        op = ">="
    if op:
        names["#r"] = sort_attr
        attr_values[":a"] = values[0]
        if op == "between":
            low, high = sorted(values, key=lambda v: next(iter(v.values())))
            attr_values[":a"], attr_values[":b"] = low, high
            expression += " AND #r BETWEEN :a AND :b"
        elif op == "begins_with":
            expression += " AND begins_with(#r, :a)"
        else:
            expression += f" AND #r {op} :a"
    return expression, attr_values, names


def _normal(answer: Any) -> Any:
    """Sets come back in any order."""
    if isinstance(answer, dict):
        return {k: sorted(v) if k in ("SS", "NS", "BS") else _normal(v) for k, v in answer.items()}
    if isinstance(answer, list):
        return [_normal(v) for v in answer]
    return answer


def _run(seed: int, steps: int) -> list[Any]:
    """Every answer (or error code and message) of a seeded sequence of writes and paged queries."""
    rng = random.Random(seed)
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    _create(ddb)
    log: list[Any] = []
    written: list[dict[str, Any]] = []

    def call(method: str, **kwargs: Any) -> Any:
        try:
            answer = getattr(ddb, method)(**kwargs)
        except ClientError as error:
            reasons = error.response.get("CancellationReasons")
            log.append((method, error.response["Error"]["Code"], error.response["Error"]["Message"], reasons))
            return None
        answer.pop("ResponseMetadata", None)
        log.append((method, _normal(answer)))
        return answer

    for _ in range(40):
        item = _item(rng)
        written.append(item)
        call("put_item", TableName="t", Item=item)
    for _ in range(steps):
        roll = rng.random()
        key = {k: v for k, v in rng.choice(written).items() if k in ("pk", "sk")}
        if roll < 0.15:
            item = _item(rng)
            written.append(item)
            call("put_item", TableName="t", Item=item, ConditionExpression="attribute_not_exists(pk)")
        elif roll < 0.22:
            call("delete_item", TableName="t", Key=key, ReturnValues="ALL_OLD")
        elif roll < 0.32:  # moves the item within (or out of) the string index
            call(
                "update_item",
                TableName="t",
                Key=key,
                UpdateExpression="SET gs = :s, hours = hours + :one",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":s": {"S": rng.choice(STRING_KEYS)}, ":one": {"N": "1"}},
                ReturnValues="ALL_NEW",
            )
        elif roll < 0.4:
            other = {k: v for k, v in rng.choice(written).items() if k in ("pk", "sk")}
            call(
                "transact_write_items",
                TransactItems=[
                    {
                        "Update": {
                            "TableName": "t",
                            "Key": key,
                            "UpdateExpression": "SET hours = :h",
                            "ConditionExpression": "hours < :cap",
                            "ExpressionAttributeValues": {":h": {"N": "5"}, ":cap": {"N": "6"}},
                        }
                    },
                    {
                        "ConditionCheck": {
                            "TableName": "t",
                            "Key": other,
                            "ConditionExpression": "attribute_exists(sk)",
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                        }
                    },
                ],
            )
        else:
            index = rng.choice([None, None, "by_s", "by_n", "by_b", "by_g"])
            expression, values, names = _key_condition(rng, index)
            request: dict[str, Any] = {
                "TableName": "t",
                "KeyConditionExpression": expression,
                "ScanIndexForward": rng.random() < 0.5,
            }
            if index:
                request["IndexName"] = index
            if rng.random() < 0.7:
                request["Limit"] = rng.randrange(1, 6)
            if rng.random() < 0.4 and index != "by_n":
                request["FilterExpression"] = "hours >= :min"
                values[":min"] = {"N": str(rng.randrange(0, 10))}
            if rng.random() < 0.3 and index != "by_n":
                request["ProjectionExpression"] = "pk, #r2, tags"
                names["#r2"] = "hours"
            elif rng.random() < 0.15:
                request["Select"] = "COUNT"
            request["ExpressionAttributeValues"] = values
            request["ExpressionAttributeNames"] = names
            for _ in range(60):  # pages, with a write between some of them
                answer = call("query", **request)
                if answer is None or "LastEvaluatedKey" not in answer:
                    break
                request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
                if rng.random() < 0.2:
                    item = _item(rng)
                    written.append(item)
                    call("put_item", TableName="t", Item=item)
    return log


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_writes_and_paged_queries_answer_as_plain_moto(plain: Callable[[], Any], seed: int) -> None:
    mp = plain()
    try:
        with mock_aws():
            expected = _run(seed, 250)
    finally:
        mp.undo()
    with mock_aws():
        got = _run(seed, 250)
    queries = [entry for entry in expected if entry[0] == "query" and len(entry) == 2]
    assert len(queries) > 150 and any(q[1].get("LastEvaluatedKey") for q in queries)  # the sequence pages
    assert any(entry[0] == "transact_write_items" and len(entry) == 4 for entry in expected)  # and cancels
    for step, (want, have) in enumerate(zip(expected, got, strict=True)):
        assert have == want, f"step {step}"


# --- a big partition: DynamoDB's documented paging -----------------------------------------------

BIG = 3000


@pytest.fixture(scope="module")
def big() -> Iterator[Any]:
    emulator.harden_moto()
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        _create(ddb)
        rows = [
            {
                "PutRequest": {
                    "Item": {
                        "pk": {"S": f"V#{i:05d}"},
                        "sk": {"S": "P"},
                        "g": {"S": "DIR"},
                        "gs": {"S": f"n{(i * 7) % 1000:04d}"},  # three items share each sort key
                        "gn": {"N": str((i * 13) % BIG - 1500)},
                        "hours": {"N": str(i % 10)},
                    }
                }
            }
            for i in range(BIG)
        ]
        for start in range(0, BIG, 25):
            ddb.batch_write_item(RequestItems={"t": rows[start : start + 25]})
        yield ddb


def _pages(ddb: Any, **request: Any) -> tuple[list[Any], list[Any]]:
    """(items of every page in order, the pages) of a Query followed to its end."""
    items: list[Any] = []
    pages: list[Any] = []
    while True:
        page = ddb.query(TableName="t", **request)
        pages.append(page)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items, pages
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _keys(items: list[Any]) -> list[str]:
    return [i["pk"]["S"] for i in items]


@pytest.mark.parametrize("forward", [True, False])
def test_paging_a_big_partition_gives_the_unpaged_query_in_order(big: Any, forward: bool) -> None:
    base = {
        "IndexName": "by_s",
        "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": "DIR"}},
        "ScanIndexForward": forward,
    }
    whole, _ = _pages(big, **base)
    paged, pages = _pages(big, Limit=137, **base)
    assert len(whole) == BIG and _keys(paged) == _keys(whole)
    order = [(i["gs"]["S"], i["pk"]["S"]) for i in whole]  # sort key, then the table's key breaks ties
    assert order == sorted(order, reverse=not forward)
    assert all(p["ScannedCount"] == p["Count"] == 137 for p in pages[:-1])


def test_a_gsi_last_evaluated_key_holds_index_and_table_keys(big: Any) -> None:
    page = big.query(
        TableName="t",
        IndexName="by_s",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "DIR"}},
        Limit=5,
    )
    last = page["Items"][-1]
    assert page["LastEvaluatedKey"] == {"g": last["g"], "gs": last["gs"], "pk": last["pk"], "sk": last["sk"]}


def test_limit_counts_items_before_the_filter(big: Any) -> None:
    page = big.query(
        TableName="t",
        IndexName="by_s",
        KeyConditionExpression="g = :g",
        FilterExpression="hours = :h",
        ExpressionAttributeValues={":g": {"S": "DIR"}, ":h": {"N": "3"}},
        Limit=50,
    )
    assert page["ScannedCount"] == 50 and 0 < page["Count"] < 50 and "LastEvaluatedKey" in page
    assert all(i["hours"] == {"N": "3"} for i in page["Items"])


@pytest.mark.parametrize(
    ("condition", "values", "wanted"),
    [
        ("begins_with(gs, :a)", {":a": {"S": "n012"}}, lambda s, _: s.startswith("n012")),
        ("gs BETWEEN :a AND :b", {":a": {"S": "n0100"}, ":b": {"S": "n0105"}}, lambda s, _: "n0100" <= s <= "n0105"),
        ("gs < :a", {":a": {"S": "n0003"}}, lambda s, _: s < "n0003"),
    ],
)
def test_string_sort_key_conditions_pick_exactly_their_range(
    big: Any, condition: str, values: dict[str, Any], wanted: Callable[[str, Any], bool]
) -> None:
    items, _ = _pages(
        big,
        IndexName="by_s",
        KeyConditionExpression=f"g = :g AND {condition}",
        ExpressionAttributeValues={":g": {"S": "DIR"}, **values},
        Limit=7,
    )
    everything, _ = _pages(
        big, IndexName="by_s", KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": {"S": "DIR"}}
    )
    expected = [i["pk"]["S"] for i in everything if wanted(i["gs"]["S"], i)]
    assert expected and _keys(items) == expected


def test_number_sort_keys_order_numerically_and_between_is_inclusive(big: Any) -> None:
    items, _ = _pages(
        big,
        IndexName="by_n",
        KeyConditionExpression="g = :g AND gn BETWEEN :a AND :b",
        ExpressionAttributeValues={":g": {"S": "DIR"}, ":a": {"N": "-20"}, ":b": {"N": "9"}},
        ScanIndexForward=False,
        Limit=4,
    )
    numbers = [int(i["gn"]["N"]) for i in items]
    assert numbers == list(range(9, -21, -1))  # every number once, as numbers (not "9" > "10" as text)
    assert set(items[0]) == {"pk", "sk", "g", "gn"}  # KEYS_ONLY: the index's and the table's keys


def test_include_projection_keeps_keys_and_the_included_attribute(big: Any) -> None:
    emulator.harden_moto()
    big.put_item(TableName="t", Item={"pk": {"S": "X"}, "sk": {"S": "1"}, "g": {"S": "B"}, "gb": {"B": b"\x01"}})
    big.put_item(
        TableName="t",
        Item={
            "pk": {"S": "X"},
            "sk": {"S": "2"},
            "g": {"S": "B"},
            "gb": {"B": b"\xff"},
            "hours": {"N": "2"},
            "o": {"S": "x"},
        },
    )
    page = big.query(
        TableName="t",
        IndexName="by_b",
        KeyConditionExpression="g = :g AND gb > :b",
        ExpressionAttributeValues={":g": {"S": "B"}, ":b": {"B": b"\x7f"}},
    )
    assert page["Items"] == [
        {"pk": {"S": "X"}, "sk": {"S": "2"}, "g": {"S": "B"}, "gb": {"B": b"\xff"}, "hours": {"N": "2"}}
    ]


def test_writes_between_pages_are_seen(big: Any) -> None:
    request: dict[str, Any] = {
        "TableName": "t",
        "IndexName": "by_s",
        "KeyConditionExpression": "g = :g AND begins_with(gs, :p)",
        "ExpressionAttributeValues": {":g": {"S": "W"}, ":p": {"S": "w"}},
        "Limit": 2,
    }
    for n in range(6):
        big.put_item(
            TableName="t", Item={"pk": {"S": f"W{n}"}, "sk": {"S": "P"}, "g": {"S": "W"}, "gs": {"S": f"w{n}"}}
        )
    first = big.query(**request)
    assert _keys(first["Items"]) == ["W0", "W1"]
    big.delete_item(TableName="t", Key={"pk": {"S": "W2"}, "sk": {"S": "P"}})  # next in line: gone
    big.put_item(TableName="t", Item={"pk": {"S": "W9"}, "sk": {"S": "P"}, "g": {"S": "W"}, "gs": {"S": "w1a"}})
    big.update_item(  # moves W5 ahead, W4 out of the range
        TableName="t",
        Key={"pk": {"S": "W5"}, "sk": {"S": "P"}},
        UpdateExpression="SET gs = :s",
        ExpressionAttributeValues={":s": {"S": "w1b"}},
    )
    big.update_item(
        TableName="t",
        Key={"pk": {"S": "W4"}, "sk": {"S": "P"}},
        UpdateExpression="SET gs = :s",
        ExpressionAttributeValues={":s": {"S": "x"}},
    )
    rest, _ = _pages(
        big, ExclusiveStartKey=first["LastEvaluatedKey"], **{k: v for k, v in request.items() if k != "TableName"}
    )
    assert _keys(rest) == ["W9", "W5", "W3"]


def test_each_kind_of_item_write_refreshes_the_written_tables_order_and_only_theirs(big: Any) -> None:
    big.create_table(
        TableName="u",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    request = {
        "TableName": "t",
        "IndexName": "by_s",
        "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": "K"}},
    }

    def seen() -> list[str]:
        big.query(**request)  # twice: the second read groups the index, as between writes
        return _keys(big.query(**request)["Items"])

    def row(n: int) -> dict[str, Any]:
        return {"pk": {"S": f"K{n}"}, "sk": {"S": "P"}, "g": {"S": "K"}, "gs": {"S": f"k{n}"}}

    assert seen() == []
    big.put_item(TableName="u", Item={"pk": {"S": "other"}})
    big.put_item(TableName="t", Item=row(1))
    assert seen() == ["K1"]
    big.batch_write_item(
        RequestItems={"u": [{"PutRequest": {"Item": {"pk": {"S": "x"}}}}], "t": [{"PutRequest": {"Item": row(2)}}]}
    )
    assert seen() == ["K1", "K2"]
    big.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "u", "Item": {"pk": {"S": "y"}}}},
            {"Put": {"TableName": "t", "Item": row(0)}},
        ]
    )
    assert seen() == ["K0", "K1", "K2"]
    big.update_item(
        TableName="t",
        Key={"pk": {"S": "K0"}, "sk": {"S": "P"}},
        UpdateExpression="SET gs = :s",
        ExpressionAttributeValues={":s": {"S": "k9"}},
    )
    assert seen() == ["K1", "K2", "K0"]
    big.delete_item(TableName="t", Key={"pk": {"S": "K1"}, "sk": {"S": "P"}})
    assert seen() == ["K2", "K0"]
    big.execute_statement(Statement="DELETE FROM t WHERE pk = 'K2' AND sk = 'P'")  # PartiQL: every table
    assert seen() == ["K0"]
    assert emulator._table_versions.get("u")  # item writes were attributed to their tables


def _reads_and_size_limits(table: str) -> list[Any]:
    """Answers to projections of every type and to items at either side of moto's size limit."""
    from tests.aws.test_emulator_reads import ITEM

    ddb = boto3.client("dynamodb", region_name="us-east-1")
    _create(ddb, table)  # its own table: the module's `big` mock may still be running, not reset
    key = {"pk": {"S": "P"}, "sk": {"S": "1"}}
    ddb.put_item(TableName=table, Item={**key, **ITEM, "g": {"S": "G"}, "gn": {"N": "7"}, "gb": {"B": b"\x01"}})
    answers: list[Any] = []
    for projection in ["pk, s, n, b, ss, ns, bs, l, m, #null, absent", "m.nested, l[1], s", "sk"]:
        answers.append(
            _normal(
                ddb.get_item(
                    TableName=table,
                    Key=key,
                    ProjectionExpression=projection,
                    **({"ExpressionAttributeNames": {"#null": "null"}} if "#" in projection else {}),
                )["Item"]
            )
        )
    for index in ("by_n", "by_b"):  # KEYS_ONLY, INCLUDE
        page = ddb.query(
            TableName=table,
            IndexName=index,
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": {"S": "G"}},
        )
        answers.append(_normal(page["Items"]))
    for filler in (404_900, 405_100):  # moto's limit: 405,000 bytes of names and values
        try:
            ddb.put_item(TableName=table, Item={"pk": {"S": "big"}, "sk": {"S": "1"}, "x": {"S": "y" * filler}})
            answers.append("stored")
        except ClientError as error:
            answers.append(error.response["Error"]["Message"])
    return answers


def test_projections_and_the_item_size_limit_answer_as_plain_moto(plain: Callable[[], Any]) -> None:
    mp = plain()
    try:
        with mock_aws():
            expected = _reads_and_size_limits("plain")
    finally:
        mp.undo()
    with mock_aws():
        got = _reads_and_size_limits("hardened")
    assert expected[-2:] == ["stored", expected[-1]] and "size" in expected[-1].lower()
    assert got == expected


def test_a_projected_number_keeps_its_stored_text_as_its_last_evaluated_key_does(big: Any) -> None:
    """moto's own projection turns "1e3" into "1E+3" in the item while its LastEvaluatedKey keeps
    "1e3" (DynamoDB would answer "1000" in both): the emulator answers the stored text in both."""
    big.put_item(TableName="t", Item={"pk": {"S": "E"}, "sk": {"S": "1"}, "g": {"S": "E"}, "gn": {"N": "1e3"}})
    big.put_item(TableName="t", Item={"pk": {"S": "E"}, "sk": {"S": "2"}, "g": {"S": "E"}, "gn": {"N": "99.9"}})
    page = big.query(
        TableName="t",
        IndexName="by_n",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "E"}},
        ScanIndexForward=False,
        Limit=1,
    )
    assert page["Items"] == [{"pk": {"S": "E"}, "sk": {"S": "1"}, "g": {"S": "E"}, "gn": {"N": "1e3"}}]
    assert page["LastEvaluatedKey"]["gn"] == {"N": "1e3"}


def test_the_server_still_finds_every_service_moto_ships() -> None:
    import os

    import moto
    from moto import backends

    emulator.harden_moto()
    root = os.path.dirname(moto.__file__)
    folders = sorted(n for n in os.listdir(root) if os.path.isdir(os.path.join(root, n)) and not n.startswith("__"))
    for _ in range(2):  # listed once, answered every time (a cached generator would run dry)
        assert list(backends.list_of_moto_modules()) == folders
    assert {"dynamodb", "sqs", "ses", "sns"} <= set(folders)
