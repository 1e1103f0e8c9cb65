"""The chamber simulation converges to exact answers (seeded), and the target score by hand."""

import math

import numpy as np
import pytest

from services.scoring.domain.simulate import majority, normal_cdf, simulate_chamber
from services.scoring.domain.targeting import ranks, target_scores


def phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def exact_majority(p: np.ndarray, k: int) -> float:
    """P(at least k wins) of independent seats: the Poisson-binomial distribution by convolution."""
    dist = np.array([1.0])
    for q in p:
        dist = np.convolve(dist, [1 - q, q])
    return float(dist[k:].sum())


def test_without_noise_the_outcome_is_certain_and_the_tipping_point_is_the_median_seat():
    mean = np.array([0.30, 0.45, 0.52, 0.60, 0.70])
    sim = simulate_chamber(mean, np.full(5, 1e-6), 0.0, runs=200, seed=1)
    assert sim.p_dem_win.tolist() == [0, 0, 1, 1, 1]
    assert sim.p_majority == 1.0 and sim.seats_mean == 3
    assert sim.tipping_point_prob.tolist() == [0, 0, 1, 0, 0]  # the 3rd most Democratic seat


def test_even_chamber_tipping_point_belongs_to_the_side_that_won():
    # 4 seats, majority 3. Democrats win 3: their 3rd-best seat (0.52) decided it.
    sim = simulate_chamber(np.array([0.40, 0.52, 0.60, 0.70]), np.full(4, 1e-6), 0.0, runs=10, seed=0)
    assert majority(4) == 3 and sim.tipping_point_prob.tolist() == [0, 1, 0, 0]
    # Republicans win 3: their 3rd-best seat (0.45) decided it, not the 3rd most Democratic (0.40).
    sim = simulate_chamber(np.array([0.30, 0.40, 0.45, 0.55]), np.full(4, 1e-6), 0.0, runs=10, seed=0)
    assert sim.p_majority == 0 and sim.tipping_point_prob.tolist() == [0, 0, 1, 0]


def test_independent_seats_converge_to_the_exact_probabilities():
    rng = np.random.default_rng(3)
    mean = rng.uniform(0.4, 0.6, 41)
    sd = rng.uniform(0.02, 0.08, 41)
    exact_p = np.array([phi((m - 0.5) / s) for m, s in zip(mean, sd, strict=True)])
    exact_major = exact_majority(exact_p, majority(41))
    errors = []
    for runs in (1_000, 100_000):
        sim = simulate_chamber(mean, sd, 0.0, runs=runs, seed=11)
        errors.append(np.abs(sim.p_dem_win - exact_p).max())
        assert sim.tipping_point_prob.sum() == pytest.approx(1.0)
    assert errors[1] < errors[0] / 3 and errors[1] < 0.006  # shrinks like 1/sqrt(runs)
    sim = simulate_chamber(mean, sd, 0.0, runs=100_000, seed=11)
    assert sim.p_majority == pytest.approx(exact_major, abs=0.006)


def test_the_statewide_error_is_shared_and_converges():
    mean = np.array([0.47, 0.50, 0.53])
    sd = np.array([0.03, 0.04, 0.05])
    sim = simulate_chamber(mean, sd, 0.04, runs=200_000, seed=5)
    exact = [phi((m - 0.5) / math.hypot(s, 0.04)) for m, s in zip(mean, sd, strict=True)]
    assert sim.p_dem_win == pytest.approx(exact, abs=0.005)
    # Correlation: sweeping all three seats is likelier than if they were independent.
    assert sim.p_majority > exact_majority(np.array(exact), 2) - 0.005
    # A Student-t statewide error keeps the centre (symmetric) but fattens the tails.
    heavy = simulate_chamber(np.array([0.40]), np.array([0.01]), 0.04, runs=200_000, seed=5, state_dof=3)
    light = simulate_chamber(np.array([0.40]), np.array([0.01]), 0.04, runs=200_000, seed=5)
    assert heavy.p_dem_win[0] > light.p_dem_win[0] + 0.01
    assert simulate_chamber(np.array([0.5]), np.array([0.02]), 0.04, 100_000, 5, 3).p_dem_win[0] == pytest.approx(
        0.5, abs=0.01
    )


def test_same_seed_same_answer():
    mean, sd = np.linspace(0.3, 0.7, 30), np.full(30, 0.05)
    a = simulate_chamber(mean, sd, 0.03, runs=5_000, seed=9, state_dof=4)
    b = simulate_chamber(mean, sd, 0.03, runs=5_000, seed=9, state_dof=4)
    assert np.array_equal(a.p_dem_win, b.p_dem_win) and np.array_equal(a.tipping_point_prob, b.tipping_point_prob)


def test_normal_cdf():
    assert normal_cdf(0.0) == pytest.approx(0.5)
    assert normal_cdf(np.array([-1.0, 1.0])).tolist() == pytest.approx([phi(-1), phi(1)])


def test_target_score_by_hand():
    # closeness 4p(1-p): 1 and 0.36; pivotality 1 and 0.5; stakes 0.5 + 0.5 x 4 x 0.5 x 0.5 = 1.
    scores = target_scores(np.array([0.5, 0.9]), np.array([0.2, 0.1]), p_majority=0.5)
    assert scores.tolist() == pytest.approx([1.0, 0.36 * 0.75])
    # A chamber out of reach halves everything.
    assert target_scores(np.array([0.5]), np.array([1.0]), p_majority=0.0).tolist() == [0.5]
    assert ranks(np.array([0.2, 0.9, 0.2]), np.array([0.9, 0.5, 0.55])).tolist() == [3, 1, 2]
