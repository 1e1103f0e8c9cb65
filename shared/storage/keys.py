"""Key builders for the single table. The design and every access pattern: README.md beside this."""

from __future__ import annotations

from datetime import datetime


def campaign(campaign_id: str) -> dict[str, str]:
    return {"pk": f"CAMPAIGN#{campaign_id}", "sk": "META"}


def request_fingerprint(fingerprint: str) -> dict[str, str]:
    return {"pk": f"REQUEST#{fingerprint}", "sk": "REQUEST"}


def project(project_id: str) -> dict[str, str]:
    return {"pk": f"PROJECT#{project_id}", "sk": "META"}


def slot(project_id: str, index: int) -> dict[str, str]:
    return {"pk": f"PROJECT#{project_id}", "sk": f"SLOT#{index:02d}"}


def volunteer(volunteer_id: str) -> dict[str, str]:
    return {"pk": f"VOLUNTEER#{volunteer_id}", "sk": "META"}


def email_owner(email_key: str) -> dict[str, str]:
    return {"pk": f"EMAIL#{email_key}", "sk": "EMAIL"}


def phone_owner(phone_key: str) -> dict[str, str]:
    return {"pk": f"PHONE#{phone_key}", "sk": "PHONE"}


def unclear_reply(invitation_id: str, received_at: datetime) -> dict[str, str]:
    return {"pk": f"INVITATION#{invitation_id}", "sk": f"REPLY#{received_at.isoformat()}"}


def skill_member(skill: str, volunteer_id: str) -> dict[str, str]:
    return {"pk": f"SKILL#{skill}", "sk": f"VOLUNTEER#{volunteer_id}"}


def pool_mark(skill: str) -> dict[str, str]:
    """A skill pool's change token: rewritten after every change to the pool, so a cached pool
    knows it is stale with one read."""
    return {"pk": "POOLMARK", "sk": f"SKILL#{skill}"}


def invitation_pointer(invitation_id: str) -> dict[str, str]:
    """Immutable: which project an invitation belongs to (reply tokens carry only its id)."""
    return {"pk": f"INVITATION#{invitation_id}", "sk": "POINTER"}


def invitation(project_id: str, invitation_id: str) -> dict[str, str]:
    return {"pk": f"PROJECT#{project_id}", "sk": f"INVITATION#{invitation_id}"}


def district_latest(state: str, chamber: str, district: str) -> dict[str, str]:
    return {"pk": f"DISTRICT#{state}#{chamber}#{district}", "sk": "LATEST"}


def district_run(state: str, chamber: str, district: str, run_id: str) -> dict[str, str]:
    return {"pk": f"DISTRICT#{state}#{chamber}#{district}", "sk": f"RUN#{run_id}"}


def scoring_run(run_id: str) -> dict[str, str]:
    return {"pk": f"SCORINGRUN#{run_id}", "sk": "META"}


def project_status_index(status: str, created_at: datetime, project_id: str) -> dict[str, str]:
    return {"gsi3pk": f"PROJECTS#{status}", "gsi3sk": f"{created_at.isoformat()}#{project_id}"}


PENDING_INVITATIONS = "INVITATIONS#pending"
