"""What each console page shows, read through the store's access patterns (no Scan).

Listings go through indexes: projects by status (gsi3, one Query per status), pending
invitations counted (gsi3), unclear replies (gsi3), the latest scoring run (gsi3) and its
districts (gsi1); exports read every volunteer through the skill pools. The season's paged lists
(campaigns, projects, volunteer search) are in lists.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, get_args

from services.intake.console import lists
from services.intake.usecases.recount import every_volunteer_id
from shared.districts import stored_district_key
from shared.models import Campaign, Invitation, Project, ProjectStatus, Volunteer
from shared.storage import Store
from shared.storage.campaigns import ProjectRecord
from shared.storage.pages import KeyRange

STATUSES: tuple[str, ...] = get_args(ProjectStatus)
# In the order staff read the pipeline; statuses added later (lifecycle) still show, after these.
PIPELINE_ORDER = ("pending_review", "matching", "needs_attention", "staffed", "active", "done", "declined", "cancelled")


def all_projects(store: Store) -> list[Project]:
    return store.campaigns.all_projects(STATUSES)


def all_volunteer_ids(store: Store) -> list[str]:
    return every_volunteer_id(store)


def campaigns_of(store: Store, projects: list[Project]) -> list[Campaign]:
    ids = list(dict.fromkeys(p.campaign_id for p in projects))
    return sorted(store.campaigns.get_campaigns(ids).values(), key=lambda c: c.created_at)


# --- pipeline --------------------------------------------------------------------------------


ATTENTION_SHOWN = 25  # the pipeline lists the oldest few; the rest are a link to the full list


@dataclass
class Pipeline:
    campaigns: int
    by_status: list[tuple[str, int]]
    invitations_out: int
    opt_ins: int
    median_hours_to_staffed: float | None
    dlq_depths: dict[str, int | None]
    attention: list[Project] = field(default_factory=list)  # the first ATTENTION_SHOWN, oldest first

    @property
    def attention_total(self) -> int:
        return dict(self.by_status).get("needs_attention", 0)


def pipeline(store: Store, dlq_depths: dict[str, int | None]) -> Pipeline:
    """The figures from the counters (one BatchGetItem of their shards, summed: shared/storage/
    counters.py, shared/pipeline_counts.py) and the first page of projects needing attention (one
    Query): two DynamoDB calls whatever the season's size."""
    counts = store.counters.pipeline()
    order = [s for s in PIPELINE_ORDER if s in STATUSES] + [s for s in STATUSES if s not in PIPELINE_ORDER]
    attention = store.campaigns.project_page("needs_attention", KeyRange(limit=ATTENTION_SHOWN))
    return Pipeline(
        campaigns=counts.campaigns,
        by_status=[(s, counts.status(s)) for s in order],
        invitations_out=counts.invitations_out,
        opt_ins=counts.opt_ins,
        median_hours_to_staffed=counts.median_wait_hours(),
        dlq_depths=dlq_depths,
        attention=[p for _, p in attention],
    )


# --- review queue ------------------------------------------------------------------------------


def review_queue(
    store: Store, position: dict[str, str], flt: lists.ProjectFilter | None = None
) -> tuple[list[tuple[Campaign, list[Project]]], Any]:
    """One page of projects waiting for review, oldest first (narrowed by `flt`'s state,
    category...), grouped by campaign (a campaign's projects may straddle two pages), and the
    page itself (its cursor)."""
    chosen = replace(flt or lists.ProjectFilter(), status="pending_review", order="oldest")
    page = lists.projects(store, chosen, position)
    by_campaign: dict[str, list[Project]] = {}
    for p in page.rows:
        by_campaign.setdefault(p.campaign_id, []).append(p)
    campaigns = store.campaigns.get_campaigns(by_campaign)  # one BatchGetItem per 100
    return [(campaigns[c], projects) for c, projects in by_campaign.items() if c in campaigns], page


# --- project page --------------------------------------------------------------------------------


@dataclass
class ProjectPage:
    record: ProjectRecord
    campaign: Campaign | None
    people: dict[str, Volunteer]
    invitations: list[Invitation] = field(default_factory=list)


def project_page(store: Store, project_id: str) -> ProjectPage | None:
    record = store.campaigns.get_project(project_id)
    if record is None:
        return None
    ids = [s.volunteer_id for s in record.slots if s.volunteer_id] + [i.volunteer_id for i in record.invitations]
    people = store.volunteers.get_volunteers(ids) if ids else {}
    invitations = sorted(record.invitations, key=lambda i: (i.wave, -i.score))
    return ProjectPage(record, store.campaigns.get_campaign(record.project.campaign_id), people, invitations)


# --- volunteers -----------------------------------------------------------------------------------


