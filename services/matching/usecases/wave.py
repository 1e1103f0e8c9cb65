"""One wave of invitations across every open project: read, allocate (pure domain), write.

Reads per wave: the matching projects' partitions (the tick re-reads only those that changed:
records.py), the districts' latest scores (one BatchGetItem per 100 districts), the skill pools (one
paginated Query per seat kind, cached by a warm container and re-read when the pool's change
token moved: one GetItem each), and the live state of the pools' volunteers (BatchGetItem, 100 a
call). No Scan. Writes: the invitations in transactions of up to 25 (each invitation guarded:
never invited before, pending cap, project limit, opt-out, 14-day limit, one writer per volunteer
state; a lost guard refuses only its own invitation), then the send events (SQS batches of ten)
and their `published` flags (one transaction per 100).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from aws_lambda_powertools import Logger

from services.matching.config import MatchingConfig
from services.matching.domain.allocation import WavePlan, plan_wave, shortlist
from services.matching.domain.attention import attention_reason, left_to_ask
from services.matching.domain.candidates import Candidate
from services.matching.domain.eligibility import paused
from services.matching.domain.pool import (
    LEAD,
    LEAD_KIND,
    SKILLS,
    ProjectRow,
    Projects,
    Rules,
    VolunteerRow,
    Volunteers,
    invitations_needed,
)
from services.matching.domain.scoring import WEIGHTS, project_priority, reasons
from shared.districts import stored_district_key
from shared.events import Event, InvitationIssuedV1
from shared.ids import derived_id
from shared.models import Invitation, Project
from shared.storage import InviteOutcome, Store
from shared.storage.campaigns import ProjectRecord
from shared.storage.volunteers import LEADS_POOL
from shared.storage.waves import GROUP, recent_invites

Publish = Callable[[str, Sequence[Event]], None]
SEND_CHUNK = 100  # invitations written, then sent, at a time
PoolOf = Callable[[str], list[Candidate]]


def kind_of(role: str, skill: str | None) -> str:
    return LEAD_KIND if role == "lead" else skill or ""


@dataclass
class WaveResult:
    projects: int = 0
    invited: int = 0
    refused: int = 0  # lost a guard at write time (someone else invited them, a limit was reached)
    deferred: int = 0  # planned but left for the next tick: the wave's write budget ran out
    short: list[str] = field(default_factory=list)  # projects whose pool was too small this wave
    flagged: list[str] = field(default_factory=list)  # moved to needs_attention
    pool: int = 0  # volunteers in the needed pools who fit some project
    volunteers_considered: int = 0  # of whom live state was read (the shortlist)
    objective: float = 0.0
    created: list[Invitation] = field(default_factory=list)  # written and published, in this wave
    counted: list[str] = field(default_factory=list)  # projects whose round this wave counted (waves + 1)

    def figures(self) -> dict[str, int | float]:
        return {
            "projects": self.projects,
            "invited": self.invited,
            "refused": self.refused,
            "deferred": self.deferred,
            "short": len(self.short),
            "flagged": len(self.flagged),
            "pool": self.pool,
            "volunteers_considered": self.volunteers_considered,
            "objective": round(self.objective, 3),
        }


class Wave:
    def __init__(
        self,
        store: Store,
        publish: Publish,
        pool_of: PoolOf,
        rules: Rules,
        config: MatchingConfig,
        invitation_ttl_seconds: int,
        logger: Logger,
    ) -> None:
        self.store = store
        self.waves = store.waves
        self.publish = publish
        self.pool_of = pool_of
        self.rules = rules
        self.config = config
        self.ttl = timedelta(seconds=invitation_ttl_seconds)
        self.log = logger

    # --- reads ------------------------------------------------------------------------------

    def _priorities(self, projects: list[Project], now: datetime) -> dict[str, tuple[float, dict[str, float]]]:
        # Projects stored before districts had one identity may hold "11th District": look up "11".
        districts = {
            p.project_id: (p.state, p.chamber, stored_district_key(p.state, p.chamber, p.district)) for p in projects
        }
        found = self.store.scores.latest_scores(districts.values())  # every district of the wave in one read
        out = {}
        for p in projects:
            score = found.get(districts[p.project_id])
            target = score.target_score if score else None
            priority = project_priority(target, p.election_date, p.approved_at or p.created_at, now)
            out[p.project_id] = (priority.value, priority.components)
        return out

    def _profiles(self, kinds: set[str], min_hours: int, min_weeks: int) -> list[VolunteerRow]:
        """Everyone in the needed pools who could fit some project (profiles only, from the pools)."""
        profiles: dict[str, Candidate] = {}
        for kind in sorted(kinds):
            for c in self.pool_of(LEADS_POOL if kind == LEAD_KIND else kind):
                if c.hours_per_week >= min_hours and c.weeks_available >= min_weeks:
                    profiles[c.volunteer_id] = c
        return [
            VolunteerRow(
                volunteer_id=vid,
                skills=c.skills,
                hours_per_week=c.hours_per_week,
                weeks_available=c.weeks_available,
                lead_trained=c.lead_trained,
                home_state=c.home_state,
                current_state=c.current_state,
            )
            for vid, c in profiles.items()
        ]

    def _with_state(
        self, people: list[VolunteerRow], now: datetime
    ) -> tuple[list[VolunteerRow], dict[str, dict[str, Any]]]:
        """The same people with their live state (the state as read is also what each
        invitation's write is guarded against); anyone gone since the pools were cached is left out."""
        states = self.waves.volunteer_states(p.volunteer_id for p in people)
        rows = []
        for person in people:
            s = states.get(person.volunteer_id)
            if s is None:
                continue
            rows.append(
                replace(
                    person,
                    active_projects=int(s.get("active_projects", 0)),
                    max_active_projects=int(s.get("max_active_projects", 1)),
                    pending_invitations=int(s.get("pending_invitations", 0)),
                    # A pause is the volunteer's own "not now": skipped like an opt-out until the day.
                    opted_out=bool(s.get("email_opt_out", False)) or paused(s.get("paused_until"), now),
                    recent_invites=len(recent_invites(s, now)),
                    invited_total=int(s.get("invited_total", 0)),
                    responded_total=int(s.get("responded_total", 0)),
                )
            )
        return rows, states

    # --- the wave ---------------------------------------------------------------------------

    def run(self, records: list[ProjectRecord], now: datetime, correlation_id: str) -> WaveResult:
        result = WaveResult(projects=len(records))
        rows: list[ProjectRow] = []
        by_id: dict[str, ProjectRecord] = {}
        stale: list[tuple[ProjectRecord, ProjectRow]] = []
        fresh_round: set[str] = set()
        priorities = self._priorities([r.project for r in records], now)
        for record in records:
            open_kinds = [kind_of(s.role, s.skill) for s in record.slots if s.volunteer_id is None]
            pending = [i for i in record.invitations if i.status == "pending" and i.expires_at > now]
            needs = invitations_needed(open_kinds, [kind_of(i.role, i.skill) for i in pending], self.rules)
            if not needs:
                continue
            project = record.project
            invited = frozenset(i.volunteer_id for i in record.invitations) | frozenset(
                s.volunteer_id for s in record.slots if s.volunteer_id
            )
            row = ProjectRow(
                project_id=project.project_id,
                state=project.state,
                hours_per_week=project.hours_per_week,
                weeks=project.weeks,
                skills=tuple(project.skills),
                priority=priorities[project.project_id][0],
                needs=needs,
                invited=invited,
            )
            if not pending:  # a new round, or stuck: decided below, once the pool is read
                stale.append((record, row))
                fresh_round.add(project.project_id)
            else:
                rows.append(row)
            by_id[project.project_id] = record
        if not rows and not stale:
            return result
        every = [r.project for r in by_id.values()]
        kinds = {k for r in rows for k in r.needs} | {k for _, row in stale for k in row.needs}
        profiles = self._profiles(kinds, min(p.hours_per_week for p in every), min(p.weeks for p in every))
        static = Volunteers.from_rows(profiles)
        result.pool = len(static)
        for record, row in stale:
            reason = attention_reason(record.project.waves, self.config.max_waves, left_to_ask(static, row))
            if reason is None:
                rows.append(row)
            else:
                self._flag(record, reason, now, result)
        if not rows:
            return result
        # Live state only for the front of each demand's ranking, not the whole pool.
        front = shortlist(static, Projects.from_rows(rows, static.ids), self.rules)
        people, states = self._with_state([profiles[i] for i in front], now)
        vols = Volunteers.from_rows(people)
        result.volunteers_considered = len(vols)
        projects = Projects.from_rows(rows, vols.ids)
        plan = plan_wave(vols, projects, self.rules)
        result.objective = plan.objective
        invitations = self._invitations(plan, vols, projects, by_id, priorities, now, fresh_round)
        created = self._write_and_send(invitations, states, now, correlation_id, result)
        touched = {i.project_id for i in created}
        short = {projects.ids[int(projects.demand_project[d])] for d in plan.short_demands(projects)}
        result.short = sorted(short - touched)
        # A wave counts for a project when it starts a new round: it asks someone while nothing
        # is pending (top-ups after a decline, with other invitations still out, do not count).
        for project_id in sorted(touched & fresh_round):
            self.store.campaigns.record_wave(project_id)
        result.created = created
        result.counted = sorted(touched & fresh_round)
        return result

    def _invitations(
        self,
        plan: WavePlan,
        vols: Volunteers,
        projects: Projects,
        by_id: dict[str, ProjectRecord],
        priorities: dict[str, tuple[float, dict[str, float]]],
        now: datetime,
        nothing_out: set[str],
    ) -> list[Invitation]:
        """The chosen edges as invitations, each with its score, components and reasons, in the
        order they are written and sent: first those of projects with nothing out (a newly
        approved project, one whose round ended), then the rest, each part the most important
        first. A surge's top-ups then never hold up a new project's first invitations."""
        out = []
        weight = plan.weight[plan.chosen]
        waiting = np.array(
            [projects.ids[int(projects.demand_project[int(plan.edges.demand[e])])] in nothing_out for e in plan.chosen],
            dtype=bool,
        )
        for e in plan.chosen[np.lexsort((-weight, ~waiting))]:
            v, d = int(plan.edges.volunteer[e]), int(plan.edges.demand[e])
            project_id = projects.ids[int(projects.demand_project[d])]
            project = by_id[project_id].project
            kind = int(projects.demand_skill[d])
            parts = {k: round(float(plan.parts[k][e]), 4) for k in (*WEIGHTS, "priority")}
            parts |= {f"priority_{k}": x for k, x in priorities[project_id][1].items()}
            volunteer_id = vols.ids[v]
            out.append(
                Invitation(
                    invitation_id=derived_id("i", project_id, volunteer_id),
                    project_id=project_id,
                    volunteer_id=volunteer_id,
                    role="lead" if kind == LEAD else "member",
                    skill=None if kind == LEAD else SKILLS[kind],
                    score=round(float(plan.weight[e]), 4),
                    score_components=parts,
                    reasons=reasons(vols, projects, v, d, parts),
                    wave=project.waves + 1,
                    created_at=now,
                    expires_at=now + self.ttl,
                )
            )
        return out

    # --- writes -----------------------------------------------------------------------------

    def _write_and_send(
        self,
        invitations: list[Invitation],
        states: dict[str, dict[str, Any]],
        now: datetime,
        correlation_id: str,
        result: WaveResult,
    ) -> list[Invitation]:
        """Write the invitations in chunks and send each chunk as soon as it is written, so the
        first emails do not wait for the whole wave. Each invitation's life starts when it is
        written (a large wave takes a while), not when the wave started. After the write budget
        (`wave_write_seconds`) no new chunk starts: the rest are counted `deferred`, and the next
        tick plans them again with whatever was approved meanwhile (its first)."""
        started = time.monotonic()

        def create(group: list[Invitation]) -> list[Invitation]:
            written = now + timedelta(seconds=time.monotonic() - started)
            group = [i.model_copy(update={"created_at": written, "expires_at": written + self.ttl}) for i in group]
            outcomes = self.waves.create_invitations(
                [(i, states[i.volunteer_id]) for i in group],
                max_pending=self.rules.max_pending,
                max_recent=self.rules.max_invites_14d,
            )
            return [i for i, outcome in zip(group, outcomes, strict=True) if outcome is InviteOutcome.CREATED]

        created: list[Invitation] = []
        # Named after the invoking thread, so the local runtime's call counts credit its function.
        with ThreadPoolExecutor(self.config.write_threads, thread_name_prefix=threading.current_thread().name) as pool:
            for start in range(0, len(invitations), SEND_CHUNK):
                if start and time.monotonic() - started > self.config.wave_write_seconds:
                    result.deferred = len(invitations) - start
                    break
                chunk = invitations[start : start + SEND_CHUNK]
                groups = [chunk[g : g + GROUP] for g in range(0, len(chunk), GROUP)]
                written = [i for group in pool.map(create, groups) for i in group]
                self._send(written, correlation_id)
                created += written
        result.invited = len(created)
        result.refused = len(invitations) - result.deferred - len(created)
        return created

    def _send(self, invitations: list[Invitation], correlation_id: str) -> None:
        if not invitations:
            return
        self.publish(
            "notify",
            [
                InvitationIssuedV1(
                    correlation_id=correlation_id, invitation_id=i.invitation_id, project_id=i.project_id
                )
                for i in invitations
            ],
        )
        self.store.invitations.mark_invitations_published(invitations)
        invitations[:] = [i.model_copy(update={"published": True}) for i in invitations]

    def _flag(self, record: ProjectRecord, reason: str, now: datetime, result: WaveResult) -> None:
        project = record.project
        moved = self.store.campaigns.transition_project(
            project, "needs_attention", from_statuses=["matching"], now=now, reason=reason
        )
        if moved:
            result.flagged.append(project.project_id)
            self.log.warning("project needs attention", extra={"project_id": project.project_id, "reason": reason})
