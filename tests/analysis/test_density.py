"""Kernel density by binning and FFT against exact evaluation and scikit-learn."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from citysafe.analysis.density import bandwidth_rule, kernel_density
from citysafe.analysis.grid import Grid, grid_over


def clustered(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform background, two clusters and a few isolated points far from the rest."""
    rng = np.random.default_rng(seed)
    x = np.concatenate(
        [rng.uniform(0, 8000, n // 2), rng.normal(3000, 250, n // 4), rng.normal(6000, 700, n // 4)]
    )
    y = np.concatenate(
        [rng.uniform(0, 8000, n // 2), rng.normal(5000, 250, n // 4), rng.normal(2000, 700, n // 4)]
    )
    return x, y


@pytest.mark.parametrize(
    ("kernel", "bandwidth", "cell"),
    [
        ("quartic", 400.0, 100.0),  # exact, cell by cell
        ("quartic", 150.0, 100.0),
        ("quartic", 2500.0, 100.0),  # binned and FFT: the kernel covers about 2000 cells
        ("quartic", 1900.0, 50.0),
        ("gaussian", 200.0, 100.0),
        ("gaussian", 60.0, 50.0),
        ("gaussian", 300.0, 25.0),
    ],
)
def test_fast_is_within_one_percent_of_exact_above_one_percent_of_the_peak(kernel, bandwidth, cell):
    x, y = clustered(3000, seed=1)
    grid = grid_over(x, y, cell=cell, bounds=(0, 0, 8000, 8000))
    fast = kernel_density(x, y, grid, bandwidth=bandwidth, kernel=kernel)
    exact = kernel_density(x, y, grid, bandwidth=bandwidth, kernel=kernel, method="exact")
    above = exact.density > 0.01 * exact.density.max()
    assert above.sum() > 1000
    relative = np.abs(fast.density[above] - exact.density[above]) / exact.density[above]
    assert relative.max() < 0.01


def test_a_single_point_alone():
    """The Gaussian keeps 1% even alone; the binned quartic's rim is a stated limitation."""
    grid = Grid(x0=0.0, y0=0.0, cell=50.0, nrows=120, ncols=120)
    rng = np.random.default_rng(0)
    for px, py in rng.uniform(2800, 3200, (5, 2)):
        for kernel, h in (("gaussian", 100.0), ("gaussian", 20.0), ("quartic", 2000.0)):
            fast = kernel_density([px], [py], grid, bandwidth=h, kernel=kernel).density
            exact = kernel_density([px], [py], grid, bandwidth=h, kernel=kernel, method="exact")
            peak = exact.density.max()
            floor = 0.01 if kernel == "gaussian" else 0.1  # binned quartic: see module notes
            above = exact.density > floor * peak
            assert_allclose(fast[above], exact.density[above], rtol=0.01)
            assert np.abs(fast - exact.density).max() < 0.0025 * peak


def test_exact_gaussian_equals_scikit_learn():
    from sklearn.neighbors import KernelDensity as SkKernelDensity

    x, y = clustered(400, seed=2)
    grid = Grid(x0=0.0, y0=0.0, cell=400.0, nrows=20, ncols=20)
    ours = kernel_density(x, y, grid, bandwidth=250.0, kernel="gaussian", method="exact")
    xc, yc = grid.centres()
    X, Y = np.meshgrid(xc, yc)
    fitted = SkKernelDensity(kernel="gaussian", bandwidth=250.0).fit(np.column_stack([x, y]))
    theirs = np.exp(fitted.score_samples(np.column_stack([X.ravel(), Y.ravel()])))
    # scikit-learn gives a probability density per m^2; ours is events per km^2
    assert_allclose(ours.density.ravel(), theirs * x.size * 1e6, rtol=1e-9, atol=1e-12)


def test_exact_quartic_equals_the_formula_by_hand():
    grid = Grid(x0=0.0, y0=0.0, cell=100.0, nrows=3, ncols=3)
    x, y = np.array([120.0, 260.0]), np.array([80.0, 170.0])
    ours = kernel_density(x, y, grid, bandwidth=180.0, method="exact").density
    xc, yc = grid.centres()
    by_hand = np.zeros((3, 3))
    for r in range(3):
        for c in range(3):
            for px, py in zip(x, y, strict=True):
                d2 = (xc[c] - px) ** 2 + (yc[r] - py) ** 2
                if d2 < 180.0**2:
                    by_hand[r, c] += 3 / (math.pi * 180.0**2) * (1 - d2 / 180.0**2) ** 2
    assert_allclose(ours, by_hand * 1e6, rtol=1e-12)


def test_density_integrates_to_the_number_of_events():
    x, y = clustered(2000, seed=3)
    inside = (x > 1500) & (x < 6500) & (y > 1500) & (y < 6500)
    grid = Grid(x0=0.0, y0=0.0, cell=50.0, nrows=160, ncols=160)
    for kernel in ("quartic", "gaussian"):
        kde = kernel_density(x[inside], y[inside], grid, bandwidth=200.0, kernel=kernel)
        assert kde.density.sum() * (0.05**2) == pytest.approx(inside.sum(), rel=1e-3)


def test_weights_scale_the_density():
    grid = Grid(x0=0.0, y0=0.0, cell=100.0, nrows=5, ncols=5)
    one = kernel_density([250.0], [250.0], grid, bandwidth=300.0).density
    three = kernel_density([250.0], [250.0], grid, bandwidth=300.0, weights=[3.0]).density
    assert_allclose(three, 3 * one)


def test_bandwidth_rules():
    x, y = clustered(1000, seed=4)
    sigma = math.sqrt(0.5 * (x.var(ddof=1) + y.var(ddof=1)))
    scott = bandwidth_rule(x, y, rule="scott", kernel="gaussian")
    assert scott == pytest.approx(sigma * 1000 ** (-1 / 6))
    assert bandwidth_rule(x, y, rule="scott", kernel="quartic") == pytest.approx(
        scott * math.sqrt(8)
    )
    dx, dy = x - x.mean(), y - y.mean()
    sd = math.sqrt((dx**2).mean() + (dy**2).mean())
    dm = np.median(np.hypot(dx, dy))
    arcgis = 0.9 * min(sd, math.sqrt(1 / math.log(2)) * dm) * 1000**-0.2
    assert bandwidth_rule(x, y, rule="arcgis") == pytest.approx(arcgis)
    grid = Grid(x0=0.0, y0=0.0, cell=200.0, nrows=40, ncols=40)
    kde = kernel_density(x, y, grid, bandwidth="arcgis")
    assert kde.rule == "arcgis" and kde.bandwidth == pytest.approx(arcgis)


def test_no_points_gives_zero_density_of_the_grid_shape():
    grid = Grid(x0=0.0, y0=0.0, cell=100.0, nrows=4, ncols=3)
    kde = kernel_density([], [], grid, bandwidth=200.0)
    assert kde.density.shape == (4, 3) and not kde.density.any() and kde.n == 0


def test_all_points_in_one_place_cannot_choose_a_bandwidth():
    with pytest.raises(ValueError, match="one place"):
        bandwidth_rule([5.0, 5.0, 5.0], [1.0, 1.0, 1.0])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"bandwidth": -1.0}, ValueError, "bandwidth must be"),
        ({"bandwidth": "silly"}, ValueError, "rule must be one of"),
        ({"bandwidth": 100.0, "kernel": "epanechnikov"}, ValueError, "kernel must be one of"),
        ({"bandwidth": 100.0, "method": "binned"}, ValueError, "method must be"),
    ],
)
def test_bad_settings_are_named(kwargs, error, message):
    grid = Grid(x0=0.0, y0=0.0, cell=100.0, nrows=2, ncols=2)
    with pytest.raises(error, match=message):
        kernel_density([1.0, 50.0], [1.0, 70.0], grid, **kwargs)


def test_grid_must_be_a_grid():
    with pytest.raises(TypeError, match="grid must be a Grid"):
        kernel_density([1.0], [1.0], (0, 0, 10, 10), bandwidth=10.0)
