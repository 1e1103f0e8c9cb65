"""The deployed template and the local runtime agree: the same tables (keys, indexes, TTL), queues
(visibility timeout, retention, redrive to the same DLQ), and schedules.

The local side is what tfc/local/provision.py really creates in the emulator, read back through
the AWS APIs, not the declaration both are generated from.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from shared.resources import RESOURCES, physical_name
from tfc.local.provision import provision

STAGE = "dev"


@pytest.fixture(scope="module")
def local() -> Iterator[boto3.session.Session]:
    saved = dict(os.environ)
    os.environ.update({"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"})
    for var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        os.environ.pop(var, None)
    with mock_aws():
        session = boto3.session.Session(region_name="us-east-1")
        provision(session, STAGE, sender="Team <team@mail.example.test>", reply_domain="reply.example.test")
        yield session
    os.environ.clear()
    os.environ.update(saved)


def _key_schema(schema: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(k["AttributeName"], k["KeyType"]) for k in schema]


def test_tables_and_indexes_agree(synth: Any, local: boto3.session.Session) -> None:
    ddb = local.client("dynamodb")
    template = {r["Properties"]["TableName"]: r["Properties"] for r in synth.resources("AWS::DynamoDB::Table").values()}
    assert set(template) == set(ddb.list_tables()["TableNames"])
    for name, props in template.items():
        described = ddb.describe_table(TableName=name)["Table"]
        assert _key_schema(props["KeySchema"]) == _key_schema(described["KeySchema"]), name
        deployed = {i["IndexName"]: _key_schema(i["KeySchema"]) for i in props.get("GlobalSecondaryIndexes", [])}
        running = {i["IndexName"]: _key_schema(i["KeySchema"]) for i in described.get("GlobalSecondaryIndexes", [])}
        assert deployed == running, name
        ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        assert props.get("TimeToLiveSpecification", {}).get("AttributeName") == ttl.get("AttributeName"), name


def test_queues_and_dlqs_agree(synth: Any, local: boto3.session.Session) -> None:
    sqs = local.client("sqs")
    resources = synth.resources("AWS::SQS::Queue")
    by_id = {k: r["Properties"]["QueueName"] for k, r in resources.items()}
    template = {r["Properties"]["QueueName"]: r["Properties"] for r in resources.values()}
    running_names = {url.rsplit("/", 1)[-1] for url in sqs.list_queues(QueueNamePrefix=f"tfc-{STAGE}-")["QueueUrls"]}
    assert set(template) == running_names
    for name, props in template.items():
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert int(attributes["MessageRetentionPeriod"]) == props["MessageRetentionPeriod"], name
        if "RedrivePolicy" in props:
            redrive = json.loads(attributes["RedrivePolicy"])
            target = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
            assert redrive["deadLetterTargetArn"].rsplit(":", 1)[-1] == by_id[target], name
            assert int(redrive["maxReceiveCount"]) == props["RedrivePolicy"]["maxReceiveCount"], name
            assert int(attributes["VisibilityTimeout"]) == props["VisibilityTimeout"], name
        else:
            assert "RedrivePolicy" not in attributes, name


def test_schedules_agree(synth: Any) -> None:
    """The local runtime starts one ticker per RESOURCES.schedules entry (tfc/local/runtime.py); the
    template must hold one EventBridge rule per entry, with the same expression and target."""
    from tfc.local.runtime import LocalRuntime, RuntimeOptions

    runtime = LocalRuntime(RuntimeOptions(schedules=True))
    started: list[str] = []

    class Recorder:
        def __init__(self, function: Any, interval: float, *_: Any, **__: Any) -> None:
            started.append(function.name)

        def start(self) -> None:
            pass

    import tfc.local.runtime as module

    original = module.Ticker
    module.Ticker = Recorder  # type: ignore[misc,assignment]
    try:
        runtime._start_schedules()
    finally:
        module.Ticker = original  # type: ignore[misc]
    functions = synth.resources("AWS::Lambda::Function")
    deployed = {
        functions[r["Properties"]["Targets"][0]["Arn"]["Fn::GetAtt"][0]]["Properties"]["FunctionName"]: r["Properties"][
            "ScheduleExpression"
        ]
        for r in synth.resources("AWS::Events::Rule").values()
    }
    assert sorted(deployed) == sorted(physical_name(STAGE, name) for name in started)
    for schedule, function in RESOURCES.schedules:
        assert deployed[physical_name(STAGE, function.name)] == schedule.expression
