"""The maximal covering kernel: the exact answer equals brute force; greedy is stated as such."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse

from citysafe.analysis.siting import (
    coverage_matrix,
    covered_shares,
    greedy_covering,
    maximal_covering,
)


def brute_force(cover: np.ndarray, weights: np.ndarray, k: int) -> float:
    """The most weight any k candidates cover, by trying every set of k."""
    m = cover.shape[1]
    best = 0.0
    for chosen in itertools.combinations(range(m), min(k, m)):
        if chosen:
            best = max(best, float(weights[cover[:, list(chosen)].any(axis=1)].sum()))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_the_exact_answer_equals_brute_force_on_small_problems(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 15)), int(rng.integers(1, 10))
    k = int(rng.integers(0, m + 2))
    cover = rng.random((n, m)) < rng.uniform(0.1, 0.5)
    weights = rng.integers(0, 20, n).astype(float) * rng.random(n)
    exact = maximal_covering(cover, weights, k)
    assert_allclose(exact.covered, brute_force(cover, weights, k), atol=1e-9)
    assert exact.optimal and exact.method == "exact"
    assert len(exact.chosen) <= k and len(set(exact.chosen.tolist())) == len(exact.chosen)
    # the covered weight reported is that of the sites chosen
    reached = cover[:, exact.chosen].any(axis=1) if len(exact.chosen) else np.zeros(n, bool)
    assert_allclose(exact.covered, weights[reached].sum())
    greedy = greedy_covering(cover, weights, k)
    assert greedy.covered <= exact.covered + 1e-9
    assert greedy.covered >= (1 - 1 / np.e) * exact.covered - 1e-9
    assert not greedy.optimal and "not proven the best" in greedy.note


def test_the_exact_answer_beats_greedy_where_greedy_is_known_to_fail():
    # rows p, q, s, t, u; sites left (p, q), middle (q, t, u), right (s, t)
    cover = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [0, 1, 0]], dtype=bool)
    weights = np.array([3.0, 2.0, 3.0, 2.0, 1.5])
    greedy = greedy_covering(cover, weights, 2)
    exact = maximal_covering(cover, weights, 2)
    assert greedy.chosen.tolist() == [0, 1] and greedy.covered == 8.5  # middle first
    assert exact.chosen.tolist() == [0, 2] and exact.covered == 10.0
    assert exact.covered == brute_force(cover, weights, 2)
    assert exact.share == pytest.approx(10 / 11.5)


def test_edge_cases_give_empty_answers_of_the_right_type():
    empty = maximal_covering(np.zeros((0, 3), bool), np.zeros(0), 2)
    assert empty.chosen.tolist() == [] and empty.covered == 0.0 and empty.optimal
    none = maximal_covering(np.zeros((3, 2), bool), np.ones(3), 1)
    assert none.chosen.tolist() == [] and none.share == 0.0
    everything = maximal_covering(np.eye(3, dtype=bool), np.ones(3), 5)
    assert everything.chosen.tolist() == [0, 1, 2] and everything.covered == 3.0
    nothing = maximal_covering(np.eye(3, dtype=bool), np.ones(3), 0)
    assert nothing.chosen.tolist() == []
    sparse_input = maximal_covering(sparse.csr_matrix(np.eye(3, dtype=bool)), [1, 5, 2], 1)
    assert sparse_input.chosen.tolist() == [1]


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((np.eye(2, dtype=bool), [1.0], 1), ValueError, "one number per demand point"),
        ((np.eye(2, dtype=bool), [1.0, -1.0], 1), ValueError, "not negative"),
        ((np.eye(2, dtype=bool), [1.0, 1.0], -1), ValueError, "k must be"),
        ((np.eye(2, dtype=bool), [1.0, np.nan], 1), ValueError, "finite"),
    ],
)
def test_bad_input_is_refused_naming_it(args, error, message):
    with pytest.raises(error, match=message):
        maximal_covering(*args)
    with pytest.raises(ValueError, match="method"):
        maximal_covering(np.eye(2, dtype=bool), [1, 1], 1, method="best")


def test_the_cover_includes_sites_exactly_at_the_radius():
    demand = np.array([[0.0, 0.0], [300.0, 0.0]])
    sites = np.array([[100.0, 0.0], [0.0, 100.000001], [400.0, 0.0]])
    cover = coverage_matrix(demand, sites, 100.0).toarray()
    assert cover.tolist() == [[True, False, False], [False, False, True]]
    assert coverage_matrix(np.empty((0, 2)), sites, 50).shape == (0, 3)
    with pytest.raises(TypeError, match="demand_xy"):
        coverage_matrix("points", sites, 50)
    with pytest.raises(ValueError, match="radius"):
        coverage_matrix(demand, sites, -1)


def test_covered_shares_by_radius_and_slot():
    demand = np.array([[0.0, 0.0], [150.0, 0.0]])
    weight = np.array([3.0, 1.0])
    sites = np.array([[0.0, 40.0]])
    is_open = np.array([[True, False]])  # open in the first slot only
    found = covered_shares(demand, weight, sites, is_open, radii=(50, 200))
    assert_allclose(found.total, [4.0, 4.0])
    assert_allclose(found.covered, [[3.0, 0.0], [4.0, 0.0]])
    assert_allclose(found.shares, [[0.75, 0.0], [1.0, 0.0]])
    by_slot = covered_shares(demand, np.array([[3.0, 0.0], [1.0, 1.0]]), sites, is_open, (50,))
    assert_allclose(by_slot.shares, [[0.75, 0.0]])
    no_demand = covered_shares(np.empty((0, 2)), np.empty(0), sites, is_open, (50,))
    assert_allclose(no_demand.shares, [[0.0, 0.0]])
