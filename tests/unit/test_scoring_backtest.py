"""Backtests on the real Virginia House of Delegates data in ../shared (skipped when absent): the
model, trained only on earlier cycles, beats the previous-share baseline."""

from pathlib import Path

import pytest

from services.scoring.domain.backtest import backtest, metrics
from services.scoring.domain.results import read_results, read_statewide
from services.scoring.domain.scoring import score_chamber

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "elections"
RESULTS = DATA / "va_house_of_delegates_2011_2017.csv"
needs_data = pytest.mark.skipif(not RESULTS.exists(), reason="../shared/data/elections is not beside this checkout")


def test_metrics_by_hand():
    m = metrics([0.9, 0.2, 0.6], [True, False, False], [False, False, True], [1, 30, 2])
    assert m.brier == pytest.approx((0.01 + 0.04 + 0.36) / 3)
    assert m.accuracy == pytest.approx(2 / 3)
    assert (m.flips, m.flips_in_top) == (1, 1)
    assert [b["seats"] for b in m.calibration] == [1, 1, 1]


@pytest.fixture(scope="module")
def va():
    results = read_results(RESULTS.read_text("utf-8"), RESULTS.name)
    statewide = read_statewide((DATA / "va_statewide_by_hd_2011map.csv").read_text("utf-8"), "2011map")
    return results, statewide


@needs_data
@pytest.mark.parametrize("with_statewide", [True, False])
def test_backtests_beat_the_previous_share_baseline(va, with_statewide):
    results, statewide = va
    tests = [backtest(results, statewide if with_statewide else [], "VA", "lower", y) for y in (2015, 2017)]
    for t in tests:
        assert t.seats == 100
        assert t.model.log_loss < t.baseline.log_loss
        assert t.model.flips_in_top >= t.baseline.flips_in_top
    assert tests[0].model.brier < tests[0].baseline.brier
    assert sum(t.model.brier for t in tests) < sum(t.baseline.brier for t in tests)
    # 2017's 15 flips (all R -> D): most of them were in the model's top 25 targets.
    assert tests[1].model.flips == 15 and tests[1].model.flips_in_top >= 11


@needs_data
def test_predicting_2019_on_the_remedial_map_from_its_statewide_file(va):
    results, _ = va
    new_map = read_statewide((DATA / "va_statewide_by_hd_2019map.csv").read_text("utf-8"), "2019map")
    scored = score_chamber(results, new_map, "VA", "lower", 2019, runs=2_000)
    assert len(scored.districts) == 100 and {p.source for p in scored.districts} == {"statewide"}
    assert sorted(p.target_rank for p in scored.districts) == list(range(1, 101))
    assert all(0 < p.dem_share_mean < 1 and 0 <= p.p_dem_win <= 1 for p in scored.districts)


# The README's figures before issue 19 (Brier, log loss; 10,000 runs, seed 0, with the statewide file).
README_BEFORE = {2013: (0.030, 0.135), 2015: (0.033, 0.133), 2017: (0.120, 0.361)}


@needs_data
def test_virginia_no_worse_than_before_in_any_year_and_better_in_2017_with_the_prior(va):
    results, statewide = va
    for year, (brier, log_loss) in README_BEFORE.items():
        t = backtest(results, statewide, "VA", "lower", year)
        assert t.model_prior is not None
        for m in (t.model, t.model_prior):  # rounded as the README prints them
            assert round(m.brier, 3) <= brier and round(m.log_loss, 3) <= log_loss
        if year == 2017:
            assert t.model_prior.brier < t.baseline.brier and t.model_prior.brier < brier - 0.04
            assert t.model_prior.log_loss < log_loss - 0.1
            assert t.model_prior.flips_in_top >= t.model.flips_in_top
            assert t.score_prior is not None and t.score_prior.environment is not None
            assert t.score_prior.environment.swing == pytest.approx(0.0836, abs=1e-3)  # two penalties
        else:  # two off-years under one president: the prior cancels and changes nothing
            assert t.model_prior == t.model
