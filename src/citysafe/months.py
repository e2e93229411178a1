"""Months as police.uk writes them (``YYYY-MM``) and as the kernels count them.

A month index is ``year * 12 + month - 1``: 2024-03 is 24290, and the month
after it is 24291 whatever the year. Every domain converts through here.
"""

from __future__ import annotations

from datetime import date

__all__ = ["FIRST_YEAR", "LAST_YEAR", "MonthError", "month_index", "month_label", "month_of_day"]

FIRST_YEAR, LAST_YEAR = 1900, 2200  # beyond these a month is a typing slip, not a period


class MonthError(ValueError):
    """Text that is not a month ``YYYY-MM`` of a year from 1900 to 2200."""


def month_index(month: str) -> int:
    """``"2024-03"`` -> 24290; raises ``MonthError`` naming what it got otherwise."""
    text = str(month)
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        raise MonthError(f"a month is YYYY-MM, got {month!r}")
    year, number = int(text[:4]), int(text[5:])
    if not 1 <= number <= 12:
        raise MonthError(f"a month is YYYY-MM, got {month!r}")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise MonthError(f"a month's year is {FIRST_YEAR} to {LAST_YEAR}, got {month!r}")
    return year * 12 + number - 1


def month_label(index: int) -> str:
    """``24290`` -> ``"2024-03"``."""
    index = int(index)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_of_day(day: date) -> int:
    """The index of the month a day falls in."""
    return day.year * 12 + day.month - 1
