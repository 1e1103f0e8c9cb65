"""The pipeline's figures as counters (plain Python, no AWS): what each write adds to them, how
they read back, and how they are recomputed from the projects themselves.

Why counters: the console's pipeline page showed figures computed from every project (one Query
per status, the whole table at a season's size). Instead each write that changes a figure adds its
delta to a counter record (one of several shards, summed on read) in the same transaction as the
change itself (shared/storage/counters.py), so a write that loses its guard (a duplicate SQS
delivery, a stale page) changes no figure, and `recount` rebuilds them from the projects when a
stage holds data written before the counters.

Names of the counters (attributes of each shard's record; a figure is their sum over the shards):
- `status:<status>`: projects in that status;
- `campaigns`: campaigns created;
- `opt_ins`: seats filled (the sum of the projects' `filled`);
- `invitations_out`: invitations pending an answer;
- `wait:<bucket>`: staffings whose wait from approval to staffed fell in that bucket (hours; see
  `wait_bucket`), so the median is read from a histogram of bounded size.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from shared.models import Project

CAMPAIGNS = "campaigns"
OPT_INS = "opt_ins"
INVITATIONS_OUT = "invitations_out"
STATUS_PREFIX = "status:"
WAIT_PREFIX = "wait:"


def status_counter(status: str) -> str:
    return f"{STATUS_PREFIX}{status}"


def wait_bucket(hours: float) -> str:
    """The histogram bucket of a wait of `hours` (>= 0; a negative wait counts as 0), as the
    bucket's lower bound in hours: tenths below 10 h, whole hours below 100 h, tens of hours
    above. At most 100 + 90 + (longest wait / 10) buckets, so the record stays small."""
    hours = max(hours, 0.0)
    if hours < 10:
        return f"{math.floor(hours * 10) / 10:.1f}"
    if hours < 100:
        return f"{math.floor(hours):.1f}"
    return f"{math.floor(hours / 10) * 10:.1f}"


def wait_hours(approved_at: datetime | None, staffed_at: datetime | None) -> float | None:
    """Hours from approval to staffed, or None when either is unknown."""
    if approved_at is None or staffed_at is None:
        return None
    return (staffed_at - approved_at).total_seconds() / 3600


def transition_deltas(
    from_status: str, to_status: str, waited_hours: float | None = None, replaced_wait: float | None = None
) -> dict[str, int]:
    """What a project's status move adds to the counters: {counter: delta}, no zero deltas.
    `waited_hours` (approval to staffed, hours) is counted in the wait histogram when given;
    `replaced_wait` is the project's earlier wait that a new staffing replaces (a seat left and
    refilled), taken out so the histogram holds one wait per project, as `recount` does."""
    deltas: Counter[str] = Counter()
    if from_status != to_status:
        deltas[status_counter(from_status)] -= 1
        deltas[status_counter(to_status)] += 1
    if waited_hours is not None:
        deltas[WAIT_PREFIX + wait_bucket(waited_hours)] += 1
        if replaced_wait is not None:
            deltas[WAIT_PREFIX + wait_bucket(replaced_wait)] -= 1
    return {k: v for k, v in deltas.items() if v}


def creation_deltas(statuses: Iterable[str], campaigns: int = 0, opt_ins: int = 0) -> dict[str, int]:
    """What creating projects in `statuses` (and `campaigns` campaigns) adds to the counters."""
    deltas: Counter[str] = Counter(status_counter(s) for s in statuses)
    deltas[CAMPAIGNS] += campaigns
    deltas[OPT_INS] += opt_ins
    return {k: v for k, v in deltas.items() if v}


@dataclass(frozen=True)
class PipelineCounts:
    """The figures as read: projects by status, campaigns, seats filled, invitations pending, and
    the wait histogram ({bucket lower bound in hours: staffings})."""

    by_status: dict[str, int] = field(default_factory=dict)
    campaigns: int = 0
    opt_ins: int = 0
    waits: dict[float, int] = field(default_factory=dict)
    invitations_out: int = 0

    def status(self, status: str) -> int:
        return self.by_status.get(status, 0)

    def median_wait_hours(self) -> float | None:
        """The median wait from approval to staffed, in hours, to the resolution of its bucket
        (the lower bound of the bucket holding the middle staffing, the lower middle of an even
        number); None before any staffing."""
        total = sum(n for n in self.waits.values() if n > 0)
        if total == 0:
            return None
        middle, seen = (total + 1) // 2, 0
        for bucket in sorted(self.waits):
            seen += max(self.waits[bucket], 0)
            if seen >= middle:
                return bucket
        return max(self.waits)  # unreachable: `seen` reaches `total`

    def as_counters(self) -> dict[str, int]:
        """The record's attributes ({counter: value}) holding these figures."""
        out = {status_counter(s): n for s, n in self.by_status.items()}
        out |= {WAIT_PREFIX + f"{b:.1f}": n for b, n in self.waits.items()}
        return out | {CAMPAIGNS: self.campaigns, OPT_INS: self.opt_ins, INVITATIONS_OUT: self.invitations_out}


def counts_from_counters(counters: Mapping[str, int | float]) -> PipelineCounts:
    """The figures of a counter record's attributes (other attributes are ignored; a counter at
    zero is left out, as a recount leaves out what it never saw)."""
    by_status = {k[len(STATUS_PREFIX) :]: int(v) for k, v in counters.items() if k.startswith(STATUS_PREFIX) and v}
    waits = {float(k[len(WAIT_PREFIX) :]): int(v) for k, v in counters.items() if k.startswith(WAIT_PREFIX) and v}
    return PipelineCounts(
        by_status=by_status,
        campaigns=int(counters.get(CAMPAIGNS, 0)),
        opt_ins=int(counters.get(OPT_INS, 0)),
        waits=waits,
        invitations_out=int(counters.get(INVITATIONS_OUT, 0)),
    )


def recount(projects: Iterable[Project], campaigns: int | None = None, invitations_out: int = 0) -> PipelineCounts:
    """The figures recomputed from every project. `campaigns` defaults to the number of distinct
    campaigns the projects belong to (every campaign has a project); `invitations_out` is counted
    by the caller (the pending invitations' index)."""
    by_status: Counter[str] = Counter()
    waits: Counter[str] = Counter()
    campaign_ids: set[str] = set()
    opt_ins = 0
    for p in projects:
        by_status[p.status] += 1
        campaign_ids.add(p.campaign_id)
        opt_ins += p.filled
        waited = wait_hours(p.approved_at, p.staffed_at)
        if waited is not None:
            waits[wait_bucket(waited)] += 1
    return PipelineCounts(
        by_status=dict(by_status),
        campaigns=len(campaign_ids) if campaigns is None else campaigns,
        opt_ins=opt_ins,
        waits={float(b): n for b, n in waits.items()},
        invitations_out=invitations_out,
    )
