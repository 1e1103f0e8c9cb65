"""Outbound: turn each notify event into the emails and texts it calls for, sent once each.

Every message has a key naming what a person sees (invitation + message kind), so redelivery never
sends it twice (delivery.py). Nothing goes to a suppressed or unsubscribed address, and texts go
only to consenting, not-opted-out numbers, outside quiet hours: a text that must wait is handed
back to the queue with a delay (`defer`), and the email already sent is not sent again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

from aws_lambda_powertools import Logger

from services.notify import delivery
from services.notify.domain import messages, mime, sms
from services.notify.domain.tokens import reply_address, sign
from shared import unsubscribe
from shared.events import (
    AnswerOutcomeV1,
    CampaignReceivedV1,
    Event,
    InvitationIssuedV1,
    InvitationReminderV1,
    InvitationWithdrawnV1,
    ProjectDeclinedV1,
    ProjectStaffedV1,
    ReplyAcknowledgedV1,
)
from shared.models import Campaign, Invitation, Project, Slot, Volunteer, email_hash, utcnow
from shared.secrets import get_secret
from shared.settings import Settings
from shared.storage import Store
from shared.storage.campaigns import ProjectRecord
from shared.storage.contact import ContactState

Defer = Callable[[Event, int], None]  # put the event back on the queue, visible after N seconds
MAX_DELAY_SECONDS = 900  # SQS's limit; a longer wait is several hops


class Sender:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        logger: Logger,
        contacts: ContactState,
        defer: Defer,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        """One Sender per invocation: it reuses what it read for the rest of the batch (a wave's
        invitations to one project arrive together)."""
        self.store = store
        self.settings = settings
        self.log = logger
        self.contacts = contacts
        self.defer = defer
        self.now = now or utcnow
        self._records: dict[str, ProjectRecord] = {}
        self._campaigns: dict[str, Campaign] = {}

    def _footer(self, address: str | None) -> dict[str, str]:
        """The postal address, and a one-click unsubscribe link when the email has one reader."""
        link = ""
        if address:
            token = unsubscribe.sign(email_hash(address), get_secret("reply-token-key").encode())
            link = unsubscribe.url(self.settings.public_url, token)
        return {"postal_address": self.settings.postal_address, "unsubscribe_url": link}

    def handle(self, event: Event) -> None:
        if isinstance(event, InvitationIssuedV1):
            self.invitation(event)
        elif isinstance(event, InvitationReminderV1):
            self.reminder(event)
        elif isinstance(event, CampaignReceivedV1):
            self.campaign_received(event.campaign_id)
        elif isinstance(event, AnswerOutcomeV1):
            self.volunteer_note(event.project_id, event.invitation_id, event.outcome)
        elif isinstance(event, InvitationWithdrawnV1):
            kind = "released" if event.reason == "volunteer_busy" else "withdrawn"
            self.volunteer_note(event.project_id, event.invitation_id, kind)
        elif isinstance(event, ReplyAcknowledgedV1):
            self.volunteer_note(event.project_id, event.invitation_id, "unclear", suffix=event.event_id)
        elif isinstance(event, ProjectStaffedV1):
            self.team_intro(event.project_id)
        elif isinstance(event, ProjectDeclinedV1):
            self.project_declined(event.project_id, event.reason)
        else:
            from services.notify.lifecycle_sending import LIFECYCLE_EVENTS, LifecycleSender

            if isinstance(event, LIFECYCLE_EVENTS):
                LifecycleSender(self).handle(event)

    # --- loading: one read of the project's partition gives the project, seats and invitations -

    def _record(self, project_id: str, fresh: bool = False) -> ProjectRecord:
        if fresh or project_id not in self._records:
            found = self.store.campaigns.get_project(project_id)
            if found is None:
                raise LookupError(f"project {project_id} not found")
            self._records[project_id] = found
        return self._records[project_id]

    def _campaign(self, project: Project) -> Campaign:
        if project.campaign_id not in self._campaigns:
            campaign = self.store.campaigns.get_campaign(project.campaign_id)
            if campaign is None:
                raise LookupError(f"campaign {project.campaign_id} not found")
            self._campaigns[project.campaign_id] = campaign
        return self._campaigns[project.campaign_id]

    def _team(self, slots: list[Slot]) -> list[tuple[Slot, Volunteer]]:
        if not any(s.volunteer_id for s in slots):
            return []
        people = self.store.volunteers.get_volunteers(s.volunteer_id for s in slots if s.volunteer_id)
        return [(s, people[s.volunteer_id]) for s in slots if s.volunteer_id in people]

    def _invitee(self, record: ProjectRecord, invitation_id: str, fresh: bool = False) -> tuple[Invitation, Volunteer]:
        invitation = next((i for i in record.invitations if i.invitation_id == invitation_id), None)
        if invitation is None or fresh:  # newer than the copy read earlier in this batch
            record = self._record(record.project.project_id, fresh=True)
            invitation = next((i for i in record.invitations if i.invitation_id == invitation_id), None)
        if invitation is None:
            raise LookupError(f"invitation {invitation_id} not found")
        volunteer = self.store.volunteers.get_volunteer(invitation.volunteer_id)
        if volunteer is None:
            raise LookupError(f"volunteer {invitation.volunteer_id} not found")
        return invitation, volunteer

    # --- channels ---------------------------------------------------------------------------

    def _mailable(self, people: list[tuple[str, str]]) -> list[tuple[str, str]]:
        suppressed = self.contacts.suppressed([email_hash(address) for _, address in people])
        kept = [(name, address) for name, address in people if email_hash(address) not in suppressed]
        if len(kept) < len(people):
            self.log.info("suppressed recipients left out", extra={"count": len(people) - len(kept)})
        return kept

    def _email(
        self,
        key: str,
        build: Callable[[str | None], messages.Content],
        to: list[tuple[str, str]],
        reply_to: str | None = None,
    ) -> None:
        """Render (with a personal unsubscribe link when there is one reader) and send once."""
        to = self._mailable(to)
        if not to:
            self.log.info("not sent: every recipient is suppressed", extra={"message_key": key})
            return
        content = build(to[0][1] if len(to) == 1 else None)
        one_reader = len(to) == 1
        message = mime.build(
            content,
            sender=self.settings.sender,
            to=to,
            reply_to=reply_to,
            unsubscribe_url=self._footer(to[0][1])["unsubscribe_url"] if one_reader else None,
            unsubscribe_mailto=None,
            message_key=key,
        )
        delivery.deliver_email(key, message.as_bytes())
        self.log.info("email sent", extra={"message_key": key})

    def _may_text(self, volunteer: Volunteer) -> bool:
        if not (volunteer.sms_consent and volunteer.phone) or volunteer.sms_opt_out:
            return False
        return not self.contacts.sms_state(volunteer.phone).get("opted_out", False)

    def _text(self, event: Event, key: str, volunteer: Volunteer, text: str) -> None:
        """Text a consenting volunteer once per key; in quiet hours hand the event back to wait."""
        if not self._may_text(volunteer):
            return
        assert volunteer.phone is not None
        now = self.now()
        quiet = sms.quiet_hours(os.environ.get("TFC_SMS_QUIET_HOURS", "21-9"))
        place = volunteer.current_location
        wake = sms.quiet_until(now, place.state, *quiet, city=place.city, country=place.country) if quiet else None
        if wake is not None:
            delay = max(1, min(MAX_DELAY_SECONDS, int((wake - now).total_seconds()) + 1))
            self.defer(event, delay)
            self.log.info("text waits for the end of quiet hours", extra={"message_key": key, "delay": delay})
            return
        if not self.contacts.sms_state(volunteer.phone).get("disclosed"):
            # The first text after consent says who we are, how often, rates, STOP and HELP.
            delivery.deliver_sms(f"sms:{email_hash(volunteer.phone)}:disclosure", volunteer.phone, sms.disclosure())
            self.contacts.mark_disclosed(volunteer.phone, now)
        delivery.deliver_sms(key, volunteer.phone, text)
        self.log.info("text sent", extra={"message_key": key})

    # --- messages ---------------------------------------------------------------------------

    def invitation(self, event: InvitationIssuedV1) -> None:
        record = self._record(event.project_id)
        invitation, volunteer = self._invitee(record, event.invitation_id)
        if invitation.status != "pending" or invitation.expires_at <= self.now():
            self.log.info("invitation no longer open; not sent", extra={"invitation_id": invitation.invitation_id})
            return
        project = record.project
        token = sign(invitation.invitation_id, invitation.expires_at, get_secret("reply-token-key").encode())
        if not volunteer.email_opt_out:
            team = self._team(record.slots)
            self._email(
                f"invitation:{invitation.invitation_id}:invite:email",
                lambda addr: messages.invitation(volunteer, project, invitation, team, self._footer(addr)),
                [(volunteer.name, volunteer.email)],
                reply_address(token, self.settings.reply_domain),
            )
        code = sms.short_code(invitation.invitation_id)
        text = sms.invitation(project.candidate_name, project.title, project.hours_per_week, project.weeks, code)
        self._text(event, f"invitation:{invitation.invitation_id}:invite:sms", volunteer, text)

    def reminder(self, event: InvitationReminderV1) -> None:
        record = self._record(event.project_id)
        invitation, volunteer = self._invitee(record, event.invitation_id, fresh=True)
        if invitation.status != "pending" or invitation.expires_at <= self.now():
            return  # answered, withdrawn or closed since the tick published it
        project = record.project
        token = sign(invitation.invitation_id, invitation.expires_at, get_secret("reply-token-key").encode())
        if not volunteer.email_opt_out:
            self._email(
                f"invitation:{invitation.invitation_id}:reminder:email",
                lambda addr: messages.reminder(volunteer, project, invitation, self._footer(addr)),
                [(volunteer.name, volunteer.email)],
                reply_address(token, self.settings.reply_domain),
            )
        text = sms.reminder(project.candidate_name, project.title, sms.short_code(invitation.invitation_id))
        self._text(event, f"invitation:{invitation.invitation_id}:reminder:sms", volunteer, text)

    def campaign_received(self, campaign_id: str) -> None:
        campaign = self.store.campaigns.get_campaign(campaign_id)
        if campaign is None:
            raise LookupError(f"campaign {campaign_id} not found")
        projects = self.store.campaigns.get_projects(campaign.project_ids)
        self._email(
            f"campaign:{campaign_id}:received",
            lambda addr: messages.campaign_received(campaign, projects, self._footer(addr)),
            [(campaign.contact.name, campaign.contact.email)],
        )

    def project_declined(self, project_id: str, reason: str) -> None:
        project = self._record(project_id).project
        campaign = self._campaign(project)
        self._email(
            f"project:{project_id}:declined",
            lambda addr: messages.project_declined(campaign, project, reason, self._footer(addr)),
            [(campaign.contact.name, campaign.contact.email)],
        )

    def volunteer_note(self, project_id: str, invitation_id: str, outcome: str, suffix: str = "") -> None:
        record = self._record(project_id)
        _, volunteer = self._invitee(record, invitation_id)
        if volunteer.email_opt_out:
            return
        key = f"invitation:{invitation_id}:{outcome}" + (f":{suffix}" if suffix else "")
        self._email(
            key,
            lambda addr: messages.outcome(outcome, volunteer, record.project, self._footer(addr)),
            [(volunteer.name, volunteer.email)],
        )

    def team_intro(self, project_id: str) -> None:
        record = self._record(project_id, fresh=True)  # every seat, as filled now
        project, campaign = record.project, self._campaign(record.project)
        team = self._team(record.slots)
        to = [(v.name, v.email) for _, v in team if not v.email_opt_out]
        self._email(
            f"project:{project_id}:team_intro",
            lambda addr: messages.team_intro(project, campaign, team, self._footer(addr)),
            [*to, (campaign.contact.name, campaign.contact.email)],
        )
        self._email(
            f"project:{project_id}:staffed",
            lambda addr: messages.project_staffed(project, campaign, team, self._footer(addr)),
            [(campaign.contact.name, campaign.contact.email)],
        )
