"""Matching's hard rules, explained score, and seat choice (pure domain, no AWS)."""

from datetime import UTC, date, datetime

from services.matching.domain.candidates import (
    Candidate,
    Load,
    SlotKind,
    available,
    choose_slot,
    fits,
    invitations_needed,
    rank,
    score,
)
from shared.models import Place, Project, Slot, Volunteer

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def project(**changes) -> Project:
    data = dict(
        project_id="p_1",
        campaign_id="c_1",
        menu_item="email_program",
        category="email_analytics",
        title="Email program",
        skills=["email_marketing", "data_analysis", "copywriting"],
        team_size=4,
        weeks=8,
        hours_per_week=4,
        deliverables=["d"],
        metrics=["m"],
        candidate_name="Jo Park",
        state="VA",
        chamber="lower",
        district="7",
        election_date=date(2027, 11, 2),
        created_at=NOW,
        status="matching",
    )
    return Project(**(data | changes))


def candidate(
    vid="v_1", skills=("email_marketing",), hours=5, weeks=10, lead=False, home="OH", current="CA"
) -> Candidate:
    return Candidate(vid, tuple(skills), hours, weeks, lead, home, "Richmond", current, "Oakland")


MEMBER = SlotKind("member", "email_marketing")
LEAD = SlotKind("lead", None)


def test_member_seat_needs_its_skill_and_enough_time():
    p = project()
    assert fits(candidate(), MEMBER, p)
    assert not fits(candidate(skills=("copywriting",)), MEMBER, p)
    assert not fits(candidate(hours=3), MEMBER, p)
    assert not fits(candidate(weeks=6), MEMBER, p)


def test_lead_seat_needs_lead_training():
    assert not fits(candidate(lead=False), LEAD, project())
    assert fits(candidate(lead=True, skills=("web_design",)), LEAD, project())


def test_live_limits():
    assert available(Load(0, 1, 2, False), max_pending=3)
    assert not available(Load(1, 1, 0, False), max_pending=3)  # at the project limit
    assert not available(Load(0, 2, 3, False), max_pending=3)  # three invitations pending
    assert not available(Load(0, 1, 0, True), max_pending=3)  # opted out of email


def test_score_explains_affinity_and_skill():
    home = score(candidate(home="VA", current="VA"), MEMBER, project())
    away = score(candidate(home="OH", current="CA"), MEMBER, project())
    assert home.score > away.score
    assert "grew up in Virginia" in home.reasons and "lives in Virginia" in home.reasons
    assert any("email marketing" in r for r in home.reasons)
    assert not any("Virginia" in r for r in away.reasons)


def test_rank_excludes_already_invited_and_unfit_and_is_deterministic():
    pool = [candidate("v_3", home="VA"), candidate("v_2"), candidate("v_1"), candidate("v_9", skills=("copywriting",))]
    ranked = rank(pool, MEMBER, project(), excluded={"v_2"})
    assert [s.candidate.volunteer_id for s in ranked] == ["v_3", "v_1"]


def test_invitations_needed_keeps_n_per_open_seat():
    slots = [
        Slot(index=0, role="lead"),
        Slot(index=1, role="member", skill="email_marketing"),
        Slot(index=2, role="member", skill="email_marketing", volunteer_id="v_x"),
    ]
    assert invitations_needed(slots, [], per_slot=2) == {LEAD: 2, MEMBER: 4}
    assert invitations_needed([s for s in slots if not s.volunteer_id], [MEMBER, LEAD], 2) == {LEAD: 1, MEMBER: 1}
    assert invitations_needed([slots[1]], [MEMBER, MEMBER, MEMBER], 2) == {}


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
