"""Intake validation: every refused input names its field; good input is normalised."""

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from services.intake.domain.requests import CampaignRequest, VolunteerSignup, field_errors

NEXT_YEAR = (date.today() + timedelta(days=300)).isoformat()


def volunteer(**changes):
    data = {
        "name": "Ana Ruiz",
        "email": "Ana.Ruiz@Example.com",
        "phone": "(804) 555-0142",
        "sms_consent": True,
        "skills": ["copywriting", "data_analysis"],
        "hometown": {"city": "Richmond", "state": "VA"},
        "current_location": {"city": "Oakland", "state": "California"},
        "hours_per_week": 5,
        "weeks_available": 8,
    }
    data.update(changes)
    return data


def campaign(**changes):
    data = {
        "candidate_name": "Jo Park",
        "office": "House of Delegates",
        "chamber": "lower",
        "state": "VA",
        "district": "HD-07",
        "election_date": NEXT_YEAR,
        "contact": {"name": "Sam Lee", "email": "sam@jopark.example.org", "phone": "804-555-0100"},
        "needs": ["website_launch", "email_program"],
        "notes": "First run for office.",
    }
    data.update(changes)
    return data


def refused(model, data) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return {e["field"]: e["message"] for e in field_errors(info.value)}


def test_good_volunteer_is_normalised():
    signup = VolunteerSignup.model_validate(volunteer())
    assert signup.email == "ana.ruiz@example.com"
    assert signup.phone == "+18045550142"
    assert signup.current_location.state == "CA"


def test_good_campaign_is_normalised():
    request = CampaignRequest.model_validate(campaign(state="virginia"))
    assert (request.state, request.district) == ("VA", "7")
    assert request.contact.phone == "+18045550100"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"phone": "12345"}, "phone", "phone"),
        ({"skills": ["juggling"]}, "skills", "Skills include one we do not know: juggling"),
        ({"skills": []}, "skills", "Choose at least one skill"),
        ({"hours_per_week": 0}, "hours_per_week", "Hours a week must be a whole number from 1 to 40"),
        ({"hours_per_week": "lots"}, "hours_per_week", "Hours a week must be a whole number from 1 to 40"),
        ({"weeks_available": 99}, "weeks_available", "Weeks you can help must be a whole number from 1 to 52"),
        ({"hometown": {"city": "Richmond", "state": "ZZ"}}, "hometown.state", "not a US state"),
        ({"current_location": {"city": ""}}, "current_location.city", "must not be empty"),
        ({"name": "Eve\r\nBcc: x@example.com"}, "name", "line breaks"),
        ({"lead_trained": True}, "lead_trained", "not an accepted field"),
        ({"phone": None, "sms_consent": True}, "sms_consent", "mobile number"),
        ({"name": "x" * 101}, "name", "too long"),
    ],
)
def test_refused_volunteer_names_the_field(change, field, words):
    errors = refused(VolunteerSignup, volunteer(**change))
    assert field in errors, errors
    assert words in errors[field]


def test_missing_fields_are_each_named():
    errors = refused(VolunteerSignup, {})
    assert errors == {
        "name": "Your name is required",
        "email": "Email is required",
        "skills": "Choose at least one skill",
        "hometown": "Where you grew up is required",
        "current_location": "Where you live now is required",
        "hours_per_week": "Hours a week is required",
        "weeks_available": "Weeks you can help is required",
    }


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"state": "XX"}, "state", "not a US state"),
        ({"state": "DC"}, "state", "legislature"),
        ({"district": "101"}, "district", "Virginia House has 100 districts"),
        ({"chamber": "upper", "district": "41"}, "district", "Virginia Senate has 40 districts"),
        ({"district": "Fairfax"}, "district", "district number"),
        ({"state": "NE", "district": "3"}, "district", "single chamber"),
        ({"chamber": "middle"}, "chamber", "lower"),
        ({"election_date": "2020-11-03"}, "election_date", "past"),
        ({"election_date": "next fall"}, "election_date", "date"),
        ({"needs": ["moon_landing"]}, "needs", "not on the project menu"),
        ({"needs": ["website_launch", "website_launch"]}, "needs", "twice"),
        ({"needs": []}, "needs", "at least one"),
        ({"contact": {"name": "Sam", "email": "sam@"}}, "contact.email", "valid email"),
        ({"contact": {"name": "Sam", "email": "sam@x.org", "phone": "555"}}, "contact.phone", "phone"),
        ({"budget": 100}, "budget", "not an accepted field"),
        ({"notes": "x" * 2001}, "notes", "too long"),
    ],
)
def test_refused_campaign_names_the_field(change, field, words):
    errors = refused(CampaignRequest, campaign(**change))
    assert field in errors, errors
    assert words in errors[field]


def test_all_problems_are_reported_at_once():
    errors = refused(CampaignRequest, campaign(district="500", needs=["nope"], contact={"name": "S", "email": "bad"}))
    assert {"district", "needs", "contact.email"} <= set(errors)


