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


def pending_change(email_key: str) -> dict[str, str]:
    return {"pk": f"PENDING#{email_key}", "sk": "PENDING"}


PENDING_CHANGES = "PENDING#expiring"


def pending_expiry_index(expires_at: datetime, email_key: str) -> dict[str, str]:
    """gsi3 of a pending change: the housekeeping finds the expired ones by time (no Scan)."""
    return {"gsi3pk": PENDING_CHANGES, "gsi3sk": f"{expires_at.isoformat()}#{email_key}"}


def pause_end(day: str, volunteer_id: str) -> dict[str, str]:
    """A volunteer's pause that ends on `day` (ISO date): the resume-day email finds it by day."""
    return {"pk": f"PAUSE_ENDS#{day}", "sk": f"VOLUNTEER#{volunteer_id}"}


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


# --- partitions and index keys (the Query side of the access patterns) -------------------------


def project_partition(project_id: str) -> str:
    """The pk of a project's partition: META, SLOT#, INVITATION#, CHECKIN#, SERVED#, RESULT#."""
    return f"PROJECT#{project_id}"


def invitation_partition(invitation_id: str) -> str:
    """The pk of an invitation's own partition: its POINTER and any REPLY# items."""
    return f"INVITATION#{invitation_id}"


def skill_pool(skill: str) -> str:
    """The pk of a skill's pool (or of the leads' pool, skill `_lead`)."""
    return f"SKILL#{skill}"


def email_key_of(owner_pk: str) -> str:
    """The email hash an `EMAIL#<hash>` pk names (the inverse of `email_owner`)."""
    return owner_pk.removeprefix("EMAIL#")


CAMPAIGNS = "CAMPAIGNS"
CAMPAIGNS_BY_ELECTION = "CAMPAIGNS#election"


def campaign_indexes(campaign_id: str, created_at: datetime, election_day: str) -> dict[str, str]:
    """A campaign's list keys: gsi3 `CAMPAIGNS` / `<created>#<cid>` (newest or oldest first) and
    gsi1 `CAMPAIGNS#election` / `<election date>#<cid>` (soonest election first)."""
    return {
        "gsi3pk": CAMPAIGNS,
        "gsi3sk": f"{created_at.isoformat()}#{campaign_id}",
        "gsi1pk": CAMPAIGNS_BY_ELECTION,
        "gsi1sk": f"{election_day}#{campaign_id}",
    }


def campaign_projects_index(campaign_id: str, project_id: str) -> dict[str, str]:
    return {"gsi1pk": f"CAMPAIGN#{campaign_id}", "gsi1sk": f"PROJECT#{project_id}"}


def projects_with_status(status: str) -> str:
    """gsi3pk of the projects in one status (rewritten on every status move)."""
    return f"PROJECTS#{status}"


def volunteer_invitations(volunteer_id: str) -> str:
    """gsi2pk of a volunteer's invitations."""
    return f"VOLUNTEER#{volunteer_id}"


def invitation_indexes(
    volunteer_id: str, invitation_id: str, created_at: datetime, expires_at: datetime
) -> dict[str, str]:
    """A new (pending) invitation's index keys: gsi2 (the volunteer's) and gsi3 (expiring)."""
    return {
        "gsi2pk": volunteer_invitations(volunteer_id),
        "gsi2sk": f"{created_at.isoformat()}#{invitation_id}",
        "gsi3pk": PENDING_INVITATIONS,
        "gsi3sk": f"{expires_at.isoformat()}#{invitation_id}",
    }


UNCLEAR_REPLIES = "REPLIES#unclear"
REPLY_PREFIX = "REPLY#"


def unclear_reply_at(invitation_id: str, received_at: str) -> dict[str, str]:
    """An unclear reply's key from its stored `received_at` text (as the console posts it back)."""
    return {"pk": invitation_partition(invitation_id), "sk": f"{REPLY_PREFIX}{received_at}"}


def unclear_reply_index(received_at: datetime) -> dict[str, str]:
    return {"gsi3pk": UNCLEAR_REPLIES, "gsi3sk": received_at.isoformat()}


