"""The chaos bench's comparison of final states: equal states have no difference, and each kind
of difference (a project's status or seats, a volunteer, the seats held) is named."""

from __future__ import annotations

import copy

from bench.chaos import state_differences

CLEAN = {
    "campaigns": {"Dana Cruz|VA|12": {"website_refresh": "staffed lead:-,member:copywriting,member:web_development"}},
    "volunteers": {"ab12": "copywriting", "cd34": "project_management lead"},
    "seats_held": 3,
}


def test_the_same_state_has_no_difference():
    assert state_differences(CLEAN, copy.deepcopy(CLEAN)) == []


def test_every_kind_of_difference_is_named():
    faulty = copy.deepcopy(CLEAN)
    faulty["campaigns"]["Dana Cruz|VA|12"]["website_refresh"] = "matching lead:-"
    del faulty["volunteers"]["ab12"]
    faulty["seats_held"] = 1
    found = state_differences(CLEAN, faulty)
    assert len(found) == 3
    assert found[0].startswith("campaigns: Dana Cruz|VA|12: ") and "matching lead:-" in found[0]
    assert found[1].startswith("volunteers: ab12: 'copywriting' != None")
    assert found[2] == "seats_held: 3 != 1"
