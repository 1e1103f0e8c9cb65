"""`tfc score run` against the running local runtime: it uploads a results file, runs the
scoring function on demand and saves the report; the latest scores are readable afterwards."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from tests.e2e.conftest import wait_for
from tfc.cli import app
from tfc.demo.synthetic import election_results
from tfc.local.runtime import LocalRuntime

pytestmark = pytest.mark.e2e


def test_score_run_against_the_running_system(runtime: LocalRuntime, tmp_path, monkeypatch):
    from shared.storage import main_store

    # The schedule fires once at start (the synthetic Virginia file): let it finish first, so
    # its run cannot land after ours.
    wait_for(lambda: main_store().scores.latest_score("VA", "lower", "1"), timeout=120)
    # The CLI finds the running system through ./.tfc/local.json, as after `tfc up`.
    assert runtime.options.state_file is not None
    (tmp_path / ".tfc").mkdir()
    shutil.copy(runtime.options.state_file, tmp_path / ".tfc" / "local.json")
    monkeypatch.chdir(tmp_path)
    upload = tmp_path / "md_upper.csv"
    upload.write_text(election_results(seed=9, state="MD", chamber="upper", districts=47))
    report = tmp_path / "report.html"
    args = ["score", "run", "--state", "MD", "--results", str(upload), "--runs", "2000", "--report", str(report)]
    answer = CliRunner().invoke(app, [*args, "--json"])
    assert answer.exit_code == 0, answer.output
    body = json.loads(answer.output.strip().splitlines()[-1])
    assert body["status"] == "scored" and body["districts"] == 47
    assert [(c["state"], c["chamber"]) for c in body["chambers"]] == [("MD", "upper")]
    assert "<svg" in report.read_text()

    top = main_store().scores.run_scores(body["run_id"])[0]
    latest = main_store().scores.latest_score("MD", "upper", top.district)
    assert latest is not None and latest.run_id == body["run_id"] and latest.target_rank == 1

    # With the fundamentals prior, printed: Virginia's file (and any other in the bucket) lends
    # its seats' misses.
    printed = CliRunner().invoke(app, ["score", "run", "--state", "MD", "--runs", "2000", "--prior"])
    text = " ".join(printed.output.split())
    assert printed.exit_code == 0, printed.output
    pooled = text.split("pooled scales: ")[1].split(" prior:")[0]
    assert "sd_district.history" in pooled and "prior: fundamentals prior +0.084" in text

    refused = CliRunner().invoke(app, ["score", "run", "--state", "TX", "--runs", "2000"])
    assert refused.exit_code == 1 and "no results for TX" in refused.output
