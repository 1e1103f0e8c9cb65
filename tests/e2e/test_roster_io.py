"""`tfc volunteers import` and `tfc export` against the running local runtime."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from tfc.cli import app

pytestmark = pytest.mark.e2e

HEADER = "Full Name,Email Address,Phone,OK to text,Skills,Home City,Home State,Current City,Current State,Hours,Weeks\n"


def run(runtime, *args: str):
    result = CliRunner().invoke(app, [*args, "--api", runtime.url, "--ops-key", runtime.ops_key])
    return result


def export_rows(runtime, tmp_path, kind: str) -> list[dict[str, str]]:
    out = tmp_path / f"{kind}.csv"
    result = run(runtime, "export", kind, "--out", str(out))
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))


def test_import_dry_run_then_import_merges_by_email_and_refuses_bad_rows(runtime, api, tmp_path):
    existing = {
        "name": "Roster Existing",
        "email": "roster.existing@example.com",
        "skills": ["copywriting"],
        "hometown": {"city": "Norfolk", "state": "VA"},
        "current_location": {"city": "Norfolk", "state": "VA"},
        "hours_per_week": 3,
        "weeks_available": 4,
    }
    assert api.post("/volunteers", json=existing).status_code == 201
    roster = tmp_path / "roster.csv"
    roster.write_text(
        HEADER
        + "Roster New,roster.new@example.com,804-555-0101,yes,Copywriting,Richmond,VA,,,5,8\n"
        + "Roster Existing,ROSTER.EXISTING@example.com,,,data_analysis,Norfolk,VA,Austin,TX,10,6\n"
        + "Roster Bad,roster.bad@,,,copywriting,Richmond,VA,,,5,8\n"
        + "Roster Worse,roster.worse@example.com,,,copywriting,Richmond,VA,,,0,8\n",
        encoding="utf-8",
    )
    before = {r["email"] for r in export_rows(runtime, tmp_path, "volunteers")}

    dry = run(runtime, "volunteers", "import", str(roster), "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.stdout.strip().splitlines()[-1])
    assert (report["added"], report["updated"]) == (1, 1)
    assert [r["row"] for r in report["refused"]] == [4, 5]
    assert report["refused"][1]["reason"].startswith("hours_per_week:")
    assert {r["email"] for r in export_rows(runtime, tmp_path, "volunteers")} == before  # nothing changed

    done = run(runtime, "volunteers", "import", str(roster), "--json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert (report["added"], report["updated"], [r["row"] for r in report["refused"]]) == (1, 1, [4, 5])

    rows = {r["email"]: r for r in export_rows(runtime, tmp_path, "volunteers")}
    assert "roster.bad@" not in rows and "roster.worse@example.com" not in rows
    assert rows["roster.new@example.com"]["sms_consent"] == "true"
    merged = rows["roster.existing@example.com"]
    assert (merged["skills"], merged["current_city"], merged["hours_per_week"]) == ("data_analysis", "Austin", "10")
    assert sum(1 for e in rows if e == "roster.existing@example.com") == 1

    again = run(runtime, "volunteers", "import", str(roster), "--json")
    assert json.loads(again.stdout.strip().splitlines()[-1])["added"] == 0  # a re-run only updates


def test_import_refuses_a_file_it_cannot_map(runtime, tmp_path):
    roster = tmp_path / "bad.csv"
    roster.write_text("name,email,favourite colour\n", encoding="utf-8")
    result = run(runtime, "volunteers", "import", str(roster))
    assert result.exit_code == 2 and "unknown columns: 'favourite colour'" in result.output


def test_exports_have_stable_headers(runtime, tmp_path):
    from services.intake.console.exports import COLUMNS

    for kind, columns in COLUMNS.items():
        out = tmp_path / f"{kind}.csv"
        assert run(runtime, "export", kind, "--out", str(out)).exit_code == 0
        assert next(csv.reader(io.StringIO(out.read_text(encoding="utf-8")))) == list(columns)
