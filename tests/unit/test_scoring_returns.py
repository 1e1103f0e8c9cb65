"""`tfc score import`: candidate-level returns in OpenElections' layout summed per district, with
the totals below computed by hand from the rows of the file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.scoring.domain.parties import candidate_side, party_code
from services.scoring.domain.results import ResultsError, read_results
from services.scoring.domain.returns import import_returns
from tfc.cli import app

# Two counties, precincts, spellings of district 11 as the sources write them, a fusion line, write-ins,
# over/under votes, total rows, a county subtotal, an uncontested seat (12) and a race with no result (13).
RETURNS = """county,precinct,office,district,party,candidate,votes
Fairfax,101,State House,HD-011,Democratic,Ann Lee,"1,200"
Fairfax,101,State House,HD-011,Republican,Bob Ray,800
Fairfax,101,State House,HD-011,,Write-ins,7
Fairfax,102,State House,11th District,DEM,Ann Lee,900
Fairfax,102,State House,11th District,REP,Bob Ray,1100
Fairfax,102,State House,11,,Over Votes,3
Fairfax,102,State House,11,,Under Votes,40
Fairfax,102,State House,11,,Total Votes Cast,2043
Arlington,201,State House,House District 11,Working Families,Ann Lee,150
Arlington,201,State House,House District 11,GOP,Bob Ray,50
Arlington,201,State House,House District 11,Libertarian,Cy Pham,30
Arlington,Total,State House,11,Democratic,Ann Lee,150
Fairfax,101,State House,12,DEM,Dee Fox,2000
Fairfax,101,State House,12,,Write-in,25
Arlington,201,State House,012,D,Dee Fox,500
Arlington,ARLINGTON,State House,12,D,Dee Fox,500
Fairfax,101,State House,13,Democratic,Eve Sun,
Fairfax,101,State House,13,Republican,Fay Ko,
Fairfax,,Registered Voters,,,,50000
Fairfax,101,U.S. House,8,DEM,Gus Bell,100
"""


def _by_district(text: str) -> dict[str, dict[str, str]]:
    return {r["district"]: r for r in csv.DictReader(io.StringIO(text))}


def test_districts_are_summed_by_hand_totals():
    imported = import_returns(RETURNS, "va.csv", "VA", "lower", 2023)
    rows = _by_district(imported.csv())
    assert set(rows) == {"11", "12"}
    # 11: D = 1200 + 900 + 150 (Working Families line of the Democrat); R = 800 + 1100 + 50; O = 30.
    eleven = rows["11"]
    columns = ("dem_votes", "rep_votes", "other_votes", "writein_votes")
    assert [eleven[c] for c in columns] == ["2250", "1950", "30", "7"]
    assert eleven["total_votes"] == "4237" and eleven["winner_party"] == "D" and eleven["contested"] == "true"
    assert eleven["dem_candidate"] == "Ann Lee" and eleven["rep_candidate"] == "Bob Ray"
    # 12: only a Democrat (2000 + 500; the ARLINGTON row is the county's subtotal): uncontested.
    twelve = rows["12"]
    assert [twelve[c] for c in columns] == ["2500", "0", "0", "25"] and twelve["contested"] == "false"
    report = imported.report
    assert report.missing == ["13"] and any("district 13: no votes" in w for w in report.warnings)
    assert report.uncontested == ["12"]
    assert report.dropped["over votes, under votes and blanks"] == 2
    assert sum(n for reason, n in report.dropped.items() if reason.startswith("total rows")) == 2
    assert sum(n for reason, n in report.dropped.items() if reason.startswith("county subtotal")) == 1
    assert report.other_offices == {"Registered Voters": 1, "U.S. House": 1}
    # The written file is one the scoring reads.
    assert {r.district for r in read_results(imported.csv(), "out.csv")} == {"11", "12"}


def test_excel_for_mac_and_bom_files_import_the_same():
    plain = import_returns(RETURNS, "a.csv", "VA", "lower", 2023).rows
    mac = import_returns(("\ufeff" + RETURNS.replace("\n", "\r")).encode(), "b.csv", "VA", "lower", 2023).rows
    crlf = import_returns(RETURNS.replace("\n", "\r\n").encode("utf-8-sig"), "c.csv", "VA", "lower", 2023).rows
    strip = [{k: v for k, v in r.items() if k != "source"} for r in plain]
    assert [{k: v for k, v in r.items() if k != "source"} for r in mac] == strip
    assert [{k: v for k, v in r.items() if k != "source"} for r in crlf] == strip


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("HD-011,Democratic,Ann Lee", "HD-011A,Democratic,Ann Lee"), "va.csv row 2, column district: Virginia House"),
        (("Bob Ray,800", "Bob Ray,eight hundred"), "va.csv row 3, column votes: must be a whole number"),
        (("Cy Pham,30", "Cy Pham,-30"), "va.csv row 12, column votes"),
        (("county,precinct,office,district", "county,precinct,race,district"), "missing columns office"),
    ],
)
def test_bad_rows_are_refused_naming_file_row_and_column(change, words):
    with pytest.raises(ResultsError, match=words):
        import_returns(RETURNS.replace(*change), "va.csv", "VA", "lower", 2023)


def test_a_file_that_is_not_utf8_is_refused_naming_the_byte():
    latin1 = RETURNS.replace("Ann Lee", "Ana Peña").encode("latin-1")
    with pytest.raises(ResultsError, match=r"va.csv: is not UTF-8 text \(byte 0xF1 on line 2"):
        import_returns(latin1, "va.csv", "VA", "lower", 2023)


def test_named_districts_and_office_labels_of_other_states():
    text = (
        "county,precinct,office,district,party,candidate,votes\n"
        "Coos,Berlin,State Rep,CS 01 (2),DEM,Ann Roy,900\n"
        "Coos,Berlin,State Rep,CS 01 (2),REP,Tom Pell,1000\n"
        "Coos,Gorham,State Rep,Coös 1,Democratic,Ann Roy,300\n"
        "Coos,Gorham,State Rep,Coos 1,Republican,Tom Pell,100\n"
    )
    imported = import_returns(text, "nh.csv", "NH", "lower", 2020, office="State Rep")
    (row,) = imported.rows
    assert (row["district"], row["dem_votes"], row["rep_votes"], row["winner_party"]) == ("Coös 1", "1200", "1100", "D")


@pytest.mark.parametrize(
    ("cells", "side"),
    [
        (["Democratic", "Working Families"], "D"),
        (["Working Families"], "O"),
        (["DFL"], "D"),
        (["Democratic-Farmer-Labor"], "D"),
        (["Progressive/Democratic"], "D"),
        (["GOP"], "R"),
        (["REP", "Conservative"], "R"),
        (["Independent"], "O"),
        ([""], ""),
    ],
)
def test_candidate_sides(cells, side):
    assert candidate_side(cells) == side


@pytest.mark.parametrize(
    ("value", "code"),
    [("Democratic", "D"), ("DFL", "D"), ("d", "D"), ("Republican", "R"), ("GOP", "R"), ("Independent", "O"), ("", "")],
)
def test_party_columns_take_names(value, code):
    assert party_code(value) == code


def test_tfc_score_import_writes_the_file_and_says_what_it_dropped(tmp_path: Path):
    source = tmp_path / "va_2023_precinct.csv"
    source.write_text(RETURNS)
    out = tmp_path / "va_2023.csv"
    args = ["score", "import", str(source), "--state", "VA", "--year", "2023", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert _by_district(out.read_text())["11"]["dem_votes"] == "2250"
    assert "dropped 2 rows: over votes, under votes and blanks" in result.output
    assert "district 13: no votes" in result.output and "uncontested (one major party): districts 12" in result.output

    source.write_text(RETURNS.replace("Bob Ray,800", "Bob Ray,n/a"))
    refused = CliRunner().invoke(app, [*args[:-1], str(tmp_path / "never.csv")])
    assert refused.exit_code == 2 and "va_2023_precinct.csv row 3, column votes" in refused.output
    assert "Traceback" not in refused.output and not (tmp_path / "never.csv").exists()
