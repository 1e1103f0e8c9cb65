"""Reproducible synthetic data for the demo: volunteers, campaign requests, election results.

Pure stdlib. Every generator takes a seed and builds its own `random.Random`, so output depends
only on the arguments (never on global RNG state, dict/set ordering or PYTHONHASHSEED).
Nothing here is real: names are drawn from lists, e-mail addresses live on reserved example
domains, phone numbers use the 555 exchange, and election results are simulated from scratch
(they share only the column layout of the real results files).
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from bisect import bisect
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from itertools import accumulate
from random import Random
from typing import Any, Generic, TypeVar

from shared.catalog import catalog
from shared.districts import districts_of
from shared.geo import STATES

__all__ = [
    "ELECTION_RESULTS_HEADER",
    "campaigns",
    "election_date",
    "election_results",
    "reply_behaviour",
    "reply_text",
    "volunteers",
]

T = TypeVar("T")

# --------------------------------------------------------------------------------------------
# Weighted choice helpers. Precomputed cumulative weights keep 15k volunteers well under 1 s.


class _Weighted(Generic[T]):
    """A fixed weighted distribution; `pick` is one bisect on precomputed cumulative weights."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self._items = [item for item, _ in pairs]
        self._cum = list(accumulate(w for _, w in pairs))
        self._total = self._cum[-1]

    def pick(self, rng: Random) -> T:
        return self._items[bisect(self._cum, rng.random() * self._total)]


def _sample_weighted(rng: Random, weights: dict[str, float], k: int) -> list[str]:
    """k distinct keys drawn with probability proportional to weight (no replacement)."""
    pool = dict(weights)
    chosen: list[str] = []
    for _ in range(min(k, len(pool))):
        key = _Weighted(list(pool.items())).pick(rng)
        chosen.append(key)
        del pool[key]
    return chosen


# --------------------------------------------------------------------------------------------
# Places. Each city carries its real area codes, so a phone matches where the person lives.

City = tuple[str, str, tuple[str, ...]]  # (city, state, area codes)

# Where tech volunteers live now: big metros, weighted roughly by tech workforce.
_METRO_CITIES: list[tuple[City, float]] = [
    (("San Francisco", "CA", ("415", "628")), 7.0),
    (("Oakland", "CA", ("510", "341")), 3.5),
    (("San Jose", "CA", ("408", "669")), 2.5),
    (("Berkeley", "CA", ("510", "341")), 1.5),
    (("Palo Alto", "CA", ("650",)), 1.0),
    (("Mountain View", "CA", ("650",)), 1.0),
    (("Sunnyvale", "CA", ("408", "669")), 0.5),
    (("New York", "NY", ("212", "646", "917", "332")), 8.0),
    (("Brooklyn", "NY", ("718", "347", "929")), 4.5),
    (("Jersey City", "NJ", ("201", "551")), 1.0),
    (("Hoboken", "NJ", ("201", "551")), 0.5),
    (("Seattle", "WA", ("206",)), 6.0),
    (("Bellevue", "WA", ("425",)), 1.5),
    (("Redmond", "WA", ("425",)), 1.0),
    (("Kirkland", "WA", ("425",)), 0.5),
    (("Boston", "MA", ("617", "857")), 3.5),
    (("Cambridge", "MA", ("617", "857")), 2.5),
    (("Somerville", "MA", ("617", "857")), 1.0),
    (("Washington", "DC", ("202",)), 4.5),
    (("Arlington", "VA", ("703", "571")), 1.8),
    (("Alexandria", "VA", ("703", "571")), 0.8),
    (("Bethesda", "MD", ("301", "240")), 0.5),
    (("Silver Spring", "MD", ("301", "240")), 0.4),
    (("Austin", "TX", ("512", "737")), 5.0),
    (("Chicago", "IL", ("312", "773", "872")), 5.0),
    (("Evanston", "IL", ("847", "224")), 0.6),
    (("Oak Park", "IL", ("708",)), 0.4),
    (("Los Angeles", "CA", ("213", "323", "310")), 5.0),
    (("Santa Monica", "CA", ("310", "424")), 1.2),
    (("Pasadena", "CA", ("626",)), 0.8),
    (("Denver", "CO", ("303", "720")), 3.0),
    (("Boulder", "CO", ("303", "720")), 1.0),
    (("Atlanta", "GA", ("404", "470", "678")), 3.4),
    (("Decatur", "GA", ("404", "470", "678")), 0.6),
    (("Portland", "OR", ("503", "971")), 2.5),
    (("Philadelphia", "PA", ("215", "267")), 2.5),
    (("Minneapolis", "MN", ("612",)), 1.5),
    (("Saint Paul", "MN", ("651",)), 0.5),
    (("Raleigh", "NC", ("919", "984")), 1.2),
    (("Durham", "NC", ("919", "984")), 1.0),
    (("Pittsburgh", "PA", ("412",)), 1.2),
    (("Ann Arbor", "MI", ("734",)), 0.8),
    (("Detroit", "MI", ("313",)), 0.7),
    (("Madison", "WI", ("608",)), 0.8),
    (("Phoenix", "AZ", ("602", "480", "623")), 1.0),
    (("Tempe", "AZ", ("480",)), 0.5),
    (("Houston", "TX", ("713", "832", "281")), 1.0),
    (("Dallas", "TX", ("214", "469", "972")), 1.0),
    (("Miami", "FL", ("305", "786")), 0.8),
    (("Salt Lake City", "UT", ("801", "385")), 0.8),
    (("San Diego", "CA", ("619", "858")), 1.2),
    (("Nashville", "TN", ("615", "629")), 0.8),
    (("Columbus", "OH", ("614", "380")), 0.8),
    (("Richmond", "VA", ("804",)), 0.8),
]

