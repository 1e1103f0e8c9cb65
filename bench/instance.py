"""A realistic matching instance for the benchmarks: the demo's synthetic volunteers and campaign
requests (seeded), scoped into projects from the menu, with seeded district scores and history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from random import Random

from services.matching.domain.pool import LEAD_KIND, ProjectRow, Rules, VolunteerRow, invitations_needed
from services.matching.domain.scoring import project_priority
from shared.catalog import catalog
from tfc.demo import synthetic

NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)


@dataclass(frozen=True)
class ProjectSpec:
    project_id: str
    state: str
    hours_per_week: int
    weeks: int
    skills: tuple[str, ...]
    election_date: date
    target_score: float | None
    approved_at: datetime

    def seat_kinds(self) -> list[str]:
        return [LEAD_KIND, *self.skills]


def volunteer_rows(n: int, seed: int, history: bool = True) -> list[VolunteerRow]:
    """`n` synthetic volunteers; with `history`, a seeded past (invitations, answers, a few busy)."""
    rng = Random(f"bench-history:{seed}")
    rows = []
    for i, raw in enumerate(synthetic.volunteers(n, seed)):
        invited = rng.choice((0, 0, 1, 2, 3, 5, 8)) if history else 0
        rows.append(
            VolunteerRow(
                volunteer_id=f"v{i:05d}",
                skills=tuple(raw["skills"]),
                hours_per_week=raw["hours_per_week"],
                weeks_available=raw["weeks_available"],
                lead_trained=raw["lead_trained"],
                home_state=raw["hometown"]["state"],
                current_state=raw["current_location"]["state"],
                pending_invitations=rng.choice((0, 0, 0, 1, 2, 3)) if history else 0,
                active_projects=1 if history and rng.random() < 0.05 else 0,
                opted_out=history and rng.random() < 0.01,
                recent_invites=min(invited, rng.randint(0, 7)) if history else 0,
                invited_total=invited,
                responded_total=rng.randint(0, invited) if invited else 0,
            )
        )
    return rows


def project_specs(n: int, seed: int) -> list[ProjectSpec]:
    """`n` projects scoped from synthetic campaign requests (one project per menu item asked for)."""
    rng = Random(f"bench-projects:{seed}")
    menu = catalog()
    specs: list[ProjectSpec] = []
    batch = 0
    while len(specs) < n:
        for request in synthetic.campaigns(max(n, 50), seed + 1000 * batch):
            for need in request["needs"]:
                item = menu.item(need)
                specs.append(
                    ProjectSpec(
                        project_id=f"p{len(specs):04d}",
                        state=request["state"],
                        hours_per_week=item.hours_per_week,
                        weeks=item.weeks,
                        skills=tuple(item.skills),
                        election_date=date.fromisoformat(request["election_date"]),
                        target_score=None if rng.random() < 0.1 else rng.random(),
                        approved_at=NOW - timedelta(hours=rng.uniform(0, 240)),
                    )
                )
                if len(specs) == n:
                    return specs
        batch += 1
    return specs


def project_row(
    spec: ProjectSpec,
    rules: Rules,
    now: datetime,
    open_kinds: list[str] | None = None,
    pending_kinds: list[str] | None = None,
    invited: frozenset[str] = frozenset(),
) -> ProjectRow:
    kinds = spec.seat_kinds() if open_kinds is None else open_kinds
    priority = project_priority(spec.target_score, spec.election_date, spec.approved_at, now)
    return ProjectRow(
        project_id=spec.project_id,
        state=spec.state,
        hours_per_week=spec.hours_per_week,
        weeks=spec.weeks,
        skills=spec.skills,
        priority=priority.value,
        needs=invitations_needed(kinds, pending_kinds or [], rules),
        invited=invited,
    )


def fresh(rows: list[VolunteerRow]) -> list[VolunteerRow]:
    return [replace(r) for r in rows]
