"""Synthetic volunteer sign-ups: skills (with the families people hold together), metros and
hometowns, hours, weeks and lead training drawn from fixed distributions."""

from __future__ import annotations

from random import Random
from typing import Any

from shared.catalog import catalog
from tfc.demo.synthetic.people import FICTION_LINES, HOMETOWN, METRO, person, phone, volunteer_email
from tfc.demo.synthetic.sampling import Weighted, sample_weighted
from tfc.demo.synthetic.tables import popularity

_SKILL_COUNT = Weighted([(1, 40.0), (2, 35.0), (3, 17.0), (4, 8.0)])
_HOURS = Weighted([(2, 6.0), (3, 10.0), (4, 22.0), (5, 22.0), (6, 18.0), (8, 13.0), (10, 9.0)])
_LEAD_HOURS = Weighted([(2, 1.0), (3, 3.0), (4, 12.0), (5, 20.0), (6, 25.0), (8, 22.0), (10, 17.0)])
_WEEKS = Weighted([(4, 10.0), (6, 14.0), (8, 24.0), (10, 18.0), (12, 20.0), (16, 14.0)])
_LEAD_SHARE = 0.12
_PHONE_SHARE = 0.55
_SMS_CONSENT_SHARE = 0.60
_METRO_SHARE = 0.85  # the rest live outside the big metros (drawn like hometowns)
_SAME_AS_HOMETOWN = 0.25
_FAMILY_BOOST = 2.5  # a second skill from the first one's family is this much likelier


def _skill_weights() -> dict[str, float]:
    """Every catalog skill's popularity; skills the table does not name get its default weight."""
    table = popularity()
    # Catalog order (a list), not skill_ids (a frozenset), so the draw order is stable.
    return {s.id: table["skills"].get(s.id, table["default_weight"]) for s in catalog().skills}


def _skills(rng: Random, weights: dict[str, float], lead: bool) -> list[str]:
    count = _SKILL_COUNT.pick(rng)
    first = sample_weighted(rng, weights, 1)[0]
    related = set().union(*(f for f in popularity()["skill_families"] if first in f))
    rest = {skill: w * (_FAMILY_BOOST if skill in related else 1.0) for skill, w in weights.items() if skill != first}
    chosen = [first, *sample_weighted(rng, rest, count - 1)]
    # Trained leads often manage projects by trade.
    pm = "project_management"
    if lead and pm in weights and pm not in chosen and len(chosen) < 4 and rng.random() < 0.3:
        chosen.append(pm)
    return chosen


def volunteers(n: int, seed: int) -> list[dict[str, Any]]:
    """`n` volunteer sign-ups in the public API shape, plus the staff-set `lead_trained` flag.

    Raises ValueError when n < 0.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = Random(f"volunteers:{seed}")  # str seeds hash via SHA-512: stable across processes
    weights = _skill_weights()
    emails: set[str] = set()
    phones: set[str] = set()
    out: list[dict[str, Any]] = []
    for _ in range(n):
        name, first, last = person(rng)
        current = METRO.pick(rng) if rng.random() < _METRO_SHARE else HOMETOWN.pick(rng)
        if rng.random() < _SAME_AS_HOMETOWN:
            home = current
        else:
            home = HOMETOWN.pick(rng)
            while home[:2] == current[:2]:
                home = HOMETOWN.pick(rng)
        lead = rng.random() < _LEAD_SHARE
        number = None
        if rng.random() < _PHONE_SHARE:
            number = phone(rng, current[2], phones, FICTION_LINES)
        out.append(
            {
                "name": name,
                "email": volunteer_email(rng, first, last, emails),
                "phone": number,
                "sms_consent": number is not None and rng.random() < _SMS_CONSENT_SHARE,
                "skills": _skills(rng, weights, lead),
                "hometown": {"city": home[0], "state": home[1]},
                "current_location": {"city": current[0], "state": current[1]},
                "hours_per_week": (_LEAD_HOURS if lead else _HOURS).pick(rng),
                "weeks_available": _WEEKS.pick(rng),
                "lead_trained": lead,
            }
        )
    return out