# Where people grew up: every state (and DC), a few real cities each.
_STATE_CITIES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "AL": [("Birmingham", ("205", "659")), ("Huntsville", ("256", "938")), ("Mobile", ("251",)),
           ("Montgomery", ("334",))],
    "AK": [("Anchorage", ("907",)), ("Fairbanks", ("907",))],
    "AZ": [("Phoenix", ("602", "480", "623")), ("Tucson", ("520",)), ("Mesa", ("480",)),
           ("Flagstaff", ("928",))],
    "AR": [("Little Rock", ("501",)), ("Fayetteville", ("479",))],
    "CA": [("Sacramento", ("916",)), ("Fresno", ("559",)), ("Bakersfield", ("661",)),
           ("Riverside", ("951",)), ("San Diego", ("619", "858")),
           ("Los Angeles", ("213", "323", "310")), ("San Francisco", ("415", "628"))],
    "CO": [("Denver", ("303", "720")), ("Colorado Springs", ("719",)),
           ("Fort Collins", ("970",)), ("Pueblo", ("719",))],
    "CT": [("Hartford", ("860", "959")), ("New Haven", ("203", "475"))],
    "DE": [("Wilmington", ("302",)), ("Dover", ("302",))],
    "DC": [("Washington", ("202",))],
    "FL": [("Tampa", ("813",)), ("Orlando", ("407", "689")), ("Jacksonville", ("904",)),
           ("Miami", ("305", "786")), ("Tallahassee", ("850",)), ("Gainesville", ("352",))],
    "GA": [("Atlanta", ("404", "470", "678")), ("Savannah", ("912",)), ("Macon", ("478",)),
           ("Augusta", ("706", "762")), ("Athens", ("706", "762"))],
    "HI": [("Honolulu", ("808",)), ("Hilo", ("808",))],
    "ID": [("Boise", ("208", "986")), ("Idaho Falls", ("208", "986"))],
    "IL": [("Chicago", ("312", "773", "872")), ("Springfield", ("217",)), ("Peoria", ("309",)),
           ("Rockford", ("815", "779"))],
    "IN": [("Indianapolis", ("317", "463")), ("Fort Wayne", ("260",)),
           ("Bloomington", ("812", "930")), ("South Bend", ("574",))],
    "IA": [("Des Moines", ("515",)), ("Cedar Rapids", ("319",)), ("Iowa City", ("319",))],
    "KS": [("Wichita", ("316",)), ("Lawrence", ("785",)), ("Overland Park", ("913",))],
    "KY": [("Louisville", ("502",)), ("Lexington", ("859",)), ("Bowling Green", ("270",))],
    "LA": [("New Orleans", ("504",)), ("Baton Rouge", ("225",)), ("Shreveport", ("318",)),
           ("Lafayette", ("337",))],
    "ME": [("Portland", ("207",)), ("Bangor", ("207",))],
    "MD": [("Baltimore", ("410", "443", "667")), ("Annapolis", ("410", "443")),
           ("Frederick", ("301", "240"))],
    "MA": [("Boston", ("617", "857")), ("Worcester", ("508", "774")), ("Springfield", ("413",))],
    "MI": [("Detroit", ("313",)), ("Grand Rapids", ("616",)), ("Lansing", ("517",)),
           ("Flint", ("810",)), ("Kalamazoo", ("269",)), ("Ann Arbor", ("734",))],
    "MN": [("Minneapolis", ("612",)), ("Duluth", ("218",)), ("Rochester", ("507",))],
    "MS": [("Jackson", ("601", "769")), ("Gulfport", ("228",)), ("Hattiesburg", ("601", "769"))],
    "MO": [("Kansas City", ("816",)), ("St. Louis", ("314",)), ("Springfield", ("417",)),
           ("Columbia", ("573",))],
    "MT": [("Billings", ("406",)), ("Missoula", ("406",)), ("Bozeman", ("406",))],
    "NE": [("Omaha", ("402", "531")), ("Lincoln", ("402", "531"))],
    "NV": [("Las Vegas", ("702", "725")), ("Reno", ("775",)), ("Henderson", ("702", "725"))],
    "NH": [("Manchester", ("603",)), ("Nashua", ("603",)), ("Concord", ("603",))],
    "NJ": [("Newark", ("973", "862")), ("Trenton", ("609",)), ("Camden", ("856",)),
           ("Edison", ("732", "848")), ("Jersey City", ("201", "551"))],
    "NM": [("Albuquerque", ("505",)), ("Las Cruces", ("575",)), ("Santa Fe", ("505",))],
    "NY": [("Buffalo", ("716",)), ("Rochester", ("585",)), ("Syracuse", ("315", "680")),
           ("Albany", ("518",)), ("New York", ("212", "646", "917"))],
    "NC": [("Charlotte", ("704", "980")), ("Greensboro", ("336",)), ("Asheville", ("828",)),
           ("Wilmington", ("910",)), ("Fayetteville", ("910",)), ("Raleigh", ("919", "984"))],
    "ND": [("Fargo", ("701",)), ("Bismarck", ("701",))],
    "OH": [("Cleveland", ("216",)), ("Cincinnati", ("513",)), ("Columbus", ("614", "380")),
           ("Toledo", ("419", "567")), ("Akron", ("330", "234")), ("Dayton", ("937",))],
    "OK": [("Oklahoma City", ("405",)), ("Tulsa", ("918", "539"))],
    "OR": [("Portland", ("503", "971")), ("Eugene", ("541", "458")), ("Salem", ("503", "971")),
           ("Bend", ("541", "458"))],
    "PA": [("Philadelphia", ("215", "267")), ("Pittsburgh", ("412",)),
           ("Harrisburg", ("717",)), ("Scranton", ("570",)), ("Erie", ("814",)),
           ("Allentown", ("610", "484")), ("Lancaster", ("717",))],
    "RI": [("Providence", ("401",)), ("Warwick", ("401",))],
    "SC": [("Columbia", ("803",)), ("Charleston", ("843", "854")), ("Greenville", ("864",))],
    "SD": [("Sioux Falls", ("605",)), ("Rapid City", ("605",))],
    "TN": [("Memphis", ("901",)), ("Nashville", ("615", "629")), ("Knoxville", ("865",)),
           ("Chattanooga", ("423",))],
    "TX": [("Houston", ("713", "832", "281")), ("Dallas", ("214", "469", "972")),
           ("Austin", ("512", "737")), ("San Antonio", ("210",)), ("El Paso", ("915",)),
           ("Fort Worth", ("817", "682")), ("Lubbock", ("806",)), ("Corpus Christi", ("361",)),
           ("McAllen", ("956",))],
    "UT": [("Salt Lake City", ("801", "385")), ("Provo", ("801", "385")), ("Ogden", ("801",))],
    "VT": [("Burlington", ("802",)), ("Montpelier", ("802",))],
    "VA": [("Richmond", ("804",)), ("Norfolk", ("757",)), ("Virginia Beach", ("757",)),
           ("Roanoke", ("540",)), ("Charlottesville", ("434",)), ("Lynchburg", ("434",)),
           ("Fairfax", ("703", "571")), ("Arlington", ("703", "571"))],
    "WA": [("Seattle", ("206",)), ("Spokane", ("509",)), ("Tacoma", ("253",)),
           ("Olympia", ("360",))],
    "WV": [("Charleston", ("304", "681")), ("Morgantown", ("304", "681")),
           ("Huntington", ("304", "681"))],
    "WI": [("Milwaukee", ("414",)), ("Green Bay", ("920",)), ("Madison", ("608",)),
           ("Eau Claire", ("715",))],
    "WY": [("Cheyenne", ("307",)), ("Casper", ("307",))],
}  # fmt: skip

