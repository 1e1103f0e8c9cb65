"""A volunteer as the skill pools hold them, seat kinds, and which seat an opt-in takes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.models import Slot, Volunteer


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


def choose_slot(volunteer: Volunteer, invited_as: SlotKind, slots: list[Slot]) -> list[Slot]:
    """Open seats this volunteer may take, the one they were invited for first."""

    def may_take(slot: Slot) -> bool:
        if slot.volunteer_id is not None:
            return False
        return volunteer.lead_trained if slot.role == "lead" else slot.skill in volunteer.skills

    open_seats = [s for s in slots if may_take(s)]
    return sorted(open_seats, key=lambda s: (SlotKind.of(s) != invited_as, s.index))
