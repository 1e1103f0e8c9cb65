"""The lifecycle rules without AWS: every transition, the phase, check-ins, ratings, figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.matching.domain.lifecycle import (
    Checkin,
    Outcome,
    Seat,
    Served,
    TransitionError,
    after_refill,
    checkin_attention,
    checkin_weeks_due,
    is_blocked,
    leave,
    parse_checkin,
    parse_rating,
    plan_phase,
    season_figures,
    transition,
    weeks_served,
)

T0 = datetime(2026, 3, 2, 15, tzinfo=UTC)
WEEK = timedelta(weeks=1)
TEAM = [Seat(0, "lead", "v_lead"), Seat(1, "member", "v_a"), Seat(2, "member", "v_b")]


@pytest.mark.parametrize(
    ("status", "action", "target"),
    [
        ("staffed", "kickoff", "active"),
        ("active", "complete", "done"),
        ("pending_review", "cancel", "cancelled"),
        ("matching", "cancel", "cancelled"),
        ("staffed", "cancel", "cancelled"),
        ("active", "cancel", "cancelled"),
        ("needs_attention", "cancel", "cancelled"),
    ],
)
def test_allowed_transitions(status, action, target):
    sources, to = transition(status, action)
    assert to == target and status in sources


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("matching", "kickoff"),
        ("active", "kickoff"),  # a second kickoff must not move the end date
        ("staffed", "complete"),
        ("done", "complete"),
        ("done", "cancel"),
        ("cancelled", "cancel"),
        ("declined", "cancel"),
    ],
)
def test_refused_transitions_name_the_status(status, action):
    with pytest.raises(TransitionError) as err:
        transition(status, action)
    assert err.value.field == "status" and status in err.value.reason


def test_phase_end_is_kickoff_plus_weeks_capped_at_eight():
    assert plan_phase(6, T0).ends_at == T0 + 6 * WEEK
    capped = plan_phase(12, T0)
    assert (capped.weeks, capped.ends_at) == (8, T0 + 8 * WEEK)
    with pytest.raises(TransitionError, match="weeks"):
        plan_phase(0, T0)
    with pytest.raises(TransitionError, match="kickoff_at"):
        plan_phase(4, T0.replace(tzinfo=None))


def test_a_member_leaving_reopens_the_seat_and_a_refill_returns_to_where_it_was():
    out = leave("active", TEAM, "v_a")
    assert (out.slot_index, out.role, out.to_status) == (1, "member", "matching")
    assert after_refill(T0) == "active" and after_refill(None) == "staffed"


def test_the_lead_leaving_needs_staff():
    out = leave("active", TEAM, "v_lead")
    assert (out.slot_index, out.to_status) == (0, "needs_attention")
    assert "lead" in out.reason
    assert leave("needs_attention", TEAM, "v_b").to_status == "needs_attention"


@pytest.mark.parametrize("status", ["done", "cancelled", "pending_review", "declined"])
def test_nobody_leaves_a_closed_or_unstaffed_project(status):
    with pytest.raises(TransitionError, match="status"):
        leave(status, TEAM, "v_a")


def test_leaving_a_team_one_is_not_on_is_refused():
    with pytest.raises(TransitionError) as err:
        leave("active", TEAM, "v_stranger")
    assert err.value.field == "volunteer_id"


def test_checkins_are_weekly_and_the_last_week_is_the_phase_end_report():
    phase = plan_phase(4, T0)
    assert checkin_weeks_due(phase, T0 + 6 * 24 * timedelta(hours=1)) == []
    assert checkin_weeks_due(phase, T0 + WEEK) == [1]
    assert checkin_weeks_due(phase, T0 + 10 * WEEK) == [1, 2, 3]


def _c(week: int, answered: bool = False, blocked: str = "") -> Checkin:
    asked = T0 + week * WEEK
    return Checkin(week, asked, asked + timedelta(hours=5) if answered else None, blocked)


def test_two_missed_checkins_in_a_row_need_attention_one_does_not():
    now = T0 + 10 * WEEK
    assert checkin_attention([_c(1, True), _c(2)], now) is None
    assert "2 check-ins" in checkin_attention([_c(1, True), _c(2), _c(3)], now)
    assert checkin_attention([_c(1), _c(2, True)], now) is None  # answered since: streak over
    # the latest was asked an hour ago: not missed yet, but the two before it were
    recent = Checkin(4, now - timedelta(hours=1))
    assert checkin_attention([_c(2), _c(3), recent], now) is not None
    assert checkin_attention([_c(3), recent], now) is None


def test_a_blocked_answer_needs_attention_but_none_does_not():
    now = T0 + 3 * WEEK
    assert "blocker" in checkin_attention([_c(1, True, "waiting on the campaign's domain login")], now)
    for calm in ("", "None", "nothing", "n/a", "No.", "all good"):
        assert not is_blocked(calm)
        assert checkin_attention([_c(1, True, calm)], now) is None


def test_parse_checkin_reply():
    text = "Done: launched the donate page\nNext: email welcome series\nstill drafting\nBlocked: none\n> Done:?"
    assert parse_checkin(text) == {
        "done": "launched the donate page",
        "next": "email welcome series still drafting",
        "blocked": "none",
    }
    assert parse_checkin("shipped the site")["done"] == "shipped the site"
    assert parse_checkin("**Blockers** - no DNS access")["blocked"] == "no DNS access"


def test_parse_rating():
    assert parse_rating("5 - they rebuilt our site in three weeks") == (5, "they rebuilt our site in three weeks")
    assert parse_rating("Great team, 4/5") == (4, "Great team")
    for bad in ("ten out of ten", "7", "2.5 stars"):
        with pytest.raises(TransitionError, match="rating"):
            parse_rating(bad)


def test_weeks_served_counts_only_the_phase():
    phase = plan_phase(4, T0)
    assert weeks_served(T0 - WEEK, T0 + 10 * WEEK, phase) == 4.0  # joined before kickoff, stayed to the end
    assert weeks_served(T0 - WEEK, T0 + timedelta(days=7 * 1.5), phase) == 1.5  # left mid-phase
    assert weeks_served(T0 + 2 * WEEK, T0 + 4 * WEEK, phase) == 2.0  # refill
    assert weeks_served(T0, T0 + WEEK, None) == 0.0  # cancelled before kickoff


def test_season_figures():
    outcomes = [
        Outcome("p1", "c1", "websites", "done", 5),
        Outcome("p2", "c1", "websites", "done", 3),
        Outcome("p3", "c2", "email_analytics", "done", 4),
        Outcome("p4", "c3", "websites", "cancelled"),
    ]
    served = [
        Served("p1", "v1", 5, 4.0),
        Served("p2", "v1", 5, 2.0),
        Served("p3", "v2", 10, 6.0),
        Served("p4", "v3", 8, 0.0),
    ]
    figures = season_figures(outcomes, served)
    assert figures == {
        "projects_completed": 3,
        "projects_cancelled": 1,
        "completed_per_category": {"email_analytics": 1, "websites": 2},
        "volunteer_hours": 90.0,
        "campaigns_helped": 2,
        "volunteers": 2,
        "repeat_volunteers": 1,
        "ratings": 3,
        "median_rating": 4,
    }
    assert season_figures([], [])["median_rating"] is None


def test_resume_after_attention():
    from services.matching.domain.lifecycle import resume

    assert resume("needs_attention", T0, has_open_seat=True) == "matching"  # find a new lead
    assert resume("needs_attention", T0, has_open_seat=False) == "active"
    assert resume("needs_attention", None, has_open_seat=False) == "staffed"
    with pytest.raises(TransitionError, match="status"):
        resume("active", T0, has_open_seat=False)


def test_checkins_settled_by_staff_no_longer_count():
    now = T0 + 10 * WEEK
    blocked = [_c(1, True, "no DNS access")]
    assert checkin_attention(blocked, now) is not None
    assert checkin_attention(blocked, now, since=T0 + WEEK + timedelta(hours=6)) is None
    assert checkin_attention([_c(1), _c(2), _c(3)], now, since=T0 + 2 * WEEK + timedelta(hours=1)) is None


def test_a_kicked_off_project_ends_on_time_even_while_a_seat_is_refilled_or_staff_act():
    for status in ("matching", "needs_attention"):
        assert transition(status, "complete", kicked_off=True)[1] == "done"
        with pytest.raises(TransitionError):
            transition(status, "complete")  # never kicked off: nothing to complete


def test_a_follow_on_follows_only_a_done_project_and_keeps_the_cap():
    from services.matching.domain.lifecycle import follow_on_weeks

    assert follow_on_weeks("done", 12) == 8 and follow_on_weeks("done", 4) == 4
    for status in ("active", "cancelled", "matching"):
        with pytest.raises(TransitionError, match="status"):
            follow_on_weeks(status, 4)
