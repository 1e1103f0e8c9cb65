"""Matching's use cases: waves of invitations, answers, expiries, reminders, finished teams.

Invitations go out only in waves (the schedule's tick), each across every open project at once
(wave.py); approvals, declines and expiries simply leave seats for the next wave. Each step is
idempotent: invitation ids are derived from (project, volunteer) so a retried wave creates
nothing twice, answers move an invitation out of `pending` exactly once, and every count is
guarded by a conditional write in the store.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from services.matching.config import MatchingConfig, matching_config
from services.matching.domain.candidates import Candidate, SlotKind, choose_slot
from services.matching.domain.chosen import seat_for
from services.matching.domain.lifecycle import after_refill
from services.matching.usecases.records import RECORDS, RecordCache
from services.matching.usecases.wave import Wave, WaveResult
from shared import caches
from shared.events import (
    AnswerOutcomeV2,
    Event,
    InvitationAnsweredV1,
    InvitationAnsweredV2,
    InvitationIssuedV1,
    InvitationReminderV1,
    InvitationWithdrawnV2,
    ProjectStaffedV1,
)
from shared.ids import derived_id
from shared.models import Invitation
from shared.settings import Settings
from shared.storage import AcceptOutcome, InviteOutcome, Store
from shared.storage.campaigns import ProjectRecord
from shared.storage.invitations import InvitationKey, InvitationRef

Publish = Callable[[str, Sequence[Event]], None]
REPUBLISH_AFTER = timedelta(seconds=60)
ALL_PENDING = timedelta(days=3650)  # "expiring before now + this": every pending invitation
POOL_TTL_SECONDS = 300.0  # a backstop: a pool whose change token was never written is re-read this often


class PoolCache:
    """Candidate pools by skill, shared by the invocations of one warm container. Each use checks
    the pool's change token (one GetItem) and re-reads the pool (a paginated Query) only when it
    changed, so a volunteer who signed up a second ago is in the next wave."""

    def __init__(self, ttl: float = POOL_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._pools: dict[str, tuple[float, str | None, list[Candidate]]] = {}

    def get(self, store: Store, key: str) -> list[Candidate]:
        token = store.volunteers.pool_token(key)  # read before the pool: a change after it shows next time
        with self._lock:
            cached = self._pools.get(key)
            if cached and cached[1] == token and time.monotonic() - cached[0] < self.ttl:
                return cached[2]
        pool = [Candidate.from_pool(r) for r in store.volunteers.pool(key)]
        with self._lock:
            self._pools[key] = (time.monotonic(), token, pool)
        return pool

    def clear(self) -> None:
        with self._lock:
            self._pools.clear()


POOLS = PoolCache()
caches.register(POOLS.clear)


class Staffing:
    def __init__(
        self,
        store: Store,
        publish: Publish,
        settings: Settings,
        logger: Logger,
        pools: PoolCache = POOLS,
        config: MatchingConfig | None = None,
        records: RecordCache = RECORDS,
    ) -> None:
        self.store = store
        self.publish = publish
        self.settings = settings
        self.log = logger
        self.pools = pools
        self.config = config or matching_config()
        self.waves = store.waves
        self.records = records

    def _pool(self, key: str) -> list[Candidate]:
        return self.pools.get(self.store, key)

    # --- inviting: waves ----------------------------------------------------------------------

    def wave(
        self,
        now: datetime,
        correlation_id: str,
        project_ids: list[str] | None = None,
        pending: list[Invitation] | None = None,
    ) -> WaveResult:
        """One wave across every project still matching (or just `project_ids`, each read fresh).

        Across every project, partitions come from the container's RecordCache, checked against the
        matching projects' items and every pending invitation (`pending`, read here when not given):
        only changed partitions are read again (records.py)."""
        if project_ids is None:
            projects = self.store.campaigns.projects_with_status("matching")
            if pending is None:
                pending = self.store.invitations.pending_invitations_expiring_before(now + ALL_PENDING)
            candidates = self.records.records(self.store, projects, pending)
        else:
            candidates = [r for r in map(self.store.campaigns.get_project, project_ids) if r is not None]
        records = []
        for found in candidates:
            if found.project.status != "matching":
                continue
            if all(s.volunteer_id for s in found.slots):  # full, not marked staffed: a crash after the last opt-in
                self._finish(found, now, correlation_id)
                continue
            self._republish_unsent(found.invitations, now, correlation_id)
            records.append(found)
        wave = Wave(
            self.store,
            self.publish,
            self._pool,
            self.config.rules(self.settings),
            self.config,
            self.settings.invitation_ttl_seconds,
            self.log,
        )
        result = wave.run(records, now, correlation_id)
        self.records.written(self.store, result.created, result.counted)
        self.log.info("wave", extra=result.figures())
        return result

    def invite_chosen(self, project_id: str, volunteer_id: str, now: datetime, correlation_id: str) -> str:
        """Invite a volunteer staff chose, to the seat they fit, within the same limits as a wave
        (pending cap, 14-day limit, active projects, opt-out). Returns what happened. A repeat
        delivery finds the invitation written and only makes sure it was sent."""
        found = self.store.campaigns.get_project(project_id)
        volunteer = self.store.volunteers.get_volunteer(volunteer_id)
        if found is None or volunteer is None:
            return "no such project or volunteer"
        if found.project.status != "matching":
            return f"project is {found.project.status}"
        invitation_id = derived_id("i", project_id, volunteer_id)
        existing = next((i for i in found.invitations if i.invitation_id == invitation_id), None)
        if existing is not None:
            if not existing.published:
                self._send([existing], correlation_id)
            return "already invited"
        on_team = any(s.volunteer_id == volunteer_id for s in found.slots)
        seat, why_not = seat_for(found.slots, volunteer, on_team)
        if seat is None:
            return why_not
        rules = self.config.rules(self.settings)
        invitation = Invitation(
            invitation_id=invitation_id,
            project_id=project_id,
            volunteer_id=volunteer_id,
            role=seat.role,
            skill=seat.skill,
            reasons=["chosen by our staff for this project"],
            wave=max(found.project.waves, 1),
            created_at=now,
            expires_at=now + timedelta(seconds=self.settings.invitation_ttl_seconds),
        )
        state = self.waves.volunteer_states([volunteer_id]).get(volunteer_id, {})
        outcome = self.waves.create_invitation(
            invitation, state, max_pending=rules.max_pending, max_recent=rules.max_invites_14d
        )
        if outcome is not InviteOutcome.CREATED:
            return outcome.value
        self._send([invitation], correlation_id)
        return "invited"

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
        self.store.invitations.mark_invitations_published(invitations)

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

    def apply_answer(self, event: InvitationAnsweredV1 | InvitationAnsweredV2, now: datetime) -> None:
        """Apply a volunteer's yes or no. A V2 event names the invitation's project and volunteer,
        so a no is one guarded write (no read: the write's own condition says whether it was
        still pending) and a yes reads only the project's partition and the volunteer; a V1 event
        reads the invitation through its pointer first."""
        cid = event.correlation_id
        ref: InvitationKey
        email_key: str | None = None
        if isinstance(event, InvitationAnsweredV2):
            ref = InvitationRef(event.invitation_id, event.project_id, event.volunteer_id)
            email_key = event.email_key
        else:
            found = self.store.invitations.get_invitation(event.invitation_id)
            if found is None:
                self.log.warning("answer for an unknown invitation", extra={"invitation_id": event.invitation_id})
                return
            ref = found
        if event.answer == "no":  # the seat is offered again in the next wave
            if self.store.invitations.close_invitation(ref, "declined", now, event.channel, answered=True):
                self._tell(ref, "declined", cid, email_key)
            return
        self._accept(ref, now, cid, email_key)

    def _accept(self, ref: InvitationKey, now: datetime, cid: str, email_key: str | None) -> None:
        """A yes: the seat it was for (or another it fits), guarded by the accept's transaction.
        Each round reads the partition once; the transaction also requires the team's `filled`
        as read, so a join knows whether it took the last seat without reading again."""
        volunteer = None
        for _ in range(6):  # a few rounds: another opt-in may take the seat we aimed for
            found = self.store.campaigns.get_project(ref.project_id)
            if found is None:
                return
            invitation = next((i for i in found.invitations if i.invitation_id == ref.invitation_id), None)
            if invitation is None:
                self.log.warning("answer for an unknown invitation", extra={"invitation_id": ref.invitation_id})
                return
            if invitation.status == "accepted":  # a duplicate delivery: just make sure we finished
                self._finish(found, now, cid)
                return
            if invitation.status != "pending":
                return  # answered or closed already: nothing to do
            if invitation.expires_at <= now:
                self._close(invitation, "expired", now, cid, answered=True, email_key=email_key)
                return
            if volunteer is None:
                volunteer = self.store.volunteers.get_volunteer(invitation.volunteer_id)
                if volunteer is None:
                    return
                email_key = volunteer.email_key
            project, slots = found.project, found.slots
            seats = (
                choose_slot(volunteer, SlotKind(invitation.role, invitation.skill), slots)
                if project.status == "matching"
                else []
            )
            if not seats:
                self._close(invitation, "team_full", now, cid, email_key=email_key)
                return
            outcome = self.store.invitations.accept_invitation(
                invitation, project, seats[0].index, now, seen_filled=project.filled
            )
            if outcome is AcceptOutcome.SLOT_TAKEN:
                continue
            if outcome is AcceptOutcome.JOINED:
                self.log.info("volunteer joined team", extra={"project_id": project.project_id, "slot": seats[0].index})
                self._tell(invitation, "joined", cid, email_key)
                if project.filled + 1 >= project.team_size:  # this join took the last seat
                    self.finish_if_full(project.project_id, now, cid)
                # Other invitations to withdraw only if the volunteer had any pending besides this
                # one (their guarded count, as read): saves a Query for almost every join.
                at_limit = volunteer.active_projects + 1 >= volunteer.max_active_projects
                if at_limit and volunteer.pending_invitations > 1:
                    self._release_other_invitations(
                        volunteer.volunteer_id, invitation.invitation_id, now, cid, volunteer.email_key
                    )
            # Each answer is counted once (past responsiveness) in the write that settles it: the
            # accept's transaction, or the close's.
            elif outcome is AcceptOutcome.TEAM_FULL:
                self._close(invitation, "team_full", now, cid, answered=True, email_key=email_key)
            elif outcome is AcceptOutcome.AT_LIMIT:
                self._close(invitation, "declined", now, cid, tell="at_limit", answered=True, email_key=email_key)
            elif outcome is AcceptOutcome.EXPIRED:
                self._close(invitation, "expired", now, cid, answered=True, email_key=email_key)
            return  # NOT_PENDING: already answered, nothing to do
        self._close(ref, "team_full", now, cid, email_key=email_key)

    def _close(
        self,
        invitation: InvitationKey,
        status: str,
        now: datetime,
        cid: str,
        tell: str | None = None,
        answered: bool = False,
        email_key: str | None = None,
    ) -> None:
        if self.store.invitations.close_invitation(invitation, status, now, answered=answered):
            self._tell(invitation, tell or status, cid, email_key)

    def _tell(self, invitation: InvitationKey, outcome: str, cid: str, email_key: str | None = None) -> None:
        self.publish(
            "notify",
            [
                AnswerOutcomeV2(
                    correlation_id=cid,
                    invitation_id=invitation.invitation_id,
                    project_id=invitation.project_id,
                    volunteer_id=invitation.volunteer_id,
                    email_key=email_key,
                    outcome=outcome,
                )
            ],
        )

    def _release_other_invitations(
        self, volunteer_id: str, joined: str, now: datetime, cid: str, email_key: str | None = None
    ) -> None:
        """A volunteer at their project limit cannot take another seat: withdraw their other open
        invitations now, so the next wave offers those seats to someone else."""
        others = [i for i in self.store.invitations.invitations_of_volunteer(volunteer_id) if i.invitation_id != joined]
        # They are all this volunteer's: the events carry the email key, so notify reads the
        # address's suppression with the note's other reads instead of after them.
        withdraw_invitations(self.store, self.publish, others, "volunteer_busy", now, cid, email_key)

    # --- finishing --------------------------------------------------------------------------

    def finish_if_full(self, project_id: str, now: datetime, cid: str) -> None:
        """All seats filled: introduce the team (publish first: notify sends once), mark staffed,
        and withdraw the invitations still out."""
        found = self.store.campaigns.get_project(project_id)
        if found is not None:
            self._finish(found, now, cid)

    def _finish(self, found: ProjectRecord, now: datetime, cid: str) -> None:
        project, project_id = found.project, found.project.project_id
        if project.status != "matching" or any(s.volunteer_id is None for s in found.slots):
            return
        if project.kickoff_at is not None:  # a reopened seat refilled: the phase (and its end) goes on
            self.store.campaigns.transition_project(
                project, after_refill(project.kickoff_at), from_statuses=["matching"], now=now
            )
            self.log.info("reopened seat refilled", extra={"project_id": project_id})
            self.withdraw(found.invitations, "team_filled", now, cid)
            return
        self.publish("notify", [ProjectStaffedV1(correlation_id=cid, project_id=project_id)])
        self.store.campaigns.transition_project(project, "staffed", from_statuses=["matching"], now=now, staffed_at=now)
        self.log.info("project staffed", extra={"project_id": project_id})
        self.withdraw(found.invitations, "team_filled", now, cid)

    def withdraw(self, invitations: list[Invitation], reason: str, now: datetime, cid: str) -> list[Invitation]:
        return withdraw_invitations(self.store, self.publish, invitations, reason, now, cid)

    # --- the schedule -----------------------------------------------------------------------

    def tick(self, now: datetime, correlation_id: str) -> dict[str, int | float]:
        """Expire overdue invitations, remind those about to expire, then one wave. Every pending
        invitation is read once (one gsi3 Query, paged) and serves all three."""
        pending = self.store.invitations.pending_invitations_expiring_before(now + ALL_PENDING)
        expired = 0
        still: list[Invitation] = []
        for invitation in pending:
            if invitation.expires_at < now and self.store.invitations.close_invitation(invitation, "expired", now):
                expired += 1
            elif invitation.expires_at >= now:
                still.append(invitation)
        reminded = self.remind(now, correlation_id, still)
        reads = self.records.reads
        figures = self.wave(now, correlation_id, pending=still).figures()
        return {"expired": expired, "reminded": reminded, "partitions_read": self.records.reads - reads} | figures

    def remind(self, now: datetime, correlation_id: str, pending: list[Invitation] | None = None) -> int:
        """One reminder per pending invitation inside the window before its expiry (`pending`: every
        pending invitation, read here when not given)."""
        window = self.config.reminder_window(self.settings.invitation_ttl_seconds)
        if window <= 0:
            return 0
        cutoff = now + timedelta(seconds=window)
        if pending is None:
            pending = self.store.invitations.pending_invitations_expiring_before(cutoff)
        due = [i for i in pending if now < i.expires_at < cutoff and not i.reminded]
        # The conditional write first: a reminder is sent at most once, even if two ticks overlap.
        won = [i for i, marked in zip(due, self.waves.mark_many_reminded(due), strict=True) if marked]
        if won:
            self.publish(
                "notify",
                [
                    InvitationReminderV1(
                        correlation_id=correlation_id, invitation_id=i.invitation_id, project_id=i.project_id
                    )
                    for i in won
                ],
            )
        return len(won)


def withdraw_invitations(
    store: Store,
    publish: Publish,
    invitations: list[Invitation],
    reason: str,
    now: datetime,
    cid: str,
    email_key: str | None = None,
) -> list[Invitation]:
    """Close the still-pending ones as withdrawn and tell each volunteer why; returns them.
    `email_key`: when all are one volunteer's, their address's key, carried by each event."""
    withdrawn = [
        i for i in invitations if i.status == "pending" and store.invitations.close_invitation(i, "withdrawn", now)
    ]
    if withdrawn:
        publish(
            "notify",
            [
                InvitationWithdrawnV2(
                    correlation_id=cid,
                    invitation_id=i.invitation_id,
                    project_id=i.project_id,
                    volunteer_id=i.volunteer_id,
                    email_key=email_key,
                    reason=reason,
                )
                for i in withdrawn
            ],
        )
    return withdrawn
