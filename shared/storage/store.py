"""The DynamoDB storage layer: one method per access pattern, no Scan anywhere.

Every write that guards a count (team slots, a volunteer's active projects and pending
invitations) is a conditional write or a transaction, so concurrent consumers and duplicate SQS
deliveries cannot push a count past its limit. Reads that decide a write are strongly consistent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from uuid import uuid4

from botocore.exceptions import ClientError

from shared.models import (
    VOLUNTEER_PROFILE_FIELDS,
    Campaign,
    DistrictScore,
    Invitation,
    Project,
    Slot,
    Volunteer,
    email_hash,
)
from shared.storage import keys
from shared.storage.codec import from_dynamo, item, to_dynamo

LEADS_POOL = "_lead"  # pseudo-skill: the pool of lead-trained volunteers
_POOL_FIELDS = (
    "volunteer_id",
    "skills",
    "hours_per_week",
    "weeks_available",
    "lead_trained",
    "hometown",
    "current_location",
    "created_at",
)


@dataclass(frozen=True)
class ProjectRecord:
    """A project's partition: the project, its slots (the team) and its invitations."""

    project: Project
    slots: list[Slot]
    invitations: list[Invitation]


class Conflict(Exception):
    """A conditional write lost: the record changed since it was read."""


class DuplicateRequest(Exception):
    """The same campaign request was already stored (a resubmission)."""

    def __init__(self, campaign_id: str) -> None:
        super().__init__(campaign_id)
        self.campaign_id = campaign_id


class AcceptOutcome(Enum):
    JOINED = "joined"
    NOT_PENDING = "not_pending"  # already answered (a duplicate delivery) or no longer open
    EXPIRED = "expired"
    SLOT_TAKEN = "slot_taken"  # someone else took that slot first: try another
    TEAM_FULL = "team_full"
    AT_LIMIT = "at_limit"  # the volunteer reached their active-project limit


class InviteOutcome(Enum):
    CREATED = "created"
    EXISTS = "exists"  # this volunteer was already invited to this project
    VOLUNTEER_BUSY = "volunteer_busy"  # pending cap, project limit, or opted out


def _cancellation_codes(exc: ClientError) -> list[str]:
    return [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]


def _is(exc: ClientError, code: str) -> bool:
    return exc.response.get("Error", {}).get("Code") == code


