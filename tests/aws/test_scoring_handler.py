"""The scoring function: schedule, S3 upload and on-demand triggers read the data bucket and
write district items, the run summary and the report; a malformed file writes nothing."""

import csv
import io

import pytest

from services.scoring import handlers
from shared.storage import keys, main_store, main_table
from tests.aws.conftest import Context
from tfc.demo.synthetic import election_results

BUCKET = "tfc-test-data"


def _upload(aws, key: str, body: str) -> None:
    aws.client("s3").put_object(Bucket=BUCKET, Key=key, Body=body.encode())


def _s3_event(key: str, sequencer: str = "0055AED6DCD90281E5") -> dict:
    return {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {"bucket": {"name": BUCKET}, "object": {"key": key, "sequencer": sequencer}},
            }
        ]
    }


def test_scheduled_run_scores_every_district_and_writes_the_report(aws):
    _upload(aws, "results/va.csv", election_results(seed=3))
    result = handlers.on_event({"id": "evt-1", "time": "2026-11-25T07:00:00Z"}, Context())
    assert result["status"] == "scored" and result["districts"] == 100
    ranked = main_store().scores.run_scores(result["run_id"])
    assert [s.target_rank for s in ranked] == list(range(1, 101))
    assert all(0 <= s.p_dem_win <= 1 and 0 <= s.target_score <= 1 for s in ranked)
    assert abs(sum(s.tipping_point_prob for s in ranked) - 1) < 0.01
    assert ranked[0].target_score == max(s.target_score for s in ranked)
    latest = main_store().scores.latest_score("VA", "lower", ranked[0].district)
    assert latest is not None and latest.run_id == result["run_id"] and latest.p_dem_majority is not None
    s3 = aws.client("s3")
    text = s3.get_object(Bucket=BUCKET, Key=result["report_csv"])["Body"].read().decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 100 and {r["district"] for r in rows} == {s.district for s in ranked}
    html = s3.get_object(Bucket=BUCKET, Key=result["report_html"])["Body"].read().decode()
    assert "<svg" in html and "<script" not in html
    summary = main_table().get(keys.scoring_run(result["run_id"]))
    assert summary is not None and summary["districts"] == 100 and summary["chambers"][0]["state"] == "VA"


def test_an_upload_triggers_a_run_and_a_duplicate_delivery_rewrites_the_same_run(aws):
    _upload(aws, "results/va.csv", election_results(seed=4))
    first = handlers.on_event(_s3_event("results/va.csv"), Context())
    again = handlers.on_event(_s3_event("results/va.csv"), Context())
    assert first["status"] == "scored" and first["run_id"] == again["run_id"]
    assert len(main_store().scores.run_scores(first["run_id"])) == 100  # not 200


def test_on_demand_run_for_one_state_with_a_swing(aws):
    _upload(aws, "results/va.csv", election_results(seed=5))
    _upload(aws, "results/md.csv", election_results(seed=5, state="MD", chamber="upper", districts=47))
    base = handlers.on_event({"source": "tfc.cli", "state": "VA", "run_id": "run_a"}, Context())
    bluer = handlers.on_event({"source": "tfc.cli", "state": "VA", "swing": 0.05, "run_id": "run_b"}, Context())
    assert base["districts"] == 100 and [c["state"] for c in base["chambers"]] == ["VA"]
    assert bluer["chambers"][0]["dem_seats_mean"] > base["chambers"][0]["dem_seats_mean"]
    # The fundamentals prior: 2025 is an off-year under a Republican president after 2023's under a
    # Democrat, two penalties toward Democrats; Maryland's chamber lends its seats' misses.
    prior = handlers.on_event({"source": "tfc.cli", "state": "VA", "prior": True, "run_id": "run_c"}, Context())
    (chamber,) = prior["chambers"]
    assert chamber["environment"]["prior_mean"] == pytest.approx(0.0836, abs=1e-3)
    assert chamber["sd_state_total"] > chamber["sd_state"] and "sd_district.history" in chamber["pooled_scales"]
    assert chamber["dem_seats_mean"] > base["chambers"][0]["dem_seats_mean"]
    refused = handlers.on_event({"source": "tfc.cli", "swing_sd": 0, "run_id": "run_d"}, Context())
    assert refused["status"] == "refused" and "swing_sd" in refused["error"]
    not_a_flag = handlers.on_event({"source": "tfc.cli", "prior": "false", "run_id": "run_e"}, Context())
    assert not_a_flag["status"] == "refused" and "prior must be true or false" in not_a_flag["error"]


