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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from tfc import retrying
from tfc.demo import synthetic
from tfc.local import faults
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
    # Not shorter: every tick reads every pending invitation (one Query of ~900 items here), and a
    # 2 s tick cost more emulator CPU than it saved in waiting; simulated time wakes the tick at
    # once whenever the queues drain.
    tick_seconds: float = 5.0
    yes: float = 0.6  # of invitations answered yes; no 30%; the rest (10%) never answered
    no: float = 0.3
    min_staffed_fraction: float = 0.8
    # Simulated time (tfc/local/simtime.py): invitations last their real 72 h and the clock jumps
    # to the next reminder or expiry whenever the system is quiet; invitation_ttl_seconds is then
    # unused, and the stall rules count wall seconds of no progress.
    simulated_time: bool = True


# Simulated time: the demo stops short of 100% once this many clock jumps in a row, spanning at least
# one invitation's life, brought nobody new (reminders, the expiry, and the next round's reminders:
# the rest wait on people who never answer).
SETTLE_JUMPS = 3

# The demo's client side: requests in flight at once (campaigns, approvals, replies, status reads).
CLIENT_THREADS = 4
POLL_BUSY = 0.2  # wall seconds between looks at the outbox while messages arrive
POLL_IDLE = 0.5  # and while the system works on what it has
# A project is staffed only when someone joins, and each join sends a confirmation: the demo counts
# staffed projects (a read of every open campaign) after a new one appears in the outbox, or after a
# clock jump, and otherwise only every COUNT_EVERY wall seconds, in case a confirmation lags its seat;
# never more often than every COUNT_MIN s (joins arrive all through the run).
COUNT_EVERY = 10.0
COUNT_MIN = 2.0
DRAIN_SECONDS = 10.0  # at most this long at the end for the last messages to go out

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


# Seeding writes in parallel: the emulator serves requests on threads in its own process, so while
# one BatchWriteItem is being stored the next is being built and sent (2 cores: about twice as fast).
SEED_CHUNK = 250  # volunteers per import call (about 3,000 items: 120 BatchWriteItems)
SEED_THREADS = 4


def seed_volunteers(count: int, seed: int, progress: Callable[[int], None] | None = None) -> list[Any]:
    """Bulk-load the pool through the same validation as the sign-up form; the stored volunteers.

    Written SEED_CHUNK volunteers at a time on SEED_THREADS threads (an empty stage, so the
    chunks are independent); `progress(n)` is called with the count stored so far after each chunk."""
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
    store = main_store().volunteers
    exempt = faults.this_thread_exempt()  # a chaos run's driver seeds outside its fault plan

    def store_chunk(chunk: list[Any]) -> None:
        faults.exempt_this_thread(exempt)
        store.import_new_volunteers(chunk)

    chunks = [people[i : i + SEED_CHUNK] for i in range(0, len(people), SEED_CHUNK)]
    stored = 0
    with ThreadPoolExecutor(SEED_THREADS, thread_name_prefix="seed") as pool:
        for chunk, _ in zip(chunks, pool.map(store_chunk, chunks), strict=True):
            stored += len(chunk)
            if progress is not None:
                progress(stored)
    return people


