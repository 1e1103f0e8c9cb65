"""`tfc score predict` and `tfc score backtest` on files; malformed input exits 2 naming the reason."""

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tfc.cli import app
from tfc.demo.synthetic import election_results

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "elections"
runner = CliRunner()


def test_predict_writes_one_row_per_district_of_the_latest_cycle(tmp_path):
    results = tmp_path / "va.csv"
    results.write_text(election_results(seed=2, years=(2017, 2019, 2021, 2023)))
    out = tmp_path / "pred.csv"
    args = ["score", "predict", "--results", str(results), "--state", "VA", "--year", "2023", "--out", str(out)]
    answer = runner.invoke(app, [*args, "--runs", "2000"])
    assert answer.exit_code == 0, answer.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 100 and {r["year"] for r in rows} == {"2023"}
    required = {"state", "chamber", "year", "district", "p_dem_win", "dem_share_mean", "dem_share_sd"}
    assert required | {"tipping_point_prob", "target_score", "target_rank"} <= set(rows[0])
    assert sorted(int(r["target_rank"]) for r in rows) == list(range(1, 101))
    # The 2023 rows in the file were not used: predicting from them changes nothing.
    trimmed = tmp_path / "trimmed.csv"
    trimmed.write_text("".join(line for line in results.open() if ",2023," not in line))
    again = tmp_path / "again.csv"
    args = ["score", "predict", "--results", str(trimmed), "--state", "VA", "--year", "2023", "--out", str(again)]
    assert runner.invoke(app, [*args, "--runs", "2000"]).exit_code == 0
    assert again.read_text() == out.read_text()


def test_a_malformed_file_exits_2_with_the_reason_and_writes_nothing(tmp_path):
    results = tmp_path / "va.csv"
    results.write_text(election_results(seed=2).replace(",true,", ",sure,", 1))
    out = tmp_path / "pred.csv"
    args = ["score", "predict", "--results", str(results), "--state", "VA", "--year", "2025", "--out", str(out)]
    answer = runner.invoke(app, args)
    assert answer.exit_code == 2 and "va.csv row" in answer.output and "true or false" in answer.output
    assert not out.exists()


@pytest.mark.skipif(not DATA.exists(), reason="../shared/data/elections is not beside this checkout")
def test_backtest_json_on_the_shared_data():
    args = ["score", "backtest", "--results", str(DATA / "va_house_of_delegates_2011_2017.csv"), "--state", "VA"]
    answer = runner.invoke(app, [*args, "--year", "2017", "--runs", "2000", "--json"])
    assert answer.exit_code == 0, answer.output
    (test,) = json.loads(answer.output)["backtests"]
    assert test["year"] == 2017 and test["training_cycles"] == [2011, 2013, 2015]
    assert test["model"]["log_loss"] < test["baseline"]["log_loss"]


def test_backtest_over_several_states_pools_and_shows_the_prior(tmp_path):
    from tests.unit.scoring_world import history

    header = "state,chamber,year,district,district_map,dem_votes,rep_votes,other_votes,winner_party,contested,"
    header += "incumbent_party,incumbent_running\n"
    paths = []
    for code in ("VA", "KY", "MI", "PA"):  # numbered chambers with at least 80 seats
        rows = history(code, (2011, 2013, 2015, 2017), 0.04, 0.03, seed=9, seats=80)
        text = header + "".join(
            f"{r.state},{r.chamber},{r.year},{r.district},{r.district_map},{r.dem_votes},{r.rep_votes},0,"
            f"{r.winner_party},true,{r.incumbent_party},{str(r.incumbent_running).lower()}\n"
            for r in rows
        )
        path = tmp_path / f"{code}.csv"
        path.write_text(text)
        paths += ["--results", str(path)]
    answer = runner.invoke(
        app, ["score", "backtest", *paths, "--state", "KY", "--state", "MI", "--runs", "500", "--json"]
    )
    assert answer.exit_code == 0, answer.output
    tests = json.loads(answer.output)["backtests"]
    assert [(t["state"], t["year"]) for t in tests] == [("KY", 2015), ("KY", 2017), ("MI", 2015), ("MI", 2017)]
    for t in tests:
        assert "sd_state" in t["pooled_scales"] and t["model_with_prior"]["brier"] >= 0
        assert {"brier", "log_loss", "calibration", "flips_in_top_25"} <= set(t["baseline"])
    printed = runner.invoke(app, ["score", "backtest", *paths, "--state", "MI", "--year", "2017", "--runs", "500"])
    text = " ".join(printed.output.split())  # the table wraps to the terminal's width
    assert printed.exit_code == 0 and "model + fundamentals prior" in text
    assert "pooled scales: sd_state" in text and "calibration by bucket" in text
    missing = runner.invoke(app, ["score", "backtest", *paths, "--state", "OH"])
    assert missing.exit_code == 2 and "no results for OH" in missing.output
