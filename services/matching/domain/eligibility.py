"""The hard rules, over every (volunteer, demand) pair of a wave at once.

A pair is an edge only if every rule holds: the seat's skill (or lead training for the lead seat);
hours per week and weeks available cover the project; the volunteer is below their active-project
limit, holds fewer than `max_pending` pending invitations, has not opted out, and was invited fewer
than `max_invites_14d` times in 14 days; and was never invited to this project before. "At most one
invitation per volunteer per wave" is the allocation's constraint (allocation.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from services.matching.domain.pool import LEAD, Projects, Rules, Volunteers


@dataclass(frozen=True)
class Edges:
    """Eligible pairs: volunteer row and demand row, parallel int32 arrays."""

    volunteer: np.ndarray
    demand: np.ndarray

    def __len__(self) -> int:
        return len(self.volunteer)


def paused(paused_until: object, now: datetime) -> bool:
    """Whether a volunteer's own pause holds at `now`: `paused_until` is the first day (UTC) they
    may be invited again, as stored (ISO string, or a date in memory), or None."""
    if not paused_until:
        return False
    return str(paused_until)[:10] > now.date().isoformat()


def available(vols: Volunteers, rules: Rules) -> np.ndarray:
    """Volunteer-level rules: may this person receive any invitation now?"""
    return (
        (vols.active < vols.max_active)
        & (vols.pending < rules.max_pending)
        & ~vols.opted_out
        & (vols.recent < rules.max_invites_14d)
    )


def has_kind(vols: Volunteers, kind: int) -> np.ndarray:
    """The seat's skill, or lead training for a lead seat."""
    if kind == LEAD:
        return vols.lead.copy()
    return (vols.skill_mask >> np.uint32(kind)) & np.uint32(1) == 1


def eligible_edges(vols: Volunteers, projects: Projects, rules: Rules) -> Edges:
    """Every pair that passes every hard rule, built one seat kind at a time (a kind's pool times
    the demands of that kind) so memory stays proportional to the pairs that could ever be edges."""
    live = available(vols, rules)
    out_v: list[np.ndarray] = []
    out_d: list[np.ndarray] = []
    for kind in np.unique(projects.demand_skill):
        demands = np.flatnonzero(projects.demand_skill == kind)
        pool = np.flatnonzero(live & has_kind(vols, int(kind)))
        if not len(pool) or not len(demands):
            continue
        p = projects.demand_project[demands]
        fits = (vols.hours[pool][:, None] >= projects.hours[p][None, :]) & (
            vols.weeks[pool][:, None] >= projects.weeks[p][None, :]
        )
        vi, di = np.nonzero(fits)
        out_v.append(pool[vi].astype(np.int32))
        out_d.append(demands[di].astype(np.int32))
    if not out_v:
        empty = np.zeros(0, np.int32)
        return Edges(empty, empty)
    v, d = np.concatenate(out_v), np.concatenate(out_d)
    if len(projects.excluded):
        keys = projects.demand_project[d].astype(np.int64) * len(vols) + v
        keep = ~np.isin(keys, projects.excluded, assume_unique=False)
        v, d = v[keep], d[keep]
    return Edges(v, d)
