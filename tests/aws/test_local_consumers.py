"""The local SQS event source keeps Lambda's promise that a batch is not redelivered while its
invocation runs, even with the compressed visibility timeouts of local runs."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import boto3
import pytest
from moto import mock_aws

from shared.resources import Function, SqsSource
from tfc.local import consumers


@pytest.fixture
def sqs() -> Any:
    with mock_aws():
        yield boto3.client("sqs", region_name="us-east-1")


def test_a_slow_invocation_is_not_redelivered_to_another_worker(sqs, monkeypatch):
    url = sqs.create_queue(QueueName="slow", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="work")
    calls: Counter[str] = Counter()

    def slow_handler(function: Function, event: dict[str, Any], region: str, scale: float = 1.0) -> dict[str, Any]:
        for record in event["Records"]:
            calls[record["messageId"]] += 1
        time.sleep(3.5)  # three and a half visibility timeouts
        return {"batchItemFailures": []}

    monkeypatch.setattr(consumers, "invoke", slow_handler)
    function = Function(name="slow", service="notify", handler="x:y", sqs=SqsSource(queue="slow"))
    stop = threading.Event()
    stats: dict[str, int] = {}
    pollers = [consumers.SqsPoller(sqs, url, function, "us-east-1", stop, stats, w) for w in range(2)]
    for poller in pollers:
        poller.start()
    deadline = time.monotonic() + 20
    while stats.get("processed", 0) < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    # The record is deleted now, so it cannot come back; a redelivery during the slow call was
    # received by the other worker, and joining waits for that worker's call to be counted.
    stop.set()
    for poller in pollers:
        poller.join(timeout=10)
    assert not any(p.is_alive() for p in pollers)
    assert list(calls.values()) == [1]  # handled once, by one worker
    assert stats["processed"] == 1
    remaining = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert remaining["ApproximateNumberOfMessages"] == "0" and remaining["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_compressed_time_keeps_aws_ratios(sqs):
    """time_scale shrinks every queue's visibility timeout and every function's timeout (its
    context's remaining time, Powertools' in-progress expiry) by one factor: visibility stays six
    times the consumer's timeout, so a crashed record comes back only after its lock expired."""
    from shared.resources import RESOURCES, VISIBILITY_TIMEOUT_FACTOR
    from tfc.local.lambda_context import LocalContext
    from tfc.local.provision import provision

    session = boto3.session.Session(region_name="us-east-1")
    urls = provision(session, "scaled", sender="team@example.org", reply_domain="reply.example.org", time_scale=0.1)
    for function in RESOURCES.functions:
        if function.sqs is None:
            continue
        attributes = sqs.get_queue_attributes(QueueUrl=urls[function.sqs.queue], AttributeNames=["VisibilityTimeout"])
        visibility = int(attributes["Attributes"]["VisibilityTimeout"])
        timeout = function.timeout_seconds * 0.1
        assert visibility == round(VISIBILITY_TIMEOUT_FACTOR * timeout), function.name
        context = LocalContext(function.name, timeout)
        assert timeout * 1000 - 500 < context.get_remaining_time_in_millis() <= timeout * 1000
