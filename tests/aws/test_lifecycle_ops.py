"""Staff's lifecycle route (queued for matching; bad input refused, naming the field) and the
season report over closed projects."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

from chalice.test import Client

from services.intake.app import app
from services.matching.usecases.season import season_report
from shared.storage import main_store
from tests.aws.conftest import drain
from tests.aws.test_lifecycle import lifecycle_tick, run, staffed

OPS = {"x-api-key": "ops-key-for-tests-0123456789", "Content-Type": "application/json"}


def post(client, pid: str, body: dict):
    return client.http.post(f"/projects/{pid}/lifecycle", body=json.dumps(body), headers=OPS)


def test_the_route_queues_commands_and_refuses_bad_ones(aws):
    record = staffed(aws)
    pid = record.project.project_id
    with Client(app) as client:
        refused = [
            (post(client, pid, {"action": "explode"}), "action"),
            (post(client, pid, {"action": "leave"}), "volunteer_id"),
            (post(client, pid, {"action": "kickoff", "kickoff_at": "2026-03-02T15:00:00"}), "kickoff_at"),
            (post(client, pid, {"action": "kickoff", "kickoff_at": "soon"}), "kickoff_at"),
        ]
        for response, field in refused:
            assert response.status_code == 422, response.body
            assert json.loads(response.body)["errors"][0]["field"] == field
        assert post(client, "p_missing", {"action": "cancel"}).status_code == 404
        no_key = client.http.post(f"/projects/{pid}/lifecycle", body="{}", headers={"Content-Type": "application/json"})
        assert no_key.status_code == 401
        assert drain(aws, "matching") == []  # nothing queued for any refusal
        ok = post(client, pid, {"action": "kickoff", "kickoff_at": "2026-03-02T15:00:00Z"})
        assert ok.status_code == 202
    queued = drain(aws, "matching")
    assert [(e["type"], e["action"]) for e in queued] == [("project.command", "kickoff")]
    run([json.dumps(e) for e in queued])
    project = main_store().campaigns.get_project(pid).project
    assert project.status == "active" and project.kickoff_at.isoformat() == "2026-03-02T15:00:00+00:00"


def test_season_report_sums_hours_served_ratings_and_exports_csv(aws, tmp_path, monkeypatch):
    record = staffed(aws)
    pid = record.project.project_id
    run([json.dumps({"type": "project.command", "version": 1, "correlation_id": "t", "project_id": pid,
                     "action": "kickoff"})])  # fmt: skip
    project = main_store().campaigns.get_project(pid).project
    lifecycle_tick(project.ends_at + timedelta(minutes=1))
    main_store().lifecycle.put_result(pid, "rating", {"rating": 4, "comment": "great"}, project.ends_at)
    figures, rows = season_report(main_store())
    weeks = min(project.weeks, 8)
    assert figures["projects_completed"] == 1 and figures["campaigns_helped"] == 1
    assert figures["completed_per_category"] == {project.category: 1}
    assert figures["volunteer_hours"] == round(project.hours_per_week * weeks * len(record.slots), 1)
    assert figures["median_rating"] == 4 and figures["repeat_volunteers"] == 0
    assert rows[0]["rating"] == 4 and rows[0]["team"] == len(record.slots)

    from typer.testing import CliRunner

    from tfc.cli import app as cli
    from tfc.commands import report as report_cmd

    # the command's body against this emulator (it would otherwise look for a running `tfc up`)
    monkeypatch.setattr(report_cmd, "_point_at_local", lambda: None)
    out = tmp_path / "season.csv"
    result = CliRunner().invoke(cli, ["report", "season", "--json", "--csv", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == figures
    with out.open() as f:
        exported = list(csv.DictReader(f))
    assert [r["project_id"] for r in exported] == [pid] and exported[0]["rating"] == "4"
