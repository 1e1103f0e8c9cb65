"""A project's life after staffing, as plain rules: states, transitions, the phase, check-ins.

    staffed --kickoff--> active --complete--> done
    any open state --cancel--> cancelled
    a member leaves: the seat reopens (-> matching); refilled -> back to active (or staffed)
    the lead leaves, two missed check-ins, or a "blocked" answer -> needs_attention

The phase end is fixed at kickoff: kickoff + the scoped weeks, never more than MAX_WEEKS. Nothing
here reads a clock or touches AWS; the caller passes `now`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Literal

from shared import lifecycle as shared_lifecycle

MAX_WEEKS = 8
MISSES_FOR_ATTENTION = 2
CHECKIN_GRACE = timedelta(days=3)  # an unanswered check-in counts as missed this long after it was asked

Action = Literal["kickoff", "complete", "cancel"]
TERMINAL = ("done", "cancelled", "declined")
# Where each action may start from, and where it leads.
# (shared/lifecycle.py holds the table, which the console checks before asking.)
TRANSITIONS: dict[Action, tuple[tuple[str, ...], str]] = {
    action: (shared_lifecycle.SOURCES[action], shared_lifecycle.TARGETS[action])
    for action in ("kickoff", "complete", "cancel")
}


class TransitionError(ValueError):
    """A lifecycle step that does not apply to the project as it stands; names the field and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


KICKED_OFF_OPEN = shared_lifecycle.KICKED_OFF_OPEN


def transition(status: str, action: Action, kicked_off: bool = False) -> tuple[tuple[str, ...], str]:
    """(the statuses the guarded write must still find, the new status) or TransitionError."""
    if action not in TRANSITIONS:
        raise TransitionError("action", f"unknown action {action!r}")
    sources, target = TRANSITIONS[action]
    if action == "complete" and kicked_off:
        sources = KICKED_OFF_OPEN
    if status not in sources:
        raise TransitionError("status", f"cannot {action} a project that is {status} (needs {' or '.join(sources)})")
    return sources, target


@dataclass(frozen=True)
class Phase:
    kickoff_at: datetime
    ends_at: datetime
    weeks: int


def plan_phase(scoped_weeks: int, kickoff_at: datetime) -> Phase:
    """The phase is fixed once: kickoff + weeks, capped at MAX_WEEKS (volunteers were promised that)."""
    if scoped_weeks < 1:
        raise TransitionError("weeks", "a phase lasts at least one week")
    if kickoff_at.tzinfo is None:
        raise TransitionError("kickoff_at", "needs a time zone")
    weeks = min(scoped_weeks, MAX_WEEKS)
    return Phase(kickoff_at, kickoff_at + timedelta(weeks=weeks), weeks)


def after_refill(kickoff_at: datetime | None) -> str:
    """The status a project returns to when matching fills a reopened seat."""
    return "active" if kickoff_at is not None else "staffed"


@dataclass(frozen=True)
class Seat:
    index: int
    role: Literal["lead", "member"]
    volunteer_id: str | None


@dataclass(frozen=True)
class Leave:
    slot_index: int
    role: str
    to_status: str
    reason: str


LEAVABLE = shared_lifecycle.LEAVABLE


def leave(status: str, seats: Sequence[Seat], volunteer_id: str) -> Leave:
    """A volunteer leaves: their seat reopens. A member's seat goes back to matching (the next wave
    refills it with the usual rules); without its lead the project needs staff."""
    if status not in LEAVABLE:
        raise TransitionError("status", f"nobody can leave a project that is {status}")
    seat = next((s for s in seats if s.volunteer_id == volunteer_id), None)
    if seat is None:
        raise TransitionError("volunteer_id", "not on this project's team")
    if seat.role == "lead":
        return Leave(seat.index, "lead", "needs_attention", "the team lead left")
    if status == "needs_attention":  # staff are already on it; a reopened seat does not undo that
        return Leave(seat.index, "member", "needs_attention", "a member left while staff were acting")
    return Leave(seat.index, "member", "matching", "a member left: seat reopened")


def resume(status: str, kickoff_at: datetime | None, has_open_seat: bool) -> str:
    """Where staff send a project that needed attention: matching while a seat is empty (a new
    lead or member is found the usual way), else back to active (or staffed before kickoff)."""
    if status != "needs_attention":
        raise TransitionError("status", f"only a project that needs attention can resume, not one that is {status}")
    return "matching" if has_open_seat else after_refill(kickoff_at)


def follow_on_weeks(status: str, weeks: int) -> int:
    """A follow-on phase is a new project after a done one, again at most MAX_WEEKS."""
    if status != "done":
        raise TransitionError("status", f"a follow-on phase follows a done project, not one that is {status}")
    return min(weeks, MAX_WEEKS)


# --- weekly check-ins --------------------------------------------------------------------------


def checkin_weeks_due(phase: Phase, now: datetime) -> list[int]:
    """Week numbers whose check-in is due by `now`: one at the end of each week of the phase,
    except the last (the phase-end report replaces it)."""
    due = []
    for week in range(1, phase.weeks):
        if phase.kickoff_at + timedelta(weeks=week) <= now:
            due.append(week)
    return due


