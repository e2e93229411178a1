"""Square grids on British National Grid and counts of events in their cells.

A :class:`Grid` is the shared frame of the hotspot kernels: grid counts,
kernel density, Gi* and emerging hotspots all return arrays indexed
``[row, col]``, row 0 being the southernmost row and column 0 the westernmost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from citysafe.analysis._checks import as_coordinates, as_positive

__all__ = ["Grid", "GridCounts", "grid_counts", "grid_over"]


@dataclass(frozen=True)
class Grid:
    """A grid of square cells.

    Cell ``(row, col)`` covers ``x0 + col * cell <= x < x0 + (col + 1) * cell``
    and ``y0 + row * cell <= y < y0 + (row + 1) * cell``; the grid's far
    (east and north) edges are closed, so a point exactly on them falls in the
    last column or row.

    Attributes
    ----------
    x0, y0 : float
        South-west corner, metres (BNG easting, northing).
    cell : float
        Side of a cell, metres.
    nrows, ncols : int
        Number of rows (south to north) and columns (west to east).
    """

    x0: float
    y0: float
    cell: float
    nrows: int
    ncols: int

    @property
    def shape(self) -> tuple[int, int]:
        return (self.nrows, self.ncols)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of the whole grid."""
        return (
            self.x0,
            self.y0,
            self.x0 + self.ncols * self.cell,
            self.y0 + self.nrows * self.cell,
        )

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Cell-centre eastings (one per column) and northings (one per row)."""
        half = 0.5 * self.cell
        return (
            self.x0 + half + self.cell * np.arange(self.ncols),
            self.y0 + half + self.cell * np.arange(self.nrows),
        )

    def locate(self, x, y) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row and column of each point, and whether it lies on the grid at all.

        Examples
        --------
        >>> grid = Grid(x0=0.0, y0=0.0, cell=100.0, nrows=2, ncols=3)
        >>> row, col, inside = grid.locate([50.0, 300.0, 301.0], [150.0, 200.0, 0.0])
        >>> row.tolist(), col.tolist(), inside.tolist()
        ([1, 1, 0], [0, 2, 3], [True, True, False])
        """
        x, y = as_coordinates(x, y)
        col = np.floor((x - self.x0) / self.cell).astype(np.int64)
        row = np.floor((y - self.y0) / self.cell).astype(np.int64)
        # closed far edges: a point exactly on the east or north boundary is in the last cell
        col[(col == self.ncols) & (x == self.x0 + self.ncols * self.cell)] = self.ncols - 1
        row[(row == self.nrows) & (y == self.y0 + self.nrows * self.cell)] = self.nrows - 1
        inside = (col >= 0) & (col < self.ncols) & (row >= 0) & (row < self.nrows)
        return row, col, inside

    def to_dict(self) -> dict:
        return {
            "x0": self.x0,
            "y0": self.y0,
            "cell": self.cell,
            "nrows": self.nrows,
            "ncols": self.ncols,
        }


def grid_over(
    x, y, *, cell: float, bounds: tuple[float, float, float, float] | None = None
) -> Grid:
    """A grid of ``cell``-metre squares over an area or over the data's extent.

    Parameters
    ----------
    x, y : array_like
        Event coordinates, metres on British National Grid.
    cell : float
        Side of a cell, metres.
    bounds : tuple of float, optional
        ``(xmin, ymin, xmax, ymax)`` of the study area. The grid starts at
        ``(xmin, ymin)`` and has as many cells as needed to reach ``xmax`` and
        ``ymax``. Without it the grid covers the data's extent, its corner
        snapped to a multiple of ``cell`` so that grids of the same cell size
        line up whatever the data.

    Returns
    -------
    Grid
        An empty grid (no rows, no columns) when there are no points and no bounds.

    Examples
    --------
    >>> grid_over([120.0, 480.0], [10.0, 260.0], cell=100.0)
    Grid(x0=100.0, y0=0.0, cell=100.0, nrows=3, ncols=4)
    >>> grid_over([], [], cell=250.0, bounds=(0.0, 0.0, 1000.0, 600.0)).shape
    (3, 4)
    """
    x, y = as_coordinates(x, y)
    cell = as_positive(cell, "cell")
    if bounds is not None:
        return _grid_over_bounds(bounds, cell)
    if x.size == 0:
        return Grid(x0=0.0, y0=0.0, cell=cell, nrows=0, ncols=0)
    first_col, last_col = math.floor(x.min() / cell), math.floor(x.max() / cell)
    first_row, last_row = math.floor(y.min() / cell), math.floor(y.max() / cell)
    return Grid(
        x0=first_col * cell,
        y0=first_row * cell,
        cell=cell,
        nrows=last_row - first_row + 1,
        ncols=last_col - first_col + 1,
    )


def _grid_over_bounds(bounds, cell: float) -> Grid:
    if len(bounds) != 4:
        raise ValueError(f"bounds must be (xmin, ymin, xmax, ymax), got {bounds!r}")
    xmin, ymin, xmax, ymax = (float(b) for b in bounds)
    if not all(np.isfinite([xmin, ymin, xmax, ymax])) or xmax <= xmin or ymax <= ymin:
        raise ValueError(f"bounds must be finite with xmin < xmax and ymin < ymax, got {bounds!r}")
    return Grid(
        x0=xmin,
        y0=ymin,
        cell=cell,
        nrows=max(1, math.ceil((ymax - ymin) / cell)),
        ncols=max(1, math.ceil((xmax - xmin) / cell)),
    )


@dataclass(frozen=True)
class GridCounts:
    """Events counted in the cells of a grid.

    Attributes
    ----------
    grid : Grid
    counts : numpy.ndarray
        ``(nrows, ncols)`` integer counts (sums of weights when weights were given).
    outside : int
        Number of events that fell outside the grid.
    """

    grid: Grid
    counts: np.ndarray
    outside: int


def grid_counts(x, y, grid: Grid, *, weights=None) -> GridCounts:
    """Count events in each cell of ``grid``.

    Examples
    --------
    >>> grid = Grid(x0=0.0, y0=0.0, cell=100.0, nrows=1, ncols=2)
    >>> result = grid_counts([10.0, 20.0, 150.0, 900.0], [5.0, 5.0, 5.0, 5.0], grid)
    >>> result.counts.tolist(), result.outside
    ([[2, 1]], 1)
    """
    if not isinstance(grid, Grid):
        raise TypeError(f"grid must be a Grid, got {type(grid).__name__}")
    row, col, inside = grid.locate(x, y)
    if weights is not None:
        weights, _ = as_coordinates(weights, row, names=("weights", "x"))
        weights = weights[inside]
    flat = row[inside] * grid.ncols + col[inside]
    counts = np.bincount(flat, weights=weights, minlength=grid.nrows * grid.ncols)
    return GridCounts(
        grid=grid, counts=counts.reshape(grid.shape), outside=int(inside.size - inside.sum())
    )
