"""The synthetic data's tables, read from the data files beside the catalog (shared/catalog/synthetic_*.toml).

Read once per process and never mutated: the generators derive their distributions from these.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import shared.catalog

CATALOG_DIR = Path(shared.catalog.__file__).resolve().parent
FILES = ("synthetic_places.toml", "synthetic_people.toml", "synthetic_popularity.toml")


@cache
def _load(name: str) -> dict[str, Any]:
    with (CATALOG_DIR / name).open("rb") as f:
        return tomllib.load(f)


def places() -> dict[str, Any]:
    """metros [{city, state, area_codes, weight}], hometown_weights {state: weight},
    state_cities {state: [{city, area_codes}]}, campaign_states {odd_years|even_years: {state: weight}}."""
    return _load("synthetic_places.toml")


def people() -> dict[str, Any]:
    """first_names, last_names, middle_initials, jobs, months, notes, yes_replies, no_replies."""
    return _load("synthetic_people.toml")


def popularity() -> dict[str, Any]:
    """default_weight, skill_families [[skill id]], skills {skill id: weight}, needs {menu item id: weight}."""
    return _load("synthetic_popularity.toml")
