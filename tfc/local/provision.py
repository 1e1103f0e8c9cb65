"""Create every declared resource in the embedded emulator (or any AWS endpoint) by name.

Reads shared.resources.RESOURCES, exactly as infra/ does, so local and deployed resources
cannot drift. Idempotent: running it against an already provisioned endpoint changes nothing.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import boto3

from shared.resources import RESOURCES, Resources, parameter_path, physical_name

ACCOUNT_ID = "123456789012"


def provision(
    session: boto3.session.Session,
    stage: str,
    *,
    sender: str,
    reply_domain: str,
    parameters: dict[str, str] | None = None,
    visibility_timeout: int | None = None,
    time_scale: float = 1.0,
    resources: Resources = RESOURCES,
) -> dict[str, Any]:
    """Returns the queue URLs (including DLQs) by declared name. `time_scale` compresses every
    queue's declared visibility timeout (6x its consumer's timeout) by the factor the local runtime
    compresses function timeouts with (whole seconds, at least 1: SQS's unit);
    `visibility_timeout` replaces them all with one value instead."""
    _tables(session.client("dynamodb"), stage, resources)
    urls = _queues(session.client("sqs"), stage, resources, visibility_timeout, time_scale)
    _topics(session.client("sns"), session.client("sqs"), stage, resources, urls)
    _buckets(session.client("s3"), stage, resources)
    ses = session.client("ses")
    ses.verify_domain_identity(Domain=sender.rsplit("@", 1)[-1].strip(">"))
    ses.verify_email_identity(EmailAddress=sender.split("<")[-1].strip(">"))
    ses.verify_domain_identity(Domain=reply_domain)
    _parameters(session.client("ssm"), stage, resources, parameters or {})
    return urls


def _tables(ddb: Any, stage: str, resources: Resources) -> None:
    existing = set(ddb.list_tables()["TableNames"])
    for table in resources.tables:
        name = physical_name(stage, table.name)
        if name in existing:
            continue
        attributes = {table.pk: "S"} | ({table.sk: "S"} if table.sk else {})
        for index in table.indexes:
            attributes |= {index.pk: "S", index.sk: "S"}
        key_schema = [{"AttributeName": table.pk, "KeyType": "HASH"}]
        if table.sk:
            key_schema.append({"AttributeName": table.sk, "KeyType": "RANGE"})
        kwargs: dict[str, Any] = {
            "TableName": name,
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": key_schema,
            "AttributeDefinitions": [{"AttributeName": k, "AttributeType": t} for k, t in attributes.items()],
        }
        if table.indexes:
            kwargs["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": i.name,
                    "Projection": {"ProjectionType": "ALL"},
                    "KeySchema": [
                        {"AttributeName": i.pk, "KeyType": "HASH"},
                        {"AttributeName": i.sk, "KeyType": "RANGE"},
                    ],
                }
                for i in table.indexes
            ]
        ddb.create_table(**kwargs)
        if table.ttl_attribute:
            ddb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute}
            )


def _queues(
    sqs: Any, stage: str, resources: Resources, visibility_override: int | None, time_scale: float = 1.0
) -> dict[str, str]:
    urls: dict[str, str] = {}
    for queue in resources.queues:
        dlq_url = sqs.create_queue(
            QueueName=physical_name(stage, queue.dlq_name),
            Attributes={"MessageRetentionPeriod": str(queue.dlq_retention_days * 86400)},
        )["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        timeout = max(1, round(resources.visibility_timeout(queue.name) * time_scale))
        url = sqs.create_queue(
            QueueName=physical_name(stage, queue.name),
            Attributes={
                "VisibilityTimeout": str(visibility_override if visibility_override is not None else timeout),
                "MessageRetentionPeriod": str(queue.retention_days * 86400),
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": queue.max_receive_count}
                ),
            },
        )["QueueUrl"]
        urls[queue.name] = url
        urls[queue.dlq_name] = dlq_url
    return urls


def _topics(sns: Any, sqs: Any, stage: str, resources: Resources, urls: dict[str, str]) -> None:
    for topic in resources.topics:
        arn = sns.create_topic(Name=physical_name(stage, topic.name))["TopicArn"]
        subscribed = {s["Endpoint"] for s in sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]}
        for queue in topic.subscribers:
            queue_arn = sqs.get_queue_attributes(QueueUrl=urls[queue], AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            if queue_arn not in subscribed:
                sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)


def _buckets(s3: Any, stage: str, resources: Resources) -> None:
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for bucket in resources.buckets:
        name = physical_name(stage, bucket.name)
        if name not in existing:
            s3.create_bucket(Bucket=name)


def _parameters(ssm: Any, stage: str, resources: Resources, given: dict[str, str]) -> dict[str, str]:
    """Secrets: the given value, else the one already stored, else a freshly generated one."""
    values: dict[str, str] = {}
    for parameter in resources.parameters:
        path = parameter_path(stage, parameter.name)
        value = given.get(parameter.name)
        if value is None:
            try:
                value = ssm.get_parameter(Name=path, WithDecryption=True)["Parameter"]["Value"]
            except ssm.exceptions.ParameterNotFound:
                value = secrets.token_urlsafe(32)
        ssm.put_parameter(Name=path, Value=value, Type="SecureString" if parameter.secure else "String", Overwrite=True)
        values[parameter.name] = value
    return values


def read_parameter(session: boto3.session.Session, stage: str, name: str) -> str:
    return session.client("ssm").get_parameter(Name=parameter_path(stage, name), WithDecryption=True)["Parameter"][
        "Value"
    ]
