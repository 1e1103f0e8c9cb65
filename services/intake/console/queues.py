"""How many messages wait in each dead-letter queue, for the pipeline page (read from SQS, so it
lives apart from views.py, which reads only the store)."""

from __future__ import annotations

from shared.aws import client
from shared.observability import get_logger
from shared.publisher import queue_url
from shared.resources import RESOURCES

logger = get_logger("intake.console")


def dlq_depths() -> dict[str, int | None]:
    """{DLQ name: approximate message count} for every queue in shared/resources.py (this stage's);
    None where SQS could not be read (the page says so rather than failing). One SQS call per
    queue: the URLs are the publisher's process-wide cache (they never change for a stage)."""
    depths: dict[str, int | None] = {}
    for queue in RESOURCES.queues:
        try:
            sqs = client("sqs")
            url = queue_url(queue.dlq_name)
            attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
            depths[queue.dlq_name] = int(attrs["Attributes"]["ApproximateNumberOfMessages"])
        except Exception:  # any failure reading one queue: show it as unknown, keep the page
            logger.warning("DLQ depth unreadable", extra={"queue": queue.dlq_name})
            depths[queue.dlq_name] = None
    return depths