class _Volunteers:
    """Plays the volunteers: answers each invitation once, as the seeded behaviour says.

    `threads` > 1 posts each round's replies side by side (people answer independently; the
    gateway serves requests on threads). The answers themselves do not depend on the order."""

    def __init__(self, client: httpx.Client, options: DemoOptions, result: DemoResult, threads: int = 1) -> None:
        self.client = client
        self.options = options
        self.result = result
        self.threads = threads
        self.seen: set[str] = set()
        self.answers: dict[str, str] = {}  # invitation message key -> the answer sent
        self.read = 0  # messages of the outbox already looked at
        self.joined = 0  # "you joined" confirmations seen in the outbox

    def answer_new_invitations(self) -> int:
        """Read the outbox's new messages and answer the invitations among them; returns how many
        new messages there were (0: nothing arrived since the last call)."""
        outbox = self.client.get("/_local/outbox", params={"after": self.read}).json()
        self.read += len(outbox)
        self.joined += sum(1 for m in outbox if (m.get("message_key") or "").endswith(":joined"))
        replies: list[tuple[dict[str, Any], str, dict[str, str]]] = []
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
            email = {"from": message["to"], "to": reply_to, "subject": f"Re: {message['subject']}", "text": text}
            replies.append((message, answer, email))
        if self.threads > 1 and len(replies) > 1:
            with ThreadPoolExecutor(self.threads, thread_name_prefix="player") as pool:
                list(pool.map(self._post, [email for _, _, email in replies]))
        else:
            for _, _, email in replies:
                self._post(email)
        for message, answer, _ in replies:
            self.answers[message.get("message_key") or message["reply_to"]] = answer
            if answer == "yes":
                self.result.replies_yes += 1
            else:
                self.result.replies_no += 1
        return len(outbox)

    def _post(self, email: dict[str, str]) -> None:
        self.client.post("/_local/inbound/email", json=email).raise_for_status()


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
            seeded = seed_volunteers(
                options.volunteers, options.seed, lambda n: report("volunteers", n, options.volunteers)
            )
            result.volunteers = len(seeded)

            campaign_ids: list[str] = []
            project_ids: list[str] = []
            requests = synthetic.campaigns(options.campaigns, options.seed)
            # Side by side, as many staff would send them; answers keep the requests' order.
            with ThreadPoolExecutor(CLIENT_THREADS, thread_name_prefix="demo-client") as pool:
                sent = pool.map(lambda request: client.post("/campaigns", json=request), requests)
                for done, response in enumerate(sent, start=1):
                    if response.status_code != 201:
                        result.problems.append(f"campaign {done} refused: {response.text[:200]}")
                        continue
                    body = response.json()
                    campaign_ids.append(body["campaign_id"])
                    project_ids += body["project_ids"]
                    report("campaigns", done, len(requests))
                result.campaigns, result.projects = len(campaign_ids), len(project_ids)

                approvals = pool.map(
                    lambda project_id: client.post(f"/projects/{project_id}/approve", headers=ops), project_ids
                )
                for done, (project_id, response) in enumerate(zip(project_ids, approvals, strict=True), start=1):
                    if response.status_code == 200:
                        result.projects_approved += 1
                    else:
                        result.problems.append(f"approve {project_id}: {response.status_code}")
                    report("approvals", done, len(project_ids))

            players = _Volunteers(client, options, result, threads=CLIENT_THREADS)
            tracker = _StaffingTracker(client, campaign_ids, ops, threads=CLIENT_THREADS)
            last_change, last_staffed, jumps_at_change, advanced_at_change = time.monotonic(), -1, 0, 0.0
            stall = 180 if options.simulated_time else max(4 * options.invitation_ttl_seconds, 30)
            settle = 30 if options.simulated_time else max(options.invitation_ttl_seconds // 2, 20)
            clock = SimulatedTime(runtime, client) if options.simulated_time else None
            counted_at, joined_at_count = 0.0, -1
            while time.monotonic() - started < options.timeout_seconds:
                arrived = players.answer_new_invitations()
                # Messages still arriving: not quiet (step then asks no queue).
                jumped = clock.step(answers_pending=arrived > 0) if clock is not None else 0.0
                if jumped:
                    report("clock", clock.jumps if clock is not None else 0, clock.jumps if clock is not None else 0)
                since = time.monotonic() - counted_at
                if jumped or (players.joined != joined_at_count and since >= COUNT_MIN) or since >= COUNT_EVERY:
                    joined_at_count = players.joined
                    counted_at = time.monotonic()
                    staffed = tracker.staffed()
                    report("staffing", staffed, result.projects_approved)
                    if staffed != last_staffed:
                        last_staffed, last_change = staffed, time.monotonic()
                        jumps_at_change = clock.jumps if clock is not None else 0
                        advanced_at_change = clock.advanced_seconds if clock is not None else 0.0
                    if staffed >= result.projects_approved:
                        break
                    quiet = time.monotonic() - last_change
                    if clock is None:
                        settled = quiet > settle
                    else:  # wall seconds say little here: wait for the clock's rounds (reminder, expiry, next wave)
                        # ...and for a whole invitation's life: until the invitations out at the last
                        # change have expired and the next wave has had its answers, nobody is known
                        # to be waiting on people who never answer (3 jumps alone stopped at 48 h).
                        rounds = clock.jumps - jumps_at_change >= SETTLE_JUMPS
                        lived = clock.advanced_seconds - advanced_at_change >= ttl
                        settled = (rounds and lived) or (clock.nothing_due and quiet > settle)
                    if staffed >= options.min_staffed_fraction * result.projects_approved and settled:
                        break  # the rest wait on invitations nobody will answer; say so and stop
                    if quiet > stall:
                        result.problems.append(f"no project was staffed for {stall} s; stopping")
                        break
                # Short looks while messages arrive or the clock moves; longer ones while the system works.
                time.sleep(POLL_BUSY if arrived or jumped else POLL_IDLE)
            _drain(runtime)  # let the last introductions and thank-yous go out
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
    campaigns that still have a project being matched (staffed is final); `threads` > 1 reads
    them side by side."""

    def __init__(self, client: httpx.Client, campaign_ids: list[str], ops: dict[str, str], threads: int = 1) -> None:
        self.client = client
        self.ops = ops
        self.open = list(campaign_ids)
        self.finished = 0  # projects of campaigns whose every project is staffed
        self.threads = threads

    def _projects(self, campaign_id: str) -> list[dict[str, Any]]:
        projects: list[dict[str, Any]] = self.client.get(f"/campaigns/{campaign_id}", headers=self.ops).json()[
            "projects"
        ]
        return projects

    def staffed(self) -> int:
        still_open, partly = [], 0
        if self.threads > 1 and len(self.open) > 1:
            with ThreadPoolExecutor(self.threads, thread_name_prefix="demo-status") as pool:
                read = list(pool.map(self._projects, self.open))
        else:
            read = [self._projects(campaign_id) for campaign_id in self.open]
        for campaign_id, projects in zip(self.open, read, strict=True):
            count = sum(1 for p in projects if p["status"] == "staffed")
            if count == len(projects):
                self.finished += count
            else:
                still_open.append(campaign_id)
                partly += count
        self.open = still_open
        return self.finished + partly


def _drain(runtime: LocalRuntime) -> None:
    """Wait, at most DRAIN_SECONDS, until every queue but the dead-letter ones is empty twice in a
    row (the last introductions and thank-yous sent), instead of a fixed sleep."""
    deadline, empty_before = time.monotonic() + DRAIN_SECONDS, False
    while time.monotonic() < deadline:
        depths = runtime.queue_depths()
        empty = not any(n for name, n in depths.items() if not name.endswith("-dlq"))
        if empty and empty_before:
            return
        empty_before = empty
        time.sleep(POLL_BUSY)


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
