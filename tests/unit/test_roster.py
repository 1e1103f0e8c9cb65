"""Reading a roster: header mapping, the sign-up form's rules per row, duplicates, row numbers."""

from __future__ import annotations

import pytest

from services.intake.domain.roster import RosterError, read_roster

HEADER = "Full Name,Email Address,Phone,OK to text,Skills,Home City,Home State,Hours,Weeks\n"


def test_valid_rows_map_by_header_and_labels_become_skill_ids():
    roster = read_roster(
        "\ufeff" + HEADER + "Ana Ruiz,ana@example.com,804-555-0142,yes,Copywriting; data_analysis,Richmond,VA,5,8\n"
    )
    assert roster.refused == []
    [(row, signup)] = roster.valid
    assert row == 2 and signup.skills == ["copywriting", "data_analysis"] and signup.sms_consent
    assert signup.current_location == signup.hometown  # defaults to the hometown


def test_each_bad_row_is_refused_with_its_row_number_and_the_forms_reasons():
    text = HEADER + (
        "Ana Ruiz,ana@example.com,,no,copywriting,Richmond,VA,5,8\n"
        "Bad Email,not-an-email,,,copywriting,Richmond,VA,5,8\n"
        "\n"
        "Bo,bo@example.com,,yes,juggling,Austin,TX,99,8\n"
        "Ana Again,ANA@example.com,,,copywriting,Richmond,VA,5,8\n"
    )
    roster = read_roster(text)
    assert [r for r, _ in roster.valid] == [2]
    refused = {r["row"]: r["reason"] for r in roster.refused}
    assert set(refused) == {3, 5, 6}
    assert refused[3].startswith("email:")
    assert "skills: unknown skill 'juggling'" in refused[5] and "hours_per_week" in refused[5]
    assert "sms_consent: needs a mobile number" in refused[5]
    assert refused[6] == "email: the same address as row 2"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("name,email\n", "missing columns: skills"),
        (HEADER.strip() + ",Shoe size\n", "unknown columns: 'Shoe size'"),
        ("name,full name,email\n", "both mean name"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(text, message):
    with pytest.raises(RosterError, match=message):
        read_roster(text)
