"""Volunteers and pools in memory (the Protocol: shared/storage/volunteers.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import uuid4

from shared.models import PendingChange, Volunteer, email_hash
from shared.storage import directory
from shared.storage.codec import from_dynamo
from shared.storage.errors import Conflict, TransactionConflict
from shared.storage.memory.state import MemoryState, updated
from shared.storage.pages import KeyRange
from shared.storage.volunteers import (
    ACTIVITY_FIELDS,
    LEADS_POOL,
    POOL_FIELDS,
    PROFILE_FIELDS,
    pools_of,
)


class MemoryVolunteers:
    def __init__(self, state: MemoryState) -> None:
        self.s = state

    def volunteer_id_for_email(self, email_key: str) -> str | None:
        return self.s.emails.get(email_key)

    def volunteer_ids_for_emails(self, email_keys: Iterable[str]) -> dict[str, str]:
        return {k: self.s.emails[k] for k in email_keys if k in self.s.emails}

    def volunteer_id_for_phone(self, phone: str) -> str | None:
        return self.s.phones.get(email_hash(phone))

    def get_volunteer(self, volunteer_id: str) -> Volunteer | None:
        return self.s.volunteers.get(volunteer_id)

    def get_volunteers(self, volunteer_ids: Iterable[str]) -> dict[str, Volunteer]:
        return {v: self.s.volunteers[v] for v in volunteer_ids if v in self.s.volunteers}

    def _put(self, volunteer: Volunteer) -> None:
        self.s.volunteers[volunteer.volunteer_id] = volunteer
        self.s.emails[volunteer.email_key] = volunteer.volunteer_id
        if volunteer.phone:  # never taken from its holder (the adapter's _phone_free)
            self.s.phones.setdefault(email_hash(volunteer.phone), volunteer.volunteer_id)

    def create_volunteer(self, volunteer: Volunteer, consume: PendingChange | None = None) -> None:
        with self.s.lock:
            if volunteer.email_key in self.s.emails or volunteer.volunteer_id in self.s.volunteers:
                raise Conflict("volunteer already exists")
            if consume is not None and not self._consumable(consume):
                raise Conflict("volunteer already exists")
            self._put(volunteer)
            if consume is not None:
                self.s.pending.pop(consume.email_key)
        self.mark_pools_changed(pools_of(volunteer))

    def import_new_volunteers(self, volunteers: list[Volunteer]) -> None:
        with self.s.lock:
            for v in volunteers:
                self._put(v)
        self.mark_pools_changed({p for v in volunteers for p in pools_of(v)})

    def _consumable(self, pending: PendingChange) -> bool:
        stored = self.s.pending.get(pending.email_key)
        return stored is not None and stored.nonce == pending.nonce

    def update_volunteer_profile(
        self,
        old: Volunteer,
        new: Volunteer,
        fields: Iterable[str] | None = None,
        consume: PendingChange | None = None,
    ) -> None:
        chosen = PROFILE_FIELDS if fields is None else tuple(set(fields) & set(PROFILE_FIELDS))
        with self.s.lock:
            current = self.s.volunteers.get(old.volunteer_id)
            if current is None or current.version != old.version:
                raise Conflict("volunteer changed while updating; retry")
            if consume is not None:
                if not self._consumable(consume):
                    raise Conflict("volunteer changed while updating; retry")
                self.s.pending.pop(consume.email_key)
            changes = {f: getattr(new, f) for f in (*chosen, "updated_at")}
            fresh = updated(current, **changes, version=current.version + 1)
            held = current.phone and self.s.phones.get(email_hash(current.phone)) == current.volunteer_id
            if current.phone and current.phone != fresh.phone and held:
                del self.s.phones[email_hash(current.phone)]
            self._put(fresh)
        self.mark_pools_changed({*pools_of(old), *pools_of(new)})

    def set_lead_trained(self, volunteer: Volunteer, trained: bool, now: datetime) -> None:
        with self.s.lock:
            current = self.s.volunteers.get(volunteer.volunteer_id)
            if current is None:
                raise TransactionConflict(["ConditionalCheckFailed"])
            self.s.volunteers[volunteer.volunteer_id] = updated(current, lead_trained=trained, updated_at=now)
        self.mark_pools_changed({*pools_of(volunteer), LEADS_POOL})

    def set_pause(self, volunteer: Volunteer, until: date | None, now: datetime) -> Volunteer:
        with self.s.lock:
            current = self.s.volunteers.get(volunteer.volunteer_id)
            if current is None or current.version != volunteer.version:
                raise Conflict("volunteer changed while pausing; retry")
            fresh = updated(current, paused_until=until, updated_at=now, version=current.version + 1)
            self.s.volunteers[volunteer.volunteer_id] = fresh
            if current.paused_until is not None:
                self.s.pause_ends.discard((current.paused_until, volunteer.volunteer_id))
            if until is not None:
                self.s.pause_ends.add((until, volunteer.volunteer_id))
        return fresh

    def pauses_ending(self, day: date) -> list[str]:
        return sorted(vid for d, vid in self.s.pause_ends if d == day)

    def clear_pause_end(self, day: date, volunteer_id: str) -> None:
        with self.s.lock:
            self.s.pause_ends.discard((day, volunteer_id))

    def pool(self, skill: str) -> list[dict[str, Any]]:
        members = [v for v in self.s.volunteers.values() if skill in pools_of(v)]
        return [
            {k: val for k, val in v.model_dump(mode="json").items() if k in POOL_FIELDS and val is not None}
            for v in sorted(members, key=lambda v: v.volunteer_id)
        ]

    def pool_token(self, skill: str) -> str | None:
        return self.s.pool_tokens.get(skill)

    def mark_pools_changed(self, skills: Iterable[str]) -> None:
        token = uuid4().hex
        self.s.pool_tokens |= {skill: token for skill in skills}

    def volunteer_activity(self, volunteer_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for vid in dict.fromkeys(volunteer_ids):
            if vid in self.s.volunteers:
                row = self.s.volunteers[vid].model_dump() | self.s.wave_state.get(vid, {})
                out[vid] = {f: row[f] for f in ACTIVITY_FIELDS if f in row}
        return out

    def _rows(self, pk: str) -> list[dict[str, Any]]:
        """Every row of a directory facet or pool, derived from the volunteers as the adapter's
        writes derive them (directory.entries; pool rows keyed `VOLUNTEER#<vid>`)."""
        if pk.startswith("SKILL#"):
            skill = pk.removeprefix("SKILL#")
            return [row | {"pk": pk, "sk": f"VOLUNTEER#{row['volunteer_id']}"} for row in self.pool(skill)]
        with self.s.lock:
            people = list(self.s.volunteers.values())
        return [from_dynamo(e) for v in people for e in directory.entries(v) if e["pk"] == pk]

    def directory_page(self, pk: str, page: KeyRange) -> list[dict[str, Any]]:
        rows = sorted((r for r in self._rows(pk) if page.admits(r["sk"])), key=lambda r: r["sk"])
        if page.descending:
            rows.reverse()
        return rows[: page.limit]

    def backfill_directory(self, volunteers: Iterable[Volunteer]) -> int:
        return 0  # the memory directory is derived from the volunteers at every read: never behind

    def erase(self, volunteer: Volunteer) -> int:
        with self.s.lock:
            self.s.volunteers.pop(volunteer.volunteer_id, None)
            self.s.wave_state.pop(volunteer.volunteer_id, None)
            self.s.emails.pop(volunteer.email_key, None)
            if volunteer.phone and self.s.phones.get(email_hash(volunteer.phone)) == volunteer.volunteer_id:
                del self.s.phones[email_hash(volunteer.phone)]
        self.mark_pools_changed([*volunteer.skills, LEADS_POOL])
        # pools, lead pool, email, profile, phone, directory entries
        return len(volunteer.skills) + 3 + bool(volunteer.phone) + len(directory.entry_keys(volunteer))
