"""One district identity: every common spelling becomes the canonical id; what is not a district of
the chamber is refused with the reason."""

from __future__ import annotations

import pytest

from shared.districts import DistrictError, canonical_district, districts_of, name_key


@pytest.mark.parametrize(
    ("state", "chamber", "spelling", "canonical"),
    [
        ("VA", "lower", "11", "11"),
        ("VA", "lower", "011", "11"),
        ("VA", "lower", "11th District", "11"),
        ("VA", "lower", "11th", "11"),
        ("VA", "lower", "HD-042", "42"),
        ("VA", "lower", "hd 42", "42"),
        ("VA", "lower", "House District 12", "12"),
        ("VA", "lower", "District 3", "3"),
        ("VA", "lower", "Dist. #3", "3"),
        ("VA", "lower", "  1st  ", "1"),
        ("VA", "upper", "SD 7", "7"),
        ("VA", "upper", "Senate District 07", "7"),
        ("VA", "upper", "22nd", "22"),
        ("CA", "lower", "Assembly District 80", "80"),
        ("MN", "lower", "1A", "1A"),
        ("MN", "lower", "01a", "1A"),
        ("MN", "lower", "House District 34B", "34B"),
        ("MN", "upper", "34", "34"),
        ("MD", "lower", "12a", "12A"),
        ("SD", "lower", "26A", "26A"),
        ("AK", "upper", "k", "K"),
        ("AK", "upper", "District T", "T"),
        ("MA", "lower", "Barnstable, Dukes and Nantucket", "Barnstable, Dukes and Nantucket"),
        ("MA", "lower", "barnstable dukes & nantucket", "Barnstable, Dukes and Nantucket"),
        ("MA", "lower", "First Barnstable", "1st Barnstable"),
        ("MA", "lower", "Thirty-Seventh Middlesex", "37th Middlesex"),
        ("MA", "upper", "Norfolk, Worcester and Middlesex", "Norfolk, Worcester and Middlesex"),
        ("MA", "upper", "2nd Suffolk", "Second Suffolk"),
        ("MA", "upper", "Berkshire, Hampden, Franklin & Hampshire", "Berkshire, Hampden, Franklin and Hampshire"),
        ("NH", "lower", "Coös 1", "Coös 1"),
        ("NH", "lower", "COOS 1", "Coös 1"),
        ("NH", "lower", "Coos County No. 01", "Coös 1"),
        ("NH", "lower", "Coos-1", "Coös 1"),
        ("NH", "lower", "HL 45 (1)F", "Hillsborough 45"),
        ("NH", "upper", "Senate District 24", "24"),
        ("VT", "lower", "Chittenden-6-1", "Chittenden-6-1"),
        ("VT", "lower", "ADD-RUT", "Addison-Rutland"),
        ("VT", "upper", "Chittenden Southeast", "Chittenden Southeast"),
        ("VT", "upper", "chittenden-southeast", "Chittenden Southeast"),
    ],
)
def test_spellings_become_the_canonical_id(state, chamber, spelling, canonical):
    assert canonical_district(state, chamber, spelling) == canonical


@pytest.mark.parametrize(
    ("state", "chamber", "spelling", "reason"),
    [
        ("VA", "lower", "12A", "Virginia House districts have no letters"),
        ("VA", "lower", "101", "Virginia House has 100 districts; 101 is not one of them"),
        ("VA", "lower", "0", "100 districts; 0 is not one"),
        ("VA", "lower", "Senate District 7", "names a Virginia Senate district, but the chamber is the Virginia House"),
        ("VA", "upper", "HD 3", "names a Virginia House district"),
        ("VA", "lower", "12nd", "did you mean 12th"),
        ("VA", "lower", "Fairfax", "is not a district number"),
        ("VA", "lower", "", "is required"),
        ("MN", "lower", "34", "number and a letter, e.g. 34A or 34B"),
        ("MN", "lower", "34C", "Minnesota House has no district 34C"),
        ("SD", "lower", "5A", "South Dakota House has no district 5A"),
        ("AK", "upper", "U", "letters A to T"),
        ("NE", "lower", "3", "single chamber"),
        ("MA", "lower", "12", "Massachusetts names its districts"),
        ("MA", "lower", "40th Middlesex", "is not a Massachusetts House district"),
        ("NH", "lower", "Coös 99", "is not a New Hampshire House district"),
        ("VT", "upper", "Chittenden West", "is not a Vermont Senate district"),
    ],
)
def test_what_is_not_a_district_of_the_chamber_is_refused_with_the_reason(state, chamber, spelling, reason):
    with pytest.raises(DistrictError, match=reason):
        canonical_district(state, chamber, spelling)


def test_the_named_tables_hold_each_plan_and_no_two_names_share_a_key():
    assert len(districts_of("MA", "lower")) >= 160 and len(districts_of("MA", "upper")) >= 40
    assert len(districts_of("VT", "upper")) >= 16 and "Coös 7" in districts_of("NH", "lower")
    for state, chamber in (("MA", "lower"), ("MA", "upper"), ("NH", "lower"), ("VT", "lower"), ("VT", "upper")):
        names = districts_of(state, chamber)
        assert len({name_key(n) for n in names}) == len(names)
        assert all(canonical_district(state, chamber, n) == n for n in names)


def test_every_listed_id_is_canonical_in_every_state():
    from shared.geo import STATES

    for code, state in STATES.items():
        for chamber in ("lower", "upper"):
            for district in districts_of(state, chamber):
                assert canonical_district(code, chamber, district) == district
