"""Malformed results and statewide files are refused with the file, row, column and reason."""

import pytest

from services.scoring.domain.results import ResultsError, read_any, read_results, read_statewide
from tests.unit.scoring_rows import RESULTS_HEADER, results_csv, statewide_csv


def test_reads_a_well_formed_file():
    rows = read_results(results_csv("VA,lower,2015,7,2011,6000,4000,0,D,true,R,true"), "va.csv")
    assert rows[0].dem_share == pytest.approx(0.6) and rows[0].incumbency == -1 and rows[0].contested


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("state,year\nVA,2019\n", r"va.csv: missing columns chamber, district, dem_votes"),
        (results_csv("VA,lower,2019,1,2011,abc,1,0,D,true,D,true"), r"va.csv row 2, column dem_votes: .* is 'abc'"),
        (
            results_csv("VA,lower,2019,1,2011,5,,0,D,true,D,true"),
            r"column rep_votes: must be a whole.*blank",
        ),
        (results_csv("VA,lower,2019,1,2011,5,-3,0,D,true,D,true"), "column rep_votes: must not be negative"),
        (
            results_csv("VA,lower,2019,1,2011,1,1,0,D,true,D,true", "VA,lower,2019,1,2011,1,1,0,D,true,D,true"),
            "row 3, column district: duplicate district 1 for 2019",
        ),
        (
            results_csv("VA,lower,2019,1,2011,1,1,0,D,true,D,true", "VA,lower,2019,2,2021,1,1,0,D,true,D,true"),
            r"row 3, column district_map: mixes district maps within 2019 \('2011' and '2021'\)",
        ),
        (results_csv("VA,house,2019,1,2011,1,1,0,D,true,D,true"), "column chamber: must be lower or upper"),
        (results_csv("VA,lower,2019,1,2011,1,1,0,maybe,true,D,true"), "column winner_party: .* is not a party"),
        (results_csv("VA,lower,2019,1,2011,100,0,0,D,true,D,true"), "column contested: is true but"),
        (results_csv("VA,lower,2019,1,2011,1,1,0,D,perhaps,D,true"), "column contested: must be true or false"),
        (results_csv("VA,lower,twenty,1,2011,1,1,0,D,true,D,true"), "column year: must be a number"),
        (RESULTS_HEADER, "va.csv: no rows"),
    ],
)
def test_malformed_results_are_refused_with_the_reason(text, words):
    with pytest.raises(ResultsError, match=words):
        read_results(text, "va.csv")


def test_blank_incumbency_is_an_open_seat():
    (row,) = read_results(results_csv("VA,lower,2011,10,2011,5789,8140,0,R,true,,"))
    assert row.incumbency == 0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("state,year,office\nVA,2016,President\n", "missing columns district_map, district, dem_votes"),
        (statewide_csv("VA,2011,2016,President,1,12x,5"), "column dem_votes: must be a whole number"),
        (statewide_csv("VA,2011,2016,President,1,1,5", "VA,2011,2016,President,1,2,5"), "duplicate district 1"),
        (statewide_csv("VA,2011,2016,President,1,1,5", "VA,2019,2016,President,2,2,5"), "mixes district maps"),
    ],
)
def test_malformed_statewide_files_are_refused(text, words):
    with pytest.raises(ResultsError, match=words):
        read_statewide(text, "sw.csv")


def test_the_header_tells_the_two_schemas_apart():
    results, statewide = read_any(statewide_csv("VA,2011,2016,President,1,60,40"), "sw.csv")
    assert results == [] and statewide[0].dem_share == pytest.approx(0.6) and statewide[0].chamber == "lower"
    results, statewide = read_any(results_csv("VA,lower,2015,7,2011,6000,4000,0,D,true,R,true"), "r.csv")
    assert len(results) == 1 and statewide == []
