"""`tfc bench pipeline`: campaigns and volunteers through the whole local runtime, measured.

Seeds the volunteer pool, sends every campaign through POST /campaigns (a 429 from the local
API Gateway throttle is retried after a second, as a client would), approves every project,
then plays the volunteers (the demo's seeded yes/no/never) until every project is staffed or
nothing moves (no project newly staffed, no new message, no clock jump) for `settle` seconds. Reports:
- intake throughput (campaign requests per second accepted) and end-to-end throughput
  (projects staffed per minute over the whole run);
- p50/p95 seconds from a project's approval to its first invitation email;
- AWS calls per staffed project by service, operation and function, with and without message
  sends (every call the functions make through shared.aws; not counted: the SQS pollers' own
  receive/delete, which are Lambda's event-source polling, and the S3/SNS calls standing in for
  SES receiving a reply, tfc/local/standin.py), and the same total per approved project;
- lost: the chaos run's invariants (campaigns, projects, volunteers, replies, duplicates, slots).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import httpx
import numpy as np

from bench.chaos import check_invariants
from shared.batch import HANDLING
from tfc.demo import synthetic
from tfc.demo.run import (
    CLIENT_THREADS,
    COUNT_EVERY,
    POLL_BUSY,
    POLL_IDLE,
    DemoOptions,
    DemoResult,
    _Volunteers,
    seed_volunteers,
)
from tfc.local import standin
from tfc.local.faults import exempt_this_thread
from tfc.local.runtime import LocalRuntime, RuntimeOptions
from tfc.local.simtime import SIMULATED_ENV, SimulatedTime

# Message sends: the provider calls that deliver an email or a text. They scale with messages, not
# with the platform's own work, so the call target (100 per staffed project) excludes them.
SENDS = frozenset({"ses.SendEmail", "ses.SendRawEmail", "sesv2.SendEmail", "sns.Publish"})


# The wave's write budget, compressed with the tick: AWS ticks every 300 s with a 60 s budget, the
# local runtime every 5 s; 60 s here held every project approved during the first wave for a minute
# or more (approval to first invitation is one budget plus one tick, usecases/wave.py).
WAVE_WRITE_SECONDS = 10.0


def function_of(thread_name: str) -> str:
    """The function a runtime thread runs ("sqs-<fn>-<n>" pollers, "schedule-<fn>" timers, and their
    pools' "<name>_<n>" threads, e.g. a wave's writers); HTTP request threads count as "api"."""
    thread_name = re.sub(r"_\d+$", "", thread_name)
    if thread_name.startswith("sqs-"):
        return thread_name[4:].rsplit("-", 1)[0]
    if thread_name.startswith("schedule-"):
        return thread_name[9:]
    return "api"


def _key_kind(key: dict[str, Any]) -> str:
    """A DynamoDB key (wire form) as its item type, e.g. "VOLUNTEER/META", "PROJECT/INVITATION",
    or the idempotency table's "tfc-notify-sending"; no id, no personal data."""
    pk = str((key.get("pk") or key.get("id") or {}).get("S", ""))
    sk = str((key.get("sk") or {}).get("S", ""))
    head = re.split(r"[#.]", pk, maxsplit=1)[0]
    return f"{head}/{sk.split('#')[0]}" if sk else head


def call_detail(service: str, operation: str, request: dict[str, Any]) -> str:
    """What one call touched, by kind: the item types of a DynamoDB call's keys (and the index a
    Query reads), the event types an SQS send carries. Bench instrumentation only."""
    if service not in ("dynamodb", "sqs"):
        return ""
    try:
        body = json.loads(request.get("body") or b"{}")
    except ValueError:
        return ""
    if service == "sqs":
        entries = body.get("Entries") or [body]
        kinds = Counter(str(e.get("MessageAttributes", {}).get("type", {}).get("StringValue", "?")) for e in entries)
        return ", ".join(f"{k} x{n}" if n > 1 else k for k, n in sorted(kinds.items()))
    if operation in ("GetItem", "UpdateItem", "DeleteItem"):
        return _key_kind(body.get("Key", {}))
    if operation == "PutItem":
        return _key_kind(body.get("Item", {}))
    if operation == "Query":
        values = [v.get("S", "") for v in (body.get("ExpressionAttributeValues") or {}).values() if "S" in v]
        head = re.split(r"[#]", values[0], maxsplit=1)[0] if values else "?"
        return f"{body.get('IndexName', 'table')} {head}"
    if operation == "BatchGetItem":
        kinds = Counter(_key_kind(k) for t in body.get("RequestItems", {}).values() for k in t.get("Keys", []))
        return ", ".join(sorted(kinds))
    if operation == "TransactWriteItems":
        kinds = Counter(
            f"{verb} {_key_kind(action.get('Key') or action.get('Item') or {})}"
            for a in body.get("TransactItems", [])
            for verb, action in a.items()
        )
        return " + ".join(f"{k} x{n}" if n > 1 else k for k, n in sorted(kinds.items()))
    return ""