# Hometown weight per state: many volunteers grew up in swing or red states and moved to a metro.
_HOMETOWN_STATE_WEIGHTS: dict[str, float] = {
    "VA": 6, "PA": 7, "MI": 6, "WI": 5, "GA": 5, "NC": 5, "AZ": 4, "TX": 7, "OH": 6, "FL": 6,
    "NV": 2, "MN": 3, "IA": 2, "MO": 2, "IN": 2, "KY": 1.5, "TN": 2, "SC": 2, "AL": 1.2,
    "LA": 1.2, "MS": 0.8, "KS": 1, "OK": 1, "AR": 0.8, "WV": 0.8, "NE": 0.8, "CA": 5, "NY": 5,
    "IL": 3, "NJ": 2.5, "MA": 2, "MD": 2, "WA": 2, "CO": 2, "OR": 1.2, "CT": 1, "UT": 1,
    "NM": 0.8, "ID": 0.6, "MT": 0.5, "NH": 0.8, "ME": 0.6, "RI": 0.4, "DE": 0.4, "VT": 0.3,
    "HI": 0.4, "AK": 0.3, "ND": 0.3, "SD": 0.3, "WY": 0.3, "DC": 0.3,
}  # fmt: skip

_METRO = _Weighted(_METRO_CITIES)
_HOMETOWN = _Weighted(
    [
        ((city, state, codes), weight / len(cities))
        for state, weight in _HOMETOWN_STATE_WEIGHTS.items()
        for cities in [_STATE_CITIES[state]]
        for city, codes in cities
    ]
)
_METRO_SHARE = 0.85  # the rest live outside the big metros (drawn like hometowns)
_SAME_AS_HOMETOWN = 0.25


