"""The crime table an evaluation counts from: map point, month and type of every crime."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.spatial import cKDTree

from citysafe.analysis.rings import as_xy

__all__ = ["CrimeTable", "as_integers", "crime_table"]


@dataclass(frozen=True)
class CrimeTable:
    """Crimes reduced to what an evaluation needs, built once and reused.

    Attributes
    ----------
    point_xy : numpy.ndarray
        ``(P, 2)`` map points, metres on British National Grid.
    point, month, type_index : numpy.ndarray
        ``(N,)`` per located crime: map point, month as an offset from
        ``first_month``, and index into ``type_names``.
    type_names : tuple of str
        Crime type names in code order.
    months_present : numpy.ndarray
        Sorted month indices (``year * 12 + month - 1``) the data covers.
    first_month, n_months : int
        First month present and the span in months to the last.
    unlocated : int
        Crimes without a usable location (in no ring and no control).
    """

    point_xy: np.ndarray
    point: np.ndarray
    month: np.ndarray
    type_index: np.ndarray
    type_names: tuple[str, ...]
    months_present: np.ndarray
    first_month: int
    n_months: int
    unlocated: int

    @cached_property
    def tree(self) -> cKDTree:
        """k-d tree on the map points."""
        return cKDTree(self.point_xy)

    def __len__(self) -> int:
        return len(self.point)


def as_integers(values, name: str) -> np.ndarray:
    if isinstance(values, str | bytes) or values is None:
        raise TypeError(f"{name} must be an array of whole numbers, got {type(values).__name__}")
    array = np.asarray(values)
    if array.size == 0:
        return np.empty(0, dtype=np.int64)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{name} must be an array of whole numbers, got dtype {array.dtype}")
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if not np.isfinite(array).all() or (array != np.round(array)).any():
        raise ValueError(f"{name} must hold whole numbers")
    return array.astype(np.int64)


def crime_table(
    point_xy,
    crime_point,
    crime_month,
    crime_type,
    *,
    type_names: Mapping[int, str],
    months_present=None,
) -> CrimeTable:
    """The crime table of an evaluation, from parallel arrays as loaded from the store.

    Parameters
    ----------
    point_xy : array_like
        ``(P, 2)`` map points, metres on British National Grid.
    crime_point : array_like of int
        ``(N,)`` map point of each crime, -1 for a crime with no usable location.
    crime_month : array_like of int
        ``(N,)`` month index ``year * 12 + month - 1``.
    crime_type : array_like of int
        ``(N,)`` crime type code.
    type_names : mapping of int to str
        Name of each code (police.uk's names).
    months_present : array_like of int, optional
        Months the data covers. Give the store's months so that a month with
        no crime of these types is not mistaken for a missing one; by default
        the months of the crimes.

    Returns
    -------
    CrimeTable
    """
    points = as_xy(point_xy, "point_xy")
    where, month, kind = (
        as_integers(v, n)
        for v, n in (
            (crime_point, "crime_point"),
            (crime_month, "crime_month"),
            (crime_type, "crime_type"),
        )
    )
    if not (len(where) == len(month) == len(kind)):
        raise ValueError(
            "crime_point, crime_month and crime_type must have the same length, got "
            f"{len(where)}, {len(month)} and {len(kind)}"
        )
    if not isinstance(type_names, Mapping):
        raise TypeError(f"type_names must map codes to names, got {type(type_names).__name__}")
    codes = np.array(sorted(type_names), dtype=np.int64)
    index = np.searchsorted(codes, kind)
    unknown = (index >= len(codes)) | (codes[np.minimum(index, len(codes) - 1)] != kind)
    if len(codes) == 0 and len(kind) or unknown.any():
        raise ValueError(f"crime_type code {kind[np.flatnonzero(unknown)[0]]} is not in type_names")
    if ((where < -1) | (where >= len(points))).any():
        bad = int(where[(where < -1) | (where >= len(points))][0])
        raise ValueError(f"crime_point must be -1 or a map point below {len(points)}, got {bad}")
    present = np.unique(
        month if months_present is None else as_integers(months_present, "months_present")
    )
    if len(month) and not np.isin(month, present).all():
        raise ValueError(
            f"crime_month {int(month[~np.isin(month, present)][0])} is not in months_present"
        )
    located = where >= 0
    first = int(present[0]) if present.size else 0
    return CrimeTable(
        point_xy=points,
        point=where[located],
        month=month[located] - first,
        type_index=index[located],
        type_names=tuple(type_names[int(c)] for c in codes),
        months_present=present,
        first_month=first,
        n_months=int(present[-1] - first + 1) if present.size else 0,
        unlocated=int((~located).sum()),
    )
