"""A scheme's geometry (rings, start months, control) and the counts it needs.

Every map point goes in at most one ring, by its distance to the nearest site
(for an area: the area itself, then bands outside it), and takes that site's
start month. Crimes are then counted by ring, start month, calendar month and
type in one ``bincount``, and windowed per start month.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from citysafe.analysis._crimes import CrimeTable, as_integers
from citysafe.analysis._windows import Window, window
from citysafe.analysis.rings import as_xy, nearest_site, ring_labels, ring_of

__all__ = [
    "Counts",
    "Scheme",
    "area_scheme",
    "control_area",
    "count",
    "point_window_counts",
    "sites_scheme",
]


@dataclass(frozen=True)
class Scheme:
    kind: str
    site_xy: np.ndarray
    site_cohort: np.ndarray  # (S,) index into starts
    starts: np.ndarray  # distinct start months
    ring: np.ndarray  # (P,) ring index, -1 in none
    cohort: np.ndarray  # (P,) index into starts, -1 in no ring
    labels: list[tuple[float, float, str]]


def _as_mask(values, name: str, n: int) -> np.ndarray:
    mask = np.asarray(values)
    if mask.dtype != bool:
        raise TypeError(f"{name} must be a boolean mask of map points, got dtype {mask.dtype}")
    if mask.shape != (n,):
        raise ValueError(
            f"{name} must be a boolean mask of the {n} map points, got shape {mask.shape}"
        )
    return mask


def _as_month(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole month index, got {type(value).__name__}")
    return int(value)


def sites_scheme(crimes: CrimeTable, sites, starts, edges: np.ndarray) -> Scheme:
    site_xy = as_xy(sites, "sites")
    if starts is None:
        raise ValueError("starts is needed: one start month, or one per site")
    if np.ndim(starts) == 0:
        site_start = np.full(len(site_xy), _as_month(starts, "starts"), dtype=np.int64)
    else:
        site_start = as_integers(starts, "starts")
        if len(site_start) != len(site_xy):
            raise ValueError(
                f"starts must have one month per site ({len(site_xy)}), got {len(site_start)}"
            )
    distance, nearest = nearest_site(crimes.point_xy, site_xy, within=float(edges[-1]))
    ring = ring_of(distance, edges)
    distinct, site_cohort = np.unique(site_start, return_inverse=True)
    cohort = np.where(ring >= 0, site_cohort[np.maximum(nearest, 0)] if len(site_xy) else -1, -1)
    return Scheme(
        "sites", site_xy, site_cohort.astype(np.int64), distinct, ring, cohort, ring_labels(edges)
    )


def area_scheme(crimes: CrimeTable, area, start, area_distance, edges: np.ndarray) -> Scheme:
    mask = _as_mask(area, "area", len(crimes.point_xy))
    n = len(mask)
    start = _as_month(start, "starts")
    if area_distance is None:
        distance, _ = nearest_site(crimes.point_xy, crimes.point_xy[mask], within=float(edges[-1]))
    else:
        distance = np.asarray(area_distance, dtype=float)
        if distance.shape != (n,) or not (distance[~mask] >= 0).all():
            raise ValueError(f"area_distance must be ({n},) metres of 0 or more outside the area")
    outside = ring_of(distance, edges)
    ring = np.where(mask, 0, np.where(outside >= 0, outside + 1, -1))
    cohort = np.where(ring >= 0, 0, -1)
    return Scheme(
        "area",
        np.empty((0, 2)),
        np.empty(0, np.int64),
        np.array([start]),
        ring,
        cohort,
        ring_labels(edges, area=True),
    )


def control_area(scheme: Scheme, control, n_points: int, edges) -> tuple[np.ndarray, str, int]:
    outside = scheme.ring == -1
    if control is None:
        where = "from the nearest site" if scheme.kind == "sites" else "outside the area"
        return outside, f"every map point farther than {edges[-1]:g} m {where}", 0
    mask = _as_mask(control, "control", n_points)
    overlap = int((mask & ~outside).sum())
    definition = f"the chosen control area ({int(mask.sum())} map points"
    definition += f", {overlap} of them in the rings and left out)" if overlap else ")"
    return mask & outside, definition, overlap


def _series(crimes: CrimeTable, label: np.ndarray, groups: int) -> np.ndarray:
    """``(groups, months, types + 1)`` crimes by group of map points, month and type (+ all)."""
    types, months = len(crimes.type_names), crimes.n_months
    group = label[crimes.point]
    keep = group >= 0
    key = (group[keep] * months + crimes.month[keep]) * types + crimes.type_index[keep]
    counts = np.bincount(key, minlength=groups * months * types).reshape(groups, months, types)
    return np.concatenate([counts, counts.sum(axis=2, keepdims=True)], axis=2)


def point_window_counts(crimes: CrimeTable, months: np.ndarray) -> np.ndarray:
    """``(P, types + 1)`` crimes per map point and type (+ all) in the given months."""
    types, n_points = len(crimes.type_names), len(crimes.point_xy)
    inside = np.zeros(max(crimes.n_months, 1), dtype=bool)
    inside[months - crimes.first_month] = True
    keep = inside[crimes.month]
    key = crimes.point[keep] * types + crimes.type_index[keep]
    counts = np.bincount(key, minlength=n_points * types).reshape(n_points, types)
    return np.concatenate([counts, counts.sum(axis=1, keepdims=True)], axis=1)


@dataclass(frozen=True)
class Counts:
    series: np.ndarray  # (rings * G + 1, months, C)
    tables: np.ndarray  # (rings, G, 4, C)
    points: np.ndarray  # (rings, G) map points per ring and start month
    control_points: int
    windows: tuple[Window, ...]


def count(crimes, scheme: Scheme, control_mask, months_before, months_after) -> Counts:
    rings, groups = len(scheme.labels), len(scheme.starts)
    label = np.where(
        scheme.ring >= 0,
        scheme.ring * groups + scheme.cohort,
        np.where(control_mask, rings * groups, -1),
    )
    series = _series(crimes, label, rings * groups + 1)
    windows = tuple(
        window(s, months_before, months_after, crimes.months_present) for s in scheme.starts
    )
    tables = np.zeros((rings, groups, 4, series.shape[2]), dtype=np.int64)
    for g, w in enumerate(windows):
        before, after = w.before - crimes.first_month, w.after - crimes.first_month
        control = series[rings * groups]
        tables[:, g, 2] = control[before].sum(axis=0)
        tables[:, g, 3] = control[after].sum(axis=0)
        for r in range(rings):
            tables[r, g, 0] = series[r * groups + g, before].sum(axis=0)
            tables[r, g, 1] = series[r * groups + g, after].sum(axis=0)
    inside = scheme.ring >= 0
    points = np.bincount(
        scheme.ring[inside] * groups + scheme.cohort[inside], minlength=rings * groups
    ).reshape(rings, groups)
    return Counts(series, tables, points, int(control_mask.sum()), windows)
