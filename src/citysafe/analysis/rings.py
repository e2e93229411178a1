"""Distance rings around sites, counted over map points.

police.uk snaps every crime to one of a fixed set of map points, so a count
per map point (by month and type, if wanted) turns a ring's count into a sum
over the map points in it. Two ways of counting, both equal to a geopandas
``sjoin(predicate="dwithin")``:

- ``ring_counts(...).total``: each map point belongs to at most one ring, by
  its distance ``d`` to the *nearest* site: ring ``k`` holds
  ``edges[k-1] < d <= edges[k]``, the first ring ``0 <= d <= edges[0]``. The
  first ring's count is the number of distinct crimes an ``sjoin`` with
  ``distance=edges[0]`` matches to any site, and so on by difference.
- ``ring_counts(...).by_site``: each site's own rings, overlapping between
  sites, as ``sjoin(...).groupby("index_right").size()``.

Distances are Euclidean on British National Grid, computed as
``sqrt(dx * dx + dy * dy)`` like GEOS, and ring edges are closed above.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from citysafe.analysis._checks import as_coordinates, as_edges

__all__ = [
    "Neighbours",
    "RingCounts",
    "as_xy",
    "nearest_site",
    "neighbours_within",
    "ring_counts",
    "ring_labels",
    "ring_of",
]

# k-d tree searches reach this much further, then the exact distance decides
_REACH = 1.0 + 1e-9
_TIE_CANDIDATES = 8


def as_xy(values, name: str) -> np.ndarray:
    """A finite ``(n, 2)`` float array of x, y in metres (``(0, 2)`` when empty)."""
    if isinstance(values, str | bytes) or values is None:
        raise TypeError(f"{name} must be an (n, 2) array of x, y, got {type(values).__name__}")
    array = np.asarray(values)
    if array.size == 0:
        return np.empty((0, 2))
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n, 2), got {array.shape}")
    x, y = as_coordinates(array[:, 0], array[:, 1], names=(f"{name} x", f"{name} y"))
    return np.column_stack([x, y])


def _distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    dx, dy = a[:, 0] - b[:, 0], a[:, 1] - b[:, 1]
    return np.sqrt(dx * dx + dy * dy)


def nearest_site(point_xy, site_xy, *, within: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
    """Distance from each point to its nearest site, and that site's index.

    Parameters
    ----------
    point_xy, site_xy : array_like
        ``(P, 2)`` and ``(S, 2)`` metres.
    within : float
        Only sites up to this distance are looked for; points farther from
        every site get ``inf`` and site ``-1``.

    Returns
    -------
    distance : numpy.ndarray
        ``(P,)`` metres.
    site : numpy.ndarray
        ``(P,)`` int, the nearest site; among sites at exactly the same
        distance, the lowest index.

    Examples
    --------
    >>> d, s = nearest_site([[0, 0], [30, 40], [500, 0]], [[0, 0], [60, 80]], within=100)
    >>> d.tolist(), s.tolist()
    ([0.0, 50.0, inf], [0, 0, -1])
    """
    points, sites = as_xy(point_xy, "point_xy"), as_xy(site_xy, "site_xy")
    distance = np.full(len(points), np.inf)
    site = np.full(len(points), -1, dtype=np.int64)
    if len(points) == 0 or len(sites) == 0:
        return distance, site
    k = min(len(sites), _TIE_CANDIDATES)
    bound = within * _REACH if np.isfinite(within) else np.inf
    _, index = cKDTree(sites).query(points, k=k, distance_upper_bound=bound)
    index = index.reshape(len(points), k)
    found = index < len(sites)
    exact = np.full(index.shape, np.inf)
    rows, cols = np.nonzero(found)
    exact[rows, cols] = _distance(points[rows], sites[index[rows, cols]])
    exact[exact > within] = np.inf
    best = exact.min(axis=1)
    # lowest site index among those at the best distance
    tied = np.where(np.isfinite(best)[:, None] & (exact == best[:, None]), index, len(sites))
    choice = tied.min(axis=1)
    hit = choice < len(sites)
    distance[hit], site[hit] = best[hit], choice[hit]
    return distance, site


def ring_of(distance, edges) -> np.ndarray:
    """Ring index of each distance: ``edges[k-1] < d <= edges[k]``, the first from 0; else -1.

    Examples
    --------
    >>> ring_of([0, 50, 50.001, 400, 401, np.inf], [50, 100, 200, 400]).tolist()
    [0, 0, 1, 3, -1, -1]
    """
    edges = as_edges(edges, "rings")
    distance = np.asarray(distance, dtype=float)
    ring = np.searchsorted(edges, distance, side="left")
    ring[(ring >= len(edges)) | ~(distance >= 0)] = -1
    return ring.astype(np.int64)


def ring_labels(edges, *, area: bool = False) -> list[tuple[float, float, str]]:
    """``(inner_m, outer_m, label)`` of each ring; with ``area``, "inside the area" first."""
    edges = as_edges(edges, "rings")
    inner = np.r_[0.0, edges[:-1]]
    rings = [
        (float(lo), float(hi), f"{lo:g}-{hi:g} m" + (" outside" if area else ""))
        for lo, hi in zip(inner, edges, strict=True)
    ]
    return [(0.0, 0.0, "inside the area"), *rings] if area else rings


@dataclass(frozen=True)
class Neighbours:
    """Map points within a radius of each centre, as compressed rows.

    Centre ``i``'s points are ``index[indptr[i]:indptr[i + 1]]`` at
    ``distance[indptr[i]:indptr[i + 1]]`` metres.
    """

    indptr: np.ndarray
    index: np.ndarray
    distance: np.ndarray
    radius: float

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def rows(self, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row (position in ``centres``) and entry positions of the given centres' lists."""
        centres = np.asarray(centres, dtype=np.int64)
        starts, stops = self.indptr[centres], self.indptr[centres + 1]
        lengths = stops - starts
        row = np.repeat(np.arange(len(centres)), lengths)
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return row, np.repeat(starts, lengths) + offsets


