"""When a project needs staff: it cannot be staffed from the pool as it stands.

Two cases, both only once nothing is pending for the project (every invitation answered or
expired): it went through `max_waves` waves of invitations and is still short; or some seat kind it
needs has nobody left to ask (nobody with the skill and the time who was not already invited).
A pool that is merely busy (everyone eligible already holds invitations) is not a reason: the next
wave tries again. The reason names the short seat kind first.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from services.matching.domain.eligibility import has_kind
from services.matching.domain.pool import LEAD, LEAD_KIND, SKILL_INDEX, ProjectRow, Volunteers
from shared.catalog import catalog

# How the reasons this module gives begin: a project flagged for one of them waits only for a
# person who fits, so a new one may send it back to matching (usecases/revival.py).
AFTER_WAVES = "not staffed after"
NOBODY_LEFT = "nobody left to ask"


def short_of_people(reason: str) -> bool:
    """Whether a needs_attention reason is this module's "short of people" (not a lead leaving,
    missed check-ins or a blocked team, which need a person to act)."""
    return reason.startswith((AFTER_WAVES, NOBODY_LEFT))


def kind_label(kind: str) -> str:
    if kind == LEAD_KIND:
        return "trained team lead"
    return catalog().skill_label(kind).split(" (")[0].lower()


def left_to_ask(vols: Volunteers, project: ProjectRow) -> dict[str, int]:
    """Per needed seat kind: volunteers with the skill and the time not yet invited to the project
    (live limits ignored: those pass with time)."""
    fits_time = (vols.hours >= project.hours_per_week) & (vols.weeks >= project.weeks)
    fresh = np.ones(len(vols), bool)
    if project.invited:
        fresh[[i for i, v in enumerate(vols.ids) if v in project.invited]] = False
    return {
        kind: int((fits_time & fresh & has_kind(vols, LEAD if kind == LEAD_KIND else SKILL_INDEX[kind])).sum())
        for kind in project.needs
    }


def attention_reason(waves: int, max_waves: int, left: Mapping[str, int]) -> str | None:
    """Why staff must act, or None when the next wave should simply try again."""
    if not left:
        return None
    shortest = sorted(left, key=lambda k: (left[k], k))
    head, rest = shortest[0], shortest[1:]
    if waves >= max_waves:
        prefix = f"{AFTER_WAVES} {waves} waves"
    elif left[head] == 0:
        prefix = NOBODY_LEFT
    else:
        return None
    n = left[head]
    reason = f"{prefix}; short of {kind_label(head)}: {n} volunteer{'s' if n != 1 else ''} with the skill and time left"
    if rest:
        reason += " (also open: " + ", ".join(f"{kind_label(k)}, {left[k]}" for k in rest) + ")"
    return reason
