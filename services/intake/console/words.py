"""Words, not ids: what the console shows people instead of catalog ids, status codes and UTC
timestamps. Registered as Jinja filters by pages.py; exports keep ids (machines read them).

Sources: labels from the catalog (shared/catalog), statuses in the pipeline's plain words,
times in the program's zone (TFC_PROGRAM_TIME_ZONE, shared/settings.py) to the minute.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from shared.catalog import CATEGORY_LABELS, catalog
from shared.settings import get_settings

# Staff's words for a project's status (the campaign-facing ones are in services/intake/forms).
PROJECT_STATUS = {
    "pending_review": "Waiting for review",
    "matching": "Finding volunteers",
    "needs_attention": "Needs attention",
    "staffed": "Team ready",
    "active": "Under way",
    "done": "Done",
    "declined": "Declined",
    "cancelled": "Cancelled",
}
INVITATION_STATUS = {
    "pending": "Waiting for an answer",
    "accepted": "Said yes",
    "declined": "Said no",
    "expired": "No answer in time",
    "withdrawn": "Withdrawn",
    "team_full": "Team was already full",
}
ROLE = {"lead": "Team lead", "member": "Member"}
CHAMBER = {"lower": "House", "upper": "Senate"}


def _said(table: dict[str, str], code: str | None) -> str:
    if not code:
        return ""
    return table.get(code, code.replace("_", " ").capitalize())


def project_status(code: str | None) -> str:
    """'needs_attention' -> 'Needs attention'; an unknown code in words all the same."""
    return _said(PROJECT_STATUS, code)


def invitation_status(code: str | None) -> str:
    return _said(INVITATION_STATUS, code)


def role(code: str | None) -> str:
    return _said(ROLE, code)


def chamber(code: str | None) -> str:
    return _said(CHAMBER, code)


def skill(skill_id: str | None) -> str:
    """A skill's catalog label ('web_design' -> 'Website design ...')."""
    return catalog().skill_label(skill_id) if skill_id else ""


def skills(skill_ids: list[str] | None) -> str:
    return ", ".join(skill(s) for s in skill_ids or [])


def menu_item(item_id: str | None) -> str:
    """A menu item's title ('website_launch' -> 'Launch a campaign website')."""
    if not item_id:
        return ""
    cat = catalog()
    return cat.item(item_id).title if cat.has_item(item_id) else item_id.replace("_", " ").capitalize()


def category(code: str | None) -> str:
    return _said(CATEGORY_LABELS, code)


def zone() -> ZoneInfo:
    return ZoneInfo(get_settings().program_time_zone)


def when(value: datetime | str | None) -> str:
    """A time in the program's zone to the minute: 'Mon 30 Nov 2026, 2:40 pm EST'. Accepts the
    stored ISO text too; '' for none."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(zone())
    hour = local.strftime("%I").lstrip("0")
    return f"{local:%a} {local.day} {local:%b %Y}, {hour}:{local:%M} {local.strftime('%p').lower()} {local.tzname()}"


def day(value: date | str | None) -> str:
    """A date: 'Tue 3 Nov 2026'."""
    if value is None or value == "":
        return ""
    moment = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{moment:%a} {moment.day} {moment:%b %Y}"


FILTERS = {
    "project_status": project_status,
    "invitation_status": invitation_status,
    "role": role,
    "chamber": chamber,
    "skill": skill,
    "skills": skills,
    "menu_item": menu_item,
    "category": category,
    "when": when,
    "day": day,
}
