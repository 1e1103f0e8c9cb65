"""Matching's Lambda handlers: thin adapters from SQS and the schedule to the staffing use cases."""

from __future__ import annotations

from typing import Any

from services.matching.lifecycle import Lifecycle
from services.matching.staffing import Staffing
from shared.batch import consume
from shared.events import (
    CheckinAnsweredV1,
    Event,
    InvitationAnsweredV1,
    ProjectApprovedV1,
    ProjectCommandV1,
    ResultReportedV1,
    VolunteerInviteRequestedV1,
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


def on_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    staffing = _staffing()
    settings = get_settings()
    lifecycle = Lifecycle(
        main_store(), publish, logger, settings.invitation_ttl_seconds, settings.max_pending_invitations
    )

    def handle(parsed: Event) -> None:
        if isinstance(parsed, ProjectApprovedV1):
            # Nothing to do now: the next wave (the schedule's tick) allocates across every open
            # project at once, this one included.
            logger.info("project approved; invited in the next wave", extra={"project_id": parsed.project_id})
        elif isinstance(parsed, InvitationAnsweredV1):
            staffing.apply_answer(parsed, utcnow())
        elif isinstance(parsed, ProjectCommandV1):
            lifecycle.command(parsed, utcnow())
        elif isinstance(parsed, CheckinAnsweredV1):
            lifecycle.answer_checkin(parsed.project_id, parsed.week, parsed.text, utcnow())
        elif isinstance(parsed, ResultReportedV1):
            lifecycle.report_result(parsed.project_id, parsed.kind, parsed.text, utcnow(), parsed.correlation_id)
        elif isinstance(parsed, WaveRequestedV1):
            # A repeat delivery is harmless: a wave only asks for what open seats still need.
            staffing.wave(utcnow(), parsed.correlation_id, [parsed.project_id])
        elif isinstance(parsed, VolunteerInviteRequestedV1):
            outcome = staffing.invite_chosen(parsed.project_id, parsed.volunteer_id, utcnow(), parsed.correlation_id)
            logger.info("staff invitation", extra={"project_id": parsed.project_id, "outcome": outcome})

    return consume(event, context, queue="matching", logger=logger, handle=handle)


def on_tick(event: dict[str, Any], context: Any) -> dict[str, Any]:
    with correlation(logger, new_correlation_id()) as cid:
        figures = _staffing().tick(utcnow(), cid)
        logger.info("matching tick", extra=figures)
        return figures


def on_lifecycle_tick(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Weekly check-ins, attention from their answers, and the phase end of active projects."""
    with correlation(logger, new_correlation_id()) as cid:
        figures = Lifecycle(main_store(), publish, logger).tick(utcnow(), cid)
        logger.info("lifecycle tick", extra=figures)
        return figures
