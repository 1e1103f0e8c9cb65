"""Volunteers and their skill pools: the profile, the email/phone owners, pool entries, tokens.

Items (README.md beside this): `VOLUNTEER#<vid>/META` (intake's profile, matching's counters),
`EMAIL#<hash>/EMAIL` and `PHONE#<hash>/PHONE` (who owns an address), `SKILL#<skill>/VOLUNTEER#<vid>`
(a pool entry with a projection of the profile) and `POOLMARK/SKILL#<skill>` (a pool's change
token). A profile write is guarded by the profile's `version`; counters are never rewritten here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Protocol
from uuid import uuid4

from shared.models import VOLUNTEER_PROFILE_FIELDS, PendingChange, Volunteer, email_hash
from shared.storage import directory, keys
from shared.storage.codec import item, to_dynamo
from shared.storage.errors import Conflict, TransactionConflict
from shared.storage.pages import KeyRange
from shared.storage.pending import consume_action
from shared.storage.table import Table, projection

LEADS_POOL = "_lead"  # pseudo-skill: the pool of lead-trained volunteers
POOL_FIELDS = (
    "volunteer_id",
    "skills",
    "hours_per_week",
    "weeks_available",
    "lead_trained",
    "hometown",
    "current_location",
    "created_at",
)
ACTIVITY_FIELDS = ("volunteer_id", "active_projects", "pending_invitations", "invited_total")
# What the owner's own page and confirmations may change besides the profile (issue 15).
SELF_SERVICE_FIELDS = ("paused_until", "sms_confirmed_at")
PROFILE_FIELDS = (*VOLUNTEER_PROFILE_FIELDS, *SELF_SERVICE_FIELDS, "updated_at")


class Volunteers(Protocol):
    """What use cases need of volunteers and pools (DynamoVolunteers; memory.MemoryVolunteers).

    `pool` gives pool entries as stored: dicts with POOL_FIELDS (matching's Candidate.from_pool
    reads them); `volunteer_activity` dicts with ACTIVITY_FIELDS, by volunteer id.
    """

    def volunteer_id_for_email(self, email_key: str) -> str | None: ...
    def volunteer_ids_for_emails(self, email_keys: Iterable[str]) -> dict[str, str]: ...
    def volunteer_id_for_phone(self, phone: str) -> str | None: ...
    def get_volunteer(self, volunteer_id: str) -> Volunteer | None: ...
    def get_volunteers(self, volunteer_ids: Iterable[str]) -> dict[str, Volunteer]: ...
    def create_volunteer(self, volunteer: Volunteer, consume: PendingChange | None = None) -> None: ...
    def import_new_volunteers(self, volunteers: list[Volunteer]) -> None: ...
    def update_volunteer_profile(
        self,
        old: Volunteer,
        new: Volunteer,
        fields: Iterable[str] | None = None,
        consume: PendingChange | None = None,
    ) -> None: ...
    def set_lead_trained(self, volunteer: Volunteer, trained: bool, now: datetime) -> None: ...
    def set_pause(self, volunteer: Volunteer, until: date | None, now: datetime) -> Volunteer: ...
    def pauses_ending(self, day: date) -> list[str]: ...
    def clear_pause_end(self, day: date, volunteer_id: str) -> None: ...
    def pool(self, skill: str) -> list[dict[str, Any]]: ...
    def pool_token(self, skill: str) -> str | None: ...
    def mark_pools_changed(self, skills: Iterable[str]) -> None: ...
    def volunteer_activity(self, volunteer_ids: Iterable[str]) -> dict[str, dict[str, Any]]: ...
    def directory_page(self, pk: str, page: KeyRange) -> list[dict[str, Any]]: ...
    def erase(self, volunteer: Volunteer) -> int: ...
    def backfill_directory(self, volunteers: Iterable[Volunteer]) -> int: ...


def pools_of(volunteer: Volunteer) -> list[str]:
    """The pools a volunteer belongs in: one per skill, plus LEADS_POOL when lead-trained."""
    return [*volunteer.skills, *([LEADS_POOL] if volunteer.lead_trained else [])]


def pool_items(volunteer: Volunteer) -> list[dict[str, Any]]:
    profile = {k: v for k, v in volunteer.model_dump(mode="json").items() if k in POOL_FIELDS}
    return [
        to_dynamo(profile | keys.skill_member(p, volunteer.volunteer_id) | {"type": "PoolEntry"})
        for p in pools_of(volunteer)
    ]


def phone_item(volunteer: Volunteer) -> dict[str, Any]:
    return keys.phone_owner(email_hash(volunteer.phone or "")) | {
        "volunteer_id": volunteer.volunteer_id,
        "type": "PhoneOwner",
    }


def email_owner_item(volunteer: Volunteer) -> dict[str, Any]:
    return keys.email_owner(volunteer.email_key) | {"volunteer_id": volunteer.volunteer_id, "type": "EmailOwner"}


class DynamoVolunteers:
    def __init__(self, table: Table) -> None:
        self.table = table

    def volunteer_id_for_email(self, email_key: str) -> str | None:
        found = self.table.get(keys.email_owner(email_key))
        return found["volunteer_id"] if found else None

    def volunteer_ids_for_emails(self, email_keys: Iterable[str]) -> dict[str, str]:
        """email key -> volunteer id for the addresses that have one (BatchGetItem, 100 a call)."""
        found = self.table.batch_get([keys.email_owner(k) for k in dict.fromkeys(email_keys)])
        return {keys.email_key_of(f["pk"]): f["volunteer_id"] for f in found}

    def volunteer_id_for_phone(self, phone: str) -> str | None:
        found = self.table.get(keys.phone_owner(email_hash(phone)))
        return found["volunteer_id"] if found else None

    def _phone_free(self, phone: str, claimant: str | None, owner: str | None = None) -> bool:
        """Whether `claimant` may own the number (nobody does, or they already do); with `owner`,
        whether someone other than `owner` holds it. A number is never taken from the person who
        holds it (issue 21): someone else's sign-up with it keeps it on their profile but gets no
        texts, and a text from it keeps reaching its holder."""
        holder = self.volunteer_id_for_phone(phone)
        if owner is not None:
            return holder != owner
        return holder is None or holder == claimant

    def get_volunteer(self, volunteer_id: str) -> Volunteer | None:
        found = self.table.get(keys.volunteer(volunteer_id))
        return Volunteer.model_validate(found) if found else None

    def get_volunteers(self, volunteer_ids: Iterable[str]) -> dict[str, Volunteer]:
        found = self.table.batch_get([keys.volunteer(v) for v in dict.fromkeys(volunteer_ids)])
        return {f["volunteer_id"]: Volunteer.model_validate(f) for f in found}

    def mark_pools_changed(self, skills: Iterable[str]) -> None:
        """A new token on each changed pool, written after the pool itself (so whoever reads the
        token first and the pool second never keeps a stale pool past the next token check). Not
        in the volunteer's transaction: concurrent sign-ups would conflict on the token; a crash
        in between leaves a cached pool stale only until the cache's own time limit. One
        BatchWriteItem (25 tokens a call) keeps the sign-up route to a single extra call."""
        token = uuid4().hex
        self.table.batch_write(
            puts=[keys.pool_mark(skill) | {"token": token, "type": "PoolMark"} for skill in sorted(set(skills))]
        )

    def pool_token(self, skill: str) -> str | None:
        """The pool's change token (None until it first changes through the store)."""
        found = self.table.get(keys.pool_mark(skill))
        return found["token"] if found else None

    def create_volunteer(self, volunteer: Volunteer, consume: PendingChange | None = None) -> None:
        """A new volunteer; Conflict when the email is already taken (a concurrent sign-up) or
        `consume`, the confirmed sign-up it comes from, is gone (used, replaced): same transaction."""
        actions: list[dict[str, Any]] = [
            {"Put": {"Item": email_owner_item(volunteer), "ConditionExpression": "attribute_not_exists(pk)"}},
            {
                "Put": {
                    "Item": item(volunteer, keys.volunteer(volunteer.volunteer_id)),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ]
        actions += [{"Put": {"Item": p}} for p in [*pool_items(volunteer), *directory.entries(volunteer)]]
        if volunteer.phone and self._phone_free(volunteer.phone, volunteer.volunteer_id):
            actions.append({"Put": {"Item": phone_item(volunteer)}})
        if consume is not None:
            actions.append(consume_action(consume))
        try:
            self.table.transact(actions)
        except TransactionConflict as exc:
            raise Conflict("volunteer already exists") from exc
        self.mark_pools_changed(pools_of(volunteer))

    def import_new_volunteers(self, volunteers: list[Volunteer]) -> None:
        """Bulk-load volunteers known to be new (seeding an empty stage): batch writes, no
        per-person transaction. Anything that may already exist goes through create/update."""
        puts: list[dict[str, Any]] = []
        for v in volunteers:
            puts += [email_owner_item(v), item(v, keys.volunteer(v.volunteer_id)), *pool_items(v)]
            puts += directory.entries(v)
            if v.phone:
                puts.append(phone_item(v))
        self.table.batch_write(puts=puts)
        self.mark_pools_changed({p for v in volunteers for p in pools_of(v)})

    def update_volunteer_profile(
        self,
        old: Volunteer,
        new: Volunteer,
        fields: Iterable[str] | None = None,
        consume: PendingChange | None = None,
    ) -> None:
        """Rewrite profile fields (counters are never overwritten), guarded by version; with
        `consume`, the owner's confirmed change is deleted in the same transaction (once only).

        `fields`: only these profile fields (plus updated_at) are written, every other stored
        attribute is left as it is (a roster import that changes two fields writes two); None
        writes the whole profile (the sign-up form, which holds every field). Conflict when the
        volunteer changed since `old` was read."""
        body = new.model_dump(mode="json")
        chosen = PROFILE_FIELDS if fields is None else (*sorted(set(fields) & set(PROFILE_FIELDS)),)
        chosen = tuple(dict.fromkeys((*chosen, "updated_at")))
        present = [f for f in chosen if body[f] is not None]
        absent = [f for f in chosen if body[f] is None]  # e.g. a phone taken off
        names = {f"#{f}": f for f in chosen}
        values = {f":{f}": body[f] for f in present} | {":v": old.version, ":one": 1}
        expression = "SET " + ", ".join([f"#{f} = :{f}" for f in present] + ["version = version + :one"])
        if absent:
            expression += " REMOVE " + ", ".join(f"#{f}" for f in absent)
        actions: list[dict[str, Any]] = [
            {
                "Update": {
                    "Key": keys.volunteer(old.volunteer_id),
                    "UpdateExpression": expression,
                    "ConditionExpression": "version = :v",
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": to_dynamo(values),
                }
            }
        ]
        new_pools = pool_items(new)
        kept = {p["pk"] for p in new_pools}
        actions += [{"Put": {"Item": p}} for p in new_pools]
        actions += [
            {"Delete": {"Key": keys.skill_member(s, old.volunteer_id)}}
            for s in [*old.skills, LEADS_POOL]
            if keys.skill_pool(s) not in kept
        ]
        # The directory follows the profile: entries rewritten, the ones it no longer has deleted.
        actions += [{"Put": {"Item": e}} for e in directory.entries(new)]
        actions += [{"Delete": {"Key": k}} for k in directory.stale_keys(old, new)]
        if old.phone and old.phone != new.phone and not self._phone_free(old.phone, None, old.volunteer_id):
            actions.append({"Delete": {"Key": keys.phone_owner(email_hash(old.phone))}})
        if new.phone and new.phone != old.phone and self._phone_free(new.phone, new.volunteer_id):
            actions.append({"Put": {"Item": phone_item(new)}})
        if consume is not None:
            actions.append(consume_action(consume))
        try:
            self.table.transact(actions)
        except TransactionConflict as exc:
            raise Conflict("volunteer changed while updating; retry") from exc
        self.mark_pools_changed({*pools_of(old), *pools_of(new)})

    def set_lead_trained(self, volunteer: Volunteer, trained: bool, now: datetime) -> None:
        updated = volunteer.model_copy(update={"lead_trained": trained, "updated_at": now})
        actions: list[dict[str, Any]] = [
            {
                "Update": {
                    "Key": keys.volunteer(volunteer.volunteer_id),
                    "UpdateExpression": "SET lead_trained = :t, updated_at = :now",
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeValues": {":t": trained, ":now": now.isoformat()},
                }
            }
        ]
        actions += [{"Put": {"Item": p}} for p in [*pool_items(updated), *directory.entries(updated)]]
        if not trained:
            actions.append({"Delete": {"Key": keys.skill_member(LEADS_POOL, volunteer.volunteer_id)}})
        self.table.transact(actions)
        self.mark_pools_changed({*pools_of(volunteer), LEADS_POOL})

    def set_pause(self, volunteer: Volunteer, until: date | None, now: datetime) -> Volunteer:
        """Pause matching for the volunteer until a day (None: resume), with the day's marker for
        the resume-day email, in one transaction guarded by the profile's version (Conflict if it
        changed since read). Returns the profile as written."""
        fresh = volunteer.model_copy(
            update={"paused_until": until, "updated_at": now, "version": volunteer.version + 1}
        )
        values: dict[str, Any] = {":now": now.isoformat(), ":one": 1, ":v": volunteer.version}
        if until is None:
            expression = "SET updated_at = :now, version = version + :one REMOVE paused_until"
        else:
            expression = "SET updated_at = :now, version = version + :one, paused_until = :until"
            values[":until"] = until.isoformat()
        actions: list[dict[str, Any]] = [
            {
                "Update": {
                    "Key": keys.volunteer(volunteer.volunteer_id),
                    "UpdateExpression": expression,
                    "ConditionExpression": "version = :v",
                    "ExpressionAttributeValues": values,
                }
            }
        ]
        if volunteer.paused_until is not None and volunteer.paused_until != until:
            actions.append(
                {"Delete": {"Key": keys.pause_end(volunteer.paused_until.isoformat(), volunteer.volunteer_id)}}
            )
        if until is not None:
            marker = keys.pause_end(until.isoformat(), volunteer.volunteer_id)
            actions.append({"Put": {"Item": marker | {"volunteer_id": volunteer.volunteer_id, "type": "PauseEnd"}}})
        try:
            self.table.transact(actions)
        except TransactionConflict as exc:
            raise Conflict("volunteer changed while pausing; retry") from exc
        return fresh

    def pauses_ending(self, day: date) -> list[str]:
        """Volunteers whose pause ends on `day` (one Query of the day's partition)."""
        pk = keys.pause_end(day.isoformat(), "")["pk"]
        found = self.table.query(KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": pk})
        return [f["volunteer_id"] for f in found]

    def clear_pause_end(self, day: date, volunteer_id: str) -> None:
        self.table.delete(keys.pause_end(day.isoformat(), volunteer_id))

    def pool(self, skill: str) -> list[dict[str, Any]]:
        """Candidate profiles with a skill (or LEADS_POOL): one Query, paginated."""
        return list(
            self.table.query(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": keys.skill_pool(skill)},
                **projection(POOL_FIELDS),
            )
        )

    def volunteer_activity(self, volunteer_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """How much matching has asked of each volunteer (projected BatchGetItem; console search)."""
        found = self.table.batch_get([keys.volunteer(v) for v in dict.fromkeys(volunteer_ids)], ACTIVITY_FIELDS)
        return {f["volunteer_id"]: f for f in found}

    def directory_page(self, pk: str, page: KeyRange) -> list[dict[str, Any]]:
        """Rows of a directory facet (`directory.py`) or a pool (`SKILL#<skill>`): one Query of
        one partition, `page.limit` rows at most, each with its `sk` (the cursor to go on from)."""
        condition, values = "pk = :pk", {":pk": pk}
        if page.begins:
            condition, values = condition + " AND begins_with(sk, :b)", values | {":b": page.begins}
        elif page.at_least:
            condition, values = condition + " AND sk >= :a", values | {":a": page.at_least}
        extra: dict[str, Any] = {}
        if page.after is not None:
            extra["ExclusiveStartKey"] = {"pk": pk, "sk": page.after}
        rows, _ = self.table.query_page(
            page.limit,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
            ScanIndexForward=not page.descending,
            **extra,
        )
        return rows

    def backfill_directory(self, volunteers: Iterable[Volunteer]) -> int:
        """Write the directory entries of the volunteers stored before the directory existed
        (those without their `VDIR#all` entry: one BatchGetItem per 100), in batch writes; the
        entries derive from the profile alone, so writing one again is harmless. Returns how many
        volunteers were given entries."""
        people = {v.volunteer_id: v for v in volunteers}
        first = {vid: directory.entry_keys(v)[0] for vid, v in people.items()}  # the VDIR#all entry
        present = {f["sk"].rsplit("#", 1)[-1] for f in self.table.batch_get(list(first.values()), ("pk", "sk"))}
        missing = [v for vid, v in people.items() if vid not in present]
        self.table.batch_write(puts=[e for v in missing for e in directory.entries(v)])
        return len(missing)

    def erase(self, volunteer: Volunteer) -> int:
        """Delete the profile, its email/phone owners and every pool entry (privacy's forget);
        returns how many items were deleted. The pools' tokens move, so caches drop the person."""
        doomed = [keys.skill_member(s, volunteer.volunteer_id) for s in [*volunteer.skills, LEADS_POOL]]
        doomed += [keys.email_owner(volunteer.email_key), keys.volunteer(volunteer.volunteer_id)]
        doomed += directory.entry_keys(volunteer)
        if volunteer.phone and self.volunteer_id_for_phone(volunteer.phone) == volunteer.volunteer_id:
            doomed.append(keys.phone_owner(email_hash(volunteer.phone)))  # only a number they hold
        self.table.batch_write(deletes=doomed)
        self.mark_pools_changed([*volunteer.skills, LEADS_POOL])
        return len(doomed)