def _area_codes(state: str) -> list[str]:
    """Every area code we know for a state, in table order (deterministic)."""
    codes: list[str] = []
    for _, city_codes in _STATE_CITIES[state]:
        codes.extend(c for c in city_codes if c not in codes)
    return codes


# --------------------------------------------------------------------------------------------
# People.

_FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Christopher", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Sandra", "Mark",
    "Ashley", "Andrew", "Emily", "Joshua", "Michelle", "Kevin", "Amanda", "Brian", "Melissa",
    "Aisha", "Jamal", "Keisha", "DeShawn", "Tanisha", "Malik", "Imani", "Darnell", "Ebony",
    "Marcus", "Latoya", "Andre", "José", "María", "Luis", "Carmen", "Carlos", "Sofía", "Miguel",
    "Lucía", "Alejandro", "Valentina", "Diego", "Camila", "Javier", "Ximena", "Rafael", "Gabriela",
    "Mateo", "Isabel", "Wei", "Mei", "Jun", "Hui", "Ming", "Yuki", "Hiroshi", "Sakura", "Min-jun",
    "Ji-woo", "Seo-yeon", "Priya", "Arjun", "Ananya", "Rohan", "Divya", "Vikram", "Neha", "Sanjay",
    "Aditi", "Mohammed", "Fatima", "Omar", "Layla", "Yusuf", "Amira", "Hassan", "Noor", "Tariq",
    "Zainab", "Huy", "Linh", "Minh", "Thao", "Olusegun", "Chiamaka", "Kwame", "Abena", "Tunde",
    "Ngozi", "Siobhan", "Declan", "Niamh", "Liam", "Aoife", "Sean", "Zoë", "Björn", "Ingrid",
    "Mateusz", "Katarzyna", "Dmitri", "Olga", "Giulia", "Marco", "Chloé", "Étienne", "Noa", "Avi",
    "Talia", "Kai", "Leilani", "Dakota", "Winona", "Riley", "Jordan", "Taylor", "Morgan", "Casey",
    "Alex", "Sam", "Jamie"
)  # fmt: skip

_LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris",
    "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill",
    "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Campbell", "Parker",
    "Evans", "Washington", "Jefferson", "Freeman", "Brooks", "Coleman", "Jenkins", "Bell", "Banks",
    "Simmons", "Rivers", "García", "Rodríguez", "Martínez", "Hernández", "López", "González",
    "Pérez", "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Reyes",
    "Morales", "Cruz", "Ortiz", "Gutiérrez", "Chávez", "Wang", "Li", "Zhang", "Liu", "Chen",
    "Yang", "Huang", "Zhao", "Wu", "Zhou", "Kim", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon",
    "Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Patel", "Shah", "Singh", "Kumar", "Gupta",
    "Reddy", "Iyer", "Desai", "Mehta", "Chatterjee", "Khan", "Ahmed", "Ali", "Hussain", "Rahman",
    "Haddad", "Nasser", "Okafor", "Adeyemi", "Mensah", "Owusu", "Diallo", "O'Brien", "O'Connor",
    "Murphy", "Kelly", "Sullivan", "Byrne", "Nowak", "Kowalski", "Novak", "Horvat", "Schmidt",
    "Müller", "Weber", "Fischer", "Rossi", "Russo", "Esposito", "Bianchi", "Cohen", "Levy",
    "Friedman", "Goldberg", "Yamamoto", "Tanaka", "Sato", "Suzuki", "Watanabe", "Begay", "Yazzie",
    "Tsosie", "Kahale", "Akana", "Dubois", "Lefebvre", "Moreau", "Lindqvist", "Johansson",
    "Larsen", "Olsen", "Petrov", "Ivanova", "Papadopoulos", "Nakamura", "Hale-Thompson",
    "Santos-Silva"
)  # fmt: skip

_MIDDLE_INITIALS = "ABCDEFGHJKLMNPRSTW"


def _ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'García' -> 'garcia', "O'Brien" -> 'obrien'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _person(rng: Random) -> tuple[str, str, str]:
    """(display name, first, last); about 6% carry a middle initial, as sign-up forms do."""
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    if rng.random() < 0.06:
        return f"{first} {rng.choice(_MIDDLE_INITIALS)}. {last}", first, last
    return f"{first} {last}", first, last


_VOLUNTEER_DOMAINS = _Weighted([("example.com", 5.0), ("example.org", 2.0), ("example.net", 2.0)])


