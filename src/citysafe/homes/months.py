"""Months of the programme's reports, through ``citysafe.months``: a month the programme
cannot read is refused as the programme's own error (a 422, not a crash, on the web)."""

from __future__ import annotations

from citysafe import months
from citysafe.homes.errors import HomesError
from citysafe.months import month_label, month_of_day

__all__ = ["month_index", "month_label", "month_of_day"]


def month_index(month: str) -> int:
    """``"2024-03"`` -> 24290; raises ``HomesError`` naming what it got when not a month."""
    try:
        return months.month_index(month)
    except months.MonthError as error:
        raise HomesError(str(error)) from None
