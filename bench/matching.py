"""`tfc bench matching`: one full wave on a realistic instance, against the exact optimum.

The wave is the product's own domain code (arrays built from rows, hard rules, score, the stable
allocation) timed on one instance; the optimum of the same wave (same edges, same weights) comes
from an independent exact solver (the transportation LP, HiGHS). Storage calls are counted on a
real wave through the handlers' code against the in-process AWS emulator (moto).
"""

from __future__ import annotations

import resource
import time
from collections import Counter
from typing import Any

import numpy as np

from bench.instance import NOW, project_row, project_specs, volunteer_rows
from services.matching.domain.allocation import plan_wave, shortlist
from services.matching.domain.pool import Projects, Rules, VolunteerRow, Volunteers


def gini(values: np.ndarray) -> float:
    """0 = everyone got the same number of invitations; 1 = one person got them all."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    if not len(x) or x.sum() == 0:
        return 0.0
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1).dot(x) / (n * x.sum()))


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run(
    volunteers: int = 15000,
    projects: int = 500,
    seed: int = 1,
    exact: bool = True,
    storage_volunteers: int = 3000,
    storage_projects: int = 100,
) -> dict[str, Any]:
    rules = Rules()
    people = volunteer_rows(volunteers, seed)
    specs = project_specs(projects, seed)
    rows = [project_row(s, rules, NOW) for s in specs]
    timings = []
    for _ in range(3):  # the median of three runs of the same wave
        started = time.perf_counter()
        vols = Volunteers.from_rows(people)
        table = Projects.from_rows(rows, vols.ids)
        plan = plan_wave(vols, table, rules)
        timings.append(time.perf_counter() - started)
    peak = _rss_mb()
    # What the handlers do: shortlist on profiles alone, read live state for those, then the wave.
    started = time.perf_counter()
    profiles = [
        VolunteerRow(p.volunteer_id, p.skills, p.hours_per_week, p.weeks_available, p.lead_trained, p.home_state,
                     p.current_state)
        for p in people
    ]  # fmt: skip
    static = Volunteers.from_rows(profiles)
    front = shortlist(static, Projects.from_rows(rows, static.ids), rules)
    subset = Volunteers.from_rows([people[i] for i in front])
    sub_plan = plan_wave(subset, Projects.from_rows(rows, subset.ids), rules)
    shortlist_seconds = time.perf_counter() - started
    chosen_v = plan.edges.volunteer[plan.chosen]
    per_volunteer = np.bincount(chosen_v, minlength=len(vols))
    pending_after = vols.pending + per_volunteer
    result: dict[str, Any] = {
        "volunteers": volunteers,
        "projects": projects,
        "seed": seed,
        "demand_rows": len(table.demand_need),
        "invitations_wanted": int(table.demand_need.sum()),
        "eligible_pairs": len(plan.edges),
        "allocation_seconds": round(float(np.median(timings)), 3),
        "peak_rss_mb": peak,
        "objective": round(plan.objective, 4),
        "invites": len(plan.chosen),
        "short_demands": len(plan.short_demands(table)),
        "shortlist_volunteers": len(front),
        "objective_on_shortlist": round(sub_plan.objective, 4),
        "shortlist_and_wave_seconds": round(shortlist_seconds, 3),
        "max_invites_per_volunteer_in_wave": int(per_volunteer.max(initial=0)),
        "max_pending_per_volunteer": int(pending_after[per_volunteer > 0].max(initial=0)),
        "gini_invites": round(gini(vols.recent + per_volunteer), 4),
        "gini_invites_this_wave": round(gini(per_volunteer[vols.recent < rules.max_invites_14d]), 4),
    }
    if exact:
        from bench.exact import optimum

        started = time.perf_counter()
        best = optimum(plan.edges.volunteer, plan.edges.demand, plan.weight, table.demand_need, len(vols))
        result |= {
            "optimum": round(best, 4),
            "optimal_ratio": round(plan.objective / best, 5) if best else 1.0,
            "optimal_ratio_on_shortlist": round(sub_plan.objective / best, 5) if best else 1.0,
            "optimum_seconds": round(time.perf_counter() - started, 1),
            "optimum_solver": "scipy.optimize.linprog(method='highs'), transportation LP (integral: TU)",
        }
    if storage_projects:
        result |= storage_calls(storage_volunteers, storage_projects, seed)
    return result


def storage_calls(volunteers: int, projects: int, seed: int) -> dict[str, Any]:
    """Run one real wave (Staffing.wave, the tick's code) against moto and count DynamoDB calls."""
    from bench.moto_stage import approve_projects, stage

    with stage() as session:
        from services.intake.domain.requests import VolunteerSignup
        from services.intake.domain.signup import new_volunteer
        from services.matching.handlers import logger
        from services.matching.usecases.staffing import Staffing
        from shared.models import utcnow
        from shared.publisher import publish
        from shared.settings import get_settings
        from shared.storage import main_store, main_table
        from tfc.demo import synthetic

        now = utcnow()
        people = []
        for raw in synthetic.volunteers(volunteers, seed):
            lead = raw.pop("lead_trained")
            person = new_volunteer(VolunteerSignup.model_validate(raw), now)
            people.append(person.model_copy(update={"lead_trained": lead}))
        main_store().volunteers.import_new_volunteers(people)
        approved = approve_projects(projects, seed)
        calls: Counter[str] = Counter()

        def count(model: Any, **_: Any) -> None:
            calls[model.name] += 1

        # Clients copy their session's handlers when made: hook the store's own client.
        main_table().client.meta.events.register("before-call.dynamodb", count)
        started = time.perf_counter()
        figures = Staffing(main_store(), publish, get_settings(), logger).wave(utcnow(), "bench").figures()
        seconds = time.perf_counter() - started
        del session
    reads = sum(n for op, n in calls.items() if op in {"Query", "GetItem", "BatchGetItem"})
    writes = sum(calls.values()) - reads
    return {
        "storage_wave": {
            "volunteers": volunteers,
            "projects": approved,
            "invited": figures["invited"],
            "seconds_on_moto": round(seconds, 1),
            "calls": dict(sorted(calls.items())),
        },
        "dynamodb_calls_per_project": round(sum(calls.values()) / max(approved, 1), 2),
        "dynamodb_reads_per_project": round(reads / max(approved, 1), 2),
        "dynamodb_writes_per_project": round(writes / max(approved, 1), 2),
        "scans": calls.get("Scan", 0),
    }
