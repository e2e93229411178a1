"""Emerging hot spots: Mann-Kendall, space-time Gi* against esda, and every pattern."""

import itertools
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from citysafe.analysis.emerging import (
    PATTERNS,
    MannKendall,
    classify_patterns,
    emerging_hotspots,
    mann_kendall,
)


def cube_points(cube, cell=100.0):
    """Events at cell centres reproducing a cube of counts [month, row, col]."""
    t, r, c = np.nonzero(cube)
    k = cube[t, r, c]
    return np.repeat((c + 0.5) * cell, k), np.repeat((r + 0.5) * cell, k), np.repeat(t, k)


def test_mann_kendall_by_hand_and_against_scipy():
    rng = np.random.default_rng(1)
    series = np.vstack([rng.integers(0, 5, 15), np.arange(15) + rng.normal(0, 3, 15)])
    test = mann_kendall(series)
    for k, row in enumerate(series):
        s = sum(np.sign(row[j] - row[i]) for i, j in itertools.combinations(range(15), 2))
        _, ties = np.unique(row, return_counts=True)
        variance = (15 * 14 * 35 - (ties * (ties - 1) * (2 * ties + 5)).sum()) / 18
        assert test.s[k] == s and test.variance[k] == pytest.approx(variance)
        tau = stats.kendalltau(np.arange(15), row, method="asymptotic")  # z: no continuity fix
        z_scipy = np.sign(s) * stats.norm.isf(tau.pvalue / 2)
        assert s / np.sqrt(variance) == pytest.approx(z_scipy, rel=1e-6)
        assert test.z[k] == pytest.approx((s - np.sign(s)) / np.sqrt(variance))


def test_mann_kendall_of_a_constant_or_single_value():
    assert mann_kendall(np.full(6, 2.0)).z == 0.0
    assert mann_kendall([3.0]).p_value == 1.0


def test_space_time_z_equals_esda_with_space_time_neighbours():
    libpysal = pytest.importorskip("libpysal")
    esda = pytest.importorskip("esda")
    months, nrows, ncols = 5, 4, 6
    cube = np.random.default_rng(2).poisson(2.0, size=(months, nrows, ncols))
    cube[:, 0, 0] += 1  # every cell has an event somewhere, so all are analysed
    x, y, t = cube_points(cube)
    found = emerging_hotspots(x, y, t, cell=100.0, bounds=(0, 0, 600, 400), time_steps=1)
    ids = np.arange(cube.size).reshape(cube.shape)
    neighbours = {}
    for m, r, c in itertools.product(range(months), range(nrows), range(ncols)):
        near = ids[max(m - 1, 0) : m + 1, max(r - 1, 0) : r + 2, max(c - 1, 0) : c + 2]
        neighbours[ids[m, r, c]] = [int(i) for i in near.ravel() if i != ids[m, r, c]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = esda.G_Local(
            cube.ravel().astype(float),
            libpysal.weights.W(neighbours),
            transform="B",
            star=True,
            permutations=0,
        )
    assert_allclose(found.z.ravel(), theirs.Zs, rtol=0, atol=1e-9)


def planted_cube():
    months = np.arange(20)
    cube = np.full((20, 30, 30), 6)
    cube[:, 3, 3] = 40
    cube[:, 3, 9] = 40 + 2 * months
    cube[:, 3, 15] = 80 - 2 * months
    cube[-1, 3, 21] = 45
    cube[-3:, 9, 3] = 40
    cube[:-1, 9, 9] = 40
    cube[1::2, 9, 15] = 40
    cube[:5, 14:19, 20:25] = 0  # a cold spot early on ...
    cube[[10, 19], 16, 22] = 60  # ... where a hot spot comes and goes
    cube[:, 22:27, 2:7] = 0
    cube[-1, 22:27, 10:15] = 0
    return cube


@pytest.mark.parametrize(
    ("cell", "pattern"),
    [
        ((3, 3), "persistent hot spot"),
        ((3, 9), "intensifying hot spot"),
        ((3, 15), "diminishing hot spot"),
        ((3, 21), "new hot spot"),
        ((9, 3), "consecutive hot spot"),
        ((9, 9), "historical hot spot"),
        ((9, 15), "sporadic hot spot"),
        ((16, 22), "oscillating hot spot"),
        ((24, 4), "persistent cold spot"),
        ((24, 12), "new cold spot"),
        ((0, 29), "no pattern"),
    ],
)
def test_planted_patterns_are_named_as_arcgis_names_them(cell, pattern):
    x, y, t = cube_points(planted_cube())
    found = emerging_hotspots(
        x, y, t, cell=100.0, bounds=(0, 0, 3000, 3000), time_steps=0, mask=np.ones((30, 30), bool)
    )
    assert found.pattern_names()[cell] == pattern


def test_cold_patterns_mirror_hot_ones():
    months = 10
    hot = np.zeros((months, 4), bool)
    cold = np.zeros((months, 4), bool)
    cold[:, 0] = True  # cold throughout, getting colder
    cold[:, 1] = True  # cold throughout, warming
    cold[-2:, 2] = True  # consecutive cold
    cold[:-1, 3] = True  # historical cold
    trend = MannKendall(
        s=np.zeros(4),
        variance=np.ones(4),
        z=np.array([-3.0, 3.0, 0.0, 0.0]),
        p_value=np.array([0.001, 0.001, 1.0, 1.0]),
        n=months,
    )
    codes = classify_patterns(hot, cold, trend, 0.05)
    assert [PATTERNS[c] for c in codes] == [
        "intensifying cold spot",
        "diminishing cold spot",
        "consecutive cold spot",
        "historical cold spot",
    ]


def test_default_mask_is_cells_with_events_and_month_input_as_datetime():
    months = np.array(["2020-01", "2020-03", "2020-03"], dtype="datetime64[M]")
    found = emerging_hotspots(
        [50.0, 150.0, 150.0], [50.0, 50.0, 50.0], months, cell=100.0, bounds=(0, 0, 300, 100)
    )
    assert found.counts.shape == (3, 1, 3)
    assert found.first == (2020 - 1970) * 12
    assert found.mask.tolist() == [[True, True, False]]
    assert np.isnan(found.z[:, 0, 2]).all() and found.patterns[0, 2] == 0
    with pytest.raises(ValueError, match="months"):
        emerging_hotspots([1.0], [1.0], np.array(["2020-01-05"], dtype="datetime64[D]"), cell=10.0)


def test_first_and_last_fix_the_months_and_no_events_gives_an_empty_cube():
    found = emerging_hotspots([50.0], [50.0], [5], cell=100.0, first=3, last=8)
    assert found.counts.shape == (6, 1, 1) and found.counts[2, 0, 0] == 1
    empty = emerging_hotspots([], [], [], cell=100.0)
    assert empty.counts.shape == (0, 0, 0) and empty.patterns.shape == (0, 0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"time_steps": -1}, ValueError, "time_steps"),
        ({"time_steps": 1.5}, TypeError, "time_steps"),
        ({"alpha": 0}, ValueError, "alpha"),
        ({"first": 9, "last": 2}, ValueError, "before first"),
        ({"mask": np.ones((3, 3))}, ValueError, "mask"),
        ({"weights": "distance"}, ValueError, "distance"),
    ],
)
def test_bad_input_is_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        emerging_hotspots([50.0, 60.0], [50.0, 60.0], [1, 2], cell=100.0, **kwargs)
