"""The results and form field cases of ../shared/field-cases (read in place, never copied): each
must give the answer its README states. Skipped where ../shared is absent (a user's clone)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.intake.domain.requests import CampaignRequest
from services.scoring.domain.results import read_results
from services.scoring.domain.scoring import score_chamber

CASES = Path(__file__).resolve().parents[2].parent / "shared" / "field-cases"
pytestmark = pytest.mark.skipif(not CASES.is_dir(), reason="../shared/field-cases is not here (a user's clone)")


def _read(path: Path):
    return read_results(path.read_bytes(), path.name)


def test_c17_public_district_spellings_are_stored_under_the_form_ids():
    (path,) = (CASES / "results" / "C17").glob("*.csv")
    rows = _read(path)
    assert rows and all(r.district.isdigit() and not r.district.startswith("0") for r in rows)
    # The same district ids the campaign form stores for "11th District".
    assert {r.district for r in rows} >= {"1", "2", "3"}


def test_c18_party_names_predict_exactly_as_the_codes():
    folder = CASES / "results" / "C18"
    codes = _read(next(folder.glob("*codes*.csv")))
    names = _read(next(folder.glob("*names*.csv")))
    assert [(r.district, r.year, r.incumbent_party, r.winner_party) for r in names] == [
        (r.district, r.year, r.incumbent_party, r.winner_party) for r in codes
    ]
    a = score_chamber(codes, [], "VA", "lower", 2023, runs=2000)
    b = score_chamber(names, [], "VA", "lower", 2023, runs=2000)
    assert [(p.district, p.dem_share_mean, p.p_dem_win) for p in a.districts] == [
        (p.district, p.dem_share_mean, p.p_dem_win) for p in b.districts
    ]


def test_c20_excel_for_mac_line_endings_are_read():
    (path,) = (CASES / "results" / "C20").glob("*.csv")
    assert b"\r" in path.read_bytes() and b"\n" not in path.read_bytes()
    lines = [line for line in path.read_bytes().split(b"\r") if line.strip()]
    assert len(_read(path)) == len(lines) - 1  # every row but the header


@pytest.mark.parametrize("name", sorted(p.name for p in (CASES / "forms" / "C22").glob("*.json")))
def test_c22_named_districts_are_accepted_and_stored_as_named(name):
    body = json.loads((CASES / "forms" / "C22" / name).read_text())
    body["election_date"] = "2027-06-18"
    request = CampaignRequest.model_validate(body)
    expected = {
        "Barnstable, Dukes and Nantucket": "Barnstable, Dukes and Nantucket",
        "Barnstable Dukes and Nantucket": "Barnstable, Dukes and Nantucket",
        "Norfolk, Worcester and Middlesex": "Norfolk, Worcester and Middlesex",
        "Coös 1": "Coös 1",
        "Coos 1": "Coös 1",
    }
    assert request.district == expected[body["district"]]
