"""US states, their legislatures and time zones: the facts intake validates districts against.

District counts are for the maps in force for the 2024-2026 cycles. How a district is spelled and
which spellings are districts at all (sub-district letters, named districts) is `shared.districts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import tzdata

Chamber = Literal["lower", "upper"]


@dataclass(frozen=True, slots=True)
class State:
    code: str
    name: str
    lower: int | None  # number of lower-chamber districts; None: no such chamber (Nebraska)
    upper: int
    tz: str  # the time zone most of the state lives in; cities may override (see CITY_TZ)
    named_lower: bool = False  # districts are names, not numbers
    named_upper: bool = False
    lettered_upper: bool = False  # Alaska's Senate districts are A-T


_STATES = [
    State("AL", "Alabama", 105, 35, "America/Chicago"),
    State("AK", "Alaska", 40, 20, "America/Anchorage", lettered_upper=True),
    State("AZ", "Arizona", 30, 30, "America/Phoenix"),
    State("AR", "Arkansas", 100, 35, "America/Chicago"),
    State("CA", "California", 80, 40, "America/Los_Angeles"),
    State("CO", "Colorado", 65, 35, "America/Denver"),
    State("CT", "Connecticut", 151, 36, "America/New_York"),
    State("DE", "Delaware", 41, 21, "America/New_York"),
    State("FL", "Florida", 120, 40, "America/New_York"),
    State("GA", "Georgia", 180, 56, "America/New_York"),
    State("HI", "Hawaii", 51, 25, "Pacific/Honolulu"),
    State("ID", "Idaho", 35, 35, "America/Boise"),
    State("IL", "Illinois", 118, 59, "America/Chicago"),
    State("IN", "Indiana", 100, 50, "America/Indiana/Indianapolis"),
    State("IA", "Iowa", 100, 50, "America/Chicago"),
    State("KS", "Kansas", 125, 40, "America/Chicago"),
    State("KY", "Kentucky", 100, 38, "America/New_York"),
    State("LA", "Louisiana", 105, 39, "America/Chicago"),
    State("ME", "Maine", 151, 35, "America/New_York"),
    State("MD", "Maryland", 47, 47, "America/New_York"),
    State("MA", "Massachusetts", 160, 40, "America/New_York", named_lower=True, named_upper=True),
    State("MI", "Michigan", 110, 38, "America/Detroit"),
    State("MN", "Minnesota", 67, 67, "America/Chicago"),
    State("MS", "Mississippi", 122, 52, "America/Chicago"),
    State("MO", "Missouri", 163, 34, "America/Chicago"),
    State("MT", "Montana", 100, 50, "America/Denver"),
    State("NE", "Nebraska", None, 49, "America/Chicago"),
    State("NV", "Nevada", 42, 21, "America/Los_Angeles"),
    State("NH", "New Hampshire", 203, 24, "America/New_York", named_lower=True),
    State("NJ", "New Jersey", 40, 40, "America/New_York"),
    State("NM", "New Mexico", 70, 42, "America/Denver"),
    State("NY", "New York", 150, 63, "America/New_York"),
    State("NC", "North Carolina", 120, 50, "America/New_York"),
    State("ND", "North Dakota", 47, 47, "America/Chicago"),
    State("OH", "Ohio", 99, 33, "America/New_York"),
    State("OK", "Oklahoma", 101, 48, "America/Chicago"),
    State("OR", "Oregon", 60, 30, "America/Los_Angeles"),
    State("PA", "Pennsylvania", 203, 50, "America/New_York"),
    State("RI", "Rhode Island", 75, 38, "America/New_York"),
    State("SC", "South Carolina", 124, 46, "America/New_York"),
    State("SD", "South Dakota", 35, 35, "America/Chicago"),
    State("TN", "Tennessee", 99, 33, "America/Chicago"),
    State("TX", "Texas", 150, 31, "America/Chicago"),
    State("UT", "Utah", 75, 29, "America/Denver"),
    State("VT", "Vermont", 109, 16, "America/New_York", named_lower=True, named_upper=True),
    State("VA", "Virginia", 100, 40, "America/New_York"),
    State("WA", "Washington", 49, 49, "America/Los_Angeles"),
    State("WV", "West Virginia", 100, 17, "America/New_York"),
    State("WI", "Wisconsin", 99, 33, "America/Chicago"),
    State("WY", "Wyoming", 62, 31, "America/Denver"),
]

STATES: dict[str, State] = {s.code: s for s in _STATES}
# Where volunteers may live or have grown up besides the states: DC and the inhabited territories
# (USPS codes; IANA zones from tzdata's zone1970.tab). Their legislatures are not in the campaign
# tables, so a campaign's state must be in STATES; volunteers from here match on skills and on
# hometown/current place like anyone else.
NON_STATES: dict[str, tuple[str, str]] = {
    "DC": ("District of Columbia", "America/New_York"),
    "PR": ("Puerto Rico", "America/Puerto_Rico"),
    "GU": ("Guam", "Pacific/Guam"),
    "VI": ("U.S. Virgin Islands", "America/St_Thomas"),
    "AS": ("American Samoa", "Pacific/Pago_Pago"),
    "MP": ("Northern Mariana Islands", "Pacific/Saipan"),
}
RESIDENCE_STATES: dict[str, str] = {s.code: s.name for s in _STATES} | {c: n for c, (n, _) in NON_STATES.items()}
_NAME_TO_CODE = {name.lower(): code for code, name in RESIDENCE_STATES.items()} | {
    "washington dc": "DC",
    "washington, dc": "DC",
    "washington d.c.": "DC",
    "us virgin islands": "VI",
    "virgin islands": "VI",
    "northern mariana islands": "MP",
    "commonwealth of the northern mariana islands": "MP",
}


def normalize_state(value: str) -> str | None:
    """A state code for a code or a full name ("va", "Virginia" -> "VA"); None if unknown."""
    text = value.strip()
    if text.upper() in RESIDENCE_STATES:
        return text.upper()
    return _NAME_TO_CODE.get(text.lower())


def _tz_table(name: str) -> list[list[str]]:
    """Rows of one of the IANA tz database's tables (iso3166.tab, zone.tab), as shipped by the
    tzdata package (so they exist on Lambda, whose image may have no /usr/share/zoneinfo)."""
    text = resources.files(tzdata).joinpath("zoneinfo", name).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> the country's name, as the tz database's iso3166.tab spells it."""
    return {row[0]: row[1] for row in _tz_table("iso3166.tab")}


