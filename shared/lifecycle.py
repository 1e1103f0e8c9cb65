"""Which lifecycle action a project's status allows: one table for the console (which offers only
what applies and refuses the rest up front, saying why) and matching (which applies the action
under a guarded write: services/matching/domain/lifecycle.py reads this table)."""

from __future__ import annotations

OPEN_STATUSES = ("pending_review", "matching", "staffed", "active", "needs_attention")
# A kicked-off project whose seat reopened (matching) or that waits for staff still ends on time.
KICKED_OFF_OPEN = ("active", "matching", "needs_attention")
LEAVABLE = ("matching", "staffed", "active", "needs_attention")

# action -> the statuses it may start from
SOURCES: dict[str, tuple[str, ...]] = {
    "kickoff": ("staffed",),
    "complete": ("active",),
    "cancel": OPEN_STATUSES,
    "resume": ("needs_attention",),
    "follow_on": ("done",),
    "leave": LEAVABLE,
}
TARGETS = {"kickoff": "active", "complete": "done", "cancel": "cancelled"}


def sources(action: str, kicked_off: bool = False) -> tuple[str, ...]:
    """The statuses `action` may start from (complete: any open status once kicked off).
    KeyError for an unknown action."""
    if action == "complete" and kicked_off:
        return KICKED_OFF_OPEN
    return SOURCES[action]


def refusal(action: str, status: str, kicked_off: bool = False) -> str | None:
    """None when `action` applies to a project in `status`, else why not, in words."""
    allowed = sources(action, kicked_off)
    if status in allowed:
        return None
    needs = " or ".join(s.replace("_", " ") for s in allowed)
    return f"cannot {action.replace('_', '-')} a project that is {status.replace('_', ' ')} (only one that is {needs})"


def available(status: str, kicked_off: bool) -> list[str]:
    """The actions that apply now, in the order the console offers them."""
    return [a for a in SOURCES if refusal(a, status, kicked_off) is None]
