"""Notify's Lambda handlers: thin adapters from SQS to the senders (by one dispatch table) and the inbox."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from services.notify import delivery
from services.notify.usecases.inbound import Inbox
from services.notify.usecases.invitation_sending import InvitationSender
from services.notify.usecases.lifecycle_sending import LifecycleSender
from services.notify.usecases.outbound import Outbound
from services.notify.usecases.selfservice_sending import SelfServiceSender
from shared.aws import client
from shared.batch import Routes, consume, consume_raw
from shared.events import (
    AnswerOutcomeV1,
    AnswerOutcomeV2,
    CampaignReceivedV1,
    CheckinRequestedV1,
    ConfirmationRequestedV1,
    Event,
    InvitationIssuedV1,
    InvitationReminderV1,
    InvitationWithdrawnV1,
    InvitationWithdrawnV2,
    ProjectClosedV1,
    ProjectDeclinedV1,
    ProjectKickedOffV1,
    ProjectStaffedV1,
    ReplyAcknowledgedV1,
    ReplyAcknowledgedV2,
    TeamThankedV1,
    VolunteerLeftV1,
    VolunteerNoticeV1,
    dump,
)
from shared.models import utcnow
from shared.observability import get_logger
from shared.publisher import publish, queue_url
from shared.settings import get_settings
from shared.storage import main_store
from shared.storage.contact import contact_state

logger = get_logger("notify")


def defer(event: Event, delay_seconds: int) -> None:
    """Put an event back on the notify queue, invisible for a while (a text in quiet hours)."""
    client("sqs").send_message(
        QueueUrl=queue_url("notify"), MessageBody=dump(event), DelaySeconds=min(900, max(0, delay_seconds))
    )


def send_routes(out: Outbound) -> Routes:
    """Notify's dispatch table: each event the notify queue carries -> the sender that writes it."""
    invitations, lifecycle, selfservice = InvitationSender(out), LifecycleSender(out), SelfServiceSender(out)
    return {
        CampaignReceivedV1: invitations.campaign_received,
        InvitationIssuedV1: invitations.invitation,
        InvitationReminderV1: invitations.reminder,
        AnswerOutcomeV1: invitations.answer_outcome,
        AnswerOutcomeV2: invitations.answer_outcome_v2,
        InvitationWithdrawnV1: invitations.withdrawn,
        InvitationWithdrawnV2: invitations.withdrawn_v2,
        ReplyAcknowledgedV1: invitations.reply_unclear,
        ReplyAcknowledgedV2: invitations.reply_unclear_v2,
        ProjectStaffedV1: invitations.team_intro,
        ProjectDeclinedV1: invitations.project_declined,
        ProjectKickedOffV1: lifecycle.kickoff,
        CheckinRequestedV1: lifecycle.checkin,
        ProjectClosedV1: lifecycle.closed,
        VolunteerLeftV1: lifecycle.volunteer_left,
        TeamThankedV1: lifecycle.thank_you,
        ConfirmationRequestedV1: selfservice.confirmation,
        VolunteerNoticeV1: selfservice.notice,
    }


_NOTES = {f"{s.model_fields['type'].default}.v2" for s in (AnswerOutcomeV2, InvitationWithdrawnV2, ReplyAcknowledgedV2)}


def _bodies(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The batch's bodies that parse as JSON objects; one that does not is left to the batch's own
    handling (it fails there, alone)."""
    out = []
    for record in records:
        try:
            body = json.loads(record.get("body") or "")
        except ValueError:
            continue
        if isinstance(body, dict):
            out.append(body)
    return out


_INVITEES = {s.model_fields["type"].default for s in (InvitationIssuedV1, InvitationReminderV1)}


def _issued(bodies: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(project id, invitation id) of the batch's invitations and reminders (a tick publishes a
    round's reminders together, as a wave its invitations)."""
    out = []
    for body in bodies:
        if body.get("type") not in _INVITEES:
            continue
        if isinstance(body.get("project_id"), str) and isinstance(body.get("invitation_id"), str):
            out.append((body["project_id"], body["invitation_id"]))
    return out


def _notes(bodies: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    """(project id, volunteer id, email key or None) of the batch's V2 notes to volunteers."""
    out = []
    for body in bodies:
        if f"{body.get('type')}.v{body.get('version')}" not in _NOTES:
            continue
        project_id, volunteer_id, email_key = body.get("project_id"), body.get("volunteer_id"), body.get("email_key")
        if isinstance(project_id, str) and isinstance(volunteer_id, str):
            out.append((project_id, volunteer_id, email_key if isinstance(email_key, str) else None))
    return out


def on_send(event: dict[str, Any], context: Any) -> dict[str, Any]:
    delivery.register_context(context)
    out = Outbound(main_store(), get_settings(), logger, contact_state(), defer)  # one per batch: reads reused
    bodies = _bodies(event.get("Records", []))
    issued, notes = _issued(bodies), _notes(bodies)
    try:
        if issued:
            out.read_ahead(issued)
        if notes:
            out.read_for_notes(notes)
    except Exception:  # a read that failed here is made again by each message: it fails there, alone
        logger.warning("read ahead failed; each message reads its own", exc_info=True)
    return consume(event, context, queue="notify", logger=logger, routes=send_routes(out))


def on_inbound(event: dict[str, Any], context: Any) -> dict[str, Any]:
    delivery.register_context(context)
    inbox = Inbox(main_store(), publish, logger, contact_state(), get_settings())

    def handle(record: SQSRecord) -> None:
        inbox.handle(record.body, utcnow(), record.message_id)

    return consume_raw(event, context, logger=logger, handle=handle)
