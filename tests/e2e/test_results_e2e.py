"""Election results as data teams have them, through the running local runtime: a refused results
object is quarantined while the run scores the good files and the next run succeeds; a campaign
sent as "11th District" gets the score of district 11 (stored from a file spelling it the same way)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import boto3
import httpx
import pytest
from typer.testing import CliRunner

from tests import payloads
from tests.e2e.conftest import wait_for
from tfc.cli import app
from tfc.demo.synthetic import election_results
from tfc.local.runtime import LocalRuntime

pytestmark = pytest.mark.e2e
ELECTION = "2027-11-02"


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 11 <= n % 100 <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _spelled_as_public_sources(text: str) -> str:
    """The same file with every district written "11th District", as OpenElections spells them."""
    rows = list(csv.DictReader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows([r | {"district": f"{_ordinal(int(r['district']))} District"} for r in rows])
    return out.getvalue()


@pytest.fixture
def cli_home(runtime: LocalRuntime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory where `tfc` finds the running system (./.tfc/local.json, as after `tfc up`)."""
    wait_for(lambda: _s3().list_objects_v2(Bucket=_bucket(), Prefix="reports/").get("KeyCount"), timeout=120)
    assert runtime.options.state_file is not None
    (tmp_path / ".tfc").mkdir()
    shutil.copy(runtime.options.state_file, tmp_path / ".tfc" / "local.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _bucket() -> str:
    from shared.settings import get_settings

    return get_settings().bucket("data")


def _s3():  # the runtime's environment points boto3 at the emulator
    return boto3.session.Session().client("s3")


def _keys(prefix: str) -> list[str]:
    return sorted(o["Key"] for o in _s3().list_objects_v2(Bucket=_bucket(), Prefix=prefix).get("Contents", []))


def _run(*args: str) -> dict:
    answer = CliRunner().invoke(app, ["score", "run", "--runs", "1000", *args, "--json"])
    assert "Traceback" not in answer.output
    return json.loads(answer.output.strip().splitlines()[-1])


def test_a_refused_results_object_is_quarantined_and_the_next_run_succeeds(runtime: LocalRuntime, cli_home: Path):
    bad = cli_home / "wv_upper_2024.csv"
    good = election_results(seed=21, state="WV", chamber="upper", districts=17)
    assert "\nWV,upper,2019,3," in good
    bad.write_bytes(good.replace("\nWV,upper,2019,3,", "\nWV,upper,2019,Caf\u00e9,", 1).encode("latin-1"))
    first = _run("--state", "WV", "--results", str(bad))
    assert first["status"] == "refused"  # nothing else scores West Virginia's Senate
    (refused,) = first["refused_files"]
    assert refused["file"] == "results/wv_upper_2024.csv" and "is not UTF-8 text" in refused["reason"]
    assert "results/wv_upper_2024.csv" not in _keys("results/")
    assert {"rejected/wv_upper_2024.csv", "rejected/wv_upper_2024.csv.report.txt"} <= set(_keys("rejected/"))
    report = _s3().get_object(Bucket=_bucket(), Key="rejected/wv_upper_2024.csv.report.txt")["Body"].read().decode()
    assert "is not UTF-8 text" in report

    # The scheduled run that follows reads only good files and succeeds; so does a run with the fix.
    scheduled = runtime.fire("scoring-run")
    assert scheduled["status"] == "scored" and scheduled["refused_files"] == [], scheduled
    bad.write_text(good)
    fixed = _run("--state", "WV", "--results", str(bad))
    assert fixed["status"] == "scored" and fixed["districts"] == 17 and fixed["refused_files"] == []


def test_a_campaign_in_the_11th_district_gets_the_score_of_district_11(
    runtime: LocalRuntime, cli_home: Path, api: httpx.Client
):
    from shared.storage import main_store

    upload = cli_home / "nc_lower_openelections_names.csv"
    upload.write_text(_spelled_as_public_sources(election_results(seed=22, state="NC", chamber="lower", districts=120)))
    scored = _run("--state", "NC", "--results", str(upload))
    assert scored["status"] == "scored" and scored["districts"] == 120, scored
    score = main_store().scores.latest_score("NC", "lower", "11")
    assert score is not None and score.run_id == scored["run_id"]
    assert main_store().scores.latest_score("NC", "lower", "11th District") is None

    contact = ("Jo Moss", "jo@raemoss.example.org")
    request = payloads.campaign(
        "Rae Moss", "NC", "11th District", ["website_refresh"], office="State House", contact=contact, election=ELECTION
    )
    created = api.post("/campaigns", json=request)
    assert created.status_code == 201, created.text
    campaign_id = created.json()["campaign_id"]
    ops = {"x-api-key": runtime.ops_key}
    assert api.get(f"/campaigns/{campaign_id}", headers=ops).json()["district"] == "11"

    # The staff console's district row for NC lower 11 shows its score and links the campaign.
    login = api.post("/console/login", data={"ops_key": runtime.ops_key})
    assert login.status_code == 303
    page = api.get("/console/districts?state=NC", headers={"cookie": login.headers["set-cookie"].split(";")[0]}).text
    row = re.search(r"<tr><td>\d+</td><td>NC lower 11</td>.*?</tr>", page, re.S)
    assert row is not None and f"/console/campaigns/{campaign_id}" in row.group()
    assert f"<td>{score.dem_share * 100:.1f}%</td>" in row.group()
