"""The one declaration of the system's AWS resources.

The local runtime provisions from it (tfc/local/provision.py) and infra/ deploys from it, so the
two cannot drift. Physical names are `tfc-<stage>-<name>`. Queue visibility timeouts are not
declared: they are derived as 6 x the consuming function's timeout (the AWS guidance for Lambda
SQS sources), so no edit can break that rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

VISIBILITY_TIMEOUT_FACTOR = 6


@dataclass(frozen=True)
class Index:
    name: str
    pk: str
    sk: str


@dataclass(frozen=True)
class Table:
    name: str
    pk: str
    sk: str | None = None
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = None
    purpose: str = ""


@dataclass(frozen=True)
class Queue:
    name: str
    max_receive_count: int = 5  # then the message moves to <name>-dlq
    retention_days: int = 4
    dlq_retention_days: int = 14
    purpose: str = ""

    @property
    def dlq_name(self) -> str:
        return f"{self.name}-dlq"


@dataclass(frozen=True)
class Topic:
    name: str
    subscribers: tuple[str, ...] = ()  # queue names
    purpose: str = ""


@dataclass(frozen=True)
class Bucket:
    name: str
    expire_days: int | None = None
    purpose: str = ""


@dataclass(frozen=True)
class SqsSource:
    queue: str
    batch_size: int = 10
    max_batching_window_seconds: int = 0
    max_concurrency: int = 5  # SQS event-source maximum concurrency (>= 2 in AWS)
    report_batch_item_failures: bool = True


@dataclass(frozen=True)
class S3Source:
    """New objects under a prefix of a declared bucket invoke the function (S3 event notification)."""

    bucket: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Schedule:
    name: str
    expression: str  # EventBridge: "rate(5 minutes)" or "cron(...)"
    local_seconds: float  # how often the local runtime fires it
    purpose: str = ""


@dataclass(frozen=True)
class Function:
    name: str
    service: Literal["intake", "matching", "notify", "scoring"]
    handler: str  # module:attribute
    timeout_seconds: int = 30
    memory_mb: int = 512
    sqs: SqsSource | None = None
    schedule: Schedule | None = None
    s3: S3Source | None = None
    http: bool = False
    purpose: str = ""


@dataclass(frozen=True)
class Parameter:
    name: str  # SSM parameter path under /tfc/<stage>/
    secure: bool = True
    purpose: str = ""


@dataclass(frozen=True)
class Resources:
    tables: tuple[Table, ...]
    queues: tuple[Queue, ...]
    topics: tuple[Topic, ...]
    buckets: tuple[Bucket, ...]
    functions: tuple[Function, ...]
    parameters: tuple[Parameter, ...] = field(default=())

    def queue(self, name: str) -> Queue:
        return next(q for q in self.queues if q.name == name)

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    def function(self, name: str) -> Function:
        return next(f for f in self.functions if f.name == name)

    def consumer_of(self, queue: str) -> Function:
        return next(f for f in self.functions if f.sqs and f.sqs.queue == queue)

    def visibility_timeout(self, queue: str) -> int:
        """6 x the consuming function's timeout; 30 s (the AWS default) for an unconsumed queue."""
        consumers = [f for f in self.functions if f.sqs and f.sqs.queue == queue]
        if not consumers:
            return 30
        return VISIBILITY_TIMEOUT_FACTOR * max(f.timeout_seconds for f in consumers)

    @property
    def schedules(self) -> list[tuple[Schedule, Function]]:
        return [(f.schedule, f) for f in self.functions if f.schedule]


MAIN_TABLE = Table(
    name="main",
    pk="pk",
    sk="sk",
    indexes=(
        Index("gsi1", "gsi1pk", "gsi1sk"),  # parent -> children (campaign's projects, ...)
        Index("gsi2", "gsi2pk", "gsi2sk"),  # owner -> items (a volunteer's invitations)
        Index("gsi3", "gsi3pk", "gsi3sk"),  # status/time (projects by status, invitations by expiry)
    ),
    ttl_attribute="ttl",
    purpose="All domain state (single-table design, see shared/storage/README.md)",
)

