"""The domain's records, as every service sees them. Plain pydantic: no AWS here."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ProjectStatus = Literal[
    "pending_review",  # scoped from a request, waiting for staff
    "matching",  # approved: invitations going out, slots filling
    "staffed",  # every slot filled; team introduced
    "active",  # kicked off (lifecycle issue)
    "done",
    "cancelled",
    "declined",  # staff declined the request
    "needs_attention",  # staff must act (cannot be staffed, lead left, ...)
]
OPEN_STATUSES: tuple[str, ...] = ("matching", "needs_attention")

InvitationStatus = Literal["pending", "accepted", "declined", "expired", "withdrawn", "team_full"]
Role = Literal["lead", "member"]


CLOCK_OFFSET_VAR = "TFC_CLOCK_OFFSET_SECONDS"


def utcnow() -> datetime:
    """The system's clock. The local runtime can run it ahead (TFC_CLOCK_OFFSET_SECONDS, moved by
    `POST /_local/clock`) so weeks of check-ins and a phase end play out in seconds; unset in AWS."""
    offset = os.environ.get(CLOCK_OFFSET_VAR)
    now = datetime.now(UTC)
    return now + timedelta(seconds=float(offset)) if offset else now


def email_hash(email: str) -> str:
    """A stable, non-reversible key for an address (lookups and suppression without the address)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class Record(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Place(BaseModel):
    model_config = ConfigDict(extra="forbid")
    city: str
    state: str  # USPS code (a state, DC or a territory); "" outside the US
    country: str = "US"  # ISO 3166-1 alpha-2: Americans abroad give their current country


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    email: str
    phone: str | None = None


# What a volunteer says about themselves (the sign-up form, a roster row); the rest of the record
# is staff-set (lead_trained) or kept by the system (counters, opt-outs, timestamps).
VOLUNTEER_PROFILE_FIELDS = (
    "name",
    "phone",
    "sms_consent",
    "sms_consent_at",
    "skills",
    "hometown",
    "current_location",
    "hours_per_week",
    "weeks_available",
)


class Volunteer(Record):
    volunteer_id: str
    name: str
    email: str
    phone: str | None = None
    sms_consent: bool = False
    sms_consent_at: datetime | None = None
    skills: list[str]
    hometown: Place
    current_location: Place
    hours_per_week: int
    weeks_available: int
    lead_trained: bool = False
    max_active_projects: int = 1
    active_projects: int = 0
    pending_invitations: int = 0
    email_opt_out: bool = False
    sms_opt_out: bool = False
    # When a text from this number answered YES to our consent request (CTIA: consent confirmed
    # from the number itself). Until then nothing but that request is texted, no SMS answer applied.
    sms_confirmed_at: datetime | None = None
    paused_until: date | None = None  # matching skips them before this day (their own choice)
    created_at: datetime
    updated_at: datetime
    version: int = 1

    @property
    def email_key(self) -> str:
        return email_hash(self.email)


class PendingChange(Record):
    """A sign-up or a change of a known profile, waiting for its owner to confirm by the emailed
    link (issue 15). One per address: a newer submission replaces an older one (its link stops
    working). `profile` is the submitted sign-up (VolunteerSignup's JSON); `nonce` ties the item
    to the one link that may consume it."""

    email_key: str
    kind: Literal["signup", "review"]
    nonce: str
    volunteer_id: str | None = None  # review: whose profile it would change
    profile: dict[str, object]
    created_at: datetime
    expires_at: datetime


class Campaign(Record):
    campaign_id: str
    candidate_name: str
    office: str
    chamber: Literal["lower", "upper"]
    state: str
    district: str
    election_date: date
    contact: Contact
    needs: list[str]
    notes: str = ""
    project_ids: list[str] = Field(default_factory=list)
    created_at: datetime


class Slot(Record):
    index: int
    role: Role
    skill: str | None = None  # None for the lead: any lead-trained volunteer
    volunteer_id: str | None = None
    filled_at: datetime | None = None


class Project(Record):
    project_id: str
    campaign_id: str
    menu_item: str
    category: str
    title: str
    skills: list[str]  # member-slot skills, one per member slot
    team_size: int
    weeks: int
    hours_per_week: int
    deliverables: list[str]
    metrics: list[str]
    status: ProjectStatus = "pending_review"
    status_reason: str = ""
    filled: int = 0
    # Denormalised from the campaign so matching and notify need no second read.
    candidate_name: str
    office: str = ""
    state: str
    chamber: Literal["lower", "upper"]
    district: str
    election_date: date
    priority: float = 0.0
    waves: int = 0
    created_at: datetime
    approved_at: datetime | None = None
    staffed_at: datetime | None = None
    # Project lifecycle: the phase is fixed at kickoff; a follow-on phase links to its first.
    kickoff_at: datetime | None = None
    ends_at: datetime | None = None
    closed_at: datetime | None = None
    follows_project_id: str | None = None
    attention_cleared_at: datetime | None = None  # staff resumed it: earlier check-ins are settled
    version: int = 1


class Invitation(Record):
    invitation_id: str
    project_id: str
    volunteer_id: str
    role: Role
    skill: str | None = None
    status: InvitationStatus = "pending"
    score: float = 0.0
    # Why this volunteer was asked: named score components (skill, affinity, fairness, priority...)
    # and the plain-language phrases staff and the invitation email show.
    score_components: dict[str, float] = Field(default_factory=dict)
    reasons: list[str] = Field(default_factory=list)
    wave: int = 1
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None = None
    answer_channel: str | None = None
    published: bool = False  # the "send it" event is on the notify queue (outbox flag)
    reminded: bool = False  # the one reminder before expiry has been published


class DistrictScore(Record):
    state: str
    chamber: Literal["lower", "upper"]
    district: str
    run_id: str
    year: int
    dem_share: float
    p_dem_win: float
    target_score: float
    target_rank: int
    computed_at: datetime
    # Added by the scoring model; defaults keep older items readable.
    dem_share_sd: float = 0.0
    p_dem_win_low: float | None = None  # win probability in the worst tenth of simulated statewide environments
    p_dem_win_high: float | None = None  # ... and in the best tenth
    tipping_point_prob: float = 0.0
    p_dem_majority: float | None = None  # the chamber's probability of a Democratic majority


class UnclearReply(Record):
    """A reply nobody could classify, kept for staff to read and resolve (INVITATION#<iid> /
    REPLY#<received_at>; shared/storage/invitations.py)."""

    invitation_id: str
    project_id: str
    volunteer_id: str
    channel: str
    text: str  # at most 4,000 characters are kept
    received_at: str  # ISO time as stored: part of the item's key, which the console posts back to resolve it
    resolved: bool = False
    from_other_address: bool = False  # sent from an address that is not the invited volunteer's
    sender: str | None = None  # that other address
    read_as: str | None = None  # what its text would have been read as (never applied)
    resolution: str | None = None
    resolved_at: str | None = None
