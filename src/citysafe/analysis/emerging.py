"""Emerging hot spots: Gi* over a space-time cube of monthly counts, Mann-Kendall trends, patterns.

The method follows ArcGIS's Emerging Hot Spot Analysis. Events are counted
in grid cells by month (the cube). Each bin gets a Gi* z-score over its
space-time neighbourhood (its cell's spatial window in that month and the
``time_steps`` months before), against the mean and variance of all bins of
the cube; bins are hot or cold where the two-sided p-value, FDR-corrected
over all bins by default, is at most ``alpha``. Each cell's series of z-scores
is tested for a monotonic trend (Mann-Kendall), and the cell is given a pattern.

Patterns (with T months; "hot" = a significant hot bin; cold patterns mirror them):

========================  ===========================================================
new hot spot              hot in the final month and never before
consecutive hot spot      hot in an unbroken run of at least 2 final months, never hot
                          before the run, and hot in under 90% of months
intensifying hot spot     hot in the final month and in at least 90% of months, with
                          a significant upward trend in z
diminishing hot spot      the same with a significant downward trend
persistent hot spot       the same with no significant trend
oscillating hot spot      hot in the final month, hot in under 90% of months, and a
                          cold spot in some earlier month
sporadic hot spot         hot in the final month, on and off before, hot in under 90% of
                          months and never cold
historical hot spot       not hot in the final month but hot in at least 90% of months
no pattern                none of the above
========================  ===========================================================

The rules are checked in the order of this table; ArcGIS's documentation
leaves a few overlaps open (a new hot spot that was once cold is "new" here).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from citysafe.analysis._checks import as_coordinates, as_positive, as_times
from citysafe.analysis._inference import benjamini_hochberg
from citysafe.analysis.grid import Grid, grid_over
from citysafe.analysis.hotspots import gi_star_z, neighbourhood

__all__ = ["PATTERNS", "EmergingHotspots", "MannKendall", "emerging_hotspots", "mann_kendall"]

_HOT_PATTERNS = (
    "new",
    "consecutive",
    "intensifying",
    "persistent",
    "diminishing",
    "sporadic",
    "oscillating",
    "historical",
)
#: pattern code -> name: 1..8 hot spots, -1..-8 the cold spots of the same kind, 0 no pattern
PATTERNS = {
    0: "no pattern",
    **{i + 1: f"{name} hot spot" for i, name in enumerate(_HOT_PATTERNS)},
    **{-(i + 1): f"{name} cold spot" for i, name in enumerate(_HOT_PATTERNS)},
}
_CODE = {name: i + 1 for i, name in enumerate(_HOT_PATTERNS)}


@dataclass(frozen=True)
class MannKendall:
    """Mann-Kendall trend test of series along their last axis.

    Attributes
    ----------
    s : numpy.ndarray
        S, the sum over pairs of later minus earlier signs.
    variance : numpy.ndarray
        Var(S) under no trend, corrected for ties.
    z : numpy.ndarray
        ``(S - sign(S)) / sqrt(Var(S))`` (with continuity correction); 0 when Var(S) is 0.
    p_value : numpy.ndarray
        Two-sided p-value of ``z``.
    n : int
        Length of the series.
    """

    s: np.ndarray
    variance: np.ndarray
    z: np.ndarray
    p_value: np.ndarray
    n: int


def mann_kendall(series) -> MannKendall:
    """Mann-Kendall test for a monotonic trend, for many series at once (along the last axis).

    Notes
    -----
    With the tie correction of the variance, and the usual continuity correction.

    References
    ----------
    Mann, H. B. (1945). Nonparametric tests against trend. Econometrica, 13(3), 245-259.

    Kendall, M. G. (1975). Rank Correlation Methods, 4th edition. Charles Griffin, London.

    Examples
    --------
    >>> test = mann_kendall([1.0, 2.0, 2.0, 4.0, 5.0, 7.0])
    >>> float(test.s), round(float(test.variance), 2), round(float(test.p_value), 3)
    (14.0, 27.33, 0.013)
    """
    values = np.asarray(series, dtype=float)
    if values.ndim == 0 or not np.isfinite(values).all():
        raise ValueError("series must be finite and at least one-dimensional")
    n = values.shape[-1]
    s = np.zeros(values.shape[:-1])
    ties = np.ones(values.shape)  # how many values equal each value, itself included
    for lag in range(1, n):
        later, earlier = values[..., lag:], values[..., :-lag]
        s += np.sign(later - earlier).sum(axis=-1)
        equal = later == earlier
        ties[..., lag:] += equal
        ties[..., :-lag] += equal
    variance = (n * (n - 1) * (2 * n + 5) - ((ties - 1) * (2 * ties + 5)).sum(axis=-1)) / 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(variance > 0, (s - np.sign(s)) / np.sqrt(variance), 0.0)
    return MannKendall(s=s, variance=variance, z=z, p_value=2.0 * stats.norm.sf(np.abs(z)), n=n)


@dataclass(frozen=True)
class EmergingHotspots:
    """Emerging hot spot patterns of grid cells over months.

    Attributes
    ----------
    grid : Grid
    first : int
        Month index of the first time step (months since January 1970 when the
        times were ``datetime64[M]``).
    counts : numpy.ndarray
        ``(months, nrows, ncols)`` events per bin.
    mask : numpy.ndarray
        ``(nrows, ncols)`` cells analysed; figures elsewhere are NaN and patterns 0.
    z, p_value, q_value : numpy.ndarray
        Per bin: space-time Gi* z-score, its two-sided p-value and the
        Benjamini-Hochberg adjusted p-value.
    hot, cold : numpy.ndarray
        Per bin, bool: significant hot or cold spot.
    trend : MannKendall
        Per cell: trend of its Gi* z-scores (decides intensifying and diminishing).
    count_trend : MannKendall
        Per cell: trend of its monthly counts.
    patterns : numpy.ndarray
        ``(nrows, ncols)`` int8 pattern codes, named in ``PATTERNS``.
    weights, distance, time_steps, alpha, trend_alpha, fdr
        The settings that produced the figures.
    """

    grid: Grid
    first: int
    counts: np.ndarray
    mask: np.ndarray
    z: np.ndarray
    p_value: np.ndarray
    q_value: np.ndarray
    hot: np.ndarray
    cold: np.ndarray
    trend: MannKendall
    count_trend: MannKendall
    patterns: np.ndarray
    weights: str
    distance: float | None
    time_steps: int
    alpha: float
    trend_alpha: float
    fdr: bool

    def pattern_names(self) -> np.ndarray:
        """``(nrows, ncols)`` pattern names."""
        return np.vectorize(PATTERNS.__getitem__, otypes=[object])(self.patterns)


def emerging_hotspots(
    x,
    y,
    months,
    *,
    cell: float,
    bounds: tuple[float, float, float, float] | None = None,
    mask=None,
    weights: str = "queen",
    distance: float | None = None,
    time_steps: int = 1,
    alpha: float = 0.05,
    trend_alpha: float = 0.05,
    fdr: bool = True,
    first: int | None = None,
    last: int | None = None,
) -> EmergingHotspots:
    """Classify grid cells as new, intensifying, persistent, diminishing, sporadic... hot spots.

    Parameters
    ----------
    x, y : array_like
        Event coordinates, metres on British National Grid.
    months : array_like
        Month index of each event (integers, or ``datetime64[M]``).
    cell, bounds
        The grid (see :func:`~citysafe.analysis.grid.grid_over`).
    mask : array_like of bool, optional
        ``(nrows, ncols)`` cells to analyse; by default the cells with at least
        one event in some month (as ArcGIS without an analysis mask).
    weights, distance
        Spatial window: ``"queen"`` or a ``"distance"`` band in metres.
    time_steps : int
        Months before the bin's own included in its neighbourhood (ArcGIS's
        neighbourhood time step; 0 for the month alone).
    alpha : float
        Significance of a bin (two-sided).
    trend_alpha : float
        Significance of a Mann-Kendall trend.
    fdr : bool
        Judge bins on FDR-adjusted p-values (as ArcGIS).
    first, last : int, optional
        Month indices of the first and last time steps; the data's by default.
        Events outside are left out.

    Returns
    -------
    EmergingHotspots

    Notes
    -----
    Getis and Ord (1992) and Ord and Getis (1995) for Gi*; Mann (1945) and
    Kendall (1975) for the trend; Benjamini and Hochberg (1995) for the FDR;
    Esri's "How Emerging Hot Spot Analysis works" for the patterns. ArcGIS
    asks for at least 10 time steps for a trend to mean much. The first
    ``time_steps`` months have fewer neighbours in time, so for the same local
    mean their z-scores are smaller (ArcGIS's neighbourhoods stop at the cube's
    edge too). A month missing from the data (police.uk files sometimes are)
    counts as a month of zeros: leave it out with ``first``/``last`` or fill it.

    Examples
    --------
    >>> rng = np.random.default_rng(4)
    >>> x, y = rng.uniform(0, 1000, 2400), rng.uniform(0, 1000, 2400)
    >>> months = rng.integers(0, 12, 2400)
    >>> new = rng.integers(9, 12, 150)  # a cluster that appears in the last three months
    >>> x = np.concatenate([x, rng.uniform(400, 500, 150)])
    >>> y = np.concatenate([y, rng.uniform(400, 500, 150)])
    >>> months = np.concatenate([months, new])
    >>> found = emerging_hotspots(x, y, months, cell=100.0, bounds=(0, 0, 1000, 1000))
    >>> found.pattern_names()[4, 4]
    'consecutive hot spot'
    """
    x, y = as_coordinates(x, y)
    months, _ = as_times(months, x.size, "months")
    grid = grid_over(x, y, cell=cell, bounds=bounds)
    counts, first = _cube(x, y, months, grid, first, last)
    mask = _cells(mask, counts)
    steps = _time_steps(time_steps)
    alpha, trend_alpha = as_positive(alpha, "alpha"), as_positive(trend_alpha, "trend_alpha")
    spatial = neighbourhood(weights, distance=distance, cell=cell)
    footprint = np.zeros((2 * steps + 1, *spatial.shape), dtype=bool)
    footprint[: steps + 1] = spatial  # this month and the steps before it, never after
    bins = np.broadcast_to(mask, counts.shape)
    z, _, _ = gi_star_z(counts.astype(float), bins, footprint)
    p_value = np.where(bins, 2.0 * stats.norm.sf(np.abs(z)), np.nan)
    q_value = benjamini_hochberg(p_value)
    significant = np.nan_to_num(q_value if fdr else p_value, nan=1.0) <= alpha
    hot, cold = significant & (z > 0), significant & (z < 0)
    trend = _masked_trend(z, mask)
    return EmergingHotspots(
        grid=grid,
        first=first,
        counts=counts,
        mask=mask,
        z=z,
        p_value=p_value,
        q_value=q_value,
        hot=hot,
        cold=cold,
        trend=trend,
        count_trend=_masked_trend(counts.astype(float), mask),
        patterns=np.where(mask, classify_patterns(hot, cold, trend, trend_alpha), 0).astype(
            np.int8
        ),
        weights=weights,
        distance=None if distance is None else float(distance),
        time_steps=steps,
        alpha=alpha,
        trend_alpha=trend_alpha,
        fdr=bool(fdr),
    )


def classify_patterns(hot, cold, trend: MannKendall, trend_alpha: float) -> np.ndarray:
    """Pattern codes from ``(T, ...)`` hot and cold flags and the trend of z (module notes)."""
    rising = (trend.p_value <= trend_alpha) & (trend.z > 0)
    falling = (trend.p_value <= trend_alpha) & (trend.z < 0)
    hot_code = _one_side(hot, cold, rising, falling)
    cold_code = _one_side(cold, hot, falling, rising)
    return np.where(hot_code != 0, hot_code, -cold_code).astype(np.int8)


def _one_side(spot, opposite, towards, away) -> np.ndarray:
    """Pattern codes of one kind of spot (hot, or cold with the roles swapped)."""
    months = spot.shape[0]
    if months == 0:
        return np.zeros(spot.shape[1:], dtype=np.int8)
    count = spot.sum(axis=0)
    mostly = count >= 0.9 * months
    run = np.cumprod(spot[::-1], axis=0).sum(axis=0)  # final unbroken run
    last = spot[-1]
    rules = [
        (last & (count == 1), "new"),
        (last & (run >= 2) & (run == count) & ~mostly, "consecutive"),
        (last & mostly & towards, "intensifying"),
        (last & mostly & away, "diminishing"),
        (last & mostly, "persistent"),
        (last & ~mostly & opposite[:-1].any(axis=0), "oscillating"),
        (last & ~mostly, "sporadic"),
        (~last & mostly, "historical"),
    ]
    return np.select([rule for rule, _ in rules], [_CODE[name] for _, name in rules], 0)


def _cube(x, y, months, grid: Grid, first, last) -> tuple[np.ndarray, int]:
    if months.size == 0 and (first is None or last is None):
        return np.zeros((0, *grid.shape), dtype=np.int64), int(first or 0)
    first = int(months.min()) if first is None else int(first)
    last = int(months.max()) if last is None else int(last)
    if last < first:
        raise ValueError(f"last month {last} is before first month {first}")
    row, col, inside = grid.locate(x, y)
    keep = inside & (months >= first) & (months <= last)
    flat = ((months[keep] - first) * grid.nrows + row[keep]) * grid.ncols + col[keep]
    size = (last - first + 1) * grid.nrows * grid.ncols
    counts = np.bincount(flat, minlength=size).reshape(last - first + 1, *grid.shape)
    return counts, first


def _cells(mask, counts: np.ndarray) -> np.ndarray:
    if mask is None:
        return counts.sum(axis=0) > 0
    mask = np.asarray(mask)
    if mask.dtype != bool or mask.shape != counts.shape[1:]:
        raise ValueError(
            f"mask must be bool of the grid's shape {counts.shape[1:]}, "
            f"got {mask.dtype} {mask.shape}"
        )
    return mask


def _time_steps(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"time_steps must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"time_steps must be 0 or more, got {value}")
    return int(value)


def _masked_trend(cube: np.ndarray, mask: np.ndarray) -> MannKendall:
    series = np.moveaxis(np.nan_to_num(cube), 0, -1)
    test = mann_kendall(series)
    nan = ~mask
    return MannKendall(
        s=np.where(nan, np.nan, test.s),
        variance=np.where(nan, np.nan, test.variance),
        z=np.where(nan, np.nan, test.z),
        p_value=np.where(nan, np.nan, test.p_value),
        n=test.n,
    )
