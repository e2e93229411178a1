"""Gi* on grid cells against esda, planted clusters, uniform data and the FDR."""

import json
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

from citysafe.analysis.hotspots import (
    CLASS_LABELS,
    gi_star,
    hotspot_classes,
    hotspots,
    neighbourhood,
)

libpysal = pytest.importorskip("libpysal")
esda = pytest.importorskip("esda")


def esda_gi_star(values, w, permutations=0, seed=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.G_Local(
            values, w, transform="B", star=True, permutations=permutations, seed=seed
        )


def cell_centres(nrows, ncols, cell):
    xc, yc = (np.arange(ncols) + 0.5) * cell, (np.arange(nrows) + 0.5) * cell
    X, Y = np.meshgrid(xc, yc)
    return np.column_stack([X.ravel(), Y.ravel()])


def test_queen_z_equals_esda_on_the_same_grid():
    values = np.random.default_rng(1).poisson(3.0, size=(17, 23)).astype(float)
    ours = gi_star(values, permutations=0, inference="analytic")
    theirs = esda_gi_star(values.ravel(), libpysal.weights.lat2W(17, 23, rook=False))
    assert_allclose(ours.z.ravel(), theirs.Zs, rtol=0, atol=1e-9)
    assert ours.neighbours[0, 0] == 4 and ours.neighbours[0, 5] == 6 and ours.neighbours[5, 5] == 9


@pytest.mark.parametrize("distance", [250.0, 100.0 * np.sqrt(2), 420.0])
def test_distance_band_z_equals_esda(distance):
    values = np.random.default_rng(2).gamma(1.5, 2.0, size=(14, 18))
    ours = gi_star(values, cell=100.0, weights="distance", distance=distance, permutations=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.DistanceBand(
            cell_centres(14, 18, 100.0), threshold=distance * (1 + 1e-9), binary=True
        )
    theirs = esda_gi_star(values.ravel(), w)
    assert_allclose(ours.z.ravel(), theirs.Zs, rtol=0, atol=1e-9)


def test_masked_grid_uses_only_cells_of_the_area_as_esda_does():
    nrows, ncols = 16, 20
    rows, cols = np.mgrid[0:nrows, 0:ncols]
    mask = (rows - 8) ** 2 + (cols - 10) ** 2 <= 49  # a round study area
    values = np.random.default_rng(3).poisson(4.0, size=(nrows, ncols)).astype(float)
    ours = gi_star(values, mask=mask, permutations=0)
    queen = libpysal.weights.lat2W(nrows, ncols, rook=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.w_subset(queen, list(np.flatnonzero(mask.ravel())))
    theirs = esda_gi_star(values.ravel()[mask.ravel()], w)
    assert_allclose(ours.z[mask], theirs.Zs, rtol=0, atol=1e-9)
    assert np.isnan(ours.z[~mask]).all() and (ours.classes[~mask] == 0).all()


def test_permutation_p_values_are_within_monte_carlo_error_of_esda():
    values = np.random.default_rng(4).gamma(2.0, 3.0, size=(20, 25))  # no ties
    ours = gi_star(values, permutations=9999, seed=1)
    theirs = esda_gi_star(values.ravel(), libpysal.weights.lat2W(20, 25, rook=False), 9999, 5)
    p = theirs.p_sim
    error = np.sqrt(2 * p * (1 - p) / 9999) + 2 / 10000
    assert (np.abs(ours.p_sim.ravel() - p) <= 4.5 * error).all()


def test_permutation_p_values_match_a_naive_conditional_permutation():
    """Each cell on its own: keep its value, draw its neighbours from the other cells."""
    values = np.random.default_rng(5).poisson(2.0, size=(6, 7)).astype(float)
    ours = gi_star(values, permutations=4999, seed=2)
    flat, rng = values.ravel(), np.random.default_rng(9)
    for r, c in [(0, 0), (0, 3), (3, 3), (5, 6), (2, 4)]:
        window = values[max(r - 1, 0) : r + 2, max(c - 1, 0) : c + 2]
        lag, k = window.sum() - values[r, c], window.size - 1
        others = np.delete(flat, r * 7 + c)
        sims = np.array([rng.choice(others, k, replace=False).sum() for _ in range(4999)])
        naive = (min((sims >= lag).sum(), (sims <= lag).sum()) + 1) / 5000
        assert abs(ours.p_sim[r, c] - naive) <= 4.5 * np.sqrt(2 * naive * (1 - naive) / 4999)


def test_a_planted_cluster_is_found_by_both_inferences():
    rng = np.random.default_rng(6)
    counts = rng.poisson(5.0, size=(30, 30)).astype(float)
    counts[10:13, 17:20] = rng.poisson(20.0, size=(3, 3))
    # a pseudo p-value is at least 1 / 10000, so after the FDR over 900 cells at best 95%
    for inference, centre in (("analytic", 3), ("permutation", 2)):
        found = gi_star(counts, permutations=9999, seed=3, inference=inference)
        assert found.classes[11, 18] == centre
        assert (found.classes[10:13, 17:20] > 0).all()
        assert (found.classes[:5, :5] == 0).all()


@pytest.mark.parametrize("inference", ["analytic", "permutation"])
def test_uniform_data_gives_about_five_percent_before_fdr_and_about_none_after(inference):
    counts = np.random.default_rng(7).poisson(20.0, size=(60, 60)).astype(float)
    raw = gi_star(counts, permutations=999, seed=4, inference=inference, fdr=False)
    share = (np.abs(raw.classes) >= 2).mean()  # p <= 0.05
    assert 0.03 <= share <= 0.07
    corrected = gi_star(counts, permutations=999, seed=4, inference=inference, fdr=True)
    assert (corrected.classes != 0).sum() <= 2


def test_seed_reproduces_and_other_seeds_differ():
    values = np.random.default_rng(8).gamma(2.0, 1.0, size=(10, 10))
    a = gi_star(values, permutations=199, seed=11)
    b = gi_star(values, permutations=199, seed=11)
    c = gi_star(values, permutations=199, seed=12)
    assert (a.p_sim == b.p_sim).all() and (a.p_sim != c.p_sim).any()
    assert a.seed == 11 and a.permutations == 199


def test_classes_at_90_95_99_percent():
    z = np.array([3.0, 2.0, 1.7, 1.0, -1.7, -2.0, -3.0])
    p = np.array([0.01, 0.05, 0.10, 0.2, 0.09, 0.049, 0.001])
    assert hotspot_classes(z, p).tolist() == [3, 2, 1, 0, -1, -2, -3]
    assert set(CLASS_LABELS) == {-3, -2, -1, 0, 1, 2, 3}


def test_constant_values_have_no_hot_spots():
    result = gi_star(np.full((5, 5), 3.0), permutations=99, seed=1)
    assert (result.z == 0).all() and (result.p_norm == 1).all() and (result.classes == 0).all()


def test_empty_one_cell_and_empty_mask():
    empty = gi_star(np.zeros((0, 0)), permutations=99, seed=1)
    assert empty.z.shape == (0, 0) and empty.classes.shape == (0, 0)
    one = gi_star(np.array([[4.0]]), permutations=99, seed=1)
    assert one.z.tolist() == [[0.0]] and one.classes.tolist() == [[0]]
    nothing = gi_star(np.ones((3, 3)), mask=np.zeros((3, 3), bool), permutations=9, seed=1)
    assert np.isnan(nothing.z).all() and (nothing.classes == 0).all()


def test_neighbourhood_footprints():
    assert neighbourhood().sum() == 9
    assert neighbourhood("distance", distance=100.0 * np.sqrt(2), cell=100.0).sum() == 9
    assert neighbourhood("distance", distance=141.0, cell=100.0).sum() == 5


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"values": np.ones(5)}, ValueError, "two-dimensional"),
        ({"values": [["a"]]}, TypeError, "array of numbers"),
        ({"weights": "rook"}, ValueError, "weights must be"),
        ({"weights": "distance"}, ValueError, "needs distance"),
        ({"weights": "distance", "distance": 50.0, "cell": 100.0}, ValueError, "no neighbours"),
        ({"mask": np.ones((2, 2), bool)}, ValueError, "shape"),
        ({"mask": np.ones((4, 4))}, TypeError, "bool"),
        ({"permutations": -1}, ValueError, "permutations"),
        ({"permutations": 0, "inference": "permutation"}, ValueError, "needs permutations"),
        ({"inference": "bayes"}, ValueError, "inference must be"),
    ],
)
def test_bad_input_is_named(kwargs, error, message):
    arguments = {"values": np.ones((4, 4)), **kwargs}
    with pytest.raises(error, match=message):
        gi_star(arguments.pop("values"), **arguments)


def test_hotspots_counts_points_and_reports_every_cell_for_scripts():
    rng = np.random.default_rng(9)
    x = np.concatenate([rng.uniform(0, 3000, 600), rng.normal(1500, 80, 150)])
    y = np.concatenate([rng.uniform(0, 3000, 600), rng.normal(1500, 80, 150)])
    found = hotspots(x, y, cell=250.0, bounds=(0, 0, 3000, 3000), permutations=99, seed=1)
    assert found.counts.sum() == 750 and found.outside == 0
    record = found.to_dict()
    assert len(record["cells"]) == 144 and record["grid"]["cell"] == 250.0
    json.dumps(record)  # plain data only
    hottest = max(record["cells"], key=lambda cell: cell["z"])
    assert abs(hottest["x"] - 1500.0) == 125.0 and abs(hottest["y"] - 1500.0) == 125.0
    assert hottest["class"] == 3 and hottest["label"] == "hot spot, 99% confidence"
    assert set(hottest) >= {"row", "col", "count", "z", "p_value", "q_value", "class"}
