"""Cocoon lists: homes near a recent burglary that a near-repeat table puts at raised risk.

Cocooning (Forrester et al. 1988; Johnson and Bowers 2004) visits the homes
around a burglary while their risk is raised. Here "raised" is read from a
:class:`~citysafe.analysis.nearrepeat.NearRepeat` table: a home at distance
d from a burglary that happened e days (or months) before ``as_of`` is on the
list when the table's band of (d, e) is in its significant window, i.e.
pairs of burglaries that far apart in space and time were significantly more
common than chance (``p_sim <= alpha`` and ratio above 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from citysafe.analysis._checks import as_coordinates, as_positive, as_times
from citysafe.analysis._spacetime import METRICS
from citysafe.analysis.nearrepeat import NearRepeat

__all__ = ["Cocoon", "cocoon_list"]

_SLACK = 1e-9


@dataclass(frozen=True)
class Cocoon:
    """Pairs of (recent burglary, home at raised risk), by burglary then distance.

    Attributes
    ----------
    burglary : numpy.ndarray
        Index of the burglary in the events given.
    home : numpy.ndarray
        Index of the home (or map point) in the homes given.
    distance : numpy.ndarray
        Metres between them (in the table's metric).
    elapsed : numpy.ndarray
        Time from the burglary to ``as_of``, in ``unit``.
    space_band, time_band : numpy.ndarray
        Indices of the table's band that put the home on the list.
    window : numpy.ndarray
        ``[space band][time band]`` bool, the significant window used.
    as_of : int
        The day or month index the list is drawn up for.
    unit, metric : str
        From the table.
    alpha : float
    """

    burglary: np.ndarray
    home: np.ndarray
    distance: np.ndarray
    elapsed: np.ndarray
    space_band: np.ndarray
    time_band: np.ndarray
    window: np.ndarray
    as_of: int
    unit: str
    metric: str
    alpha: float

    def homes_of(self, burglary: int) -> np.ndarray:
        """Indices of the homes listed for one burglary, nearest first."""
        return self.home[self.burglary == burglary]

    @property
    def homes(self) -> np.ndarray:
        """Every home on the list once (a home near two burglaries is visited once)."""
        return np.unique(self.home)


def cocoon_list(
    table: NearRepeat,
    x,
    y,
    times,
    homes_x,
    homes_y,
    *,
    as_of,
    alpha: float = 0.05,
) -> Cocoon:
    """For each recent burglary, the homes inside the significant near-repeat window.

    Parameters
    ----------
    table : NearRepeat
        The near-repeat result whose significant bands define the window.
    x, y, times : array_like
        The burglaries: metres on British National Grid and times in the
        table's unit (integers or datetime64), usually the ones analysed.
    homes_x, homes_y : array_like
        The homes (or police.uk map points) that may be visited.
    as_of : int or numpy.datetime64
        The day (or month) the list is for; burglaries after it are ignored.
    alpha : float
        Significance of a band of the table.

    Returns
    -------
    Cocoon
        Empty when no band is significant or no burglary is recent enough.

    Examples
    --------
    >>> from citysafe.analysis.nearrepeat import near_repeat
    >>> rng = np.random.default_rng(8)
    >>> x, y, days = rng.uniform(0, 5000, 400), rng.uniform(0, 5000, 400), rng.integers(0, 365, 400)
    >>> x = np.concatenate([x, x[:100] + 40.0])  # a repeat 40 m away a few days later
    >>> y = np.concatenate([y, y[:100]])
    >>> days = np.concatenate([days, days[:100] + 3])
    >>> table = near_repeat(x, y, days, space_bands=[100, 200], time_bands=[7, 14],
    ...                     permutations=99, seed=1)
    >>> table.window().tolist()
    [[True, False], [False, False]]
    >>> homes = cocoon_list(table, x, y, days, [x[0] + 60.0], [y[0]], as_of=int(days[0]) + 5)
    >>> homes.burglary.tolist(), homes.elapsed.tolist(), homes.distance.tolist()
    ([0, 400], [5, 2], [60.0, 20.0])
    """
    if not isinstance(table, NearRepeat):
        raise TypeError(f"table must be a NearRepeat result, got {type(table).__name__}")
    x, y = as_coordinates(x, y)
    times, unit = as_times(times, x.size, table.unit)
    homes_x, homes_y = as_coordinates(homes_x, homes_y, names=("homes_x", "homes_y"))
    as_of = int(as_times(np.atleast_1d(as_of), 1, unit)[0][0])
    window = table.window(as_positive(alpha, "alpha"))
    space, time = np.asarray(table.space_bands), np.asarray(table.time_bands)
    elapsed = as_of - times
    time_band = np.searchsorted(time, elapsed, side="left")
    recent = np.flatnonzero((elapsed >= 0) & (time_band < time.size))
    recent = recent[window[:, time_band[recent]].any(axis=0)] if recent.size else recent
    found = _pairs_within(x[recent], y[recent], homes_x, homes_y, space, table.metric)
    b, home, measure = recent[found[0]], found[1], found[2]
    squared = table.metric == "euclidean"
    space_band = np.searchsorted(space * space if squared else space, measure, side="left")
    keep = window[space_band, time_band[b]]
    distance = np.sqrt(measure) if squared else measure
    order = np.lexsort((distance[keep], b[keep]))
    return Cocoon(
        burglary=b[keep][order],
        home=home[keep][order],
        distance=distance[keep][order],
        elapsed=elapsed[b[keep][order]],
        space_band=space_band[keep][order],
        time_band=time_band[b[keep][order]],
        window=window,
        as_of=as_of,
        unit=unit,
        metric=table.metric,
        alpha=float(alpha),
    )


def _pairs_within(bx, by, hx, hy, space: np.ndarray, metric: str):
    """(burglary, home, squared distance or Manhattan distance) for pairs within the last band."""
    if bx.size == 0 or hx.size == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0)
    near = cKDTree(np.column_stack([bx, by])).sparse_distance_matrix(
        cKDTree(np.column_stack([hx, hy])),
        float(space[-1]) * (1 + _SLACK) + _SLACK,
        p=METRICS[metric],
        output_type="ndarray",
    )
    b, h = near["i"].astype(np.intp), near["j"].astype(np.intp)
    dx, dy = bx[b] - hx[h], by[b] - hy[h]
    measure = dx * dx + dy * dy if metric == "euclidean" else np.abs(dx) + np.abs(dy)
    inside = measure <= (space[-1] ** 2 if metric == "euclidean" else space[-1])
    return b[inside], h[inside], measure[inside]
