"""The scheduled scoring function reads results files from the data bucket and stores scores."""

from services.scoring import handlers
from shared.storage import main_store
from tests.aws.conftest import Context
from tfc.demo.synthetic import election_results


def test_scheduled_run_scores_every_district(aws):
    aws.client("s3").put_object(Bucket="tfc-test-data", Key="results/va.csv", Body=election_results(seed=3).encode())
    result = handlers.on_schedule({"detail-type": "Scheduled Event"}, Context())
    assert result["districts"] == 100
    ranked = main_store().run_scores(result["run_id"])
    assert [s.target_rank for s in ranked] == list(range(1, 101))
    assert all(0 <= s.p_dem_win <= 1 for s in ranked)
    latest = main_store().latest_score("VA", "lower", ranked[0].district)
    assert latest is not None and latest.run_id == result["run_id"]


def test_no_files_is_not_an_error(aws):
    assert handlers.on_schedule({}, Context()) == {"districts": 0}
