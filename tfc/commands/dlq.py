"""`tfc dlq list` and `tfc dlq redrive QUEUE`: dead-letter queues, locally and in AWS.

Without --stage they act on the running `tfc up` (its emulator, found through the state file the
runtime writes); with --stage they act on a deployed stage with the caller's AWS credentials.
Redrive moves each message back to its source queue (body and attributes kept) and deletes it
from the DLQ only once the send succeeded; a crash in between can deliver a message twice, which
every consumer tolerates (they are idempotent).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from shared.resources import RESOURCES, physical_name

dlq = typer.Typer(help="Dead-letter queues: list them; redrive one once the cause is fixed.", no_args_is_help=True)

StageOpt = Annotated[
    str | None, typer.Option("--stage", help="Deployed stage (AWS credentials); default: the running `tfc up`")
]
RegionOpt = Annotated[str | None, typer.Option("--region", envvar="AWS_REGION", help="Region of a deployed stage")]
EndpointOpt = Annotated[
    str | None, typer.Option("--endpoint", help="AWS endpoint URL (default: the running `tfc up`'s emulator)")
]


def _sqs(stage: str | None, region: str | None, endpoint: str | None) -> tuple[Any, str]:
    import boto3

    if stage and not endpoint:
        return boto3.session.Session(region_name=region).client("sqs"), stage
    if endpoint is None:
        from tfc.remote import NotRunning, _state

        try:
            state = _state()
        except NotRunning as exc:
            raise typer.BadParameter(
                "no running `tfc up` found: start one, or give --stage (and AWS credentials) for a deployed stage",
                param_hint="--stage",
            ) from exc
        endpoint, stage, region = state["endpoint"], state["stage"], state["region"]
    client = boto3.session.Session(
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 (the emulator's dummy credentials)
        region_name=region or "us-east-1",
    ).client("sqs", endpoint_url=endpoint)
    return client, stage or "local"


def _depth(sqs: Any, name: str) -> dict[str, int]:
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return {
        "visible": int(attributes["ApproximateNumberOfMessages"]),
        "in_flight": int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    }


def dlq_depths(sqs: Any, stage: str) -> list[dict[str, Any]]:
    rows = []
    for queue in RESOURCES.queues:
        dead = _depth(sqs, physical_name(stage, queue.dlq_name))
        rows.append(
            {
                "queue": queue.name,
                "dlq": physical_name(stage, queue.dlq_name),
                "dead_letters": dead["visible"] + dead["in_flight"],
                "queue_depth": sum(_depth(sqs, physical_name(stage, queue.name)).values()),
            }
        )
    return rows


def redrive_queue(sqs: Any, stage: str, queue: str, limit: int | None = None) -> int:
    """Move up to `limit` messages from <queue>-dlq back to <queue>; returns how many moved."""
    source = sqs.get_queue_url(QueueName=physical_name(stage, queue))["QueueUrl"]
    dead = sqs.get_queue_url(QueueName=physical_name(stage, f"{queue}-dlq"))["QueueUrl"]
    moved = 0
    empty_polls = 0
    while (limit is None or moved < limit) and empty_polls < 2:
        batch = sqs.receive_message(
            QueueUrl=dead,
            MaxNumberOfMessages=min(10, limit - moved) if limit else 10,
            WaitTimeSeconds=1,
            VisibilityTimeout=60,
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not batch:
            empty_polls += 1
            continue
        empty_polls = 0
        entries = [
            {"Id": str(i), "MessageBody": m["Body"]}
            | ({"MessageAttributes": m["MessageAttributes"]} if m.get("MessageAttributes") else {})
            for i, m in enumerate(batch)
        ]
        sent = sqs.send_message_batch(QueueUrl=source, Entries=entries)
        ok = {s["Id"] for s in sent.get("Successful", [])}
        done = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch) if str(i) in ok]
        if done:
            sqs.delete_message_batch(QueueUrl=dead, Entries=done)
        moved += len(done)
        if sent.get("Failed"):
            codes = sorted({f.get("Code", "?") for f in sent["Failed"]})
            raise RuntimeError(f"SQS refused {len(sent['Failed'])} messages for {queue}: {codes}; they stay in the DLQ")
    return moved


@dlq.command("list")
def list_dlqs(
    stage: StageOpt = None,
    region: RegionOpt = None,
    endpoint: EndpointOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Every declared queue's dead-letter count (and its live depth)."""
    sqs, stage_name = _sqs(stage, region, endpoint)
    rows = dlq_depths(sqs, stage_name)
    if as_json:
        print(json.dumps({"stage": stage_name, "queues": rows}))
        return
    for row in rows:
        flag = "  <- redrive with `tfc dlq redrive " + row["queue"] + "`" if row["dead_letters"] else ""
        print(f"{row['dlq']:32} dead letters {row['dead_letters']:6}   queue depth {row['queue_depth']:6}{flag}")


@dlq.command("redrive")
def redrive(
    queue: Annotated[str, typer.Argument(help="Declared queue name (e.g. notify), or its DLQ (notify-dlq)")],
    stage: StageOpt = None,
    region: RegionOpt = None,
    endpoint: EndpointOpt = None,
    limit: Annotated[int | None, typer.Option("--max", min=1, help="Move at most this many")] = None,
) -> None:
    """Move a DLQ's messages back to their queue, after fixing what made them fail."""
    name = queue.removesuffix("-dlq")
    declared = [q.name for q in RESOURCES.queues]
    if name not in declared:
        raise typer.BadParameter(
            f"{queue!r} is not a declared queue (one of: {', '.join(declared)})", param_hint="QUEUE"
        )
    sqs, stage_name = _sqs(stage, region, endpoint)
    moved = redrive_queue(sqs, stage_name, name, limit)
    print(
        f"moved {moved} message(s) from {physical_name(stage_name, name)}-dlq back to {physical_name(stage_name, name)}"
    )