@cache
def country_zones() -> dict[str, tuple[str, ...]]:
    """ISO 3166 code -> IANA zone names, from zone.tab (one row per country and zone)."""
    zones: dict[str, list[str]] = {}
    for code, _coordinates, name, *_ in _tz_table("zone.tab"):
        zones.setdefault(code, []).append(name)
    return {code: tuple(names) for code, names in zones.items()}


_COUNTRY_NAMES = {
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "america": "US",
    "united kingdom": "GB",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "south korea": "KR",
    "czechia": "CZ",
}


def normalize_country(value: str) -> str | None:
    """An ISO 3166-1 alpha-2 code for a country's code or name ("de", "Germany" -> "DE"); None if
    unknown. The US territories have their own ISO codes (PR, GU, ...): callers treat those as
    places in the US."""
    text = " ".join(value.split())
    if text.upper() in countries():
        return text.upper()
    by_name = {name.lower(): code for code, name in countries().items()}
    return _COUNTRY_NAMES.get(text.lower()) or by_name.get(text.lower())


def state_time_zone(code: str) -> str:
    """The IANA zone most of a state or territory lives in (America/New_York if unknown)."""
    state = STATES.get(code)
    if state:
        return state.tz
    return NON_STATES.get(code, ("", "America/New_York"))[1]
