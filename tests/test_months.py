"""Months: ``YYYY-MM`` to the kernels' index and back, and what is refused."""

from __future__ import annotations

from datetime import date

import pytest

from citysafe.hotspots.events import SelectionError, parse_month_range
from citysafe.months import MonthError, month_index, month_label, month_of_day


def test_months_count_on_across_years_and_round_trip():
    assert month_index("2024-03") == 2024 * 12 + 2
    assert month_index("2024-12") + 1 == month_index("2025-01")
    for text in ("1900-01", "2019-07", "2200-12"):
        assert month_label(month_index(text)) == text
    assert month_of_day(date(2024, 3, 31)) == month_index("2024-03")


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "0000-01", "24-03", "2024/03", "2024-3"])
def test_what_is_not_a_month_is_refused(text):
    with pytest.raises(MonthError, match=r"month"):
        month_index(text)


def test_a_month_range_past_december_is_refused_not_wrapped_into_next_year():
    assert parse_month_range("2020-11:2020-12") == (month_index("2020-11"), month_index("2020-12"))
    with pytest.raises(SelectionError, match="is not YYYY-MM"):
        parse_month_range("2020-11:2020-13")