def _unique(candidate: str, used: set[str], variant: Callable[[int], str]) -> str:
    """`candidate` if unused, else the first unused `variant(2)`, `variant(3)`, ..."""
    n = 1
    while candidate in used:
        n += 1
        candidate = variant(n)
    used.add(candidate)
    return candidate


def _volunteer_email(rng: Random, first: str, last: str, used: set[str]) -> str:
    f, l = _ascii_slug(first), _ascii_slug(last)  # noqa: E741 - l is the last-name slug
    style = rng.randrange(6)
    local = (
        f"{f}.{l}", f"{f}{l}", f"{f[0]}{l}", f"{f}_{l}", f"{f}.{l}{rng.randrange(70, 100)}",
        f"{l}.{f}",
    )[style]  # fmt: skip
    domain = _VOLUNTEER_DOMAINS.pick(rng)
    return _unique(f"{local}@{domain}", used, lambda n: f"{local}{n}@{domain}")


# --------------------------------------------------------------------------------------------
# Phones. The 555 exchange is never assigned to subscribers; 555-0100..0199 is the range set
# aside for fiction. `phonenumbers` accepts both as valid US numbers (tests check every one).

_FICTION_LINES = range(100, 200)
_OVERFLOW_LINES = range(2000, 10000)  # when a busy area code runs out of fiction lines
_CAMPAIGN_LINES = [n for n in range(1000, 2000) if n != 1212]  # 555-1212 is directory assistance


def _phone(rng: Random, codes: Sequence[str], used: set[str], lines: Sequence[int]) -> str:
    """A unique E.164 number on one of `codes`, trying `lines` first, then the overflow range."""
    for pool in (lines, _OVERFLOW_LINES):
        for _ in range(12):
            number = f"+1{rng.choice(codes)}555{rng.choice(pool):04d}"
            if number not in used:
                used.add(number)
                return number
    # Practically unreachable: scan deterministically rather than loop forever.
    for code in codes:
        for line in _OVERFLOW_LINES:
            number = f"+1{code}555{line:04d}"
            if number not in used:
                used.add(number)
                return number
    raise ValueError("ran out of synthetic phone numbers for these area codes")


# --------------------------------------------------------------------------------------------
# Volunteers.

# Popularity of each skill among sign-ups. Skills added to the catalog later get _DEFAULT_WEIGHT.
_SKILL_WEIGHTS: dict[str, float] = {
    "copywriting": 14, "data_analysis": 13, "web_development": 12, "social_media": 11,
    "web_design": 9, "project_management": 8, "software_engineering": 8, "email_marketing": 6,
    "digital_ads": 5, "video_production": 5, "web_analytics": 5, "data_engineering": 4,
    "data_science": 3.5, "sms_outreach": 3, "voter_data": 3,
}  # fmt: skip
_DEFAULT_WEIGHT = 5.0
# Skills people tend to hold together; a second skill from the same family is 2.5x likelier.
_SKILL_FAMILIES: list[frozenset[str]] = [
    frozenset({"web_development", "web_design", "web_analytics", "software_engineering"}),
    frozenset({"copywriting", "social_media", "video_production", "email_marketing",
               "digital_ads"}),
    frozenset({"data_analysis", "data_engineering", "data_science", "voter_data",
               "software_engineering"}),
    frozenset({"project_management", "sms_outreach", "voter_data", "email_marketing"}),
]  # fmt: skip
_SKILL_COUNT = _Weighted([(1, 40.0), (2, 35.0), (3, 17.0), (4, 8.0)])
_HOURS = _Weighted([(2, 6.0), (3, 10.0), (4, 22.0), (5, 22.0), (6, 18.0), (8, 13.0), (10, 9.0)])
_LEAD_HOURS = _Weighted([(2, 1.0), (3, 3.0), (4, 12.0), (5, 20.0), (6, 25.0), (8, 22.0),
                         (10, 17.0)])  # fmt: skip
_WEEKS = _Weighted([(4, 10.0), (6, 14.0), (8, 24.0), (10, 18.0), (12, 20.0), (16, 14.0)])
_LEAD_SHARE = 0.12
_PHONE_SHARE = 0.55
_SMS_CONSENT_SHARE = 0.60


def _skill_weights() -> dict[str, float]:
    # Catalog order (a list), not skill_ids (a frozenset), so the draw order is stable.
    return {s.id: _SKILL_WEIGHTS.get(s.id, _DEFAULT_WEIGHT) for s in catalog().skills}


def _skills(rng: Random, weights: dict[str, float], lead: bool) -> list[str]:
    count = _SKILL_COUNT.pick(rng)
    first = _sample_weighted(rng, weights, 1)[0]
    related = set().union(*(f for f in _SKILL_FAMILIES if first in f))
    rest = {skill: w * (2.5 if skill in related else 1.0) for skill, w in weights.items() if skill != first}
    chosen = [first, *_sample_weighted(rng, rest, count - 1)]
    # Trained leads often manage projects by trade.
    pm = "project_management"
    if lead and pm in weights and pm not in chosen and len(chosen) < 4 and rng.random() < 0.3:
        chosen.append(pm)
    return chosen


