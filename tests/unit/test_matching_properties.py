"""Property tests: whatever the pool and the projects, no wave allocation breaks a hard rule."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from services.matching.domain.allocation import plan_wave
from services.matching.domain.pool import LEAD, LEAD_KIND, SKILLS, ProjectRow, Projects, Rules, VolunteerRow, Volunteers

FEW_SKILLS = SKILLS[:4]
STATES = ("VA", "OH", "CA")

volunteer_rows = st.builds(
    VolunteerRow,
    volunteer_id=st.just(""),
    skills=st.lists(st.sampled_from(FEW_SKILLS), min_size=1, max_size=3, unique=True).map(tuple),
    hours_per_week=st.integers(1, 10),
    weeks_available=st.integers(1, 12),
    lead_trained=st.booleans(),
    home_state=st.sampled_from(STATES),
    current_state=st.sampled_from(STATES),
    active_projects=st.integers(0, 2),
    max_active_projects=st.integers(1, 2),
    pending_invitations=st.integers(0, 3),
    opted_out=st.booleans(),
    recent_invites=st.integers(0, 5),
    invited_total=st.integers(0, 8),
    responded_total=st.integers(0, 8),
)

project_rows = st.builds(
    ProjectRow,
    project_id=st.just(""),
    state=st.sampled_from(STATES),
    hours_per_week=st.integers(1, 8),
    weeks=st.integers(1, 10),
    skills=st.lists(st.sampled_from(FEW_SKILLS), min_size=1, max_size=3).map(tuple),
    priority=st.floats(0.5, 1.0),
    needs=st.dictionaries(st.sampled_from((LEAD_KIND, *FEW_SKILLS)), st.integers(1, 4), min_size=1, max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(
    people=st.lists(volunteer_rows, min_size=1, max_size=30),
    projects=st.lists(project_rows, min_size=1, max_size=6),
    invited=st.sets(st.tuples(st.integers(0, 5), st.integers(0, 29)), max_size=20),
    max_pending=st.integers(1, 3),
    max_recent=st.integers(1, 5),
)
def test_no_allocation_breaks_a_hard_rule(people, projects, invited, max_pending, max_recent):
    people = [VolunteerRow(**{**p.__dict__, "volunteer_id": f"v{i}"}) for i, p in enumerate(people)]
    rows = []
    for j, p in enumerate(projects):
        before = frozenset(f"v{v}" for pj, v in invited if pj == j and v < len(people))
        rows.append(ProjectRow(**{**p.__dict__, "project_id": f"p{j}", "invited": before}))
    rules = Rules(max_pending=max_pending, max_invites_14d=max_recent)
    vols = Volunteers.from_rows(people)
    table = Projects.from_rows(rows, vols.ids)
    plan = plan_wave(vols, table, rules)

    chosen_v = plan.edges.volunteer[plan.chosen]
    chosen_d = plan.edges.demand[plan.chosen]
    assert max(Counter(chosen_v.tolist()).values(), default=0) <= 1  # one invitation per wave
    per_demand = Counter(chosen_d.tolist())
    assert all(per_demand[d] <= table.demand_need[d] for d in per_demand)
    for v, d in zip(chosen_v.tolist(), chosen_d.tolist(), strict=True):
        who, row = people[v], rows[int(table.demand_project[d])]
        kind = int(table.demand_skill[d])
        if kind == LEAD:
            assert who.lead_trained
        else:
            assert SKILLS[kind] in who.skills and SKILLS[kind] in row.needs
        assert who.hours_per_week >= row.hours_per_week and who.weeks_available >= row.weeks
        assert who.active_projects < who.max_active_projects
        assert who.pending_invitations < max_pending
        assert not who.opted_out
        assert who.recent_invites < max_recent
        assert who.volunteer_id not in row.invited
    # Nothing eligible is left idle while a demand it could fill is short (the allocation is maximal).
    used = set(chosen_v.tolist())
    for v, d in zip(plan.edges.volunteer.tolist(), plan.edges.demand.tolist(), strict=True):
        assert v in used or per_demand[d] >= table.demand_need[d]
