"""The demo's synthetic data: deterministic, contract-shaped, valid and roughly realistic."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from email_validator import validate_email
from phonenumbers import geocoder

from shared.catalog import catalog
from shared.districts import canonical_district
from shared.geo import RESIDENCE_STATES, STATES
from tfc.demo import synthetic
from tfc.demo.synthetic import (
    ELECTION_RESULTS_HEADER,
    campaigns,
    election_date,
    election_results,
    reply_behaviour,
    reply_text,
    volunteers,
)

REAL_RESULTS = Path("/work/shared/data/elections/va_house_of_delegates_2011_2017.csv")
VOLUNTEER_KEYS = {
    "name", "email", "phone", "sms_consent", "skills", "hometown", "current_location",
    "hours_per_week", "weeks_available", "lead_trained",
}  # fmt: skip
CAMPAIGN_KEYS = {
    "candidate_name", "office", "chamber", "state", "district", "election_date", "contact",
    "needs", "notes",
}  # fmt: skip


@pytest.fixture(scope="module")
def vols() -> list[dict[str, Any]]:
    return volunteers(3000, seed=42)


@pytest.fixture(scope="module")
def camps() -> list[dict[str, Any]]:
    return campaigns(200, seed=42)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _phone_ok(number: str, state: str) -> bool:
    """Valid US number in E.164 whose area code belongs to `state`."""
    parsed = phonenumbers.parse(number)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    where = geocoder.description_for_number(parsed, "en")
    in_state = RESIDENCE_STATES[state] in where or where.endswith(f", {state}")
    if state == "DC":
        in_state = "Washington" in where
    return phonenumbers.is_valid_number(parsed) and e164 == number and in_state


# ---- determinism -----------------------------------------------------------------------------


def test_same_seed_same_output() -> None:
    assert volunteers(300, 7) == volunteers(300, 7)
    assert campaigns(40, 7) == campaigns(40, 7)
    assert election_results(7) == election_results(7)


def test_different_seed_different_output() -> None:
    assert volunteers(300, 7) != volunteers(300, 8)
    assert campaigns(40, 7) != campaigns(40, 8)
    assert election_results(7) != election_results(8)


def test_prefix_stable() -> None:
    # Asking for more volunteers extends the list; the first ones do not change.
    assert volunteers(500, 3)[:200] == volunteers(200, 3)


def test_independent_of_hash_seed() -> None:
    # Set iteration order and str hashing differ per process; output must not.
    code = (
        "import json;from tfc.demo.synthetic import volunteers,campaigns,election_results;"
        "print(json.dumps([volunteers(150,5),campaigns(30,5),election_results(5,districts=20)]))"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": hash_seed, "PATH": ""},
            cwd=Path(__file__).resolve().parents[2],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(outs) == 1
    assert json.loads(outs.pop())[0] == volunteers(150, 5)


# ---- volunteers ------------------------------------------------------------------------------


def test_volunteer_sizes() -> None:
    assert volunteers(0, 1) == []
    assert len(volunteers(17, 1)) == 17
    with pytest.raises(ValueError):
        volunteers(-1, 1)


def test_volunteer_shape(vols: list[dict[str, Any]]) -> None:
    skill_ids = catalog().skill_ids
    for v in vols:
        assert set(v) == VOLUNTEER_KEYS
        assert isinstance(v["name"], str) and 1 <= len(v["name"]) <= 100
        assert 1 <= len(v["skills"]) <= 4 and len(set(v["skills"])) == len(v["skills"])
        assert set(v["skills"]) <= skill_ids
        for place in (v["hometown"], v["current_location"]):
            assert set(place) == {"city", "state"} and place["city"]
            assert place["state"] in RESIDENCE_STATES
        assert v["hours_per_week"] in {2, 3, 4, 5, 6, 8, 10}
        assert v["weeks_available"] in {4, 6, 8, 10, 12, 16}
        assert isinstance(v["lead_trained"], bool) and isinstance(v["sms_consent"], bool)
        if v["phone"] is None:
            assert v["sms_consent"] is False


def test_volunteer_phones_valid_and_local(vols: list[dict[str, Any]]) -> None:
    phones = [v["phone"] for v in vols if v["phone"] is not None]
    assert len(set(phones)) == len(phones)
    for v in vols:
        if v["phone"] is not None:
            assert _phone_ok(v["phone"], v["current_location"]["state"]), v


def test_volunteer_emails_unique_and_valid(vols: list[dict[str, Any]]) -> None:
    emails = [v["email"] for v in vols]
    assert len({e.lower() for e in emails}) == len(emails)
    for email in emails:
        result = validate_email(email, check_deliverability=False)
        assert result.normalized == email
        assert result.domain in {"example.com", "example.org", "example.net"}


def test_volunteer_distributions() -> None:
    vols = volunteers(6000, seed=11)
    n = len(vols)
    share = lambda pred: sum(1 for v in vols if pred(v)) / n  # noqa: E731
    assert 0.08 <= share(lambda v: v["lead_trained"]) <= 0.16
    assert 0.50 <= share(lambda v: v["phone"] is not None) <= 0.60
    with_phone = [v for v in vols if v["phone"]]
    assert 0.54 <= sum(v["sms_consent"] for v in with_phone) / len(with_phone) <= 0.66
    assert 0.20 <= share(lambda v: v["hometown"] == v["current_location"]) <= 0.30
    assert share(lambda v: len(v["skills"]) <= 2) >= 0.6

    skills = Counter(s for v in vols for s in v["skills"])
    for skill in catalog().skill_ids:
        assert skills[skill] / n >= 0.02, skill
    assert skills["copywriting"] > skills["voter_data"] * 2

    leads = [v["hours_per_week"] for v in vols if v["lead_trained"]]
    others = [v["hours_per_week"] for v in vols if not v["lead_trained"]]
    assert sum(leads) / len(leads) > sum(others) / len(others)
    assert share(lambda v: v["weeks_available"] >= 8) > 0.6

    metros = {("San Francisco", "CA"), ("New York", "NY"), ("Seattle", "WA"), ("Austin", "TX")}
    assert share(lambda v: tuple(v["current_location"].values()) in metros) > 0.2
    home_states = Counter(v["hometown"]["state"] for v in vols)
    assert len(home_states) >= 45  # spread across the country
    swing = {"VA", "PA", "MI", "WI", "GA", "NC", "AZ", "TX", "OH", "FL"}
    assert sum(home_states[s] for s in swing) / n > 0.35


# ---- campaigns -------------------------------------------------------------------------------


def test_campaign_shape(camps: list[dict[str, Any]]) -> None:
    assert len(camps) == 200 and campaigns(0, 1) == []
    for c in camps:
        assert set(c) == CAMPAIGN_KEYS
        assert set(c["contact"]) == {"name", "email", "phone"}
        assert c["chamber"] in ("lower", "upper")
        assert c["election_date"] == "2027-11-02"
        assert 1 <= len(c["needs"]) <= 3 and len(set(c["needs"])) == len(c["needs"])
        assert all(catalog().has_item(i) for i in c["needs"])
        assert c["candidate_name"] and c["office"] and c["notes"]


def test_campaign_districts_valid(camps: list[dict[str, Any]]) -> None:
    for c in camps:
        state = STATES[c["state"]]
        assert canonical_district(state, c["chamber"], c["district"]) == c["district"]
    seats = [(c["state"], c["chamber"], c["district"]) for c in camps]
    assert len(set(seats)) == len(seats)


def test_campaign_contacts_valid_and_unique(camps: list[dict[str, Any]]) -> None:
    emails = [c["contact"]["email"] for c in camps]
    assert len(set(emails)) == len(emails)
    for c in camps:
        email = c["contact"]["email"]
        assert validate_email(email, check_deliverability=False).normalized == email
        assert email.split("@")[1].endswith(".example.org")
        assert _phone_ok(c["contact"]["phone"], c["state"]), c


def test_campaign_distributions() -> None:
    camps = campaigns(300, seed=5)
    chambers = Counter(c["chamber"] for c in camps)
    assert 0.68 <= chambers["lower"] / len(camps) <= 0.82
    states = Counter(c["state"] for c in camps)
    assert states.most_common(1)[0][0] == "VA"
    assert {"VA", "NJ"} <= {s for s, _ in states.most_common(3)}
    assert not {"MA", "NH", "VT", "AK"} & set(states)
    assert all(c["chamber"] == "upper" for c in camps if c["state"] == "NE")
    offices = {(c["state"], c["chamber"]): c["office"] for c in camps}
    assert offices[("VA", "lower")] == "Virginia House of Delegates"
    needs = Counter(i for c in camps for i in c["needs"])
    top = {i for i, _ in needs.most_common(4)}
    assert {"website_launch", "email_program", "paid_social"} <= top


def test_election_date() -> None:
    assert election_date(2027) == date(2027, 11, 2)
    assert election_date(2026) == date(2026, 11, 3)
    assert election_date(2024) == date(2024, 11, 5)
    assert election_date(2023) == date(2023, 11, 7)
    assert election_date(2022) == date(2022, 11, 8)  # Nov 1 is a Tuesday: not election day
    assert campaigns(3, 1, election_year=2026)[0]["election_date"] == "2026-11-03"


# ---- election results ------------------------------------------------------------------------


@pytest.mark.skipif(not REAL_RESULTS.exists(), reason="real election data not present")
def test_results_header_matches_real_file() -> None:
    with REAL_RESULTS.open(newline="", encoding="utf-8") as f:
        real_header = next(csv.reader(f))
    text = election_results(1)
    assert next(csv.reader(io.StringIO(text))) == real_header
    assert list(ELECTION_RESULTS_HEADER) == real_header


def test_results_rows_consistent() -> None:
    years = (2019, 2021, 2023)
    rows = _rows(election_results(9, years=years))
    assert len(rows) == 300
    assert {(r["year"], r["district"]) for r in rows} == {(str(y), str(d)) for y in years for d in range(1, 101)}
    for r in rows:
        dem, rep, other = int(r["dem_votes"]), int(r["rep_votes"]), int(r["other_votes"])
        assert r["source"] == "synthetic" and r["district_map"] == "2019"
        assert int(r["total_votes"]) == dem + rep + other
        assert float(r["dem_share_2party"]) == pytest.approx(dem / (dem + rep), abs=5e-5)
        party_votes = {"D": dem, "R": rep, "O": other}
        assert party_votes[r["winner_party"]] == max(party_votes.values())
        assert r["contested"] == ("true" if dem and rep else "false")
        if r["contested"] == "false":
            assert r["dem_share_2party"] in ("0.0000", "1.0000")
            assert (r["dem_candidate"] == "") == (dem == 0)
            assert (r["rep_candidate"] == "") == (rep == 0)
        if r["winner_party"] == "D":
            assert r["winner_name"] == r["dem_candidate"]
        if r["winner_party"] == "R":
            assert r["winner_name"] == r["rep_candidate"]
    by_key = {(int(r["year"]), r["district"]): r for r in rows}
    for (year, district), r in by_key.items():
        prev = by_key.get((year - 2, district))
        assert r["prev_winner_party"] == (prev["winner_party"] if prev else "")
        if prev and r["incumbent_running"] == "true":
            # The sitting member is the last winner, and runs under their party's line.
            assert r["incumbent_party"] == prev["winner_party"]
            incumbent = r["dem_candidate"] if r["incumbent_party"] == "D" else r["rep_candidate"]
            assert incumbent == prev["winner_name"]


def test_results_plausible() -> None:
    uncontested: list[float] = []
    for seed in range(10):
        rows = _rows(election_results(seed))
        uncontested.append(sum(r["contested"] == "false" for r in rows) / len(rows))
        dem_seats = sum(r["winner_party"] == "D" for r in rows) / len(rows)
        assert 0.15 < dem_seats < 0.85
    assert 0.32 <= sum(uncontested) / len(uncontested) <= 0.48


def test_results_other_chamber_and_bad_args() -> None:
    rows = _rows(election_results(1, state="NJ", chamber="upper", districts=40, years=(2023,)))
    assert len(rows) == 40 and {r["state"] for r in rows} == {"NJ"}
    for bad in (
        {"state": "ZZ"},
        {"chamber": "middle"},
        {"districts": 101},
        {"years": ()},
        {"state": "NE", "chamber": "lower"},
    ):
        with pytest.raises(ValueError):
            election_results(1, **bad)


# ---- replies ---------------------------------------------------------------------------------


def test_reply_behaviour_deterministic_and_order_free() -> None:
    pairs = [(f"v{i}@example.com", f"p{j}") for i in range(200) for j in range(5)]
    first = [reply_behaviour(e, p, 1) for e, p in pairs]
    assert first == [reply_behaviour(e, p, 1) for e, p in reversed(pairs)][::-1]
    assert reply_behaviour("V0@Example.com ", "p0", 1) == reply_behaviour("v0@example.com", "p0", 1)
    assert first != [reply_behaviour(e, p, 2) for e, p in pairs]
    counts = Counter(first)
    assert set(counts) == {"yes", "no", "never"}
    assert 0.50 <= counts["yes"] / len(pairs) <= 0.60
    assert 0.20 <= counts["no"] / len(pairs) <= 0.30


def test_reply_behaviour_rates() -> None:
    assert reply_behaviour("a@example.com", "p", 1, yes=1.0, no=0.0) == "yes"
    assert reply_behaviour("a@example.com", "p", 1, yes=0.0, no=1.0) == "no"
    assert reply_behaviour("a@example.com", "p", 1, yes=0.0, no=0.0) == "never"
    with pytest.raises(ValueError):
        reply_behaviour("a@example.com", "p", 1, yes=0.8, no=0.5)


YES_MARKERS = ("yes", "count me in", "sure", "absolutely", "i'm in")
NO_MARKERS = ("no", "not this time", "pass", "can't", "sorry")


def _words(line: str) -> set[str]:
    return set("".join(ch if ch.isalpha() or ch == "'" else " " for ch in line.lower()).split())


def test_reply_texts_clear() -> None:
    for text in synthetic.YES_TEXTS:
        line = text.splitlines()[0].lower()
        assert any(m in line for m in YES_MARKERS), text
        assert not _words(line) & {"no", "not", "pass", "can't", "sorry", "unfortunately"}, text
    for text in synthetic.NO_TEXTS:
        line = text.splitlines()[0].lower()
        assert any(m in line for m in NO_MARKERS), text
        assert not _words(line) & {"yes", "sure", "absolutely"}, text


def test_reply_text_deterministic_and_varied() -> None:
    assert reply_text("yes", "k1") == reply_text("yes", "k1")
    assert len({reply_text("yes", f"k{i}") for i in range(200)}) >= 8
    assert len({reply_text("no", f"k{i}") for i in range(200)}) >= 8
    assert reply_text("no", "k1") in synthetic.NO_TEXTS
    for answer in ("never", "maybe"):
        with pytest.raises(ValueError):
            reply_text(answer, "k1")
