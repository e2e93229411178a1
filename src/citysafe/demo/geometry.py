"""Nearest-point and within-distance queries on British National Grid metres.

A bucket grid in plain numpy: the demo city needs only "which map point is
nearest" and "how far is the nearest of these", for up to a few hundred
thousand points, so it does without a spatial-index dependency.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PointIndex", "nearest", "nearest_distance"]


class _Buckets:
    """Points sorted into square cells, with each cell's slice of the order."""

    def __init__(self, x: np.ndarray, y: np.ndarray, cell: float):
        self.cell = float(cell)
        self.x0, self.y0 = float(x.min()) - cell, float(y.min()) - cell
        self.nx = int((x.max() - self.x0) // cell) + 3
        self.ny = int((y.max() - self.y0) // cell) + 3
        key = self._key(x, y)
        self.order = np.argsort(key, kind="stable")
        sorted_key = key[self.order]
        cells = np.arange(self.nx * self.ny + 1)
        self.start = np.searchsorted(sorted_key, cells[:-1], side="left")
        self.stop = np.searchsorted(sorted_key, cells[:-1], side="right")
        self.x, self.y = x[self.order], y[self.order]
        self.widest = int((self.stop - self.start).max(initial=0))

    def _key(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        i = np.clip(((x - self.x0) // self.cell).astype(np.int64), 0, self.nx - 1)
        j = np.clip(((y - self.y0) // self.cell).astype(np.int64), 0, self.ny - 1)
        return j * self.nx + i

    def candidates(self, qx: np.ndarray, qy: np.ndarray) -> np.ndarray:
        """Sorted-order indices of the points in each query's 3 x 3 cells, -1 padded."""
        qi = np.clip(((qx - self.x0) // self.cell).astype(np.int64), 1, self.nx - 2)
        qj = np.clip(((qy - self.y0) // self.cell).astype(np.int64), 1, self.ny - 2)
        offsets = np.arange(self.widest)
        blocks = []
        for dj in (-1, 0, 1):
            for di in (-1, 0, 1):
                key = (qj + dj) * self.nx + (qi + di)
                start, stop = self.start[key], self.stop[key]
                index = start[:, None] + offsets[None, :]
                blocks.append(np.where(index < stop[:, None], index, -1))
        return np.concatenate(blocks, axis=1)


def _nearest(
    px: np.ndarray, py: np.ndarray, qx: np.ndarray, qy: np.ndarray, cell: float, chunk: int
) -> tuple[np.ndarray, np.ndarray]:
    buckets = _Buckets(px, py, cell)
    found = np.full(len(qx), -1, np.int64)
    distance = np.full(len(qx), np.inf)
    for lo in range(0, len(qx), chunk):
        hi = min(lo + chunk, len(qx))
        cand = buckets.candidates(qx[lo:hi], qy[lo:hi])
        safe = np.maximum(cand, 0)
        d = np.hypot(buckets.x[safe] - qx[lo:hi, None], buckets.y[safe] - qy[lo:hi, None])
        d[cand < 0] = np.inf
        best = np.argmin(d, axis=1) if d.shape[1] else np.zeros(hi - lo, np.int64)
        rows = np.arange(hi - lo)
        if d.shape[1]:
            distance[lo:hi] = d[rows, best]
            found[lo:hi] = np.where(
                np.isfinite(distance[lo:hi]), buckets.order[safe[rows, best]], -1
            )
    # a query farther than one cell from every point may have missed a nearer one
    unsure = np.flatnonzero(~(distance <= cell))
    for q in unsure:
        d = np.hypot(px - qx[q], py - qy[q])
        found[q] = int(np.argmin(d))
        distance[q] = float(d[found[q]])
    return found, distance


def nearest(
    px: np.ndarray, py: np.ndarray, qx: np.ndarray, qy: np.ndarray, *, cell: float = 200.0
) -> tuple[np.ndarray, np.ndarray]:
    """Index of, and distance to, the nearest of points ``(px, py)`` for each query.

    Parameters
    ----------
    px, py : numpy.ndarray
        Points to search, in metres.
    qx, qy : numpy.ndarray
        Query locations, in metres.
    cell : float
        Bucket size in metres; exact for any query, fastest when most queries
        have a point within ``cell``.

    Returns
    -------
    index : numpy.ndarray of int64
    distance : numpy.ndarray of float64
    """
    px, py = np.asarray(px, float), np.asarray(py, float)
    qx, qy = np.asarray(qx, float), np.asarray(qy, float)
    if px.shape != py.shape or qx.shape != qy.shape:
        raise ValueError("x and y arrays must have the same shape")
    if len(px) == 0:
        raise ValueError("no points to search")
    if len(qx) == 0:
        return np.zeros(0, np.int64), np.zeros(0)
    return _nearest(px, py, qx, qy, cell, chunk=20_000)


def nearest_distance(
    px: np.ndarray, py: np.ndarray, qx: np.ndarray, qy: np.ndarray, *, within: float
) -> np.ndarray:
    """Distance from each query to the nearest point, or ``inf`` beyond ``within`` metres."""
    px, py = np.asarray(px, float), np.asarray(py, float)
    qx, qy = np.asarray(qx, float), np.asarray(qy, float)
    out = np.full(len(qx), np.inf)
    if len(px) == 0 or len(qx) == 0:
        return out
    buckets = _Buckets(px, py, within)
    for lo in range(0, len(qx), 20_000):
        hi = min(lo + 20_000, len(qx))
        cand = buckets.candidates(qx[lo:hi], qy[lo:hi])
        if cand.shape[1] == 0:
            continue
        safe = np.maximum(cand, 0)
        d = np.hypot(buckets.x[safe] - qx[lo:hi, None], buckets.y[safe] - qy[lo:hi, None])
        d[cand < 0] = np.inf
        best = d.min(axis=1)
        out[lo:hi] = np.where(best <= within, best, np.inf)
    return out


class PointIndex:
    """A fixed set of points, asked repeatedly which of them lie near some queries.

    Parameters
    ----------
    x, y : numpy.ndarray
        The points, in metres.
    radius : float
        The distance every later query uses, in metres.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, radius: float):
        self.radius = float(radius)
        self.count = len(x)
        self._buckets = _Buckets(np.asarray(x, float), np.asarray(y, float), self.radius)

    def near_any(self, qx: np.ndarray, qy: np.ndarray, chunk: int = 2_000) -> np.ndarray:
        """Mask of the points within ``radius`` of at least one query location."""
        qx, qy = np.asarray(qx, float), np.asarray(qy, float)
        hit = np.zeros(self.count, bool)
        b = self._buckets
        for lo in range(0, len(qx), chunk):
            cand = b.candidates(qx[lo : lo + chunk], qy[lo : lo + chunk])
            safe = np.maximum(cand, 0)
            d = np.hypot(
                b.x[safe] - qx[lo : lo + chunk, None], b.y[safe] - qy[lo : lo + chunk, None]
            )
            close = (cand >= 0) & (d <= self.radius)
            hit[b.order[safe[close]]] = True
        return hit
