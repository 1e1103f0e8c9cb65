"""Event versions for real: a V2 of an event beside its V1 on one queue, each parsed into its own
class and routed to its own handler; a version nobody declared is refused with a clear error, as
one failed record of its batch (SQS redelivers it, then the dead-letter queue keeps it)."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any, Literal

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from pydantic import ValidationError

from shared import batch, events
from shared.events import (
    QUEUE_EVENTS,
    QUEUE_SCHEMAS,
    Event,
    EventSchemas,
    InvitationAnsweredV1,
    ProjectApprovedV1,
    UnknownEvent,
    dump,
    parse,
)
from shared.observability import get_logger


class ProjectApprovedV2(Event):
    """A breaking change to project.approved: staff now say how urgent the project is."""

    type: Literal["project.approved"] = "project.approved"
    version: Literal[2] = 2
    project_id: str
    urgency: Literal["normal", "rush"]


WITH_V2 = EventSchemas("matching", (*QUEUE_SCHEMAS["matching"], ProjectApprovedV2))


def body(version: int, **fields: Any) -> str:
    return json.dumps({"type": "project.approved", "version": version, "correlation_id": "c1", **fields})


def sqs_event(bodies: list[str]) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": "r",
                "body": b,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:tfc-test-matching",
                "awsRegion": "us-east-1",
            }
            for b in bodies
        ]
    }


def test_a_v1_and_its_v2_parse_side_by_side_each_into_its_own_class():
    v1 = WITH_V2.validate_json(body(1, project_id="p_1"))
    v2 = WITH_V2.validate_json(body(2, project_id="p_2", urgency="rush"))
    assert type(v1) is ProjectApprovedV1 and v1.project_id == "p_1"
    assert type(v2) is ProjectApprovedV2 and (v2.project_id, v2.urgency) == ("p_2", "rush")
    # A model round-trips through the same schemas (the publisher checks models this way).
    assert WITH_V2.validate_python(v2) == v2 and WITH_V2.validate_json(dump(v2)) == v2


def test_a_v2_missing_its_new_field_is_refused_naming_the_field_and_the_version():
    with pytest.raises(ValidationError) as refused:
        WITH_V2.validate_json(body(2, project_id="p_2"))
    [error] = refused.value.errors()
    assert error["type"] == "missing" and error["loc"] == ("project.approved.v2", "urgency")
    # The V1 schema is untouched by its V2: the field V2 requires is one V1 forbids.
    with pytest.raises(ValidationError):
        WITH_V2.validate_json(body(1, project_id="p_1", urgency="rush"))


def test_an_unknown_version_or_type_is_refused_with_the_queue_and_what_it_carries():
    with pytest.raises(UnknownEvent) as refused:
        parse("matching", body(2, project_id="p_2", urgency="rush"))  # the real queue: no V2 there
    message = str(refused.value)
    assert "the matching queue carries no event 'project.approved.v2'" in message
    assert "project.approved.v1" in message and "invitation.answered.v1" in message
    with pytest.raises(UnknownEvent, match=re.escape("'project.approved.v3'")):
        WITH_V2.validate_json(body(3, project_id="p_3"))
    with pytest.raises(UnknownEvent, match=re.escape("the notify queue carries no event 'project.approved.v1'")):
        parse("notify", dump(ProjectApprovedV1(correlation_id="c", project_id="p")))
    # Without a type or version a body is no event at all: pydantic says so.
    with pytest.raises(ValidationError, match=r"union_tag_not_found|Unable to extract tag"):
        parse("matching", json.dumps({"type": "project.approved", "correlation_id": "c", "project_id": "p"}))


def test_two_schemas_with_one_type_and_version_are_refused_when_the_queue_is_declared():
    class ProjectApprovedAgain(Event):
        type: Literal["project.approved"] = "project.approved"
        version: Literal[1] = 1
        project_id: str

    with pytest.raises(ValueError, match=re.escape("share (type, version): project.approved.v1")):
        EventSchemas("matching", (ProjectApprovedV1, ProjectApprovedAgain))

    class Unversioned(Event):
        type: Literal["x.y"] = "x.y"

    with pytest.raises(ValueError, match=re.escape("Unversioned needs a literal default `type` and `version`")):
        EventSchemas("matching", (ProjectApprovedV1, Unversioned))


def test_the_publisher_refuses_a_version_its_queue_does_not_carry():
    from shared.publisher import publish

    # Refused before any AWS call: nothing half-sent.
    with pytest.raises(UnknownEvent, match=re.escape("'project.approved.v2'")):
        publish("matching", [ProjectApprovedV2(correlation_id="c", project_id="p", urgency="rush")])


def test_v1_and_v2_route_to_their_own_handlers_and_an_unknown_version_fails_only_its_record(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setitem(QUEUE_EVENTS, "matching", WITH_V2)  # V2 deployed beside V1 on the queue
    seen: list[tuple[str, Any]] = []
    routes: batch.Routes = {
        ProjectApprovedV1: lambda e: seen.append(("v1", e)),
        ProjectApprovedV2: lambda e: seen.append(("v2", e)),
        InvitationAnsweredV1: lambda e: seen.append(("answer", e)),
    }
    event = sqs_event(
        [
            body(1, project_id="p_1"),
            body(3, project_id="p_3"),  # a version nobody declared yet
            body(2, project_id="p_2", urgency="normal"),
        ]
    )
    result = batch.consume(event, None, queue="matching", logger=get_logger("test-versions"), routes=routes)
    assert [(name, type(e), e.project_id) for name, e in seen] == [
        ("v1", ProjectApprovedV1, "p_1"),
        ("v2", ProjectApprovedV2, "p_2"),
    ]
    assert result == {"batchItemFailures": [{"itemIdentifier": event["Records"][1]["messageId"]}]}
    # The trail a record on its way to the dead-letter queue leaves: which record, and why in words.
    failures = [json.loads(line) for line in capsys.readouterr().err.splitlines() if "record failed" in line]
    assert [(f["message_id"], f["error"]) for f in failures] == [(event["Records"][1]["messageId"], "UnknownEvent")]
    assert failures[0]["detail"].startswith("the matching queue carries no event 'project.approved.v3'; it carries ")


def test_an_event_its_consumer_lists_no_handler_for_fails_its_record_not_silently():
    routes: batch.Routes = {ProjectApprovedV1: lambda e: None}
    answered = InvitationAnsweredV1(correlation_id="c", invitation_id="i", answer="yes", channel="email")
    with pytest.raises(batch.Unrouted, match=re.escape("no handler for invitation.answered.v1")):
        batch.route(routes, answered)
    with pytest.raises(BatchProcessingError):  # every record failed: Lambda backs off
        batch.consume(sqs_event([dump(answered)]), None, queue="matching", logger=get_logger("t"), routes=routes)


def test_every_event_class_in_shared_is_on_exactly_one_queue():
    declared = {c for c in vars(events).values() if isinstance(c, type) and issubclass(c, Event) and c is not Event}
    listed = [c for schemas in QUEUE_SCHEMAS.values() for c in schemas]
    assert sorted(c.__name__ for c in declared) == sorted(c.__name__ for c in listed)
