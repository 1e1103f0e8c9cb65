"""Project lifecycle emails: kickoff, weekly check-in, phase-end requests, thank-you, leaving.

Templates in ../templates, rendered like every other message (messages.render)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from services.notify.domain.messages import Content, _role, district_label, render
from shared.geo import state_time_zone
from shared.models import Campaign, Project, Slot, Volunteer

Team = list[tuple[Slot, Volunteer]]


def _local(moment: datetime, state: str) -> datetime:
    return moment.astimezone(ZoneInfo(state_time_zone(state)))


def _weeks(project: Project) -> int:
    if project.kickoff_at and project.ends_at:
        return round((project.ends_at - project.kickoff_at).days / 7)
    return project.weeks


def _lead(team: Team) -> Volunteer | None:
    return next((v for s, v in team if s.role == "lead"), None)


def kickoff(project: Project, campaign: Campaign, team: Team, footer: dict[str, str]) -> Content:
    assert project.kickoff_at and project.ends_at
    lead = _lead(team)
    return render(
        "kickoff",
        project=project,
        campaign=campaign,
        members=[{"name": v.name, "role": _role(s)} for s, v in team],
        lead_name=lead.name if lead else "Your team lead",
        district_label=district_label(project),
        checkin_day=_local(project.kickoff_at, project.state).strftime("%A"),
        end_date=_local(project.ends_at, project.state).strftime("%A %B %-d, %Y"),
        weeks=_weeks(project),
        **footer,
    )


def checkin(project: Project, lead: Volunteer, week: int, footer: dict[str, str]) -> Content:
    return render("checkin", project=project, lead=lead, week=week, weeks=_weeks(project), **footer)


def metrics_request(project: Project, lead: Volunteer, footer: dict[str, str]) -> Content:
    return render("metrics_request", project=project, lead=lead, weeks=_weeks(project), **footer)


def rating_request(project: Project, campaign: Campaign, footer: dict[str, str]) -> Content:
    return render("rating_request", project=project, campaign=campaign, **footer)


def thank_you(project: Project, team: Team, metrics: str, footer: dict[str, str]) -> Content:
    lead = _lead(team)
    return render("thank_you", project=project, metrics=metrics, lead_name=lead.name if lead else "the lead", **footer)


def cancelled(project: Project, reason: str, footer: dict[str, str]) -> Content:
    return render("project_cancelled", project=project, reason=reason, **footer)


def leave_confirmation(project: Project, volunteer: Volunteer, footer: dict[str, str]) -> Content:
    return render("leave_confirmation", project=project, volunteer=volunteer, **footer)
