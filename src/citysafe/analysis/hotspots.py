"""Getis-Ord Gi* hot and cold spots on grid cells, with permutation inference and FDR.

On a regular grid the Gi* numerator is a moving-window sum, so it is computed
as a convolution over the cells that exist (inside the grid and the study
area's mask), exactly as binary weights with a self-weight of 1 would give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage, stats
from scipy.signal import oaconvolve

from citysafe.analysis._checks import as_permutations, as_positive, as_values_grid
from citysafe.analysis._inference import (
    benjamini_hochberg,
    pseudo_p_value,
    random_generator,
    seed_value,
)
from citysafe.analysis.grid import Grid, grid_counts, grid_over

__all__ = [
    "CLASS_LABELS",
    "CONFIDENCE_LEVELS",
    "GiStar",
    "Hotspots",
    "gi_star",
    "hotspot_classes",
    "hotspots",
    "neighbourhood",
]

CONFIDENCE_LEVELS = (0.10, 0.05, 0.01)
CLASS_LABELS = {
    3: "hot spot, 99% confidence",
    2: "hot spot, 95% confidence",
    1: "hot spot, 90% confidence",
    0: "not significant",
    -1: "cold spot, 90% confidence",
    -2: "cold spot, 95% confidence",
    -3: "cold spot, 99% confidence",
}
_FFT_ABOVE = 625  # footprints larger than 25 x 25 cells are convolved by FFT


@dataclass(frozen=True)
class GiStar:
    """Local Getis-Ord Gi* of each grid cell.

    Attributes
    ----------
    values : numpy.ndarray
        ``(nrows, ncols)`` the values analysed (event counts).
    mask : numpy.ndarray
        ``(nrows, ncols)`` bool, the cells in the study area; figures elsewhere are NaN.
    neighbours : numpy.ndarray
        Cells in each cell's window, itself included (9 inside a queen grid, 4 at a corner).
    z : numpy.ndarray
        Analytic Gi* z-score (Ord and Getis 1995): above 0 a cluster of high values.
    p_norm : numpy.ndarray
        Two-sided p-value of ``z`` under the normal approximation.
    p_sim : numpy.ndarray or None
        One-sided pseudo p-value of conditional permutation, in the direction of
        the more extreme tail (as ``esda.G_Local.p_sim``; ties count against
        significance). None when ``permutations`` is 0.
    p_value : numpy.ndarray
        The two-sided p-value the classes use: ``min(1, 2 p_sim)`` for
        ``inference="permutation"``, ``p_norm`` for ``"analytic"``.
    q_value : numpy.ndarray
        ``p_value`` adjusted for the false discovery rate (Benjamini and Hochberg 1995).
    classes : numpy.ndarray
        int8, +3/+2/+1 hot spot at 99/95/90% confidence, -3/-2/-1 cold spot,
        0 not significant (see ``CLASS_LABELS``); from ``q_value`` when ``fdr``
        else from ``p_value``.
    weights, distance, cell
        ``"queen"`` or ``"distance"`` (with ``distance`` metres), and the cell size in metres.
    permutations, seed, inference, fdr
        The settings that produced the figures.
    """

    values: np.ndarray
    mask: np.ndarray
    neighbours: np.ndarray
    z: np.ndarray
    p_norm: np.ndarray
    p_sim: np.ndarray | None
    p_value: np.ndarray
    q_value: np.ndarray
    classes: np.ndarray
    weights: str
    distance: float | None
    cell: float
    permutations: int
    seed: int | None
    inference: str
    fdr: bool


def neighbourhood(weights: str = "queen", *, distance: float | None = None, cell: float = 1.0):
    """The window of a Gi* cell as a boolean footprint of cell offsets, centre included.

    ``"queen"``: the 3 x 3 block. ``"distance"``: every cell whose centre is at
    most ``distance`` metres from the centre cell's (with a relative tolerance
    of 1e-9, so that ``distance = sqrt(2) * cell`` takes the diagonals).

    Examples
    --------
    >>> neighbourhood("distance", distance=200.0, cell=100.0).astype(int)
    array([[0, 0, 1, 0, 0],
           [0, 1, 1, 1, 0],
           [1, 1, 1, 1, 1],
           [0, 1, 1, 1, 0],
           [0, 0, 1, 0, 0]])
    """
    if weights == "queen":
        if distance is not None:
            raise ValueError("distance is only for weights='distance', got weights='queen'")
        return np.ones((3, 3), dtype=bool)
    if weights != "distance":
        raise ValueError(f"weights must be 'queen' or 'distance', got {weights!r}")
    if distance is None:
        raise ValueError("weights='distance' needs distance= in metres")
    distance, cell = as_positive(distance, "distance"), as_positive(cell, "cell")
    if distance < cell:
        raise ValueError(
            f"distance {distance} m is less than the cell size {cell} m: no neighbours"
        )
    reach = int(math.floor(distance / cell * (1 + 1e-9)))
    offsets = np.arange(-reach, reach + 1)
    squared = offsets[:, None] ** 2 + offsets[None, :] ** 2
    return squared * cell**2 <= distance**2 * (1 + 1e-9)


def gi_star(
    values,
    *,
    cell: float = 1.0,
    weights: str = "queen",
    distance: float | None = None,
    mask=None,
    permutations: int = 999,
    seed: int | np.random.Generator | None = None,
    inference: str = "analytic",
    fdr: bool = True,
) -> GiStar:
    """Getis-Ord Gi* hot and cold spots of a grid of values.

    Parameters
    ----------
    values : array_like
        ``(nrows, ncols)`` values per cell, usually event counts.
    cell : float
        Cell size in metres (used by ``weights="distance"``).
    weights : {"queen", "distance"}
        Queen contiguity (the 8 surrounding cells), or a distance band of
        ``distance`` metres between cell centres. Binary, self included (Gi*).
    distance : float, optional
        Metres, for ``weights="distance"``.
    mask : array_like of bool, optional
        Cells of the study area; other cells are neither analysed nor neighbours.
        All cells by default.
    permutations : int
        Conditional permutations for ``p_sim`` (0 for none).
    seed : int, numpy.random.Generator or None
        Seed of the permutations.
    inference : {"analytic", "permutation"}
        Which p-value decides the classes: the normal approximation of ``z``
        (as ArcGIS), or the permutation test. A pseudo p-value cannot fall
        below ``2 / (permutations + 1)``, so with the FDR correction over
        thousands of cells the permutation test needs 9999 permutations or
        more to find anything.
    fdr : bool
        Classify on Benjamini-Hochberg adjusted p-values, as ArcGIS's FDR option does.

    Returns
    -------
    GiStar

    Notes
    -----
    The statistic is Getis and Ord (1992), Gi*; its z-score uses the moments
    of Ord and Getis (1995) for binary weights and equals
    ``esda.G_Local(y, w, transform="B", star=True).Zs``. Conditional
    permutation (Anselin 1995) keeps each cell's own value and draws its
    neighbours' values at random from the other cells; as in esda the draws
    are shared by all cells, which leaves each cell's p-value exact but makes
    the cells' p-values dependent.

    References
    ----------
    Getis, A. and Ord, J. K. (1992). The analysis of spatial association by
    use of distance statistics. Geographical Analysis, 24(3), 189-206.

    Ord, J. K. and Getis, A. (1995). Local spatial autocorrelation statistics:
    distributional issues and an application. Geographical Analysis, 27(4), 286-306.

    Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery
    rate. Journal of the Royal Statistical Society B, 57(1), 289-300.

    Examples
    --------
    >>> counts = np.ones((9, 9))
    >>> counts[3:6, 3:6] = 10
    >>> result = gi_star(counts, permutations=999, seed=1)
    >>> round(float(result.z[4, 4]), 2), float(result.p_sim[4, 4]), int(result.classes[4, 4])
    (8.94, 0.001, 3)
    >>> permuted = gi_star(counts, permutations=999, seed=1, inference="permutation")
    >>> round(float(permuted.q_value[4, 4]), 4), int(permuted.classes[4, 4])
    (0.0324, 2)
    """
    values = as_values_grid(values)
    mask = _as_mask(mask, values.shape)
    cell = as_positive(cell, "cell")
    permutations = as_permutations(permutations)
    if inference not in ("permutation", "analytic"):
        raise ValueError(f"inference must be 'permutation' or 'analytic', got {inference!r}")
    if inference == "permutation" and permutations == 0:
        raise ValueError("inference='permutation' needs permutations > 0")
    footprint = neighbourhood(weights, distance=distance, cell=cell)
    z, sums, neighbours = gi_star_z(values, mask, footprint)
    p_norm = np.where(mask, 2.0 * stats.norm.sf(np.abs(z)), np.nan)
    p_sim = None
    if permutations:
        p_sim = np.full(values.shape, np.nan)
        p_sim[mask] = _conditional_p(
            values[mask], (sums - values)[mask], neighbours[mask] - 1, permutations, seed
        )
    p_value = np.minimum(1.0, 2.0 * p_sim) if inference == "permutation" else p_norm
    q_value = benjamini_hochberg(p_value)
    return GiStar(
        values=values,
        mask=mask,
        neighbours=neighbours,
        z=z,
        p_norm=p_norm,
        p_sim=p_sim,
        p_value=p_value,
        q_value=q_value,
        classes=hotspot_classes(z, q_value if fdr else p_value),
        weights=weights,
        distance=None if distance is None else float(distance),
        cell=float(cell),
        permutations=permutations,
        seed=seed_value(seed),
        inference=inference,
        fdr=bool(fdr),
    )


def hotspot_classes(z, p, levels: tuple[float, ...] = CONFIDENCE_LEVELS) -> np.ndarray:
    """Hot (+) and cold (-) classes 1, 2, 3 where ``p`` is at most 0.10, 0.05, 0.01.

    Examples
    --------
    >>> hotspot_classes(np.array([2.7, -2.0, 1.7, 0.5]), np.array([0.007, 0.04, 0.09, 0.6]))
    array([ 3, -2,  1,  0], dtype=int8)
    """
    z, p = np.asarray(z, dtype=float), np.asarray(p, dtype=float)
    if z.shape != p.shape:
        raise ValueError(f"z and p must have the same shape, got {z.shape} and {p.shape}")
    level = np.zeros(z.shape, dtype=np.int8)
    for alpha in levels:
        level += np.nan_to_num(p, nan=1.0) <= alpha
    return (level * np.sign(np.nan_to_num(z))).astype(np.int8)


def gi_star_z(values: np.ndarray, mask: np.ndarray, footprint: np.ndarray):
    """Analytic Gi* z, window sums and window sizes, for 2-D grids or 3-D space-time cubes.

    ``footprint`` has the dimensions of ``values`` and is centred on the focal cell.
    """
    inside = values * mask
    sums = _window_sum(inside, footprint, exact=_whole(inside))
    neighbours = np.rint(_window_sum(mask.astype(float), footprint, exact=True)).astype(np.int64)
    n = int(mask.sum())
    z = np.full(values.shape, np.nan)
    if n == 0:
        return z, sums, np.where(mask, neighbours, 0)
    mean = inside.sum() / n
    sd = math.sqrt(max((inside**2).sum() / n - mean**2, 0.0))
    k = neighbours.astype(float)
    scale = sd * np.sqrt(k * (n - k) / max(n - 1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = (sums - k * mean) / scale
    # constant values, or a window that is the whole area: nothing stands out
    z[mask] = np.where(scale[mask] > 0, raw[mask], 0.0)
    return z, sums, np.where(mask, neighbours, 0)


def _whole(values: np.ndarray) -> bool:
    return bool(np.all(values == np.round(values)))


def _window_sum(values: np.ndarray, footprint: np.ndarray, *, exact: bool) -> np.ndarray:
    if footprint.size <= _FFT_ABOVE:
        return ndimage.correlate(values, footprint.astype(float), mode="constant", cval=0.0)
    summed = oaconvolve(values, footprint[(slice(None, None, -1),) * footprint.ndim], mode="same")
    return np.rint(summed) if exact else summed


def _as_mask(mask, shape) -> np.ndarray:
    if mask is None:
        return np.ones(shape, dtype=bool)
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"mask must be an array of bool, got dtype {mask.dtype}")
    if mask.shape != shape:
        raise ValueError(f"mask must have the shape of the values {shape}, got {mask.shape}")
    return mask


def _conditional_p(values, lag, others, permutations: int, seed) -> np.ndarray:
    """Folded pseudo p-value of each cell's neighbour sum ``lag`` under conditional permutation.

    One set of draws serves every cell (as in esda): row r holds ``K + 1``
    distinct cells. Cell i with k others takes the first k cells of row r, or
    the first k + 1 without itself when it is among them; so for most cells
    the simulated sum is the row's prefix sum ``P[r, k]``, counted for all
    cells at once by sorting, and the few rows that drew the cell itself are
    corrected afterwards.
    """
    n = values.size
    if n == 0:
        return np.empty(0)
    rng = random_generator(seed)
    width = int(others.max()) + 1
    draws = np.stack([rng.choice(n, size=width, replace=False) for _ in range(permutations)])
    prefix = np.zeros((permutations, width + 1))
    np.cumsum(values[draws], axis=1, out=prefix[:, 1:])
    above, below = _prefix_tallies(prefix, lag, others)
    _correct_self_draws(draws, prefix, values, lag, others, above, below)
    return pseudo_p_value(np.minimum(above, below), permutations)


def _prefix_tallies(prefix, lag, others):
    above = np.zeros(lag.size, dtype=np.int64)
    below = np.zeros(lag.size, dtype=np.int64)
    permutations = prefix.shape[0]
    for k in np.unique(others):
        cells = np.flatnonzero(others == k)
        simulated = np.sort(prefix[:, k])
        above[cells] = permutations - np.searchsorted(simulated, lag[cells], side="left")
        below[cells] = np.searchsorted(simulated, lag[cells], side="right")
    return above, below


def _correct_self_draws(draws, prefix, values, lag, others, above, below) -> None:
    rows, cols = np.nonzero(np.arange(draws.shape[1])[None, :] < others[draws])
    cells = draws[rows, cols]
    k = others[cells]
    assumed = prefix[rows, k]
    actual = prefix[rows, k + 1] - values[cells]
    target = lag[cells]
    n = values.size
    above += np.bincount(
        cells, (actual >= target).astype(float) - (assumed >= target), minlength=n
    ).astype(np.int64)
    below += np.bincount(
        cells, (actual <= target).astype(float) - (assumed <= target), minlength=n
    ).astype(np.int64)


@dataclass(frozen=True)
class Hotspots:
    """Events counted on a grid and their Gi* hot and cold spots.

    Attributes
    ----------
    grid : Grid
    counts : numpy.ndarray
        ``(nrows, ncols)`` events per cell.
    outside : int
        Events off the grid (outside ``bounds``).
    gi : GiStar
    """

    grid: Grid
    counts: np.ndarray
    outside: int
    gi: GiStar

    def to_dict(self) -> dict:
        """Plain data for JSON: the settings, and one record per cell of the study area."""
        gi = self.gi
        xc, yc = self.grid.centres()
        rows, cols = np.nonzero(gi.mask)
        p_sim = gi.p_sim if gi.p_sim is not None else np.full(gi.z.shape, np.nan)
        cells = [
            {
                "row": int(r),
                "col": int(c),
                "x": float(xc[c]),
                "y": float(yc[r]),
                "count": _number(self.counts[r, c]),
                "z": _number(gi.z[r, c]),
                "p_sim": _number(p_sim[r, c]),
                "p_value": _number(gi.p_value[r, c]),
                "q_value": _number(gi.q_value[r, c]),
                "class": int(gi.classes[r, c]),
                "label": CLASS_LABELS[int(gi.classes[r, c])],
            }
            for r, c in zip(rows, cols, strict=True)
        ]
        settings = {
            "weights": gi.weights,
            "distance": gi.distance,
            "permutations": gi.permutations,
            "seed": gi.seed,
            "inference": gi.inference,
            "fdr": gi.fdr,
        }
        return {"grid": self.grid.to_dict(), **settings, "outside": self.outside, "cells": cells}


def _number(value) -> float | int | None:
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def hotspots(
    x,
    y,
    *,
    cell: float,
    bounds: tuple[float, float, float, float] | None = None,
    mask=None,
    weights: str = "queen",
    distance: float | None = None,
    permutations: int = 999,
    seed: int | np.random.Generator | None = None,
    inference: str = "analytic",
    fdr: bool = True,
) -> Hotspots:
    """Count events on a grid of ``cell``-metre squares and find Gi* hot and cold spots.

    The grid covers ``bounds`` or, by default, the data's extent (see
    :func:`~citysafe.analysis.grid.grid_over`); the other parameters are those
    of :func:`gi_star`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.concatenate([rng.uniform(0, 2000, 300), rng.normal(1000, 60, 60)])
    >>> y = np.concatenate([rng.uniform(0, 2000, 300), rng.normal(1000, 60, 60)])
    >>> found = hotspots(x, y, cell=200.0, bounds=(0, 0, 2000, 2000), seed=2)
    >>> found.counts.shape, int(found.counts[5, 5]), int(found.gi.classes[5, 5])
    ((10, 10), 18, 3)
    """
    grid = grid_over(x, y, cell=cell, bounds=bounds)
    counted = grid_counts(x, y, grid)
    gi = gi_star(
        counted.counts,
        cell=cell,
        weights=weights,
        distance=distance,
        mask=mask,
        permutations=permutations,
        seed=seed,
        inference=inference,
        fdr=fdr,
    )
    return Hotspots(grid=grid, counts=counted.counts, outside=counted.outside, gi=gi)
