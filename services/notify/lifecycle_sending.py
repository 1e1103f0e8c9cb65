"""Lifecycle emails (issue 9), sent once each through the Sender's channels.

Keys: `project:<pid>:kickoff`, `project:<pid>:checkin:<week>`, `project:<pid>:metrics_request`,
`project:<pid>:rating_request`, `project:<pid>:thank_you`, `project:<pid>:cancelled`,
`project:<pid>:left:<vid>`. Check-ins and the phase-end requests carry a reply token over the
thread (shared/storage/threads.py) that matching opened before publishing, so a reply finds its
project, person and purpose.
"""

from __future__ import annotations

from datetime import timedelta

from services.notify import webhooks
from services.notify.domain import lifecycle_messages as lm
from services.notify.domain.tokens import reply_address, sign
from services.notify.sending import Sender
from shared.events import (
    CheckinRequestedV1,
    Event,
    ProjectClosedV1,
    ProjectKickedOffV1,
    TeamThankedV1,
    VolunteerLeftV1,
)
from shared.secrets import get_secret
from shared.storage.threads import CAMPAIGN, TEAM, thread_id

REPLY_WINDOW = timedelta(days=30)  # a reply is taken this long after the email

LIFECYCLE_EVENTS = (ProjectKickedOffV1, CheckinRequestedV1, ProjectClosedV1, VolunteerLeftV1, TeamThankedV1)


class LifecycleSender:
    def __init__(self, sender: Sender) -> None:
        self.s = sender

    def _reply_to(self, tid: str) -> str:
        token = sign(tid, self.s.now() + REPLY_WINDOW, get_secret("reply-token-key").encode())
        return reply_address(token, self.s.settings.reply_domain)

    def handle(self, event: Event) -> None:
        record = self.s._record(event.project_id, fresh=True)  # type: ignore[attr-defined]
        project, campaign = record.project, self.s._campaign(record.project)
        team = self.s._team(record.slots)
        people = [(v.name, v.email) for _, v in team if not v.email_opt_out]
        contact = (campaign.contact.name, campaign.contact.email)
        pid = project.project_id
        footer = self.s._footer
        if isinstance(event, ProjectKickedOffV1):
            if project.kickoff_at is None:
                return  # not kicked off after all (an event from before a failed write)
            self.s._email(
                f"project:{pid}:kickoff",
                lambda a: lm.kickoff(project, campaign, team, footer(a)),
                [*people, contact],
                self._reply_to(thread_id(pid, TEAM, "team")),  # a member's bare LEAVE counts
            )
            webhooks.announce(
                f"project:{pid}:kickoff",
                project.category,
                f"Kickoff: {project.title} for {project.candidate_name} ({project.state}), "
                f"{len(team)} volunteers, until {project.ends_at:%b %-d}",
                self.s.log,
            )
        elif isinstance(event, CheckinRequestedV1):
            lead = next((v for s, v in team if s.role == "lead" and v.volunteer_id == event.lead_id), None)
            if lead is None or lead.email_opt_out or project.status not in ("active", "matching"):
                self.s.log.info("check-in not sent: lead gone or project not active", extra={"project_id": pid})
                return
            self.s._email(
                f"project:{pid}:checkin:{event.week}",
                lambda a: lm.checkin(project, lead, event.week, footer(a)),
                [(lead.name, lead.email)],
                self._reply_to(thread_id(pid, lead.volunteer_id, "checkin", event.week)),
            )
        elif isinstance(event, ProjectClosedV1) and event.outcome == "done":
            lead = next((v for s, v in team if s.role == "lead"), None)
            if lead is not None and not lead.email_opt_out:
                self.s._email(
                    f"project:{pid}:metrics_request",
                    lambda a: lm.metrics_request(project, lead, footer(a)),
                    [(lead.name, lead.email)],
                    self._reply_to(thread_id(pid, lead.volunteer_id, "metrics")),
                )
            self.s._email(
                f"project:{pid}:rating_request",
                lambda a: lm.rating_request(project, campaign, footer(a)),
                [contact],
                self._reply_to(thread_id(pid, CAMPAIGN, "rating")),
            )
            webhooks.announce(
                f"project:{pid}:done",
                project.category,
                f"Completed: {project.title} for {project.candidate_name} ({project.state}), "
                f"{len(team)} volunteers: {'; '.join(project.deliverables)}",
                self.s.log,
            )
        elif isinstance(event, ProjectClosedV1):
            self.s._email(
                f"project:{pid}:cancelled",
                lambda a: lm.cancelled(project, project.status_reason, footer(a)),
                [*people, contact],
            )
        elif isinstance(event, TeamThankedV1):
            metrics = self.s.store.lifecycle.project_items(pid).results.get("metrics", {}).get("text", "")
            self.s._email(
                f"project:{pid}:thank_you",
                lambda a: lm.thank_you(project, team, metrics, footer(a)),
                [*people, contact],
            )
        elif isinstance(event, VolunteerLeftV1):
            volunteer = self.s.store.volunteers.get_volunteer(event.volunteer_id)
            if volunteer is None or volunteer.email_opt_out:
                return
            self.s._email(
                f"project:{pid}:left:{volunteer.volunteer_id}",
                lambda a: lm.leave_confirmation(project, volunteer, footer(a)),
                [(volunteer.name, volunteer.email)],
            )
