"""Call counts of a demo run, per approved project, and what a season costs at AWS list prices.

Runs `tfc demo` in this process with every AWS call counted (by service and operation) and
attributed to the function executing it, then scales the per-project counts to a season of 50
and 500 projects. The matching tick runs every 5 minutes all season whatever the load, so it is
counted per tick and multiplied by the season's ticks. What the emulator cannot say is modelled
and named in `assumptions`: capacity units from request counts and bytes returned, the Lambda
event sources' idle long polling, Lambda duration (the emulator is far slower than AWS).
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter, defaultdict
from typing import Any

# us-east-1 list prices (USD), free tiers ignored.
PRICES = {
    "lambda_request": 0.20e-6,
    "lambda_gb_second": 0.0000166667,
    "sqs_request": 0.40e-6,
    "dynamodb_wru": 0.625e-6,
    "dynamodb_rru": 0.125e-6,
    "ses_sent": 0.10e-3,
    "ses_received": 0.10e-3 + 0.09e-3,  # per mail plus one 256 KB chunk
    "sms": 0.00883,  # US: End User Messaging base price plus an average carrier fee
}
SEASON_DAYS = 182
TICK_MINUTES = 5
ASSUMED_SECONDS = {"intake": 0.15, "matching": 0.5, "notify": 0.25, "scoring": 60.0}  # per invocation, in AWS
IDLE_POLLS_PER_QUEUE_PER_MINUTE = 5 * 3  # 5 pollers, 20 s long polls
# The demo loads its volunteers directly, so sign-ups are modelled: one API call whose transaction
# writes the profile, the email key and about four skill-pool items (2 WRU per transactional item).
SIGNUP = {"invocations:intake-api": 1, "dynamodb:WRU": 12, "dynamodb:RRU": 2}
SEASONS = ((50, 3000), (500, 15000))  # projects, volunteers (README: 50 -> 500+, 3,000 -> 15,000+)


class Counters:
    def __init__(self) -> None:
        self.local = threading.local()
        self.calls: dict[str, Counter[str]] = defaultdict(Counter)  # by function (or "runtime")
        self.invocations: Counter[str] = Counter()
        self.ticks: list[Counter[str]] = []  # each matching tick's own calls
        self.lock = threading.Lock()

    def owner(self) -> str:
        return getattr(self.local, "function", "runtime")

    def add(self, owner: str, key: str, amount: float = 1) -> None:
        with self.lock:
            self.calls[owner][key] += amount  # type: ignore[assignment]
            tick = getattr(self.local, "tick", None)
            if owner == "matching-tick" and tick is not None:
                tick[key] += amount


def _capacity(operation: str, params: dict[str, Any], response: dict[str, Any]) -> tuple[float, float]:
    """(WRU, RRU) of one DynamoDB call: 1 KB writes, strongly consistent 4 KB reads."""
    if operation in ("PutItem", "UpdateItem", "DeleteItem"):
        return 1, 0
    if operation == "BatchWriteItem":
        return sum(len(v) for v in params["RequestItems"].values()), 0
    if operation == "TransactWriteItems":
        return 2 * len(params["TransactItems"]), 0
    if operation == "GetItem":
        return 0, 1
    if operation == "BatchGetItem":
        return 0, sum(len(v["Keys"]) for v in params["RequestItems"].values())
    if operation in ("Query", "Scan"):
        size = len(json.dumps(response.get("Items", []), default=str))
        return 0, max(1, math.ceil(size / 4096))
    return 0, 0


def _api_or_local(app: Any, event: dict[str, Any], *_: Any) -> str:
    """The local runtime's own routes (outbox, inbound-mail injection standing in for SES) are
    not the API's work."""
    path = event.get("requestContext", {}).get("resourcePath") or event.get("path") or ""
    return "runtime" if path.startswith("/_local") else "intake-api"


