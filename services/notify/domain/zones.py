"""A volunteer's time zone from their current city: the state's zone, except for the larger
cities on the other side of a state's time-zone line (quiet hours must not wake El Paso at 8 am
Central). Cities not listed get the state's zone (shared/geo.py), which is right for most people.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from shared.geo import state_time_zone

# (state, city lower case) -> IANA zone, where it differs from the state's zone.
_CITY_ZONES: dict[tuple[str, str], str] = {
    ("TX", "el paso"): "America/Denver",
    ("FL", "pensacola"): "America/Chicago",
    ("FL", "panama city"): "America/Chicago",
    ("FL", "fort walton beach"): "America/Chicago",
    ("FL", "destin"): "America/Chicago",
    ("FL", "navarre"): "America/Chicago",
    ("TN", "knoxville"): "America/New_York",
    ("TN", "chattanooga"): "America/New_York",
    ("TN", "johnson city"): "America/New_York",
    ("TN", "kingsport"): "America/New_York",
    ("TN", "bristol"): "America/New_York",
    ("KY", "bowling green"): "America/Chicago",
    ("KY", "owensboro"): "America/Chicago",
    ("KY", "paducah"): "America/Chicago",
    ("KY", "hopkinsville"): "America/Chicago",
    ("IN", "evansville"): "America/Chicago",
    ("IN", "gary"): "America/Chicago",
    ("IN", "hammond"): "America/Chicago",
    ("IN", "valparaiso"): "America/Chicago",
    ("MI", "iron mountain"): "America/Menominee",
    ("MI", "menominee"): "America/Menominee",
    ("ID", "coeur d'alene"): "America/Los_Angeles",
    ("ID", "lewiston"): "America/Los_Angeles",
    ("ID", "moscow"): "America/Los_Angeles",
    ("ID", "post falls"): "America/Los_Angeles",
    ("OR", "ontario"): "America/Boise",
    ("KS", "goodland"): "America/Denver",
    ("NE", "scottsbluff"): "America/Denver",
    ("NE", "sidney"): "America/Denver",
    ("SD", "rapid city"): "America/Denver",
    ("SD", "spearfish"): "America/Denver",
    ("ND", "dickinson"): "America/Denver",
    ("AZ", "window rock"): "America/Denver",  # the Navajo Nation keeps daylight time
    ("AK", "adak"): "America/Adak",
}


def zone_of(state: str, city: str = "") -> ZoneInfo:
    name = _CITY_ZONES.get((state.upper(), " ".join(city.lower().replace(".", "").split())))
    return ZoneInfo(name or state_time_zone(state))
