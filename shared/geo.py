"""US states, their legislatures and time zones: the facts intake validates districts against.

District counts are for the maps in force for the 2024-2026 cycles. How a district is spelled and
which spellings are districts at all (sub-district letters, named districts) is `shared.districts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
# Volunteers may live in DC (and help campaigns elsewhere); it has no state legislature.
RESIDENCE_STATES: dict[str, str] = {s.code: s.name for s in _STATES} | {"DC": "District of Columbia"}
_NAME_TO_CODE = {name.lower(): code for code, name in RESIDENCE_STATES.items()}


def normalize_state(value: str) -> str | None:
    """A state code for a code or a full name ("va", "Virginia" -> "VA"); None if unknown."""
    text = value.strip()
    if text.upper() in RESIDENCE_STATES:
        return text.upper()
    return _NAME_TO_CODE.get(text.lower())


def normalize_district(state: State, chamber: Chamber, district: str) -> str:
    """The canonical district id, or ValueError saying why it cannot exist: `shared.districts`."""
    from shared.districts import canonical_district  # it reads this module's STATES

    return canonical_district(state, chamber, district)


def state_time_zone(code: str) -> str:
    state = STATES.get(code)
    return state.tz if state else "America/New_York"
