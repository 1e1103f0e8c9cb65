"""What each function's code calls in AWS, so its IAM role grants exactly that.

ACCESS is written per function from reading its code (notify-send and notify-inbound share a
module but not their needs). `scan_service` reads a service's source (publish("queue"),
get_secret("name"), client("service"), settings.bucket("name"), store.<method>()) and a test
holds ACCESS to agree with it, so a new call without a grant fails CI. A function with no entry
here (another issue added it) gets what the scan of its service finds, so synth never breaks on
a new function and its role still lists only concrete actions and resources.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal

from shared.resources import Function
from shared.storage.store import Store

Level = Literal["read", "write"]
ROOT = Path(__file__).resolve().parent.parent

DYNAMODB_ACTIONS: dict[Level, tuple[str, ...]] = {
    "read": ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"),
    "write": (
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:ConditionCheckItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
    ),
}
# Store methods that only read; any other Store method writes.
_READ_PREFIXES = ("get_", "volunteer_id_for_", "invitations_of_", "projects_with_", "pending_", "latest_", "run_")
_READ_METHODS = {"pool", "pool_token"}
_AGGREGATES = frozenset(f.name for f in fields(Store))


@dataclass(frozen=True)
class Access:
    tables: dict[str, Level] = field(default_factory=dict)
    publishes: frozenset[str] = frozenset()  # queue names
    reads_buckets: frozenset[str] = frozenset()
    # bucket -> key prefixes the function writes under (scoring's reports and quarantined files)
    writes_objects: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # bucket -> key prefixes the function may delete under (intake erasing a forgotten person's mail,
    # scoring moving a refused file out of results/)
    deletes_objects: dict[str, tuple[str, ...]] = field(default_factory=dict)
    secrets: frozenset[str] = frozenset()  # parameter names under /tfc/<stage>/
    sends_email: bool = False
    sends_sms: bool = False
    reads_dlq_depths: bool = False  # sqs GetQueueUrl/GetQueueAttributes on the DLQs (the console)


ACCESS: dict[str, Access] = {
    "intake-api": Access(
        tables={"main": "write"},
        publishes=frozenset({"notify", "matching"}),
        # the ops key guards ops routes; the reply-token key signs one-click unsubscribe links
        secrets=frozenset({"ops-api-key", "reply-token-key"}),
        reads_dlq_depths=True,  # the staff console's pipeline page shows each DLQ's depth
        # `tfc volunteers export/forget`: find and erase the person's replies in the inbound mail
        reads_buckets=frozenset({"inbound-mail"}),
        deletes_objects={"inbound-mail": ("inbound/",)},
    ),
    "matching-events": Access(tables={"main": "write"}, publishes=frozenset({"notify"})),
    "matching-tick": Access(tables={"main": "write"}, publishes=frozenset({"notify"})),
    "lifecycle-tick": Access(tables={"main": "write"}, publishes=frozenset({"notify"})),
    "notify-send": Access(
        tables={"main": "read", "idempotency": "write"},
        secrets=frozenset({"reply-token-key", "webhook-urls"}),  # webhook URLs are credentials
        sends_email=True,
        sends_sms=True,
    ),
    "notify-inbound": Access(
        tables={"main": "write", "idempotency": "write"},
        publishes=frozenset({"notify", "matching"}),
        reads_buckets=frozenset({"inbound-mail"}),  # the SES receipt rule's S3 action stores the raw mail there
        secrets=frozenset({"reply-token-key"}),
    ),
    "scoring-run": Access(
        tables={"main": "write"},
        reads_buckets=frozenset({"data"}),
        writes_objects={"data": ("reports/", "rejected/")},
        deletes_objects={"data": ("results/",)},  # a refused file is moved to rejected/
    ),
}


@dataclass
class ServiceUses:
    """What a service's source calls, by kind (read from the code, not run)."""

    tables: dict[str, Level] = field(default_factory=dict)
    queues: set[str] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)
    aws: set[str] = field(default_factory=set)  # boto3 service names given to client(...)
    buckets: set[str] = field(default_factory=set)
    puts_objects: bool = False  # calls s3 put_object / upload_*

    def use_table(self, name: str, level: Level) -> None:
        if self.tables.get(name) != "write":
            self.tables[name] = level


def _literal(node: ast.Call) -> str | None:
    if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value
    return None


def scan_service(service: str, root: Path = ROOT) -> ServiceUses:
    uses = ServiceUses()
    for path in sorted((root / "services" / service).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            value = _literal(node)
            if name == "publish" and value:
                uses.queues.add(value)
            elif name == "get_secret" and value:
                uses.secrets.add(value)
            elif name == "client" and value:
                uses.aws.add(value)
            elif name in ("put_object", "copy_object", "upload_file", "upload_fileobj"):
                uses.puts_objects = True
            elif name == "bucket" and value:
                uses.buckets.add(value)
            elif name == "table" and value:
                uses.use_table(value, "write")
            elif name == "main_store":
                uses.tables.setdefault("main", "read")
            elif isinstance(func, ast.Attribute) and _is_store(func.value):
                read = name.startswith(_READ_PREFIXES) or name in _READ_METHODS
                uses.use_table("main", "read" if read else "write")
    return uses


def _is_store(node: ast.expr) -> bool:
    """`store.<aggregate>.x()`, `self.store.<aggregate>.x()` and `main_store().<aggregate>.x()` are
    calls on the main table (the aggregates: the fields of shared.storage.Store)."""
    if isinstance(node, ast.Attribute) and node.attr in _AGGREGATES:
        node = node.value
    if isinstance(node, ast.Name):
        return node.id == "store"
    if isinstance(node, ast.Attribute):
        return node.attr == "store"
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "main_store"


def access_for(function: Function) -> Access:
    """The declared access, or, for a function nobody declared yet, what its service's code uses."""
    declared = ACCESS.get(function.name)
    extra_buckets = frozenset({function.s3.bucket}) if function.s3 else frozenset()
    if declared is not None:
        return Access(**{**declared.__dict__, "reads_buckets": declared.reads_buckets | extra_buckets})
    uses = scan_service(function.service)
    return Access(
        tables=dict(uses.tables),
        publishes=frozenset(uses.queues),
        reads_buckets=frozenset(uses.buckets) | extra_buckets,
        secrets=frozenset(uses.secrets),
        sends_email="sesv2" in uses.aws or "ses" in uses.aws,
        sends_sms="pinpoint-sms-voice-v2" in uses.aws,
    )
