"""Scoring's first model and its refusal of malformed results files."""

import math
from pathlib import Path

import pytest

from services.scoring.domain.model import SD, UNCONTESTED_LEAN, score
from services.scoring.domain.results import ResultsError, read_results

HEADER = (
    "state,chamber,year,district,district_map,dem_votes,rep_votes,other_votes,"
    "winner_party,contested,incumbent_party,incumbent_running\n"
)


def rows(*lines: str) -> str:
    return HEADER + "\n".join(lines) + "\n"


def test_hand_computed_scores():
    text = rows(
        "VA,lower,2019,1,2011,5500,4500,0,D,true,D,true",
        "VA,lower,2021,1,2011,4500,5500,0,R,true,R,true",
        "VA,lower,2021,2,2011,9000,0,0,D,false,D,true",
    )
    scored = {s.district: s for s in score(read_results(text))}
    assert scored["1"].dem_share == pytest.approx(0.5)
    assert scored["1"].p_dem_win == pytest.approx(0.5)
    assert scored["1"].target_rank == 1
    share = 1 - UNCONTESTED_LEAN  # an uncontested D seat is imputed, not 100%
    assert scored["2"].dem_share == pytest.approx(share)
    expected = 0.5 * (1 + math.erf((share - 0.5) / (SD * math.sqrt(2))))
    assert scored["2"].p_dem_win == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("state,year\nVA,2019\n", "missing columns"),
        (rows("VA,lower,2019,1,2011,abc,1,0,D,true,D,true"), "dem_votes must be a whole number"),
        (rows("VA,lower,2019,1,2011,1,1,0,D,true,D,true", "VA,lower,2019,1,2011,1,1,0,D,true,D,true"), "appears twice"),
        (
            rows("VA,lower,2019,1,2011,1,1,0,D,true,D,true", "VA,lower,2019,2,2021,1,1,0,D,true,D,true"),
            "mixes district maps",
        ),
        (rows("VA,house,2019,1,2011,1,1,0,D,true,D,true"), "chamber"),
        (HEADER, "no rows"),
    ],
)
def test_malformed_files_are_refused_with_the_reason(text, words):
    with pytest.raises(ResultsError, match=words):
        read_results(text)


SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "elections" / "va_house_of_delegates_2011_2017.csv"


@pytest.mark.skipif(not SHARED.exists(), reason="the shared election data is not beside this checkout")
def test_reads_and_scores_the_real_virginia_results():
    results = read_results(SHARED.read_text("utf-8"), source=SHARED.name)
    assert len(results) == 400
    scored = score(results)
    assert len(scored) == 100 and sorted(s.target_rank for s in scored) == list(range(1, 101))
    # A seat never contested in these years is imputed as a lean, never scored as certain.
    never_contested = {r.district for r in results} - {r.district for r in results if r.contested}
    assert never_contested
    assert all(0.0 < s.p_dem_win < 1.0 for s in scored if s.district in never_contested)
