"""Matching's use cases: top a project up with invitations, apply answers, expire, finish teams.

Each step is idempotent: invitation ids are derived from (project, volunteer) so a retried wave
creates nothing twice, answers move an invitation out of `pending` exactly once, and every
count is guarded by a conditional write in the store.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from services.matching.domain.candidates import (
    Candidate,
    Load,
    SlotKind,
    available,
    choose_slot,
    invitations_needed,
    rank,
)
from shared.events import (
    AnswerOutcomeV1,
    Event,
    InvitationAnsweredV1,
    InvitationIssuedV1,
    InvitationWithdrawnV1,
    ProjectStaffedV1,
)
from shared.ids import derived_id
from shared.models import Invitation, Project
from shared.settings import Settings
from shared.storage import AcceptOutcome, InviteOutcome, Store
from shared.storage.store import LEADS_POOL, ProjectRecord

Publish = Callable[[str, Sequence[Event]], None]
REPUBLISH_AFTER = timedelta(seconds=60)
POOL_TTL_SECONDS = 300.0  # pools change only on sign-up; a warm container reuses them this long


class PoolCache:
    """Candidate pools by skill, shared by the invocations of one warm container."""

    def __init__(self, ttl: float = POOL_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._pools: dict[str, tuple[float, list[Candidate]]] = {}

    def get(self, store: Store, key: str) -> list[Candidate]:
        with self._lock:
            cached = self._pools.get(key)
            if cached and time.monotonic() - cached[0] < self.ttl:
                return cached[1]
        pool = [Candidate.from_pool(r) for r in store.pool(key)]
        with self._lock:
            self._pools[key] = (time.monotonic(), pool)
        return pool

    def clear(self) -> None:
        with self._lock:
            self._pools.clear()


POOLS = PoolCache()


class Staffing:
    def __init__(
        self, store: Store, publish: Publish, settings: Settings, logger: Logger, pools: PoolCache = POOLS
    ) -> None:
        self.store = store
        self.publish = publish
        self.settings = settings
        self.log = logger
        self.pools = pools

    def _pool(self, kind: SlotKind) -> list[Candidate]:
        return self.pools.get(self.store, LEADS_POOL if kind.role == "lead" else kind.skill or "")

    # --- inviting ---------------------------------------------------------------------------

    def top_up(self, project_id: str, now: datetime, correlation_id: str) -> int:
        """Keep `invites_per_slot` invitations out for every open seat. Returns how many were sent."""
        found = self.store.get_project(project_id)
        if found is None:
            raise LookupError(f"project {project_id} not found")
        project, slots, invitations = found.project, found.slots, found.invitations
        if project.status != "matching":
            return 0
        open_slots = [s for s in slots if s.volunteer_id is None]
        if not open_slots:  # full, but not marked staffed: a crash after the last opt-in
            self._finish(found, now, correlation_id)
            return 0
        self._republish_unsent(invitations, now, correlation_id)
        pending = [i for i in invitations if i.status == "pending" and i.expires_at > now]
        needed = invitations_needed(
            open_slots, [SlotKind(i.role, i.skill) for i in pending], self.settings.invites_per_slot
        )
        if not needed:
            return 0
        excluded = {i.volunteer_id for i in invitations} | {s.volunteer_id for s in slots if s.volunteer_id}
        issued: list[Invitation] = []
        for kind, count in needed.items():
            for chosen in self._pick(kind, count, project, excluded):
                invitation = self._invitation(
                    project, chosen.candidate.volunteer_id, kind, chosen.score, list(chosen.reasons), now
                )
                outcome = self.store.create_invitation(invitation, self.settings.max_pending_invitations)
                excluded.add(chosen.candidate.volunteer_id)
                if outcome is InviteOutcome.CREATED:
                    issued.append(invitation)
        if issued:
            self.store.record_wave(project_id)
            self._send(issued, correlation_id)
        self.log.info(
            "invitations issued", extra={"project_id": project_id, "count": len(issued), "needed": sum(needed.values())}
        )
        return len(issued)

    def _pick(self, kind: SlotKind, count: int, project: Project, excluded: set[str]) -> list:
        ranked = rank(self._pool(kind), kind, project, excluded)
        chosen = []
        # Live counters only for the front of the ranking: a few batch reads, not the whole pool.
        for start in range(0, len(ranked), max(count * 4, 25)):
            window = ranked[start : start + max(count * 4, 25)]
            loads = self.store.get_loads(s.candidate.volunteer_id for s in window)
            live = {vid: Load.from_row(row) for vid, row in loads.items()}
            open_to = [
                (load.pending_invitations, position, scored)
                for position, scored in enumerate(window)
                if (load := live.get(scored.candidate.volunteer_id))
                and available(load, self.settings.max_pending_invitations)
            ]
            # Fairness first: among good fits, whoever has fewer invitations waiting is asked.
            chosen += [scored for _, _, scored in sorted(open_to, key=lambda t: (t[0], t[1]))]
            if len(chosen) >= count:
                return chosen[:count]
        return chosen

    def _invitation(
        self, project: Project, volunteer_id: str, kind: SlotKind, score: float, reasons: list[str], now: datetime
    ) -> Invitation:
        return Invitation(
            invitation_id=derived_id("i", project.project_id, volunteer_id),
            project_id=project.project_id,
            volunteer_id=volunteer_id,
            role=kind.role,  # type: ignore[arg-type]
            skill=kind.skill,
            score=round(score, 3),
            reasons=reasons,
            wave=project.waves + 1,
            created_at=now,
            expires_at=now + timedelta(seconds=self.settings.invitation_ttl_seconds),
        )

    def _send(self, invitations: list[Invitation], correlation_id: str) -> None:
        self.publish(
            "notify",
            [
                InvitationIssuedV1(
                    correlation_id=correlation_id, invitation_id=i.invitation_id, project_id=i.project_id
                )
                for i in invitations
            ],
        )
        for invitation in invitations:
            self.store.mark_invitation_published(invitation)

    def _republish_unsent(self, invitations: list[Invitation], now: datetime, correlation_id: str) -> None:
        """An invitation stored but never published (a crash between the two) is sent now.
        Only after a grace period, so a wave still being published is not sent twice."""
        unsent = [
            i for i in invitations if i.status == "pending" and not i.published and now - i.created_at > REPUBLISH_AFTER
        ]
        if unsent:
            self.log.warning("republishing unsent invitations", extra={"count": len(unsent)})
            self._send(unsent, correlation_id)

    # --- answers ----------------------------------------------------------------------------

    def apply_answer(self, event: InvitationAnsweredV1, now: datetime) -> None:
        invitation = self.store.get_invitation(event.invitation_id)
        if invitation is None:
            self.log.warning("answer for an unknown invitation", extra={"invitation_id": event.invitation_id})
            return
        cid = event.correlation_id
        if event.answer == "no":
            if self.store.close_invitation(invitation, "declined", now, event.channel):
                self._tell(invitation, "declined", cid)
            self.top_up(invitation.project_id, now, cid)
            return
        if invitation.status == "accepted":  # a duplicate delivery: just make sure we finished
            self.finish_if_full(invitation.project_id, now, cid)
            return
        self._accept(invitation, now, cid)

    def _accept(self, invitation: Invitation, now: datetime, cid: str) -> None:
        volunteer = self.store.get_volunteer(invitation.volunteer_id)
        if volunteer is None:
            return
        invited_as = SlotKind(invitation.role, invitation.skill)
        for _ in range(6):  # a few rounds: another opt-in may take the seat we aimed for
            found = self.store.get_project(invitation.project_id)
            if found is None:
                return
            project, slots = found.project, found.slots
            seats = choose_slot(volunteer, invited_as, slots) if project.status == "matching" else []
            if not seats:
                self._close(invitation, "team_full", now, cid)
                return
            outcome = self.store.accept_invitation(invitation, project, seats[0].index, now)
            if outcome is AcceptOutcome.SLOT_TAKEN:
                continue
            if outcome is AcceptOutcome.JOINED:
                self.log.info("volunteer joined team", extra={"project_id": project.project_id, "slot": seats[0].index})
                self._tell(invitation, "joined", cid)
                self.finish_if_full(project.project_id, now, cid)
                if volunteer.active_projects + 1 >= volunteer.max_active_projects:
                    self._release_other_invitations(volunteer.volunteer_id, invitation.invitation_id, now, cid)
            elif outcome is AcceptOutcome.TEAM_FULL:
                self._close(invitation, "team_full", now, cid)
            elif outcome is AcceptOutcome.AT_LIMIT:
                self._close(invitation, "declined", now, cid, tell="at_limit")
            elif outcome is AcceptOutcome.EXPIRED:
                self._close(invitation, "expired", now, cid)
            return  # NOT_PENDING: already answered, nothing to do
        self._close(invitation, "team_full", now, cid)

    def _close(self, invitation: Invitation, status: str, now: datetime, cid: str, tell: str | None = None) -> None:
        if self.store.close_invitation(invitation, status, now):
            self._tell(invitation, tell or status, cid)

    def _tell(self, invitation: Invitation, outcome: str, cid: str) -> None:
        self.publish(
            "notify",
            [
                AnswerOutcomeV1(
                    correlation_id=cid,
                    invitation_id=invitation.invitation_id,
                    project_id=invitation.project_id,
                    outcome=outcome,  # type: ignore[arg-type]
                )
            ],
        )

    def _release_other_invitations(self, volunteer_id: str, joined: str, now: datetime, cid: str) -> None:
        """A volunteer at their project limit cannot take another seat: withdraw their other open
        invitations now, so those seats are offered to someone else at once."""
        others = [i for i in self.store.invitations_of_volunteer(volunteer_id) if i.invitation_id != joined]
        for invitation in self.withdraw(others, "volunteer_busy", now, cid):
            self.top_up(invitation.project_id, now, cid)

    # --- finishing --------------------------------------------------------------------------

    def finish_if_full(self, project_id: str, now: datetime, cid: str) -> None:
        """All seats filled: introduce the team (publish first: notify sends once), mark staffed,
        and withdraw the invitations still out."""
        found = self.store.get_project(project_id)
        if found is not None:
            self._finish(found, now, cid)

    def _finish(self, found: ProjectRecord, now: datetime, cid: str) -> None:
        project, project_id = found.project, found.project.project_id
        if project.status != "matching" or any(s.volunteer_id is None for s in found.slots):
            return
        self.publish("notify", [ProjectStaffedV1(correlation_id=cid, project_id=project_id)])
        self.store.transition_project(project, "staffed", from_statuses=["matching"], now=now, staffed_at=now)
        self.log.info("project staffed", extra={"project_id": project_id})
        self.withdraw(found.invitations, "team_filled", now, cid)

    def withdraw(self, invitations: list[Invitation], reason: str, now: datetime, cid: str) -> list[Invitation]:
        """Close the still-pending ones as withdrawn and tell each volunteer why; returns them."""
        withdrawn = [
            i for i in invitations if i.status == "pending" and self.store.close_invitation(i, "withdrawn", now)
        ]
        if withdrawn:
            self.publish(
                "notify",
                [
                    InvitationWithdrawnV1(
                        correlation_id=cid,
                        invitation_id=i.invitation_id,
                        project_id=i.project_id,
                        reason=reason,  # type: ignore[arg-type]
                    )
                    for i in withdrawn
                ],
            )
        return withdrawn

    # --- the schedule -----------------------------------------------------------------------

    def tick(self, now: datetime, correlation_id: str) -> dict[str, int]:
        """Expire overdue invitations, then top up every project still matching."""
        expired = 0
        for invitation in self.store.pending_invitations_expiring_before(now):
            if self.store.close_invitation(invitation, "expired", now):
                expired += 1
        projects = sorted(
            self.store.projects_with_status("matching"), key=lambda p: (p.election_date, -p.priority, p.created_at)
        )
        sent = 0
        for project in projects:
            sent += self.top_up(project.project_id, now, correlation_id)
        return {"expired": expired, "projects": len(projects), "invited": sent}
