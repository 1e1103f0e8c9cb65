"""Recruiting messages: each notify event from intake and matching becomes the emails and texts it
calls for, sent once each through the shared plumbing (outbound.py).

Every message has a key naming what a person sees (invitation + message kind), so redelivery never
sends it twice: `invitation:<iid>:invite:email|sms`, `invitation:<iid>:reminder:email|sms`,
`invitation:<iid>:<outcome>` (joined, declined, team_full, expired, at_limit, withdrawn, released),
`invitation:<iid>:unclear:<event id>`, `campaign:<cid>:received`, `project:<pid>:declined`,
`project:<pid>:team_intro`, `project:<pid>:staffed`.
"""

from __future__ import annotations

from services.notify.domain import messages, sms
from services.notify.domain.tokens import reply_address, sign
from services.notify.usecases.outbound import Outbound
from shared.events import (
    AnswerOutcomeV1,
    AnswerOutcomeV2,
    CampaignReceivedV1,
    InvitationIssuedV1,
    InvitationReminderV1,
    InvitationWithdrawnV1,
    InvitationWithdrawnV2,
    ProjectDeclinedV1,
    ProjectStaffedV1,
    ReplyAcknowledgedV1,
    ReplyAcknowledgedV2,
)
from shared.models import Invitation
from shared.secrets import get_secret

Note = (
    AnswerOutcomeV1
    | AnswerOutcomeV2
    | InvitationWithdrawnV1
    | InvitationWithdrawnV2
    | ReplyAcknowledgedV1
    | ReplyAcknowledgedV2
)


