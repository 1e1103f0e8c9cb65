"""The fundamentals prior on the environment: its numbers come from the shipped table, it moves
every seat by exactly the documented amount, combines with a staff-given swing by precision and
always widens the statewide error by its own uncertainty when it moves the forecast."""

import math

import numpy as np
import pytest

from services.scoring.domain.calibration import Pool
from services.scoring.domain.fundamentals import environment, load
from services.scoring.domain.model import SHARE_BOUNDS
from services.scoring.domain.results import ResultsError
from services.scoring.domain.scoring import by_chamber, score_chamber
from tests.unit.scoring_world import history

# The README's figures: the mean and spread of the president's party's two-party loss in the five
# midterms of fundamentals.toml (2002 -0.0226, 2006 0.0549, 2010 0.0898, 2014 0.0371, 2018 0.0499).
PENALTY, SPREAD = 0.04182, 0.04096


def test_the_penalty_comes_from_the_table():
    table = load()
    assert table.penalty_mean == pytest.approx(PENALTY, abs=1e-5)
    assert table.penalty_sd == pytest.approx(SPREAD, abs=1e-5)
    assert table.presidency[2017] == "R" and table.presidency[2013] == "D" and table.presidency[2026] == "R"


@pytest.mark.parametrize(
    ("target", "latest", "count"),
    [
        (2017, 2015, 2),  # off-year under Trump after one under Obama: the penalty changes sides
        (2018, 2016, 1),  # a midterm after a presidential year
        (2020, 2018, -1),  # back to a presidential year: the midterm's penalty unwinds
        (2015, 2013, 0),  # two off-years under one president: the penalties cancel
        (2022, 2020, -1),  # a midterm under a Democrat
    ],
)
def test_the_prior_is_a_whole_number_of_penalties(target, latest, count):
    prior = load().prior(target, latest)
    assert prior.mean == pytest.approx(count * PENALTY, abs=1e-5)
    assert prior.sd == pytest.approx(abs(count) * SPREAD / math.sqrt(5), abs=1e-5)


def test_between_presidential_years_the_prior_says_nothing():
    env = environment(2024, 2020, True, None)
    assert (env.swing, env.extra_sd) == (0.0, 0.0) and not env.prior.informative
    assert environment(2024, 2020, True, 0.02).swing == 0.02


def test_a_staff_swing_is_weighed_against_the_prior_spread():
    env = environment(2018, 2016, True, 0.0, swing_sd=SPREAD)  # equal weights: half way
    assert env.swing == pytest.approx(PENALTY / 2, abs=1e-5)
    assert env.extra_sd == pytest.approx(SPREAD / math.sqrt(5), abs=1e-5)  # still widened
    assert environment(2018, 2016, False, 0.01).swing == 0.01  # prior off: the swing as given


def test_a_year_without_a_president_on_record_is_refused_by_name():
    with pytest.raises(ResultsError, match=r"2031.*fundamentals.toml.*without --prior"):
        environment(2031, 2029, True, None)


def test_the_prior_moves_every_seat_by_the_documented_amount_and_widens_the_error():
    rows = [r for i in range(5) for r in history(f"S{i}", (2010, 2012, 2014, 2016), 0.03, 0.03, seed=3)]
    pool = Pool.build(by_chamber(rows), {})
    own = [r for r in rows if r.state == "S0"]
    off = score_chamber(own, [], "S0", "lower", 2018, runs=2_000, pool=pool)
    on = score_chamber(own, [], "S0", "lower", 2018, runs=2_000, pool=pool, prior=True)
    moved = np.array([b.dem_share_mean - a.dem_share_mean for a, b in _pairs(off, on)])
    low, high = SHARE_BOUNDS
    inside = np.array([low < a.dem_share_mean < high - PENALTY for a, _ in _pairs(off, on)])
    assert np.allclose(moved[inside], PENALTY, atol=2e-4)  # rounding of the stored shares only
    assert on.summary()["environment"]["prior_mean"] == pytest.approx(PENALTY, abs=1e-4)
    # Calibrated on misses net of the prior, then widened by the prior's own sd in quadrature.
    assert on.sd_state_total == pytest.approx(math.hypot(on.errors.sd_state, SPREAD / math.sqrt(5)), abs=1e-6)
    assert on.sd_state_total > on.errors.sd_state
    assert sum(p.p_dem_win for p in on.districts) > sum(p.p_dem_win for p in off.districts)


def _pairs(a, b):
    by = {p.district: p for p in b.districts}
    return [(p, by[p.district]) for p in a.districts]
