"""A volunteer's personal data: everything stored about them, out (export) and erased (forget).

Where a volunteer is stored (shared/storage/README.md): the profile (VOLUNTEER#id), the email and
phone pointers (EMAIL#/PHONE# + hash), one pool entry per skill (SKILL#s / VOLUNTEER#id, with a
profile projection), their invitations (PROJECT#p / INVITATION#i: why they were asked, from their
profile) and any unclear reply texts kept for staff (INVITATION#i / REPLY#...). Team slots keep
only the volunteer id, which means nothing once the profile is gone. Forgetting keeps the opt-outs
as hashes (SUPPRESSED#<email hash>, SMS#<phone hash>), so the person is never contacted again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.storage import keys
from shared.storage.contact import contact_state
from shared.storage.store import LEADS_POOL, Store


def _unclear_replies(store: Store, invitation_id: str) -> list[dict[str, Any]]:
    return list(
        store._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :reply)",
            ExpressionAttributeValues={":pk": f"INVITATION#{invitation_id}", ":reply": "REPLY#"},
        )
    )


def export_volunteer(store: Store, volunteer_id: str) -> dict[str, Any] | None:
    volunteer = store.get_volunteer(volunteer_id)
    if volunteer is None:
        return None
    invitations = store.invitations_of_volunteer(volunteer_id)
    return {
        "volunteer": volunteer.model_dump(mode="json"),
        "invitations": [
            i.model_dump(mode="json", include={"invitation_id", "project_id", "role", "skill", "status", "reasons"})
            | {"created_at": i.created_at.isoformat(), "answered_at": i.answered_at and i.answered_at.isoformat()}
            for i in invitations
        ],
        "replies_kept_for_staff": [
            {
                "invitation_id": i.invitation_id,
                "text": r.get("text", ""),
                "received_at": r["sk"].removeprefix("REPLY#"),
                "from_other_address": bool(r.get("from_other_address")),
            }
            for i in invitations
            for r in _unclear_replies(store, i.invitation_id)
        ],
    } | contact_state().opt_outs([volunteer])[volunteer_id]


def forget_volunteer(store: Store, volunteer_id: str, now: datetime) -> dict[str, int] | None:
    """Erase the person; keep their opt-outs as hashes. Safe to repeat (None once gone)."""
    volunteer = store.get_volunteer(volunteer_id)
    if volunteer is None:
        return None
    contacts = contact_state()
    contacts.suppress(volunteer.email_key, "forgotten", now, volunteer_id)  # never mailed again
    if volunteer.phone:
        contacts.sms_opt_out(volunteer.phone, now)  # SMS#<hash>: never texted again
    table = store._table
    erased = {"invitations": 0, "replies": 0, "items": 0}
    for invitation in store.invitations_of_volunteer(volunteer_id):
        if invitation.status == "pending":
            store.close_invitation(invitation, "withdrawn", now)
        table.update_item(
            Key=keys.invitation(invitation.project_id, invitation.invitation_id),
            UpdateExpression="REMOVE reasons, score_components",
        )
        erased["invitations"] += 1
        for reply in _unclear_replies(store, invitation.invitation_id):
            table.delete_item(Key={"pk": reply["pk"], "sk": reply["sk"]})
            erased["replies"] += 1
    doomed = [keys.skill_member(s, volunteer_id) for s in [*volunteer.skills, LEADS_POOL]]
    doomed += [keys.email_owner(volunteer.email_key), keys.volunteer(volunteer_id)]
    if volunteer.phone:
        doomed.append(store._phone_item(volunteer))
    with table.batch_writer() as batch:
        for key in doomed:
            batch.delete_item(Key={"pk": key["pk"], "sk": key["sk"]})
            erased["items"] += 1
    store.mark_pools_changed([*volunteer.skills, LEADS_POOL])
    return erased
