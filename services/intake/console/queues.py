"""How many messages wait in each dead-letter queue, for the pipeline page (read from SQS, so it
lives apart from views.py, which reads only the store)."""

from __future__ import annotations

from shared.aws import client
from shared.observability import get_logger
from shared.resources import RESOURCES, physical_name

logger = get_logger("intake.console")


def dlq_depths(stage: str) -> dict[str, int | None]:
    """{DLQ name: approximate message count} for every queue in shared/resources.py; None where
    SQS could not be read (the page says so rather than failing)."""
    depths: dict[str, int | None] = {}
    for queue in RESOURCES.queues:
        name = physical_name(stage, queue.dlq_name)
        try:
            sqs = client("sqs")
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
            depths[queue.dlq_name] = int(attrs["Attributes"]["ApproximateNumberOfMessages"])
        except Exception:  # any failure reading one queue: show it as unknown, keep the page
            logger.warning("DLQ depth unreadable", extra={"queue": queue.dlq_name})
            depths[queue.dlq_name] = None
    return depths
