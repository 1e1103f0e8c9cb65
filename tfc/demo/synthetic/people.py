"""Synthetic people, places and contact details: names, cities with their real area codes, unique
e-mail addresses on reserved example domains, and phone numbers on the 555 exchange."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from random import Random

from tfc.demo.synthetic.sampling import Weighted
from tfc.demo.synthetic.tables import people, places

City = tuple[str, str, tuple[str, ...]]  # (city, state, area codes)

_PLACES = places()
_PEOPLE = people()

METRO: Weighted[City] = Weighted(
    [((m["city"], m["state"], tuple(m["area_codes"])), m["weight"]) for m in _PLACES["metros"]]
)
_STATE_CITIES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    state: [(c["city"], tuple(c["area_codes"])) for c in cities] for state, cities in _PLACES["state_cities"].items()
}
# A state's hometown weight is shared equally by its cities.
HOMETOWN: Weighted[City] = Weighted(
    [
        ((city, state, codes), weight / len(cities))
        for state, weight in _PLACES["hometown_weights"].items()
        for cities in [_STATE_CITIES[state]]
        for city, codes in cities
    ]
)

_FIRST_NAMES: list[str] = _PEOPLE["first_names"]
_LAST_NAMES: list[str] = _PEOPLE["last_names"]
_MIDDLE_INITIALS: str = _PEOPLE["middle_initials"]


def area_codes(state: str) -> list[str]:
    """Every area code we know for a state, in table order (deterministic)."""
    codes: list[str] = []
    for _, city_codes in _STATE_CITIES[state]:
        codes.extend(c for c in city_codes if c not in codes)
    return codes


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'García' -> 'garcia', "O'Brien" -> 'obrien'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def person(rng: Random) -> tuple[str, str, str]:
    """(display name, first, last); about 6% carry a middle initial, as sign-up forms do."""
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    if rng.random() < 0.06:
        return f"{first} {rng.choice(_MIDDLE_INITIALS)}. {last}", first, last
    return f"{first} {last}", first, last


_VOLUNTEER_DOMAINS = Weighted([("example.com", 5.0), ("example.org", 2.0), ("example.net", 2.0)])


def unique(candidate: str, used: set[str], variant: Callable[[int], str]) -> str:
    """`candidate` if unused, else the first unused `variant(2)`, `variant(3)`, ..."""
    n = 1
    while candidate in used:
        n += 1
        candidate = variant(n)
    used.add(candidate)
    return candidate


def volunteer_email(rng: Random, first: str, last: str, used: set[str]) -> str:
    f, l = ascii_slug(first), ascii_slug(last)  # noqa: E741 - l is the last-name slug
    style = rng.randrange(6)
    local = (
        f"{f}.{l}", f"{f}{l}", f"{f[0]}{l}", f"{f}_{l}", f"{f}.{l}{rng.randrange(70, 100)}",
        f"{l}.{f}",
    )[style]  # fmt: skip
    domain = _VOLUNTEER_DOMAINS.pick(rng)
    return unique(f"{local}@{domain}", used, lambda n: f"{local}{n}@{domain}")


# Phones. The 555 exchange is never assigned to subscribers; 555-0100..0199 is the range set
# aside for fiction. `phonenumbers` accepts both as valid US numbers (tests check every one).

FICTION_LINES = range(100, 200)
_OVERFLOW_LINES = range(2000, 10000)  # when a busy area code runs out of fiction lines
CAMPAIGN_LINES = [n for n in range(1000, 2000) if n != 1212]  # 555-1212 is directory assistance


def phone(rng: Random, codes: Sequence[str], used: set[str], lines: Sequence[int]) -> str:
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
