"""Opening hours: the text form, overnight spans, exceptions, bank holidays and clock changes."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from citysafe.havens import hours as h


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_day_ranges_daily_and_midnight_are_read_and_written_back():
    spans = h.parse_spans("Mon-Fri 09:00-17:30; Fri 18:00-02:00+1\nSat 10:00-24:00")
    assert [s.text() for s in spans] == [
        "Mon 09:00-17:30",
        "Tue 09:00-17:30",
        "Wed 09:00-17:30",
        "Thu 09:00-17:30",
        "Fri 09:00-17:30",
        "Fri 18:00-02:00+1",
        "Sat 10:00-24:00",
    ]
    text = h.spans_text(spans)
    assert text == (
        "Mon 09:00-17:30; Tue 09:00-17:30; Wed 09:00-17:30; Thu 09:00-17:30; "
        "Fri 09:00-17:30 18:00-02:00+1; Sat 10:00-24:00"
    )
    assert h.parse_spans(text) == spans
    assert len(h.parse_spans("Daily 00:00-24:00")) == 7
    assert h.parse_spans("") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Fri 18:00-02:00",
            "closes at 02:00, before it opens at 18:00; if it closes the next "
            "morning mark it overnight (18:00-02:00+1)",
        ),
        ("Mon 09:00-09:00", "opens and closes at 09:00"),
        ("Mon 09:00-10:00+1", "over 24 hours"),
        ("Mon 9-17", "is not a span HH:MM-HH:MM"),
        ("Mon 25:00-26:00", "is not a time HH:MM"),
        ("Funday 09:00-17:00", "is not a day"),
        ("Fri-Mon 09:00-17:00", "runs backwards"),
        ("Mon 09:00-17:00; Mon 16:00-20:00", "Mon 09:00-17:00 overlaps Mon 16:00-20:00"),
        ("Sun 22:00-06:00+1; Mon 05:00-12:00", "Mon 05:00-12:00 overlaps Sun 22:00-06:00+1"),
        ("Mon", "give a day and at least one span"),
    ],
)
def test_invalid_hours_are_refused_with_a_clear_message(text, message):
    with pytest.raises(
        h.HoursError, match=message.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")
    ):
        h.parse_spans(text)


def test_an_overnight_span_is_open_after_midnight_and_closed_after_it_ends():
    friday_night = h.Schedule(tuple(h.parse_spans("Fri 18:00-02:00+1")))
    assert friday_night.open_until(at("2025-06-06 17:59")) is None  # a Friday
    assert friday_night.open_until(at("2025-06-06 18:00")) == at("2025-06-07 02:00")
    assert friday_night.open_until(at("2025-06-07 01:59")) == at("2025-06-07 02:00")
    assert friday_night.open_until(at("2025-06-07 02:00")) is None
    assert friday_night.open_until(at("2025-06-08 01:00")) is None  # Saturday night: shut


def test_back_to_back_spans_are_followed_to_the_real_closing_time():
    always = h.Schedule(tuple(h.parse_spans("Daily 00:00-24:00")))
    assert always.open_until(at("2025-06-02 12:00")) == at("2025-06-09 00:00")  # a week on
    late = h.Schedule(tuple(h.parse_spans("Fri 16:00-24:00; Sat 00:00-03:00")))
    assert late.open_until(at("2025-06-06 23:00")) == at("2025-06-07 03:00")


def test_exceptions_close_a_venue_or_change_its_hours_on_their_dates_only():
    schedule = h.Schedule(
        tuple(h.parse_spans("Daily 09:00-17:00; Fri 18:00-02:00+1")),
        tuple(
            h.parse_exceptions(
                "2025-06-07 to 2025-06-08 closed (refit); 2025-06-10 09:00-12:00 (training day)"
            )
        ),
    )
    assert schedule.open_until(at("2025-06-07 10:00")) is None
    assert schedule.open_until(at("2025-06-09 10:00")) == at("2025-06-09 17:00")
    assert schedule.open_until(at("2025-06-10 11:00")) == at("2025-06-10 12:00")
    assert schedule.open_until(at("2025-06-10 13:00")) is None
    # the Friday night span belongs to Friday: Saturday's closure does not cut it short
    assert schedule.open_until(at("2025-06-07 01:00")) == at("2025-06-07 02:00")


def test_exceptions_are_checked_and_round_trip():
    text = "2025-12-24 09:00-16:00 (Christmas Eve); 2025-12-25 to 2025-12-26 closed (Christmas)"
    assert h.exceptions_text(h.parse_exceptions(text)) == text
    with pytest.raises(h.HoursError, match="before it starts"):
        h.closure(date(2025, 1, 2), date(2025, 1, 1), closed=True)
    with pytest.raises(h.HoursError, match="overlap"):
        h.parse_exceptions("2025-01-01 to 2025-01-05 closed; 2025-01-05 closed")
    with pytest.raises(h.HoursError, match="mark it overnight"):
        h.parse_exceptions("2025-01-01 20:00-01:00")
    with pytest.raises(h.HoursError, match="write DATE"):
        h.parse_exceptions("Christmas closed")


@pytest.mark.parametrize(
    ("year", "official"),
    [
        # gov.uk's England and Wales lists; 25-26 December and 1 January count as well
        (2025, ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"]),
        (
            2022,
            [
                "01-03",
                "04-15",
                "04-18",
                "05-02",
                "06-02",
                "06-03",
                "08-29",
                "09-19",
                "12-26",
                "12-27",
            ],
        ),
        (2021, ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"]),
        (2020, ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"]),
    ],
)
def test_bank_holidays_of_england_and_wales(year, official):
    expected = {date.fromisoformat(f"{year}-{d}") for d in official}
    expected |= {date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)}
    assert h.bank_holidays(year) == expected


def test_a_venue_closed_on_bank_holidays_is_closed_on_easter_monday_only():
    schedule = h.Schedule(tuple(h.parse_spans("Daily 09:00-17:00")), (), "closed")
    assert schedule.open_until(at("2025-04-21 10:00")) is None  # Easter Monday
    assert schedule.open_until(at("2025-04-22 10:00")) == at("2025-04-22 17:00")
    usual = h.Schedule(tuple(h.parse_spans("Daily 09:00-17:00")), (), "usual")
    assert usual.open_until(at("2025-04-21 10:00")) == at("2025-04-21 17:00")


def test_wall_clock_hours_hold_across_the_clock_changes():
    spring = h.Schedule(tuple(h.parse_spans("Sat 20:00-03:00+1")))
    # 30 March 2025: at 01:00 GMT the clocks go forward to 02:00 BST
    moment = datetime.fromisoformat("2025-03-30T01:30:00+00:00")
    assert h.local(moment) == at("2025-03-30 02:30")
    until = h.aware(spring.open_until(h.local(moment)))
    assert until.isoformat() == "2025-03-30T03:00:00+01:00"
    assert (until - moment).total_seconds() == 30 * 60
    # 26 October 2025: 01:30 happens twice, once in BST and once in GMT; both are open
    autumn = h.Schedule(tuple(h.parse_spans("Sat 20:00-02:00+1")))
    for utc in ("2025-10-26T00:30:00+00:00", "2025-10-26T01:30:00+00:00"):
        wall = h.local(datetime.fromisoformat(utc))
        assert wall.replace(fold=0) == at("2025-10-26 01:30")
        assert autumn.open_until(wall) == at("2025-10-26 02:00")


def test_gaps_between_need_and_cover_wrap_around_the_week():
    need = h.week_intervals(h.parse_spans("Sun 20:00-02:00+1; Wed 09:00-17:00"))
    have = h.week_intervals(h.parse_spans("Sun 20:00-23:00; Wed 09:00-12:00"))
    gaps = h.subtract(need, have)
    assert [h.interval_text(a, b) for a, b in gaps] == [
        "Wed 12:00 to 17:00",
        "Sun 23:00 to Mon 02:00",
    ]
    assert h.subtract(need, need) == []


def test_a_span_knows_its_minutes():
    span = h.Span(4, time(18), time(2), True)
    assert (span.start, span.length) == (4 * 1440 + 18 * 60, 8 * 60)
