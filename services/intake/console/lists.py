"""The console's lists for a season: campaigns, projects and volunteers, with filters and cursor
paging (paging.py), each read through an access pattern designed for it (no Scan; the storage
README's access-pattern table):

- campaigns: gsi3 `CAMPAIGNS` (newest/oldest) or gsi1 `CAMPAIGNS#election` (soonest election);
  "needs attention" reads the `PROJECTS#needs_attention` partition for the campaign ids;
- projects: gsi3 `PROJECTS#<status>`, one status partition after another when no status is chosen;
- volunteers: the directory facet or pool that narrows the search most (shared/storage/directory.py)
  drives; the other filters are checked on its rows, which carry the profile projection; "never
  matched" reads the page's candidates' counters (one projected BatchGetItem per batch).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from services.intake.console.paging import Fetch, Page, fill
from shared.catalog import catalog
from shared.geo import RESIDENCE_STATES
from shared.models import Campaign, Project, Volunteer, utcnow
from shared.storage import Store
from shared.storage.directory import EVERYONE, HOURS, PAUSED, city_partition, fold, state_partition, who_partition
from shared.storage.pages import KeyRange
from shared.storage.volunteers import LEADS_POOL

PROJECT_STATUSES = (
    "pending_review",
    "matching",
    "needs_attention",
    "staffed",
    "active",
    "done",
    "declined",
    "cancelled",
)
ORDERS = {"newest": "Newest first", "oldest": "Oldest first"}
CAMPAIGN_ORDERS = ORDERS | {"election": "Soonest election first"}


class BadFilter(ValueError):
    """A filter value the list cannot use; `field` names it, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _choice(name: str, value: str, allowed: Any) -> str:
    if value and value not in allowed:
        raise BadFilter(name, f"must be one of {', '.join(allowed)}")
    return value


def _state(value: str) -> str:
    value = value.strip().upper()
    if value and value not in RESIDENCE_STATES:
        raise BadFilter("state", "must be a two-letter state code, like VA")
    return value


