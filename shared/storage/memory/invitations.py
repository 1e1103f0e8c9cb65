"""Invitations, unclear replies and waves in memory (the Protocols: shared/storage/invitations.py,
waves.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from shared.models import Invitation, Project, UnclearReply, Volunteer
from shared.storage.errors import ConditionFailed
from shared.storage.invitations import AcceptOutcome, InvitationKey, InviteOutcome, unclear_reply_item
from shared.storage.memory.state import MemoryState, updated
from shared.storage.waves import STATE_FIELDS, recent_invites


class MemoryInvitations:
    def __init__(self, state: MemoryState) -> None:
        self.s = state

    def get_invitation(self, invitation_id: str) -> Invitation | None:
        return self.s.invitations.get(invitation_id)

    def get_invitation_and_volunteer(self, invitation_id: str) -> tuple[Invitation | None, Volunteer | None]:
        invitation = self.s.invitations.get(invitation_id)
        return invitation, self.s.volunteers.get(invitation.volunteer_id) if invitation else None

    def invitations_of_volunteer(self, volunteer_id: str) -> list[Invitation]:
        found = [i for i in self.s.invitations.values() if i.volunteer_id == volunteer_id]
        return sorted(found, key=lambda i: (i.created_at, i.invitation_id))

    def pending_invitations_expiring_before(self, moment: datetime) -> list[Invitation]:
        due = [i for i in self.s.invitations.values() if i.status == "pending" and i.expires_at < moment]
        return sorted(due, key=lambda i: (i.expires_at, i.invitation_id))

    def count_pending(self) -> int:
        return sum(i.status == "pending" for i in self.s.invitations.values())

    def mark_invitations_published(self, invitations: list[Invitation]) -> None:
        for invitation in invitations:
            self.mark_invitation_published(invitation)

    def mark_invitation_published(self, invitation: Invitation) -> None:
        with self.s.lock:
            current = self.s.invitations.get(invitation.invitation_id)
            if current is None:
                raise ConditionFailed()
            self.s.invitations[invitation.invitation_id] = updated(current, published=True)

    def accept_invitation(
        self,
        invitation: Invitation,
        project: Project,
        slot_index: int,
        now: datetime,
        *,
        seen_filled: int | None = None,
    ) -> AcceptOutcome:
        s = self.s
        with s.lock:
            inv = s.invitations.get(invitation.invitation_id)
            if inv is None or inv.status != "pending" or inv.expires_at <= now:
                expired = inv is not None and inv.status == "pending"
                return AcceptOutcome.EXPIRED if expired else AcceptOutcome.NOT_PENDING
            slot = s.slots.get(project.project_id, {}).get(slot_index)
            if slot is None or slot.volunteer_id is not None:
                return AcceptOutcome.SLOT_TAKEN
            current = s.projects[project.project_id]
            if current.filled >= current.team_size or current.status != "matching":
                return AcceptOutcome.TEAM_FULL if seen_filled is None else AcceptOutcome.SLOT_TAKEN
            if seen_filled is not None and current.filled != seen_filled:
                return AcceptOutcome.SLOT_TAKEN
            volunteer = s.volunteers[inv.volunteer_id]
            if volunteer.active_projects >= volunteer.max_active_projects:
                return AcceptOutcome.AT_LIMIT
            s.invitations[inv.invitation_id] = updated(inv, status="accepted", answered_at=now)
            s.slots[project.project_id][slot_index] = updated(slot, volunteer_id=inv.volunteer_id, filled_at=now)
            s.projects[project.project_id] = updated(current, filled=current.filled + 1)
            s.volunteers[inv.volunteer_id] = updated(
                volunteer,
                active_projects=volunteer.active_projects + 1,
                pending_invitations=volunteer.pending_invitations - 1,
            )
            self._count(inv.volunteer_id)
            return AcceptOutcome.JOINED

    def _count(self, volunteer_id: str) -> None:
        extra = self.s.wave_state.setdefault(volunteer_id, {})
        extra["responded_total"] = int(extra.get("responded_total") or 0) + 1

    def close_invitation(
        self,
        invitation: InvitationKey,
        status: str,
        now: datetime,
        channel: str | None = None,
        *,
        answered: bool = False,
    ) -> bool:
        with self.s.lock:
            inv = self.s.invitations.get(invitation.invitation_id)
            volunteer = self.s.volunteers.get(invitation.volunteer_id)
            if inv is None or inv.status != "pending" or volunteer is None or volunteer.pending_invitations <= 0:
                return False
            self.s.invitations[inv.invitation_id] = updated(
                inv, status=status, answered_at=now, answer_channel=channel or "system"
            )
            self.s.volunteers[volunteer.volunteer_id] = updated(
                volunteer, pending_invitations=volunteer.pending_invitations - 1
            )
            if answered:
                self._count(volunteer.volunteer_id)
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
        reply = unclear_reply_item(invitation, channel, text, now, other_sender, read_as)
        self.s.replies[(invitation.invitation_id, now.isoformat())] = reply

    def unclear_replies(self) -> list[UnclearReply]:
        waiting = [UnclearReply.model_validate(r) for r in self.s.replies.values() if not r["resolved"]]
        return sorted(waiting, key=lambda r: r.received_at)

    def replies_to(self, invitation_id: str) -> list[UnclearReply]:
        kept = [UnclearReply.model_validate(r) for (i, _), r in self.s.replies.items() if i == invitation_id]
        return sorted(kept, key=lambda r: r.received_at)

    def resolve_unclear_reply(self, invitation_id: str, received_at: str, resolution: str, now: datetime) -> bool:
        with self.s.lock:
            reply = self.s.replies.get((invitation_id, received_at))
            if reply is None or reply["resolved"]:
                return False
            reply |= {"resolved": True, "resolution": resolution, "resolved_at": now.isoformat()}
            return True

    def erase_personal_data(self, invitation: Invitation) -> int:
        with self.s.lock:
            current = self.s.invitations[invitation.invitation_id]
            self.s.invitations[invitation.invitation_id] = updated(current, reasons=[], score_components={})
            doomed = [k for k in self.s.replies if k[0] == invitation.invitation_id]
            for k in doomed:
                del self.s.replies[k]
            return len(doomed)


class MemoryWaves:
    def __init__(self, state: MemoryState) -> None:
        self.s = state

    def volunteer_states(self, volunteer_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for vid in dict.fromkeys(volunteer_ids):
            if vid in self.s.volunteers:
                row = self.s.volunteers[vid].model_dump() | self.s.wave_state.get(vid, {})
                out[vid] = {f: row[f] for f in STATE_FIELDS if f in row}
        return out

    def create_invitation(
        self, invitation: Invitation, state: dict[str, Any], *, max_pending: int, max_recent: int
    ) -> InviteOutcome:
        inv = invitation
        recent = recent_invites(state, inv.created_at)
        if len(recent) >= max_recent:
            return InviteOutcome.VOLUNTEER_BUSY
        with self.s.lock:
            if inv.invitation_id in self.s.invitations:
                return InviteOutcome.EXISTS
            volunteer = self.s.volunteers.get(inv.volunteer_id)
            extra = self.s.wave_state.get(inv.volunteer_id, {})
            seq = int(state.get("invite_seq") or 0)
            if (
                volunteer is None
                or volunteer.pending_invitations >= max_pending
                or volunteer.active_projects >= volunteer.max_active_projects
                or volunteer.email_opt_out
                or int(extra.get("invite_seq") or 0) != seq
            ):
                return InviteOutcome.VOLUNTEER_BUSY
            self.s.invitations[inv.invitation_id] = inv
            self.s.wave_state[inv.volunteer_id] = extra | {
                "recent_invites": [*recent, inv.created_at.isoformat()],
                "invite_seq": seq + 1,
                "invited_total": int(extra.get("invited_total") or 0) + 1,
            }
            self.s.volunteers[inv.volunteer_id] = updated(
                volunteer, pending_invitations=volunteer.pending_invitations + 1
            )
            return InviteOutcome.CREATED

    def create_invitations(
        self, batch: Sequence[tuple[Invitation, dict[str, Any]]], *, max_pending: int, max_recent: int
    ) -> list[InviteOutcome]:
        return [self.create_invitation(i, s, max_pending=max_pending, max_recent=max_recent) for i, s in batch]

    def mark_reminded(self, invitation: Invitation) -> bool:
        with self.s.lock:
            current = self.s.invitations.get(invitation.invitation_id)
            if current is None or current.status != "pending" or current.reminded:
                return False
            self.s.invitations[invitation.invitation_id] = updated(current, reminded=True)
            return True

    def mark_many_reminded(self, invitations: Sequence[Invitation]) -> list[bool]:
        return [self.mark_reminded(i) for i in invitations]
