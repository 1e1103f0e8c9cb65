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


def test_a_race_with_no_result_is_a_warning_and_the_district_is_still_predicted():
    """Minnesota 2016: one House race moved to a special election has no general-election result."""
    from services.scoring.domain.scoring import score_chamber
    from tests.unit.scoring_rows import result

    lines = [result(y, str(d), 0.35 + 0.05 * d + 0.01 * (y - 2013)) for y in (2013, 2015) for d in range(1, 7)]
    lines[9] = "VA,lower,2015,4,2011,,,,,,,"  # 2015 district 4: blank votes and winner
    warnings: list[str] = []
    rows = read_results(results_csv(*lines), "va.csv", warnings)
    assert len(rows) == 11 and (2015, "4") not in {(r.year, r.district) for r in rows}
    assert warnings == [
        "va.csv row 11: VA lower district 4 has no result for 2015 (blank votes and winner): left out of that cycle"
    ]
    predicted = score_chamber(rows, [], "VA", "lower", 2017, runs=500)
    assert sorted(p.district for p in predicted.districts) == ["1", "2", "3", "4", "5", "6"]


def test_party_names_read_as_the_codes_do():
    codes = read_results(results_csv("MN,lower,2016,1A,2012,6000,4000,0,D,true,D,true"))
    names = read_results(results_csv("MN,lower,2016,01A,2012,6000,4000,0,DFL,true,Democratic-Farmer-Labor,true"))
    assert codes == names and names[0].incumbency == 1


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode(),
        lambda t: t.encode("utf-8-sig"),
        lambda t: t.replace("\n", "\r").encode(),
        lambda t: t.replace("\n", "\r\n").encode("utf-8-sig"),
        lambda t: t.encode("utf-16"),
    ],
)
def test_any_line_ending_and_a_bom_read_the_same(encode):
    text = results_csv(
        "VA,lower,2015,7,2011,6000,4000,0,D,true,R,true", "VA,lower,2015,11th District,2011,1,2,0,R,true,,"
    )
    assert read_results(encode(text), "va.csv") == read_results(text, "va.csv")


def test_a_file_in_another_encoding_is_refused_naming_file_and_byte():
    text = results_csv("VA,lower,2015,7,2011,6000,4000,0,D,true,R,true") + "# Peña\n"
    with pytest.raises(ResultsError, match=r"va.csv: is not UTF-8 text \(byte 0xF1 on line 3 .*CSV UTF-8"):
        read_results(text.encode("cp1252"), "va.csv")


def test_every_bad_row_is_listed_at_once():
    text = results_csv("VA,lower,2015,12A,2011,1,1,0,D,true,R,true", "VA,lower,2015,7,2011,x,1,0,D,true,R,true")
    with pytest.raises(ResultsError) as refused:
        read_results(text, "va.csv")
    assert refused.value.problems == [
        "va.csv row 2, column district: Virginia House districts have no letters: '12A' is not one",
        "va.csv row 3, column dem_votes: must be a whole number of votes, but it is 'x'",
    ]


def test_a_csv_syntax_error_names_the_row_not_a_traceback():
    text = results_csv("VA,lower,2015,7,2011,6000,4000,0,D,true,R,true", "VA,lower,2015,8,2011," + "9" * 200_000)
    with pytest.raises(ResultsError, match=r"va.csv row 3: is not valid CSV \(field larger than"):
        read_results(text, "va.csv")


def test_a_run_reads_each_file_on_its_own(monkeypatch):
    from services.scoring.usecases import runs

    good = results_csv("VA,lower,2015,7,2011,6000,4000,0,D,true,R,true")
    read = runs.read_files({"results/a.csv": good, "results/b.csv": b"\xff\xfeb\x00a\x00d\x00", "results/c.csv": "x"})
    assert read.read == ["results/a.csv"] and len(read.results) == 1
    assert set(read.refused) == {"results/b.csv", "results/c.csv"}
    assert "results/c.csv: missing columns" in read.refused["results/c.csv"]

    def broken(*args, **kwargs):
        raise KeyError("a shape nobody foresaw")

    monkeypatch.setattr(runs, "read_any", broken)
    read = runs.read_files({"results/a.csv": good})
    assert read.refused == {"results/a.csv": "results/a.csv: could not be read (KeyError: 'a shape nobody foresaw')"}
