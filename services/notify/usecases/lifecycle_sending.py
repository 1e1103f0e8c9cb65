"""Lifecycle emails (a project's kickoff, weekly check-ins and phase end), sent once each through
the shared plumbing (outbound.py).

Keys: `project:<pid>:kickoff`, `project:<pid>:checkin:<week>`, `project:<pid>:metrics_request`,
`project:<pid>:rating_request`, `project:<pid>:thank_you`, `project:<pid>:cancelled`,
`project:<pid>:left:<vid>`. Check-ins and the phase-end requests carry a reply token over the
thread (shared/storage/threads.py) that matching opened before publishing, so a reply finds its
project, person and purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from services.notify import webhooks
from services.notify.domain import lifecycle_messages as lm
from services.notify.domain.tokens import reply_address, sign
from services.notify.usecases.outbound import Outbound, Person
from shared.events import (
    CheckinRequestedV1,
    ProjectClosedV1,
    ProjectKickedOffV1,
    TeamThankedV1,
    VolunteerLeftV1,
)
from shared.models import Campaign, Project, Slot, Volunteer
from shared.secrets import get_secret
from shared.storage.threads import CAMPAIGN, TEAM, thread_id

REPLY_WINDOW = timedelta(days=30)  # a reply is taken this long after the email


@dataclass(frozen=True)
class Audience:
    """A project as it is now, with who may be written to about it."""

    project: Project
    campaign: Campaign
    team: list[tuple[Slot, Volunteer]]
    people: list[Person]  # the team members who take email
    contact: Person  # the campaign's contact

    @property
    def pid(self) -> str:
        return self.project.project_id


class LifecycleSender:
    def __init__(self, out: Outbound) -> None:
        self.out = out

    def _reply_to(self, tid: str) -> str:
        token = sign(tid, self.out.now() + REPLY_WINDOW, get_secret("reply-token-key").encode())
        return reply_address(token, self.out.settings.reply_domain)

    def _audience(self, project_id: str) -> Audience:
        record = self.out.record(project_id, fresh=True)  # seats and status as they are now
        campaign = self.out.campaign(record.project)
        team = self.out.team(record.slots)
        people = [(v.name, v.email) for _, v in team if not v.email_opt_out]
        return Audience(record.project, campaign, team, people, (campaign.contact.name, campaign.contact.email))

    def _announce(self, a: Audience, moment: str, headline: str, tail: str) -> None:
        """The program's webhook post (once per project and moment), e.g. "Kickoff: <title> for
        <candidate> (<state>), 3 volunteers, until Oct 2"."""
        p = a.project
        webhooks.announce(
            f"project:{a.pid}:{moment}",
            p.category,
            f"{headline}: {p.title} for {p.candidate_name} ({p.state}), {len(a.team)} volunteers{tail}",
            self.out.log,
        )

    def kickoff(self, event: ProjectKickedOffV1) -> None:
        a, footer = self._audience(event.project_id), self.out.footer
        project, pid = a.project, a.pid
        if project.kickoff_at is None:
            return  # not kicked off after all (an event from before a failed write)
        self.out.email(
            f"project:{pid}:kickoff",
            lambda addr: lm.kickoff(project, a.campaign, a.team, footer(addr)),
            [*a.people, a.contact],
            self._reply_to(thread_id(pid, TEAM, "team")),  # a member's bare LEAVE counts
        )
        self._announce(a, "kickoff", "Kickoff", f", until {project.ends_at:%b %-d}")

    def checkin(self, event: CheckinRequestedV1) -> None:
        a, footer = self._audience(event.project_id), self.out.footer
        project, pid = a.project, a.pid
        lead = next((v for s, v in a.team if s.role == "lead" and v.volunteer_id == event.lead_id), None)
        if lead is None or lead.email_opt_out or project.status not in ("active", "matching"):
            self.out.log.info("check-in not sent: lead gone or project not active", extra={"project_id": pid})
            return
        self.out.email(
            f"project:{pid}:checkin:{event.week}",
            lambda addr: lm.checkin(project, lead, event.week, footer(addr, volunteer_id=lead.volunteer_id)),
            [(lead.name, lead.email)],
            self._reply_to(thread_id(pid, lead.volunteer_id, "checkin", event.week)),
        )

    def closed(self, event: ProjectClosedV1) -> None:
        """done: the metrics request to the lead, the rating request to the campaign, the webhook;
        cancelled: one note to the team and the campaign."""
        a, footer = self._audience(event.project_id), self.out.footer
        project, pid = a.project, a.pid
        if event.outcome == "cancelled":
            self.out.email(
                f"project:{pid}:cancelled",
                lambda addr: lm.cancelled(project, project.status_reason, footer(addr)),
                [*a.people, a.contact],
            )
            return
        lead = next((v for s, v in a.team if s.role == "lead"), None)
        if lead is not None and not lead.email_opt_out:
            self.out.email(
                f"project:{pid}:metrics_request",
                lambda addr: lm.metrics_request(project, lead, footer(addr, volunteer_id=lead.volunteer_id)),
                [(lead.name, lead.email)],
                self._reply_to(thread_id(pid, lead.volunteer_id, "metrics")),
            )
        self.out.email(
            f"project:{pid}:rating_request",
            lambda addr: lm.rating_request(project, a.campaign, footer(addr, campaign_id=a.campaign.campaign_id)),
            [a.contact],
            self._reply_to(thread_id(pid, CAMPAIGN, "rating")),
        )
        self._announce(a, "done", "Completed", f": {'; '.join(project.deliverables)}")

    def thank_you(self, event: TeamThankedV1) -> None:
        a, footer = self._audience(event.project_id), self.out.footer
        project, pid = a.project, a.pid
        metrics = self.out.store.lifecycle.project_items(pid).results.get("metrics", {}).get("text", "")
        self.out.email(
            f"project:{pid}:thank_you",
            lambda addr: lm.thank_you(project, a.team, metrics, footer(addr)),
            [*a.people, a.contact],
        )

    def volunteer_left(self, event: VolunteerLeftV1) -> None:
        a, footer = self._audience(event.project_id), self.out.footer
        project, pid = a.project, a.pid
        volunteer = self.out.store.volunteers.get_volunteer(event.volunteer_id)
        if volunteer is None or volunteer.email_opt_out:
            return
        self.out.email(
            f"project:{pid}:left:{volunteer.volunteer_id}",
            lambda addr: lm.leave_confirmation(project, volunteer, footer(addr, volunteer_id=volunteer.volunteer_id)),
            [(volunteer.name, volunteer.email)],
        )