def campaign_page(store: Store, campaign_id: str) -> tuple[Campaign, list[Project]] | None:
    """The campaign and its projects, or None when there is no such campaign."""
    campaign = store.campaigns.get_campaign(campaign_id)
    if campaign is None:
        return None
    return campaign, store.campaigns.get_projects(campaign.project_ids)


def volunteer_page(store: Store, volunteer_id: str) -> tuple[Volunteer, list[Invitation], dict[str, Project]] | None:
    volunteer = store.volunteers.get_volunteer(volunteer_id)
    if volunteer is None:
        return None
    invitations = store.invitations.invitations_of_volunteer(volunteer_id)
    projects = {p.project_id: p for p in store.campaigns.get_projects({i.project_id for i in invitations})}
    return volunteer, sorted(invitations, key=lambda i: i.created_at, reverse=True), projects


def opt_outs(people: list[Volunteer]) -> dict[str, dict[str, Any]]:
    """STOP, unsubscribes, bounces and complaints of these volunteers, by id (shared/storage/contact.py)."""
    from shared.storage.contact import contact_state

    return contact_state().opt_outs(people) if people else {}


# --- districts --------------------------------------------------------------------------------------


@dataclass
class DistrictRow:
    rank: int
    state: str
    chamber: str
    district: str
    p_dem_win: float
    p_low: float | None
    p_high: float | None
    tipping_point_prob: float
    target_score: float
    dem_share: float
    campaigns: list[tuple[str, str]]  # (campaign_id, candidate)


def districts(store: Store, state: str = "", chamber: str = "") -> tuple[dict[str, Any] | None, list[DistrictRow]]:
    run = store.scores.latest_run()
    if run is None:
        return None, []
    in_district: dict[tuple[str, str, str], dict[str, str]] = {}
    for p in all_projects(store):
        key = (p.state, p.chamber, stored_district_key(p.state, p.chamber, p.district))
        in_district.setdefault(key, {})[p.campaign_id] = p.candidate_name
    rows = []
    for s in store.scores.run_scores(run["run_id"]):
        if (state and s.state != state.upper()) or (chamber and s.chamber != chamber):
            continue
        rows.append(
            DistrictRow(
                rank=s.target_rank,
                state=s.state,
                chamber=s.chamber,
                district=s.district,
                p_dem_win=s.p_dem_win,
                # Scores stored before the ranges were conditional could sit outside their figure.
                p_low=None if s.p_dem_win_low is None else min(s.p_dem_win_low, s.p_dem_win),
                p_high=None if s.p_dem_win_high is None else max(s.p_dem_win_high, s.p_dem_win),
                tipping_point_prob=s.tipping_point_prob,
                target_score=s.target_score,
                dem_share=s.dem_share,
                campaigns=sorted(
                    in_district.get(
                        (s.state, s.chamber, stored_district_key(s.state, s.chamber, s.district)), {}
                    ).items()
                ),
            )
        )
    rows.sort(key=lambda r: r.rank)
    return run, rows


# --- unclear replies ---------------------------------------------------------------------------------


def unclear_replies(store: Store) -> list[dict[str, Any]]:
    replies = store.invitations.unclear_replies()
    people = store.volunteers.get_volunteers({r.volunteer_id for r in replies}) if replies else {}
    projects = (
        {p.project_id: p for p in store.campaigns.get_projects({r.project_id for r in replies})} if replies else {}
    )
    shown = []
    for r in replies:
        v = people.get(r.volunteer_id)
        p = projects.get(r.project_id)
        shown.append(
            r.model_dump()
            | {
                "volunteer_name": v.name if v else r.volunteer_id,
                "volunteer_email": v.email if v else "",
                "project_title": f"{p.title} ({p.candidate_name})" if p else r.project_id,
            }
        )
    return shown


# --- exports -----------------------------------------------------------------------------------------


def export_rows(store: Store, kind: str) -> list[dict[str, Any]]:
    from services.intake.console import exports

    projects = all_projects(store)
    if kind == "projects":
        return [exports.project_row(p) for p in sorted(projects, key=lambda p: p.created_at)]
    if kind == "campaigns":
        return [exports.campaign_row(c) for c in campaigns_of(store, projects)]
    if kind == "invitations":
        rows = []
        for p in sorted(projects, key=lambda p: p.created_at):
            record = store.campaigns.get_project(p.project_id)
            if record:
                rows += [exports.invitation_row(i) for i in sorted(record.invitations, key=lambda i: i.created_at)]
        return rows
    if kind == "volunteers":
        people = sorted(store.volunteers.get_volunteers(all_volunteer_ids(store)).values(), key=lambda v: v.created_at)
        stopped = opt_outs(people)
        return [exports.volunteer_row(v) | stopped.get(v.volunteer_id, {}) for v in people]
    raise ValueError(f"unknown export {kind}")
