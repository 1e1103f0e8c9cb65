"""`tfc bench chaos`: the demo scenario through the local runtime twice, without and with faults.

The faulty run injects (seeded) 5xx/throttling at every AWS call the handlers make, outright call
failures, crashes after a write or a send, crashes after a handler returned, duplicate and
out-of-order SQS deliveries, and a whole consumer down for a while. Then it heals: faults off,
every dead-letter queue redriven, the volunteers keep answering until the run is quiet. Both runs
are checked on the same invariants and compared:

- nothing lost: every campaign and project accepted by the API is stored, every seeded volunteer
  is stored, every reply a volunteer sent was applied (its invitation is no longer pending);
- nothing sent twice: no email with the same message key to the same person twice, no identical
  text twice to the same phone;
- no team over its slots, no volunteer in two slots of one team, no staffed team without its lead;
- no volunteer past their active-project limit;
- dead letters: counted before the redrive; none left after it;
- the final state, key by key, equals the fault-free run's (`final_state`: every campaign's
  projects with their status and filled seats, the volunteers, the seats held), except who sits
  in which seat, which depends on timing with or without faults.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import boto3
import httpx

from tfc.demo import synthetic
from tfc.demo.run import DemoOptions, DemoResult, _StaffingTracker, _Volunteers, seed_volunteers
from tfc.local.faults import FaultPlan, exempt_this_thread
from tfc.local.runtime import REGION, STAGE, LocalRuntime, RuntimeOptions

IN_PROGRESS_SECONDS = 32.0  # notify's function timeout (30 s) and a margin


@dataclass
class ChaosOptions:
    volunteers: int = 400
    campaigns: int = 4
    seed: int = 7
    invitation_ttl_seconds: int = 30
    tick_seconds: float = 2.0
    timeout_seconds: float = 240.0  # the faulty phase, at most
    heal_timeout_seconds: float = 240.0  # then the heal (redrive, answers, quiet), at most
    redrive_rounds: int = 3  # an operator redrives again while dead letters keep arriving
    visibility_timeout: int = 2
    settle_seconds: float = 20.0  # stop waiting for staffing after this long without progress
    in_progress_seconds: float = IN_PROGRESS_SECONDS


def default_plan(seed: int, scale: float = 1.0) -> FaultPlan:
    """The full mix; `scale` multiplies every rate (0.5 for the quick version in `make test`)."""
    return FaultPlan(
        seed=seed,
        retried_error_rate=0.10 * scale,
        failed_call_rate=0.02 * scale,
        crash_after_call_rate=0.02 * scale,
        duplicate_delivery_rate=0.15 * scale,
        crash_after_handler_rate=0.05 * scale,
        shuffle=True,
        outages={"notify-send": (5.0, 10.0), "notify-inbound": (15.0, 8.0)},
    )


@dataclass
class RunReport:
    faults: dict[str, int] = field(default_factory=dict)
    campaigns: int = 0
    projects: int = 0
    projects_staffed: int = 0
    staffed_under_faults: int = 0  # before the heal (the clean run: the same as projects_staffed)
    volunteers: int = 0
    replies_sent: int = 0
    emails_sent: int = 0
    sms_sent: int = 0
    dead_letters_before_redrive: dict[str, int] = field(default_factory=dict)
    redriven: int = 0
    dead_letters_after_redrive: int = 0
    violations: dict[str, list[str]] = field(default_factory=dict)
    final_state: dict[str, Any] = field(default_factory=dict)  # compared with the clean run's
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(self.violations.values()) and self.dead_letters_after_redrive == 0


def _wait_quiet(runtime: LocalRuntime, players: _Volunteers, seconds: float, deadline: float) -> None:
    """Answer new invitations until every queue has been empty for `seconds` (or the deadline)."""
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        players.answer_new_invitations()
        depths = runtime.queue_depths()
        if any(n for q, n in depths.items() if not q.endswith("-dlq")):
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= seconds:
            return
        time.sleep(1.0)


def _play(players: _Volunteers, tracker: _StaffingTracker, total: int, options: ChaosOptions, deadline: float) -> None:
    """Answer invitations until every project is staffed, or staffing stops moving: `settle`
    seconds after the last newly staffed project, or (before the first) four invitation lives."""
    last, last_change = -1, time.monotonic()
    stall = max(4.0 * options.invitation_ttl_seconds, options.settle_seconds)
    while time.monotonic() < deadline:
        players.answer_new_invitations()
        staffed = tracker.staffed()
        if staffed != last:
            last, last_change = staffed, time.monotonic()
        quiet = time.monotonic() - last_change
        if staffed >= total or (staffed > 0 and quiet > options.settle_seconds) or quiet > stall:
            return
        time.sleep(1.0)


def run_once(options: ChaosOptions, plan: FaultPlan | None) -> RunReport:
    from tfc.commands.dlq import redrive_queue

    report = RunReport()
    exempt_this_thread()  # this thread plays staff and volunteers and reads the state: no faults
    started = time.monotonic()
    deadline = started + options.timeout_seconds
    runtime = LocalRuntime(
        RuntimeOptions(
            port=0,
            invitation_ttl_seconds=options.invitation_ttl_seconds,
            schedule_seconds={"matching-tick": options.tick_seconds},
            visibility_timeout=options.visibility_timeout,
            state_file=None,
            faults=plan,
            env={"POWERTOOLS_LOG_LEVEL": "ERROR"},
        )
    )
    runtime.start()
    try:
        ops = {"x-api-key": runtime.ops_key}
        with httpx.Client(base_url=runtime.url, timeout=60) as client:
            people = seed_volunteers(options.volunteers, options.seed)
            campaign_ids: dict[str, list[str]] = {}
            for request in synthetic.campaigns(options.campaigns, options.seed):
                response = client.post("/campaigns", json=request)
                response.raise_for_status()
                body = response.json()
                campaign_ids[body["campaign_id"]] = body["project_ids"]
            for project_ids in campaign_ids.values():
                for project_id in project_ids:
                    client.post(f"/projects/{project_id}/approve", headers=ops).raise_for_status()
            demo = DemoOptions(seed=options.seed, invitation_ttl_seconds=options.invitation_ttl_seconds)
            players = _Volunteers(client, demo, DemoResult())
            tracker = _StaffingTracker(client, list(campaign_ids), ops)
            total = sum(len(p) for p in campaign_ids.values())
            _play(players, tracker, total, options, deadline)  # under faults
            report.staffed_under_faults = tracker.staffed()
            if runtime.fault_injector is not None:
                report.faults = dict(sorted(runtime.fault_injector.counts.items()))
                runtime.fault_injector.enabled = False  # heal, then redrive what died
            # The heal has its own budget: a slow faulty phase must not squeeze the recovery.
            heal_deadline = time.monotonic() + options.heal_timeout_seconds
            _wait_quiet(runtime, players, 3.0, heal_deadline)
            sqs = boto3.session.Session(region_name=REGION).client("sqs")
            for round_ in range(options.redrive_rounds):
                dead = {q: n for q, n in runtime.queue_depths().items() if q.endswith("-dlq") and n}
                if round_ == 0:
                    report.dead_letters_before_redrive = dead
                if not dead:
                    break
                # An idempotency record left in progress by a crash blocks its key for the function's
                # timeout (Powertools); compressed visibility timeouts reach the DLQ sooner than that,
                # so wait it out before redriving, as an operator fixing the cause would.
                time.sleep(min(options.in_progress_seconds, max(0.0, heal_deadline - time.monotonic() - 20)))
                for dlq in dead:
                    report.redriven += redrive_queue(sqs, STAGE, dlq.removesuffix("-dlq"))
                _wait_quiet(runtime, players, 3.0, heal_deadline)
            _play(players, tracker, total, options, heal_deadline)  # healed: the run completes
            _wait_quiet(runtime, players, 3.0, heal_deadline)
            report.dead_letters_after_redrive = sum(n for q, n in runtime.queue_depths().items() if q.endswith("-dlq"))
            outbox = client.get("/_local/outbox").json()
            volunteer_ids = [p.volunteer_id for p in people]
            report.violations = check_invariants(campaign_ids, volunteer_ids, players.answers, outbox)
            report.final_state = final_state(campaign_ids, volunteer_ids)
            report.campaigns = len(campaign_ids)
            report.projects = total
            report.projects_staffed = _StaffingTracker(client, list(campaign_ids), ops).staffed()
            report.volunteers = len(people)
            report.replies_sent = len(players.answers)
            report.emails_sent = sum(1 for m in outbox if m["channel"] == "email")
            report.sms_sent = sum(1 for m in outbox if m["channel"] == "sms")
    finally:
        runtime.stop()
    report.seconds = round(time.monotonic() - started, 1)
    return report


def check_invariants(
    campaigns: dict[str, list[str]], volunteer_ids: list[str], answers: dict[str, str], outbox: list[dict[str, Any]]
) -> dict[str, list[str]]:
    """Read the final state from the store (strongly consistent reads) and list every violation."""
    from shared.storage import main_store

    store = main_store()
    v: dict[str, list[str]] = {
        "lost_campaign": [],
        "lost_project": [],
        "lost_volunteer": [],
        "lost_reply": [],
        "sent_twice": [],
        "team_over_slots": [],
        "volunteer_twice_in_team": [],
        "staffed_without_lead": [],
        "volunteer_over_limit": [],
    }
    seats: Counter[str] = Counter()
    for campaign_id, project_ids in campaigns.items():
        campaign = store.get_campaign(campaign_id)
        if campaign is None:
            v["lost_campaign"].append(campaign_id)
            continue
        for project_id in project_ids:
            record = store.get_project(project_id)
            if record is None:
                v["lost_project"].append(project_id)
                continue
            filled = [s for s in record.slots if s.volunteer_id]
            if len(filled) > record.project.team_size or record.project.filled > record.project.team_size:
                v["team_over_slots"].append(project_id)
            members = [s.volunteer_id for s in filled]
            if len(set(members)) != len(members):
                v["volunteer_twice_in_team"].append(project_id)
            if record.project.status == "staffed" and not any(s.role == "lead" for s in filled):
                v["staffed_without_lead"].append(project_id)
            seats.update(str(m) for m in set(members))
    stored = store.get_volunteers(volunteer_ids)
    v["lost_volunteer"] = [i for i in volunteer_ids if i not in stored]
    for volunteer_id, count in seats.items():
        volunteer = stored.get(volunteer_id) or store.get_volunteer(volunteer_id)
        limit = volunteer.max_active_projects if volunteer else 1
        if count > limit or (volunteer and volunteer.active_projects > limit):
            v["volunteer_over_limit"].append(volunteer_id)
    for key in answers:
        parts = key.split(":")
        invitation = store.get_invitation(parts[1]) if len(parts) > 2 else None
        if invitation is None or invitation.status == "pending":
            v["lost_reply"].append(key)
    sent = Counter(
        (m["to"], m.get("message_key") or "") if m["channel"] == "email" else (m["to"], m["text"]) for m in outbox
    )
    v["sent_twice"] = [f"{key[1] or 'sms'} x{n}" for key, n in sent.items() if n > 1 and (key[1] or "")]
    return v


def final_state(campaigns: dict[str, list[str]], volunteer_ids: list[str]) -> dict[str, Any]:
    """The stored outcome by business identity, so two runs can be compared key by key: each
    campaign (candidate, state, district) with each project (menu item) and its status, seats
    filled per role and skill; the volunteers by email hash with their skills and lead training;
    and the seats held in all. Not who sits in which seat: which of two qualified volunteers
    answers first depends on the machine's timing, with or without faults."""
    from shared.storage import main_store

    store = main_store()
    by_campaign: dict[str, dict[str, str]] = {}
    for campaign_id, project_ids in campaigns.items():
        campaign = store.get_campaign(campaign_id)
        if campaign is None:
            continue
        projects = {}
        for project_id in project_ids:
            record = store.get_project(project_id)
            if record is None:
                continue
            filled = sorted(f"{s.role}:{s.skill or '-'}" for s in record.slots if s.volunteer_id)
            projects[record.project.menu_item] = f"{record.project.status} {','.join(filled)}"
        by_campaign[f"{campaign.candidate_name}|{campaign.state}|{campaign.district}"] = projects
    stored = store.get_volunteers(volunteer_ids).values()
    return {
        "campaigns": by_campaign,
        "volunteers": {
            v.email_key[:16]: f"{','.join(sorted(v.skills))}{' lead' if v.lead_trained else ''}" for v in stored
        },
        "seats_held": sum(v.active_projects for v in stored),
    }


