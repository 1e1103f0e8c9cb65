"""Which projects waiting for staff a newly available volunteer could help: plain rules.

A project flagged "needs attention" only because it ran short of people (attention.py) goes back
to matching when someone arrives who fits one of its open seats: a trained lead for an open lead
seat, or a member with the seat's skill, with the project's hours a week and weeks, never invited
to it before. Staff-only reasons (a lead left, missed check-ins, a blocked team) never revive.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.matching.domain.attention import short_of_people


@dataclass(frozen=True)
class Person:
    volunteer_id: str
    skills: frozenset[str]
    lead_trained: bool
    hours_per_week: int
    weeks_available: int
    opted_out: bool = False


@dataclass(frozen=True)
class OpenSeat:
    role: str  # "lead" or "member"
    skill: str | None


def fits(person: Person, seats: Sequence[OpenSeat], hours: int, weeks: int, invited: Iterable[str]) -> bool:
    """Whether `person` could fill one of the open `seats` of a project asking `hours` a week for
    `weeks` weeks, having never been invited to it (`invited`: volunteer ids)."""
    if person.opted_out or person.volunteer_id in set(invited):
        return False
    if person.hours_per_week < hours or person.weeks_available < weeks:
        return False
    return any(
        (seat.role == "lead" and person.lead_trained) or (seat.role == "member" and seat.skill in person.skills)
        for seat in seats
    )


def may_revive(status: str, reason: str) -> bool:
    """Only a project matching itself flagged for want of people comes back without staff."""
    return status == "needs_attention" and short_of_people(reason)


def waves_after_revival(max_waves: int) -> int:
    """The wave count a revived project restarts from: one more round of invitations, then the
    usual rules flag it again if it is still short (so a revival never starts an unbounded search)."""
    return max(max_waves - 1, 0)
