"""Turn a campaign's request into scoped projects, one per menu item, each with its team slots."""

from __future__ import annotations

import hashlib
from datetime import datetime

from services.intake.domain.requests import CampaignRequest
from shared.catalog import MenuItem, catalog
from shared.ids import new_id
from shared.models import Campaign, Contact, Project, Slot


def slots_for(item: MenuItem) -> list[Slot]:
    """One lead (any lead-trained volunteer) then one member slot per skill the item names."""
    return [
        Slot(index=0, role="lead"),
        *(Slot(index=i, role="member", skill=s) for i, s in enumerate(item.skills, start=1)),
    ]


def project_from_item(item: MenuItem, campaign: Campaign, now: datetime) -> Project:
    return Project(
        project_id=new_id("p"),
        campaign_id=campaign.campaign_id,
        menu_item=item.id,
        category=item.category,
        title=item.title,
        skills=list(item.skills),
        team_size=item.team_size,
        weeks=item.weeks,
        hours_per_week=item.hours_per_week,
        deliverables=list(item.deliverables),
        metrics=list(item.metrics),
        candidate_name=campaign.candidate_name,
        office=campaign.office,
        state=campaign.state,
        chamber=campaign.chamber,
        district=campaign.district,
        election_date=campaign.election_date,
        created_at=now,
    )


def scope_campaign(request: CampaignRequest, now: datetime) -> tuple[Campaign, list[tuple[Project, list[Slot]]]]:
    menu = catalog()
    campaign = Campaign(
        campaign_id=new_id("c"),
        candidate_name=request.candidate_name,
        office=request.office,
        chamber=request.chamber,
        state=request.state,
        district=request.district,
        election_date=request.election_date,
        contact=Contact(**request.contact.model_dump()),
        needs=list(request.needs),
        notes=request.notes,
        created_at=now,
    )
    projects = []
    for need in request.needs:
        item = menu.item(need)
        projects.append((project_from_item(item, campaign, now), slots_for(item)))
    campaign.project_ids = [p.project_id for p, _ in projects]
    return campaign, projects


def request_fingerprint(request: CampaignRequest, idempotency_key: str) -> str:
    """The same client key from the same contact: a double click or a retry, not a new request."""
    return hashlib.sha256(f"{request.contact.email}\x1f{idempotency_key}".encode()).hexdigest()[:40]
