"""Coverage of a home-security programme: protected homes over all homes, by area and month.

A home counts as protected from the month of its first installation on
(seed 003 counts alarmed properties the same way: 2,383 of 5,460, 44%, after
six months). The figures are counts at the end of each month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from citysafe.analysis._arrays import as_ints, month_number

__all__ = ["Coverage", "programme_coverage"]


@dataclass(frozen=True)
class Coverage:
    """Protected homes by month, overall and in each area.

    Attributes
    ----------
    first_month, last_month : int
        The period (month indices, inclusive).
    areas : numpy.ndarray
        ``(A,)`` the area labels, sorted.
    households : numpy.ndarray
        ``(A,)`` homes in each area.
    protected : numpy.ndarray
        ``(M, A)`` homes of each area protected by the end of each month.
    total_protected : numpy.ndarray
        ``(M,)`` the same over every area.
    """

    first_month: int
    last_month: int
    areas: np.ndarray
    households: np.ndarray
    protected: np.ndarray
    total_protected: np.ndarray

    @property
    def months(self) -> int:
        return self.last_month - self.first_month + 1

    @property
    def coverage(self) -> np.ndarray:
        """``(M, A)`` share of each area's homes protected (NaN for an area with no homes)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.households > 0, self.protected / self.households, np.nan)

    @property
    def total_coverage(self) -> np.ndarray:
        """``(M,)`` share of all homes protected (NaN when there are none)."""
        homes = int(self.households.sum())
        return self.total_protected / homes if homes else np.full(self.months, np.nan)


def programme_coverage(installed_month, area, *, first_month: int, last_month: int) -> Coverage:
    """Homes protected by the end of each month, in each area and overall.

    Parameters
    ----------
    installed_month : array_like of int
        ``(H,)`` month index of each home's first installation, negative if never.
    area : array_like of int
        ``(H,)`` each home's area.
    first_month, last_month : int
        The period, inclusive.

    Returns
    -------
    Coverage

    Examples
    --------
    >>> found = programme_coverage([0, 1, -1, 1], [7, 7, 7, 8], first_month=0, last_month=1)
    >>> found.total_protected.tolist(), found.protected.tolist()
    ([1, 3], [[1, 0], [2, 1]])
    """
    installed, group = as_ints(installed_month, "installed_month"), as_ints(area, "area")
    if len(installed) != len(group):
        raise ValueError(
            f"installed_month and area differ in length: {len(installed)}, {len(group)}"
        )
    first, last = month_number(first_month, "first_month"), month_number(last_month, "last_month")
    if last < first:
        raise ValueError(f"last_month {last} is before first_month {first}")
    months = last - first + 1
    areas, index = np.unique(group, return_inverse=True)
    households = np.bincount(index, minlength=len(areas)).astype(np.int64)
    fitted = installed >= 0
    # installs before the period count from its first month; after it, never
    step = np.clip(installed[fitted] - first, 0, None)
    keep = step < months
    new = np.zeros((months, len(areas)), np.int64)
    np.add.at(new, (step[keep], index[fitted][keep]), 1)
    protected = np.cumsum(new, axis=0)
    return Coverage(first, last, areas, households, protected, protected.sum(axis=1))
