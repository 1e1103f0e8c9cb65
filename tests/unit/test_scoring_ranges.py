"""Readable uncertainty: every printed range says what it is, and a figure never sits outside its
own range, in the stored numbers, the CSV and the HTML report."""

import csv
import io
import re

import numpy as np
import pytest

from services.scoring.domain.report import RANGE_MEANING, percent, to_csv, to_html
from services.scoring.domain.scoring import consistent_range, score_chamber
from services.scoring.domain.simulate import simulate_chamber
from tests.unit.scoring_world import history


@pytest.fixture(scope="module")
def scored():
    rows = history("S0", (2010, 2012, 2014), 0.04, 0.03, seed=5)
    return score_chamber(rows, [], "S0", "lower", 2016, runs=3_000, prior=True)


def test_the_conditional_win_rates_bracket_the_chance_even_for_far_seats():
    # Seats 15 points from even, heavy-tailed statewide error: the chance comes from the tails
    # of the environment. At the environment's 90th percentile alone such a seat is almost never
    # won (the old range said 0-0% beside a 2% chance); in the best tenth it is.
    mean = np.array([0.35, 0.5, 0.65, 0.45])
    sd = np.full(4, 0.04)
    sim = simulate_chamber(mean, sd, 0.034, runs=20_000, seed=1, state_dof=3)
    assert sim.p_dem_win_bad_env is not None and sim.p_dem_win_good_env is not None
    assert np.all(sim.p_dem_win_bad_env <= sim.p_dem_win + 0.01)
    assert np.all(sim.p_dem_win <= sim.p_dem_win_good_env + 0.01)
    assert sim.p_dem_win[0] > 0.005 and sim.p_dem_win_good_env[0] > sim.p_dem_win[0]


def test_consistent_range_removes_simulation_noise():
    assert consistent_range(0.41234, 0.41240, 0.9) == (0.4123, 0.4123, 0.9)
    assert consistent_range(0.5, 0.1, 0.49999) == (0.5, 0.1, 0.5)


def test_percent_is_monotone_so_figure_and_range_keep_their_order():
    values = [_rank(percent(p)) for p in np.linspace(0, 1, 2001)]
    assert values == sorted(values)
    assert (percent(0.004), percent(0.996), percent(0.0), percent(1.0)) == ("<1%", ">99%", "0%", "100%")


def test_every_district_figure_is_inside_its_ranges(scored):
    for p in scored.districts:
        assert p.p_dem_win_low <= p.p_dem_win <= p.p_dem_win_high
        assert 0 <= p.dem_share_low <= p.dem_share_mean <= p.dem_share_high <= 1
        assert percent(p.p_dem_win_low) == percent(min(p.p_dem_win_low, p.p_dem_win))


def test_the_csv_names_each_range(scored):
    rows = list(csv.DictReader(io.StringIO(to_csv(scored.districts))))
    assert {"p_dem_win_if_env_worst_tenth", "p_dem_win_if_env_best_tenth", "dem_share_80pct_low"} <= set(rows[0])
    for row in rows:
        p, low, high = (
            float(row[c]) for c in ("p_dem_win", "p_dem_win_if_env_worst_tenth", "p_dem_win_if_env_best_tenth")
        )
        assert low <= p <= high


def test_the_report_says_what_its_ranges_are(scored):
    html = to_html([scored], "run_x", "2026-01-01T00:00:00Z")
    assert RANGE_MEANING in html and "worst to best tenth of environments" in html
    assert "fundamentals prior" in html and "scales borrowed from other states and cycles: none" in html
    cells = re.findall(r"<td>(\d+|<1|>99)%</td><td>(\S+) to (\S+)</td>", html.replace("&lt;", "<").replace("&gt;", ">"))
    assert len(cells) == len(scored.districts)
    for figure, low, high in cells:
        assert _rank(low) <= _rank(figure + "%") <= _rank(high)


def _rank(printed: str) -> float:
    """A printed percent's position on the scale ('<1%' between 0% and 1%)."""
    return {"<1%": 0.5, ">99%": 99.5}.get(printed) or float(printed.rstrip("%"))
