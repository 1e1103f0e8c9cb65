"""The matching benchmarks' own logic on small instances: the exact solver bounds the wave, and a
simulated season keeps every limit over time."""

from dataclasses import replace

import numpy as np

from bench.exact import optimum
from bench.instance import NOW, project_row, project_specs, volunteer_rows
from bench.matching import gini
from bench.season import max_in_window, simulate
from services.matching.domain.allocation import plan_wave, shortlist, stable_allocation
from services.matching.domain.pool import Projects, Rules, Volunteers


def test_the_exact_optimum_bounds_the_wave_and_is_reached_on_a_tiny_case():
    # Greedy takes the heavy middle edge (0.9); the optimum takes the two outer ones (0.8 + 0.8).
    v, d = np.array([0, 0, 1]), np.array([0, 1, 0])
    w, need = np.array([0.9, 0.8, 0.8]), np.array([1, 1])
    chosen = stable_allocation(v, d, w, need, 2)
    assert w[chosen].sum() == 0.9 and optimum(v, d, w, need, 2) == 1.6


def test_on_a_realistic_wave_the_allocation_is_near_the_optimum():
    rules = Rules()
    vols = Volunteers.from_rows(volunteer_rows(1500, 2))
    table = Projects.from_rows([project_row(s, rules, NOW) for s in project_specs(60, 2)], vols.ids)
    plan = plan_wave(vols, table, rules)
    best = optimum(plan.edges.volunteer, plan.edges.demand, plan.weight, table.demand_need, len(vols))
    assert plan.objective <= best + 1e-6
    assert plan.objective >= 0.95 * best


def test_gini_and_the_14_day_window():
    assert gini(np.array([1, 1, 1])) == 0.0
    assert round(gini(np.array([0, 0, 0, 4])), 2) == 0.75
    assert max_in_window([[0.0, 10.0, 400.0], [1.0]], 14 * 24) == 2


def test_a_small_season_staffs_most_projects_within_every_limit():
    result = simulate(2000, 40, seed=3)
    assert result["staffed_fraction"] >= 0.9
    assert result["max_invites_per_volunteer_14d"] <= 6
    assert result["max_pending_per_volunteer"] <= 3
    assert result["staffed"] + result["needs_attention"] <= 40


def test_a_small_wave_reads_a_shortlist_and_keeps_nearly_all_of_the_objective():
    rules = Rules()
    people = volunteer_rows(3000, 1)
    rows = [project_row(s, rules, NOW) for s in project_specs(20, 1)]
    vols = Volunteers.from_rows(people)
    full = plan_wave(vols, Projects.from_rows(rows, vols.ids), rules).objective
    unknown = {"pending_invitations": 0, "active_projects": 0, "opted_out": False, "recent_invites": 0}
    profiles = Volunteers.from_rows([replace(p, **unknown, invited_total=0, responded_total=0) for p in people])
    front = shortlist(profiles, Projects.from_rows(rows, profiles.ids), rules)
    assert 0 < len(front) < len(people) // 2
    subset = Volunteers.from_rows([people[i] for i in front])
    assert plan_wave(subset, Projects.from_rows(rows, subset.ids), rules).objective >= 0.98 * full
    big = [project_row(s, rules, NOW) for s in project_specs(300, 1)]
    assert len(shortlist(profiles, Projects.from_rows(big, profiles.ids), rules)) == len(people)  # read everyone
