"""The scoring function: schedule, S3 upload and on-demand triggers read the data bucket and
write district items, the run summary and the report; a malformed file writes nothing."""

import csv
import io

from services.scoring import handlers
from shared.storage import keys, main_store
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
    ranked = main_store().run_scores(result["run_id"])
    assert [s.target_rank for s in ranked] == list(range(1, 101))
    assert all(0 <= s.p_dem_win <= 1 and 0 <= s.target_score <= 1 for s in ranked)
    assert abs(sum(s.tipping_point_prob for s in ranked) - 1) < 0.01
    assert ranked[0].target_score == max(s.target_score for s in ranked)
    latest = main_store().latest_score("VA", "lower", ranked[0].district)
    assert latest is not None and latest.run_id == result["run_id"] and latest.p_dem_majority is not None
    s3 = aws.client("s3")
    text = s3.get_object(Bucket=BUCKET, Key=result["report_csv"])["Body"].read().decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 100 and {r["district"] for r in rows} == {s.district for s in ranked}
    html = s3.get_object(Bucket=BUCKET, Key=result["report_html"])["Body"].read().decode()
    assert "<svg" in html and "<script" not in html
    summary = main_store()._get(keys.scoring_run(result["run_id"]))
    assert summary is not None and summary["districts"] == 100 and summary["chambers"][0]["state"] == "VA"


def test_an_upload_triggers_a_run_and_a_duplicate_delivery_rewrites_the_same_run(aws):
    _upload(aws, "results/va.csv", election_results(seed=4))
    first = handlers.on_event(_s3_event("results/va.csv"), Context())
    again = handlers.on_event(_s3_event("results/va.csv"), Context())
    assert first["status"] == "scored" and first["run_id"] == again["run_id"]
    assert len(main_store().run_scores(first["run_id"])) == 100  # not 200


def test_on_demand_run_for_one_state_with_a_swing(aws):
    _upload(aws, "results/va.csv", election_results(seed=5))
    _upload(aws, "results/md.csv", election_results(seed=5, state="MD", chamber="upper", districts=47))
    base = handlers.on_event({"source": "tfc.cli", "state": "VA", "run_id": "run_a"}, Context())
    bluer = handlers.on_event({"source": "tfc.cli", "state": "VA", "swing": 0.05, "run_id": "run_b"}, Context())
    assert base["districts"] == 100 and [c["state"] for c in base["chambers"]] == ["VA"]
    assert bluer["chambers"][0]["dem_seats_mean"] > base["chambers"][0]["dem_seats_mean"]


def test_a_malformed_file_refuses_the_run_and_writes_nothing(aws):
    _upload(aws, "results/va.csv", election_results(seed=3).replace(",true,", ",maybe,", 1))
    result = handlers.on_event(_s3_event("results/va.csv"), Context())
    assert result["status"] == "refused" and "results/va.csv row" in result["error"]
    assert main_store().run_scores(result["run_id"]) == []
    listed = aws.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="reports/")
    assert listed.get("KeyCount", 0) == 0


def test_no_files_is_not_an_error(aws):
    assert handlers.on_event({}, Context()) == {"status": "empty", "districts": 0}
