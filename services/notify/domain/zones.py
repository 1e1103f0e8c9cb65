"""A volunteer's time zone from their current city: the state's zone, except for the larger
cities on the other side of a state's time-zone line (quiet hours must not wake El Paso at 8 am
Central). Cities not listed get the state's zone (shared/geo.py), which is right for most people.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from shared.geo import country_zones, state_time_zone

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


def zone_of(state: str, city: str = "", country: str = "US") -> ZoneInfo:
    """The volunteer's zone; abroad, the first of zones_of (for showing a time)."""
    if country != "US":
        return zones_of(state, city, country)[0]
    name = _CITY_ZONES.get((state.upper(), " ".join(city.lower().replace(".", "").split())))
    return ZoneInfo(name or state_time_zone(state))


def zones_of(state: str, city: str = "", country: str = "US") -> tuple[ZoneInfo, ...]:
    """Every zone the volunteer may be in. In the US, one (zone_of). Abroad (Americans living
    overseas), the country's zones from the IANA zone.tab (shipped by the tzdata package), narrowed
    to the one named after the city when there is one ("Toronto" -> America/Toronto): quiet hours
    must hold in each zone that remains. UTC for a country the table does not list."""
    if country == "US":
        return (zone_of(state, city),)
    names = country_zones().get(country.upper(), ())
    key = "_".join(city.lower().replace(".", "").split())
    named = tuple(n for n in names if n.rsplit("/", 1)[-1].lower() == key)
    return tuple(ZoneInfo(n) for n in (named or names or ("UTC",)))
