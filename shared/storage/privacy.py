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

from shared.storage.contact import contact_state
from shared.storage.store import Store


def export_volunteer(store: Store, volunteer_id: str) -> dict[str, Any] | None:
    """Everything stored about a volunteer, JSON-ready: {"volunteer", "invitations",
    "replies_kept_for_staff", and the opt-outs (contact.ContactState.opt_outs)}; None if unknown."""
    volunteer = store.volunteers.get_volunteer(volunteer_id)
    if volunteer is None:
        return None
    invitations = store.invitations.invitations_of_volunteer(volunteer_id)
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
                "text": r.text,
                "received_at": r.received_at,
                "from_other_address": r.from_other_address,
            }
            for i in invitations
            for r in store.invitations.replies_to(i.invitation_id)
        ],
    } | contact_state().opt_outs([volunteer])[volunteer_id]


def forget_volunteer(store: Store, volunteer_id: str, now: datetime) -> dict[str, int] | None:
    """Erase the person; keep their opt-outs as hashes. Safe to repeat (None once gone).

    Returns counts: {"invitations": scrubbed, "replies": deleted, "items": deleted}."""
    volunteer = store.volunteers.get_volunteer(volunteer_id)
    if volunteer is None:
        return None
    contacts = contact_state()
    contacts.suppress(volunteer.email_key, "forgotten", now, volunteer_id)  # never mailed again
    if volunteer.phone:
        contacts.sms_opt_out(volunteer.phone, now)  # SMS#<hash>: never texted again
    erased = {"invitations": 0, "replies": 0, "items": 0}
    for invitation in store.invitations.invitations_of_volunteer(volunteer_id):
        if invitation.status == "pending":
            store.invitations.close_invitation(invitation, "withdrawn", now)
        erased["replies"] += store.invitations.erase_personal_data(invitation)
        erased["invitations"] += 1
    erased["items"] = store.volunteers.erase(volunteer)
    pending = store.pending.get_pending(volunteer.email_key, now)
    if pending is not None:  # a change still waiting for its owner goes too (issue 15)
        store.pending.drop_pending(pending)
        erased["items"] += 1
    return erased
