"""SMS rules: keywords, short codes, quiet hours in the volunteer's time zone, and the wording."""

import re
from datetime import UTC, datetime, time

import pytest

from services.notify.domain import sms


@pytest.mark.parametrize("text", ["STOP", "stop", "Stop.", " STOPALL ", "Unsubscribe", "cancel", "END", "quit!"])
def test_opt_out_keywords(text):
    assert sms.read(text).keyword == "stop"


@pytest.mark.parametrize("text", ["START", "start", "Unstop"])
def test_opt_in_keywords(text):
    assert sms.read(text).keyword == "start"


@pytest.mark.parametrize("text", ["HELP", "help?", "Info"])
def test_help_keywords(text):
    assert sms.read(text).keyword == "help"


@pytest.mark.parametrize(
    ("text", "keyword", "code"),
    [
        ("YES", "yes", None),
        ("y", "yes", None),
        ("Yes!", "yes", None),
        ("I'm in", "yes", None),
        ("Sí", "yes", None),  # accents are folded (ARRÊT is ARRET too): "Sí" is "si"
        ("si", "yes", None),
        ("NO", "no", None),
        ("no thanks", "no", None),
        ("Nope", "no", None),
        ("yes k7q", "yes", "K7Q"),
        ("NO M3P", "no", "M3P"),
        ("stop it please", "stop", None),  # a short message whose whole point is to stop
        ("stop the bill please", "unclear", None),  # a stop about something else: no opt-out by accident
        ("yes but only weekends", "unclear", None),
        ("What is this?", "unclear", None),
    ],
)
def test_answers_and_codes(text, keyword, code):
    assert sms.read(text) == sms.SmsReply(keyword, code)


def test_short_codes_are_stable_typeable_and_differ():
    codes = {sms.short_code(f"i_{n:016d}") for n in range(200)}
    assert all(re.fullmatch(r"[A-Z2-7]{3}", c) for c in codes)
    assert len(codes) > 190  # collisions are rare, and only matter among one person's few open invitations
    assert sms.short_code("i_abc") == sms.short_code("i_abc")
    assert sms.read(f"yes {sms.short_code('i_abc').lower()}").code == sms.short_code("i_abc")


@pytest.mark.parametrize(
    ("utc", "state", "wake_utc"),
    [
        (datetime(2026, 11, 25, 14, 0, tzinfo=UTC), "VA", None),  # 9:00 am in Richmond: may send
        (datetime(2026, 11, 25, 13, 59, tzinfo=UTC), "VA", datetime(2026, 11, 25, 14, 0, tzinfo=UTC)),  # 8:59 am
        (datetime(2026, 11, 26, 2, 0, tzinfo=UTC), "VA", datetime(2026, 11, 26, 14, 0, tzinfo=UTC)),  # 9 pm
        (datetime(2026, 11, 26, 1, 59, tzinfo=UTC), "VA", None),  # 8:59 pm
        (datetime(2026, 11, 26, 2, 0, tzinfo=UTC), "CA", None),  # 6 pm in California
        (datetime(2026, 11, 26, 5, 0, tzinfo=UTC), "CA", datetime(2026, 11, 26, 17, 0, tzinfo=UTC)),  # 9 pm PT
        (datetime(2026, 11, 25, 18, 0, tzinfo=UTC), "HI", datetime(2026, 11, 25, 19, 0, tzinfo=UTC)),  # 8 am HST
        (datetime(2026, 7, 1, 12, 30, tzinfo=UTC), "AZ", datetime(2026, 7, 1, 16, 0, tzinfo=UTC)),  # no DST in AZ
        (datetime(2026, 7, 1, 12, 30, tzinfo=UTC), "NY", datetime(2026, 7, 1, 13, 0, tzinfo=UTC)),  # 8:30 am EDT
    ],
)
def test_quiet_hours_in_the_volunteers_time_zone(utc, state, wake_utc):
    assert sms.quiet_until(utc, state) == wake_utc


def test_quiet_hours_setting():
    assert sms.quiet_hours("21-9") == (time(21), time(9))
    assert sms.quiet_hours("off") is None
    with pytest.raises(ValueError, match="TFC_SMS_QUIET_HOURS"):
        sms.quiet_hours("late")


def test_texts_name_the_sender_and_the_first_one_discloses_rates_stop_and_help():
    first = sms.disclosure()
    for needed in ("Tech for Campaigns", "Msg & data rates may apply", "STOP", "HELP", "msgs"):
        assert needed in first
    invite = sms.invitation("Jo Park", "Campaign website", 5, 4, "K7Q")
    assert "Reply YES to join, NO to pass" in invite and "K7Q" in invite
    assert len(invite) <= 160 * 2
    assert "START" in sms.stopped()
    assert "YES K7Q" in sms.which_one([("K7Q", "Website for Jo"), ("M3P", "Social for Al")])


def test_quiet_hours_follow_the_current_city_across_a_states_time_zone_line():
    at = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)  # 8:30 am Central, 7:30 am Mountain
    assert sms.quiet_until(at, "TX", city="Austin") == datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # 9 am Central
    assert sms.quiet_until(at, "TX", city="El Paso") == datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # 9 am Mountain
    evening = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)  # 9:30 pm Eastern, 8:30 pm Central
    assert sms.quiet_until(evening, "FL", city="Miami") is not None
    assert sms.quiet_until(evening, "FL", city="Pensacola") is None
    assert sms.quiet_until(evening, "FL", city="  pensacola ") is None


def test_quiet_hours_hold_in_the_territories_and_abroad():
    from services.notify.domain.zones import zone_of, zones_of

    assert str(zone_of("PR")) == "America/Puerto_Rico" and str(zone_of("GU")) == "Pacific/Guam"
    assert str(zone_of("", "Berlin", "DE")) == "Europe/Berlin"
    assert [str(z) for z in zones_of("", "Toronto", "CA")] == ["America/Toronto"]
    assert len(zones_of("", "Moose Jaw", "CA")) > 3  # a city the table does not name: every zone
    # 14:00 UTC is 10 pm in Guam: wait for 9 am Chamorro time (23:00 UTC)
    at = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    assert sms.quiet_until(at, "GU") == datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
    assert sms.quiet_until(at, "PR") is None  # 10 am in San Juan
    assert sms.quiet_until(at, "", city="Berlin", country="DE") is None  # 3 pm in Berlin
    assert sms.quiet_until(at, "", city="Tokyo", country="JP") == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)


def test_abroad_without_a_known_city_the_text_waits_for_daytime_in_every_zone():
    from services.notify.domain.zones import zones_of

    at = datetime(2026, 11, 25, 13, 30, tzinfo=UTC)  # 8:30 am in Toronto, 5:30 am in Vancouver
    wake = sms.quiet_until(at, "", city="Moose Jaw", country="CA")
    assert wake is not None
    for zone in zones_of("", "Moose Jaw", "CA"):
        assert time(9) <= wake.astimezone(zone).time() < time(21), zone