def _keys(aws, prefix: str) -> list[str]:
    listed = aws.client("s3").list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(o["Key"] for o in listed.get("Contents", []))


def test_a_malformed_file_alone_writes_nothing_and_is_quarantined(aws):
    _upload(aws, "results/va.csv", election_results(seed=3).replace(",true,", ",maybe,", 1))
    result = handlers.on_event(_s3_event("results/va.csv"), Context())
    assert result["status"] == "refused" and "refused: results/va.csv" in result["error"]
    (refused,) = result["refused_files"]
    assert refused["file"] == "results/va.csv" and "row 2, column incumbent_running" in refused["reason"]
    assert main_store().scores.run_scores(result["run_id"]) == []
    assert _keys(aws, "reports/") == [] and _keys(aws, "results/") == []
    assert _keys(aws, "rejected/") == ["rejected/va.csv", "rejected/va.csv.report.txt"]
    report = aws.client("s3").get_object(Bucket=BUCKET, Key="rejected/va.csv.report.txt")["Body"].read().decode()
    assert "row 2, column incumbent_running" in report and "upload it under results/ again" in report


def test_a_bad_file_never_poisons_the_good_ones_or_later_runs(aws):
    """One run refuses the bad objects (a Latin-1 file, a file with a non-district) and still scores
    the good one; the next scheduled run reads only good files and succeeds without a warning."""
    _upload(aws, "results/va.csv", election_results(seed=6))
    header, *rows = election_results(seed=6, state="MD", chamber="upper", districts=47).splitlines()
    latin1 = "\n".join([header, rows[0].replace(",synthetic,", ",Comt\u00e9 de Montr\u00e9al,"), *rows[1:]])
    aws.client("s3").put_object(Bucket=BUCKET, Key="results/md_latin1.csv", Body=latin1.encode("latin-1"))
    _upload(aws, "results/va_2025.csv", election_results(seed=6).replace("VA,lower,2019,2,", "VA,lower,2019,12A,", 1))
    first = handlers.on_event({"id": "evt-a", "time": "2026-11-25T07:00:00Z"}, Context())
    assert first["status"] == "scored" and first["districts"] == 100
    reasons = {r["file"]: r["reason"] for r in first["refused_files"]}
    assert set(reasons) == {"results/md_latin1.csv", "results/va_2025.csv"}
    assert "not UTF-8 text (byte 0xE9 on line 2" in reasons["results/md_latin1.csv"]
    assert (
        "va_2025.csv row 3, column district: Virginia House districts have no letters" in reasons["results/va_2025.csv"]
    )
    summary = main_table().get(keys.scoring_run(first["run_id"]))
    assert summary is not None and [r["file"] for r in summary["refused_files"]] == sorted(reasons)
    assert _keys(aws, "results/") == ["results/va.csv"]
    assert "rejected/md_latin1.csv.report.txt" in _keys(aws, "rejected/")

    second = handlers.on_event({"id": "evt-b", "time": "2026-11-26T07:00:00Z"}, Context())
    assert second["status"] == "scored" and second["refused_files"] == [] and second["districts"] == 100


def test_excel_for_mac_line_endings_are_scored(aws):
    text = election_results(seed=7)
    _upload(aws, "results/va_mac.csv", text.replace("\n", "\r"))
    result = handlers.on_event(_s3_event("results/va_mac.csv"), Context())
    assert result["status"] == "scored" and result["districts"] == 100 and result["refused_files"] == []


def test_no_files_is_not_an_error(aws):
    assert handlers.on_event({}, Context()) == {"status": "empty", "districts": 0}
