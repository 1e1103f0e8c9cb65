"""Calibration that borrows strength: on synthetic multi-state histories with a known truth
(tests/unit/scoring_world.py), the pooled scales recover the true error scales within 15%, where
a state's own single cycle and the fixed priors cannot; a chamber's own cycles gain weight as they
accumulate; no cycle at or after the target year is ever used."""

from functools import cache

import pytest

from services.scoring.domain.calibration import POOL_CYCLES, POOL_SEATS, Pool, calibrate
from services.scoring.domain.scoring import by_chamber, score_chamber
from tests.unit.scoring_world import forecast_district_sd, history

SD_STATE, SD_DISTRICT = 0.06, 0.03  # the truth; the fixed priors (0.03 / 0.06) are far from both
YEARS = (2010, 2012, 2014, 2016)
TOLERANCE = 0.15  # 90 pooled state-cycles: the scale's own sampling error is about 7.5%


@cache
def world() -> tuple[list, Pool]:
    rows = []
    for i in range(30):
        rows += history(f"S{i:02d}", YEARS, SD_STATE, SD_DISTRICT, seed=1)
    rows += history("NEW", (2014, 2016), SD_STATE, SD_DISTRICT, seed=1)  # one earlier cycle only
    return rows, Pool.build(by_chamber(rows), {})


def _own(rows, state):
    return [r for r in rows if r.state == state]


def test_pooled_scales_recover_the_true_scales():
    rows, pool = world()
    errors = calibrate(_own(rows, "NEW"), [], "NEW", "lower", 2018, pool=pool)
    state = errors.sources["sd_state"]
    assert state["from"] == "pooled + own" and state["pooled_state_cycles"] == 90
    assert state["pooled_value"] == pytest.approx(SD_STATE, rel=TOLERANCE)
    # Other states' calibration cycles had 1, 2 and 3 earlier cycles each.
    truth = forecast_district_sd(SD_DISTRICT, [1, 2, 3])
    district = errors.sources["sd_district.history"]
    assert district["pooled_value"] == pytest.approx(truth, rel=TOLERANCE)
    assert errors.sd_district["history"] == pytest.approx(truth, rel=TOLERANCE)
    assert errors.pooled == ["sd_state", "sd_district.history", "sd_district.imputed"]
    # Alone, the same state falls back on the fixed prior for its statewide scale (one own miss
    # averaged with 0.03): further from the truth than the pool.
    alone = calibrate(_own(rows, "NEW"), [], "NEW", "lower", 2018)
    assert alone.pooled == [] and alone.sources["sd_state"]["from"] == "fixed prior + own"
    assert abs(alone.sd_state - SD_STATE) > abs(errors.sd_state - SD_STATE)


def test_own_cycles_gain_weight_as_they_accumulate():
    rows, pool = world()
    weights = [
        calibrate(_own(rows, "S00"), [], "S00", "lower", year, pool=pool).sources["sd_state"]["own_weight"]
        for year in (2014, 2016, 2018)
    ]
    assert weights == [pytest.approx(n / (n + POOL_CYCLES), abs=1e-3) for n in (1, 2, 3)]
    seats = calibrate(_own(rows, "S00"), [], "S00", "lower", 2018, pool=pool).sources["sd_district.history"]
    assert seats["own_weight"] == pytest.approx(300 / (300 + POOL_SEATS), abs=1e-3)


def test_the_pool_never_looks_at_the_target_year_or_later():
    rows, pool = world()
    errors = calibrate(_own(rows, "S00"), [], "S00", "lower", 2014, pool=pool)
    # Before 2014 only 2012 was predicted (from 2010): 29 other states, one cycle each.
    assert errors.sources["sd_state"]["pooled_state_cycles"] == 29
    assert set(errors.cycle_misses) == {2012}


def test_both_chambers_of_a_state_are_one_statewide_observation():
    lower = history("AA", YEARS, SD_STATE, SD_DISTRICT, seed=2)
    upper = history("AA", YEARS, SD_STATE, SD_DISTRICT, seed=2, seats=40, chamber="upper")
    others = [r for i in range(3) for r in history(f"B{i}", YEARS, SD_STATE, SD_DISTRICT, seed=2)]
    pool = Pool.build(by_chamber(lower + upper + others), {})
    assert len(pool.state_misses("ZZ", 2018)) == 4 * 3  # AA counted once per year, not twice
    # A chamber never pools its own state's statewide misses, but does pool the other chamber's seats.
    errors = calibrate(lower, [], "AA", "lower", 2018, pool=pool)
    assert errors.sources["sd_state"]["pooled_state_cycles"] == 9
    assert errors.sources["sd_district.history"]["pooled_seats"] == 3 * 300 + 120


def test_a_single_chamber_without_a_pool_scores_as_before():
    rows, _ = world()
    own = _own(rows, "S00")
    alone = score_chamber(own, [], "S00", "lower", 2018, runs=500)
    pooled_with_itself = score_chamber(own, [], "S00", "lower", 2018, runs=500, pool=Pool.build(by_chamber(own), {}))
    assert alone.errors == pooled_with_itself.errors
    assert alone.summary()["pooled_scales"] == []