def _day(name: str, value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise BadFilter(name, "must be a date like 2026-11-03") from exc


def _whole(name: str, value: str, low: int, high: int) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise BadFilter(name, f"must be a whole number from {low} to {high}")
    return int(value)


def as_query(params: dict[str, str]) -> dict[str, str]:
    """A filter's non-empty fields as URL parameters (the pager keeps them)."""
    return {k: v for k, v in params.items() if v}


# --- campaigns ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignFilter:
    state: str = ""
    chamber: str = ""
    election_from: date | None = None
    election_to: date | None = None
    needs_attention: bool = False
    order: str = "newest"

    @classmethod
    def parse(cls, get: Any) -> CampaignFilter:
        """From query parameters (`get(name) -> str`); BadFilter names a bad one."""
        return cls(
            state=_state(get("state")),
            chamber=_choice("chamber", get("chamber"), ("lower", "upper")),
            election_from=_day("election_from", get("election_from")),
            election_to=_day("election_to", get("election_to")),
            needs_attention=get("needs_attention") == "1",
            order=_choice("order", get("order"), CAMPAIGN_ORDERS) or "newest",
        )

    def params(self) -> dict[str, str]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["needs_attention"] = "1" if self.needs_attention else ""
        values["order"] = "" if self.order == "newest" else self.order
        return as_query({k: v.isoformat() if isinstance(v, date) else str(v or "") for k, v in values.items()})

    def keep(self, c: Campaign) -> bool:
        return (
            (not self.state or c.state == self.state)
            and (not self.chamber or c.chamber == self.chamber)
            and (self.election_from is None or c.election_date >= self.election_from)
            and (self.election_to is None or c.election_date <= self.election_to)
        )


def campaigns(store: Store, flt: CampaignFilter, position: dict[str, str]) -> Page[Campaign]:
    if flt.needs_attention:  # few by design: the campaigns of the projects waiting for staff
        ids = sorted({p.campaign_id for p in store.campaigns.projects_with_status("needs_attention")})

        def fetch_attention(after: str | None, limit: int) -> list[tuple[str, Any]]:
            chosen = [i for i in ids if after is None or i > after][:limit]
            found = store.campaigns.get_campaigns(chosen)
            return [(i, found.get(i)) for i in chosen]

        return fill([("attention", fetch_attention)], lambda c: c is not None and flt.keep(c), position)
    descending = flt.order == "newest"

    def fetch(after: str | None, limit: int) -> list[tuple[str, Any]]:
        return store.campaigns.campaign_page(flt.order, KeyRange(limit=limit, after=after, descending=descending))

    return fill([(flt.order, fetch)], flt.keep, position)


# --- projects -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFilter:
    status: str = ""
    state: str = ""
    chamber: str = ""
    category: str = ""
    election_from: date | None = None
    election_to: date | None = None
    order: str = "newest"

    @classmethod
    def parse(cls, get: Any) -> ProjectFilter:
        status = get("status")
        if get("needs_attention") == "1":
            status = "needs_attention"
        return cls(
            status=_choice("status", status, PROJECT_STATUSES),
            state=_state(get("state")),
            chamber=_choice("chamber", get("chamber"), ("lower", "upper")),
            category=_choice("category", get("category"), sorted({m.category for m in catalog().menu})),
            election_from=_day("election_from", get("election_from")),
            election_to=_day("election_to", get("election_to")),
            order=_choice("order", get("order"), ORDERS) or "newest",
        )

    def params(self) -> dict[str, str]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["order"] = "" if self.order == "newest" else self.order
        return as_query({k: v.isoformat() if isinstance(v, date) else str(v or "") for k, v in values.items()})

    def keep(self, p: Project) -> bool:
        return (
            (not self.state or p.state == self.state)
            and (not self.chamber or p.chamber == self.chamber)
            and (not self.category or p.category == self.category)
            and (self.election_from is None or p.election_date >= self.election_from)
            and (self.election_to is None or p.election_date <= self.election_to)
        )


def projects(store: Store, flt: ProjectFilter, position: dict[str, str]) -> Page[Project]:
    """Projects of one status, or of every status one partition after another (pipeline order)."""
    descending = flt.order == "newest"

    def partition(status: str) -> Fetch:
        def fetch(after: str | None, limit: int) -> list[tuple[str, Any]]:
            return store.campaigns.project_page(status, KeyRange(limit=limit, after=after, descending=descending))

        return fetch

    statuses = [flt.status] if flt.status else list(PROJECT_STATUSES)
    return fill([(s, partition(s)) for s in statuses], flt.keep, position)


# --- volunteers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerFilter:
    who: str = ""  # a name or email prefix
    skill: str = ""
    city: str = ""
    state: str = ""
    min_hours: int | None = None
    min_weeks: int | None = None
    lead: str = ""  # "", "yes", "no"
    paused: bool = False
    never_matched: bool = False
    today: str = field(default_factory=lambda: utcnow().date().isoformat())  # paused means until today or later

    @classmethod
    def parse(cls, get: Any) -> VolunteerFilter:
        who = get("who").strip()
        if len(who) > 100:
            raise BadFilter("who", "must be at most 100 characters")
        city = get("city").strip()
        if len(city) > 80:
            raise BadFilter("city", "must be at most 80 characters")
        return cls(
            who=who,
            skill=_choice("skill", get("skill"), sorted(catalog().skill_ids)),
            city=city,
            state=_state(get("state")),
            min_hours=_whole("min_hours", get("min_hours"), 1, 40),
            min_weeks=_whole("min_weeks", get("min_weeks"), 1, 52),
            lead=_choice("lead", get("lead"), ("yes", "no")),
            paused=get("paused") == "1",
            never_matched=get("never_matched") == "1",
        )

    def params(self) -> dict[str, str]:
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "today"}
        for flag in ("paused", "never_matched"):
            values[flag] = "1" if values[flag] else ""
        return as_query({k: "" if v is None else str(v) for k, v in values.items()})

    def source(self) -> tuple[str, KeyRange]:
        """The partition that narrows this search most, and its key range (first page)."""
        if self.who:
            text = self.who.lower() if "@" in self.who else fold(self.who)
            return who_partition(text), KeyRange(limit=0, begins=text)
        if self.state:
            return state_partition(self.state), KeyRange(limit=0, begins=f"{fold(self.city)}#" if self.city else "")
        if self.city:
            return city_partition(fold(self.city)), KeyRange(limit=0, begins=f"{fold(self.city)}#")
        if self.paused:
            return PAUSED, KeyRange(limit=0, at_least=self.today)
        if self.skill:
            return f"SKILL#{self.skill}", KeyRange(limit=0)
        if self.lead == "yes":
            return f"SKILL#{LEADS_POOL}", KeyRange(limit=0)
        if self.min_hours is not None:
            return HOURS, KeyRange(limit=0, at_least=f"{self.min_hours:02d}", descending=True)
        return EVERYONE, KeyRange(limit=0, descending=True)

    def keep(self, row: dict[str, Any]) -> bool:
        """Whether a directory or pool row (the profile projection) passes every filter."""
        places = [row.get("hometown") or {}, row.get("current_location") or {}]
        if self.who:
            texts = [fold(str(row.get("name", ""))), str(row.get("email", "")).lower()]
            words = texts[0].split()
            texts += [" ".join(words[i:]) for i in range(len(words))]
            wanted = self.who.lower() if "@" in self.who else fold(self.who)
            if not any(t.startswith(wanted) for t in texts):
                return False
        if self.skill and self.skill not in (row.get("skills") or []):
            return False
        if self.city and not any(fold(self.city) == fold(str(p.get("city", ""))) for p in places):
            return False
        if self.state and not any(self.state == p.get("state") for p in places):
            return False
        if self.min_hours is not None and int(row.get("hours_per_week", 0)) < self.min_hours:
            return False
        if self.min_weeks is not None and int(row.get("weeks_available", 0)) < self.min_weeks:
            return False
        if self.lead and bool(row.get("lead_trained")) != (self.lead == "yes"):
            return False
        return not (self.paused and str(row.get("paused_until") or "") < self.today)


