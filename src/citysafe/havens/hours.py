"""Opening hours and shift patterns: weekly spans, overnight spans, exceptions, bank holidays.

Times are Europe/London wall-clock times. A *span* opens on a weekday and
closes later that day, or, when marked overnight, the next day (Friday
18:00 to Saturday 02:00 is written ``Fri 18:00-02:00+1``); ``24:00`` is
midnight at the end of the day. A span belongs to the day it opens on:
an exception or bank holiday on Saturday does not cut short a Friday
night span that runs into Saturday.

An *exception* covers a run of dates (one day or more) and either closes
the venue or replaces its usual hours on those dates. A venue's
``bank_holidays`` rule is ``usual`` (open as on that weekday) or
``closed`` (closed on England and Wales bank holidays, and on 1 January,
25 and 26 December). An exception wins over the bank holiday rule.

The text forms here are what the CSV export, the forms and the command
line use; each parser names the entry it could not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = [
    "BANK_HOLIDAY_RULES",
    "LONDON",
    "WEEKDAYS",
    "Closure",
    "HoursError",
    "Schedule",
    "Span",
    "bank_holidays",
    "exceptions_text",
    "interval_text",
    "parse_exceptions",
    "parse_spans",
    "spans_text",
    "subtract",
    "validate_spans",
    "week_intervals",
]

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY = 1440  # minutes
WEEK = 7 * DAY
BANK_HOLIDAY_RULES = ("usual", "closed")
MAX_EXCEPTION_DAYS = 366
FIRST_YEAR, LAST_YEAR = 1900, 2200  # dates outside these are typing mistakes
_TIME = re.compile(r"([01]\d|2[0-4]):([0-5]\d)")
_SPAN = re.compile(r"(\d\d:\d\d)-(\d\d:\d\d)(\+1)?")
_DAYS = re.compile(r"(?i)(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?|daily")


class HoursError(ValueError):
    """Hours, shifts or exceptions that cannot be stored as given."""


@dataclass(frozen=True, order=True)
class Span:
    """Open (or on shift) from ``opens`` on ``weekday`` (0 is Monday) until ``closes``.

    ``overnight`` spans close on the next day; an overnight span with
    ``closes == opens`` lasts 24 hours.
    """

    weekday: int
    opens: time
    closes: time
    overnight: bool = False

    @property
    def start(self) -> int:
        """Minute of the week it opens (0 is Monday 00:00)."""
        return self.weekday * DAY + self.opens.hour * 60 + self.opens.minute

    @property
    def length(self) -> int:
        """Minutes it lasts."""
        opens = self.opens.hour * 60 + self.opens.minute
        closes = self.closes.hour * 60 + self.closes.minute
        return closes - opens + (DAY if self.overnight else 0)

    def times_text(self) -> str:
        return _times_text(self.opens, self.closes, self.overnight)

    def text(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.times_text()}"


def _times_text(opens: time, closes: time, overnight: bool) -> str:
    if overnight and closes == time(0, 0):
        return f"{opens:%H:%M}-24:00"
    return f"{opens:%H:%M}-{closes:%H:%M}" + ("+1" if overnight else "")


def _clock(text: str, where: str) -> tuple[time, bool]:
    """A time ``HH:MM``; ``24:00`` is midnight at the end of the day (returned as 00:00, True)."""
    match = _TIME.fullmatch(text)
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        raise HoursError(f"{where}: {text!r} is not a time HH:MM (00:00 to 24:00)")
    if text == "24:00":
        return time(0, 0), True
    return time(int(match.group(1)), int(match.group(2))), False


def day_span(text: str, where: str) -> tuple[time, time, bool]:
    """``opens-closes`` or ``opens-closes+1``: checked, as (opens, closes, overnight)."""
    match = _SPAN.fullmatch(text)
    if not match:
        raise HoursError(
            f"{where}: {text!r} is not a span HH:MM-HH:MM (add +1 when it closes the next day)"
        )
    opens, opens_late = _clock(match.group(1), where)
    if opens_late:
        raise HoursError(f"{where}: nothing opens at 24:00; write 00:00 on the next day")
    closes, midnight = _clock(match.group(2), where)
    overnight = bool(match.group(3)) or midnight
    if midnight and match.group(3):
        raise HoursError(f"{where}: 24:00+1 is two days away; write 24:00")
    check_times(opens, closes, overnight, where)
    return opens, closes, overnight


def check_times(opens: time, closes: time, overnight: bool, where: str) -> None:
    """Refuse a span that closes before it opens (without the overnight flag) or lasts over 24 h."""
    if not overnight and closes < opens:
        raise HoursError(
            f"{where}: closes at {closes:%H:%M}, before it opens at {opens:%H:%M}; if it closes "
            f"the next morning mark it overnight ({opens:%H:%M}-{closes:%H:%M}+1)"
        )
    if not overnight and closes == opens:
        raise HoursError(
            f"{where}: opens and closes at {opens:%H:%M}; for 24 hours write "
            f"{opens:%H:%M}-{closes:%H:%M}+1"
        )
    if overnight and closes > opens:
        raise HoursError(
            f"{where}: {opens:%H:%M} to {closes:%H:%M} the next day is over 24 hours; "
            "split it into one span a day"
        )


def _weekdays(text: str, where: str) -> list[int]:
    match = _DAYS.fullmatch(text)
    if not match:
        raise HoursError(f"{where}: {text!r} is not a day (Mon ... Sun, a range Mon-Fri, or Daily)")
    if text.lower() == "daily":
        return list(range(7))
    names = [w.lower() for w in WEEKDAYS]
    first = names.index(match.group(1).lower())
    last = names.index(match.group(2).lower()) if match.group(2) else first
    if last < first:
        raise HoursError(f"{where}: the day range {text!r} runs backwards")
    return list(range(first, last + 1))


def parse_spans(text: str | None, *, what: str = "hours") -> list[Span]:
    """Weekly spans from text such as ``Mon-Fri 09:00-17:30; Fri 18:00-02:00+1; Sat 10:00-16:00``.

    Entries are separated by ``;`` or new lines; each is a day (or a range,
    or ``Daily``) and one or more spans. A day with no entry is closed.
    """
    spans: list[Span] = []
    for raw in re.split(r"[;\n]", text or ""):
        entry = raw.strip()
        if not entry:
            continue
        parts = entry.replace(",", " ").split()
        where = f"{what} {entry!r}"
        if len(parts) < 2:
            raise HoursError(f"{where}: give a day and at least one span, e.g. Mon 09:00-17:00")
        days = _weekdays(parts[0], where)
        for part in parts[1:]:
            opens, closes, overnight = day_span(part, where)
            spans.extend(Span(d, opens, closes, overnight) for d in days)
    return validate_spans(spans, what=what)


def validate_spans(spans, *, what: str = "hours") -> list[Span]:
    """Check each span and that none overlaps another (across midnight and the week's end)."""
    checked = []
    for span in spans:
        if not isinstance(span.weekday, int) or not 0 <= span.weekday <= 6:
            raise HoursError(f"{what}: weekday {span.weekday!r} is not 0 (Mon) to 6 (Sun)")
        check_times(span.opens, span.closes, span.overnight, f"{what} {span.text()}")
        checked.append(span)
    checked.sort()
    placed: list[tuple[int, int, Span]] = []
    for span in checked:
        for start, end in _pieces(span.start, span.start + span.length):
            for other_start, other_end, other in placed:
                if start < other_end and other_start < end:
                    raise HoursError(f"{what}: {other.text()} overlaps {span.text()}")
            placed.append((start, end, span))
    return checked


def spans_text(spans) -> str:
    """The canonical text of weekly spans: one entry per day, days in order."""
    by_day: dict[int, list[str]] = {}
    for span in sorted(spans):
        by_day.setdefault(span.weekday, []).append(span.times_text())
    return "; ".join(f"{WEEKDAYS[d]} {' '.join(times)}" for d, times in sorted(by_day.items()))


# ---- minute-of-week intervals (readiness: are the open hours covered by shifts?)


def _pieces(start: int, end: int) -> list[tuple[int, int]]:
    """An interval of minutes of the week, split where it runs past Sunday midnight."""
    if end <= WEEK:
        return [(start, end)]
    return [(start, WEEK), (0, end - WEEK)]


def merge(intervals) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def week_intervals(spans) -> list[tuple[int, int]]:
    """The minutes of the week the spans cover, merged, within [0, 10080)."""
    pieces = [p for s in spans for p in _pieces(s.start, s.start + s.length)]
    return merge(pieces)


def subtract(need, have) -> list[tuple[int, int]]:
    """The parts of the ``need`` intervals that no ``have`` interval covers."""
    have = merge(have)
    gaps = []
    for start, end in merge(need):
        cursor = start
        for h_start, h_end in have:
            if h_end <= cursor or h_start >= end:
                continue
            if h_start > cursor:
                gaps.append((cursor, h_start))
            cursor = max(cursor, h_end)
            if cursor >= end:
                break
        if cursor < end:
            gaps.append((cursor, end))
    return _join_week_end(gaps)


def _join_week_end(gaps: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A gap running over Sunday midnight as one (end past 10080)."""
    if len(gaps) >= 2 and gaps[0][0] == 0 and gaps[-1][1] == WEEK:
        return [*gaps[1:-1], (gaps[-1][0], WEEK + gaps[0][1])]
    return gaps


def interval_text(start: int, end: int) -> str:
    """``Fri 23:00 to Sat 02:00`` for minutes of the week (end may pass Sunday midnight)."""

    def clock(minute: int) -> tuple[str, str]:
        minute %= WEEK
        day, rest = divmod(minute, DAY)
        return WEEKDAYS[day], f"{rest // 60:02d}:{rest % 60:02d}"

    first_day, first = clock(start)
    last_day, last = clock(end)
    if last == "00:00" and end - start <= DAY:
        return f"{first_day} {first} to 24:00"
    if first_day == last_day and end - start < DAY:
        return f"{first_day} {first} to {last}"
    return f"{first_day} {first} to {last_day} {last}"


# ---- exceptions


@dataclass(frozen=True)
class Closure:
    """An exception to the usual hours from ``starts_on`` to ``ends_on`` (inclusive).

    ``closed`` exceptions close the venue; otherwise ``hours`` (spans of a
    day: opens, closes, overnight) replace its usual hours on those dates.
    """

    starts_on: date
    ends_on: date
    closed: bool
    hours: tuple[tuple[time, time, bool], ...] = ()
    note: str = ""

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def hours_text(self) -> str:
        return " ".join(_times_text(*h) for h in self.hours)

    def text(self) -> str:
        when = f"{self.starts_on:%Y-%m-%d}"
        if self.ends_on != self.starts_on:
            when += f" to {self.ends_on:%Y-%m-%d}"
        what = "closed" if self.closed else self.hours_text()
        return f"{when} {what}" + (f" ({self.note})" if self.note else "")


_EXCEPTION = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?: to (\d{4}-\d{2}-\d{2}))? (closed|[0-9:+\- ]+?)(?: \(([^()]*)\))?"
)


def check_note(note: str | None, where: str) -> str:
    note = (note or "").strip()
    if len(note) > 100 or any(c in note for c in ";()\n"):
        raise HoursError(f"{where}: a note is up to 100 characters, without ; ( ) or new lines")
    return note


def closure(
    starts_on: date,
    ends_on: date | None,
    *,
    closed: bool,
    hours: str | None = None,
    note: str | None = None,
) -> Closure:
    """A checked exception; ``hours`` is text such as ``09:00-16:00`` when not closed."""
    ends_on = ends_on or starts_on
    where = f"exception from {starts_on:%Y-%m-%d}"
    for day in (starts_on, ends_on):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise HoursError(f"{where}: dates run from {FIRST_YEAR} to {LAST_YEAR}")
    if ends_on < starts_on:
        raise HoursError(f"{where}: it ends on {ends_on:%Y-%m-%d}, before it starts")
    if (ends_on - starts_on).days >= MAX_EXCEPTION_DAYS:
        raise HoursError(f"{where}: an exception lasts at most {MAX_EXCEPTION_DAYS} days")
    spans: tuple[tuple[time, time, bool], ...] = ()
    if closed:
        if hours and hours.strip():
            raise HoursError(f"{where}: a closure has no hours")
    else:
        parts = (hours or "").replace(",", " ").split()
        if not parts:
            raise HoursError(f"{where}: give the hours it opens instead, or mark it closed")
        spans = tuple(sorted(day_span(p, where) for p in parts))
        day = [Span(0, *s) for s in spans]
        validate_spans(day, what=where)
    return Closure(starts_on, ends_on, closed, spans, check_note(note, where))


def parse_date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise HoursError(f"{where}: {text!r} is not a date YYYY-MM-DD") from None


def parse_exceptions(text: str | None) -> list[Closure]:
    """Exceptions from text: ``2025-12-25 closed (Christmas Day); 2025-12-24 09:00-16:00``."""
    found = []
    for raw in re.split(r"[;\n]", text or ""):
        entry = raw.strip()
        if not entry:
            continue
        match = _EXCEPTION.fullmatch(entry)
        if not match:
            raise HoursError(
                f"exception {entry!r}: write DATE [to DATE] closed|HH:MM-HH:MM [(note)]"
            )
        where = f"exception {entry!r}"
        starts = parse_date(match.group(1), where)
        ends = parse_date(match.group(2), where) if match.group(2) else None
        closed = match.group(3) == "closed"
        found.append(
            closure(
                starts,
                ends,
                closed=closed,
                hours=None if closed else match.group(3),
                note=match.group(4),
            )
        )
    return check_exceptions(found)


def check_exceptions(found: list[Closure]) -> list[Closure]:
    found = sorted(found, key=lambda c: (c.starts_on, c.ends_on))
    for before, after in zip(found, found[1:], strict=False):
        if after.starts_on <= before.ends_on:
            raise HoursError(f"exceptions {before.text()!r} and {after.text()!r} overlap")
    return found


def exceptions_text(found) -> str:
    return "; ".join(c.text() for c in sorted(found, key=lambda c: (c.starts_on, c.ends_on)))


# ---- England and Wales bank holidays


def _easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


# one-off changes by royal proclamation: (moved from, moved to) and extra days
_MOVED = {2020: {(5, 4): (5, 8)}, 2022: {(5, 30): (6, 2)}, 2012: {(5, 28): (6, 4)}}
_EXTRA = {
    2011: [(4, 29)],  # royal wedding
    2012: [(6, 5)],  # diamond jubilee
    2022: [(6, 3), (9, 19)],  # platinum jubilee; state funeral
    2023: [(5, 8)],  # coronation
}


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays of ``year``, with 1 January, 25 and 26 December.

    Substitute days follow the usual rule (a holiday on a weekend moves to
    the next weekday not already a holiday); one-off days by proclamation
    from 2011 are included.
    """
    easter = _easter(year)
    days = {
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
    }
    for (m, d), (m2, d2) in _MOVED.get(year, {}).items():
        days.discard(date(year, m, d))
        days.add(date(year, m2, d2))
    days.update(date(year, m, d) for m, d in _EXTRA.get(year, []))
    fixed = [date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)]
    days.update(fixed)
    for holiday in fixed:
        if holiday.weekday() >= 5:
            substitute = holiday + timedelta(days=1)
            while substitute.weekday() >= 5 or substitute in days:
                substitute += timedelta(days=1)
            days.add(substitute)
    return frozenset(days)


# ---- a venue's schedule: is it open at a moment, and until when?


@dataclass(frozen=True)
class Schedule:
    """A venue's usual weekly spans, its exceptions and its bank holiday rule."""

    spans: tuple[Span, ...]
    exceptions: tuple[Closure, ...] = ()
    bank_holidays: str = "usual"

    def day_spans(self, day: date) -> list[tuple[datetime, datetime]]:
        """The spans opening on ``day``, as local (naive) start and end datetimes."""
        times: list[tuple[time, time, bool]]
        exception = next((c for c in self.exceptions if c.covers(day)), None)
        if exception is not None:
            times = list(exception.hours)
        elif self.bank_holidays == "closed" and day in bank_holidays(day.year):
            times = []
        else:
            times = [
                (s.opens, s.closes, s.overnight) for s in self.spans if s.weekday == day.weekday()
            ]
        out = []
        for opens, closes, overnight in times:
            start = datetime.combine(day, opens)
            end = datetime.combine(day + timedelta(days=1) if overnight else day, closes)
            out.append((start, end))
        return out

    def open_until(self, moment: datetime) -> datetime | None:
        """When the venue next closes if it is open at ``moment`` (local, naive), else None.

        Back-to-back spans (an overnight span followed by one opening at its
        close, or a venue open round the clock) are followed, up to a week ahead.
        """
        end = self._span_end(moment)
        if end is None:
            return None
        while True:
            later = self._span_end(end)
            if later is None or later <= end or later - moment > timedelta(days=7):
                return end
            end = later

    def _span_end(self, moment: datetime) -> datetime | None:
        best = None
        for day in (moment.date() - timedelta(days=1), moment.date()):
            for start, end in self.day_spans(day):
                if start <= moment < end and (best is None or end > best):
                    best = end
        return best


def local(moment: datetime) -> datetime:
    """A moment as Europe/London wall-clock time (naive); a naive moment is taken as local."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(LONDON).replace(tzinfo=None)


def aware(wall: datetime) -> datetime:
    """Europe/London wall-clock time as an aware datetime (the earlier of two in October)."""
    return wall.replace(tzinfo=LONDON)
