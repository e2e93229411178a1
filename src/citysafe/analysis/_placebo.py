"""Placebo inference for the inner ring: the same evaluation around random placebo site sets.

Each placebo set has one site per real site, drawn from the map points that
are farther than the largest ring from every real site, among those whose
prior crime is closest to the real site's (by default a tenth of the
candidates); it starts when its real site started. Prior crime is the
before-window count of the evaluated types within the *largest* ring: an
area that size is counted precisely enough that choosing placebos on it
hardly selects for a chance high before the start, which would then fall
back after it (regression to the mean) and make every placebo look
effective. Matching on the inner ring's own before count did exactly that on
the demo city, and pools of a few dozen candidates made placebo sets near
copies of each other, with too narrow a spread. The statistic of a set is
the log ratio of rate ratios of its inner ring against the control, with 0.5
added to every count so that empty rings still give a number; the observed
scheme's statistic is the same. A set's control is the scheme's own control
(every map point beyond the scheme's largest ring, or the chosen control
area) less the set's own rings: were the scheme's rings in it, a real effect
there would shift every placebo. Ring and control counts of a set are sums
of precomputed before and after counts per map point over precomputed
neighbour lists, so no spatial join is done per set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

from citysafe.analysis._inference import pseudo_p_value, random_generator, seed_value
from citysafe.analysis.rings import nearest_site, neighbours_within

__all__ = ["Placebo", "PlaceboTest", "placebo_statistic", "placebo_test"]

_REDRAWS = 20


@dataclass(frozen=True)
class PlaceboTest:
    """The observed inner-ring effect of one crime type among its placebo effects.

    Attributes
    ----------
    crime_type : str
    observed : float
        The scheme's ratio of rate ratios (0.5 added to each count).
    p_sim : float
        One-sided pseudo p-value ``(M + 1) / (R + 1)`` in the direction of
        the observed value (M: placebos at least as far out on that side).
    p_value : float
        Two-sided: ``min(1, 2 p_sim)``.
    direction : str
        ``"lower"`` when the observed is below the placebos' median, else ``"higher"``.
    mean, sd : float
        Mean and standard deviation of the placebos' log ratios.
    z : float
        ``(log observed - mean) / sd``.
    low, median, high : float
        2.5%, 50% and 97.5% quantiles of the placebos' ratios.
    distribution : numpy.ndarray
        ``(R,)`` every placebo set's ratio.
    """

    crime_type: str
    observed: float
    p_sim: float
    p_value: float
    direction: str
    mean: float
    sd: float
    z: float
    low: float
    median: float
    high: float
    distribution: np.ndarray


@dataclass(frozen=True)
class Placebo:
    """Placebo permutation inference for the inner ring.

    Attributes
    ----------
    permutations : int
    seed : int or None
    candidates : int
        Map points placebo sites were drawn from.
    pool : int
        Candidates closest in prior crime each real site's placebo is drawn from
        (more when prior crime ties).
    statistic, matching : str
        What is compared and how placebo sites were chosen, in words.
    by_type : dict of str to PlaceboTest
    warning : str or None
        Set when the placebo sets' controls are much smaller than the
        scheme's (their rings cover most of it), which makes the test unreliable.
    site_sets : numpy.ndarray
        ``(R, S)`` the map point of each placebo site, set by set (placebo
        site ``k`` stands in for real site ``k`` and shares its start).
    """

    permutations: int
    seed: int | None
    candidates: int
    pool: int
    statistic: str
    matching: str
    by_type: dict[str, PlaceboTest]
    warning: str | None
    site_sets: np.ndarray = field(repr=False)


def placebo_statistic(tables: np.ndarray) -> np.ndarray:
    """Log ratio of rate ratios with 0.5 added: ``tables`` ``(G, 4, C)`` -> ``(C,)``.

    The four rows are treated before and after, control before and after; the
    strata are combined as Mantel-Haenszel does.
    """
    a, b, c, d = (tables[:, k, :] + 0.5 for k in range(4))
    n = a + b + c + d
    return np.log((b * c / n).sum(axis=0)) - np.log((a * d / n).sum(axis=0))


@dataclass
class _Counts:
    before: np.ndarray  # (G, P, C)
    after: np.ndarray
    control_before: np.ndarray  # (G, C) totals over the control base
    control_after: np.ndarray
    control_base: np.ndarray  # (P,) bool


def _pools(prior_points, prior_sites, site_cohort, pool):
    """Per site, the sorted-candidate range ``[low, high)`` of its matches, and the orders."""
    orders = np.argsort(prior_points, axis=1, kind="stable")
    ranked = np.take_along_axis(prior_points, orders, axis=1)
    n = ranked.shape[1]
    low = np.empty(len(site_cohort), np.int64)
    high = np.empty(len(site_cohort), np.int64)
    for k, g in enumerate(site_cohort):
        centre = int(np.searchsorted(ranked[g], prior_sites[k]))
        lo = min(max(0, centre - pool // 2), max(0, n - pool))
        hi = min(n, lo + pool)
        # widen to every candidate tied with the ends, so ties are drawn from fairly
        low[k] = np.searchsorted(ranked[g], ranked[g][lo], side="left")
        high[k] = np.searchsorted(ranked[g], ranked[g][hi - 1], side="right")
    return orders, low, high


def _draw(rng, orders, low, high, site_cohort, permutations):
    """``(R, S)`` candidate positions, one per real site, distinct within a set where possible."""
    position = rng.integers(low, high, size=(permutations, len(low)))
    chosen = orders[site_cohort[None, :], position]
    for _ in range(_REDRAWS):
        ordered = np.sort(chosen, axis=1)
        clash = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
        if clash.size == 0:
            break
        for r in clash:
            _, first = np.unique(chosen[r], return_index=True)
            again = np.setdiff1d(np.arange(len(low)), first)
            redraw = rng.integers(low[again], high[again])
            chosen[r, again] = orders[site_cohort[again], redraw]
    return chosen


def _set_tables(counts: _Counts, inner, outer, site_cohort, chosen, stamp, mark) -> np.ndarray:
    """``(G, 4, C)`` inner-ring and control counts of one placebo set.

    ``stamp`` is a reusable ``(P,)`` int array and ``mark`` a value not yet in
    it: the points of the set are stamped instead of sorted to find them once.
    """
    n_groups = counts.before.shape[0]
    row, pos = inner.rows(chosen)
    points = inner.index[pos]
    if n_groups == 1:
        stamp[points] = mark
        points = np.flatnonzero(stamp == mark)
        a, b = counts.before[0, points].sum(0)[None], counts.after[0, points].sum(0)[None]
    else:
        # each inner point counts once, with the start of its nearest placebo site
        order = np.lexsort((row, inner.distance[pos], points))
        points, row = points[order], row[order]
        first = np.r_[True, points[1:] != points[:-1]]
        points, group = points[first], site_cohort[row[first]]
        a = np.zeros((n_groups, counts.before.shape[2]), counts.before.dtype)
        b = np.zeros_like(a)
        np.add.at(a, group, counts.before[group, points])
        np.add.at(b, group, counts.after[group, points])
    stamp[outer.index[outer.rows(chosen)[1]]] = mark + 1
    near = np.flatnonzero((stamp == mark + 1) & counts.control_base)
    c = counts.control_before - counts.before[:, near].sum(axis=1)
    d = counts.control_after - counts.after[:, near].sum(axis=1)
    return np.stack([a, b, c, d], axis=1)


def _summaries(observed, stats, names, columns, permutations) -> dict[str, PlaceboTest]:
    tests = {}
    for name, column in zip(names, columns, strict=True):
        values, obs = stats[:, column], float(observed[column])
        lower = int(np.sum(values <= obs + 1e-12))
        upper = int(np.sum(values >= obs - 1e-12))
        p_sim = float(pseudo_p_value(min(lower, upper), permutations))
        mean, sd = float(values.mean()), float(values.std(ddof=1)) if permutations > 1 else 0.0
        quantiles = np.exp(np.quantile(values, [0.025, 0.5, 0.975]))
        tests[name] = PlaceboTest(
            crime_type=name,
            observed=math.exp(obs),
            p_sim=p_sim,
            p_value=min(1.0, 2 * p_sim),
            direction="lower" if obs < np.median(values) else "higher",
            mean=mean,
            sd=sd,
            z=(obs - mean) / sd if sd > 0 else math.nan,
            low=float(quantiles[0]),
            median=float(quantiles[1]),
            high=float(quantiles[2]),
            distribution=np.exp(values),
        )
    return tests


def _prior_crime(prior_point, outer_nb, point_xy, site_xy, site_cohort, outer, tree):
    """Before-window crime within the largest ring of each candidate and each real site.

    ``prior_point`` is ``(G, P)``: the counts per map point in each start month's
    before window; a real site takes its own start's, a candidate every start's.
    """
    outer_row = np.repeat(np.arange(len(outer_nb)), np.diff(outer_nb.indptr))
    prior_candidates = np.stack(
        [np.bincount(outer_row, g[outer_nb.index], minlength=len(outer_nb)) for g in prior_point]
    )
    real_nb = neighbours_within(point_xy, site_xy, outer, tree=tree)
    real_row = np.repeat(np.arange(len(site_xy)), np.diff(real_nb.indptr))
    prior_sites = np.bincount(
        real_row, prior_point[site_cohort[real_row], real_nb.index], minlength=len(site_xy)
    )
    return prior_candidates, prior_sites


def _warning(candidates: int, sites: int, control_size, own_control) -> str | None:
    warnings = []
    if candidates < 2 * sites:
        warnings.append(
            f"only {candidates} map points are far enough from the sites to be placebo "
            f"sites, for {sites} sites: placebo sets repeat each other"
        )
    if len(control_size) and np.median(control_size) < 0.5 * own_control:
        warnings.append(
            "the placebo sets' controls hold under half the crime of the scheme's own control "
            "(their rings cover much of it)"
        )
    return "; ".join(warnings) + ": read the placebo test with care" if warnings else None


def placebo_test(
    *,
    point_xy: np.ndarray,
    site_xy: np.ndarray,
    site_cohort: np.ndarray,
    before: np.ndarray,
    after: np.ndarray,
    control_base: np.ndarray,
    observed: np.ndarray,
    inner: float,
    outer: float,
    match_columns: np.ndarray,
    names: list[str],
    columns: list[int],
    permutations: int,
    seed,
    pool: int | None,
    tree: cKDTree | None = None,
) -> Placebo | None:
    """Placebo inference for the inner ring (see the module docstring).

    ``before`` and ``after`` are ``(G, P, C)`` counts per start month, map
    point and column (types, then all crime); ``observed`` the scheme's own
    ``(G, 4, C)`` inner-ring and control table. None when no map point is far
    enough from the real sites to be a placebo site.
    """
    rng = random_generator(seed)
    real_distance, _ = nearest_site(point_xy, site_xy, within=outer)
    candidates = np.flatnonzero(~(real_distance <= outer))
    if candidates.size == 0 or len(site_xy) == 0:
        return None
    tree = tree if tree is not None else cKDTree(point_xy)
    inner_nb = neighbours_within(point_xy, point_xy[candidates], inner, tree=tree)
    outer_nb = neighbours_within(point_xy, point_xy[candidates], outer, tree=tree)
    prior_candidates, prior_sites = _prior_crime(
        before[:, :, match_columns].sum(axis=2),
        outer_nb,
        point_xy,
        site_xy,
        site_cohort,
        outer,
        tree,
    )
    pool = max(20, candidates.size // 10) if pool is None else int(pool)
    pool = min(pool, candidates.size)
    orders, low, high = _pools(prior_candidates, prior_sites, site_cohort, pool)
    chosen = _draw(rng, orders, low, high, site_cohort, permutations)
    counts = _Counts(
        before,
        after,
        before[:, control_base].sum(axis=1),
        after[:, control_base].sum(axis=1),
        control_base,
    )
    stats = np.empty((permutations, before.shape[2]))
    control_size = np.empty(permutations)
    stamp = np.full(len(point_xy), -1, dtype=np.int64)
    for r in range(permutations):
        tables = _set_tables(counts, inner_nb, outer_nb, site_cohort, chosen[r], stamp, 2 * r)
        stats[r] = placebo_statistic(tables)
        control_size[r] = tables[:, 2:, -1].sum()
    warning = _warning(candidates.size, len(site_xy), control_size, observed[:, 2:, -1].sum())
    return Placebo(
        permutations=permutations,
        seed=seed_value(seed),
        candidates=int(candidates.size),
        pool=pool,
        statistic=(
            f"log ratio of rate ratios of the 0-{inner:g} m ring against the control, 0.5 "
            "added to each count"
        ),
        matching=(
            f"one placebo site per real site, from the {pool} map points (more on ties) farther "
            f"than {outer:g} m from every real site whose before-window count within "
            f"{outer:g} m is closest to the real site's; same start month"
        ),
        by_type=_summaries(placebo_statistic(observed), stats, names, columns, permutations),
        warning=warning,
        site_sets=candidates[chosen],
    )
