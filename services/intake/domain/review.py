"""Staff review of a scoped project: the adjustments they may make, and why one is refused.

Plain Python: the console's form values in, a new project and its seats out (or field errors).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.intake.domain.scoping import slots_for
from shared.catalog import MAX_WEEKS, catalog
from shared.models import Project, Slot

MAX_MEMBER_SKILLS = 4
MAX_REASON = 2000


@dataclass(frozen=True)
class Refused(Exception):
    errors: list[dict[str, str]]


def _int(value: str, field: str, low: int, high: int, errors: list[dict[str, str]]) -> int:
    try:
        number = int(value.strip())
    except (AttributeError, ValueError):
        errors.append({"field": field, "message": "must be a whole number"})
        return low
    if not low <= number <= high:
        errors.append({"field": field, "message": f"must be between {low} and {high}"})
    return number


def adjusted(project: Project, menu_item: str, skills: list[str], weeks: str, hours: str) -> tuple[Project, list[Slot]]:
    """The project as staff re-scoped it: one lead seat plus one member seat per skill.
    Changing the menu item brings that item's title, deliverables and metrics."""
    errors: list[dict[str, str]] = []
    cat = catalog()
    if not cat.has_item(menu_item):
        errors.append({"field": "menu_item", "message": "is not on the menu"})
    chosen = [s.strip() for s in skills if s.strip()]
    unknown = sorted(set(chosen) - cat.skill_ids)
    if unknown:
        errors.append({"field": "skills", "message": f"has unknown skills: {', '.join(unknown)}"})
    if not 1 <= len(chosen) <= MAX_MEMBER_SKILLS:
        errors.append({"field": "skills", "message": f"needs 1 to {MAX_MEMBER_SKILLS} member skills"})
    weeks_n = _int(weeks, "weeks", 1, MAX_WEEKS, errors)
    hours_n = _int(hours, "hours_per_week", 1, 40, errors)
    if errors:
        raise Refused(errors)
    item = cat.item(menu_item)
    fields: dict[str, object] = {
        "skills": chosen,
        "team_size": 1 + len(chosen),
        "weeks": weeks_n,
        "hours_per_week": hours_n,
    }
    if menu_item != project.menu_item:
        fields |= {
            "menu_item": item.id,
            "category": item.category,
            "title": item.title,
            "deliverables": list(item.deliverables),
            "metrics": list(item.metrics),
        }
    new = project.model_copy(update=fields)
    seats = slots_for(item.model_copy(update={"skills": chosen}))
    return new, seats


def decline_reason(text: str) -> str:
    reason = " ".join((text or "").split())
    if not reason:
        raise Refused([{"field": "reason", "message": "is required: the campaign is told why"}])
    if len(reason) > MAX_REASON:
        raise Refused([{"field": "reason", "message": f"must be at most {MAX_REASON} characters"}])
    return reason
