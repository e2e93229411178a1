"""The shared inference helpers."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from citysafe.analysis._inference import (
    benjamini_hochberg,
    pseudo_p_value,
    random_generator,
    seed_value,
)


def test_pseudo_p_value_counts_the_observed_among_the_permutations():
    assert pseudo_p_value(0, 999) == 0.001
    assert_allclose(pseudo_p_value(np.array([0, 49, 99]), 99), [0.01, 0.5, 1.0])
    with pytest.raises(ValueError, match="at least 1"):
        pseudo_p_value(0, 0)


def test_benjamini_hochberg_matches_the_step_up_by_hand():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    m = p.size
    by_hand = np.minimum.accumulate((p * m / np.arange(1, m + 1))[::-1])[::-1]
    assert_allclose(benjamini_hochberg(p), np.minimum(by_hand, 1.0))
    shuffled = np.random.default_rng(0).permutation(m)
    assert_allclose(benjamini_hochberg(p[shuffled]), np.minimum(by_hand, 1.0)[shuffled])


def test_benjamini_hochberg_keeps_nan_out_of_the_count():
    q = benjamini_hochberg(np.array([[0.01, np.nan], [0.02, 0.5]]))
    assert np.isnan(q[0, 1])
    assert_allclose(q[~np.isnan(q)], benjamini_hochberg(np.array([0.01, 0.02, 0.5])))


def test_seeds():
    assert seed_value(5) == 5 and seed_value(None) is None
    assert seed_value(np.random.default_rng(1)) is None
    with pytest.raises(TypeError, match="seed must be"):
        random_generator("1")
