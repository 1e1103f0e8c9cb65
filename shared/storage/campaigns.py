"""Campaigns and projects: a campaign request's items, a project's partition, status moves.

Items (README.md beside this): `CAMPAIGN#<cid>/META`, `REQUEST#<fingerprint>/REQUEST`,
`PROJECT#<pid>/META` (gsi1 by campaign, gsi3 by status), `PROJECT#<pid>/SLOT#<nn>`. Every write
that a concurrent writer could spoil is conditional; a status move is guarded by the status it
leaves and counted in the pipeline's counters in the same transaction (counters.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shared.models import Campaign, Invitation, Project, Slot
from shared.pipeline_counts import creation_deltas, transition_deltas, wait_hours
from shared.storage import keys
from shared.storage.codec import item, to_dynamo
from shared.storage.counters import counter_update, move_counted, transact_counted
from shared.storage.errors import ConditionFailed, Conflict, DuplicateRequest, TransactionConflict
from shared.storage.pages import KeyRange
from shared.storage.table import Table

MAX_TRANSACTION_ITEMS = 100  # TransactWriteItems' limit (DynamoDB API reference)


@dataclass(frozen=True)
class ProjectRecord:
    """A project's partition: the project, its slots (the team) and its invitations."""

    project: Project
    slots: list[Slot]
    invitations: list[Invitation]


class Campaigns(Protocol):
    """What use cases need of campaigns and projects (DynamoCampaigns; memory.MemoryCampaigns)."""

    def create_campaign(
        self,
        campaign: Campaign,
        projects: list[tuple[Project, list[Slot]]],
        fingerprint: str | None = None,
        fingerprint_ttl: int = 0,
    ) -> None: ...
    def get_campaign(self, campaign_id: str) -> Campaign | None: ...
    def get_campaigns(self, campaign_ids: Iterable[str]) -> dict[str, Campaign]: ...
    def get_projects(self, project_ids: Iterable[str]) -> list[Project]: ...
    def get_project(self, project_id: str) -> ProjectRecord | None: ...
    def projects_with_status(self, status: str) -> list[Project]: ...
    def all_projects(self, statuses: Iterable[str]) -> list[Project]: ...
    def transition_project(
        self,
        project: Project,
        to_status: str,
        *,
        from_statuses: Iterable[str],
        now: datetime,
        reason: str = "",
        **fields: Any,
    ) -> bool: ...
    def record_wave(self, project_id: str) -> None: ...
    def backfill_list_keys(self, campaign_ids: Iterable[str]) -> int: ...
    def rescope_project(self, old: Project, new: Project, old_slots: list[Slot], new_slots: list[Slot]) -> None: ...
    def campaign_page(self, order: str, page: KeyRange) -> list[tuple[str, Campaign]]: ...
    def project_page(self, status: str, page: KeyRange) -> list[tuple[str, Project]]: ...


CAMPAIGN_ORDERS = ("newest", "oldest", "election")  # campaign_page's orders


def campaign_sort_key(campaign: Campaign, order: str) -> str:
    """The index sort key a campaign has in `order` (what campaign_page's cursor names)."""
    keyed = keys.campaign_indexes(campaign.campaign_id, campaign.created_at, campaign.election_date.isoformat())
    return keyed["gsi1sk"] if order == "election" else keyed["gsi3sk"]


def project_sort_key(project: Project) -> str:
    return keys.project_status_index(project.status, project.created_at, project.project_id)["gsi3sk"]


def project_item(project: Project) -> dict[str, Any]:
    """A project's META item with its campaign (gsi1) and status (gsi3) index keys."""
    return item(
        project,
        keys.project(project.project_id),
        **keys.campaign_projects_index(project.campaign_id, project.project_id),
        **keys.project_status_index(project.status, project.created_at, project.project_id),
    )


def slot_put(project_id: str, slot: Slot) -> dict[str, Any]:
    """A transaction action writing one seat."""
    return {"Put": {"Item": item(slot, keys.slot(project_id, slot.index))}}


def move_deltas(project: Project, to_status: str, staffed_at: datetime | None = None) -> dict[str, int]:
    """The counter deltas of moving `project` (as read) to `to_status`; `staffed_at` when the move
    staffs it (its wait since approval joins the histogram, replacing an earlier staffing's)."""
    waited = wait_hours(project.approved_at, staffed_at)
    replaced = wait_hours(project.approved_at, project.staffed_at) if waited is not None else None
    return transition_deltas(project.status, to_status, waited, replaced)


