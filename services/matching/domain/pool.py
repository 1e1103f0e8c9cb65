"""One wave's inputs as column arrays: the volunteers who could be invited, the open projects and
what each still needs. Built once per wave from plain records, so every rule and score after this
is a vectorised numpy expression over all pairs at once."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from shared.catalog import catalog
from shared.geo import RESIDENCE_STATES

SKILLS: tuple[str, ...] = tuple(sorted(catalog().skill_ids))
SKILL_INDEX: dict[str, int] = {s: i for i, s in enumerate(SKILLS)}
STATE_CODES: dict[str, int] = {s: i for i, s in enumerate(sorted(RESIDENCE_STATES))}
LEAD = -1  # the demand kind of a lead seat (any lead-trained volunteer)
NOT_LISTED = 127  # skill_pos of a skill the volunteer does not have
RECENT_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class Rules:
    """The configurable hard limits."""

    max_pending: int = 3  # pending invitations a volunteer may hold
    max_invites_14d: int = 6  # invitations a volunteer may receive in 14 days
    acceptance_rate: float = 0.5  # expected share of invitations answered yes
    max_invites_per_slot: int = 4  # never flood: at most this many out per open seat


@dataclass(frozen=True)
class VolunteerRow:
    """One volunteer as matching sees them: profile (from the skill pools) plus live counters."""

    volunteer_id: str
    skills: tuple[str, ...]
    hours_per_week: int
    weeks_available: int
    lead_trained: bool
    home_state: str
    current_state: str
    active_projects: int = 0
    max_active_projects: int = 1
    pending_invitations: int = 0
    opted_out: bool = False
    recent_invites: int = 0  # in the last 14 days
    invited_total: int = 0
    responded_total: int = 0


@dataclass
class Volunteers:
    """Column arrays, one row per volunteer."""

    ids: list[str]
    skill_mask: np.ndarray  # uint32 bit per SKILLS index
    skill_pos: np.ndarray  # (n, len(SKILLS)) int8: 0 = primary skill, NOT_LISTED = absent
    lead: np.ndarray
    hours: np.ndarray
    weeks: np.ndarray
    home_state: np.ndarray
    current_state: np.ndarray
    active: np.ndarray
    max_active: np.ndarray
    pending: np.ndarray
    opted_out: np.ndarray
    recent: np.ndarray
    invited_total: np.ndarray
    responded_total: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_rows(cls, rows: Sequence[VolunteerRow]) -> Volunteers:
        n = len(rows)
        mask = np.zeros(n, np.uint32)
        pos = np.full((n, len(SKILLS)), NOT_LISTED, np.int8)
        for i, r in enumerate(rows):
            for rank, skill in enumerate(r.skills):
                k = SKILL_INDEX.get(skill)
                if k is not None and pos[i, k] == NOT_LISTED:
                    pos[i, k] = rank
                    mask[i] |= np.uint32(1 << k)

        def col(name: str, dtype: type) -> np.ndarray:
            return np.fromiter((getattr(r, name) for r in rows), dtype, n)

        return cls(
            ids=[r.volunteer_id for r in rows],
            skill_mask=mask,
            skill_pos=pos,
            lead=col("lead_trained", bool),
            hours=col("hours_per_week", np.int16),
            weeks=col("weeks_available", np.int16),
            home_state=np.fromiter((STATE_CODES.get(r.home_state, -1) for r in rows), np.int16, n),
            current_state=np.fromiter((STATE_CODES.get(r.current_state, -2) for r in rows), np.int16, n),
            active=col("active_projects", np.int16),
            max_active=col("max_active_projects", np.int16),
            pending=col("pending_invitations", np.int16),
            opted_out=col("opted_out", bool),
            recent=col("recent_invites", np.int16),
            invited_total=col("invited_total", np.int32),
            responded_total=col("responded_total", np.int32),
        )


@dataclass(frozen=True)
class ProjectRow:
    """An open project as one wave sees it."""

    project_id: str
    state: str
    hours_per_week: int
    weeks: int
    skills: tuple[str, ...]  # member seats' skills (the lead's overlap is a plus)
    priority: float
    needs: Mapping[str, int] = field(default_factory=dict)  # seat kind ("_lead" or skill) -> invitations
    invited: frozenset[str] = frozenset()  # volunteers ever invited to it or on its team


LEAD_KIND = "_lead"


@dataclass
class Projects:
    """Column arrays of the projects plus the demand rows: one per (project, seat kind) short."""

    ids: list[str]
    state: np.ndarray
    hours: np.ndarray
    weeks: np.ndarray
    skill_mask: np.ndarray
    priority: np.ndarray
    demand_project: np.ndarray  # int32 index into the projects
    demand_skill: np.ndarray  # int16 SKILLS index, or LEAD
    demand_need: np.ndarray  # int32 invitations wanted this wave
    excluded: np.ndarray  # sorted int64 keys project * n_volunteers + volunteer

    @classmethod
    def from_rows(cls, rows: Sequence[ProjectRow], volunteer_ids: Sequence[str]) -> Projects:
        index = {v: i for i, v in enumerate(volunteer_ids)}
        n_vol = len(volunteer_ids)
        dp, ds, dn, excluded = [], [], [], []
        masks = np.zeros(len(rows), np.uint32)
        for p, row in enumerate(rows):
            for skill in row.skills:
                if skill in SKILL_INDEX:
                    masks[p] |= np.uint32(1 << SKILL_INDEX[skill])
            for kind, need in row.needs.items():
                if need <= 0:
                    continue
                if kind != LEAD_KIND and kind not in SKILL_INDEX:
                    raise ValueError(f"project {row.project_id}: unknown seat skill {kind!r}")
                dp.append(p)
                ds.append(LEAD if kind == LEAD_KIND else SKILL_INDEX[kind])
                dn.append(need)
            excluded += [p * n_vol + index[v] for v in row.invited if v in index]
        return cls(
            ids=[r.project_id for r in rows],
            state=np.fromiter((STATE_CODES.get(r.state, -3) for r in rows), np.int16, len(rows)),
            hours=np.fromiter((r.hours_per_week for r in rows), np.int16, len(rows)),
            weeks=np.fromiter((r.weeks for r in rows), np.int16, len(rows)),
            skill_mask=masks,
            priority=np.fromiter((r.priority for r in rows), np.float64, len(rows)),
            demand_project=np.asarray(dp, np.int32),
            demand_skill=np.asarray(ds, np.int16),
            demand_need=np.asarray(dn, np.int32),
            excluded=np.unique(np.asarray(excluded, np.int64)),
        )


def invitations_needed(open_kinds: Sequence[str], pending_kinds: Sequence[str], rules: Rules) -> dict[str, int]:
    """Invitations each seat kind needs this wave so the open seats expect to fill, given the
    acceptance rate, counting the invitations already out; never more than the per-seat cap."""
    wanted: dict[str, int] = {}
    for kind in set(open_kinds):
        seats = sum(1 for k in open_kinds if k == kind)
        out = sum(1 for k in pending_kinds if k == kind)
        target = min(math.ceil(seats / rules.acceptance_rate - 1e-9), seats * rules.max_invites_per_slot)
        if target - out > 0:
            wanted[kind] = target - out
    return wanted


def recent_count(invited_at: Sequence[datetime], now: datetime) -> int:
    """Invitations in the 14 days before `now`."""
    return sum(1 for t in invited_at if now - t < RECENT_WINDOW)
