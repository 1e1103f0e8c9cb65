"""An event of a version matching does not know, put on the real matching queue, fails only its
own record on every receive and, after the queue's maxReceiveCount, rests in the dead-letter
queue; the good event beside it is handled once and deleted."""

from __future__ import annotations

import json

from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from services.matching import handlers
from shared.events import ProjectApprovedV1, dump
from shared.resources import RESOURCES, physical_name
from tfc.local.consumers import lambda_record

from .conftest import STAGE, Context


def test_an_unknown_version_goes_to_the_dead_letter_queue_and_its_neighbour_is_handled(aws):
    sqs = aws.client("sqs")
    declared = RESOURCES.queue("matching")
    url = sqs.get_queue_url(QueueName=physical_name(STAGE, declared.name))["QueueUrl"]
    dlq_url = sqs.get_queue_url(QueueName=physical_name(STAGE, declared.dlq_name))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    future = {"type": "project.approved", "version": 9, "correlation_id": "c", "project_id": "p_future"}
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(future))
    sqs.send_message(QueueUrl=url, MessageBody=dump(ProjectApprovedV1(correlation_id="c", project_id="p_now")))

    handled_ok = 0
    for _ in range(declared.max_receive_count):
        messages = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], VisibilityTimeout=30
        ).get("Messages", [])
        assert messages, "the failed record should come back until its receives are used up"
        event = {"Records": [lambda_record(m, arn, "us-east-1") for m in messages]}
        try:
            failed = {f["itemIdentifier"] for f in handlers.on_event(event, Context())["batchItemFailures"]}
        except BatchProcessingError:  # every record failed: Lambda reports the invocation failed
            failed = {m["MessageId"] for m in messages}
        for message in messages:
            body = json.loads(message["Body"])
            if message["MessageId"] in failed:
                assert body["version"] == 9  # only the unknown version fails
                sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
            else:
                handled_ok += 1
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert handled_ok == 1
    # The next receive finds its receives used up: SQS moves it to the dead-letter queue.
    assert sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []) == []
    dead = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10).get("Messages", [])
    assert [json.loads(m["Body"]) for m in dead] == [future]
