"""Lifecycle items and reply threads in memory (the Protocols: shared/storage/lifecycle.py,
threads.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from shared.models import Invitation, Project, Slot
from shared.storage import keys
from shared.storage.errors import Conflict
from shared.storage.invitations import InviteOutcome
from shared.storage.lifecycle import (
    ProjectItems,
    ServedSeat,
    checkin_answers,
    checkin_item,
    result_item,
    served_item,
)
from shared.storage.memory.campaigns import MemoryCampaigns
from shared.storage.memory.invitations import MemoryWaves
from shared.storage.memory.state import MemoryState, updated
from shared.storage.threads import Purpose, Thread, thread_id


class MemoryLifecycle:
    """Check-ins, served records and results as the items DynamoDB holds (dicts with pk/sk)."""

    def __init__(self, state: MemoryState, campaigns: MemoryCampaigns, waves: MemoryWaves) -> None:
        self.s, self.campaigns, self.waves = state, campaigns, waves

    def _seats_hold(self, project_id: str, seats: list[ServedSeat]) -> bool:
        """Each seat still theirs and not released, their count above 0, no served record yet."""
        for seat in seats:
            vid = seat.slot.volunteer_id or ""
            slot = self.s.slots.get(project_id, {}).get(seat.slot.index)
            volunteer = self.s.volunteers.get(vid)
            if (
                slot is None
                or slot.volunteer_id != vid
                or (project_id, seat.slot.index) in self.s.released
                or volunteer is None
                or volunteer.active_projects <= 0
                or (project_id, keys.served(project_id, vid)["sk"]) in self.s.lifecycle
            ):
                return False
        return True

    def _release(self, project_id: str, seat: ServedSeat, now: datetime, closing: bool) -> None:
        vid = seat.slot.volunteer_id or ""
        slot = self.s.slots[project_id][seat.slot.index]
        if closing:  # closing keeps the team on record; leaving empties the seat for matching
            self.s.released.add((project_id, seat.slot.index))
        else:
            self.s.slots[project_id][seat.slot.index] = updated(slot, volunteer_id=None, filled_at=None)
        volunteer = self.s.volunteers[vid]
        self.s.volunteers[vid] = updated(volunteer, active_projects=volunteer.active_projects - 1)
        served = served_item(project_id, seat, now, closing)
        self.s.lifecycle[(project_id, served["sk"])] = served

    def close(self, project: Project, seats: list[ServedSeat], to_status: str, from_statuses: Iterable[str],
              now: datetime, reason: str = "") -> bool:  # fmt: skip
        seats = [seat for seat in seats if seat.slot.volunteer_id]
        with self.s.lock:
            current = self.s.projects.get(project.project_id)
            if current is None or current.status not in list(from_statuses):
                return False
            if not self._seats_hold(project.project_id, seats):
                raise Conflict("a seat changed while releasing")
            self.s.projects[project.project_id] = updated(
                current, status=to_status, status_reason=reason, version=current.version + 1, closed_at=now
            )
            for seat in seats:
                self._release(project.project_id, seat, now, closing=True)
            return True

    def leave(self, project: Project, seat: ServedSeat, to_status: str, from_statuses: Iterable[str],
              now: datetime, reason: str) -> bool:  # fmt: skip
        with self.s.lock:
            current = self.s.projects.get(project.project_id)
            if current is None or current.status not in list(from_statuses):
                return False
            if not self._seats_hold(project.project_id, [seat]):
                return False  # the seat is no longer theirs: this leave was already applied
            self.s.projects[project.project_id] = updated(
                current,
                status=to_status,
                status_reason=reason,
                version=current.version + 1,
                waves=0,
                filled=current.filled - 1,
            )
            self._release(project.project_id, seat, now, closing=False)
            return True

    def kickoff(self, project: Project, kickoff_at: datetime, ends_at: datetime, now: datetime) -> bool:
        return self.campaigns.transition_project(
            project, "active", from_statuses=["staffed"], now=now, kickoff_at=kickoff_at, ends_at=ends_at
        )

    def create_follow_on(self, project: Project, slots: list[Slot]) -> bool:
        with self.s.lock:
            campaign = self.s.campaigns.get(project.campaign_id)
            if project.project_id in self.s.projects or campaign is None:
                return False
            self.s.projects[project.project_id] = project
            self.s.slots[project.project_id] = {s.index: s for s in slots}
            self.s.campaigns[campaign.campaign_id] = updated(
                campaign, project_ids=[*campaign.project_ids, project.project_id]
            )
            return True

    def invite_back(self, invitation: Invitation, max_pending: int, max_recent: int) -> bool:
        state = self.waves.volunteer_states([invitation.volunteer_id]).get(invitation.volunteer_id, {})
        outcome = self.waves.create_invitation(invitation, state, max_pending=max_pending, max_recent=max_recent)
        return outcome is InviteOutcome.CREATED

    def ask_checkin(self, project_id: str, week: int, lead_id: str, now: datetime) -> bool:
        key = keys.checkin(project_id, week)
        with self.s.lock:
            if (project_id, key["sk"]) in self.s.lifecycle:
                return False
            self.s.lifecycle[(project_id, key["sk"])] = checkin_item(project_id, week, lead_id, now)
            return True

    def answer_checkin(self, project_id: str, week: int, answers: dict[str, str], now: datetime) -> bool:
        with self.s.lock:
            found = self.s.lifecycle.get((project_id, keys.checkin(project_id, week)["sk"]))
            if found is None:
                return False
            found |= {"answered_at": now.isoformat()} | checkin_answers(answers)
            return True

    def put_result(self, project_id: str, kind: str, body: dict[str, Any], now: datetime) -> None:
        self.s.lifecycle[(project_id, keys.result(project_id, kind)["sk"])] = result_item(project_id, kind, body, now)

    def project_items(self, project_id: str) -> ProjectItems:
        rows = [r for (pid, _), r in sorted(self.s.lifecycle.items()) if pid == project_id]
        return ProjectItems(
            checkins=sorted((r for r in rows if r["sk"].startswith("CHECKIN#")), key=lambda r: r["week"]),
            served=[r for r in rows if r["sk"].startswith("SERVED#")],
            results={r["kind"]: r for r in rows if r["sk"].startswith("RESULT#")},
        )


class MemoryThreads:
    def __init__(self, state: MemoryState) -> None:
        self.s = state

    def open(self, project_id: str, person: str, purpose: Purpose, week: int = 0) -> Thread:
        thread = Thread(thread_id(project_id, person, purpose, week), project_id, person, purpose, week)
        self.s.threads[thread.thread_id] = thread
        return thread

    def get_thread(self, tid: str) -> Thread | None:
        return self.s.threads.get(tid)
