"""Matching's Lambda handlers: thin adapters from SQS and the schedule to the staffing use cases."""

from __future__ import annotations

from typing import Any

from services.matching.usecases.lifecycle import Lifecycle
from services.matching.usecases.revival import revive
from services.matching.usecases.selfservice_tick import announce_resumptions, purge_expired_pending
from services.matching.usecases.staffing import Staffing
from shared.batch import Routes, consume
from shared.events import (
    CheckinAnsweredV1,
    InvitationAnsweredV1,
    InvitationAnsweredV2,
    ProjectApprovedV1,
    ProjectCommandV1,
    ResultReportedV1,
    VolunteerInviteRequestedV1,
    VolunteersAvailableV1,
    WaveRequestedV1,
)
from shared.models import utcnow
from shared.observability import correlation, get_logger, new_correlation_id
from shared.publisher import publish
from shared.settings import get_settings
from shared.storage import main_store

logger = get_logger("matching")


def _staffing() -> Staffing:
    return Staffing(main_store(), publish, get_settings(), logger)


def routes(staffing: Staffing, lifecycle: Lifecycle) -> Routes:
    """Matching's dispatch table: each event the matching queue carries -> its use case."""

    def approved(event: ProjectApprovedV1) -> None:
        # Nothing to do now: the next wave (the schedule's tick) allocates across every open
        # project at once, this one included.
        logger.info("project approved; invited in the next wave", extra={"project_id": event.project_id})

    def wave_requested(event: WaveRequestedV1) -> None:
        # A repeat delivery is harmless: a wave only asks for what open seats still need.
        staffing.wave(utcnow(), event.correlation_id, [event.project_id])

    def invite_requested(event: VolunteerInviteRequestedV1) -> None:
        outcome = staffing.invite_chosen(event.project_id, event.volunteer_id, utcnow(), event.correlation_id)
        logger.info("staff invitation", extra={"project_id": event.project_id, "outcome": outcome})

    def available(event: VolunteersAvailableV1) -> None:
        # A repeat delivery finds the projects already moved: the guarded move happens once.
        revive(staffing.store, staffing, event, utcnow(), staffing.config.max_waves, logger)

    def answered(event: InvitationAnsweredV1) -> None:
        staffing.apply_answer(event, utcnow())

    def answered_v2(event: InvitationAnsweredV2) -> None:
        staffing.apply_answer(event, utcnow())

    def command(event: ProjectCommandV1) -> None:
        lifecycle.command(event, utcnow())

    def checkin_answered(event: CheckinAnsweredV1) -> None:
        lifecycle.answer_checkin(event.project_id, event.week, event.text, utcnow())

    def result_reported(event: ResultReportedV1) -> None:
        lifecycle.report_result(event.project_id, event.kind, event.text, utcnow(), event.correlation_id)

    return {
        ProjectApprovedV1: approved,
        InvitationAnsweredV1: answered,
        InvitationAnsweredV2: answered_v2,
        ProjectCommandV1: command,
        CheckinAnsweredV1: checkin_answered,
        ResultReportedV1: result_reported,
        WaveRequestedV1: wave_requested,
        VolunteerInviteRequestedV1: invite_requested,
        VolunteersAvailableV1: available,
    }


def on_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    settings = get_settings()
    lifecycle = Lifecycle(
        main_store(), publish, logger, settings.invitation_ttl_seconds, settings.max_pending_invitations
    )
    return consume(event, context, queue="matching", logger=logger, routes=routes(_staffing(), lifecycle))


def on_tick(event: dict[str, Any], context: Any) -> dict[str, Any]:
    with correlation(logger, new_correlation_id()) as cid:
        figures = _staffing().tick(utcnow(), cid)
        logger.info("matching tick", extra=figures)
        return figures


def on_lifecycle_tick(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Weekly check-ins, attention from their answers, and the phase end of active projects."""
    with correlation(logger, new_correlation_id()) as cid:
        figures = Lifecycle(main_store(), publish, logger).tick(utcnow(), cid)
        figures["pauses_ended"] = announce_resumptions(main_store(), publish, utcnow(), cid)
        figures["unconfirmed_deleted"] = purge_expired_pending(main_store(), utcnow())
        logger.info("lifecycle tick", extra=figures)
        return figures
