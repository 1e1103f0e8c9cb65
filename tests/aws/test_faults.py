"""The local fault layer against moto, and what notify does with each kind of send failure:
a refusal (throttling) is retried and sent once; a crash after the provider accepted is never
sent again (at most once when the outcome is unknown); a crash after a write leaves the write."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from services.notify import delivery
from services.notify.ratelimit import Throttled
from shared.aws import client
from tests.aws.conftest import sent_emails
from tfc.local import faults
from tfc.local.faults import FaultPlan, InjectedCrash


def _raw(to: str = "pat@example.com") -> bytes:
    message = EmailMessage()
    message["From"] = "team@mail.techforcampaigns.test"
    message["To"] = to
    message["Subject"] = "Hello"
    message.set_content("Hi")
    return message.as_bytes()


@pytest.fixture
def injector(aws):
    installed: list[faults.FaultInjector] = []

    def install(plan: FaultPlan) -> faults.FaultInjector:
        installed.append(faults.install(plan))
        delivery.reset()  # its idempotency layer holds a client made before the hooks
        return installed[-1]

    yield install
    faults.uninstall()
    delivery.reset()


def test_a_crash_after_ses_accepted_is_recorded_and_never_sent_again(injector):
    fault = injector(FaultPlan(seed=1, crash_after_call_rate=1.0, services=frozenset({"sesv2"})))
    first = delivery.deliver_email("invitation:i_1:invite:email", _raw())
    assert first["outcome"] == "unknown" and fault.counts["crash_after_call:sesv2"] == 1
    fault.enabled = False
    delivery.deliver_email("invitation:i_1:invite:email", _raw())  # the redelivered record
    assert len(sent_emails()) == 1


def test_a_throttled_send_is_retried_and_sent_once(injector):
    fault = injector(FaultPlan(seed=1, failed_call_rate=1.0, services=frozenset({"sesv2"})))
    with pytest.raises(Throttled):
        delivery.deliver_email("invitation:i_2:invite:email", _raw())
    assert sent_emails() == [] and fault.counts["failed_call:sesv2"] == 1
    fault.enabled = False
    delivery.deliver_email("invitation:i_2:invite:email", _raw())
    delivery.deliver_email("invitation:i_2:invite:email", _raw())
    assert len(sent_emails()) == 1


def test_retried_5xx_are_absorbed_by_botocore_and_a_crash_after_a_write_keeps_the_write(injector, aws):
    from shared.settings import get_settings

    table = get_settings().table("main")
    fault = injector(FaultPlan(seed=3, retried_error_rate=0.5, services=frozenset({"dynamodb"})))
    for n in range(20):
        client("dynamodb").put_item(TableName=table, Item={"pk": {"S": f"FAULT#{n}"}, "sk": {"S": "X"}})
    assert fault.counts["retried_error:dynamodb"] > 0  # injected, then retried by the standard mode
    crash = injector(FaultPlan(seed=3, crash_after_call_rate=1.0, services=frozenset({"dynamodb"})))
    fault.enabled = False
    with pytest.raises(InjectedCrash):
        client("dynamodb").put_item(TableName=table, Item={"pk": {"S": "FAULT#crash"}, "sk": {"S": "X"}})
    crash.enabled = False
    found = client("dynamodb").get_item(TableName=table, Key={"pk": {"S": "FAULT#crash"}, "sk": {"S": "X"}})
    assert "Item" in found  # the write happened; only the caller died
    faults.exempt_this_thread()  # an exempt thread (the HTTP API's) never sees a fault
    try:
        crash.enabled = True
        client("dynamodb").put_item(TableName=table, Item={"pk": {"S": "FAULT#exempt"}, "sk": {"S": "X"}})
    finally:
        faults._exempt.active = False


def test_a_send_writes_only_its_marker_and_a_redelivery_finds_it(aws):
    """One write per message (the sending marker, nothing else in the idempotency table); the
    redelivered record (the function died after SES accepted) finds it and does not send again."""
    from shared.settings import get_settings

    delivery.reset()
    delivery.deliver_email("invitation:i_3:invite:email", _raw())
    table = aws.resource("dynamodb").Table(get_settings().table("idempotency"))
    assert [i["id"] for i in table.scan()["Items"]] == ["tfc-notify-sending#invitation:i_3:invite:email"]
    again = delivery.deliver_email("invitation:i_3:invite:email", _raw())
    assert again["outcome"] == "unknown" and len(sent_emails()) == 1


def _call(service: str) -> None:
    from shared.settings import get_settings

    settings = get_settings()
    if service == "dynamodb":
        client(service).put_item(TableName=settings.table("main"), Item={"pk": {"S": "T#1"}, "sk": {"S": "X"}})
    elif service == "sqs":
        url = client(service).get_queue_url(QueueName=settings.queue("notify"))["QueueUrl"]
        client(service).send_message(QueueUrl=url, MessageBody="{}")
    elif service == "sns":
        client(service).publish(PhoneNumber="+18045550142", Message="hi")
    elif service == "s3":
        client(service).put_object(Bucket=settings.bucket("data"), Key="t", Body=b"x")
    else:  # sesv2
        client(service).send_email(
            FromEmailAddress=settings.sender.split("<")[-1].strip(">"),
            Destination={"ToAddresses": ["pat@example.com"]},
            Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
        )


@pytest.mark.parametrize(
    ("service", "code"),
    [
        ("dynamodb", "ProvisionedThroughputExceededException"),
        ("sqs", "ThrottlingException"),
        ("sns", "Throttling"),
        ("s3", "SlowDown"),
        ("sesv2", "TooManyRequestsException"),
    ],
)
def test_throttling_is_injected_in_each_protocol_so_that_botocore_retries_it(injector, monkeypatch, service, code):
    import botocore.endpoint
    from botocore.exceptions import ClientError

    sleeps: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", sleeps.append)  # the backoff, not waited
    fault = injector(FaultPlan(seed=5, throttle_rate=0.5, services=frozenset({service})))
    for _ in range(8):
        _call(service)  # every call succeeds: the refused attempts were retried inside it
    assert fault.counts[f"throttled:{service}"] > 0 and sleeps, fault.counts
    assert fault.counts[f"retries_exhausted:{service}"] == 0
    assert all(0 <= s <= 20 for s in sleeps)  # botocore's jittered backoff, capped at 20 s
    faults.uninstall()
    always = injector(FaultPlan(seed=5, throttle_rate=1.0, services=frozenset({service})))
    with pytest.raises(ClientError) as refused:
        _call(service)
    assert refused.value.response["Error"]["Code"] == code
    assert refused.value.response["ResponseMetadata"]["MaxAttemptsReached"] is True
    # shared/aws.py: max_attempts=5 retries, botocore counts them after the first: 6 attempts in all
    assert always.counts[f"throttled:{service}"] == 6
    assert always.counts[f"retries_exhausted:{service}"] == 1
