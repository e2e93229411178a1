"""Months of the programme's reports: ``YYYY-MM`` and its index, year * 12 + month - 1."""

from __future__ import annotations

from datetime import date

from citysafe.homes.errors import HomesError

__all__ = ["month_index", "month_label", "month_of_day"]

FIRST_YEAR, LAST_YEAR = 1900, 2200  # beyond these a month is a typing slip, not a period


def month_index(month: str) -> int:
    """'2024-03' -> 24290; raises ``HomesError`` naming what it got when not ``YYYY-MM``."""
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
        raise HomesError(f"a month is YYYY-MM, got {month!r}")
    number, year = int(month[5:]), int(month[:4])
    if not 1 <= number <= 12:
        raise HomesError(f"a month is YYYY-MM, got {month!r}")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise HomesError(f"a month's year is {FIRST_YEAR} to {LAST_YEAR}, got {month!r}")
    return year * 12 + number - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_of_day(day: date) -> int:
    return day.year * 12 + day.month - 1