@dataclass(frozen=True)
class Checkin:
    week: int
    asked_at: datetime
    answered_at: datetime | None = None
    blocked: str = ""


_NOT_BLOCKED = re.compile(r"^(no(ne|thing|pe)?|n/?a|-+|nothing (yet|so far)|not (really|blocked)|all good)\.?$", re.I)


def is_blocked(answer: str) -> bool:
    text = answer.strip()
    return bool(text) and not _NOT_BLOCKED.match(text)


def checkin_attention(checkins: Sequence[Checkin], now: datetime, since: datetime | None = None) -> str | None:
    """Why the project needs staff from its check-ins, or None: a "blocked" answer in the latest
    answered check-in, or the last MISSES_FOR_ATTENTION check-ins all missed. Only check-ins asked
    after `since` (when staff last resolved an attention) count: what they resolved stays resolved."""
    ordered = sorted((c for c in checkins if since is None or c.asked_at > since), key=lambda c: c.week)
    answered = [c for c in ordered if c.answered_at is not None]
    if answered and is_blocked(answered[-1].blocked):
        return f"the lead reported a blocker in week {answered[-1].week}"
    missed = 0
    for c in reversed(ordered):
        if c.answered_at is None and now - c.asked_at >= CHECKIN_GRACE:
            missed += 1
        elif c.answered_at is not None:
            break
        else:
            continue  # asked recently: not missed yet, does not end the streak either
        if missed >= MISSES_FOR_ATTENTION:
            return f"{missed} check-ins in a row unanswered"
    return None


_FIELD = re.compile(r"^\s*[*_-]*\s*(done|next|blocked|blockers?)\s*[*_]*\s*[:\-]\s*(.*)$", re.I)


def parse_checkin(text: str) -> dict[str, str]:
    """The lead's reply as {done, next, blocked}: lines starting `Done:`, `Next:`, `Blocked:`
    (continuation lines join the field above). Text before any label counts as `done`."""
    fields = {"done": [], "next": [], "blocked": []}  # type: dict[str, list[str]]
    current = "done"
    for line in text.splitlines():
        if line.startswith(">"):  # the quoted question
            continue
        match = _FIELD.match(line)
        if match:
            label = match.group(1).lower()
            current = "blocked" if label.startswith("block") else label
            line = match.group(2)
        if line.strip():
            fields[current].append(line.strip())
    return {k: " ".join(v) for k, v in fields.items()}


# --- phase end and program figures -------------------------------------------------------------


def weeks_served(joined_at: datetime, left_at: datetime, phase: Phase | None) -> float:
    """Weeks a volunteer actually served: from the later of joining and kickoff to the earlier of
    leaving and the phase end; nothing before kickoff (or without one)."""
    if phase is None:
        return 0.0
    start = max(joined_at, phase.kickoff_at)
    end = min(left_at, phase.ends_at)
    return max(0.0, round((end - start) / timedelta(weeks=1), 2))


def parse_rating(text: str) -> tuple[int, str]:
    """A 1-5 rating and the sentence after it ("5 - they rebuilt our site")."""
    match = re.search(r"(?<![\d.])([1-5])(?:\s*/\s*5)?(?![\d.])", text)
    if match is None:
        raise TransitionError("rating", "no number from 1 to 5 found in the reply")
    comment = (text[: match.start()] + text[match.end() :]).strip(" -:.,\n\t")
    return int(match.group(1)), comment[:500]


@dataclass(frozen=True)
class Served:
    """One volunteer's service on one project (written when they leave or the project closes)."""

    project_id: str
    volunteer_id: str
    hours_per_week: int
    weeks: float


@dataclass(frozen=True)
class Outcome:
    project_id: str
    campaign_id: str
    category: str
    status: str
    rating: int | None = None


def season_figures(outcomes: Sequence[Outcome], served: Sequence[Served]) -> dict[str, object]:
    """Program figures for staff and funders."""
    done = [o for o in outcomes if o.status == "done"]
    per_category: dict[str, int] = {}
    for o in done:
        per_category[o.category] = per_category.get(o.category, 0) + 1
    projects_per_volunteer: dict[str, set[str]] = {}
    for s in served:
        if s.weeks > 0:
            projects_per_volunteer.setdefault(s.volunteer_id, set()).add(s.project_id)
    ratings = [o.rating for o in done if o.rating is not None]
    return {
        "projects_completed": len(done),
        "projects_cancelled": sum(o.status == "cancelled" for o in outcomes),
        "completed_per_category": dict(sorted(per_category.items())),
        "volunteer_hours": round(sum(s.hours_per_week * s.weeks for s in served), 1),
        "campaigns_helped": len({o.campaign_id for o in done}),
        "volunteers": len(projects_per_volunteer),
        "repeat_volunteers": sum(len(p) > 1 for p in projects_per_volunteer.values()),
        "ratings": len(ratings),
        "median_rating": median(ratings) if ratings else None,
    }
