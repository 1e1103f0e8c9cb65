"""Reading a roster as organisers' exports have it, and merging a row into the stored profile
without losing what the row leaves out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from services.intake.domain.requests import VolunteerSignup
from services.intake.domain.roster import (
    RosterError,
    column_field,
    map_header,
    read_roster,
    split_skills,
)
from services.intake.domain.roster_merge import mask_email, mask_phone, merge_profile
from services.intake.domain.signup import new_volunteer
from shared.catalog import catalog

FIELD_CASES = Path(__file__).resolve().parents[2] / ".." / "shared" / "field-cases" / "roster"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
LABEL = {s.id: s.label for s in catalog().skills}


def stored(**changes) -> object:
    """A stored volunteer with a phone, SMS consent given last month, a current city, a lead flag
    and counters: everything a partial roster must not lose."""
    signup = VolunteerSignup.model_validate(
        {
            "name": "Owen Barlow",
            "email": "owen.barlow@example.com",
            "phone": "+1 804 201 4490",
            "sms_consent": True,
            "skills": ["web_development"],
            "hometown": {"city": "Richmond", "state": "VA"},
            "current_location": {"city": "Arlington", "state": "VA"},
            "hours_per_week": 6,
            "weeks_available": 10,
        }
    )
    volunteer = new_volunteer(signup, NOW - timedelta(days=30))
    return volunteer.model_copy(
        update={"lead_trained": True, "active_projects": 1, "pending_invitations": 2, "version": 4} | changes
    )


def one_row(text: str, **kwargs):
    roster = read_roster(text, **kwargs)
    assert roster.refused == [], roster.refused
    [row] = roster.rows
    return row.patch


# --- skills: separators and labels -------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # a label with commas inside, exactly as GET /skills spells it
        (LABEL["web_development"], ["web_development"]),
        # Google Forms joins a checkbox question's answers with ", "
        (f"{LABEL['data_analysis']}, {LABEL['voter_data']}", ["data_analysis", "voter_data"]),
        (
            f"{LABEL['email_marketing']}, {LABEL['copywriting']}, {LABEL['web_development']}",
            ["email_marketing", "copywriting", "web_development"],
        ),
        # the other separators exports use, ids, case and spacing
        ("copywriting;data_analysis", ["copywriting", "data_analysis"]),
        ("Copywriting and editing | ORGANIC SOCIAL MEDIA", ["copywriting", "social_media"]),
        ("copywriting\ndata analysis (sql,spreadsheets)", ["copywriting", "data_analysis"]),
        ("copywriting; copywriting, Copywriting and editing", ["copywriting"]),
        ("web_development,  ;copywriting", ["web_development", "copywriting"]),
    ],
)
def test_multi_value_cells_split_only_where_no_label_continues(cell, expected):
    assert split_skills(cell) == expected


def test_every_label_of_the_taxonomy_round_trips_joined_the_google_forms_way():
    labels = [s.label for s in catalog().skills]
    assert split_skills(", ".join(labels)) == [s.id for s in catalog().skills]
    assert split_skills("; ".join(s.upper() for s in labels)) == [s.id for s in catalog().skills]


@pytest.mark.parametrize(
    ("cell", "value", "closest"),
    [
        (
            "Website bilding (WordPress, Squarespace, NationBuilder), copywriting",
            "Website bilding (WordPress, Squarespace, NationBuilder)",
            "web_development",
        ),
        ("copywriting, Data analysis (SQL)", "Data analysis (SQL)", "data_analysis"),
        ("copywritng", "copywritng", "copywriting"),
        ("copywriting; juggling", "juggling", None),
    ],
)
def test_an_unknown_value_is_named_whole_with_the_closest_skill(cell, value, closest):
    text = 'Email,Skills\nana@example.com,"' + cell + '"\n'
    roster = read_roster(text, file="team.csv")
    [refusal] = roster.refused
    assert (refusal["file"], refusal["row"], refusal["column"]) == ("team.csv", 2, "Skills")
    assert f"\u201c{value}\u201d is not a known skill" in refusal["reason"]
    if closest:
        assert f"the closest is \u201c{LABEL[closest]}\u201d" in refusal["reason"]
    assert "'" not in refusal["reason"].split("(see")[0].replace("'s", "")  # no Python repr quoting


# --- columns from organisers' exports ---------------------------------------------------------

GOOGLE_FORMS = (
    "Timestamp,Email Address,Your name,What skills can you offer?,Which city did you grow up in?,"
    "Home state,How many hours a week can you give?,For how many weeks?,Mobile number,Is it OK to text you?\n"
    f'2026/11/02 9:14:03 AM EST,kai.lund@example.net,Kai Lund,"{LABEL["data_analysis"]}, {LABEL["voter_data"]}",'
    "Duluth,Minnesota,4,6,(218) 555-0134,Yes\n"
)
ACTION_NETWORK = (
    "first_name,last_name,email,zip_code,can2_phone,can2_user_city,can2_state_abbreviated,can2_sms_status,"
    "skills,hours,weeks\n"
    "Rosa,Diaz,rosa.diaz@example.org,19104,2155550199,Philadelphia,PA,subscribed,copywriting|social_media,3,5\n"
)
MOBILIZE = (
    "First name,Last name,Email,Phone,Zip,Event name,Skills,Home City,Home State,Hours,Weeks\n"
    "Theo,Grant,theo.grant@example.com,+1 (414) 555-0177,53202,Phone bank,Software engineering,Milwaukee,WI,8,4\n"
)
VAN = (
    "VANID,FirstName,LastName,Email,Cell Phone,Home Phone,City,State,Zip5,Skills,Hours,Weeks\n"
    "100234,June,Park,june.park@example.org,,602-555-0123,Phoenix,AZ,85004,data_engineering,10,8\n"
)


def test_google_forms_question_titles_map():
    patch = one_row(GOOGLE_FORMS)
    assert patch.skills == ["data_analysis", "voter_data"]
    assert (patch.hometown_city, patch.hometown_state) == ("Duluth", "MN")
    assert (patch.hours_per_week, patch.weeks_available, patch.phone) == (4, 6, "+12185550134")
    assert patch.sms_consent is True
    assert read_roster(GOOGLE_FORMS).header.not_imported == ["Timestamp"]


def test_action_network_columns_map_and_first_last_names_join():
    patch = one_row(ACTION_NETWORK)
    assert (patch.name, patch.email, patch.phone) == ("Rosa Diaz", "rosa.diaz@example.org", "+12155550199")
    assert (patch.hometown_city, patch.hometown_state, patch.sms_consent) == ("Philadelphia", "PA", True)
    assert patch.skills == ["copywriting", "social_media"]


def test_mobilize_columns_map_and_event_columns_are_reported_not_imported():
    roster = read_roster(MOBILIZE)
    [row] = roster.rows
    assert (row.patch.name, row.patch.phone, row.patch.skills) == (
        "Theo Grant",
        "+14145550177",
        ["software_engineering"],
    )
    assert roster.header.not_imported == ["Zip", "Event name"] and roster.header.unknown == []


def test_van_columns_map_and_home_phone_fills_in_for_a_blank_cell_phone():
    roster = read_roster(VAN)
    [row] = roster.rows
    assert (row.patch.name, row.patch.phone, row.patch.hometown_state) == ("June Park", "+16025550123", "AZ")
    assert {"VANID", "Zip5"} <= set(roster.header.not_imported)


def test_unknown_columns_are_reported_but_do_not_refuse_the_file():
    roster = read_roster("Email,Skills,Shoe size\nana@example.com,copywriting,38\n")
    assert roster.header.unknown == ["Shoe size"] and len(roster.rows) == 1 and roster.refused == []


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "the file is empty"),
        ("Name,Skills\n", "no email column"),
        ("Name,Full name,Email\n", "both mean name"),
        ("Name,First name,Email\n", "full-name column and first/last-name"),
        ("Email,Cell Phone,Mobile\n", "both mean phone"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(header, message):
    with pytest.raises(RosterError, match=message):
        read_roster(header)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("E-mail", "email"),
        ("What is your email?", "email"),
        ("Where do you live now? (city)", "current_city"),
        ("What state do you live in now?", "current_state"),
        ("Can we text you about projects?", "sms_consent"),
        ("Hours per week", "hours_per_week"),
        ("Preferred Email", "email"),
        ("Timestamp", ""),
        ("Favourite colour", None),
    ],
)
def test_header_spellings(header, field):
    assert column_field(header) == field


# --- rows: refusals name file, row, column and reason; one bad row blocks nothing ------------------


def test_each_bad_row_is_refused_alone_naming_file_row_column_and_reason():
    text = (
        "Name,Email,Phone,OK to text,Skills,Home State,Hours\n"
        "Ana Ruiz,ana@example.com,,no,copywriting,VA,5\n"
        "Bad Email,not-an-email,,,copywriting,VA,5\n"
        "\n"
        "Bo,bo@example.com,,maybe,copywriting,Narnia,99\n"
        "Ana Again,ANA@example.com,,,copywriting,VA,5\n"
        "José,josé@example.com,,,copywriting,VA,5\n"
    )
    roster = read_roster(text, file="sheet.csv")
    assert [r.row for r in roster.rows] == [2]
    by_row: dict[int, list[dict]] = {}
    for r in roster.refused:
        assert r["file"] == "sheet.csv"
        by_row.setdefault(r["row"], []).append(r)
    assert set(by_row) == {3, 5, 6, 7}
    assert by_row[3][0]["column"] == "Email" and "not a valid email" in by_row[3][0]["reason"]
    assert [r["column"] for r in by_row[5]] == ["OK to text"]  # parsed here first; the rest on re-check
    assert by_row[6] == [{"file": "sheet.csv", "row": 6, "column": "Email", "reason": "the same address as row 2"}]
    assert "Amazon SES" in by_row[7][0]["reason"]


def test_values_refused_by_the_forms_rules_name_their_column():
    roster = read_roster("Email,Home State,Hours\nbo@example.com,Narnia,99\n")
    reasons = {r["column"]: r["reason"] for r in roster.refused}
    assert reasons["Hours"] == "Hours a week must be a whole number from 1 to 40"
    assert reasons["Home State"].startswith("State where you grew up is not a US state")


# --- merging: what is absent or blank is kept -----------------------------------------------------


def test_a_partial_row_changes_only_what_it_gives():
    current = stored()
    patch = one_row("Email,Skills,Hours\nowen.barlow@example.com,web_development;copywriting,6\n")
    merged = merge_profile(current, patch, NOW)
    assert merged.changed == ["skills"]
    assert merged.changes == [
        {"field": "skills", "from": ["web_development"], "to": ["web_development", "copywriting"]}
    ]
    after = merged.volunteer
    for kept in (
        "phone",
        "sms_consent",
        "sms_consent_at",
        "current_location",
        "lead_trained",
        "active_projects",
        "pending_invitations",
        "version",
        "created_at",
        "name",
    ):
        assert getattr(after, kept) == getattr(current, kept), kept
    assert after.updated_at == NOW


def test_blank_cells_keep_stored_values_unless_clear_blank_says_otherwise():
    text = "Email,Phone,OK to text,Current city,Current state\nowen.barlow@example.com,,,,\n"
    current = stored()
    assert merge_profile(current, one_row(text), NOW).changed == []
    cleared = merge_profile(current, one_row(text, clear_blank=True), NOW)
    assert set(cleared.changed) == {"phone", "sms_consent", "sms_consent_at", "current_location"}
    v = cleared.volunteer
    assert (v.phone, v.sms_consent, v.sms_consent_at) == (None, False, None)
    assert (v.current_location.city, v.current_location.state) == ("Richmond", "VA")  # back to the hometown
    assert v.lead_trained and v.active_projects == 1


def test_clear_blank_never_clears_required_fields():
    text = "Email,Name,Skills,Hours\nowen.barlow@example.com,,,\n"
    assert merge_profile(stored(), one_row(text, clear_blank=True), NOW).changed == []


def test_consent_time_is_kept_while_consent_stands_and_set_when_newly_given():
    current = stored()
    same = merge_profile(current, one_row("Email,OK to text\nowen.barlow@example.com,yes\n"), NOW)
    assert same.changed == [] and same.volunteer.sms_consent_at == current.sms_consent_at
    withdrawn = merge_profile(current, one_row("Email,OK to text\nowen.barlow@example.com,no\n"), NOW)
    assert withdrawn.volunteer.sms_consent_at is None
    given = merge_profile(withdrawn.volunteer, one_row("Email,OK to text\nowen.barlow@example.com,yes\n"), NOW)
    assert given.volunteer.sms_consent_at == NOW


def test_whole_profile_rules_apply_after_merging():
    no_phone = stored(phone=None, sms_consent=False, sms_consent_at=None)
    with pytest.raises(ValidationError, match="mobile number"):
        merge_profile(no_phone, one_row("Email,OK to text\nowen.barlow@example.com,yes\n"), NOW)


def test_a_new_volunteer_needs_the_forms_required_fields():
    with pytest.raises(ValueError, match="a new volunteer needs skills, hometown_city"):
        merge_profile(None, one_row("Email,Name\nnew@example.com,New Person\n"), NOW)
    row = "Email,Name,Skills,Home City,Home State,Hours,Weeks\nnew@example.com,New Person,copywriting,Erie,PA,3,4\n"
    merged = merge_profile(None, one_row(row), NOW)
    assert merged.volunteer.current_location == merged.volunteer.hometown
    assert {c["field"] for c in merged.changes} >= {"name", "email", "skills"}


def test_changes_never_show_an_email_or_phone_in_full():
    current = stored()
    merged = merge_profile(current, one_row("Email,Phone\nowen.barlow@example.com,804-555-0111\n"), NOW)
    [change] = merged.changes
    assert change == {"field": "phone", "from": "***-**90", "to": "***-**11"}
    new = merge_profile(
        None,
        one_row(
            "Email,Name,Phone,Skills,Home City,Home State,Hours,Weeks\n"
            "nia.cole@example.com,Nia Cole,804-555-0122,copywriting,Erie,PA,3,4\n"
        ),
        NOW,
    )
    text = repr(new.changes)
    assert "nia.cole@" not in text and "5550122" not in text and "n***@example.com" in text
    assert mask_email("a@b.org") == "a***@b.org" and mask_phone("+18045550122") == "***-**22"


# --- the field cases, where ../shared is present ------------------------------------------------

needs_cases = pytest.mark.skipif(not FIELD_CASES.is_dir(), reason="../shared/field-cases is not present")


@needs_cases
def test_field_case_labels_with_commas_are_all_accepted():
    roster = read_roster((FIELD_CASES / "roster_skill_labels.csv").read_text("utf-8"))
    assert roster.refused == [] and len(roster.rows) == 3
    assert all(r.patch.skills for r in roster.rows)


@needs_cases
def test_field_case_google_forms_checkbox_answers_are_accepted():
    roster = read_roster((FIELD_CASES / "google_forms_checkbox_export.csv").read_text("utf-8"))
    assert roster.refused == [] and [r.patch.skills for r in roster.rows] == [["data_analysis", "voter_data"]]


@needs_cases
def test_field_case_partial_update_keeps_phone_consent_and_current_city():
    import json

    before = json.loads((FIELD_CASES / "partial-update" / "signup_before.json").read_text("utf-8"))
    current = new_volunteer(VolunteerSignup.model_validate(before), NOW - timedelta(days=3))
    patch = one_row((FIELD_CASES / "partial-update" / "roster_skills_update.csv").read_text("utf-8"))
    merged = merge_profile(current, patch, NOW)
    assert merged.changed == ["skills"]
    v = merged.volunteer
    assert (v.phone, v.sms_consent, v.sms_consent_at) == (current.phone, True, current.sms_consent_at)
    assert v.current_location == current.current_location


def test_map_header_keeps_the_written_names_for_messages():
    header = map_header(["Email Address", "What skills can you offer?"])
    assert header.names == {"email": "Email Address", "skills": "What skills can you offer?"}


def test_a_country_column_moves_a_volunteer_abroad_and_a_state_brings_them_back():
    current = stored()
    abroad = merge_profile(
        current, one_row("Email,Current city,Country\nowen.barlow@example.com,Lisbon,Portugal\n"), NOW
    )
    place = abroad.volunteer.current_location
    assert (place.city, place.state, place.country) == ("Lisbon", "", "PT")
    assert abroad.changes == [{"field": "current_location", "from": "Arlington, VA", "to": "Lisbon, PT"}]
    back = merge_profile(
        abroad.volunteer, one_row("Email,Current city,Current state\nowen.barlow@example.com,Norfolk,VA\n"), NOW
    )
    assert back.volunteer.current_location.model_dump() == {"city": "Norfolk", "state": "VA", "country": "US"}


def test_a_country_of_us_or_a_territory_keeps_the_volunteer_in_the_us():
    current = stored()
    same = merge_profile(current, one_row("Email,Country\nowen.barlow@example.com,United States\n"), NOW)
    assert same.changed == []
    pr = merge_profile(current, one_row("Email,Country\nowen.barlow@example.com,Puerto Rico\n"), NOW)
    assert pr.volunteer.current_location.model_dump() == {"city": "Arlington", "state": "PR", "country": "US"}
    roster = read_roster("Email,Country\nowen.barlow@example.com,Atlantis\n")
    assert roster.refused[0]["column"] == "Country" and "not a country we know" in roster.refused[0]["reason"]


def test_every_column_of_our_volunteers_export_reads_back_as_a_field_or_a_known_extra() -> None:
    """The export and the import are declared apart; a column added to one (the opt-out times)
    must not be read by the other as a second email column, which refuses the whole file."""
    from services.intake.console.exports import COLUMNS
    from services.intake.domain.roster import map_header

    header = list(COLUMNS["volunteers"])
    mapped = map_header(header)  # raises RosterError on two columns meaning one field
    assert mapped.unknown == []
    assert mapped.names["email"] == "email"