def never_matched(activity: dict[str, Any]) -> bool:
    """Never invited, on no project, nothing pending (matching's counters)."""
    return not any(int(activity.get(k, 0) or 0) for k in ("invited_total", "active_projects", "pending_invitations"))


def volunteers(store: Store, flt: VolunteerFilter, position: dict[str, str]) -> Page[Volunteer]:
    """A page of volunteers: the driving partition's rows that pass every filter, then the page's
    people read in one BatchGetItem (the list shows their counters and contact state)."""
    pk, first = flt.source()
    seen: set[str] = set()

    def fetch(after: str | None, limit: int) -> list[tuple[str, Any]]:
        page = KeyRange(
            limit=limit, begins=first.begins, at_least=first.at_least, after=after, descending=first.descending
        )
        rows = store.volunteers.directory_page(pk, page)
        if flt.never_matched:  # the counters live on the profile, written by matching
            activity = store.volunteers.volunteer_activity([r["volunteer_id"] for r in rows])
            rows = [r | {"_never": never_matched(activity.get(r["volunteer_id"], {}))} for r in rows]
        return [(r["sk"], r) for r in rows]

    def keep(row: dict[str, Any]) -> bool:
        if row["volunteer_id"] in seen or not flt.keep(row):
            return False  # a person appears once per page even when two of their entries match
        if flt.never_matched and not row.get("_never"):
            return False
        seen.add(row["volunteer_id"])
        return True

    found = fill([(pk, fetch)], keep, position)
    people = store.volunteers.get_volunteers([r["volunteer_id"] for r in found.rows])
    return Page(
        rows=[people[r["volunteer_id"]] for r in found.rows if r["volunteer_id"] in people],
        next=found.next,
        searched=found.searched,
        stopped_early=found.stopped_early,
    )