def state_differences(clean: dict[str, Any], faulty: dict[str, Any]) -> list[str]:
    """Where the faulty run's final state differs from the clean run's (empty: the same)."""
    found = []
    for section in ("campaigns", "volunteers"):
        a, b = clean.get(section, {}), faulty.get(section, {})
        found += [
            f"{section}: {k}: {a.get(k)!r} != {b.get(k)!r}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)
        ]
    if clean.get("seats_held") != faulty.get("seats_held"):
        found.append(f"seats_held: {clean.get('seats_held')} != {faulty.get('seats_held')}")
    return found


def run(options: ChaosOptions, scale: float = 1.0, clean: bool = True) -> dict[str, Any]:
    plan = default_plan(options.seed, scale)
    reports: dict[str, RunReport] = {}
    if clean:
        reports["clean"] = run_once(options, None)
    reports["faulty"] = run_once(options, plan)
    out: dict[str, Any] = {
        "options": options.__dict__,
        "plan": {k: (sorted(v) if isinstance(v, frozenset) else v) for k, v in plan.__dict__.items()},
    }
    for name, r in reports.items():
        summary = {k: v for k, v in r.__dict__.items() if k != "final_state"}
        out[name] = summary | {"ok": r.ok}
    if clean:
        same = ("campaigns", "projects", "volunteers", "projects_staffed")
        out["same_as_clean"] = {k: getattr(reports["clean"], k) == getattr(reports["faulty"], k) for k in same}
        differences = state_differences(reports["clean"].final_state, reports["faulty"].final_state)
        out["same_as_clean"]["final_state"] = not differences
        out["final_state_differences"] = differences[:50]
    out["ok"] = all(r.ok for r in reports.values()) and all(out.get("same_as_clean", {}).values())
    return out