def volunteers(n: int, seed: int) -> list[dict[str, Any]]:
    """`n` volunteer sign-ups in the public API shape, plus the staff-set `lead_trained` flag."""
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = Random(f"volunteers:{seed}")  # str seeds hash via SHA-512: stable across processes
    weights = _skill_weights()
    emails: set[str] = set()
    phones: set[str] = set()
    out: list[dict[str, Any]] = []
    for _ in range(n):
        name, first, last = _person(rng)
        current = _METRO.pick(rng) if rng.random() < _METRO_SHARE else _HOMETOWN.pick(rng)
        if rng.random() < _SAME_AS_HOMETOWN:
            home = current
        else:
            home = _HOMETOWN.pick(rng)
            while home[:2] == current[:2]:
                home = _HOMETOWN.pick(rng)
        lead = rng.random() < _LEAD_SHARE
        phone = None
        if rng.random() < _PHONE_SHARE:
            phone = _phone(rng, current[2], phones, _FICTION_LINES)
        out.append(
            {
                "name": name,
                "email": _volunteer_email(rng, first, last, emails),
                "phone": phone,
                "sms_consent": phone is not None and rng.random() < _SMS_CONSENT_SHARE,
                "skills": _skills(rng, weights, lead),
                "hometown": {"city": home[0], "state": home[1]},
                "current_location": {"city": current[0], "state": current[1]},
                "hours_per_week": (_LEAD_HOURS if lead else _HOURS).pick(rng),
                "weeks_available": _WEEKS.pick(rng),
                "lead_trained": lead,
            }
        )
    return out


# --------------------------------------------------------------------------------------------
# Campaign requests.

# Odd years: VA and NJ elect their legislatures (LA and MS too, every four years); other
# battlegrounds appear for specials and early prep. Even years: the usual battlegrounds.
_ODD_YEAR_STATES: dict[str, float] = {
    "VA": 34, "NJ": 18, "LA": 4, "MS": 4, "PA": 4, "MI": 4, "WI": 4, "GA": 3, "NC": 3,
    "AZ": 3, "TX": 3, "OH": 2, "FL": 2, "NV": 2, "MN": 2, "IA": 1, "KS": 1, "KY": 1, "CO": 1,
    "NY": 1, "NE": 0.5,
}  # fmt: skip
_EVEN_YEAR_STATES: dict[str, float] = {
    "PA": 10, "MI": 10, "WI": 8, "NC": 8, "AZ": 8, "GA": 7, "TX": 6, "OH": 5, "FL": 5,
    "NV": 5, "MN": 5, "IA": 3, "CO": 3, "NY": 3, "ME": 2, "SC": 2, "KS": 2, "KY": 2, "VA": 2,
    "NJ": 2, "NE": 1,
}  # fmt: skip
_LOWER_SHARE = 0.75
# States whose chambers use names or letters (MA, NH, VT, AK Senate) are left out on purpose.

_NEEDS_WEIGHTS: dict[str, float] = {
    "website_launch": 20, "website_refresh": 10, "email_program": 14, "paid_social": 14,
    "social_content": 9, "voter_segmentation": 7, "gotv_texting": 7, "analytics_setup": 6,
    "data_pipeline": 4, "targeting_model": 4,
}  # fmt: skip
_NEEDS_COUNT = _Weighted([(1, 40.0), (2, 40.0), (3, 20.0)])

_JOBS = (
    "public-school teacher", "nurse", "small-business owner", "Navy veteran", "union electrician",
    "county commissioner", "pastor", "firefighter", "attorney", "farmer", "social worker",
)  # fmt: skip
_MONTHS = ("March", "April", "May", "June", "July")
_NOTES: tuple[str, ...] = (
    "First-time candidate; we have a tiny team and no digital help yet.",
    "District {district} was decided by fewer than {margin} votes last cycle.",
    "Our website is out of date and we need it fixed before early voting starts.",
    "We are strong on doors but have nobody to run email or social.",
    "Open seat after a retirement; we launch publicly in {month}.",
    "Running against a long-time incumbent who has not faced a real race in years.",
    "Small budget, big district: we need help making our digital dollars go further.",
    "{first} is a {job} running for office for the first time.",
    "We have a volunteer list in spreadsheets and no way to use it.",
    "Fundraising is going well; we need help turning money into voter contact.",
)


def election_date(year: int) -> date:
    """US general election day: the Tuesday after the first Monday in November."""
    nov1 = date(year, 11, 1)
    first_monday = nov1 + timedelta(days=(0 - nov1.weekday()) % 7)
    return first_monday + timedelta(days=1)