class CallCounter:
    """botocore before-call hook: counts every call a function makes, keyed (function, "service.Operation"),
    and in `detail` by (function, event handled, "service.Operation", what it touched)."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.detail: Counter[tuple[str, str, str, str]] = Counter()
        self._lock = threading.Lock()
        self.counting = False

    def __call__(self, event_name: str, **kwargs: Any) -> None:
        thread = threading.current_thread()
        if not self.counting or thread is threading.main_thread() or standin.active():
            return  # the bench itself (seeding, watching, checking) is not the pipeline, nor SES receiving
        parts = [*event_name.split("."), "", ""]  # "before-call.<service>.<Operation>"
        service, operation = parts[1], parts[2]
        params = kwargs.get("params")
        what = call_detail(service, operation, params) if isinstance(params, dict) else ""
        function = function_of(thread.name)
        with self._lock:
            self.calls[(function, f"{service}.{operation}")] += 1
            self.detail[(function, HANDLING.get() or "-", f"{service}.{operation}", what)] += 1


def per_project(
    calls: Counter[tuple[str, str]], staffed: int, detail: Counter[tuple[str, str, str, str]] | None = None
) -> dict[str, Any]:
    """Calls per staffed project: by service, by operation, by function (each {name: calls/staffed},
    one decimal), the total with and without message sends (`SENDS`), and with `detail` the
    finest split ("function | event handled | service.Operation | what it touched": calls/staffed,
    those of at least 0.1)."""

    def rate(n: int) -> float:
        return round(n / max(staffed, 1), 1)

    by_service: Counter[str] = Counter()
    by_operation: Counter[str] = Counter()
    by_function: Counter[str] = Counter()
    by_function_operation: Counter[str] = Counter()
    for (function, op), n in calls.items():
        by_service[op.split(".")[0]] += n
        by_operation[op] += n
        by_function[function] += n
        by_function_operation[f"{function} {op}"] += n
    total = sum(calls.values())
    sends = sum(n for (_, op), n in calls.items() if op in SENDS)
    return {
        "total": rate(total),
        "excluding_sends": rate(total - sends),
        "by_service": {k: rate(n) for k, n in by_service.most_common()},
        "by_operation": {k: rate(n) for k, n in by_operation.most_common()},
        "by_function": {k: rate(n) for k, n in by_function.most_common()},
        "by_function_operation": {k: rate(n) for k, n in by_function_operation.most_common() if rate(n) >= 0.1},
    } | (
        {"detail": {" | ".join(k): rate(n) for k, n in detail.most_common() if rate(n) >= 0.1}}
        if detail is not None
        else {}
    )


def _post(client: httpx.Client, path: str, **kwargs: Any) -> httpx.Response:
    while True:
        response = client.post(path, **kwargs)
        if response.status_code != 429:
            return response
        time.sleep(float(response.headers.get("retry-after", "1")))


def run(
    campaigns: int,
    volunteers: int,
    seed: int = 7,
    invitation_ttl: int = 60,
    settle: float = 60.0,
    timeout: float = 1800,
    simulated_time: bool = False,
) -> dict[str, Any]:
    from shared import aws

    exempt_this_thread()
    started = time.monotonic()
    runtime = LocalRuntime(
        RuntimeOptions(
            port=0,
            invitation_ttl_seconds=invitation_ttl,
            schedule_seconds={"matching-tick": 5.0},
            visibility_timeout=10,
            state_file=None,
            env={"POWERTOOLS_LOG_LEVEL": "ERROR", "TFC_MATCHING_WAVE_WRITE_SECONDS": str(WAVE_WRITE_SECONDS)}
            | (SIMULATED_ENV if simulated_time else {}),
        )
    )
    # Hooked before anything makes a client: clients (the store's among them) copy the session's
    # hooks when made, so a hook registered later would miss every call of a client made earlier.
    counter = CallCounter()
    aws.register_hook("before-call", counter)
    runtime.start()
    try:
        people = seed_volunteers(volunteers, seed)
        counter.counting = True  # count from here: the seeding is not the pipeline
        ops = {"x-api-key": runtime.ops_key}
        with httpx.Client(base_url=runtime.url, timeout=120) as client:
            intake_started = time.monotonic()
            ids: dict[str, list[str]] = {}
            for request in synthetic.campaigns(campaigns, seed):
                body = _post(client, "/campaigns", json=request).raise_for_status().json()
                ids[body["campaign_id"]] = body["project_ids"]
            intake_seconds = time.monotonic() - intake_started
            all_projects = [p for project_ids in ids.values() for p in project_ids]
            approved_at: dict[str, datetime] = {}

            def approve(project_id: str) -> None:
                _post(client, f"/projects/{project_id}/approve", headers=ops).raise_for_status()
                approved_at[project_id] = datetime.now().astimezone()

            with ThreadPoolExecutor(CLIENT_THREADS, thread_name_prefix="bench-client") as pool:
                list(pool.map(approve, all_projects))  # as several staff would; each approval timed on its own
            players = _Volunteers(client, DemoOptions(seed=seed), DemoResult(), threads=CLIENT_THREADS)
            total, last, last_change = len(approved_at), -1, time.monotonic()
            stall = settle if simulated_time else max(4.0 * invitation_ttl, settle)  # before the first staffed
            clock = SimulatedTime(runtime, client) if simulated_time else None
            counted_at = 0.0
            while time.monotonic() - started < timeout:
                arrived = players.answer_new_invitations()
                jumped = clock.step(answers_pending=arrived > 0) if clock is not None else 0.0
                if arrived or jumped:
                    # Still moving (waves writing, replies flowing, the clock jumping): a big first wave
                    # takes minutes before anyone can be staffed, and settling on staffing alone stopped
                    # the 100-campaign run half way through its first round.
                    last_change = time.monotonic()
                if jumped or time.monotonic() - counted_at >= COUNT_EVERY:
                    counted_at = time.monotonic()
                    staffed = _staffed(all_projects)
                    if staffed != last:
                        last, last_change = staffed, time.monotonic()
                    quiet = time.monotonic() - last_change
                    if staffed >= total or (staffed > 0 and quiet > settle) or quiet > stall:
                        break
                time.sleep(POLL_BUSY if arrived or jumped else POLL_IDLE)
            seconds = time.monotonic() - started
            pipeline_seconds = time.monotonic() - intake_started
            outbox = client.get("/_local/outbox").json()
            staffed = _staffed(all_projects)
            calls = Counter(counter.calls)
            detail = Counter(counter.detail)
            first = _first_invitation_latency(outbox, approved_at)
            violations = check_invariants(ids, [p.volunteer_id for p in people], players.answers, outbox)
    finally:
        aws.clear_hooks()
        runtime.stop()
    return {
        "campaigns": campaigns,
        "volunteers": volunteers,
        "projects": total,
        "projects_staffed": staffed,
        "seconds": round(seconds, 1),
        "intake_requests_per_second": round(campaigns / intake_seconds, 1),
        "projects_staffed_per_minute": round(staffed / (pipeline_seconds / 60), 1),
        "approval_to_first_invitation_seconds": first,
        "aws_calls_per_staffed_project": per_project(calls, staffed, detail),
        "aws_calls_per_approved_project": round(sum(calls.values()) / max(total, 1), 1),
        "aws_calls_total": sum(calls.values()),
        "emails_sent": sum(1 for m in outbox if m["channel"] == "email"),
        "replies_sent": len(players.answers),
        "lost_or_broken": {k: len(v) for k, v in violations.items()},
        "zero_lost": not any(violations.values()),
        "invitation_ttl_seconds": invitation_ttl,
        "wave_write_seconds": WAVE_WRITE_SECONDS,
        "simulated_time": clock.figures() if clock is not None else None,
    }


def _staffed(project_ids: list[str]) -> int:
    from shared.storage import main_store

    store = main_store()
    chunks = (project_ids[i : i + 100] for i in range(0, len(project_ids), 100))
    return sum(1 for chunk in chunks for p in store.campaigns.get_projects(chunk) if p.status == "staffed")


def _first_invitation_latency(outbox: list[dict[str, Any]], approved_at: dict[str, datetime]) -> dict[str, Any]:
    from shared.storage import main_store

    store = main_store()
    first: dict[str, datetime] = {}
    for message in outbox:
        key = message.get("message_key") or ""
        if message["channel"] != "email" or not key.endswith(":invite:email"):
            continue
        invitation = store.invitations.get_invitation(key.split(":")[1])
        if invitation is None or invitation.project_id in first:
            continue
        first[invitation.project_id] = datetime.fromisoformat(message["sent_at"])
    waits = [(first[p] - approved_at[p]).total_seconds() for p in first if p in approved_at]
    if not waits:
        return {"projects": 0}
    return {
        "projects": len(waits),
        "p50": round(float(np.percentile(waits, 50)), 2),
        "p95": round(float(np.percentile(waits, 95)), 2),
        "max": round(max(waits), 2),
    }