@pytest.mark.parametrize(
    ("state", "chamber", "district", "expected"),
    [
        ("MD", "lower", "12a", "12A"),
        ("MN", "lower", "34B", "34B"),
        ("AK", "upper", "c", "C"),
        ("NH", "lower", "Hillsborough 12", "Hillsborough 12"),
        ("VA", "upper", "SD-040", "40"),
    ],
)
def test_district_shapes_of_real_legislatures(state, chamber, district, expected):
    request = CampaignRequest.model_validate(campaign(state=state, chamber=chamber, district=district))
    assert request.district == expected


def _messages_of(model, data) -> list[str]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [e["message"] for e in field_errors(info.value)]


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (VolunteerSignup, {}),
        (VolunteerSignup, {"name": 5, "email": [], "skills": "x", "hometown": "Richmond", "hours_per_week": 2.5}),
        (VolunteerSignup, volunteer(hometown={"city": "", "state": ""}, current_location={"city": "X"})),
        (VolunteerSignup, volunteer(sms_consent="perhaps", weeks_available=None, extra=1)),
        (CampaignRequest, {}),
        (CampaignRequest, campaign(chamber="middle", election_date="soon", needs="x", contact="me", state="ZZ")),
    ],
)
def test_every_message_names_its_field_in_words_and_never_speaks_python(model, data):
    """No pydantic wording ("Input should be", "valid dictionary"), no type names, no bare predicate."""
    for message in _messages_of(model, data):
        assert message[:1].isupper() or message.startswith("\u201c"), message
        for jargon in ("Input should", "dictionary", "instance of", "PlaceIn", "ContactIn", "int_", "[", "{"):
            assert jargon not in message, message


def test_choices_say_choose():
    errors = refused(VolunteerSignup, volunteer(hometown={"city": "Richmond", "state": ""}))
    assert errors["hometown.state"] == "Choose the state where you grew up"
    assert refused(CampaignRequest, campaign(state=""))["state"] == "Choose the candidate's state"


@pytest.mark.parametrize("model", [VolunteerSignup, CampaignRequest])
def test_an_address_ses_cannot_send_to_is_refused_naming_email_and_why(model):
    """SES has no SMTPUTF8: nothing but ASCII before the @ (SES API reference, Destination)."""
    for address in ("jos\u00e9.n\u00fa\u00f1ez@example.org", "\u674e\u96f7@example.cn", "m\u00fcller@example.de"):
        data = (
            volunteer(email=address) if model is VolunteerSignup else campaign(contact={"name": "J", "email": address})
        )
        errors = refused(model, data)
        field = "email" if model is VolunteerSignup else "contact.email"
        assert "Amazon SES" in errors[field] and "before the @" in errors[field]


def test_an_international_domain_is_kept_in_the_punycode_ses_sends_to():
    signup = VolunteerSignup.model_validate(volunteer(email="Jose@B\u00fccher.example"))
    assert signup.email == "jose@xn--bcher-kva.example"


@pytest.mark.parametrize("code", ["DC", "PR", "GU", "VI", "AS", "MP", "Puerto Rico", "guam", "Washington, DC"])
def test_volunteers_from_dc_and_the_territories_can_sign_up(code):
    signup = VolunteerSignup.model_validate(volunteer(hometown={"city": "San Juan", "state": code}))
    assert len(signup.hometown.state) == 2


def test_campaigns_stay_state_legislatures_only():
    for code in ("PR", "GU", "DC"):
        assert "legislature" in refused(CampaignRequest, campaign(state=code))["state"]


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ({"city": "Berlin", "country": "Germany"}, ("", "DE")),
        ({"city": "Toronto", "state": "abroad", "country": "ca"}, ("", "CA")),
        ({"city": "San Juan", "country": "Puerto Rico"}, ("PR", "US")),
        ({"city": "Richmond", "state": "VA"}, ("VA", "US")),
        ({"city": "Richmond", "state": "VA", "country": "United States"}, ("VA", "US")),
    ],
)
def test_americans_abroad_give_a_country_and_keep_a_us_hometown(place, expected):
    signup = VolunteerSignup.model_validate(volunteer(current_location=place))
    assert (signup.current_location.state, signup.current_location.country) == expected
    assert signup.hometown.state == "VA"


@pytest.mark.parametrize(
    ("place", "field", "message"),
    [
        (
            {"city": "X", "country": "Atlantis"},
            "current_location.country",
            "Country where you live now is not a country",
        ),
        ({"city": "X", "state": "abroad"}, "current_location.state", "then give the country"),
        ({"city": "X"}, "current_location.state", "Choose the state where you live now"),
    ],
)
def test_a_current_place_that_is_neither_a_state_nor_a_country_is_refused(place, field, message):
    errors = refused(VolunteerSignup, volunteer(current_location=place))
    assert message in errors[field], errors


def test_the_hometown_stays_in_the_us():
    errors = refused(VolunteerSignup, volunteer(hometown={"city": "Berlin", "state": "", "country": "DE"}))
    assert "hometown.country" in errors