def _office(code: str, chamber: str) -> tuple[str, str]:
    """(office text, the word a campaign puts in its domain: 'smithfordelegate')."""
    name = STATES[code].name
    if chamber == "upper":
        if code == "NE":
            return "Nebraska Legislature", "legislature"
        return f"{name} State Senate", "senate"
    if code in ("VA", "MD", "WV"):
        return f"{name} House of Delegates", "delegate"
    if code == "NJ":
        return "New Jersey General Assembly", "assembly"
    if code in ("CA", "NY", "NV", "WI"):
        return f"{name} State Assembly", "assembly"
    return f"{name} House of Representatives", "house"


def campaigns(n: int, seed: int, election_year: int = 2027) -> list[dict[str, Any]]:
    """`n` campaign requests in the public API shape, all for the `election_year` general."""
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = Random(f"campaigns:{seed}:{election_year}")
    states = _Weighted(list((_ODD_YEAR_STATES if election_year % 2 else _EVEN_YEAR_STATES).items()))
    menu_ids = [m.id for m in catalog().menu]  # catalog order: deterministic
    needs_weights = {i: _NEEDS_WEIGHTS.get(i, _DEFAULT_WEIGHT) for i in menu_ids}
    day = election_date(election_year).isoformat()
    seats: set[tuple[str, str, str]] = set()
    domains: set[str] = set()
    phones: set[str] = set()
    out: list[dict[str, Any]] = []
    for _ in range(n):
        # One request per seat where the map allows (a party backs one candidate per race).
        for _attempt in range(50):
            code = states.pick(rng)
            state = STATES[code]
            lower = state.lower is not None and rng.random() < _LOWER_SHARE
            chamber = "lower" if lower else "upper"
            district = rng.choice(districts_of(state, chamber))
            if (code, chamber, district) not in seats:
                break
        seats.add((code, chamber, district))
        office, word = _office(code, chamber)
        name, first, last = _person(rng)
        contact_name, contact_first, _ = _person(rng)
        base = f"{_ascii_slug(last)}for{word}"
        # The campaign's own (reserved) domain; contact emails are unique because domains are.
        domain = _unique(f"{base}.example.org", domains, lambda k, b=base: f"{b}{k}.example.org")
        note = rng.choice(_NOTES).format(
            district=district, margin=rng.choice((200, 500, 900, 1500)),
            month=rng.choice(_MONTHS), first=first, job=rng.choice(_JOBS),
        )  # fmt: skip
        out.append(
            {
                "candidate_name": name,
                "office": office,
                "chamber": chamber,
                "state": code,
                "district": district,
                "election_date": day,
                "contact": {
                    "name": contact_name,
                    "email": f"{_ascii_slug(contact_first)}@{domain}",
                    "phone": _phone(rng, _area_codes(code), phones, _CAMPAIGN_LINES),
                },
                "needs": _sample_weighted(rng, needs_weights, _NEEDS_COUNT.pick(rng)),
                "notes": note,
            }
        )
    return out


# --------------------------------------------------------------------------------------------
# Election results: simulated from scratch, matching only the real files' columns.

ELECTION_RESULTS_HEADER: tuple[str, ...] = (
    "state", "chamber", "year", "district", "district_map", "dem_votes", "rep_votes",
    "other_votes", "writein_votes", "total_votes", "dem_share_2party", "winner_party",
    "winner_name", "contested", "dem_candidate", "rep_candidate", "incumbent_party",
    "incumbent_running", "prev_winner_party", "source", "notes",
)  # fmt: skip


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _candidate(rng: Random, party: str, votes: int, incumbent: tuple[str, str], running: bool) -> str:
    """The party's nominee: the sitting member if running, else a fresh name; '' if none."""
    if votes == 0:
        return ""
    return incumbent[1] if running and incumbent[0] == party else _person(rng)[0]


