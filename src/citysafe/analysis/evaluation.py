"""Evaluate a scheme on police.uk crime: before and after, against a control, ring by ring.

A scheme is a set of sites (points, each with its own start month) or an
area (the map points inside it, one start month). Every map point is put in
at most one ring by its distance to the nearest site (for an area: the area
itself, then bands outside it), and takes that site's start month. For each
ring and crime type the evaluation gives

1. the counts in equal windows either side of the start, months absent from
   the data being left out on both sides and named, with the exact rate
   ratio (Breslow and Day 1987);
2. the relative effect against a control (by default every map point beyond
   the largest ring), the ratio of the two rate ratios with an exact
   conditional interval (Cornfield 1956), and a Poisson or negative binomial
   difference-in-differences model of the monthly counts (statsmodels);
3. for the inner ring, a placebo permutation test over random site sets
   matched on prior crime;
4. for each outer ring, Bowers and Johnson's (2003) Weighted Displacement
   Quotient against the control.

Counts are sums over a table of crimes per map point, month and type, so a
ring and a placebo set cost a sum over precomputed neighbours. police.uk
snaps every crime to a map point, so distances are from sites to map points:
a ring is only as sharp as that snapping.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from citysafe.analysis._checks import as_edges, as_permutations, as_positive
from citysafe.analysis._crimes import CrimeTable, crime_table
from citysafe.analysis._did import DiDModel, _not_fitted, did_model
from citysafe.analysis._homes import HomesProgramme, homes_programme
from citysafe.analysis._placebo import Placebo, PlaceboTest, placebo_test
from citysafe.analysis._poisson import (
    RateRatio,
    RelativeEffect,
    _check_alpha,
    poisson_interval,
    rate_ratio,
    ratio_of_rate_ratios,
)
from citysafe.analysis._results import Control, Displacement, Evaluation, RingResult, TypeEffect
from citysafe.analysis._scheme import (
    Counts,
    area_scheme,
    control_area,
    count,
    point_window_counts,
    sites_scheme,
)
from citysafe.analysis._windows import MonthLeftOut, month_label
from citysafe.analysis.displacement import weighted_displacement_quotient

__all__ = [
    "ALL_CRIME",
    "DEFAULT_RINGS",
    "Control",
    "CrimeTable",
    "DiDModel",
    "Displacement",
    "Evaluation",
    "HomesProgramme",
    "MonthLeftOut",
    "Placebo",
    "PlaceboTest",
    "RateRatio",
    "RelativeEffect",
    "RingResult",
    "TypeEffect",
    "crime_table",
    "evaluate",
    "homes_programme",
    "month_label",
    "poisson_interval",
    "rate_ratio",
    "ratio_of_rate_ratios",
]

ALL_CRIME = "All crime"
DEFAULT_RINGS = (50.0, 100.0, 200.0, 400.0)
PRECISION_NOTE = (
    "police.uk publishes each crime at the nearest of a fixed set of map points, not where it "
    "happened; distances are from sites to map points, so ring edges are only as precise as "
    "that snapping (often tens of metres)"
)


# ---------------------------------------------------------------- effects


def _empty_change(before: int, after: int, alpha: float) -> RateRatio:
    nan = math.nan
    return RateRatio(
        before=before,
        after=after,
        exposure_before=0.0,
        exposure_after=0.0,
        ratio=nan,
        change_pct=nan,
        ci_low=nan,
        ci_high=nan,
        p_value=nan,
        alpha=alpha,
        method="no exposure: no map points, or no months left in a window",
    )


def _change(tables: np.ndarray, points: np.ndarray, windows, alpha: float) -> RateRatio:
    """Pooled after-against-before rate ratio; exposure in map-point months."""
    before, after = int(tables[:, 0].sum()), int(tables[:, 1].sum())
    exposure_before = float(sum(p * len(w.before) for p, w in zip(points, windows, strict=True)))
    exposure_after = float(sum(p * len(w.after) for p, w in zip(points, windows, strict=True)))
    if exposure_before <= 0 or exposure_after <= 0:
        return _empty_change(before, after, alpha)
    return rate_ratio(after, before, exposure_after, exposure_before, alpha=alpha)


def _did(counts: Counts, crimes, ring: int, column: int, alpha: float) -> DiDModel:
    groups = counts.tables.shape[1]
    treated, control, after, stratum = [], [], [], []
    for g, w in enumerate(counts.windows):
        if counts.points[ring, g] == 0:
            continue
        months = np.r_[w.before, w.after] - crimes.first_month
        treated.append(counts.series[ring * groups + g, months, column])
        control.append(counts.series[-1, months, column])
        after.append(np.r_[np.zeros(len(w.before), bool), np.ones(len(w.after), bool)])
        stratum.append(np.full(len(months), g))
    if not treated:
        return _not_fitted("no map points in the ring", 0)
    return did_model(
        np.concatenate(treated),
        np.concatenate(control),
        np.concatenate(after),
        np.concatenate(stratum),
        alpha=alpha,
    )


def _ring_results(counts, crimes, scheme, columns, names, alpha, did) -> tuple[RingResult, ...]:
    results = []
    for r, (inner, outer, label) in enumerate(scheme.labels):
        by_type = {}
        active = counts.points[r] > 0
        for name, column in zip(names, columns, strict=True):
            tables = counts.tables[r, :, :, column]
            by_type[name] = TypeEffect(
                crime_type=name,
                change=_change(tables, counts.points[r], counts.windows, alpha),
                relative=ratio_of_rate_ratios(tables[active], alpha=alpha)
                if active.any()
                else ratio_of_rate_ratios(np.zeros((1, 4), int), alpha=alpha),
                did=_did(counts, crimes, r, column, alpha) if did else None,
                tables=tables.copy(),
            )
        results.append(RingResult(inner, outer, label, int(counts.points[r].sum()), by_type))
    return tuple(results)


def _control_result(counts, definition, left_out, columns, names, alpha) -> Control:
    points = np.full(len(counts.windows), counts.control_points)
    by_type = {
        name: _change(counts.tables[0, :, 2:, column], points, counts.windows, alpha)
        for name, column in zip(names, columns, strict=True)
    }
    return Control(definition, counts.control_points, left_out, by_type)


def _displacement(counts, scheme, columns, names, min_change) -> tuple[Displacement, ...]:
    totals = counts.tables.sum(axis=1)  # (rings, 4, C)
    out = []
    for r in range(1, len(scheme.labels)):
        by_type = {}
        for name, column in zip(names, columns, strict=True):
            rb, ra, cb, ca = (int(v) for v in totals[0, :, column])
            db, da = (int(v) for v in totals[r, :2, column])
            by_type[name] = weighted_displacement_quotient(
                rb, ra, db, da, cb, ca, min_change=min_change
            )
        out.append(Displacement(r, scheme.labels[r][2], by_type))
    return tuple(out)


# ---------------------------------------------------------------- evaluate


def _check_types(crimes: CrimeTable, types) -> list[int]:
    if types is None:
        present = np.bincount(crimes.type_index, minlength=len(crimes.type_names))
        return [i for i in range(len(crimes.type_names)) if present[i] > 0]
    if isinstance(types, str):
        types = [types]
    chosen = []
    for name in types:
        if not isinstance(name, str):
            raise TypeError(f"types must be crime type names, got {type(name).__name__}")
        if name not in crimes.type_names:
            raise ValueError(f"crime type {name!r} is not one of {list(crimes.type_names)}")
        chosen.append(crimes.type_names.index(name))
    return sorted(set(chosen))


def _check_window(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number of months, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


def _placebo(
    crimes, scheme, counts, control_mask, selected, names, columns, *, permutations, seed, pool
) -> Placebo | None:
    before = np.stack([point_window_counts(crimes, w.before) for w in counts.windows])
    after = np.stack([point_window_counts(crimes, w.after) for w in counts.windows])
    # a placebo set's control is the scheme's own control less the set's rings, so that the
    # scheme's effect on its own rings cannot leak into the placebos' controls
    return placebo_test(
        point_xy=crimes.point_xy,
        site_xy=scheme.site_xy,
        site_cohort=scheme.site_cohort,
        before=before,
        after=after,
        control_base=control_mask,
        observed=counts.tables[0],
        inner=scheme.labels[0][1],
        outer=scheme.labels[-1][1],
        match_columns=np.array(selected if selected else [len(crimes.type_names)]),
        names=names,
        columns=columns,
        permutations=permutations,
        seed=seed,
        pool=pool,
        tree=crimes.tree,
    )


def evaluate(
    crimes: CrimeTable,
    *,
    sites=None,
    starts=None,
    area=None,
    area_distance=None,
    months_before: int = 12,
    months_after: int = 12,
    rings=DEFAULT_RINGS,
    types=None,
    control=None,
    permutations: int = 999,
    seed: int | np.random.Generator | None = None,
    alpha: float = 0.05,
    did: bool = True,
    placebo_pool: int | None = None,
    wdq_min_change: float = 0.05,
) -> Evaluation:
    """Evaluate a scheme of sites or an area.

    Parameters
    ----------
    crimes : CrimeTable
        From ``crime_table``.
    sites : array_like, optional
        ``(S, 2)`` site coordinates, metres on British National Grid.
    starts : int or array_like of int
        Start month index (``year * 12 + month - 1``): one per site, or one for all.
    area : array_like of bool, optional
        Instead of sites: the map points inside the scheme's area.
    area_distance : array_like of float, optional
        With ``area``: each map point's distance in metres to the area's
        boundary (e.g. ``polygon.distance(points)`` with shapely); by default
        the distance to the nearest map point inside the area.
    months_before, months_after : int
        Window lengths in whole months.
    rings : sequence of float
        Ring upper edges in metres; a map point is in ring ``k`` when
        ``rings[k-1] < d <= rings[k]`` (the first from ``d = 0``), ``d`` its
        distance to the nearest site. For an area the area itself comes first
        and the rings are bands outside it.
    types : sequence of str, optional
        Crime types to report (police.uk names); all types with any crime by
        default. ``"All crime"`` is always added and counts every type.
    control : array_like of bool, optional
        The control area as a mask of map points; map points in a ring are
        left out of it. By default every map point beyond the largest ring.
    permutations : int
        Placebo site sets for the inner ring (site schemes); 0 for none.
    seed : int, numpy.random.Generator or None
        Seed of the placebo draws.
    alpha : float
        1 - confidence level of every interval.
    did : bool
        Fit the difference-in-differences model for every ring and type.
    placebo_pool : int, optional
        Candidates closest in prior crime each placebo site is drawn from; a
        tenth of the candidates (at least 20) by default.
    wdq_min_change : float
        See ``weighted_displacement_quotient``'s ``min_change``.

    Returns
    -------
    Evaluation

    Examples
    --------
    One site at the origin, a control map point 2 km away; July 2019 start:

    >>> crimes = crime_table(
    ...     [[0, 0], [2000, 0]],
    ...     crime_point=[0] * 10 + [0] * 5 + [1] * 100 + [1] * 100,
    ...     crime_month=[24222] * 10 + [24234] * 5 + [24222] * 100 + [24234] * 100,
    ...     crime_type=[14] * 215,
    ...     type_names={14: "Violence and sexual offences"},
    ...     months_present=range(24216, 24240),
    ... )
    >>> result = evaluate(crimes, sites=[[0, 0]], starts=24234, permutations=0, did=False)
    >>> inner = result.rings[0].by_type["All crime"]
    >>> inner.before, inner.after, inner.change_pct, round(inner.relative.ratio, 2)
    (10, 5, -50.0, 0.5)

    Notes
    -----
    Rate ratios: Breslow and Day (1987), vol. II, sec. 2.3. Relative effect:
    exact conditional odds-ratio interval of the 2 x 2 table of ring and
    control before and after (Cornfield 1956; Gart 1970 over start months).
    Displacement: Bowers and Johnson (2003). Placebo test: see
    ``citysafe.analysis._placebo``. With several start months the control is
    counted once for each, in that start's windows.
    """
    if not isinstance(crimes, CrimeTable):
        raise TypeError(
            f"crimes must be a CrimeTable (see crime_table), got {type(crimes).__name__}"
        )
    if (sites is None) == (area is None):
        raise ValueError("give either sites (with starts) or area (with one start month)")
    edges = as_edges(rings, "rings")
    if edges[0] <= 0:
        raise ValueError(f"the first ring edge must be above 0 m, got {edges[0]:g}")
    months_before = _check_window(months_before, "months_before")
    months_after = _check_window(months_after, "months_after")
    alpha = _check_alpha(alpha)
    permutations = as_permutations(permutations)
    if placebo_pool is not None:
        placebo_pool = int(as_positive(placebo_pool, "placebo_pool"))
    selected = _check_types(crimes, types)
    scheme = (
        sites_scheme(crimes, sites, starts, edges)
        if area is None
        else area_scheme(crimes, area, starts, area_distance, edges)
    )
    control_mask, definition, left_out = control_area(scheme, control, len(crimes.point_xy), edges)
    counts = count(crimes, scheme, control_mask, months_before, months_after)
    columns = [*selected, len(crimes.type_names)]
    names = [*(crimes.type_names[i] for i in selected), ALL_CRIME]
    placebo = None
    if scheme.kind == "sites" and permutations > 0 and len(scheme.site_xy):
        placebo = _placebo(
            crimes,
            scheme,
            counts,
            control_mask,
            selected,
            names,
            columns,
            permutations=permutations,
            seed=seed,
            pool=placebo_pool,
        )
    return Evaluation(
        scheme=scheme.kind,
        sites=len(scheme.site_xy),
        starts=tuple(int(s) for s in scheme.starts),
        months_before=months_before,
        months_after=months_after,
        edges=tuple(float(e) for e in edges),
        types=tuple(names),
        rings=_ring_results(counts, crimes, scheme, columns, names, alpha, did),
        control=_control_result(counts, definition, left_out, columns, names, alpha),
        placebo=placebo,
        displacement=_displacement(counts, scheme, columns, names, wdq_min_change),
        windows=counts.windows,
        months_left_out=tuple(m for w in counts.windows for m in w.left_out),
        alpha=float(alpha),
        permutations=permutations,
        seed=seed if isinstance(seed, numbers.Integral) else None,
        placebo_pool=placebo.pool if placebo is not None else placebo_pool,
        wdq_min_change=float(wdq_min_change),
        unlocated=crimes.unlocated,
        notes=_notes(crimes, scheme, counts, placebo, permutations),
    )


def _notes(crimes, scheme, counts, placebo, permutations) -> tuple[str, ...]:
    notes = [PRECISION_NOTE]
    if crimes.unlocated:
        notes.append(f"{crimes.unlocated} crimes have no usable location and are in no ring")
    if len(scheme.starts) > 1:
        notes.append(
            f"{len(scheme.starts)} start months: each map point takes the start of its nearest "
            "site, and the control is counted once in each start month's windows"
        )
    if scheme.kind == "area" and permutations:
        notes.append("placebo inference is for site schemes; none for an area")
    elif scheme.kind == "sites" and permutations and placebo is None:
        notes.append("no placebo test: no map point is far enough from the sites")
    if not any(len(w.before) for w in counts.windows):
        notes.append("no month of any before window is in the data")
    return tuple(notes)
