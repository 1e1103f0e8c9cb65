"""`tfc ops recount`: the pipeline's counters recomputed from the projects, and the console's list
keys given to records stored before they existed.

Reads go through indexes only (no Scan): every project by one gsi3 Query per status, every
volunteer through the skill pools (every volunteer has a skill), campaigns by the projects'
campaign ids. For a stage already running: the counters are kept by every write afterwards
(shared/storage/counters.py); a move counted while the recount runs is lost when the recount
overwrites the counters (its totals in shard 0, the other shards deleted), so run it while the
stage is quiet (or twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from shared.catalog import catalog
from shared.models import ProjectStatus
from shared.pipeline_counts import PipelineCounts, recount
from shared.storage import Store


def every_volunteer_id(store: Store) -> list[str]:
    """Every volunteer's id, through the skill pools (one Query per catalogue skill), each once."""
    seen: dict[str, None] = {}
    for skill in sorted(catalog().skill_ids):
        for row in store.volunteers.pool(skill):
            seen.setdefault(row["volunteer_id"], None)
    return list(seen)


@dataclass(frozen=True)
class Recount:
    """What `recount_pipeline` found and did: the counters before and after, and how many
    campaigns and volunteers were given the list keys they lacked."""

    before: PipelineCounts
    after: PipelineCounts
    campaigns_backfilled: int = 0
    volunteers_backfilled: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "before": self.before.as_counters(),
            "after": self.after.as_counters(),
            "changed": self.before.as_counters() != self.after.as_counters(),
            "campaigns_backfilled": self.campaigns_backfilled,
            "volunteers_backfilled": self.volunteers_backfilled,
        }


def recount_pipeline(store: Store, *, backfill: bool = True, write: bool = True) -> Recount:
    """Recompute the counters from every project and (with `write`) store them; with `backfill`,
    give campaigns their list keys and volunteers their directory entries where missing."""
    before = store.counters.pipeline()
    projects = store.campaigns.all_projects(get_args(ProjectStatus))
    after = recount(projects, invitations_out=store.invitations.count_pending())
    campaigns = volunteers = 0
    if write:
        store.counters.replace(after)
    if write and backfill:
        campaigns = store.campaigns.backfill_list_keys(p.campaign_id for p in projects)
        for start in range(0, len(ids := every_volunteer_id(store)), 100):
            people = store.volunteers.get_volunteers(ids[start : start + 100])
            volunteers += store.volunteers.backfill_directory(people.values())
    return Recount(before, after, campaigns, volunteers)
