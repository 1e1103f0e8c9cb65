"""Matching's pure domain: every hard rule, every score component, the wave allocation, seat choice."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from services.matching.domain.allocation import plan_wave, stable_allocation
from services.matching.domain.attention import attention_reason, left_to_ask
from services.matching.domain.candidates import SlotKind, choose_slot
from services.matching.domain.eligibility import eligible_edges
from services.matching.domain.pool import (
    LEAD_KIND,
    ProjectRow,
    Projects,
    Rules,
    VolunteerRow,
    Volunteers,
    invitations_needed,
    recent_count,
)
from services.matching.domain.scoring import components, project_priority, reasons
from shared.models import Place, Slot, Volunteer

NOW = datetime(2026, 11, 25, tzinfo=UTC)
RULES = Rules(max_pending=3, max_invites_14d=4)


def person(vid: str = "v1", **changes) -> VolunteerRow:
    base = VolunteerRow(
        volunteer_id=vid,
        skills=("email_marketing",),
        hours_per_week=5,
        weeks_available=10,
        lead_trained=False,
        home_state="OH",
        current_state="CA",
    )
    return replace(base, **changes)


def email_project(pid: str = "p1", needs: dict | None = None, **changes) -> ProjectRow:
    base = ProjectRow(
        project_id=pid,
        state="VA",
        hours_per_week=4,
        weeks=8,
        skills=("email_marketing", "data_analysis"),
        priority=0.7,
        needs={"email_marketing": 1} if needs is None else needs,
    )
    return replace(base, **changes)


def edges_for(people: list[VolunteerRow], projects: list[ProjectRow], rules: Rules = RULES) -> set[tuple[str, str]]:
    vols = Volunteers.from_rows(people)
    table = Projects.from_rows(projects, vols.ids)
    e = eligible_edges(vols, table, rules)
    return {
        (vols.ids[v], f"{table.ids[table.demand_project[d]]}:{int(table.demand_skill[d])}")
        for v, d in zip(e.volunteer, e.demand, strict=True)
    }


def eligible(volunteer: VolunteerRow, project: ProjectRow | None = None, rules: Rules = RULES) -> bool:
    return bool(edges_for([volunteer], [project or email_project()], rules))


# --- hard rules, one each ---------------------------------------------------------------------


def test_a_member_seat_needs_its_skill():
    assert eligible(person())
    assert not eligible(person(skills=("copywriting",)))


def test_the_lead_seat_needs_lead_training_and_nothing_else():
    lead_seat = email_project(needs={LEAD_KIND: 1})
    assert not eligible(person(lead_trained=False), lead_seat)
    assert eligible(person(lead_trained=True, skills=("web_design",)), lead_seat)


def test_hours_and_weeks_must_cover_the_project():
    assert not eligible(person(hours_per_week=3))
    assert not eligible(person(weeks_available=7))
    assert eligible(person(hours_per_week=4, weeks_available=8))  # exactly enough


def test_below_the_active_project_limit():
    assert not eligible(person(active_projects=1, max_active_projects=1))
    assert eligible(person(active_projects=1, max_active_projects=2))


def test_fewer_than_the_pending_cap():
    assert eligible(person(pending_invitations=2))
    assert not eligible(person(pending_invitations=3))


def test_not_opted_out():
    assert not eligible(person(opted_out=True))


def test_at_most_n_invitations_in_14_days():
    assert eligible(person(recent_invites=3))
    assert not eligible(person(recent_invites=4))
    assert recent_count([NOW - timedelta(days=13), NOW - timedelta(days=15)], NOW) == 1


def test_never_invited_to_the_same_project_twice():
    assert not eligible(person(), email_project(invited=frozenset({"v1"})))
    assert edges_for([person("v1"), person("v2")], [email_project(invited=frozenset({"v1"}))]) == {
        ("v2", "p1:" + str(Projects.from_rows([email_project()], ["v1"]).demand_skill[0]))
    }


def test_one_invitation_per_volunteer_per_wave():
    """One volunteer fits two projects: the wave gives them one invitation only."""
    vols = Volunteers.from_rows([person()])
    table = Projects.from_rows([email_project("p1"), email_project("p2", priority=0.9)], vols.ids)
    plan = plan_wave(vols, table, RULES)
    assert len(plan.chosen) == 1
    assert table.ids[table.demand_project[plan.edges.demand[plan.chosen[0]]]] == "p2"  # the higher priority


def test_unknown_seat_skill_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown seat skill 'knitting'"):
        Projects.from_rows([email_project(needs={"knitting": 1})], [])


# --- how many invitations a wave sends -----------------------------------------------------------


def test_invitations_needed_follows_the_acceptance_rate_and_counts_what_is_out():
    rules = Rules(acceptance_rate=0.5)
    assert invitations_needed([LEAD_KIND, "copywriting", "copywriting"], [], rules) == {LEAD_KIND: 2, "copywriting": 4}
    assert invitations_needed([LEAD_KIND, "copywriting"], ["copywriting", LEAD_KIND], rules) == {
        LEAD_KIND: 1,
        "copywriting": 1,
    }
    assert invitations_needed(["copywriting"], ["copywriting"] * 3, rules) == {}
    assert invitations_needed(["copywriting"], [], Rules(acceptance_rate=0.3)) == {"copywriting": 4}  # ceil(1/0.3)
    assert invitations_needed(["copywriting"], [], Rules(acceptance_rate=0.1, max_invites_per_slot=4)) == {
        "copywriting": 4  # never flood a seat
    }


# --- the explained score ---------------------------------------------------------------------


def parts_for(volunteer: VolunteerRow, project: ProjectRow | None = None) -> dict[str, float]:
    vols = Volunteers.from_rows([volunteer])
    table = Projects.from_rows([project or email_project()], vols.ids)
    e = eligible_edges(vols, table, RULES)
    assert len(e) == 1
    return {k: float(v[0]) for k, v in components(vols, table, e).items()}


def test_skill_fit_prefers_the_primary_skill():
    primary = parts_for(person(skills=("email_marketing", "copywriting")))
    second = parts_for(person(skills=("copywriting", "email_marketing")))
    assert primary["skill"] == 1.0 and second["skill"] < primary["skill"]


def test_lead_skill_fit_prefers_overlap_with_the_project():
    lead_seat = email_project(needs={LEAD_KIND: 1})
    overlapping = parts_for(person(lead_trained=True, skills=("data_analysis",)), lead_seat)
    unrelated = parts_for(person(lead_trained=True, skills=("web_design",)), lead_seat)
    assert overlapping["skill"] > unrelated["skill"]


def test_affinity_grew_up_beats_lives_beats_neither():
    both = parts_for(person(home_state="VA", current_state="VA"))["affinity"]
    grew = parts_for(person(home_state="VA"))["affinity"]
    lives = parts_for(person(current_state="VA"))["affinity"]
    neither = parts_for(person())["affinity"]
    assert both > grew > lives > neither == 0.0


def test_responsiveness_rewards_answering_and_new_volunteers_start_neutral():
    answers = parts_for(person(invited_total=4, responded_total=4))["responsiveness"]
    silent = parts_for(person(invited_total=4, responded_total=0))["responsiveness"]
    new = parts_for(person())["responsiveness"]
    assert answers > new == 0.5 > silent


def test_fairness_prefers_fewer_recent_invitations():
    assert parts_for(person())["fairness"] == 1.0
    assert parts_for(person(recent_invites=1))["fairness"] > parts_for(person(recent_invites=3))["fairness"]


def test_priority_district_score_election_and_waiting():
    election = date(2027, 11, 2)
    neutral = project_priority(None, election, NOW, NOW)
    assert neutral.components["district"] == 0.5
    assert (
        project_priority(0.9, election, NOW, NOW).value
        > neutral.value
        > project_priority(0.1, election, NOW, NOW).value
    )
    assert project_priority(0.5, date(2026, 12, 20), NOW, NOW).value > neutral.value  # the election is close
    assert project_priority(0.5, election, NOW - timedelta(days=5), NOW).value > neutral.value  # kept waiting
    assert 0.5 <= project_priority(1.0, date(2026, 11, 26), NOW - timedelta(days=30), NOW).value <= 1.0


def test_reasons_say_why_in_plain_language():
    vols = Volunteers.from_rows(
        [person(skills=("email_marketing",), home_state="VA", invited_total=2, recent_invites=2)]
    )
    table = Projects.from_rows([email_project()], vols.ids)
    said = reasons(vols, table, 0, 0, {"responsiveness": 0.5, "priority": 0.7})
    assert said[0] == "email marketing (primary skill)"
    assert "grew up in Virginia" in said and "2 invitations in the last 14 days" in said
    lead = Volunteers.from_rows([person(lead_trained=True)])
    lead_table = Projects.from_rows([email_project(needs={LEAD_KIND: 1})], lead.ids)
    assert reasons(lead, lead_table, 0, 0, {})[:1] == ["trained team lead"]
    assert "new volunteer: first invitation" in reasons(lead, lead_table, 0, 0, {})


# --- the allocation --------------------------------------------------------------------------


def greedy(volunteer, demand, weight, need, n_volunteers) -> set[int]:
    """The textbook heaviest-edge-first allocation, one edge at a time."""
    used, filled, chosen = set(), np.zeros(len(need), int), set()
    for e in sorted(range(len(weight)), key=lambda e: (-weight[e], e)):
        if volunteer[e] not in used and filled[demand[e]] < need[demand[e]]:
            used.add(volunteer[e])
            filled[demand[e]] += 1
            chosen.add(e)
    return chosen


def test_stable_allocation_is_the_greedy_allocation():
    rng = np.random.default_rng(3)
    for _ in range(30):
        n_v, n_d = int(rng.integers(1, 40)), int(rng.integers(1, 12))
        pairs = {(int(rng.integers(n_v)), int(rng.integers(n_d))) for _ in range(int(rng.integers(1, 150)))}
        v, d = (np.array(x) for x in zip(*sorted(pairs), strict=True))
        w = rng.random(len(v))
        need = rng.integers(1, 4, n_d)
        assert set(stable_allocation(v, d, w, need, n_v).tolist()) == greedy(v, d, w, need, n_v)


def test_scarce_people_go_to_the_higher_priority_project():
    vols = Volunteers.from_rows([person("v1"), person("v2")])
    low = email_project("low", priority=0.55, needs={"email_marketing": 2})
    high = email_project("high", priority=0.95, needs={"email_marketing": 2})
    table = Projects.from_rows([low, high], vols.ids)
    plan = plan_wave(vols, table, RULES)
    assert {table.ids[table.demand_project[plan.edges.demand[e]]] for e in plan.chosen} == {"high"}
    short = plan.short_demands(table)
    assert [table.ids[table.demand_project[d]] for d in short] == ["low"]


# --- which seat an opt-in takes ----------------------------------------------------------------


def test_choose_slot_prefers_the_invited_seat_then_any_seat_the_volunteer_may_take():
    volunteer = Volunteer(
        volunteer_id="v_1",
        name="A",
        email="a@example.com",
        skills=["copywriting", "data_analysis"],
        hometown=Place(city="R", state="VA"),
        current_location=Place(city="R", state="VA"),
        hours_per_week=5,
        weeks_available=8,
        created_at=NOW,
        updated_at=NOW,
    )
    slots = [
        Slot(index=0, role="lead"),
        Slot(index=1, role="member", skill="data_analysis"),
        Slot(index=2, role="member", skill="copywriting"),
        Slot(index=3, role="member", skill="copywriting", volunteer_id="v_2"),
    ]
    seats = choose_slot(volunteer, SlotKind("member", "copywriting"), slots)
    assert [s.index for s in seats] == [2, 1]  # never the lead seat (not trained), never a filled seat


# --- when staff must act -----------------------------------------------------------------------


def test_nobody_left_to_ask_names_the_short_skill_first():
    people = [person("v1", skills=("data_analysis",), lead_trained=True), person("v2", skills=("data_analysis",))]
    vols = Volunteers.from_rows(people)
    row = email_project(needs={LEAD_KIND: 2, "email_marketing": 2, "data_analysis": 2}, invited=frozenset({"v2"}))
    left = left_to_ask(vols, row)
    assert left == {LEAD_KIND: 1, "email_marketing": 0, "data_analysis": 1}
    assert attention_reason(1, 5, left) == (
        "nobody left to ask; short of email marketing: 0 volunteers with the skill and time left"
        " (also open: trained team lead, 1, data analysis, 1)"
    )


def test_a_busy_pool_is_no_reason_but_n_waves_are():
    left = {"copywriting": 3}
    assert attention_reason(4, 5, left) is None  # people exist: the next wave tries again
    assert attention_reason(5, 5, left) == (
        "not staffed after 5 waves; short of copywriting and editing: 3 volunteers with the skill and time left"
    )


def test_volunteers_abroad_or_from_the_territories_match_on_skills_and_hometown():
    """current_state "" (living abroad) or a territory code never breaks a wave and never counts
    as living in the project's state; growing up there still does."""
    abroad = parts_for(person(home_state="VA", current_state=""))
    assert abroad["affinity"] == parts_for(person(home_state="VA"))["affinity"] > 0
    assert parts_for(person(home_state="PR", current_state="GU"))["affinity"] == 0.0
    edges = edges_for([person("a", current_state=""), person("b", home_state="PR")], [email_project()])
    assert {volunteer for volunteer, _ in edges} == {"a", "b"}
