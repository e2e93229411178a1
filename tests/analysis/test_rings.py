"""Ring counts against brute force, shapely and geopandas' sjoin(predicate="dwithin")."""

import tarfile

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from citysafe.analysis.rings import (
    nearest_site,
    neighbours_within,
    ring_counts,
    ring_labels,
    ring_of,
)

EDGES = [50.0, 100.0, 200.0, 400.0]


def snapped_crimes(seed: int, points: int = 400, crimes: int = 5000, sites: int = 12):
    """Map points in a 2 km square, crimes snapped to them, sites on and off map points."""
    rng = np.random.default_rng(seed)
    point_xy = rng.uniform(0, 2000, (points, 2))
    crime_point = rng.integers(0, points, crimes)
    on_points = point_xy[rng.choice(points, sites // 2, replace=False)]
    site_xy = np.vstack([on_points, rng.uniform(0, 2000, (sites - sites // 2, 2))])
    return point_xy, crime_point, site_xy


def brute_force(point_xy, crime_point, site_xy, edges):
    """Every crime against every site, by numpy broadcasting."""
    crime_xy = point_xy[crime_point]
    d = np.sqrt(((crime_xy[:, None, :] - site_xy[None, :, :]) ** 2).sum(axis=2))
    nearest = d.min(axis=1)
    inner = np.r_[-np.inf, edges[:-1]]
    total = [
        int(((nearest > lo) & (nearest <= hi)).sum()) for lo, hi in zip(inner, edges, strict=True)
    ]
    by_site = np.array(
        [
            [
                int(((d[:, s] > lo) & (d[:, s] <= hi)).sum())
                for lo, hi in zip(inner, edges, strict=True)
            ]
            for s in range(len(site_xy))
        ]
    )
    return np.array(total), by_site


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ring_counts_equal_brute_force(seed):
    point_xy, crime_point, site_xy = snapped_crimes(seed)
    counts = np.bincount(crime_point, minlength=len(point_xy))
    rings = ring_counts(point_xy, counts, site_xy, EDGES)
    total, by_site = brute_force(point_xy, crime_point, site_xy, np.array(EDGES))
    assert_array_equal(rings.total, total)
    assert_array_equal(rings.by_site, by_site)
    assert rings.total.sum() > 100


def test_ring_counts_equal_geopandas_sjoin_dwithin():
    gpd = pytest.importorskip("geopandas")
    point_xy, crime_point, site_xy = snapped_crimes(7, points=600, crimes=20000, sites=30)
    crimes = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*point_xy[crime_point].T), crs=27700)
    sites = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*site_xy.T), crs=27700)
    counts = np.bincount(crime_point, minlength=len(point_xy))
    rings = ring_counts(point_xy, counts, site_xy, EDGES)
    within_any, per_site = [], []
    for edge in EDGES:
        joined = gpd.sjoin(crimes, sites, predicate="dwithin", distance=edge)
        within_any.append(joined.index.nunique())
        per_site.append(
            joined.groupby("index_right").size().reindex(range(len(site_xy)), fill_value=0)
        )
    assert_array_equal(np.cumsum(rings.total), within_any)
    assert_array_equal(np.cumsum(rings.by_site, axis=1), np.column_stack(per_site))


def test_counts_by_column_and_points_per_ring():
    point_xy = np.array([[0, 0], [30, 40], [0, 99.5], [0, 150], [0, 401], [0, 400]], float)
    counts = np.array([[1, 0], [2, 1], [3, 0], [4, 4], [5, 5], [6, 0]])
    rings = ring_counts(point_xy, counts, [[0, 0]], EDGES)
    assert rings.total.tolist() == [[3, 1], [3, 0], [4, 4], [6, 0]]
    assert rings.points.tolist() == [2, 1, 1, 1]
    assert rings.by_site.shape == (1, 4, 2)


def test_edges_are_closed_above_and_the_first_ring_includes_zero():
    assert ring_of(
        [0, 50, np.nextafter(50, 100), 100, 400, 400.0001, np.inf, np.nan], EDGES
    ).tolist() == [
        0,
        0,
        1,
        1,
        3,
        -1,
        -1,
        -1,
    ]


def test_nearest_site_breaks_ties_by_lowest_index_and_respects_within():
    distance, site = nearest_site([[0, 0], [5, 0], [100, 0]], [[10, 0], [0, 0], [-0.0, 0]])
    assert distance.tolist() == [0.0, 5.0, 90.0]
    assert site.tolist() == [1, 0, 0]  # (5, 0) is 5 m from sites 0 and 1: the lower wins
    distance, site = nearest_site([[0, 0], [300, 0]], [[0, 0]], within=200)
    assert distance.tolist() == [0.0, np.inf] and site.tolist() == [0, -1]


def test_equals_shapely_distances():
    shapely = pytest.importorskip("shapely")
    point_xy, _, site_xy = snapped_crimes(11, points=300, sites=8)
    distance, _ = nearest_site(point_xy, site_xy)
    sites = shapely.multipoints(site_xy)
    reference = shapely.distance(shapely.points(point_xy), sites)
    assert_array_equal(distance, reference)


def test_neighbours_within_lists_every_point_once():
    point_xy, _, site_xy = snapped_crimes(5)
    near = neighbours_within(point_xy, site_xy, 150.0)
    d = np.sqrt(((point_xy[None, :, :] - site_xy[:, None, :]) ** 2).sum(axis=2))
    for s in range(len(site_xy)):
        listed = np.sort(near.index[near.indptr[s] : near.indptr[s + 1]])
        assert_array_equal(listed, np.flatnonzero(d[s] <= 150.0))
    row, pos = near.rows(np.array([3, 1]))
    assert_array_equal(np.bincount(row), np.diff(near.indptr)[[3, 1]])


def test_empty_inputs_give_empty_results():
    rings = ring_counts(np.empty((0, 2)), np.empty(0), [[0, 0]], EDGES)
    assert rings.total.tolist() == [0, 0, 0, 0] and rings.by_site.shape == (1, 4)
    rings = ring_counts([[0, 0]], [3], np.empty((0, 2)), EDGES)
    assert rings.total.tolist() == [0, 0, 0, 0] and rings.by_site.shape == (0, 4)
    distance, site = nearest_site([[0, 0]], [])
    assert distance.tolist() == [np.inf] and site.tolist() == [-1]


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"site_xy must have shape \(n, 2\), got \(3,\)"):
        ring_counts([[0, 0]], [1], [1, 2, 3])
    with pytest.raises(ValueError, match="rings must be strictly increasing"):
        ring_counts([[0, 0]], [1], [[0, 0]], [100, 50])
    with pytest.raises(ValueError, match=r"point_counts must have shape \(1,\)"):
        ring_counts([[0, 0]], [1, 2], [[0, 0]])
    with pytest.raises(TypeError, match="site_xy must be an"):
        ring_counts([[0, 0]], [1], "sites")


def test_ring_labels():
    assert ring_labels([50, 100]) == [(0.0, 50.0, "0-50 m"), (50.0, 100.0, "50-100 m")]
    assert ring_labels([50], area=True)[0] == (0.0, 0.0, "inside the area")


# ---------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def liverpool(shared_data, tmp_path_factory):
    """Every located Liverpool crime of 2018-2021 with its map point, on British National Grid."""
    from citysafe.geo import to_bng

    folder = tmp_path_factory.mktemp("policeuk")
    with tarfile.open(shared_data / "policeuk-liverpool-2018-2021.tar.xz") as archive:
        archive.extractall(folder, filter="data")
    frames = [
        pd.read_csv(path, usecols=["Longitude", "Latitude"])
        for path in sorted((folder / "liverpool").glob("*/*-street.csv"))
    ]
    crimes = pd.concat(frames, ignore_index=True).dropna()
    x, y = to_bng(crimes["Longitude"].to_numpy(), crimes["Latitude"].to_numpy())
    keys, crime_point = np.unique(np.column_stack([x, y]), axis=0, return_inverse=True)
    return keys, crime_point.ravel()


@pytest.mark.realdata
def test_real_data_rings_equal_geopandas(liverpool):
    gpd = pytest.importorskip("geopandas")
    point_xy, crime_point = liverpool
    assert len(crime_point) == 275_964
    # 35 sites: the map points nearest a point in Anfield, Liverpool
    centre = np.array([336_300.0, 393_700.0])
    site_xy = point_xy[np.argsort(((point_xy - centre) ** 2).sum(axis=1))[:35]]
    counts = np.bincount(crime_point, minlength=len(point_xy))
    rings = ring_counts(point_xy, counts, site_xy, EDGES)
    crimes = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*point_xy[crime_point].T), crs=27700)
    sites = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*site_xy.T), crs=27700)
    within_any, per_site = [], []
    for edge in EDGES:
        joined = gpd.sjoin(crimes, sites, predicate="dwithin", distance=edge)
        within_any.append(joined.index.nunique())
        per_site.append(joined.groupby("index_right").size().reindex(range(35), fill_value=0))
    assert_array_equal(np.cumsum(rings.total), within_any)
    assert_array_equal(np.cumsum(rings.by_site, axis=1), np.column_stack(per_site))
    assert rings.total[0] > 100
