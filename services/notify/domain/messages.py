"""Message content for every kind of email and text, from the records it is about.

Templates live in ../templates: `<kind>.txt` (first line "Subject: ...") and `<kind>.html`.
HTML is autoescaped; the text part is plain text, and no user-supplied value can add a header
(subjects are folded to one line).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from services.notify.domain.zones import zone_of
from shared.geo import RESIDENCE_STATES
from shared.models import Campaign, Invitation, Place, Project, Slot, Volunteer

_env = Environment(
    loader=PackageLoader("services.notify", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Content:
    subject: str
    text: str
    html: str


def render(kind: str, **context: object) -> Content:
    text = _env.get_template(f"{kind}.txt").render(**context)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"template {kind}.txt must start with a Subject line")
    subject = " ".join(first.removeprefix("Subject: ").split())[:200]
    html = _env.get_template(f"{kind}.html").render(subject=subject, **context)
    return Content(subject=subject, text=body.lstrip("\n"), html=html)


def self_service(
    subject: str, name: str, paragraphs: list[str], action_label: str, action_url: str, footer: dict[str, str]
) -> Content:
    """A short self-service email (issue 15): a greeting, paragraphs, one button-like link."""
    return render(
        "self_service",
        subject_line=subject,
        name=name,
        paragraphs=paragraphs,
        action_label=action_label,
        action_url=action_url,
        **footer,
    )


def district_label(project_or_campaign: Project | Campaign) -> str:
    chamber = "House district" if project_or_campaign.chamber == "lower" else "Senate district"
    state = RESIDENCE_STATES.get(project_or_campaign.state, project_or_campaign.state)
    return f"{state} {chamber} {project_or_campaign.district}"


def _when(moment: datetime, place: Place) -> str:
    local = moment.astimezone(zone_of(place.state, place.city, place.country))
    return local.strftime("%A %B %-d at %-I:%M %p %Z")


def invitation(
    volunteer: Volunteer,
    project: Project,
    invitation: Invitation,
    team: list[tuple[Slot, Volunteer]],
    footer: dict[str, str],
) -> Content:
    role = "the team lead" if invitation.role == "lead" else "a team member"
    return render(
        "invitation",
        volunteer=volunteer,
        project=project,
        office=project.office or "the state legislature",
        district_label=district_label(project),
        reasons=invitation.reasons,
        role_label=role,
        summary=_summary(project),
        election_date=project.election_date.strftime("%B %-d, %Y"),
        team_so_far=[f"{v.name.split()[0]} ({_role(s)})" for s, v in team],
        expires=_when(invitation.expires_at, volunteer.current_location),
        **footer,
    )


def reminder(volunteer: Volunteer, project: Project, invitation: Invitation, footer: dict[str, str]) -> Content:
    return render(
        "reminder",
        volunteer=volunteer,
        project=project,
        district_label=district_label(project),
        role_label="a team lead" if invitation.role == "lead" else "a team member",
        expires=_when(invitation.expires_at, volunteer.current_location),
        **footer,
    )


def project_staffed(
    project: Project, campaign: Campaign, team: list[tuple[Slot, Volunteer]], footer: dict[str, str]
) -> Content:
    lead = next((v.name for s, v in team if s.role == "lead"), "A trained team lead")
    return render("project_staffed", project=project, campaign=campaign, team_size=len(team), lead_name=lead, **footer)


def campaign_received(campaign: Campaign, projects: list[Project], footer: dict[str, str]) -> Content:
    return render(
        "campaign_received", campaign=campaign, projects=projects, district_label=district_label(campaign), **footer
    )


def project_declined(campaign: Campaign, project: Project, reason: str, footer: dict[str, str]) -> Content:
    return render(
        "project_declined",
        campaign=campaign,
        project=project,
        reason=reason,
        district_label=district_label(campaign),
        **footer,
    )


def team_intro(
    project: Project, campaign: Campaign, team: list[tuple[Slot, Volunteer]], footer: dict[str, str]
) -> Content:
    members = [{"name": v.name, "role": _role(s)} for s, v in team]
    lead = next((v.name for s, v in team if s.role == "lead"), "Your team lead")
    return render(
        "team_intro",
        project=project,
        campaign=campaign,
        members=members,
        lead_name=lead,
        district_label=district_label(project),
        **footer,
    )


_OUTCOMES = {
    "joined": (
        "You're on the team: {title} for {candidate}",
        "Thank you for saying yes! You're on the {title} team for {candidate}. We'll "
        "introduce you to the rest of the team and the campaign as soon as every seat is "
        "filled, usually within a few days.",
    ),
    "declined": (
        "Thanks for letting us know",
        "No problem at all, and thanks for answering. We'll ask you again when another "
        "project fits your skills and time.",
    ),
    "team_full": (
        "The team filled up: thank you",
        "Thank you for saying yes to {title} for {candidate}. The team filled up before "
        "your answer arrived, so there is nothing more to do this time. We'll be in "
        "touch with the next project that fits you.",
    ),
    "expired": (
        "That invitation has closed",
        "Thanks for answering. The invitation to {title} for {candidate} had already "
        "closed, so we asked someone else. We'll be in touch with the next project.",
    ),
    "at_limit": (
        "You're already on a project",
        "Thank you for saying yes to {title} for {candidate}. You're already on as many "
        "projects as you told us you have time for, so we have not added you. We'll ask "
        "again when your current project ends.",
    ),
    "released": (
        "No need to answer: you're already on a team",
        "You just joined a team, and that's as many projects as you told us you have time for, so "
        "we've closed your invitation to {title} for {candidate}: no need to answer it. Thank "
        "you, and we'll be in touch when your project ends.",
    ),
    "withdrawn": (
        "No need to answer: the team is complete",
        "Earlier we invited you to {title} for {candidate}. The team is now complete, "
        "so there is no need to answer. Thank you, and we'll be in touch with the next "
        "project that fits you.",
    ),
    "unclear": (
        "We got your reply",
        "Thanks for your reply about {title} for {candidate}. We couldn't tell whether "
        "it was a yes or a no, so a person on our team will read it and get back to you. "
        "You can also reply with just YES or NO.",
    ),
}


def outcome(kind: str, volunteer: Volunteer, project: Project, footer: dict[str, str]) -> Content:
    headline, message = _OUTCOMES[kind]
    values = {"title": project.title.lower(), "candidate": project.candidate_name}
    return render(
        "outcome", volunteer=volunteer, headline=headline.format(**values), message=message.format(**values), **footer
    )


def _role(slot: Slot) -> str:
    return "team lead" if slot.role == "lead" else (slot.skill or "member").replace("_", " ")


def _summary(project: Project) -> str:
    return f"You'll deliver: {'; '.join(project.deliverables).lower()}."