def election_results(
    seed: int,
    state: str = "VA",
    chamber: str = "lower",
    districts: int = 100,
    years: Sequence[int] = (2019, 2021, 2023),
) -> str:
    """CSV text, one row per district per year, with the columns of the real results files.

    Each district has a latent Democratic lean ~ N(0.47, 0.15); every cycle adds one statewide
    swing plus local noise and an incumbency bonus. Lopsided seats are often uncontested.
    """
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    if chamber not in ("lower", "upper"):
        raise ValueError("chamber must be 'lower' or 'upper'")
    count = STATES[state].lower if chamber == "lower" else STATES[state].upper
    if count is None or not 1 <= districts <= count:
        raise ValueError(f"{state} {chamber} has {count} districts; cannot make {districts}")
    cycles = sorted(years)
    if not cycles or len(set(cycles)) != len(cycles):
        raise ValueError("years must be non-empty and distinct")

    rng = Random(f"elections:{seed}:{state}:{chamber}")
    lean = [_clip(rng.gauss(0.47, 0.15), 0.05, 0.95) for _ in range(districts)]
    turnout = [rng.uniform(11_000, 30_000) for _ in range(districts)]
    holder = [("D" if lean[d] + rng.gauss(0, 0.05) > 0.5 else "R", _person(rng)[0]) for d in range(districts)]
    prev_winner: list[str] = [""] * districts

    buf = io.StringIO()
    writer = csv.writer(buf)  # default \r\n line ends, like the real files
    writer.writerow(ELECTION_RESULTS_HEADER)
    for year in cycles:
        swing = rng.gauss(0, 0.035)
        year_turnout = rng.uniform(0.8, 1.2)
        for d in range(districts):
            inc_party = holder[d][0]
            running = rng.random() < 0.85  # the rest retire or lose a primary
            bonus = (0.03 if inc_party == "D" else -0.03) if running else 0.0
            expected = lean[d] + swing + bonus + rng.gauss(0, 0.025)
            p_uncontested = _clip(0.06 + 2.2 * abs(expected - 0.5), 0.03, 0.95)
            contested = rng.random() >= p_uncontested
            two_party = round(turnout[d] * year_turnout * rng.uniform(0.9, 1.1))
            if contested:
                dem = round(two_party * _clip(expected, 0.02, 0.98))
                rep = two_party - dem
                if dem == rep:  # no ties: real ones are settled by lot, not worth simulating
                    dem += 1
            else:
                alone = inc_party if running else ("D" if expected > 0.5 else "R")
                if not running and rng.random() < 0.05:
                    alone = "R" if alone == "D" else "D"  # the favoured party failed to file
                votes = round(two_party * 0.8)  # no race: some voters skip the line
                dem, rep = (votes, 0) if alone == "D" else (0, votes)
            other = round((dem + rep) * rng.uniform(0.01, 0.06)) if rng.random() < 0.15 else 0
            dem_name = _candidate(rng, "D", dem, holder[d], running)
            rep_name = _candidate(rng, "R", rep, holder[d], running)
            other_name = _person(rng)[0] if other else ""
            winner, winner_name = max((dem, "D", dem_name), (rep, "R", rep_name), (other, "O", other_name))[1:]
            writer.writerow(
                [
                    state, chamber, year, d + 1, cycles[0], dem, rep, other, "",
                    dem + rep + other, f"{dem / (dem + rep):.4f}", winner, winner_name,
                    _flag(dem > 0 and rep > 0), dem_name, rep_name, inc_party, _flag(running),
                    prev_winner[d], "synthetic", "",
                ]
            )  # fmt: skip
            if winner != inc_party or not running:
                holder[d] = (winner, winner_name)
            prev_winner[d] = winner
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Replies to invitations. Hash-based, so an answer never depends on the order messages go out.


def _unit(*parts: str) -> float:
    """A uniform number in [0, 1) determined only by `parts`."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def reply_behaviour(volunteer_email: str, project_id: str, seed: int, yes: float = 0.55, no: float = 0.25) -> str:
    """'yes', 'no' or 'never' (no reply), fixed per (email, project, seed)."""
    if not (0 <= yes <= 1 and 0 <= no <= 1 and yes + no <= 1):
        raise ValueError("need 0 <= yes, no and yes + no <= 1")
    u = _unit("reply", str(seed), volunteer_email.strip().lower(), project_id)
    return "yes" if u < yes else "no" if u < yes + no else "never"


# First lines state the answer plainly; anything after is colour a parser may ignore.
_YES_TEXTS: tuple[str, ...] = (
    "Yes, count me in!",
    "yes",
    "Yes!",
    "YES",
    "Sure, happy to help.",
    "Yes, I'm in. Looking forward to it.",
    "Yes please! Send me the details.",
    "Absolutely, count me in.",
    "Yes, I can do this.\n\nI'm free most weeknights after 7 if that helps with scheduling.",
    "Yes - sign me up.",
    "Count me in!\nThanks for thinking of me.",
    "Yes, I'd love to help with this one.",
)
_NO_TEXTS: tuple[str, ...] = (
    "No, sorry, swamped this month.",
    "no",
    "No thanks.",
    "NO",
    "I'll pass this time.",
    "No, I can't take this one on right now.",
    "Sorry, no. Work is crazy until December.",
    "No thank you, I'm already committed elsewhere.",
    "Not this time, sorry!\nPlease keep me on the list for the next one.",
    "Unfortunately no, I don't have the hours right now.",
    "No, I have to pass on this one.\n\nGood luck to the team!",
)


def reply_text(answer: str, seed_key: str) -> str:
    """A human-sounding reply body for 'yes' or 'no', chosen deterministically by `seed_key`."""
    if answer == "yes":
        texts = _YES_TEXTS
    elif answer == "no":
        texts = _NO_TEXTS
    else:
        raise ValueError("answer must be 'yes' or 'no' ('never' sends no reply)")
    return texts[int(_unit("text", answer, seed_key) * len(texts))]
