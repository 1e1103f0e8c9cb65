"""Campaigns and projects in memory (the Protocol: shared/storage/campaigns.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from shared.models import Campaign, Project, Slot
from shared.storage.campaigns import MAX_TRANSACTION_ITEMS, ProjectRecord, campaign_sort_key, project_sort_key
from shared.storage.errors import Conflict, DuplicateRequest, TransactionConflict
from shared.storage.memory.state import MemoryState, updated
from shared.storage.pages import KeyRange


class MemoryCampaigns:
    def __init__(self, state: MemoryState) -> None:
        self.s = state

    def create_campaign(
        self,
        campaign: Campaign,
        projects: list[tuple[Project, list[Slot]]],
        fingerprint: str | None = None,
        fingerprint_ttl: int = 0,
    ) -> None:
        if 2 + bool(fingerprint) + sum(1 + len(slots) for _, slots in projects) > MAX_TRANSACTION_ITEMS:  # + counters
            raise ValueError("a campaign request may create at most 100 items")
        with self.s.lock:
            if fingerprint and fingerprint in self.s.fingerprints:
                first, ttl = self.s.fingerprints[fingerprint]
                if ttl >= int(campaign.created_at.timestamp()):
                    raise DuplicateRequest(first)
            if campaign.campaign_id in self.s.campaigns or any(p.project_id in self.s.projects for p, _ in projects):
                raise TransactionConflict(["ConditionalCheckFailed"])
            if fingerprint:
                self.s.fingerprints[fingerprint] = (campaign.campaign_id, fingerprint_ttl)
            self.s.campaigns[campaign.campaign_id] = campaign
            for project, slots in projects:
                self.s.projects[project.project_id] = project
                self.s.slots[project.project_id] = {s.index: s for s in slots}

    def get_campaign(self, campaign_id: str) -> Campaign | None:
        return self.s.campaigns.get(campaign_id)

    def get_campaigns(self, campaign_ids: Iterable[str]) -> dict[str, Campaign]:
        return {c: self.s.campaigns[c] for c in campaign_ids if c in self.s.campaigns}

    def get_projects(self, project_ids: Iterable[str]) -> list[Project]:
        return [self.s.projects[p] for p in dict.fromkeys(project_ids) if p in self.s.projects]

    def get_project(self, project_id: str) -> ProjectRecord | None:
        with self.s.lock:
            project = self.s.projects.get(project_id)
            if project is None:
                return None
            slots = sorted(self.s.slots.get(project_id, {}).values(), key=lambda s: s.index)
            invited = [i for i in self.s.invitations.values() if i.project_id == project_id]
            return ProjectRecord(project, slots, sorted(invited, key=lambda i: i.invitation_id))

    def projects_with_status(self, status: str) -> list[Project]:
        found = [p for p in self.s.projects.values() if p.status == status]
        return sorted(found, key=lambda p: (p.created_at, p.project_id))

    def all_projects(self, statuses: Iterable[str]) -> list[Project]:
        return [p for status in statuses for p in self.projects_with_status(status)]

    def transition_project(
        self,
        project: Project,
        to_status: str,
        *,
        from_statuses: Iterable[str],
        now: datetime,
        reason: str = "",
        **fields: Any,
    ) -> bool:
        with self.s.lock:
            current = self.s.projects.get(project.project_id)
            if current is None or current.status not in list(from_statuses):
                return False
            self.s.projects[project.project_id] = updated(
                current, status=to_status, status_reason=reason, version=current.version + 1, **fields
            )
            return True

    def backfill_list_keys(self, campaign_ids: Iterable[str]) -> int:
        return 0  # the memory lists are derived from the campaigns at every read: never behind

    def record_wave(self, project_id: str) -> None:
        with self.s.lock:
            current = self.s.projects[project_id]
            self.s.projects[project_id] = updated(current, waves=current.waves + 1)

    def rescope_project(self, old: Project, new: Project, old_slots: list[Slot], new_slots: list[Slot]) -> None:
        with self.s.lock:
            current = self.s.projects.get(old.project_id)
            if current is None or current.status != "pending_review" or current.version != old.version:
                raise Conflict("the project changed or left review; reload and try again")
            self.s.projects[new.project_id] = new.model_copy(update={"version": old.version + 1})
            self.s.slots[new.project_id] = {s.index: s for s in new_slots}

    def campaign_page(self, order: str, page: KeyRange) -> list[tuple[str, Campaign]]:
        with self.s.lock:
            keyed = sorted((campaign_sort_key(c, order), c) for c in self.s.campaigns.values())
        if page.descending:
            keyed.reverse()
        return [(k, c) for k, c in keyed if page.admits(k)][: page.limit]

    def project_page(self, status: str, page: KeyRange) -> list[tuple[str, Project]]:
        keyed = sorted((project_sort_key(p), p) for p in self.projects_with_status(status))
        if page.descending:
            keyed.reverse()
        return [(k, p) for k, p in keyed if page.admits(k)][: page.limit]