IDEMPOTENCY_TABLE = Table(
    name="idempotency",
    pk="id",
    ttl_attribute="expiration",
    purpose="Powertools idempotency records: one send per message key, one apply per reply",
)

RESOURCES = Resources(
    tables=(MAIN_TABLE, IDEMPOTENCY_TABLE),
    queues=(
        Queue("matching", purpose="Approved projects and volunteers' answers, for matching"),
        Queue("notify", purpose="Messages to send: invitations, introductions, confirmations"),
        Queue("inbound", purpose="Replies: SES inbound-mail and two-way SMS notifications"),
    ),
    topics=(
        Topic("inbound-mail", ("inbound",), "SES receipt rule notifications (mail stored in S3)"),
        Topic("inbound-sms", ("inbound",), "Two-way SMS replies (AWS End User Messaging SMS)"),
        Topic("mail-events", ("inbound",), "SES bounce and complaint notifications (suppression list)"),
    ),
    buckets=(
        Bucket("inbound-mail", expire_days=30, purpose="Raw MIME of inbound replies"),
        Bucket("data", purpose="Election results to score, and scoring reports"),
    ),
    functions=(
        Function(
            "intake-api",
            "intake",
            "services.intake.app:app",
            timeout_seconds=10,
            memory_mb=512,
            http=True,
            purpose="Public forms and API, ops routes",
        ),
        Function(
            "matching-events",
            "matching",
            "services.matching.handlers:on_event",
            timeout_seconds=60,
            memory_mb=1024,
            sqs=SqsSource("matching", batch_size=10),
            purpose="Invite volunteers to approved projects; apply opt-ins to team slots",
        ),
        Function(
            "matching-tick",
            "matching",
            "services.matching.handlers:on_tick",
            timeout_seconds=120,
            memory_mb=1024,
            schedule=Schedule(
                "matching-tick", "rate(5 minutes)", local_seconds=5.0, purpose="Expire invitations; send the next wave"
            ),
            purpose="Expire invitations and top up projects that still have open slots",
        ),
        Function(
            "lifecycle-tick",
            "matching",
            "services.matching.handlers:on_lifecycle_tick",
            timeout_seconds=60,
            memory_mb=512,
            schedule=Schedule(
                "lifecycle-tick",
                "rate(1 hour)",
                local_seconds=5.0,
                purpose="Weekly check-ins to leads; end phases that reached their end date",
            ),
            purpose="Check-ins, needs_attention from their answers, phase end (volunteers released)",
        ),
        Function(
            "notify-send",
            "notify",
            "services.notify.handlers:on_send",
            timeout_seconds=30,
            memory_mb=512,
            sqs=SqsSource("notify", batch_size=10),
            purpose="Render and send email and SMS, once per message key",
        ),
        Function(
            "notify-inbound",
            "notify",
            "services.notify.handlers:on_inbound",
            timeout_seconds=30,
            memory_mb=512,
            sqs=SqsSource("inbound", batch_size=10),
            purpose="Parse and classify replies; forward answers to matching",
        ),
        Function(
            "scoring-run",
            "scoring",
            "services.scoring.handlers:on_event",
            timeout_seconds=300,
            memory_mb=1024,
            schedule=Schedule(
                "scoring-run",
                "cron(0 7 * * ? *)",
                local_seconds=3600.0,
                purpose="Score every district from the latest results",
            ),
            s3=S3Source("data", prefix="results/", suffix=".csv"),
            purpose="Score districts from the results files in the data bucket (daily, on upload, on demand)",
        ),
    ),
    parameters=(
        Parameter("reply-token-key", purpose="HMAC key that signs reply addresses"),
        Parameter("ops-api-key", purpose="Key staff send as x-api-key on ops routes"),
        Parameter(
            "webhook-urls",
            purpose="JSON {program or 'default': Slack-compatible webhook URL}; the generated value means none",
        ),
    ),
)


def physical_name(stage: str, name: str) -> str:
    return f"tfc-{stage}-{name}"


def parameter_path(stage: str, name: str) -> str:
    return f"/tfc/{stage}/{name}"