def _install(counters: Counters) -> list[tuple[Any, str, Any]]:
    import botocore.client
    import chalice.app

    import tfc.local.consumers as consumers

    undo: list[tuple[Any, str, Any]] = []
    original_call = botocore.client.BaseClient._make_api_call

    def make_api_call(self: Any, operation: str, params: dict[str, Any]) -> Any:
        response = original_call(self, operation, params)
        service = self.meta.service_model.service_name
        owner = counters.owner()
        if service == "sqs" and operation == "ReceiveMessage" and not response.get("Messages"):
            counters.add(owner, "sqs:EmptyReceive")
        else:
            counters.add(owner, f"{service}:{operation}")
        if service == "dynamodb":
            wru, rru = _capacity(operation, params, response)
            counters.add(owner, "dynamodb:WRU", wru)
            counters.add(owner, "dynamodb:RRU", rru)
        if service == "sns" and operation == "Publish" and params.get("PhoneNumber"):
            counters.add(owner, "sms:sent")
        return response

    def attributed(name_of: Any, original: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            name = name_of(*args)
            if name != "runtime":
                counters.invocations[name] += 1
            if name == "matching-tick":
                counters.local.tick = Counter()
                with counters.lock:
                    counters.ticks.append(counters.local.tick)
            previous = getattr(counters.local, "function", None)
            counters.local.function = name
            try:
                return original(*args, **kwargs)
            finally:
                counters.local.function = previous if previous is not None else "runtime"
                counters.local.tick = None

        return wrapper

    original_invoke = consumers.invoke
    original_app = chalice.app.Chalice.__call__
    botocore.client.BaseClient._make_api_call = make_api_call
    consumers.invoke = attributed(lambda function, *_: function.name, original_invoke)
    chalice.app.Chalice.__call__ = attributed(_api_or_local, original_app)  # type: ignore[method-assign]
    undo += [
        (botocore.client.BaseClient, "_make_api_call", original_call),
        (consumers, "invoke", original_invoke),
        (chalice.app.Chalice, "__call__", original_app),
    ]
    return undo


def season_cost(
    per_project: dict[str, float], per_tick: dict[str, float], projects: int, volunteers: int
) -> dict[str, Any]:
    from shared.resources import RESOURCES

    ticks = SEASON_DAYS * 24 * 60 / TICK_MINUTES
    total = {k: v * projects for k, v in per_project.items()}
    for key, value in per_tick.items():
        total[key] = total.get(key, 0) + value * ticks
    for key, value in SIGNUP.items():
        total[key] = total.get(key, 0) + value * volunteers
    memory = {f.name: f.memory_mb / 1024 for f in RESOURCES.functions}
    service = {f.name: f.service for f in RESOURCES.functions}
    invocations = sum(v for k, v in total.items() if k.startswith("invocations:"))
    gb_seconds = sum(
        v * memory[k.split(":", 1)[1]] * ASSUMED_SECONDS[service[k.split(":", 1)[1]]]
        for k, v in total.items()
        if k.startswith("invocations:")
    )
    queues = len(RESOURCES.queues)
    idle = IDLE_POLLS_PER_QUEUE_PER_MINUTE * 60 * 24 * SEASON_DAYS * queues
    sqs_requests = sum(v for k, v in total.items() if k.startswith("sqs:") and k != "sqs:EmptyReceive") + idle
    emails, replies, sms = total.get("ses:sent", 0), total.get("ses:received", 0), total.get("sms:sent", 0)
    wru, rru = total.get("dynamodb:WRU", 0), total.get("dynamodb:RRU", 0)
    cost = {
        "lambda": invocations * PRICES["lambda_request"] + gb_seconds * PRICES["lambda_gb_second"],
        "sqs": sqs_requests * PRICES["sqs_request"],
        "dynamodb": wru * PRICES["dynamodb_wru"] + rru * PRICES["dynamodb_rru"],
        "ses": emails * PRICES["ses_sent"] + replies * PRICES["ses_received"],
        "sms": sms * PRICES["sms"],
    }
    return {
        "projects": projects,
        "volunteers": volunteers,
        "counts": {
            "lambda_invocations": round(invocations),
            "lambda_gb_seconds": round(gb_seconds),
            "sqs_requests": round(sqs_requests),
            "sqs_idle_polls": idle,
            "dynamodb_wru": round(wru),
            "dynamodb_rru": round(rru),
            "emails_sent": round(emails),
            "emails_received": round(replies),
            "sms_sent": round(sms),
        },
        "usd": {k: round(v, 2) for k, v in cost.items()} | {"total": round(sum(cost.values()), 2)},
    }


def run(campaigns: int, volunteers: int, seed: int, port: int) -> dict[str, Any]:
    from tfc.demo.run import DemoOptions, run_demo

    counters = Counters()
    undo = _install(counters)
    try:
        result = run_demo(DemoOptions(volunteers=volunteers, campaigns=campaigns, seed=seed, port=port))
    finally:
        for owner, name, value in undo:
            setattr(owner, name, value)
    approved = max(result.projects_approved, 1)
    per_project: defaultdict[str, float] = defaultdict(float)
    for owner, calls in counters.calls.items():
        if owner == "matching-tick":
            continue
        for key, value in calls.items():
            # The runtime's calls are provisioning and SES's stand-in, except its pollers' receives
            # and deletes: the Lambda event sources make (and bill) those in AWS.
            consuming = key in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:DeleteMessageBatch")
            if owner != "runtime" or consuming:
                per_project[key] += value / approved
    # A tick runs every 5 minutes all season: its quietest run here is the cost of every tick;
    # what busier ticks did beyond that (expiries, next waves) is work for these projects.
    quietest = min(counters.ticks, key=lambda c: sum(c.values()), default=Counter())
    per_tick: dict[str, float] = dict(quietest)
    per_tick["invocations:matching-tick"] = 1
    for tick in counters.ticks:
        for key, value in tick.items():
            per_project[key] += (value - quietest.get(key, 0)) / approved
    for name, count in counters.invocations.items():
        if name != "matching-tick":
            per_project[f"invocations:{name}"] = count / approved
    # Calls (not units or invocations) per approved project by the function making them, as the
    # pipeline bench prints them: where a change of call counts shows up.
    by_function = {
        owner: sum(v for k, v in calls.items() if ":" in k and k.split(":")[0] not in ("ses", "sms")
                   and not k.endswith(("WRU", "RRU")) and k != "sqs:EmptyReceive") / approved
        for owner, calls in counters.calls.items()
        if owner != "runtime"
    }  # fmt: skip
    per_project["ses:sent"] = result.emails_sent / approved
    per_project["ses:received"] = (result.replies_yes + result.replies_no) / approved
    per_project["sms:sent"] = result.sms_sent / approved
    per_tick.pop("sms:sent", None)
    return {
        "demo": result.to_dict() | {"problems": result.problems},
        "ticks_counted": len(counters.ticks),
        "per_project": {k: round(v, 2) for k, v in sorted(per_project.items())},
        "per_tick": {k: round(v, 3) for k, v in sorted(per_tick.items())},
        "calls_per_project_by_function": {k: round(v, 1) for k, v in sorted(by_function.items(), key=lambda x: -x[1])},
        "season": [season_cost(per_project, per_tick, p, v) for p, v in SEASONS],
        "assumptions": {
            "prices": PRICES,
            "season_days": SEASON_DAYS,
            "tick_minutes": TICK_MINUTES,
            "seconds_per_invocation_in_aws": ASSUMED_SECONDS,
            "idle_polls_per_queue_per_minute": IDLE_POLLS_PER_QUEUE_PER_MINUTE,
            "capacity": "1 WRU per write (2 per transactional item); 1 RRU per item read, per 4 KB queried",
            "scaling": "every count but the quietest tick's scales with approved projects",
            "signup": SIGNUP,
        },
    }
