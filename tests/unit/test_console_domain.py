"""The console's plain parts: review adjustments, CSV cells, staff's seat choice (sessions and CSRF:
test_console_sessions.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.intake.console import exports
from services.intake.domain.review import Refused, adjusted, decline_reason
from shared.catalog import catalog


def test_csv_cells_are_spreadsheet_safe():
    assert exports.cell("=SUM(A1)") == "'=SUM(A1)" and exports.cell("@x") == "'@x"
    assert exports.cell("+1 804 555 0142") == "+1 804 555 0142" and exports.cell("-3") == "-3"
    assert exports.cell("-cmd") == "'-cmd"
    assert exports.cell(True) == "true" and exports.cell(None) == "" and exports.cell(["a", "b"]) == "a; b"


def _project():
    from shared.models import Project

    item = catalog().menu[0]
    now = datetime.now(UTC)
    return Project(
        project_id="p1",
        campaign_id="c1",
        menu_item=item.id,
        category=item.category,
        title=item.title,
        skills=list(item.skills),
        team_size=item.team_size,
        weeks=item.weeks,
        hours_per_week=item.hours_per_week,
        deliverables=list(item.deliverables),
        metrics=list(item.metrics),
        candidate_name="Jo",
        state="VA",
        chamber="lower",
        district="7",
        election_date=now.date(),
        created_at=now,
    )


def test_adjusting_a_project_rebuilds_its_seats_and_switching_item_brings_its_text():
    project = _project()
    other = catalog().menu[1]
    new, seats = adjusted(project, other.id, [other.skills[0]], "2", "10")
    assert (new.menu_item, new.title, new.team_size, new.weeks, new.hours_per_week) == (other.id, other.title, 2, 2, 10)
    assert [(s.index, s.role, s.skill) for s in seats] == [(0, "lead", None), (1, "member", other.skills[0])]
    with pytest.raises(Refused) as refused:
        adjusted(project, "nope", [], "x", "41")
    assert {e["field"] for e in refused.value.errors} == {"menu_item", "skills", "weeks", "hours_per_week"}


def test_a_decline_needs_a_reason():
    assert decline_reason("  too   late ") == "too late"
    with pytest.raises(Refused):
        decline_reason(" ")


def test_seat_for_a_chosen_volunteer():
    from services.matching.domain.chosen import seat_for
    from shared.models import Slot, Volunteer

    now = datetime.now(UTC)
    slots = [
        Slot(index=0, role="lead"),
        Slot(index=1, role="member", skill="copywriting"),
        Slot(index=2, role="member", skill="web_development", volunteer_id="v9"),
    ]
    place = {"city": "Richmond", "state": "VA"}
    person = Volunteer(
        volunteer_id="v1",
        name="A",
        email="a@x.org",
        skills=["web_development"],
        hometown=place,
        current_location=place,
        hours_per_week=5,
        weeks_available=5,
        created_at=now,
        updated_at=now,
    )
    assert seat_for(slots, person, False) == (None, "no open seat fits their skills (open: copywriting, lead)")
    assert seat_for(slots, person.model_copy(update={"lead_trained": True}), False)[0].role == "lead"
    assert seat_for(slots, person.model_copy(update={"skills": ["copywriting"]}), False)[0].index == 1
    assert seat_for(slots, person, True) == (None, "already on this team")
