"""`tfc demo`: the whole program on one machine, end to end, over the real HTTP endpoints.

Starts the local runtime, seeds a synthetic volunteer pool, sends campaign requests through
POST /campaigns, approves their projects as staff would (POST /projects/{id}/approve), then plays
the volunteers: reads each invitation in the outbox and answers yes, no, or never, by replying to
its reply address through /_local/inbound/email. Ends when every approved project is staffed or
progress stalls, and reports what happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from tfc import retrying
from tfc.demo import synthetic
from tfc.local.runtime import LocalRuntime, RuntimeOptions
from tfc.local.simtime import REAL_TTL_SECONDS, SIMULATED_ENV, SimulatedTime


@dataclass
class DemoOptions:
    volunteers: int = 3000
    campaigns: int = 50
    seed: int = 7
    port: int = 8000
    timeout_seconds: float = 1200.0
    # Compressed time: invitations expire in minutes, not 72 h. Sending and replying are not
    # compressed, so the TTL must cover a wave's send backlog on a busy machine.
    invitation_ttl_seconds: int = 180
    # Rounds of invitations before a project is flagged needs_attention: in compressed time a busy
    # machine's lag costs rounds that real days would not.
    max_waves: int = 10
    tick_seconds: float = 5.0
    yes: float = 0.6  # of invitations answered yes; no 30%; the rest (10%) never answered
    no: float = 0.3
    min_staffed_fraction: float = 0.8
    # Simulated time (tfc/local/simtime.py): invitations last their real 72 h and the clock jumps
    # to the next reminder or expiry whenever the system is quiet; invitation_ttl_seconds is then
    # unused, and the stall rules count wall seconds of no progress.
    simulated_time: bool = True


# Simulated time: the demo stops short of 100% once this many clock jumps in a row brought nobody new
# (a reminder, an expiry and the next round's reminder: the rest wait on people who never answer).
SETTLE_JUMPS = 3

ANSWER_OUTCOMES = ("joined", "declined", "team_full", "expired", "at_limit")


@dataclass
class DemoResult:
    campaigns: int = 0
    projects: int = 0
    projects_approved: int = 0
    projects_staffed: int = 0
    invitations: int = 0
    opt_ins: int = 0
    # What became of the answers, as the volunteers were told: joined, declined, team_full, expired, at_limit.
    answer_outcomes: dict[str, int] = field(default_factory=dict)
    replies_yes: int = 0
    replies_no: int = 0
    never_answered: int = 0
    emails_sent: int = 0
    sms_sent: int = 0
    clock_jumps: int = 0  # simulated time: how often the clock moved to the next due moment
    simulated_hours: float = 0.0  # and how far, in all
    volunteers: int = 0
    dead_letters: int = 0
    seconds: float = 0.0
    staffed_fraction: float = 0.0
    ok: bool = False
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


Progress = Callable[[str, int, int], None]


def _seed_volunteers(count: int, seed: int) -> int:
    return len(seed_volunteers(count, seed))


def seed_volunteers(count: int, seed: int) -> list[Any]:
    """Bulk-load the pool through the same validation as the sign-up form; the stored volunteers."""
    from services.intake.domain.requests import VolunteerSignup
    from services.intake.domain.signup import new_volunteer
    from shared.models import utcnow
    from shared.storage import main_store

    now = utcnow()
    people = []
    for raw in synthetic.volunteers(count, seed):
        lead = raw.pop("lead_trained")
        # Synthetic people are created confirmed (issue 15): address and number vouched for.
        volunteer = new_volunteer(VolunteerSignup.model_validate(raw), now, sms_confirmed=True)
        people.append(volunteer.model_copy(update={"lead_trained": lead}))
    main_store().volunteers.import_new_volunteers(people)
    return people


class _Volunteers:
    """Plays the volunteers: answers each invitation once, as the seeded behaviour says."""

    def __init__(self, client: httpx.Client, options: DemoOptions, result: DemoResult) -> None:
        self.client = client
        self.options = options
        self.result = result
        self.seen: set[str] = set()
        self.answers: dict[str, str] = {}  # invitation message key -> the answer sent
        self.read = 0  # messages of the outbox already looked at

    def answer_new_invitations(self) -> None:
        outbox = self.client.get("/_local/outbox", params={"after": self.read}).json()
        self.read += len(outbox)
        for message in outbox:
            reply_to = message.get("reply_to") or ""
            if message["channel"] != "email" or not reply_to.startswith("reply+") or reply_to in self.seen:
                continue
            self.seen.add(reply_to)
            answer = synthetic.reply_behaviour(
                message["to"], reply_to, self.options.seed, yes=self.options.yes, no=self.options.no
            )
            if answer == "never":
                self.result.never_answered += 1
                continue
            quoted = "\n".join(f"> {line}" for line in message["text"].splitlines())
            text = (
                f"{synthetic.reply_text(answer, reply_to)}\n\nOn {message['sent_at']}, "
                f"{message['from']} wrote:\n{quoted}\n"
            )
            response = self.client.post(
                "/_local/inbound/email",
                json={"from": message["to"], "to": reply_to, "subject": f"Re: {message['subject']}", "text": text},
            )
            response.raise_for_status()
            self.answers[message.get("message_key") or reply_to] = answer
            if answer == "yes":
                self.result.replies_yes += 1
            else:
                self.result.replies_no += 1


def run_demo(options: DemoOptions, progress: Progress | None = None) -> DemoResult:
    report = progress or (lambda stage, done, total: None)
    result = DemoResult()
    started = time.monotonic()
    ttl = REAL_TTL_SECONDS if options.simulated_time else options.invitation_ttl_seconds
    env = {"TFC_MATCHING_MAX_WAVES": str(options.max_waves)} | (SIMULATED_ENV if options.simulated_time else {})
    runtime = LocalRuntime(
        RuntimeOptions(
            port=options.port,
            invitation_ttl_seconds=ttl,
            schedule_seconds={"matching-tick": options.tick_seconds},
            env=env,
            visibility_timeout=10,
        )
    )
    runtime.start()
    try:
        ops = {"x-api-key": runtime.ops_key}
        with retrying.client(runtime.url, timeout=30) as client:
            report("volunteers", 0, options.volunteers)
            result.volunteers = _seed_volunteers(options.volunteers, options.seed)
            report("volunteers", result.volunteers, options.volunteers)

            campaign_ids: list[str] = []
            project_ids: list[str] = []
            requests = synthetic.campaigns(options.campaigns, options.seed)
            for done, request in enumerate(requests, start=1):
                response = client.post("/campaigns", json=request)
                if response.status_code != 201:
                    result.problems.append(f"campaign {done} refused: {response.text[:200]}")
                    continue
                body = response.json()
                campaign_ids.append(body["campaign_id"])
                project_ids += body["project_ids"]
                report("campaigns", done, len(requests))
            result.campaigns, result.projects = len(campaign_ids), len(project_ids)

            for done, project_id in enumerate(project_ids, start=1):
                response = client.post(f"/projects/{project_id}/approve", headers=ops)
                if response.status_code == 200:
                    result.projects_approved += 1
                else:
                    result.problems.append(f"approve {project_id}: {response.status_code}")
                report("approvals", done, len(project_ids))

            players = _Volunteers(client, options, result)
            tracker = _StaffingTracker(client, campaign_ids, ops)
            last_change, last_staffed, jumps_at_change = time.monotonic(), -1, 0
            stall = 180 if options.simulated_time else max(4 * options.invitation_ttl_seconds, 30)
            settle = 30 if options.simulated_time else max(options.invitation_ttl_seconds // 2, 20)
            clock = SimulatedTime(runtime, client) if options.simulated_time else None
            while time.monotonic() - started < options.timeout_seconds:
                players.answer_new_invitations()
                if clock is not None and clock.step():
                    report("clock", clock.jumps, clock.jumps)
                staffed = tracker.staffed()
                report("staffing", staffed, result.projects_approved)
                if staffed != last_staffed:
                    last_staffed, last_change = staffed, time.monotonic()
                    jumps_at_change = clock.jumps if clock is not None else 0
                if staffed >= result.projects_approved:
                    break
                quiet = time.monotonic() - last_change
                if clock is None:
                    settled = quiet > settle
                else:  # wall seconds say little here: wait for the clock's rounds (reminder, expiry, next wave)
                    settled = clock.jumps - jumps_at_change >= SETTLE_JUMPS or (clock.nothing_due and quiet > settle)
                if staffed >= options.min_staffed_fraction * result.projects_approved and settled:
                    break  # the rest wait on invitations nobody will answer; say so and stop
                if quiet > stall:
                    result.problems.append(f"no project was staffed for {stall} s; stopping")
                    break
                time.sleep(2.0)
            time.sleep(1.5)  # let the last introductions and thank-yous go out
            _summarise(client, runtime, campaign_ids, ops, result)
            if clock is not None:
                result.clock_jumps, result.simulated_hours = clock.jumps, clock.figures()["simulated_hours"]
    finally:
        runtime.stop()
    result.seconds = round(time.monotonic() - started, 1)
    result.staffed_fraction = round(result.projects_staffed / max(result.projects_approved, 1), 3)
    if result.projects_approved == 0:
        result.problems.append("no project was approved")
    if result.staffed_fraction < options.min_staffed_fraction:
        result.problems.append(
            f"only {result.staffed_fraction:.0%} of approved projects were staffed "
            f"(expected at least {options.min_staffed_fraction:.0%})"
        )
    if result.dead_letters:
        result.problems.append(f"{result.dead_letters} messages ended in a dead-letter queue")
    result.ok = (
        result.projects_approved > 0
        and result.campaigns == options.campaigns
        and result.staffed_fraction >= options.min_staffed_fraction
        and not result.dead_letters
    )
    return result


class _StaffingTracker:
    """Counts staffed projects through GET /campaigns/{id}, as staff would, re-reading only the
    campaigns that still have a project being matched (staffed is final)."""

    def __init__(self, client: httpx.Client, campaign_ids: list[str], ops: dict[str, str]) -> None:
        self.client = client
        self.ops = ops
        self.open = list(campaign_ids)
        self.finished = 0  # projects of campaigns whose every project is staffed

    def staffed(self) -> int:
        still_open, partly = [], 0
        for campaign_id in self.open:
            projects = self.client.get(f"/campaigns/{campaign_id}", headers=self.ops).json()["projects"]
            count = sum(1 for p in projects if p["status"] == "staffed")
            if count == len(projects):
                self.finished += count
            else:
                still_open.append(campaign_id)
                partly += count
        self.open = still_open
        return self.finished + partly


def _summarise(
    client: httpx.Client, runtime: LocalRuntime, campaign_ids: list[str], ops: dict[str, str], result: DemoResult
) -> None:
    result.projects_staffed = _StaffingTracker(client, campaign_ids, ops).staffed()
    outbox = client.get("/_local/outbox").json()
    result.emails_sent = sum(1 for m in outbox if m["channel"] == "email")
    result.sms_sent = sum(1 for m in outbox if m["channel"] == "sms")
    result.invitations = sum(1 for m in outbox if (m.get("message_key") or "").endswith(":invite:email"))
    result.opt_ins = sum(1 for m in outbox if (m.get("message_key") or "").endswith(":joined"))
    for message in outbox:
        key = (message.get("message_key") or "").strip()
        outcome = key.rsplit(":", 1)[-1]
        if key.startswith("invitation:") and outcome in ANSWER_OUTCOMES:
            result.answer_outcomes[outcome] = result.answer_outcomes.get(outcome, 0) + 1
    result.dead_letters = sum(n for q, n in runtime.queue_depths().items() if q.endswith("-dlq"))
