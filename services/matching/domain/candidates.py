"""Hard rules and the explained soft score for inviting one volunteer to one project slot."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.catalog import catalog
from shared.geo import RESIDENCE_STATES
from shared.models import Project, Slot, Volunteer


@dataclass(frozen=True)
class SlotKind:
    """What an invitation asks for: the lead seat, or a member seat needing one skill."""

    role: str
    skill: str | None

    @classmethod
    def of(cls, slot: Slot) -> SlotKind:
        return cls(slot.role, slot.skill)


@dataclass(frozen=True)
class Candidate:
    """A volunteer's profile as the skill pools hold it (static between sign-ups)."""

    volunteer_id: str
    skills: tuple[str, ...]
    hours_per_week: int
    weeks_available: int
    lead_trained: bool
    home_state: str
    home_city: str
    current_state: str
    current_city: str

    @classmethod
    def from_pool(cls, row: Mapping[str, Any]) -> Candidate:
        return cls(
            volunteer_id=row["volunteer_id"],
            skills=tuple(row["skills"]),
            hours_per_week=int(row["hours_per_week"]),
            weeks_available=int(row["weeks_available"]),
            lead_trained=bool(row.get("lead_trained")),
            home_state=row["hometown"]["state"],
            home_city=row["hometown"]["city"],
            current_state=row["current_location"]["state"],
            current_city=row["current_location"]["city"],
        )


@dataclass(frozen=True)
class Load:
    """A volunteer's live counters (from their record, read strongly consistent)."""

    active_projects: int
    max_active_projects: int
    pending_invitations: int
    email_opt_out: bool

    @classmethod
    def of(cls, volunteer: Volunteer) -> Load:
        return cls(
            volunteer.active_projects,
            volunteer.max_active_projects,
            volunteer.pending_invitations,
            volunteer.email_opt_out,
        )

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Load:
        return cls(
            int(row.get("active_projects", 0)),
            int(row.get("max_active_projects", 1)),
            int(row.get("pending_invitations", 0)),
            bool(row.get("email_opt_out", False)),
        )


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    kind: SlotKind
    score: float
    reasons: tuple[str, ...] = field(default=())


def fits(candidate: Candidate, kind: SlotKind, project: Project) -> bool:
    """Static hard rules: the seat's skill (or lead training) and enough time for the project."""
    if kind.role == "lead":
        if not candidate.lead_trained:
            return False
    elif kind.skill not in candidate.skills:
        return False
    return candidate.hours_per_week >= project.hours_per_week and candidate.weeks_available >= project.weeks


def available(load: Load, max_pending: int) -> bool:
    """Live hard rules: below the project limit, under the pending-invitation cap, not opted out."""
    return (
        load.active_projects < load.max_active_projects
        and load.pending_invitations < max_pending
        and not load.email_opt_out
    )


def score(candidate: Candidate, kind: SlotKind, project: Project) -> Scored:
    """Skill first, then affinity to the campaign's state; each point comes with its reason."""
    points = 10.0
    reasons: list[str] = []
    state_name = RESIDENCE_STATES.get(project.state, project.state)
    if kind.role == "lead":
        reasons.append("trained team lead")
        overlap = [s for s in project.skills if s in candidate.skills]
        if overlap:
            points += 2.0
            reasons.append(catalog().skill_label(overlap[0]).split(" (")[0].lower())
    else:
        reasons.append(catalog().skill_label(kind.skill or "").split(" (")[0].lower())
        if candidate.skills and candidate.skills[0] == kind.skill:
            points += 2.0  # their first-listed skill: what they do best
    if candidate.home_state == project.state:
        points += 4.0
        reasons.append(f"grew up in {state_name}")
    if candidate.current_state == project.state:
        points += 3.0
        reasons.append(f"lives in {state_name}")
    # Slack in time makes a yes likelier and the commitment easier to keep.
    points += min(candidate.hours_per_week - project.hours_per_week, 4) * 0.25
    return Scored(candidate, kind, points, tuple(reasons))


def rank(candidates: Iterable[Candidate], kind: SlotKind, project: Project, excluded: set[str]) -> list[Scored]:
    """Eligible candidates for one seat kind, best first (ties broken by id, for determinism)."""
    scored = [score(c, kind, project) for c in candidates if c.volunteer_id not in excluded and fits(c, kind, project)]
    return sorted(scored, key=lambda s: (-s.score, s.candidate.volunteer_id))


def invitations_needed(open_slots: list[Slot], pending_kinds: list[SlotKind], per_slot: int) -> dict[SlotKind, int]:
    """How many more invitations each seat kind needs to keep `per_slot` out per open seat."""
    wanted: dict[SlotKind, int] = {}
    for slot in open_slots:
        kind = SlotKind.of(slot)
        wanted[kind] = wanted.get(kind, 0) + per_slot
    for kind in pending_kinds:
        if kind in wanted:
            wanted[kind] -= 1
    return {k: n for k, n in wanted.items() if n > 0}


def choose_slot(volunteer: Volunteer, invited_as: SlotKind, slots: list[Slot]) -> list[Slot]:
    """Open seats this volunteer may take, the one they were invited for first."""

    def may_take(slot: Slot) -> bool:
        if slot.volunteer_id is not None:
            return False
        return volunteer.lead_trained if slot.role == "lead" else slot.skill in volunteer.skills

    open_seats = [s for s in slots if may_take(s)]
    return sorted(open_seats, key=lambda s: (SlotKind.of(s) != invited_as, s.index))
