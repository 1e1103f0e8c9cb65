"""One wave: allocate invitations across every open project at once.

The problem is a b-matching on the eligible edges: maximise the sum of edge weights (match x
project priority) with each volunteer on at most one edge (one invitation per wave) and each
demand row on at most its `need` edges. We solve it with vectorised deferred acceptance:
volunteers propose to their best remaining demand, every demand keeps its best `need` proposals,
the rejected propose to their next choice, until nobody is left to propose. Because both sides
rank by the same edge weight, the result is the stable matching, which equals the greedy
heaviest-edge-first allocation (a 1/2-approximation in theory, within 1-2% of the exact optimum
on realistic waves: `tfc bench matching` checks that against an LP solved by HiGHS).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from services.matching.domain.eligibility import Edges, eligible_edges
from services.matching.domain.pool import Projects, Rules, Volunteers
from services.matching.domain.scoring import components, weights

SKIP_BLOCK = 32  # edges a proposer may skip per round when they cannot beat a full demand's worst


def stable_allocation(
    volunteer: np.ndarray, demand: np.ndarray, weight: np.ndarray, need: np.ndarray, n_volunteers: int
) -> np.ndarray:
    """Indices of the chosen edges (each volunteer at most once, each demand at most `need`)."""
    if not len(volunteer):
        return np.zeros(0, np.int64)
    # Each volunteer's edges, best first (weights are in [0, 1]; a stable sort breaks ties by index).
    order = np.argsort(volunteer * 2.0 + (1.0 - weight), kind="stable")
    v_s, d_s, w_s = volunteer[order], demand[order], weight[order]
    last = len(w_s) - 1
    ids = np.arange(n_volunteers)
    ends = np.searchsorted(v_s, ids, side="right")
    ptr = np.searchsorted(v_s, ids, side="left")
    proposing = ids[ends > ptr]
    held = np.zeros(0, np.int64)
    # A full demand rejects anything lighter than the worst it holds, and that bar only rises:
    # proposers skip such edges in blocks instead of spending a round on each.
    bar = np.full(len(need), -np.inf)
    block = np.arange(SKIP_BLOCK)
    while len(proposing):
        at = ptr[proposing][:, None] + block
        inside = at < ends[proposing][:, None]
        at = np.minimum(at, last)
        viable = inside & (w_s[at] >= bar[d_s[at]])
        found = viable.any(axis=1)
        stuck = proposing[~found]
        ptr[stuck] = np.minimum(ptr[stuck] + SKIP_BLOCK, ends[stuck])
        movers = proposing[found]
        ptr[movers] += viable[found].argmax(axis=1)
        cand = np.concatenate([held, ptr[movers]])
        cd = d_s[cand]
        o = np.lexsort((cand, -w_s[cand], cd))
        cand, cd = cand[o], cd[o]
        first = np.empty(len(cd), bool)
        first[:1] = True
        first[1:] = cd[1:] != cd[:-1]
        pos = np.arange(len(cd))
        rank = pos - np.maximum.accumulate(np.where(first, pos, 0))
        keep = rank < need[cd]
        held = cand[keep]
        full = keep & (rank == need[cd] - 1)
        bar[cd[full]] = w_s[cand[full]]
        rejected = cand[~keep]
        rv = v_s[rejected]
        ptr[rv] = rejected + 1
        proposing = np.concatenate([rv[ptr[rv] < ends[rv]], stuck[ptr[stuck] < ends[stuck]]])
    return np.sort(order[held])


@dataclass
class WavePlan:
    edges: Edges
    chosen: np.ndarray  # indices into edges
    parts: dict[str, np.ndarray]  # per-edge score components
    weight: np.ndarray  # per-edge objective weight
    eligible_per_demand: np.ndarray  # how many eligible volunteers each demand had
    filled_per_demand: np.ndarray  # invitations allocated to each demand

    @property
    def objective(self) -> float:
        return float(self.weight[self.chosen].sum())

    def short_demands(self, projects: Projects) -> np.ndarray:
        """Demand rows that got fewer invitations than they needed (the pool is too small)."""
        return np.flatnonzero(self.filled_per_demand < projects.demand_need)


def plan_wave(vols: Volunteers, projects: Projects, rules: Rules) -> WavePlan:
    """Every hard rule, the explained score and the global allocation, for one wave."""
    edges = eligible_edges(vols, projects, rules)
    parts = components(vols, projects, edges)
    weight = weights(parts)
    chosen = stable_allocation(edges.volunteer, edges.demand, weight, projects.demand_need, len(vols))
    n_demands = len(projects.demand_need)
    return WavePlan(
        edges=edges,
        chosen=chosen,
        parts=parts,
        weight=weight,
        eligible_per_demand=np.bincount(edges.demand, minlength=n_demands),
        filled_per_demand=np.bincount(edges.demand[chosen], minlength=n_demands),
    )


def shortlist(vols: Volunteers, projects: Projects, rules: Rules, depth: int = 20, floor: int = 40) -> np.ndarray:
    """Rows of the volunteers worth reading live state for: for each demand, the best
    `need * depth + floor` by the score as far as it is known without live state (`vols` carries
    profiles only), among those passing every rule that needs no live state. A small wave (a few
    top-ups) then reads a few hundred volunteers instead of the whole pool, keeping over 99% of the
    objective on the benchmark instances; when the shortlist would be half the pool anyway (a
    big wave), everyone is read and the wave is exact."""
    everyone = np.arange(len(vols))
    edges = eligible_edges(vols, projects, replace(rules, max_pending=1 << 14, max_invites_14d=1 << 14))
    if not len(edges):
        return np.zeros(0, np.int64)
    weight = weights(components(vols, projects, edges))
    order = np.lexsort((-weight, edges.demand))
    d_s = edges.demand[order]
    first = np.empty(len(d_s), bool)
    first[0] = True
    first[1:] = d_s[1:] != d_s[:-1]
    at = np.arange(len(d_s))
    rank = at - np.maximum.accumulate(np.where(first, at, 0))
    keep = rank < projects.demand_need[d_s] * depth + floor
    front = np.unique(edges.volunteer[order[keep]])
    return everyone if len(front) > len(vols) // 2 else front
