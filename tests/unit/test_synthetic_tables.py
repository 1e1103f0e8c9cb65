"""The synthetic data's tables (shared/catalog/synthetic_*.toml) name only what exists: catalog skill and
menu ids, states and DC as shared/geo.py knows them. A renamed catalog id would otherwise silently fall back to the
default weight and skew the demo."""

from shared.catalog import catalog
from shared.geo import RESIDENCE_STATES, STATES
from tfc.demo.synthetic.tables import people, places, popularity


def test_popularity_names_only_catalog_ids() -> None:
    skills = {s.id for s in catalog().skills}
    menu = {m.id for m in catalog().menu}
    table = popularity()
    assert set(table["skills"]) <= skills, set(table["skills"]) - skills
    for family in table["skill_families"]:
        assert set(family) <= skills, set(family) - skills
    assert set(table["needs"]) <= menu, set(table["needs"]) - menu
    assert all(w > 0 for w in [*table["skills"].values(), *table["needs"].values(), table["default_weight"]])


def test_places_name_only_known_states_with_area_codes() -> None:
    table = places()
    lived_in = {m["state"] for m in table["metros"]} | set(table["hometown_weights"]) | set(table["state_cities"])
    assert lived_in <= set(RESIDENCE_STATES), lived_in - set(RESIDENCE_STATES)
    # campaigns run for a legislature: only states that have one
    for by_year in table["campaign_states"].values():
        assert set(by_year) <= set(STATES), set(by_year) - set(STATES)
    # every hometown state has cities to draw from, every city a 3-digit area code
    assert set(table["hometown_weights"]) <= set(table["state_cities"])
    for cities in [*table["state_cities"].values(), table["metros"]]:
        assert cities
        for city in cities:
            assert city["area_codes"] and all(len(c) == 3 and c.isdigit() for c in city["area_codes"]), city


def test_word_lists_are_non_empty_and_distinct() -> None:
    words = people()
    for key in ("first_names", "last_names", "jobs", "months", "notes", "yes_replies", "no_replies"):
        assert words[key] and len(set(words[key])) == len(words[key]), key
