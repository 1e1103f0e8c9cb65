"""Program figures for staff and funders (`tfc report season`): read, then the pure domain sums.

Reads: one gsi3 Query per closed status, then one Query per closed project's partition (served
records and results). No Scan; a season is hundreds of projects, so this is a staff-time report,
not a request path.
"""

from __future__ import annotations

from typing import Any

from services.matching.domain.lifecycle import Outcome, Served, season_figures
from shared.storage import Store

CSV_FIELDS = (
    "project_id",
    "campaign_id",
    "candidate_name",
    "state",
    "district",
    "category",
    "title",
    "status",
    "kickoff_at",
    "ends_at",
    "closed_at",
    "team",
    "volunteer_hours",
    "rating",
    "rating_comment",
    "metrics",
)


def season_report(store: Store) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(figures, one row per closed project)."""
    items = store.lifecycle
    outcomes: list[Outcome] = []
    served: list[Served] = []
    rows: list[dict[str, Any]] = []
    for status in ("done", "cancelled"):
        for project in store.campaigns.projects_with_status(status):
            found = items.project_items(project.project_id)
            rating = found.results.get("rating", {})
            mine = [
                Served(project.project_id, s["volunteer_id"], int(s["hours_per_week"]), float(s["weeks"]))
                for s in found.served
            ]
            served += mine
            outcomes.append(
                Outcome(project.project_id, project.campaign_id, project.category, status, rating.get("rating"))
            )
            rows.append(
                {
                    "project_id": project.project_id,
                    "campaign_id": project.campaign_id,
                    "candidate_name": project.candidate_name,
                    "state": project.state,
                    "district": project.district,
                    "category": project.category,
                    "title": project.title,
                    "status": status,
                    "kickoff_at": project.kickoff_at.isoformat() if project.kickoff_at else "",
                    "ends_at": project.ends_at.isoformat() if project.ends_at else "",
                    "closed_at": project.closed_at.isoformat() if project.closed_at else "",
                    "team": len(mine),
                    "volunteer_hours": round(sum(s.hours_per_week * s.weeks for s in mine), 1),
                    "rating": rating.get("rating", ""),
                    "rating_comment": rating.get("comment", ""),
                    "metrics": found.results.get("metrics", {}).get("text", ""),
                }
            )
    return season_figures(outcomes, served), rows
