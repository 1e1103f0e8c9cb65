"""`tfc bench console`: the staff console's pages and lists at a season's size, over HTTP.

Loads `campaigns` synthetic campaign requests (their projects spread over every status),
`volunteers` synthetic volunteers and a season's invitations (up to three per project that is being
matched or has a team) straight into the emulator's table through the store (the same items the
API writes), starts the local runtime with its schedules off (nothing moves while it is timed),
logs in to the console, then requests every page and list (first page, next page, each filter)
`repeats` times. Per page: p50 and p95 milliseconds (wall time of the HTTP request, this machine,
whatever its load) and the DynamoDB calls the request made (counted at botocore, attributed to the
API by thread), with their operations; Scan must be 0. The machine's load average is reported
before and after, since four engineers share its two cores.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from collections import Counter
from datetime import timedelta
from itertools import cycle
from typing import Any

STATUSES = ("pending_review", "matching", "needs_attention", "staffed", "active", "done", "declined", "cancelled")
INVITED_STATUSES = {"matching", "needs_attention", "staffed", "active", "done"}


def _load(campaigns: int, volunteers: int, seed: int) -> dict[str, int]:
    """Campaigns (projects over every status), volunteers and invitations, written through the store."""
    from services.intake.domain.requests import CampaignRequest
    from services.intake.domain.scoping import scope_campaign
    from shared.models import Invitation, utcnow
    from shared.storage import main_store
    from tfc.demo import synthetic
    from tfc.demo.run import seed_volunteers

    store = main_store()
    people = seed_volunteers(volunteers, seed)
    now = utcnow()
    statuses = cycle(STATUSES)
    invitations = 0
    people_ids = cycle([p.volunteer_id for p in people])
    projects = 0
    for n, raw in enumerate(synthetic.campaigns(campaigns, seed)):
        campaign, scoped = scope_campaign(CampaignRequest.model_validate(raw), now - timedelta(minutes=campaigns - n))
        staged = []
        for project, slots in scoped:
            status = next(statuses)
            reason = "nobody left to ask; short of trained team lead" if status == "needs_attention" else ""
            staged.append((project.model_copy(update={"status": status, "status_reason": reason}), slots))
        store.campaigns.create_campaign(campaign, staged)
        projects += len(staged)
        for project, slots in staged:
            if project.status not in INVITED_STATUSES:
                continue
            for k, slot in enumerate(slots[:3]):
                volunteer_id = next(people_ids)
                invitation = Invitation(
                    invitation_id=f"i_bench_{project.project_id}_{k}",
                    project_id=project.project_id,
                    volunteer_id=volunteer_id,
                    role=slot.role,
                    skill=slot.skill,
                    reasons=["bench"],
                    created_at=now,
                    expires_at=now + timedelta(hours=72),
                )
                invitations += store.lifecycle.invite_back(invitation, max_pending=3, max_recent=6)
    return {"campaigns": campaigns, "projects": projects, "volunteers": len(people), "invitations": invitations}


def _pages(client: Any, sample: dict[str, str]) -> dict[str, str]:
    """Every console page and list to time: name -> URL (next pages found by following links)."""
    pages = {
        "pipeline": "/console",
        "review queue": "/console/review",
        "campaigns: newest": "/console/campaigns",
        "campaigns: soonest election": "/console/campaigns?order=election",
        "campaigns: state": f"/console/campaigns?state={sample['state']}",
        "campaigns: chamber + election window": (
            "/console/campaigns?chamber=upper&election_from=2027-01-01&election_to=2027-12-31"
        ),
        "campaigns: needs attention": "/console/campaigns?needs_attention=1",
        "projects: every status": "/console/projects",
        "projects: matching": "/console/projects?status=matching",
        "projects: needs attention": "/console/projects?status=needs_attention",
        "projects: state": f"/console/projects?state={sample['state']}",
        "projects: category + oldest": "/console/projects?category=digital_basics&order=oldest",
        "volunteers: everyone": "/console/volunteers",
        "volunteers: name prefix": f"/console/volunteers?who={sample['name']}",
        "volunteers: email prefix": f"/console/volunteers?who={sample['email']}",
        "volunteers: skill": "/console/volunteers?skill=copywriting",
        "volunteers: city (no state)": f"/console/volunteers?city={sample['city']}",
        "volunteers: state": f"/console/volunteers?state={sample['state']}",
        "volunteers: city + state": f"/console/volunteers?city={sample['city']}&state={sample['city_state']}",
        "volunteers: at least 10 hours": "/console/volunteers?min_hours=10",
        "volunteers: lead-trained": "/console/volunteers?lead=yes",
        "volunteers: paused": "/console/volunteers?paused=1",
        "volunteers: never matched": "/console/volunteers?never_matched=1",
        "volunteers: skill + not lead + 5 hours": "/console/volunteers?skill=data_analysis&lead=no&min_hours=5",
        "campaign page": f"/console/campaigns/{sample['campaign']}",
        "project page": f"/console/projects/{sample['project']}",
        "volunteer page": f"/console/volunteers/{sample['volunteer']}",
    }
    for name in ("campaigns: newest", "projects: every status", "volunteers: everyone", "volunteers: skill"):
        link = re.search(r'href="([^"]+)" id="next-page"', client.get(pages[name]).text)
        if link:
            pages[f"{name} (next page)"] = link.group(1).replace("&amp;", "&")
    return pages


def _sample(store: Any) -> dict[str, str]:
    from shared.storage.directory import EVERYONE
    from shared.storage.pages import KeyRange

    row = store.volunteers.directory_page(EVERYONE, KeyRange(limit=1, descending=True))[0]
    person = store.volunteers.get_volunteer(row["volunteer_id"])
    project = store.campaigns.projects_with_status("staffed")[0]
    return {
        "name": person.name.split()[0][:3],
        "email": person.email.split("@")[0][:4],
        "city": person.current_location.city,
        "city_state": person.current_location.state,
        "state": "VA",
        "volunteer": person.volunteer_id,
        "project": project.project_id,
        "campaign": project.campaign_id,
    }


def run(campaigns: int, volunteers: int, seed: int, repeats: int) -> dict[str, Any]:
    import httpx

    from bench.costs import Counters, _install
    from shared.storage import main_store
    from tfc.local.runtime import LocalRuntime, RuntimeOptions

    load_before = os.getloadavg()
    runtime = LocalRuntime(RuntimeOptions(port=0, schedules=False, state_file=None, api_rate_limit=0))
    runtime.start()
    counters = Counters()
    undo: list[tuple[Any, str, Any]] = []
    try:
        started = time.monotonic()
        loaded = _load(campaigns, volunteers, seed)
        load_seconds = time.monotonic() - started
        undo = _install(counters)
        with httpx.Client(base_url=runtime.url, timeout=120, follow_redirects=False) as client:
            login = client.post("/console/login", data={"ops_key": runtime.ops_key})
            if login.status_code != 303:
                raise RuntimeError(f"console login failed: HTTP {login.status_code}")
            pages = _pages(client, _sample(main_store()))
            results: dict[str, Any] = {}
            for name, url in pages.items():
                times: list[float] = []
                calls: list[int] = []
                operations: Counter[str] = Counter()
                for _ in range(repeats):
                    before = Counter(counters.calls["intake-api"])
                    t0 = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - t0) * 1000)
                    if response.status_code != 200:
                        raise RuntimeError(f"{name}: HTTP {response.status_code} {response.text[:200]}")
                    made = Counter(counters.calls["intake-api"]) - before
                    ops = {
                        k: v
                        for k, v in made.items()
                        if k.startswith("dynamodb:") and k[9:].isalpha() and k[9:] not in ("WRU", "RRU")
                    }
                    calls.append(sum(ops.values()))
                    operations = Counter(ops)
                ordered = sorted(times)
                results[name] = {
                    "url": url,
                    "p50_ms": round(statistics.median(ordered), 1),
                    "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
                    "dynamodb_calls": max(calls),
                    "operations": {k.removeprefix("dynamodb:"): int(v) for k, v in sorted(operations.items())},
                }
    finally:
        for owner, attr, value in undo:
            setattr(owner, attr, value)
        runtime.stop()
    scans = sum(p["operations"].get("Scan", 0) for p in results.values())
    return {
        "loaded": loaded,
        "load_seconds": round(load_seconds, 1),
        "repeats": repeats,
        "machine_load_average": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in os.getloadavg()],
        },
        "cpus": os.cpu_count(),
        "scans": scans,
        "max_dynamodb_calls_per_page": max(p["dynamodb_calls"] for p in results.values()),
        "worst_p95_ms": max(p["p95_ms"] for p in results.values()),
        "pages": results,
    }