def status_guard(from_statuses: Iterable[str]) -> tuple[str, dict[str, Any]]:
    """`#status IN (...)` and its values (`:f0`, `:f1`, ...): a status move's condition."""
    allowed = list(from_statuses)
    condition = f"#status IN ({', '.join(f':f{i}' for i in range(len(allowed)))})"
    return condition, {f":f{i}": s for i, s in enumerate(allowed)}


class DynamoCampaigns:
    def __init__(self, table: Table) -> None:
        self.table = table

    def create_campaign(
        self,
        campaign: Campaign,
        projects: list[tuple[Project, list[Slot]]],
        fingerprint: str | None = None,
        fingerprint_ttl: int = 0,
    ) -> None:
        """The campaign, its projects and their slots appear together or not at all.

        `fingerprint` names one submission (client idempotency key): a repeat within the TTL
        (epoch seconds) raises DuplicateRequest with the first campaign's id instead. ValueError
        past 100 items (one transaction's limit).
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
                    "Item": item(
                        campaign,
                        keys.campaign(campaign.campaign_id),
                        **keys.campaign_indexes(
                            campaign.campaign_id, campaign.created_at, campaign.election_date.isoformat()
                        ),
                    ),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        )
        for project, slots in projects:
            actions.append({"Put": {"Item": project_item(project), "ConditionExpression": "attribute_not_exists(pk)"}})
            actions += [slot_put(project.project_id, s) for s in slots]
        actions += counter_update(campaign.campaign_id, creation_deltas((p.status for p, _ in projects), campaigns=1))
        if len(actions) > MAX_TRANSACTION_ITEMS:
            raise ValueError("a campaign request may create at most 100 items")
        try:
            transact_counted(self.table, actions)
        except TransactionConflict as exc:
            if fingerprint and exc.first_guard_lost:
                existing = self.table.get(keys.request_fingerprint(fingerprint))
                if existing:
                    raise DuplicateRequest(existing["campaign_id"]) from exc
            raise

    def get_campaign(self, campaign_id: str) -> Campaign | None:
        found = self.table.get(keys.campaign(campaign_id))
        return Campaign.model_validate(found) if found else None

    def get_campaigns(self, campaign_ids: Iterable[str]) -> dict[str, Campaign]:
        """Campaigns by id (BatchGetItem, 100 a call; absent ids are left out)."""
        found = self.table.batch_get([keys.campaign(c) for c in dict.fromkeys(campaign_ids)])
        return {f["campaign_id"]: Campaign.model_validate(f) for f in found}

    def get_projects(self, project_ids: Iterable[str]) -> list[Project]:
        """Projects by id (BatchGetItem, strongly consistent; absent ids are left out)."""
        found = self.table.batch_get([keys.project(p) for p in project_ids])
        return [Project.model_validate(f) for f in found]

    def get_project(self, project_id: str) -> ProjectRecord | None:
        """The project with its slots and invitations, in one strongly consistent query."""
        rows = list(
            self.table.query(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": keys.project_partition(project_id)},
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
            for r in self.table.query(
                IndexName="gsi3",
                KeyConditionExpression="gsi3pk = :s",
                ExpressionAttributeValues={":s": keys.projects_with_status(status)},
            )
        ]

    def all_projects(self, statuses: Iterable[str]) -> list[Project]:
        """Every project, one gsi3 Query per status (exports and the pipeline view)."""
        return [p for status in statuses for p in self.projects_with_status(status)]

    def _index_page(self, index: str, pk: str, page: KeyRange, base_pk: str) -> list[dict[str, Any]]:
        """One page of an index partition whose sort keys end in `#<id>` (base key `<base_pk><id>`/META)."""
        extra: dict[str, Any] = {}
        if page.after is not None:
            extra["ExclusiveStartKey"] = {
                f"{index}pk": pk,
                f"{index}sk": page.after,
                "pk": base_pk + page.after.rsplit("#", 1)[-1],
                "sk": "META",
            }
        rows, _ = self.table.query_page(
            page.limit,
            IndexName=index,
            KeyConditionExpression=f"{index}pk = :pk",
            ExpressionAttributeValues={":pk": pk},
            ScanIndexForward=not page.descending,
            **extra,
        )
        return rows

    def campaign_page(self, order: str, page: KeyRange) -> list[tuple[str, Campaign]]:
        """(sort key, campaign) in `order` (CAMPAIGN_ORDERS): newest/oldest by gsi3 `CAMPAIGNS`,
        soonest election by gsi1 `CAMPAIGNS#election`; one Query, `page.limit` rows."""
        index, pk = ("gsi1", keys.CAMPAIGNS_BY_ELECTION) if order == "election" else ("gsi3", keys.CAMPAIGNS)
        rows = self._index_page(index, pk, page, "CAMPAIGN#")
        return [(r[f"{index}sk"], Campaign.model_validate(r)) for r in rows]

    def project_page(self, status: str, page: KeyRange) -> list[tuple[str, Project]]:
        """(sort key, project) of one status, oldest first (or newest, `page.descending`): gsi3."""
        rows = self._index_page("gsi3", keys.projects_with_status(status), page, "PROJECT#")
        return [(r["gsi3sk"], Project.model_validate(r)) for r in rows]

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
        """Move a project between statuses, setting `fields` too (datetimes as ISO text), and count
        the move in the pipeline's counters in the same transaction; False when it is no longer in
        any of `from_statuses` (nothing written, nothing counted)."""

        def actions_for(current: Project) -> list[dict[str, Any]]:
            condition, values = status_guard([current.status])
            values |= {":to": to_status, ":reason": reason, ":g3": keys.projects_with_status(to_status), ":one": 1}
            sets = ["#status = :to", "status_reason = :reason", "gsi3pk = :g3", "version = version + :one"]
            for name, value in fields.items():
                sets.append(f"{name} = :v_{name}")
                values[f":v_{name}"] = value.isoformat() if isinstance(value, datetime) else value
            move = {
                "Key": keys.project(project.project_id),
                "UpdateExpression": "SET " + ", ".join(sets),
                "ConditionExpression": condition,
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": to_dynamo(values),
            }
            deltas = move_deltas(current, to_status, fields.get("staffed_at"))
            return [{"Update": move}, *counter_update(project.project_id, deltas)]

        return move_counted(self.table, project, from_statuses, actions_for)

    def backfill_list_keys(self, campaign_ids: Iterable[str]) -> int:
        """Give the campaigns among `campaign_ids` stored before the campaign lists existed their
        list keys (gsi3 `CAMPAIGNS`, gsi1 `CAMPAIGNS#election`): one BatchGetItem per 100, one
        conditional UpdateItem per campaign lacking them. Returns how many were given keys."""
        done = 0
        for found in self.table.batch_get([keys.campaign(c) for c in dict.fromkeys(campaign_ids)]):
            if found.get("gsi3pk") == keys.CAMPAIGNS:
                continue
            campaign = Campaign.model_validate(found)
            index = keys.campaign_indexes(campaign.campaign_id, campaign.created_at, campaign.election_date.isoformat())
            try:
                self.table.update(
                    keys.campaign(campaign.campaign_id),
                    "SET " + ", ".join(f"{k} = :{k}" for k in index),
                    "attribute_exists(pk) AND attribute_not_exists(gsi3pk)",
                    values={f":{k}": v for k, v in index.items()},
                )
                done += 1
            except ConditionFailed:
                pass  # given its keys meanwhile (or erased): nothing to do
        return done

    def record_wave(self, project_id: str) -> None:
        self.table.update(keys.project(project_id), "ADD waves :one", values={":one": 1})

    def rescope_project(self, old: Project, new: Project, old_slots: list[Slot], new_slots: list[Slot]) -> None:
        """Staff adjusted a project under review: replace it and its seats in one transaction,
        only while it is still pending_review at the version staff saw (Conflict otherwise)."""
        actions: list[dict[str, Any]] = [
            {
                "Put": {
                    "Item": project_item(new.model_copy(update={"version": old.version + 1})),
                    "ConditionExpression": "#status = :pending AND version = :v",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {":pending": "pending_review", ":v": old.version},
                }
            }
        ]
        keep = {s.index for s in new_slots}
        actions += [{"Delete": {"Key": keys.slot(old.project_id, s.index)}} for s in old_slots if s.index not in keep]
        actions += [slot_put(new.project_id, s) for s in new_slots]
        try:
            self.table.transact(actions)
        except TransactionConflict as exc:
            raise Conflict("the project changed or left review; reload and try again") from exc