def neighbours_within(point_xy, centre_xy, radius: float, *, tree: cKDTree | None = None):
    """The map points within ``radius`` metres (closed) of each centre.

    Parameters
    ----------
    point_xy, centre_xy : array_like
        ``(P, 2)`` and ``(C, 2)`` metres.
    radius : float
    tree : scipy.spatial.cKDTree, optional
        A tree already built on ``point_xy``.

    Returns
    -------
    Neighbours
    """
    points, centres = as_xy(point_xy, "point_xy"), as_xy(centre_xy, "centre_xy")
    radius = float(radius)
    if len(points) == 0 or len(centres) == 0:
        empty = np.empty(0, dtype=np.int64)
        return Neighbours(np.zeros(len(centres) + 1, np.int64), empty, np.empty(0), radius)
    tree = tree if tree is not None else cKDTree(points)
    lists = tree.query_ball_point(centres, r=radius * _REACH, return_sorted=False)
    lengths = np.fromiter((len(v) for v in lists), dtype=np.int64, count=len(lists))
    index = (
        np.fromiter((i for v in lists for i in v), dtype=np.int64, count=int(lengths.sum()))
        if lengths.sum()
        else np.empty(0, dtype=np.int64)
    )
    row = np.repeat(np.arange(len(centres)), lengths)
    distance = _distance(points[index], centres[row])
    keep = distance <= radius
    lengths = np.bincount(row[keep], minlength=len(centres))
    indptr = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    return Neighbours(indptr, index[keep], distance[keep], radius)


@dataclass(frozen=True)
class RingCounts:
    """Counts in distance rings around sites.

    Attributes
    ----------
    edges : numpy.ndarray
        Ring upper edges in metres.
    total : numpy.ndarray
        ``(K, ...)`` counts by nearest-site ring: each map point in at most one ring.
    by_site : numpy.ndarray
        ``(S, K, ...)`` each site's own ring counts (a point counts for every
        site it is near).
    points : numpy.ndarray
        ``(K,)`` map points in each ring (nearest-site).
    """

    edges: np.ndarray
    total: np.ndarray
    by_site: np.ndarray
    points: np.ndarray


def ring_counts(point_xy, point_counts, site_xy, edges=(50, 100, 200, 400)) -> RingCounts:
    """Crimes in distance rings around sites, from counts per map point.

    Parameters
    ----------
    point_xy : array_like
        ``(P, 2)`` map points, metres.
    point_counts : array_like
        ``(P,)`` or ``(P, C)`` counts at each map point (by type, month...).
    site_xy : array_like
        ``(S, 2)`` sites, metres.
    edges : sequence of float
        Ring upper edges in metres, increasing.

    Returns
    -------
    RingCounts

    Notes
    -----
    A crime at a map point is in ring ``k`` of the scheme when
    ``edges[k-1] < d <= edges[k]`` for ``d`` its point's distance to the
    nearest site; the first ring includes ``d = 0``. Each site's own counts use
    its own distance. Both equal what ``geopandas.sjoin(crimes, sites,
    predicate="dwithin", distance=edge)`` matches, counted by distinct crime
    (``total``, by difference of consecutive edges) or by site (``by_site``).

    Examples
    --------
    >>> rings = ring_counts([[0, 0], [0, 60], [0, 150]], [5, 2, 1], [[0, 0], [0, 100]],
    ...                     edges=[50, 100])
    >>> rings.total.tolist(), rings.by_site.tolist()
    ([8, 0], [[5, 2], [3, 5]])
    """
    points, sites = as_xy(point_xy, "point_xy"), as_xy(site_xy, "site_xy")
    edges = as_edges(edges, "rings")
    counts = np.asarray(point_counts)
    if counts.dtype == object or not (
        np.issubdtype(counts.dtype, np.number) or counts.dtype == bool
    ):
        raise TypeError(f"point_counts must be numbers, got dtype {counts.dtype}")
    if counts.ndim not in (1, 2) or counts.shape[0] != len(points):
        raise ValueError(
            f"point_counts must have shape ({len(points)},) or ({len(points)}, C), "
            f"got {counts.shape}"
        )
    tail = counts.shape[1:]
    k = len(edges)
    flat = counts.reshape(len(points), int(np.prod(tail)) if tail else 1)
    distance, _ = nearest_site(points, sites, within=float(edges[-1]))
    ring = ring_of(distance, edges)
    inside = ring >= 0
    total = np.zeros((k, flat.shape[1]), dtype=flat.dtype)
    np.add.at(total, ring[inside], flat[inside])
    by_site = np.zeros((len(sites) * k, flat.shape[1]), dtype=flat.dtype)
    near = neighbours_within(points, sites, float(edges[-1]))
    row = np.repeat(np.arange(len(sites)), np.diff(near.indptr))
    np.add.at(by_site, row * k + ring_of(near.distance, edges), flat[near.index])
    return RingCounts(
        edges=edges,
        total=total.reshape((k, *tail)),
        by_site=by_site.reshape((len(sites), k, *tail)),
        points=np.bincount(ring[inside], minlength=k),
    )
