"""The kernels on real Liverpool burglaries (police.uk, snapped to map points, month-level)."""

import tarfile
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from citysafe.analysis.density import kernel_density
from citysafe.analysis.grid import grid_counts, grid_over
from citysafe.analysis.hotspots import gi_star
from citysafe.analysis.nearrepeat import knox, near_repeat
from citysafe.geo import to_bng

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def burglaries(shared_data):
    """Easting, northing and month index of every Liverpool burglary, 2018-2021."""
    frames = []
    with tarfile.open(shared_data / "policeuk-liverpool-2018-2021.tar.xz") as archive:
        for member in archive:
            if member.isfile() and member.name.endswith("-street.csv"):
                frame = pd.read_csv(
                    archive.extractfile(member),
                    usecols=["Month", "Longitude", "Latitude", "Crime type"],
                )
                frames.append(frame[frame["Crime type"] == "Burglary"].dropna())
    rows = pd.concat(frames)
    x, y = to_bng(rows["Longitude"].to_numpy(), rows["Latitude"].to_numpy())
    months = rows["Month"].to_numpy().astype("datetime64[M]")
    return x, y, months


def test_liverpool_has_the_burglaries_the_readme_counts(burglaries):
    assert burglaries[0].size == 14_578


def test_knox_counts_equal_pointpats_on_snapped_locations(burglaries):
    spacetime = pytest.importorskip("pointpats.spacetime")
    x, y, months = burglaries
    year = (months >= np.datetime64("2019-01")) & (months < np.datetime64("2020-01"))
    ours = knox(x[year], y[year], months[year], distance=200, interval=1, permutations=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = spacetime.Knox(
            np.column_stack([x[year], y[year]]),
            months[year].astype(np.int64)[:, None].astype(float),
            delta=200,
            tau=1,
            permutations=0,
        )
    assert_array_equal(ours.table, theirs.observed)
    assert ours.unit == "months" and ours.close_in_space > 10_000


def test_near_repeat_table_equals_a_dense_reference(burglaries):
    x, y, months = burglaries
    year = (months >= np.datetime64("2019-01")) & (months < np.datetime64("2020-01"))
    x, y, t = x[year], y[year], months[year].astype(np.int64)
    space, time = np.array([0.0, 100, 200, 400]), np.array([0, 1, 2])
    result = near_repeat(x, y, t, space_bands=space, time_bands=time, unit="months", permutations=0)
    i, j = np.triu_indices(x.size, k=1)
    d = np.hypot(x[i] - x[j], y[i] - y[j])
    s = np.searchsorted(space, d, side="left")
    b = np.searchsorted(time, np.abs(t[i] - t[j]), side="left")
    keep = (s < space.size) & (b < time.size)
    dense = np.bincount(s[keep] * time.size + b[keep], minlength=12).reshape(4, 3)
    assert_array_equal(result.observed, dense)
    assert result.observed[0, 0] > 0  # repeats at the same map point in the same month


def test_gi_star_z_equals_esda_on_the_liverpool_grid(burglaries):
    libpysal = pytest.importorskip("libpysal")
    esda = pytest.importorskip("esda")
    x, y, _ = burglaries
    grid = grid_over(x, y, cell=500.0)
    counts = grid_counts(x, y, grid).counts
    ours = gi_star(counts, permutations=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.lat2W(*grid.shape, rook=False)
        theirs = esda.G_Local(
            counts.ravel().astype(float), w, transform="B", star=True, permutations=0
        )
    assert_allclose(ours.z.ravel(), theirs.Zs, rtol=0, atol=1e-9)


@pytest.mark.parametrize(("kernel", "bandwidth"), [("quartic", 400.0), ("gaussian", 150.0)])
def test_binned_density_within_one_percent_of_exact_on_liverpool(burglaries, kernel, bandwidth):
    x, y, _ = burglaries
    grid = grid_over(x, y, cell=100.0)
    fast = kernel_density(x, y, grid, bandwidth=bandwidth, kernel=kernel).density
    exact = kernel_density(x, y, grid, bandwidth=bandwidth, kernel=kernel, method="exact").density
    above = exact > 0.01 * exact.max()
    assert_allclose(fast[above], exact[above], rtol=0.01)
