"""Handler and storage tests against the AWS emulator in-process (moto), with every resource
provisioned from the same declaration the local runtime and infra use. Any DynamoDB Scan issued
by the code under test fails the test."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

STAGE = "test"


def _forbid_scan(**_: Any) -> None:
    raise AssertionError("a DynamoDB Scan was issued: every request and message path must Query or Get")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.session.Session]:
    for var in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    env = {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_SESSION_TOKEN": "test",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "TFC_STAGE": STAGE,
        "TFC_SMS_ADAPTER": "sns",
        "TFC_AUTO_APPROVE": "",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from shared import caches
    from tfc.local.emulator import harden_moto
    from tfc.local.provision import provision

    harden_moto()
    with mock_aws():
        caches.reset()
        from shared import aws as shared_aws
        from shared.settings import get_settings

        session = boto3.session.Session(region_name="us-east-1")
        settings = get_settings()
        provision(
            session,
            STAGE,
            sender=settings.sender,
            reply_domain=settings.reply_domain,
            parameters={"ops-api-key": "ops-key-for-tests-0123456789", "reply-token-key": "k" * 40},
        )
        shared_aws._get_session().events.register("before-call.dynamodb.Scan", _forbid_scan)
        yield session
        caches.reset()


def sqs_event(bodies: list[str], queue: str = "q") -> dict[str, Any]:
    """A Lambda SQS event with a distinct messageId per record (unlike chalice's helper)."""
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": str(uuid.uuid4()),
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:{queue}",
                "awsRegion": "us-east-1",
            }
            for body in bodies
        ]
    }


@pytest.fixture(params=["dynamodb", "memory"])
def store(request: pytest.FixtureRequest) -> Any:
    """A test taking `store` runs twice: on the DynamoDB adapters (moto) and on the in-memory
    store the use-case tests use (shared/storage/memory), so the fake keeps the adapters' outcomes."""
    from shared.storage import main_store
    from shared.storage.memory import memory_store

    if request.param == "memory":
        return memory_store()
    request.getfixturevalue("aws")
    return main_store()


def drain(session: boto3.session.Session, queue: str) -> list[dict[str, Any]]:
    """Every event waiting on a queue (removed from it), parsed."""
    sqs = session.client("sqs")
    url = sqs.get_queue_url(QueueName=f"tfc-{STAGE}-{queue}")["QueueUrl"]
    found: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return found
        for message in messages:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


class Context:
    function_name = "test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test"
    aws_request_id = "req"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def sent_emails() -> list[Any]:
    from moto.ses.models import ses_backends

    return list(ses_backends["123456789012"]["us-east-1"].sent_messages)
