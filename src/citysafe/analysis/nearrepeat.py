"""Near repeat analysis: the Knox test and the Near Repeat Calculator's space-time table.

Band edges are upper bounds, closed: space bands ``100, 200`` mean
``0 <= d <= 100`` and ``100 < d <= 200`` metres, time bands ``7, 14`` mean
``0 <= dt <= 7`` and ``7 < dt <= 14`` (so 8 to 14 days, times being whole
days), and with month-level data time bands ``0, 1, 2`` mean the same month,
one month apart and two months apart. A first space edge of 0 makes a
"same location" band. Pairs farther apart than the last band in either
dimension are not counted.

Significance is by Monte Carlo permutation of the times over the events
(Johnson et al. 2007; Ratcliffe's Near Repeat Calculator): locations stay,
times are shuffled, and each permutation's table is counted again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from citysafe.analysis._checks import (
    as_coordinates,
    as_edges,
    as_permutations,
    as_positive,
    as_times,
)
from citysafe.analysis._inference import pseudo_p_value, random_generator, seed_value
from citysafe.analysis._spacetime import (
    METRICS,
    banded_pairs,
    compact_times,
    pairs_within_times,
    time_table,
)

__all__ = ["Knox", "NearRepeat", "knox", "near_repeat"]


@dataclass(frozen=True)
class NearRepeat:
    """The Knox space-time table of the Near Repeat Calculator.

    Matrices are indexed ``[space band][time band]``.

    Attributes
    ----------
    space_bands : tuple of float
        Upper edges in metres, each closed.
    time_bands : tuple of int
        Upper edges in ``unit``, each closed.
    unit : str
        ``"days"`` (dated records) or ``"months"`` (month-level data such as police.uk's).
    metric : str
        ``"euclidean"`` or ``"manhattan"``.
    n : int
        Number of events.
    observed : numpy.ndarray
        Pairs of events in each space-time band.
    expected : numpy.ndarray
        Mean of the tables of the permutations (as the Near Repeat Calculator);
        with no permutations, the exact permutation expectation
        ``pairs_in_space_band * pairs_in_time_band / (n (n - 1) / 2)``.
    ratio : numpy.ndarray
        ``observed / expected`` (the Knox ratio); NaN where nothing is expected.
    p_sim : numpy.ndarray
        One-sided pseudo p-value of ``observed`` being this high, ``(M + 1) / (R + 1)``
        with M the permutations whose count is at least the observed; NaN when
        ``permutations`` is 0.
    permutations : int
    seed : int or None
    """

    space_bands: tuple[float, ...]
    time_bands: tuple[int, ...]
    unit: str
    metric: str
    n: int
    observed: np.ndarray
    expected: np.ndarray
    ratio: np.ndarray
    p_sim: np.ndarray
    permutations: int
    seed: int | None

    @property
    def space_labels(self) -> list[str]:
        """Band names, e.g. ``"0 to 100 m"``, ``"over 100 to 200 m"``, or ``"same location"``."""
        return _space_labels(self.space_bands)

    @property
    def time_labels(self) -> list[str]:
        """Band names, e.g. ``"0 to 7 days"``, ``"8 to 14 days"``, ``"same month"``."""
        return _time_labels(self.time_bands, self.unit)

    def window(self, alpha: float = 0.05) -> np.ndarray:
        """Bands with significantly more pairs than expected: ``p_sim <= alpha`` and ratio > 1."""
        alpha = as_positive(alpha, "alpha")
        with np.errstate(invalid="ignore"):
            return (np.nan_to_num(self.p_sim, nan=1.0) <= alpha) & (
                np.nan_to_num(self.ratio, nan=0.0) > 1.0
            )

    def to_dict(self) -> dict:
        """Plain data for JSON (NaN as None); ``p_value`` is ``p_sim``."""
        return {
            "space_bands": list(self.space_bands),
            "time_bands": list(self.time_bands),
            "unit": self.unit,
            "metric": self.metric,
            "n": self.n,
            "space_labels": self.space_labels,
            "time_labels": self.time_labels,
            "observed": self.observed.tolist(),
            "expected": _json_matrix(self.expected),
            "ratio": _json_matrix(self.ratio),
            "p_value": _json_matrix(self.p_sim),
            "permutations": self.permutations,
            "seed": self.seed,
        }


@dataclass(frozen=True)
class Knox:
    """The Knox test for one space and one time threshold.

    Attributes
    ----------
    distance, interval, unit, metric, n, permutations, seed
        The settings: pairs are close when ``d <= distance`` and ``|dt| <= interval``.
    pairs : int
        All unordered pairs, ``n (n - 1) / 2``.
    close_in_space, close_in_time : int
        Pairs close in space (NS) and in time (NT).
    observed : int
        Pairs close in both (NST, the Knox statistic).
    expected : float
        ``NS * NT / pairs``, its expectation under no space-time interaction.
    ratio : float
        ``observed / expected`` (NaN when nothing is expected).
    table : numpy.ndarray
        ``[[NST, NS - NST], [NT - NST, rest]]`` as ``pointpats.spacetime.Knox.observed``.
    p_sim : float
        Pseudo p-value of ``observed`` being this high under permutation of the times (NaN without).
    p_poisson : float
        ``P(X >= observed)`` for X Poisson with mean ``expected``. (pointpats
        reports ``P(X > observed)``, one less.)
    """

    distance: float
    interval: int
    unit: str
    metric: str
    n: int
    pairs: int
    close_in_space: int
    close_in_time: int
    observed: int
    expected: float
    ratio: float
    table: np.ndarray
    p_sim: float
    p_poisson: float
    permutations: int
    seed: int | None


def near_repeat(
    x,
    y,
    times,
    *,
    space_bands,
    time_bands,
    unit: str | None = None,
    metric: str = "euclidean",
    permutations: int = 99,
    seed: int | np.random.Generator | None = None,
) -> NearRepeat:
    """The near repeat space-time table of pairs of events, with Monte Carlo significance.

    Parameters
    ----------
    x, y : array_like
        Event coordinates, metres on British National Grid.
    times : array_like
        Whole days or month indices (say which with ``unit``), or numpy
        ``datetime64`` values: ``datetime64[M]`` gives months, finer precisions days.
    space_bands : sequence of float
        Increasing upper edges in metres, each closed (see the module notes).
    time_bands : sequence of int
        Increasing upper edges in ``unit``, each closed.
    unit : {"days", "months"}, optional
        Unit of integer ``times`` and of ``time_bands`` (days by default).
    metric : {"euclidean", "manhattan"}
        Distance between events.
    permutations : int
        Monte Carlo permutations of the times (99 or 999 in the Near Repeat Calculator).
    seed : int, numpy.random.Generator or None
        Permutation r uses ``times[rng.permutation(n)]`` with ``rng = default_rng(seed)``.

    Returns
    -------
    NearRepeat

    Notes
    -----
    Knox (1964) and the Near Repeat Calculator (Ratcliffe 2009). All pairs
    within the last space band are found once with a k-d tree; a
    permutation costs one pass over those pairs, not over all n^2 / 2.
    Unlike the Calculator, the bands are labelled by their exact edges, and a
    seed makes the permutations reproducible.

    References
    ----------
    Knox, E. G. (1964). The detection of space-time interactions. Journal of
    the Royal Statistical Society C, 13(1), 25-30.

    Ratcliffe, J. H. (2009). Near Repeat Calculator (version 1.3). Temple
    University, Philadelphia, and the National Institute of Justice.

    Johnson, S. D., et al. (2007). Space-time patterns of risk: a cross
    national assessment of residential burglary victimization. Journal of
    Quantitative Criminology, 23(3), 201-219.

    Examples
    --------
    >>> x = np.array([0.0, 50.0, 120.0, 1000.0])
    >>> y = np.zeros(4)
    >>> days = np.array([0, 3, 20, 2])
    >>> table = near_repeat(x, y, days, space_bands=[100, 200], time_bands=[7, 14, 21],
    ...                     permutations=19, seed=1)
    >>> table.observed.tolist()
    [[1, 0, 1], [0, 0, 1]]
    >>> table.space_labels, table.time_labels
    (['0 to 100 m', 'over 100 to 200 m'], ['0 to 7 days', '8 to 14 days', '15 to 21 days'])
    """
    x, y = as_coordinates(x, y)
    times, unit = as_times(times, x.size, unit)
    space = as_edges(space_bands, "space_bands")
    edges = as_edges(time_bands, "time_bands", integer=True)
    _check_metric(metric)
    permutations = as_permutations(permutations)
    pairs = banded_pairs(x, y, space, metric)
    compact = compact_times(times)
    observed = time_table(pairs, compact[pairs.order], edges)
    if permutations:
        simulated = _permuted_tables(pairs, compact, edges, permutations, seed)
        expected = simulated.mean(axis=0)
        p_sim = pseudo_p_value((simulated >= observed).sum(axis=0), permutations)
    else:
        expected = _exact_expectation(pairs.counts, times, edges)
        p_sim = np.full(observed.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / expected, np.nan)
    return NearRepeat(
        space_bands=tuple(float(e) for e in space),
        time_bands=tuple(int(e) for e in edges),
        unit=unit,
        metric=metric,
        n=int(x.size),
        observed=observed,
        expected=expected,
        ratio=ratio,
        p_sim=p_sim,
        permutations=permutations,
        seed=seed_value(seed),
    )


def knox(
    x,
    y,
    times,
    *,
    distance: float,
    interval: int,
    unit: str | None = None,
    metric: str = "euclidean",
    permutations: int = 99,
    seed: int | np.random.Generator | None = None,
) -> Knox:
    """The Knox test: are pairs close in space also close in time more often than chance?

    Parameters
    ----------
    x, y : array_like
        Event coordinates, metres.
    times : array_like
        Whole days or month indices, or datetime64 (see :func:`near_repeat`).
    distance : float
        Pairs with ``d <= distance`` metres are close in space.
    interval : int
        Pairs with ``|dt| <= interval`` (in ``unit``) are close in time.
    unit, metric, permutations, seed
        As in :func:`near_repeat`.

    Returns
    -------
    Knox

    Notes
    -----
    Knox (1964). The counts equal ``pointpats.spacetime.Knox(s, t, delta=distance,
    tau=interval)``; the permutation test is the same test, computed over the
    pairs close in space only.

    Examples
    --------
    >>> x = np.array([0.0, 50.0, 120.0, 1000.0])
    >>> result = knox(x, np.zeros(4), [0, 3, 20, 2], distance=100, interval=7, permutations=0)
    >>> result.observed, result.close_in_space, result.close_in_time, result.table.tolist()
    (1, 2, 3, [[1, 1], [2, 2]])
    """
    x, y = as_coordinates(x, y)
    times, unit = as_times(times, x.size, unit)
    space = as_edges([distance], "distance")
    edges = as_edges([interval], "interval", integer=True)
    _check_metric(metric)
    permutations = as_permutations(permutations)
    pairs = banded_pairs(x, y, space, metric)
    compact = compact_times(times)
    observed = int(time_table(pairs, compact[pairs.order], edges)[0, 0])
    n_space, n_time = int(pairs.counts[0]), int(pairs_within_times(times, edges)[0])
    total = x.size * (x.size - 1) // 2
    expected = n_space * n_time / total if total else 0.0
    p_sim = math.nan
    if permutations:
        simulated = _permuted_tables(pairs, compact, edges, permutations, seed)[:, 0, 0]
        p_sim = pseudo_p_value(int((simulated >= observed).sum()), permutations)
    table = np.array(
        [
            [observed, n_space - observed],
            [n_time - observed, total - n_space - n_time + observed],
        ],
        dtype=np.int64,
    )
    return Knox(
        distance=float(space[0]),
        interval=int(edges[0]),
        unit=unit,
        metric=metric,
        n=int(x.size),
        pairs=total,
        close_in_space=n_space,
        close_in_time=n_time,
        observed=observed,
        expected=expected,
        ratio=observed / expected if expected > 0 else math.nan,
        table=table,
        p_sim=p_sim,
        p_poisson=float(stats.poisson.sf(observed - 1, expected)) if expected > 0 else math.nan,
        permutations=permutations,
        seed=seed_value(seed),
    )


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {tuple(METRICS)}, got {metric!r}")


def _permuted_tables(pairs, compact, edges, permutations, seed) -> np.ndarray:
    rng = random_generator(seed)
    tables = np.empty((permutations, len(pairs.partners), edges.size), dtype=np.int64)
    for r in range(permutations):
        shuffled = compact[rng.permutation(compact.size)]
        tables[r] = time_table(pairs, shuffled[pairs.order], edges)
    return tables


def _exact_expectation(space_counts: np.ndarray, times: np.ndarray, edges: np.ndarray):
    """Mean table over all permutations: each space pair gets a random pair of distinct times."""
    total = times.size * (times.size - 1) // 2
    if total == 0:
        return np.zeros((space_counts.size, edges.size))
    in_time = np.diff(pairs_within_times(times, edges), prepend=0)
    return np.outer(space_counts, in_time) / total


def _space_labels(edges) -> list[str]:
    labels, lower = [], None
    for edge in edges:
        if lower is None:
            labels.append("same location" if edge == 0 else f"0 to {edge:g} m")
        else:
            labels.append(f"over {lower:g} to {edge:g} m")
        lower = edge
    return labels


def _time_labels(edges, unit: str) -> list[str]:
    single = unit[:-1]
    labels, low = [], 0
    for edge in edges:
        if edge == 0:
            labels.append(f"same {single}")
        elif low == edge:
            labels.append(f"{edge} {single if edge == 1 else unit}")
        else:
            labels.append(f"{low} to {edge} {unit}")
        low = edge + 1
    return labels


def _json_matrix(matrix: np.ndarray) -> list[list[float | None]]:
    return [[float(v) if np.isfinite(v) else None for v in row] for row in matrix]