class InvitationSender:
    def __init__(self, out: Outbound) -> None:
        self.out = out

    def _reply_to(self, invitation: Invitation) -> str:
        token = sign(invitation.invitation_id, invitation.expires_at, get_secret("reply-token-key").encode())
        return reply_address(token, self.out.settings.reply_domain)

    def invitation(self, event: InvitationIssuedV1) -> None:
        out = self.out
        record = out.record(event.project_id)
        invitation, volunteer = out.invitee(record, event.invitation_id)
        if invitation.status != "pending" or invitation.expires_at <= out.now():
            out.log.info("invitation no longer open; not sent", extra={"invitation_id": invitation.invitation_id})
            return
        project = record.project
        if not volunteer.email_opt_out:
            team = out.team(record.slots)
            out.email(
                f"invitation:{invitation.invitation_id}:invite:email",
                lambda addr: messages.invitation(
                    volunteer, project, invitation, team, out.footer(addr, volunteer_id=volunteer.volunteer_id)
                ),
                [(volunteer.name, volunteer.email)],
                self._reply_to(invitation),
            )
        code = sms.short_code(invitation.invitation_id)
        text = sms.invitation(project.candidate_name, project.title, project.hours_per_week, project.weeks, code)
        out.text(event, f"invitation:{invitation.invitation_id}:invite:sms", volunteer, text)

    def reminder(self, event: InvitationReminderV1) -> None:
        out = self.out
        # The batch's copy of the partition, read when the batch began (read_ahead), after the tick
        # published the reminder: an invitation answered since the tick is seen, and a round's
        # reminders to one project share one Query instead of one each.
        record = out.record(event.project_id)
        invitation, volunteer = out.invitee(record, event.invitation_id)
        if invitation.status != "pending" or invitation.expires_at <= out.now():
            return  # answered, withdrawn or closed since the tick published it
        project = record.project
        if not volunteer.email_opt_out:
            out.email(
                f"invitation:{invitation.invitation_id}:reminder:email",
                lambda addr: messages.reminder(
                    volunteer, project, invitation, out.footer(addr, volunteer_id=volunteer.volunteer_id)
                ),
                [(volunteer.name, volunteer.email)],
                self._reply_to(invitation),
            )
        text = sms.reminder(project.candidate_name, project.title, sms.short_code(invitation.invitation_id))
        out.text(event, f"invitation:{invitation.invitation_id}:reminder:sms", volunteer, text)

    def campaign_received(self, event: CampaignReceivedV1) -> None:
        out, campaign_id = self.out, event.campaign_id
        campaign = out.store.campaigns.get_campaign(campaign_id)
        if campaign is None:
            raise LookupError(f"campaign {campaign_id} not found")
        projects = out.store.campaigns.get_projects(campaign.project_ids)
        out.email(
            f"campaign:{campaign_id}:received",
            lambda addr: messages.campaign_received(campaign, projects, out.footer(addr, campaign_id=campaign_id)),
            [(campaign.contact.name, campaign.contact.email)],
        )

    def project_declined(self, event: ProjectDeclinedV1) -> None:
        out, project_id = self.out, event.project_id
        project = out.record(project_id).project
        campaign = out.campaign(project)
        out.email(
            f"project:{project_id}:declined",
            lambda addr: messages.project_declined(
                campaign, project, event.reason, out.footer(addr, campaign_id=campaign.campaign_id)
            ),
            [(campaign.contact.name, campaign.contact.email)],
        )

    def answer_outcome(self, event: AnswerOutcomeV1) -> None:
        self._volunteer_note(event, event.outcome)

    def answer_outcome_v2(self, event: AnswerOutcomeV2) -> None:
        self._volunteer_note(event, event.outcome)

    def withdrawn(self, event: InvitationWithdrawnV1) -> None:
        self._volunteer_note(event, "released" if event.reason == "volunteer_busy" else "withdrawn")

    def withdrawn_v2(self, event: InvitationWithdrawnV2) -> None:
        self._volunteer_note(event, "released" if event.reason == "volunteer_busy" else "withdrawn")

    def reply_unclear(self, event: ReplyAcknowledgedV1) -> None:
        # Keyed by the event too: each unclear reply gets its own acknowledgement.
        self._volunteer_note(event, "unclear", suffix=event.event_id)

    def reply_unclear_v2(self, event: ReplyAcknowledgedV2) -> None:
        self._volunteer_note(event, "unclear", suffix=event.event_id)

    def _volunteer_note(self, event: Note, outcome: str, suffix: str = "") -> None:
        """A short note to the invited volunteer. A V2 event names the volunteer: the project's
        item and the volunteer are read in one call (read_for_notes, once for the batch); a V1
        event reads the project's partition to find the invitation's volunteer."""
        out = self.out
        if isinstance(event, AnswerOutcomeV2 | InvitationWithdrawnV2 | ReplyAcknowledgedV2):
            out.read_for_notes([(event.project_id, event.volunteer_id, event.email_key)])
            project, volunteer = out.project(event.project_id), out.volunteer(event.volunteer_id)
        else:
            record = out.record(event.project_id)
            project, (_, volunteer) = record.project, out.invitee(record, event.invitation_id)
        if volunteer.email_opt_out:
            return
        key = f"invitation:{event.invitation_id}:{outcome}" + (f":{suffix}" if suffix else "")
        out.email(
            key,
            lambda addr: messages.outcome(
                outcome, volunteer, project, out.footer(addr, volunteer_id=volunteer.volunteer_id)
            ),
            [(volunteer.name, volunteer.email)],
        )

    def team_intro(self, event: ProjectStaffedV1) -> None:
        out, project_id = self.out, event.project_id
        record = out.record(project_id, fresh=True)  # every seat, as filled now
        project, campaign = record.project, out.campaign(record.project)
        team = out.team(record.slots)
        to = [(v.name, v.email) for _, v in team if not v.email_opt_out]
        out.email(
            f"project:{project_id}:team_intro",
            lambda addr: messages.team_intro(project, campaign, team, out.footer(addr)),
            [*to, (campaign.contact.name, campaign.contact.email)],
        )
        out.email(
            f"project:{project_id}:staffed",
            lambda addr: messages.project_staffed(
                project, campaign, team, out.footer(addr, campaign_id=campaign.campaign_id)
            ),
            [(campaign.contact.name, campaign.contact.email)],
        )
