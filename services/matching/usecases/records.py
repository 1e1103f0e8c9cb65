"""The tick's project partitions, read again only when they changed.

Every tick runs a wave across every project still matching, and a wave needs each project's
partition (slots, team, invitations). Reading every partition every tick was the largest cost per
staffed project (one Query per matching project per tick, for projects that mostly just wait on
invitations already out). A warm container keeps the partitions it read; each tick checks them
against two reads it makes anyway, both covering every project at once:

- the matching projects' items (gsi3 by status): a project item changes whenever its seats can
  change (an accept adds to `filled`, leaving takes from it, a wave counts a round, every status
  change bumps `version`), so an equal item means equal slots;
- every pending invitation (gsi3 by expiry, the same Query the expiry and the reminders use): an
  invitation that left `pending` (answered, expired, withdrawn) or one written by someone else
  (a staff invitation, an invite-back) changes the project's pending set.

A partition is read again (strongly consistent) when either differs from what the container
holds, or when the container holds nothing (a cold start reads everything, as before). Pending
invitations are taken from the index's fresher copy (`published`, `reminded`). Both indexes are
eventually consistent: a lagging index makes a record look changed (one extra read) or makes an
answered invitation look pending for a tick (the wave asks one fewer for a tick); it never
weakens a guard, since every invitation is still written by the guarded transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from shared import caches
from shared.models import Invitation, Project
from shared.storage import Store
from shared.storage.campaigns import ProjectRecord


def _pending_ids(record: ProjectRecord) -> frozenset[str]:
    return frozenset(i.invitation_id for i in record.invitations if i.status == "pending")


class RecordCache:
    """Project partitions by project id, for one store (a different store clears it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._records: dict[str, ProjectRecord] = {}
        self.reads = 0  # partitions read (Queries), for the tick's figures
        self.reused = 0

    def records(self, store: Store, projects: Iterable[Project], pending: Iterable[Invitation]) -> list[ProjectRecord]:
        """The partitions of `projects` (the matching projects as gsi3 listed them), given every
        pending invitation (`pending`, as gsi3 listed them). Reads (one Query each) only those
        not held or changed; forgets projects no longer listed. Projects whose partition is gone
        are left out."""
        by_project: dict[str, dict[str, Invitation]] = {}
        for invitation in pending:
            by_project.setdefault(invitation.project_id, {})[invitation.invitation_id] = invitation
        with self._lock:
            if self._store is not store:
                self._store, self._records = store, {}
            held = dict(self._records)
        out: list[ProjectRecord] = []
        fresh: dict[str, ProjectRecord] = {}
        for project in projects:
            now_pending = by_project.get(project.project_id, {})
            cached = held.get(project.project_id)
            if cached is not None and cached.project == project and _pending_ids(cached) == set(now_pending):
                invitations = [now_pending.get(i.invitation_id, i) for i in cached.invitations]
                record = ProjectRecord(project=cached.project, slots=cached.slots, invitations=invitations)
                self.reused += 1
            else:
                found = store.campaigns.get_project(project.project_id)
                self.reads += 1
                if found is None:
                    continue
                record = found
            fresh[project.project_id] = record
            out.append(record)
        with self._lock:
            if self._store is store:
                self._records = fresh
        return out

    def written(self, store: Store, invitations: Iterable[Invitation], counted: Iterable[str] = ()) -> None:
        """Invitations this container created (and published) since the read: add them to their
        project's record, so the next tick finds its pending set unchanged; `counted`: projects
        whose round the wave counted (their item's `waves` went up by one, as in the store)."""
        with self._lock:
            if self._store is not store:
                return
            for project_id in counted:
                record = self._records.get(project_id)
                if record is not None:
                    project = record.project.model_copy(update={"waves": record.project.waves + 1})
                    self._records[project_id] = ProjectRecord(project, record.slots, record.invitations)
            for invitation in invitations:
                record = self._records.get(invitation.project_id)
                if record is None:
                    continue
                kept = [i for i in record.invitations if i.invitation_id != invitation.invitation_id]
                self._records[invitation.project_id] = ProjectRecord(
                    project=record.project, slots=record.slots, invitations=[*kept, invitation]
                )

    def forget(self, project_id: str) -> None:
        with self._lock:
            self._records.pop(project_id, None)

    def clear(self) -> None:
        with self._lock:
            self._store, self._records = None, {}


RECORDS = RecordCache()
caches.register(RECORDS.clear)
