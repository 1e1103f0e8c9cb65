"""Synthetic campaign requests: one per seat, states weighted by the year's map, needs drawn from
the catalog's menu by popularity, contacts on each campaign's own reserved domain."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from random import Random
from typing import Any

from shared.catalog import catalog
from shared.districts import districts_of
from shared.geo import STATES, Chamber
from tfc.demo.synthetic.people import CAMPAIGN_LINES, area_codes, ascii_slug, person, phone, unique
from tfc.demo.synthetic.sampling import Weighted, sample_weighted
from tfc.demo.synthetic.tables import people, places, popularity

_LOWER_SHARE = 0.75
_NEEDS_COUNT = Weighted([(1, 40.0), (2, 40.0), (3, 20.0)])


def election_date(year: int) -> date:
    """US general election day: the Tuesday after the first Monday in November (2 U.S.C. §7)."""
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
    """`n` campaign requests in the public API shape, all for the `election_year` general.

    Raises ValueError when n < 0.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = Random(f"campaigns:{seed}:{election_year}")
    by_year = places()["campaign_states"]["odd_years" if election_year % 2 else "even_years"]
    states = Weighted(list(by_year.items()))
    table, words = popularity(), people()
    menu_ids = [m.id for m in catalog().menu]  # catalog order: deterministic
    needs_weights = {i: table["needs"].get(i, table["default_weight"]) for i in menu_ids}
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
            chamber: Chamber = "lower" if lower else "upper"
            district = rng.choice(districts_of(state, chamber))
            if (code, chamber, district) not in seats:
                break
        seats.add((code, chamber, district))
        office, word = _office(code, chamber)
        name, first, last = person(rng)
        contact_name, contact_first, _ = person(rng)
        base = f"{ascii_slug(last)}for{word}"
        # The campaign's own (reserved) domain; contact emails are unique because domains are.
        domain = unique(f"{base}.example.org", domains, partial("{}{}.example.org".format, base))
        note = rng.choice(words["notes"]).format(
            district=district, margin=rng.choice((200, 500, 900, 1500)),
            month=rng.choice(words["months"]), first=first, job=rng.choice(words["jobs"]),
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
                    "email": f"{ascii_slug(contact_first)}@{domain}",
                    "phone": phone(rng, area_codes(code), phones, CAMPAIGN_LINES),
                },
                "needs": sample_weighted(rng, needs_weights, _NEEDS_COUNT.pick(rng)),
                "notes": note,
            }
        )
    return out