class Store:
    def __init__(self, table: Any) -> None:
        """`table` is a boto3 DynamoDB resource Table (its client serialises native values)."""
        self._table = table
        self._client = table.meta.client
        self.name: str = table.name

    # --- generic helpers ------------------------------------------------------------------

    def _get(self, key: dict[str, str]) -> dict[str, Any] | None:
        found = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return from_dynamo(found) if found else None

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        while True:
            page = self._table.query(**kwargs)
            for found in page.get("Items", []):
                yield from_dynamo(found)
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _batch_get(
        self, key_list: list[dict[str, str]], projection: tuple[str, ...] | None = None
    ) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        extra: dict[str, Any] = {}
        if projection:
            extra = {
                "ProjectionExpression": ", ".join(f"#{f}" for f in projection),
                "ExpressionAttributeNames": {f"#{f}": f for f in projection},
            }
        for start in range(0, len(key_list), 100):
            request = {self.name: {"Keys": key_list[start : start + 100], "ConsistentRead": True} | extra}
            while request:
                page = self._client.batch_get_item(RequestItems=request)
                found.extend(from_dynamo(i) for i in page["Responses"].get(self.name, []))
                request = page.get("UnprocessedKeys") or {}
        return found

    def _transact(self, actions: list[dict[str, Any]]) -> None:
        for action in actions:
            next(iter(action.values()))["TableName"] = self.name
        self._client.transact_write_items(TransactItems=actions)

    # --- campaigns and projects -----------------------------------------------------------

    def create_campaign(
        self,
        campaign: Campaign,
        projects: list[tuple[Project, list[Slot]]],
        fingerprint: str | None = None,
        fingerprint_ttl: int = 0,
    ) -> None:
        """The campaign, its projects and their slots appear together or not at all.

        `fingerprint` names one submission (client idempotency key): a repeat within the TTL
        (epoch seconds) raises DuplicateRequest with the first campaign's id instead.
        """
        actions: list[dict[str, Any]] = []
        if fingerprint:
            actions.append(
                {
                    "Put": {
                        "Item": keys.request_fingerprint(fingerprint)
                        | {"campaign_id": campaign.campaign_id, "ttl": fingerprint_ttl, "type": "RequestFingerprint"},
                        "ConditionExpression": "attribute_not_exists(pk) OR #ttl < :now",
                        "ExpressionAttributeNames": {"#ttl": "ttl"},
                        "ExpressionAttributeValues": {":now": int(campaign.created_at.timestamp())},
                    }
                }
            )
        actions.append(
            {
                "Put": {
                    "Item": item(campaign, keys.campaign(campaign.campaign_id)),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        )
        for project, slots in projects:
            actions.append(
                {"Put": {"Item": self._project_item(project), "ConditionExpression": "attribute_not_exists(pk)"}}
            )
            actions += [{"Put": {"Item": item(s, keys.slot(project.project_id, s.index))}} for s in slots]
        if len(actions) > 100:
            raise ValueError("a campaign request may create at most 100 items")
        try:
            self._transact(actions)
        except ClientError as exc:
            duplicate = fingerprint and _cancellation_codes(exc)[:1] == ["ConditionalCheckFailed"]
            if _is(exc, "TransactionCanceledException") and duplicate:
                existing = self._get(keys.request_fingerprint(fingerprint))
                if existing:
                    raise DuplicateRequest(existing["campaign_id"]) from exc
            raise

    @staticmethod
    def _project_item(project: Project) -> dict[str, Any]:
        return item(
            project,
            keys.project(project.project_id),
            gsi1pk=f"CAMPAIGN#{project.campaign_id}",
            gsi1sk=f"PROJECT#{project.project_id}",
            **keys.project_status_index(project.status, project.created_at, project.project_id),
        )

    def get_campaign(self, campaign_id: str) -> Campaign | None:
        found = self._get(keys.campaign(campaign_id))
        return Campaign.model_validate(found) if found else None

    def get_projects(self, project_ids: Iterable[str]) -> list[Project]:
        found = self._batch_get([keys.project(p) for p in project_ids])
        return [Project.model_validate(f) for f in found]

    def get_project(self, project_id: str) -> ProjectRecord | None:
        """The project with its slots and invitations, in one strongly consistent query."""
        rows = list(
            self._query(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": f"PROJECT#{project_id}"},
                ConsistentRead=True,
            )
        )
        meta = next((r for r in rows if r["sk"] == "META"), None)
        if meta is None:
            return None
        slots = sorted((Slot.model_validate(r) for r in rows if r["sk"].startswith("SLOT#")), key=lambda s: s.index)
        invitations = [Invitation.model_validate(r) for r in rows if r["sk"].startswith("INVITATION#")]
        return ProjectRecord(Project.model_validate(meta), slots, invitations)

    def projects_with_status(self, status: str) -> list[Project]:
        """Projects in one status, oldest first (GSI3; eventually consistent, staff views/ticks)."""
        return [
            Project.model_validate(r)
            for r in self._query(
                IndexName="gsi3",
                KeyConditionExpression="gsi3pk = :s",
                ExpressionAttributeValues={":s": f"PROJECTS#{status}"},
            )
        ]

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
        """Move a project between statuses; False when it is no longer in any of `from_statuses`."""
        allowed = list(from_statuses)
        values: dict[str, Any] = {":to": to_status, ":reason": reason, ":g3": f"PROJECTS#{to_status}", ":one": 1}
        values |= {f":f{i}": s for i, s in enumerate(allowed)}
        sets = ["#status = :to", "status_reason = :reason", "gsi3pk = :g3", "version = version + :one"]
        for name, value in fields.items():
            sets.append(f"{name} = :v_{name}")
            values[f":v_{name}"] = value.isoformat() if isinstance(value, datetime) else value
        try:
            self._table.update_item(
                Key=keys.project(project.project_id),
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression=f"#status IN ({', '.join(f':f{i}' for i in range(len(allowed)))})",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=to_dynamo(values),
            )
        except ClientError as exc:
            if _is(exc, "ConditionalCheckFailedException"):
                return False
            raise
        return True

    def record_wave(self, project_id: str) -> None:
        self._table.update_item(
            Key=keys.project(project_id), UpdateExpression="ADD waves :one", ExpressionAttributeValues={":one": 1}
        )

    # --- volunteers -----------------------------------------------------------------------

    def volunteer_id_for_email(self, email_key: str) -> str | None:
        found = self._get(keys.email_owner(email_key))
        return found["volunteer_id"] if found else None

    def volunteer_ids_for_emails(self, email_keys: Iterable[str]) -> dict[str, str]:
        """email key -> volunteer id for the addresses that have one (BatchGetItem, 100 a call)."""
        found = self._batch_get([keys.email_owner(k) for k in dict.fromkeys(email_keys)])
        return {f["pk"].removeprefix("EMAIL#"): f["volunteer_id"] for f in found}

    def get_volunteer(self, volunteer_id: str) -> Volunteer | None:
        found = self._get(keys.volunteer(volunteer_id))
        return Volunteer.model_validate(found) if found else None

    def get_volunteers(self, volunteer_ids: Iterable[str]) -> dict[str, Volunteer]:
        found = self._batch_get([keys.volunteer(v) for v in dict.fromkeys(volunteer_ids)])
        return {f["volunteer_id"]: Volunteer.model_validate(f) for f in found}

    @staticmethod
    def _pools_of(volunteer: Volunteer) -> list[str]:
        return [*volunteer.skills, *([LEADS_POOL] if volunteer.lead_trained else [])]

    def _pool_items(self, volunteer: Volunteer) -> list[dict[str, Any]]:
        profile = {k: v for k, v in volunteer.model_dump(mode="json").items() if k in _POOL_FIELDS}
        return [
            to_dynamo(profile | keys.skill_member(p, volunteer.volunteer_id) | {"type": "PoolEntry"})
            for p in self._pools_of(volunteer)
        ]

    def mark_pools_changed(self, skills: Iterable[str]) -> None:
        """A new token on each changed pool, written after the pool itself (so whoever reads the
        token first and the pool second never keeps a stale pool past the next token check). Not
        in the volunteer's transaction: concurrent sign-ups would conflict on the token; a crash
        in between leaves a cached pool stale only until the cache's own time limit. One
        BatchWriteItem (25 tokens a call) keeps the sign-up route to a single extra call."""
        token = uuid4().hex
        with self._table.batch_writer() as batch:
            for skill in sorted(set(skills)):
                batch.put_item(Item=keys.pool_mark(skill) | {"token": token, "type": "PoolMark"})

    def pool_token(self, skill: str) -> str | None:
        """The pool's change token (None until it first changes through the store)."""
        found = self._get(keys.pool_mark(skill))
        return found["token"] if found else None

    def create_volunteer(self, volunteer: Volunteer) -> None:
        """A new volunteer; Conflict when the email is already taken (a concurrent sign-up)."""
        actions: list[dict[str, Any]] = [
            {
                "Put": {
                    "Item": keys.email_owner(volunteer.email_key)
                    | {"volunteer_id": volunteer.volunteer_id, "type": "EmailOwner"},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Put": {
                    "Item": item(volunteer, keys.volunteer(volunteer.volunteer_id)),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ]
        actions += [{"Put": {"Item": p}} for p in self._pool_items(volunteer)]
        if volunteer.phone:
            actions.append({"Put": {"Item": self._phone_item(volunteer)}})
        try:
            self._transact(actions)
        except ClientError as exc:
            if _is(exc, "TransactionCanceledException"):
                raise Conflict("volunteer already exists") from exc
            raise
        self.mark_pools_changed(self._pools_of(volunteer))

    def import_new_volunteers(self, volunteers: list[Volunteer]) -> None:
        """Bulk-load volunteers known to be new (seeding an empty stage): batch writes, no
        per-person transaction. Anything that may already exist goes through create/update."""
        with self._table.batch_writer() as batch:
            for v in volunteers:
                batch.put_item(
                    Item=keys.email_owner(v.email_key) | {"volunteer_id": v.volunteer_id, "type": "EmailOwner"}
                )
                batch.put_item(Item=item(v, keys.volunteer(v.volunteer_id)))
                for pool_item in self._pool_items(v):
                    batch.put_item(Item=pool_item)
                if v.phone:
                    batch.put_item(Item=self._phone_item(v))
        self.mark_pools_changed({p for v in volunteers for p in self._pools_of(v)})

    @staticmethod
    def _phone_item(volunteer: Volunteer) -> dict[str, Any]:
        return keys.phone_owner(email_hash(volunteer.phone or "")) | {
            "volunteer_id": volunteer.volunteer_id,
            "type": "PhoneOwner",
        }

    def volunteer_id_for_phone(self, phone: str) -> str | None:
        found = self._get(keys.phone_owner(email_hash(phone)))
        return found["volunteer_id"] if found else None

    _PROFILE_FIELDS = (*VOLUNTEER_PROFILE_FIELDS, "updated_at")

    def update_volunteer_profile(self, old: Volunteer, new: Volunteer, fields: Iterable[str] | None = None) -> None:
        """Rewrite profile fields (counters are never overwritten), guarded by version.

        `fields`: only these profile fields (plus updated_at) are written, every other stored
        attribute is left as it is (a roster import that changes two fields writes two); None
        writes the whole profile (the sign-up form, which holds every field)."""
        body = new.model_dump(mode="json")
        chosen = self._PROFILE_FIELDS if fields is None else (*sorted(set(fields) & set(self._PROFILE_FIELDS)),)
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
        new_pools = self._pool_items(new)
        kept = {p["pk"] for p in new_pools}
        actions += [{"Put": {"Item": p}} for p in new_pools]
        actions += [
            {"Delete": {"Key": keys.skill_member(s, old.volunteer_id)}}
            for s in [*old.skills, LEADS_POOL]
            if f"SKILL#{s}" not in kept
        ]
        if old.phone and old.phone != new.phone:
            actions.append({"Delete": {"Key": keys.phone_owner(email_hash(old.phone))}})
        if new.phone and new.phone != old.phone:
            actions.append({"Put": {"Item": self._phone_item(new)}})
        try:
            self._transact(actions)
        except ClientError as exc:
            if _is(exc, "TransactionCanceledException"):
                raise Conflict("volunteer changed while updating; retry") from exc
            raise
        self.mark_pools_changed({*self._pools_of(old), *self._pools_of(new)})

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
        actions += [{"Put": {"Item": p}} for p in self._pool_items(updated)]
        if not trained:
            actions.append({"Delete": {"Key": keys.skill_member(LEADS_POOL, volunteer.volunteer_id)}})
        self._transact(actions)
        self.mark_pools_changed({*self._pools_of(volunteer), LEADS_POOL})

    def pool(self, skill: str) -> list[dict[str, Any]]:
        """Candidate profiles with a skill (or LEADS_POOL): one Query, paginated."""
        return list(
            self._query(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": f"SKILL#{skill}"},
                ProjectionExpression=", ".join(f"#{f}" for f in _POOL_FIELDS),
                ExpressionAttributeNames={f"#{f}": f for f in _POOL_FIELDS},
            )
        )

    # --- invitations ----------------------------------------------------------------------

    def mark_invitation_published(self, invitation: Invitation) -> None:
        self._table.update_item(
            Key=keys.invitation(invitation.project_id, invitation.invitation_id),
            UpdateExpression="SET published = :t",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":t": True},
        )

    def get_invitation(self, invitation_id: str) -> Invitation | None:
        pointer = self._get(keys.invitation_pointer(invitation_id))
        if pointer is None:
            return None
        found = self._get(keys.invitation(pointer["project_id"], invitation_id))
        return Invitation.model_validate(found) if found else None

    def invitations_of_volunteer(self, volunteer_id: str) -> list[Invitation]:
        return [
            Invitation.model_validate(r)
            for r in self._query(
                IndexName="gsi2",
                KeyConditionExpression="gsi2pk = :v",
                ExpressionAttributeValues={":v": f"VOLUNTEER#{volunteer_id}"},
            )
        ]

    def pending_invitations_expiring_before(self, moment: datetime) -> list[Invitation]:
        return [
            Invitation.model_validate(r)
            for r in self._query(
                IndexName="gsi3",
                KeyConditionExpression="gsi3pk = :p AND gsi3sk < :t",
                ExpressionAttributeValues={":p": keys.PENDING_INVITATIONS, ":t": moment.isoformat()},
            )
        ]

    def accept_invitation(
        self, invitation: Invitation, project: Project, slot_index: int, now: datetime
    ) -> AcceptOutcome:
        """Put the volunteer in the slot: invitation, slot, team count and volunteer load together."""
        inv = invitation
        try:
            self._transact(
                [
                    {
                        "Update": {
                            "Key": keys.invitation(inv.project_id, inv.invitation_id),
                            "UpdateExpression": "SET #status = :accepted, answered_at = :now REMOVE gsi3pk, gsi3sk",
                            "ConditionExpression": "#status = :pending AND expires_at > :now",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": {
                                ":accepted": "accepted",
                                ":pending": "pending",
                                ":now": now.isoformat(),
                            },
                        }
                    },
                    {
                        "Update": {
                            "Key": keys.slot(project.project_id, slot_index),
                            "UpdateExpression": "SET volunteer_id = :v, filled_at = :now",
                            "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(volunteer_id)",
                            "ExpressionAttributeValues": {":v": inv.volunteer_id, ":now": now.isoformat()},
                        }
                    },
                    {
                        "Update": {
                            "Key": keys.project(project.project_id),
                            "UpdateExpression": "ADD filled :one",
                            "ConditionExpression": "filled < team_size AND #status = :matching",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": {":one": 1, ":matching": "matching"},
                        }
                    },
                    {
                        "Update": {
                            "Key": keys.volunteer(inv.volunteer_id),
                            "UpdateExpression": "ADD active_projects :one, pending_invitations :minus",
                            "ConditionExpression": "active_projects < max_active_projects",
                            "ExpressionAttributeValues": {":one": 1, ":minus": -1},
                        }
                    },
                ]
            )
        except ClientError as exc:
            if not _is(exc, "TransactionCanceledException"):
                raise
            codes = _cancellation_codes(exc)
            failed = next((i for i, c in enumerate(codes) if c == "ConditionalCheckFailed"), None)
            if failed == 0:
                current = self.get_invitation(inv.invitation_id)
                if current and current.status == "pending" and current.expires_at <= now:
                    return AcceptOutcome.EXPIRED
                return AcceptOutcome.NOT_PENDING
            outcome = {1: AcceptOutcome.SLOT_TAKEN, 2: AcceptOutcome.TEAM_FULL, 3: AcceptOutcome.AT_LIMIT}.get(failed)
            if outcome is None:
                raise
            return outcome
        return AcceptOutcome.JOINED

    def close_invitation(self, invitation: Invitation, status: str, now: datetime, channel: str | None = None) -> bool:
        """pending -> declined/expired/withdrawn/team_full, releasing the volunteer's pending count.

        False when it was no longer pending (a duplicate delivery, or it was answered meanwhile).
        """
        try:
            self._transact(
                [
                    {
                        "Update": {
                            "Key": keys.invitation(invitation.project_id, invitation.invitation_id),
                            "UpdateExpression": "SET #status = :s, answered_at = :now, answer_channel = :c"
                            " REMOVE gsi3pk, gsi3sk",
                            "ConditionExpression": "#status = :pending",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": {
                                ":s": status,
                                ":pending": "pending",
                                ":now": now.isoformat(),
                                ":c": channel or "system",
                            },
                        }
                    },
                    {
                        "Update": {
                            "Key": keys.volunteer(invitation.volunteer_id),
                            "UpdateExpression": "ADD pending_invitations :minus",
                            "ConditionExpression": "pending_invitations > :zero",
                            "ExpressionAttributeValues": {":minus": -1, ":zero": 0},
                        }
                    },
                ]
            )
        except ClientError as exc:
            if _is(exc, "TransactionCanceledException"):
                return False
            raise
        return True

    def save_unclear_reply(
        self,
        invitation: Invitation,
        channel: str,
        text: str,
        now: datetime,
        other_sender: str | None = None,
        read_as: str | None = None,
    ) -> None:
        """A reply nobody could classify, kept for staff to read and resolve. `other_sender`: the
        reply came from an address that is not the invited volunteer's (never applied; staff
        decide), `read_as`: what its text would have been read as."""
        extra: dict[str, Any] = {}
        if other_sender:
            extra = {"from_other_address": True, "sender": other_sender[:320], "read_as": read_as or "unclear"}
        self._table.put_item(
            Item=keys.unclear_reply(invitation.invitation_id, now)
            | {
                "type": "UnclearReply",
                "invitation_id": invitation.invitation_id,
                "project_id": invitation.project_id,
                "volunteer_id": invitation.volunteer_id,
                "channel": channel,
                "text": text[:4000],
                "received_at": now.isoformat(),
                "resolved": False,
                "gsi3pk": "REPLIES#unclear",
                "gsi3sk": now.isoformat(),
            }
            | extra
        )

    # --- district scores ------------------------------------------------------------------

    def put_scores(self, run_id: str, summary: dict[str, Any], scores: list[DistrictScore]) -> None:
        with self._table.batch_writer() as batch:
            for s in scores:
                ranked = {"gsi1pk": f"SCORINGRUN#{run_id}", "gsi1sk": f"{s.target_rank:06d}"}
                batch.put_item(Item=item(s, keys.district_run(s.state, s.chamber, s.district, run_id), **ranked))
                batch.put_item(Item=item(s, keys.district_latest(s.state, s.chamber, s.district)))
            # gsi3 `SCORINGRUNS` / `<time>#<run>`: the console finds the latest run with one Query.
            ordered = {"gsi3pk": "SCORINGRUNS", "gsi3sk": f"{datetime.now(UTC).isoformat()}#{run_id}"}
            batch.put_item(Item=to_dynamo(keys.scoring_run(run_id) | summary | {"type": "ScoringRun"} | ordered))

    def latest_score(self, state: str, chamber: str, district: str) -> DistrictScore | None:
        found = self._get(keys.district_latest(state, chamber, district))
        return DistrictScore.model_validate(found) if found else None

    def run_scores(self, run_id: str) -> list[DistrictScore]:
        """A scoring run's districts, best target first."""
        return [
            DistrictScore.model_validate(r)
            for r in self._query(
                IndexName="gsi1",
                KeyConditionExpression="gsi1pk = :r",
                ExpressionAttributeValues={":r": f"SCORINGRUN#{run_id}"},
            )
        ]

    def latest_run(self) -> dict[str, Any] | None:
        """The most recent scoring run's summary (gsi3 `SCORINGRUNS`, newest first)."""
        for found in self._query(
            IndexName="gsi3",
            KeyConditionExpression="gsi3pk = :p",
            ExpressionAttributeValues={":p": "SCORINGRUNS"},
            ScanIndexForward=False,
            Limit=1,
        ):
            return found
        return None

    # --- staff console ---------------------------------------------------------------------

    def all_projects(self, statuses: Iterable[str]) -> list[Project]:
        """Every project, one gsi3 Query per status (exports and the pipeline view)."""
        return [p for status in statuses for p in self.projects_with_status(status)]

    def unclear_replies(self) -> list[dict[str, Any]]:
        """Replies waiting for staff, oldest first; resolved ones leave the index."""
        return list(
            self._query(
                IndexName="gsi3",
                KeyConditionExpression="gsi3pk = :p",
                ExpressionAttributeValues={":p": "REPLIES#unclear"},
            )
        )

    def resolve_unclear_reply(self, invitation_id: str, received_at: str, resolution: str, now: datetime) -> bool:
        """Mark a reply resolved once (False when someone already did) and drop it from the queue."""
        try:
            self._table.update_item(
                Key={"pk": f"INVITATION#{invitation_id}", "sk": f"REPLY#{received_at}"},
                UpdateExpression="SET resolved = :t, resolution = :r, resolved_at = :n REMOVE gsi3pk, gsi3sk",
                ConditionExpression="attribute_exists(pk) AND resolved = :f",
                ExpressionAttributeValues={":t": True, ":f": False, ":r": resolution, ":n": now.isoformat()},
            )
        except ClientError as exc:
            if _is(exc, "ConditionalCheckFailedException"):
                return False
            raise
        return True

    def rescope_project(self, old: Project, new: Project, old_slots: list[Slot], new_slots: list[Slot]) -> None:
        """Staff adjusted a project under review: replace it and its seats in one transaction,
        only while it is still pending_review at the version staff saw (Conflict otherwise)."""
        actions: list[dict[str, Any]] = [
            {
                "Put": {
                    "Item": self._project_item(new.model_copy(update={"version": old.version + 1})),
                    "ConditionExpression": "#status = :pending AND version = :v",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": to_dynamo({":pending": "pending_review", ":v": old.version}),
                }
            }
        ]
        keep = {s.index for s in new_slots}
        actions += [{"Delete": {"Key": keys.slot(old.project_id, s.index)}} for s in old_slots if s.index not in keep]
        actions += [{"Put": {"Item": item(s, keys.slot(new.project_id, s.index))}} for s in new_slots]
        try:
            self._transact(actions)
        except ClientError as exc:
            if _is(exc, "TransactionCanceledException"):
                raise Conflict("the project changed or left review; reload and try again") from exc
            raise

    _ACTIVITY_FIELDS = ("volunteer_id", "active_projects", "pending_invitations", "invited_total")

    def volunteer_activity(self, volunteer_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """How much matching has asked of each volunteer (projected BatchGetItem; console search)."""
        found = self._batch_get(
            [keys.volunteer(v) for v in dict.fromkeys(volunteer_ids)], projection=self._ACTIVITY_FIELDS
        )
        return {f["volunteer_id"]: f for f in found}
