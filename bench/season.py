"""`tfc bench season`: a season of projects staffed through waves, with a seeded acceptance model.

Simulated time, the product's own wave (domain: hard rules, score, allocation, invitations needed)
and the product's team rules (an opt-in takes the seat it was invited for or another open seat the
volunteer may take; a full team withdraws its pending invitations; a volunteer who joins a team at
their limit has their other invitations withdrawn; invitations expire after 72 h; a project with
nothing pending that is still short after N waves, or has nobody left to ask, needs attention).
Each invitation is answered yes (30%), no (20%) or never, after a delay drawn from the seed.
"""

from __future__ import annotations

import heapq
import statistics
import time
from dataclasses import dataclass, field, replace
from datetime import timedelta
from random import Random
from typing import Any

import numpy as np

from bench.instance import NOW, ProjectSpec, project_specs, volunteer_rows
from services.matching.config import MatchingConfig
from services.matching.domain.allocation import plan_wave
from services.matching.domain.attention import attention_reason, left_to_ask
from services.matching.domain.pool import LEAD, LEAD_KIND, SKILLS, ProjectRow, Projects, Rules, Volunteers
from services.matching.domain.pool import invitations_needed as needed
from services.matching.domain.scoring import project_priority

TTL_HOURS = 72.0
WINDOW_HOURS = 14 * 24.0


@dataclass
class Invite:
    volunteer: int
    project: int
    kind: str
    created: float
    status: str = "pending"


@dataclass
class ProjectState:
    spec: ProjectSpec
    approved: float  # hours from the season's start
    open_kinds: list[str]
    invites: list[Invite] = field(default_factory=list)
    invited: set[str] = field(default_factory=set)
    waves: int = 0
    staffed_at: float | None = None
    flagged: bool = False

    @property
    def pending(self) -> list[Invite]:
        return [i for i in self.invites if i.status == "pending"]


