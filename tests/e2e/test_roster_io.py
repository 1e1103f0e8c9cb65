"""`tfc volunteers import` and `tfc export` against the running local runtime."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.e2e.signups import signed_up
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
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))


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
    signed_up(api, existing)
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
    assert report["refused"][1]["column"] == "Hours"
    assert report["refused"][1]["reason"] == "Hours a week must be a whole number from 1 to 40"
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

    again = json.loads(run(runtime, "volunteers", "import", str(roster), "--json").stdout.strip().splitlines()[-1])
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 2)  # a re-run changes nothing


def test_import_refuses_a_file_it_cannot_map(runtime, tmp_path):
    roster = tmp_path / "bad.csv"
    roster.write_text("name,favourite colour\n", encoding="utf-8")
    result = run(runtime, "volunteers", "import", str(roster))
    assert result.exit_code == 2 and "bad.csv: no email column" in result.output


OWEN = {
    "name": "Owen Roster",
    "email": "owen.roster@example.com",
    "phone": "+1 804 201 4490",
    "sms_consent": True,
    "skills": ["web_development"],
    "hometown": {"city": "Richmond", "state": "VA"},
    "current_location": {"city": "Arlington", "state": "VA"},
    "hours_per_week": 6,
    "weeks_available": 10,
}


def test_a_roster_that_updates_two_fields_keeps_everything_else(runtime, api, tmp_path):
    """Email plus the two columns that changed (an organiser's Mobilize-style sheet): skills and
    hours change; phone, SMS consent and its time, current city, lead training stay as stored."""
    signed_up(api, OWEN)
    ops = {"x-api-key": runtime.ops_key}
    assert api.post("/volunteers/lead-trained", json={"email": OWEN["email"]}, headers=ops).status_code == 200
    before = {r["email"]: r for r in export_rows(runtime, tmp_path, "volunteers")}[OWEN["email"]]
    roster = tmp_path / "two_fields.csv"
    roster.write_text(
        "Email,What skills can you offer?,How many hours a week?,Zip,Favourite colour\n"
        f"{OWEN['email']},"
        '"Website building (WordPress, Squarespace, NationBuilder), Copywriting and editing",8,23220,teal\n',
        encoding="utf-8",
    )

    dry = run(runtime, "volunteers", "import", str(roster), "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.stdout.strip().splitlines()[-1])
    [row] = report["rows"]
    assert (row["row"], row["status"]) == (2, "updated")
    assert row["changes"] == [
        {"field": "skills", "from": ["web_development"], "to": ["web_development", "copywriting"]},
        {"field": "hours_per_week", "from": 6, "to": 8},
    ]
    assert report["columns"]["unknown"] == ["Favourite colour"] and report["columns"]["not_imported"] == ["Zip"]
    assert {r["email"]: r for r in export_rows(runtime, tmp_path, "volunteers")}[OWEN["email"]] == before

    text = run(runtime, "volunteers", "import", str(roster), "--dry-run")
    assert "skills: web_development -> web_development; copywriting" in text.stdout
    assert "hours_per_week: 6 -> 8" in text.stdout and "Favourite colour" in text.stdout

    done = run(runtime, "volunteers", "import", str(roster), "--json")
    assert json.loads(done.stdout.strip().splitlines()[-1])["updated"] == 1, done.output
    after = {r["email"]: r for r in export_rows(runtime, tmp_path, "volunteers")}[OWEN["email"]]
    assert (after["skills"], after["hours_per_week"]) == ("web_development; copywriting", "8")
    for kept in (
        "name",
        "phone",
        "sms_consent",
        "sms_consent_at",
        "home_city",
        "current_city",
        "current_state",
        "weeks_available",
        "lead_trained",
        "created_at",
        "volunteer_id",
    ):
        assert after[kept] == before[kept], kept
    assert after["sms_consent"] == "true" and after["lead_trained"] == "true" and after["phone"]


def test_a_dry_run_never_prints_an_email_or_phone_in_full(runtime, tmp_path):
    roster = tmp_path / "new.csv"
    roster.write_text(
        "First name,Last name,Email,Phone,Skills,Home City,Home State,Hours,Weeks\n"
        "Pia,Moss,pia.moss@example.org,804-555-0161,copywriting,Erie,PA,3,4\n",
        encoding="utf-8",
    )
    result = run(runtime, "volunteers", "import", str(roster), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "pia.moss@" not in result.output and "555-0161" not in result.output and "5550161" not in result.output
    assert "p***@example.org" in result.output and "1 volunteers would be added" in result.output


def test_an_address_ses_cannot_send_to_is_refused_at_every_door(runtime, api, tmp_path):
    person = OWEN | {"email": "jos\u00e9.roster@example.org", "phone": None, "sms_consent": False}
    response = api.post("/volunteers", json=person)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "email" and "Amazon SES" in error["message"]
    roster = tmp_path / "unicode.csv"
    roster.write_text("Email,Skills\njos\u00e9.roster@example.org,copywriting\n", encoding="utf-8")
    report = json.loads(run(runtime, "volunteers", "import", str(roster), "--json").stdout.strip().splitlines()[-1])
    [refusal] = report["refused"]
    assert (refusal["row"], refusal["column"]) == (2, "Email") and "Amazon SES" in refusal["reason"]


FIELD_CASES = Path(__file__).resolve().parents[2] / ".." / "shared" / "field-cases"


@pytest.mark.skipif(not FIELD_CASES.is_dir(), reason="../shared/field-cases is not present")
def test_field_case_partial_update_through_the_runtime(runtime, api, tmp_path):
    case = FIELD_CASES / "roster" / "partial-update"
    person = json.loads((case / "signup_before.json").read_text("utf-8"))
    signed_up(api, person)
    before = {r["email"]: r for r in export_rows(runtime, tmp_path, "volunteers")}[person["email"]]
    dry = run(runtime, "volunteers", "import", str(case / "roster_skills_update.csv"), "--dry-run", "--json")
    [row] = json.loads(dry.stdout.strip().splitlines()[-1])["rows"]
    assert [c["field"] for c in row["changes"]] == ["skills"]
    run(runtime, "volunteers", "import", str(case / "roster_skills_update.csv"))
    after = {r["email"]: r for r in export_rows(runtime, tmp_path, "volunteers")}[person["email"]]
    assert after["skills"] == "web_development; copywriting"
    for kept in ("phone", "sms_consent", "sms_consent_at", "current_city"):
        assert after[kept] == before[kept], kept
    for name in ("roster_skill_labels.csv", "google_forms_checkbox_export.csv"):
        report = run(runtime, "volunteers", "import", str(FIELD_CASES / "roster" / name), "--dry-run", "--json")
        assert json.loads(report.stdout.strip().splitlines()[-1])["refused"] == [], name


def test_exports_have_stable_headers(runtime, tmp_path):
    from services.intake.console.exports import COLUMNS

    for kind, columns in COLUMNS.items():
        out = tmp_path / f"{kind}.csv"
        assert run(runtime, "export", kind, "--out", str(out)).exit_code == 0
        assert next(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")))) == list(columns)


def test_our_own_volunteers_export_imports_back_unchanged(runtime, tmp_path):
    """Every column of the export either maps back or is reported as not imported; nothing changes."""
    out = tmp_path / "volunteers.csv"
    assert run(runtime, "export", "volunteers", "--out", str(out)).exit_code == 0
    result = run(runtime, "volunteers", "import", str(out), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["refused"] == [] and report["columns"]["unknown"] == []
    assert report["added"] == report["updated"] == 0 and report["unchanged"] > 0