# --- the lifecycle items of a project's partition ----------------------------------------------


def checkin(project_id: str, week: int) -> dict[str, str]:
    return {"pk": project_partition(project_id), "sk": f"CHECKIN#{week:02d}"}


def served(project_id: str, volunteer_id: str) -> dict[str, str]:
    return {"pk": project_partition(project_id), "sk": f"SERVED#{volunteer_id}"}


def result(project_id: str, kind: str) -> dict[str, str]:
    return {"pk": project_partition(project_id), "sk": f"RESULT#{kind}"}


LIFECYCLE_RANGE = ("CHECKIN#", "SERVED#~")
"""sk bounds of a project's lifecycle items: CHECKIN# < RESULT# < SERVED# sort in between."""


def thread(thread_id: str) -> dict[str, str]:
    return {"pk": f"THREAD#{thread_id}", "sk": "META"}


# --- scores ------------------------------------------------------------------------------------

SCORING_RUNS = "SCORINGRUNS"


def run_rank_index(run_id: str, rank: int) -> dict[str, str]:
    """gsi1 of a district's score in one run: the run's districts, best target first."""
    return {"gsi1pk": run_ranking(run_id), "gsi1sk": f"{rank:06d}"}


def run_ranking(run_id: str) -> str:
    return f"SCORINGRUN#{run_id}"


def scoring_run_index(stored_at: datetime, run_id: str) -> dict[str, str]:
    """gsi3 `SCORINGRUNS` / `<time>#<run>`: the latest run is one Query, newest first."""
    return {"gsi3pk": SCORING_RUNS, "gsi3sk": f"{stored_at.isoformat()}#{run_id}"}


# --- contact state (notify) ---------------------------------------------------------------------


def suppression(email_key: str) -> dict[str, str]:
    return {"pk": f"SUPPRESSED#{email_key}", "sk": "EMAIL"}


def suppressed_email_key(pk: str) -> str:
    return pk.removeprefix("SUPPRESSED#")


def sms_state(phone_key: str) -> dict[str, str]:
    """A number's SMS state, by the phone's hash (`shared.models.email_hash(phone)`)."""
    return {"pk": f"SMS#{phone_key}", "sk": "STATE"}


def console_session(session_hash: str) -> dict[str, str]:
    """A staff console session, keyed by the sha256 of its id (the id itself is only in the cookie)."""
    return {"pk": f"SESSION#{session_hash}", "sk": "SESSION"}


# --- the volunteer directory (the console's search entries, shared/storage/directory.py) ---------

DIRECTORY_PREFIX = "VDIR#"
DIRECTORY_EVERYONE = f"{DIRECTORY_PREFIX}all"
DIRECTORY_HOURS = f"{DIRECTORY_PREFIX}hours"
DIRECTORY_PAUSED = f"{DIRECTORY_PREFIX}paused"


def directory_state_partition(state: str) -> str:
    """The directory partition of volunteers living in `state` (two letters, any case)."""
    return f"{DIRECTORY_PREFIX}state#{state.upper()}"


def directory_who_partition(text: str) -> str:
    """The partition of names and emails beginning with `text`'s first letter (folded text)."""
    return f"{DIRECTORY_PREFIX}who#{text[:1] or '_'}"


def directory_city_partition(city: str) -> str:
    """The partition of cities beginning with `city`'s first letter (folded text)."""
    return f"{DIRECTORY_PREFIX}city#{city[:1] or '_'}"


def pipeline_counters(shard: int) -> dict[str, str]:
    """One shard of the pipeline's counters (shared/storage/counters.py; shared/pipeline_counts.py
    says what they count). Shard 0 is the key of the single record written before sharding, so a
    stage's existing figures stay in the sum; each other shard has its own partition key."""
    if shard == 0:
        return {"pk": "COUNTERS", "sk": "PIPELINE"}
    return {"pk": f"COUNTERS#{shard:02d}", "sk": "PIPELINE"}