def simulate(
    volunteers: int = 15000,
    projects: int = 500,
    seed: int = 1,
    *,
    yes: float = 0.30,
    no: float = 0.20,
    wave_hours: float = 6.0,
    arrival_days: float = 14.0,
    season_days: float = 60.0,
    mean_answer_hours: float = 18.0,
) -> dict[str, Any]:
    started = time.perf_counter()
    config = MatchingConfig()
    rules = Rules(max_pending=3, max_invites_14d=config.max_invites_14d, acceptance_rate=yes or 0.3)
    rng = Random(f"season:{seed}")
    people = volunteer_rows(volunteers, seed, history=False)
    base = Volunteers.from_rows(people)
    n = len(base)
    active = np.zeros(n, np.int16)
    pending = np.zeros(n, np.int16)
    recent = np.zeros(n, np.int16)
    invited_total = np.zeros(n, np.int32)
    responded_total = np.zeros(n, np.int32)
    all_invites: list[list[float]] = [[] for _ in range(n)]
    ageing: list[tuple[float, int]] = []  # (when an invitation leaves the 14-day window, volunteer)
    answers: list[tuple[float, int, int, Invite, str]] = []  # (time, seq, _, invite, answer)
    seq = 0

    specs = project_specs(projects, seed)
    states = [
        ProjectState(spec=s, approved=rng.uniform(0, arrival_days * 24), open_kinds=s.seat_kinds()) for s in specs
    ]
    total_invites = 0
    waves = 0
    max_pending = 0

    def close(inv: Invite, status: str) -> None:
        if inv.status == "pending":
            inv.status = status
            pending[inv.volunteer] -= 1

    def apply_answer(at: float, inv: Invite, answer: str) -> None:
        if inv.status != "pending" or at >= inv.created + TTL_HOURS:
            return
        responded_total[inv.volunteer] += 1
        state = states[inv.project]
        if answer == "no":
            close(inv, "declined")
            return
        v = inv.volunteer
        seats = [] if state.staffed_at is not None or state.flagged else state.open_kinds
        mine = [k for k in seats if (base.lead[v] if k == LEAD_KIND else people[v].skills.count(k) > 0)]
        if not mine or active[v] >= people[v].max_active_projects:
            close(inv, "team_full")
            return
        seat = inv.kind if inv.kind in mine else mine[0]
        state.open_kinds.remove(seat)
        inv.status = "accepted"
        pending[v] -= 1
        active[v] += 1
        if active[v] >= people[v].max_active_projects:  # withdraw their other invitations
            for other in states:
                for o in other.pending:
                    if o.volunteer == v:
                        close(o, "withdrawn")
        if not state.open_kinds:
            state.staffed_at = at
            for o in state.pending:
                close(o, "withdrawn")

    t = 0.0
    horizon = season_days * 24
    while t <= horizon:
        # Answers and expiries up to now, in time order.
        while answers and answers[0][0] <= t:
            at, _, _, inv, answer = heapq.heappop(answers)
            apply_answer(at, inv, answer)
        while ageing and ageing[0][0] <= t:
            recent[heapq.heappop(ageing)[1]] -= 1
        for state in states:
            for inv in state.pending:
                if inv.created + TTL_HOURS <= t:
                    close(inv, "expired")
        now = NOW + timedelta(hours=t)
        rows, live, fresh_round = [], [], set()
        for p, state in enumerate(states):
            if state.approved > t or state.staffed_at is not None or state.flagged:
                continue
            still = state.pending
            needs = needed(state.open_kinds, [i.kind for i in still], rules)
            if not needs:
                continue
            spec = state.spec
            waiting_since = NOW + timedelta(hours=state.approved)
            priority = project_priority(spec.target_score, spec.election_date, waiting_since, now).value
            row = ProjectRow(
                spec.project_id, spec.state, spec.hours_per_week, spec.weeks, spec.skills, priority, needs,
                frozenset(state.invited),
            )  # fmt: skip
            if not still and attention_reason(state.waves, config.max_waves, left_to_ask(base, row)):
                state.flagged = True
                continue
            rows.append(row)
            live.append(p)
            if not still:
                fresh_round.add(p)
        if rows:
            waves += 1
            vols = replace(
                base,
                active=active.copy(),
                pending=pending.copy(),
                recent=recent.copy(),
                invited_total=invited_total.copy(),
                responded_total=responded_total.copy(),
            )
            table = Projects.from_rows(rows, vols.ids)
            plan = plan_wave(vols, table, rules)
            touched = set()
            for e in plan.chosen:
                v, d = int(plan.edges.volunteer[e]), int(plan.edges.demand[e])
                p = live[int(table.demand_project[d])]
                kind_index = int(table.demand_skill[d])
                kind = LEAD_KIND if kind_index == LEAD else SKILLS[kind_index]
                inv = Invite(v, p, kind, t)
                states[p].invites.append(inv)
                states[p].invited.add(base.ids[v])
                touched.add(p)
                pending[v] += 1
                recent[v] += 1
                invited_total[v] += 1
                all_invites[v].append(t)
                heapq.heappush(ageing, (t + WINDOW_HOURS, v))
                total_invites += 1
                draw = rng.random()
                reply = "yes" if draw < yes else "no" if draw < yes + no else None
                delay = rng.expovariate(1.0 / mean_answer_hours)
                if reply and delay < TTL_HOURS:
                    seq += 1
                    heapq.heappush(answers, (t + delay, seq, 0, inv, reply))
            max_pending = max(max_pending, int(pending.max()))
            for p in touched & fresh_round:  # a new round: asked someone while nothing was pending
                states[p].waves += 1
        if all(s.staffed_at is not None or s.flagged for s in states):
            break
        t += wave_hours

    staffed = [s for s in states if s.staffed_at is not None]
    hours = [s.staffed_at - s.approved for s in staffed]  # type: ignore[operator]
    return {
        "volunteers": volunteers,
        "projects": projects,
        "seed": seed,
        "acceptance_model": {"yes": yes, "no": no, "silent": round(1 - yes - no, 3)},
        "wave_every_hours": wave_hours,
        "waves": waves,
        "staffed": len(staffed),
        "staffed_fraction": round(len(staffed) / max(projects, 1), 4),
        "needs_attention": sum(1 for s in states if s.flagged),
        "median_hours_to_staffed": round(statistics.median(hours), 1) if hours else None,
        "invites": total_invites,
        "invites_per_staffed_project": round(total_invites / max(len(staffed), 1), 2),
        "max_invites_per_volunteer_14d": max_in_window(all_invites, WINDOW_HOURS),
        "max_pending_per_volunteer": max_pending,
        "simulated_days": round(min(t, horizon) / 24, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }


def max_in_window(times: list[list[float]], window: float) -> int:
    """The most invitations any volunteer received within any `window` hours."""
    best = 0
    for mine in times:
        j = 0
        for i, t in enumerate(mine):  # already in time order
            while t - mine[j] >= window:
                j += 1
            best = max(best, i - j + 1)
    return best
