"""The explained soft score: who should be invited first, and why.

Every component is in [0, 1] and has a plain-language reason. The match of a volunteer to a seat
is a weighted sum of skill fit, affinity to the campaign, past responsiveness and fairness; the
wave maximises match x project priority, so when people are scarce the most important races (the
scoring service's district target score, days to the election, time already waiting) are served
first. Invitations store the components so staff and the invitation email can say why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from services.matching.domain.eligibility import Edges
from services.matching.domain.pool import LEAD, NOT_LISTED, SKILLS, STATE_CODES, Projects, Volunteers
from shared.catalog import catalog
from shared.geo import RESIDENCE_STATES

WEIGHTS: dict[str, float] = {"skill": 0.45, "affinity": 0.25, "responsiveness": 0.15, "fairness": 0.15}
NEUTRAL_TARGET = 0.5  # a district the scoring service has not scored yet


@dataclass(frozen=True)
class Priority:
    value: float  # in [0.5, 1]
    components: dict[str, float]


def project_priority(
    target_score: float | None, election_date: date, waiting_since: datetime, now: datetime
) -> Priority:
    """Higher for winnable, pivotal districts, close elections, and projects kept waiting."""
    target = NEUTRAL_TARGET if target_score is None else min(max(float(target_score), 0.0), 1.0)
    days = (election_date - now.date()).days
    urgency = min(max(1.0 - days / 365.0, 0.0), 1.0)
    waiting = min(max((now - waiting_since).total_seconds() / (7 * 86400), 0.0), 1.0)
    value = 0.5 + 0.3 * target + 0.1 * urgency + 0.1 * waiting
    return Priority(
        round(value, 4), {"district": round(target, 4), "urgency": round(urgency, 4), "waiting": round(waiting, 4)}
    )


def components(vols: Volunteers, projects: Projects, edges: Edges) -> dict[str, np.ndarray]:
    """Each score component for every edge (float32 arrays parallel to the edges). Whatever
    depends on one side only is computed per volunteer or per demand first, then gathered."""
    v, d = edges.volunteer, edges.demand
    dp = projects.demand_project
    kind = projects.demand_skill.astype(np.int64)
    n_skills = vols.skill_pos.shape[1]
    # Skill fit: a member seat's skill as their primary skill is best; listed later, a bit less.
    pos_table = np.ones(NOT_LISTED + 1, np.float32) * 0.5
    pos_table[0] = 1.0
    pos_table[1:4] = (0.85, 0.75, 0.65)
    flat_pos = vols.skill_pos.reshape(-1)
    member = pos_table[flat_pos[v.astype(np.int64) * n_skills + np.maximum(kind[d], 0)]]
    is_lead = (kind == LEAD)[d]
    if is_lead.any():
        overlap = (vols.skill_mask[v] & projects.skill_mask[dp[d]]) != 0
        member = np.where(is_lead, np.where(overlap, np.float32(1.0), np.float32(0.7)), member)
    state = projects.state[dp][d]
    affinity = np.float32(0.6) * (vols.home_state[v] == state) + np.float32(0.4) * (vols.current_state[v] == state)
    responsiveness = ((vols.responded_total + 1.0) / (vols.invited_total + 2.0)).astype(np.float32)
    fairness = (1.0 / (1.0 + vols.recent)).astype(np.float32)
    return {
        "skill": member.astype(np.float32, copy=False),
        "affinity": affinity.astype(np.float32, copy=False),
        "responsiveness": responsiveness[v],
        "fairness": fairness[v],
        "priority": projects.priority.astype(np.float32)[dp][d],
    }


def match(parts: dict[str, np.ndarray]) -> np.ndarray:
    total = np.zeros(len(parts["skill"]), np.float32)
    for name, w in WEIGHTS.items():
        total += np.float32(w) * parts[name]
    return total


def weights(parts: dict[str, np.ndarray]) -> np.ndarray:
    """What the wave maximises, per edge: match x project priority."""
    return (match(parts) * parts["priority"]).astype(np.float64)


def _label(skill: str) -> str:
    return catalog().skill_label(skill).split(" (")[0].lower()


def reasons(vols: Volunteers, projects: Projects, volunteer: int, demand: int, parts: dict[str, float]) -> list[str]:
    """Plain-language phrases for one invitation, strongest first."""
    said: list[str] = []
    p = int(projects.demand_project[demand])
    kind = int(projects.demand_skill[demand])
    state_code = next((s for s, i in STATE_CODES.items() if i == projects.state[p]), "")
    state = RESIDENCE_STATES.get(state_code, state_code)
    if kind == LEAD:
        said.append("trained team lead")
    else:
        primary = vols.skill_pos[volunteer, kind] == 0
        said.append(f"{_label(SKILLS[kind])}{' (primary skill)' if primary else ''}")
    if vols.home_state[volunteer] == projects.state[p]:
        said.append(f"grew up in {state}")
    if vols.current_state[volunteer] == projects.state[p]:
        said.append(f"lives in {state}")
    recent = int(vols.recent[volunteer])
    if int(vols.invited_total[volunteer]) == 0:
        said.append("new volunteer: first invitation")
    else:
        said.append(f"{recent} invitation{'s' if recent != 1 else ''} in the last 14 days")
    if parts.get("responsiveness", 0) >= 0.75 and int(vols.invited_total[volunteer]) >= 2:
        said.append("answers most invitations")
    if parts.get("priority", 0) >= 0.8:
        said.append("a high-priority race")
    return said
