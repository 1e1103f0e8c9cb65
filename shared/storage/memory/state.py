"""The in-memory store's state: every aggregate's records, under one lock."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shared.models import Campaign, DistrictScore, Invitation, PendingChange, Project, Slot, Volunteer
from shared.storage.threads import Thread


def updated(record: Any, **changes: Any) -> Any:
    """A validated copy of a pydantic record with `changes` (unknown names ignored, as stored
    attributes the model does not declare)."""
    return type(record).model_validate(record.model_dump() | changes)


@dataclass
class MemoryState:
    lock: threading.RLock = field(default_factory=threading.RLock)
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    fingerprints: dict[str, tuple[str, int]] = field(default_factory=dict)  # -> (campaign id, ttl)
    projects: dict[str, Project] = field(default_factory=dict)
    slots: dict[str, dict[int, Slot]] = field(default_factory=dict)
    released: set[tuple[str, int]] = field(default_factory=set)  # seats of closed projects
    invitations: dict[str, Invitation] = field(default_factory=dict)
    volunteers: dict[str, Volunteer] = field(default_factory=dict)
    wave_state: dict[str, dict[str, Any]] = field(default_factory=dict)  # recent_invites, invite_seq...
    emails: dict[str, str] = field(default_factory=dict)  # email hash -> volunteer id
    phones: dict[str, str] = field(default_factory=dict)  # phone hash -> volunteer id
    pool_tokens: dict[str, str] = field(default_factory=dict)
    pending: dict[str, PendingChange] = field(default_factory=dict)  # email hash -> awaiting its owner
    pause_ends: set[tuple[date, str]] = field(default_factory=set)  # (day a pause ends, volunteer id)
    replies: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (invitation, received)
    threads: dict[str, Thread] = field(default_factory=dict)
    lifecycle: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (pid, sk) -> item
    latest_scores: dict[tuple[str, str, str], DistrictScore] = field(default_factory=dict)
    runs: dict[str, list[DistrictScore]] = field(default_factory=dict)
    run_summaries: list[dict[str, Any]] = field(default_factory=list)
