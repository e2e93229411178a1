"""Before and after windows of whole months around a start month, with absent months mirrored.

Months are integer indices ``year * 12 + month - 1``. The before window is the
``months_before`` months ending with the month before the start, the after
window the ``months_after`` months starting with the start month. With equal
windows, month ``start - N + i`` is paired with ``start + i`` (the same
calendar month a year on when N is 12, so seasons cancel); when either month
of a pair is absent from the data both are left out, so the two windows stay
the same length. With unequal windows each side only loses its own absent
months, and rates are per month of exposure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from citysafe.months import month_label

__all__ = ["MonthLeftOut", "Window", "month_label", "window"]


@dataclass(frozen=True)
class MonthLeftOut:
    """A month of a window that was not counted, and why."""

    start: int
    month: int
    side: str
    reason: str

    @property
    def label(self) -> str:
        return month_label(self.month)


@dataclass(frozen=True)
class Window:
    """The months counted before and after one start month.

    Attributes
    ----------
    start : int
    before, after : numpy.ndarray
        Month indices counted on each side, in order.
    left_out : tuple of MonthLeftOut
    """

    start: int
    before: np.ndarray
    after: np.ndarray
    left_out: tuple[MonthLeftOut, ...]


def _absence(month: int, present: np.ndarray) -> str | None:
    """Why a month is not in the data, or None if it is."""
    if present.size == 0:
        return "absent: the data has no months"
    if month < present[0]:
        return f"before the first month of the data ({month_label(present[0])})"
    if month > present[-1]:
        return f"after the last month of the data ({month_label(present[-1])})"
    index = np.searchsorted(present, month)
    return None if present[index] == month else "missing from the data"


def window(start: int, months_before: int, months_after: int, present: np.ndarray) -> Window:
    """The counted months either side of ``start``, given the sorted months present.

    Examples
    --------
    >>> present = np.array([100, 101, 103, 104, 105])
    >>> w = window(103, 2, 2, present)
    >>> w.before.tolist(), w.after.tolist(), [(m.month, m.side) for m in w.left_out]
    ([101], [103], [(102, 'before'), (104, 'after')])
    """
    start = int(start)
    before = np.arange(start - months_before, start)
    after = np.arange(start, start + months_after)
    why_before = [_absence(m, present) for m in before]
    why_after = [_absence(m, present) for m in after]
    left: list[MonthLeftOut] = []
    if months_before == months_after:
        keep = np.array(
            [b is None and a is None for b, a in zip(why_before, why_after, strict=True)]
        )
        for m_b, m_a, w_b, w_a in zip(before, after, why_before, why_after, strict=True):
            if w_b is None and w_a is None:
                continue
            for month, side, why, other, other_why in (
                (m_b, "before", w_b, m_a, w_a),
                (m_a, "after", w_a, m_b, w_b),
            ):
                reason = why or f"mirror of {month_label(other)}, which is {other_why}"
                left.append(MonthLeftOut(start, int(month), side, reason))
        # absent months first, then their mirrors, each in month order
        left.sort(key=lambda m: (m.reason.startswith("mirror"), m.month))
        return Window(start, before[keep], after[keep], tuple(left))
    keep_before = np.array([w is None for w in why_before], dtype=bool)
    keep_after = np.array([w is None for w in why_after], dtype=bool)
    for months, side, whys in ((before, "before", why_before), (after, "after", why_after)):
        left.extend(
            MonthLeftOut(start, int(m), side, w) for m, w in zip(months, whys, strict=True) if w
        )
    return Window(start, before[keep_before], after[keep_after], tuple(left))
