"""Outbound: turn each notify event into the emails and texts it calls for, sent once each."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from services.notify import delivery
from services.notify.domain import messages, mime
from services.notify.domain.tokens import reply_address, sign
from shared.events import (
    AnswerOutcomeV1,
    CampaignReceivedV1,
    Event,
    InvitationIssuedV1,
    InvitationWithdrawnV1,
    ProjectStaffedV1,
    ReplyAcknowledgedV1,
)
from shared.models import Campaign, Invitation, Project, Slot, Volunteer
from shared.secrets import get_secret
from shared.settings import Settings
from shared.storage import Store
from shared.storage.store import ProjectRecord


class Sender:
    def __init__(self, store: Store, settings: Settings, logger: Logger) -> None:
        """One Sender per invocation: it reuses what it read for the rest of the batch (a wave's
        invitations to one project arrive together)."""
        self.store = store
        self.settings = settings
        self.log = logger
        self._records: dict[str, ProjectRecord] = {}
        self._campaigns: dict[str, Campaign] = {}

    @property
    def footer(self) -> dict[str, str]:
        return {"postal_address": self.settings.postal_address, "unsubscribe_url": ""}

    def handle(self, event: Event) -> None:
        if isinstance(event, InvitationIssuedV1):
            self.invitation(event.project_id, event.invitation_id)
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

    # --- loading: one read of the project's partition gives the project, seats and invitations -

    def _record(self, project_id: str, fresh: bool = False) -> ProjectRecord:
        if fresh or project_id not in self._records:
            found = self.store.get_project(project_id)
            if found is None:
                raise LookupError(f"project {project_id} not found")
            self._records[project_id] = found
        return self._records[project_id]

    def _campaign(self, project: Project) -> Campaign:
        if project.campaign_id not in self._campaigns:
            campaign = self.store.get_campaign(project.campaign_id)
            if campaign is None:
                raise LookupError(f"campaign {project.campaign_id} not found")
            self._campaigns[project.campaign_id] = campaign
        return self._campaigns[project.campaign_id]

    def _team(self, slots: list[Slot]) -> list[tuple[Slot, Volunteer]]:
        if not any(s.volunteer_id for s in slots):
            return []
        people = self.store.get_volunteers(s.volunteer_id for s in slots if s.volunteer_id)
        return [(s, people[s.volunteer_id]) for s in slots if s.volunteer_id in people]

    def _invitee(self, record: ProjectRecord, invitation_id: str) -> tuple[Invitation, Volunteer]:
        invitation = next((i for i in record.invitations if i.invitation_id == invitation_id), None)
        if invitation is None:  # newer than the copy read earlier in this batch
            record = self._record(record.project.project_id, fresh=True)
            invitation = next((i for i in record.invitations if i.invitation_id == invitation_id), None)
        if invitation is None:
            raise LookupError(f"invitation {invitation_id} not found")
        volunteer = self.store.get_volunteer(invitation.volunteer_id)
        if volunteer is None:
            raise LookupError(f"volunteer {invitation.volunteer_id} not found")
        return invitation, volunteer

    # --- messages ---------------------------------------------------------------------------

    def _email(
        self, key: str, content: messages.Content, to: list[tuple[str, str]], reply_to: str | None = None
    ) -> None:
        message = mime.build(
            content,
            sender=self.settings.sender,
            to=to,
            reply_to=reply_to,
            unsubscribe_url=None,
            unsubscribe_mailto=None,
            message_key=key,
        )
        delivery.deliver_email(key, message.as_bytes())
        self.log.info("email sent", extra={"message_key": key})

    def invitation(self, project_id: str, invitation_id: str) -> None:
        record = self._record(project_id)
        invitation, volunteer = self._invitee(record, invitation_id)
        if invitation.status != "pending":
            self.log.info("invitation no longer pending; not sent", extra={"invitation_id": invitation_id})
            return
        if volunteer.email_opt_out:
            return
        project = record.project
        key = get_secret("reply-token-key").encode()
        token = sign(invitation.invitation_id, invitation.expires_at, key)
        content = messages.invitation(volunteer, project, invitation, self._team(record.slots), self.footer)
        self._email(
            f"invitation:{invitation_id}:invite:email",
            content,
            [(volunteer.name, volunteer.email)],
            reply_address(token, self.settings.reply_domain),
        )
        if volunteer.sms_consent and volunteer.phone and not volunteer.sms_opt_out:
            delivery.deliver_sms(
                f"invitation:{invitation_id}:invite:sms", volunteer.phone, messages.sms_invitation(project, invitation)
            )

    def campaign_received(self, campaign_id: str) -> None:
        campaign = self.store.get_campaign(campaign_id)
        if campaign is None:
            raise LookupError(f"campaign {campaign_id} not found")
        projects = self.store.get_projects(campaign.project_ids)
        content = messages.campaign_received(campaign, projects, self.footer)
        self._email(f"campaign:{campaign_id}:received", content, [(campaign.contact.name, campaign.contact.email)])

    def volunteer_note(self, project_id: str, invitation_id: str, outcome: str, suffix: str = "") -> None:
        record = self._record(project_id)
        _, volunteer = self._invitee(record, invitation_id)
        if volunteer.email_opt_out:
            return
        content = messages.outcome(outcome, volunteer, record.project, self.footer)
        key = f"invitation:{invitation_id}:{outcome}" + (f":{suffix}" if suffix else "")
        self._email(key, content, [(volunteer.name, volunteer.email)])

    def team_intro(self, project_id: str) -> None:
        record = self._record(project_id, fresh=True)  # every seat, as filled now
        project, campaign = record.project, self._campaign(record.project)
        team = self._team(record.slots)
        content = messages.team_intro(project, campaign, team, self.footer)
        to = [(v.name, v.email) for _, v in team] + [(campaign.contact.name, campaign.contact.email)]
        self._email(f"project:{project_id}:team_intro", content, to)
