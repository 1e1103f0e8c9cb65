"""Matching that notices: `volunteers.available` v1 -> projects waiting for staff only because they
were short of someone like these volunteers go back to matching, and a wave runs for them now.

Reads: one gsi3 Query of `PROJECTS#needs_attention` (a short list by design), the announced
volunteers (one BatchGetItem), then one Query per candidate project (its seats and invitations).
Writes: the guarded status move needs_attention -> matching (so a repeat delivery, or staff acting
at the same moment, changes nothing twice), then the wave, under every wave rule.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from aws_lambda_powertools import Logger

from services.matching.domain.revival import OpenSeat, Person, fits, may_revive, waves_after_revival
from shared.events import VolunteersAvailableV1
from shared.models import Project, Volunteer
from shared.storage import Store

REVIVED_REASON = "back in matching: {n} newly available volunteer{s} fit{t} an open seat"


class RunsWaves(Protocol):
    def wave(self, now: datetime, correlation_id: str, project_ids: list[str] | None = None) -> object: ...


def _person(v: Volunteer) -> Person:
    return Person(
        volunteer_id=v.volunteer_id,
        skills=frozenset(v.skills),
        lead_trained=v.lead_trained,
        hours_per_week=v.hours_per_week,
        weeks_available=v.weeks_available,
        opted_out=v.email_opt_out,
    )


def _might_fit(person: Person, project: Project) -> bool:
    """A cheap first look from the project item alone (fits() decides on its open seats)."""
    has_kind = person.lead_trained or bool(person.skills & set(project.skills))
    return has_kind and person.hours_per_week >= project.hours_per_week and person.weeks_available >= project.weeks


def revive(
    store: Store, staffing: RunsWaves, event: VolunteersAvailableV1, now: datetime, max_waves: int, log: Logger
) -> list[str]:
    """The projects put back in matching for these volunteers (a wave has run for them)."""
    waiting = [
        p for p in store.campaigns.projects_with_status("needs_attention") if may_revive(p.status, p.status_reason)
    ]
    if not waiting:
        return []
    people = [_person(v) for v in store.volunteers.get_volunteers(event.volunteer_ids).values()]
    if not people:
        return []
    revived = []
    for project in waiting:
        if not any(_might_fit(p, project) for p in people):
            continue  # no read of its seats: nobody announced has its time or any of its kinds
        record = store.campaigns.get_project(project.project_id)  # fresh: seats and invitations
        if record is None or not may_revive(record.project.status, record.project.status_reason):
            continue
        seats = [OpenSeat(s.role, s.skill) for s in record.slots if s.volunteer_id is None]
        invited = [i.volunteer_id for i in record.invitations]
        fitting = [p for p in people if fits(p, seats, record.project.hours_per_week, record.project.weeks, invited)]
        if not fitting:
            continue
        n = len(fitting)
        reason = REVIVED_REASON.format(n=n, s="s" if n != 1 else "", t="" if n != 1 else "s")
        moved = store.campaigns.transition_project(
            record.project,
            "matching",
            from_statuses=["needs_attention"],
            now=now,
            reason=reason,
            waves=waves_after_revival(max_waves),
        )
        if moved:
            revived.append(project.project_id)
    if revived:
        log.info("projects back in matching", extra={"projects": len(revived), "why": event.why})
        staffing.wave(now, event.correlation_id, revived)
    return revived
