"""Each step of the district model and its error calibration, on cases computed by hand."""

import math

import pytest

from services.scoring.domain import calibration, model
from services.scoring.domain.results import ResultsError, read_results, read_statewide
from tests.unit.scoring_rows import result, results_csv, statewide_csv


def test_statewide_lean_is_the_recency_weighted_distance_from_the_race_total():
    rows = read_statewide(
        statewide_csv(
            "VA,2011,2012,President,1,6000,4000",  # total 8000/20000 = 0.40: leans +0.20, -0.20
            "VA,2011,2012,President,2,2000,8000",
            "VA,2011,2016,President,1,5000,5000",  # total 0.35: leans +0.15, -0.15
            "VA,2011,2016,President,2,2000,8000",
            "VA,2011,2018,Senate,1,9000,1000",  # 2018 is not before 2017: ignored
        )
    )
    lean = model.statewide_lean(rows, before_year=2017)
    w = 0.5 ** (4 / model.STATEWIDE_HALF_LIFE_YEARS)  # 2012 is four years older than 2016
    assert lean["1"] == pytest.approx((0.15 + w * 0.20) / (1 + w))
    assert lean["2"] == pytest.approx((-0.15 - w * 0.20) / (1 + w))


def _cycles(text: str):
    rows = read_results(text)
    by_cycle: dict = {}
    for r in rows:
        by_cycle.setdefault(r.year, {})[r.district] = r
    return by_cycle, sorted(by_cycle)


def test_the_cycle_swing_is_the_mean_change_over_seats_contested_twice():
    by_cycle, cycles = _cycles(
        results_csv(
            result(2013, "1", 0.50),
            result(2013, "2", 0.40),
            result(2013, "3", None, "R"),
            result(2015, "1", 0.55),
            result(2015, "2", 0.43),
            result(2015, "3", 0.30),  # not contested before: no part of the swing
        )
    )
    assert model.cycle_swings(by_cycle, cycles, g=0.0) == {2015: pytest.approx(0.04)}


def test_incumbency_effect_is_fitted_from_seats_that_changed_status():
    lines = []
    for d in range(12):
        inc = "D" if d % 2 else "R"
        lines.append(result(2013, str(d + 1), 0.30 + 0.03 * d))  # open seats
        bonus = 0.05 if inc == "D" else -0.05
        lines.append(result(2015, str(d + 1), 0.30 + 0.03 * d + 0.02 + bonus, incumbent=inc, running=True))
    by_cycle, cycles = _cycles(results_csv(*lines))
    assert model.fit_incumbency(by_cycle, cycles) == pytest.approx(0.05)
    # Too few seats changed status to fit: the documented prior.
    by_cycle, cycles = _cycles(results_csv(*lines[:8]))
    assert model.fit_incumbency(by_cycle, cycles) == model.DEFAULT_INCUMBENCY


def test_expected_share_from_legislative_results_by_hand():
    text = results_csv(
        result(2013, "1", 0.40),
        result(2013, "2", 0.60),
        result(2013, "3", None, "D"),
        result(2015, "1", 0.46),
        result(2015, "2", 0.64),
        result(2015, "3", None, "D"),
    )
    est = model.estimate(read_results(text), [], "VA", "lower", 2017, swing=0.02)
    by = {d.district: d for d in est.districts}
    g = model.DEFAULT_INCUMBENCY  # only two seats were contested twice: the prior
    swing_2015 = (0.06 + 0.04) / 2  # 2013 shares move into 2015's environment by +0.05
    lean1 = (0.46 + 0.5 * (0.40 + swing_2015)) / 1.5  # the older cycle weighs half
    lean2 = (0.64 + 0.5 * (0.60 + swing_2015)) / 1.5
    assert by["1"].source == "legislative" and by["1"].incumbency == -1  # the 2015 winner defends
    assert by["1"].mean == pytest.approx(lean1 - g + 0.02)
    assert by["2"].mean == pytest.approx(lean2 + g + 0.02)
    # Never contested and no statewide lean: a typical safe seat of its winner's party, not 100%.
    assert by["3"].source == "imputed"
    assert by["3"].mean == pytest.approx(0.5 + model.DEFAULT_SAFE_MARGIN + g + 0.02)


def test_uncontested_seats_are_imputed_from_the_statewide_lean():
    lines, sw = [], []
    for d in range(1, 9):
        lean = (d - 4.5) / 20
        sw.append(f"VA,2011,2014,Senate,{d},{round((0.5 + lean) * 10000)},{round((0.5 - lean) * 10000)}")
        if d < 8:  # legislative share = 0.48 + 1.0 x lean, open seats
            lines.append(result(2015, str(d), 0.48 + lean))
        else:
            lines.append(result(2015, str(d), None, "D"))
    est = model.estimate(read_results(results_csv(*lines)), read_statewide(statewide_csv(*sw)), "VA", "lower", 2017)
    eight = est.districts[-1]
    assert eight.district == "8" and eight.source == "statewide"
    assert eight.mean == pytest.approx(0.48 + 3.5 / 20 + model.DEFAULT_INCUMBENCY, abs=1e-3)
    assert 0 < eight.mean < 1


def test_only_earlier_years_are_used_and_a_later_map_replaces_the_districts():
    text = results_csv(result(2015, "1", 0.45), result(2015, "2", 0.55), result(2017, "1", 0.99))
    est = model.estimate(read_results(text), [], "VA", "lower", 2017)
    assert est.latest_cycle == 2015 and est.cycles == (2015,)
    new_map = read_statewide(statewide_csv(*(f"VA,2019,2016,President,{d},{4000 + 500 * d},5000" for d in range(1, 8))))
    est = model.estimate(read_results(text), new_map, "VA", "lower", 2019)
    assert [d.district for d in est.districts] == [str(d) for d in range(1, 8)]
    with pytest.raises(ResultsError, match="no VA upper results before 2019"):
        model.estimate(read_results(text), [], "VA", "upper", 2019)


def test_calibration_measures_the_misses_of_earlier_cycles():
    # A uniform-swing world: every seat moves by the cycle's swing; no seat changes hands, none
    # has an incumbent on the ballot, seven lean D and seven R by the same amounts.
    leans = [0.30 + 0.02 * d for d in range(7)] + [0.58 + 0.02 * d for d in range(7)]
    environment = {2013: 0.0, 2015: 0.02, 2017: -0.04}  # swings +0.02, then -0.06
    lines = [result(y, str(d), lean + e) for y, e in environment.items() for d, lean in enumerate(leans, start=1)]
    rows = read_results(results_csv(*lines))
    errors = calibration.calibrate(rows, [], "VA", "lower", 2019)
    assert errors.cycle_misses == {2015: pytest.approx(0.02, abs=1e-3), 2017: pytest.approx(-0.06, abs=1e-3)}
    expected = math.sqrt((0.02**2 + 0.06**2 + calibration.PRIOR_SD_STATE**2) / 3)
    assert errors.sd_state == pytest.approx(expected, abs=1e-3)
    # The model adds the prior incumbency bonus to each last winner, who was not on the ballot:
    # D seats miss by -g, R seats by +g around the cycle's mean miss.
    assert errors.sd_district["history"] == pytest.approx(model.DEFAULT_INCUMBENCY, abs=1e-3)
    assert errors.state_dof == 3


def test_with_one_cycle_there_is_nothing_to_calibrate_on():
    rows = read_results(results_csv(result(2015, "1", 0.45)))
    errors = calibration.calibrate(rows, [], "VA", "lower", 2017)
    assert errors.sd_state == calibration.PRIOR_SD_STATE and errors.cycle_misses == {}
