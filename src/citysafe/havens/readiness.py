"""The readiness rule, for one venue or the whole network at once.

A venue is **ready** on a day when

1. its status on that day is *active*;
2. its Safe Haven sign is up (installed on or before that day);
3. it has opening hours, and at least one *trained* member of staff is on
   duty whenever it is open: every minute of its usual weekly hours, and of
   any other hours it keeps on coming dates (exceptions that have not yet
   ended, up to 31 days ahead), falls within a shift of an active member of
   staff holding current first aid and safeguarding training that day.

Closures only shorten the hours, so they never make a venue unready. The
network is read with a few plain queries, so the finder can assess ten
thousand venues in a second or two.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from citysafe.havens import hours as hours_
from citysafe.havens.models import (
    Course,
    HoursException,
    OpeningSpan,
    Shift,
    StaffMember,
    StatusChange,
    Venue,
)
from citysafe.havens.training import Expiring, expiring_training, is_trained
from citysafe.havens.venues import today

__all__ = [
    "CHECKED_STATUSES",
    "Check",
    "Readiness",
    "StaffRecord",
    "VenueRecord",
    "assess",
    "check_network",
    "load_network",
]

CHECKED_STATUSES = ("approved", "active", "suspended")  # the coordinator's list
SPECIAL_HOURS_AHEAD = 31  # days of coming exceptions with other hours that are checked
MAX_GAPS_NAMED = 4


@dataclass(frozen=True)
class CourseRecord:
    course: str
    completed_on: date
    expires_on: date


@dataclass(frozen=True)
class StaffRecord:
    id: int
    name: str
    active: bool
    courses: tuple[CourseRecord, ...]
    shifts: tuple[hours_.Span, ...]


@dataclass(frozen=True)
class VenueRecord:
    """A venue with everything the readiness rule and the finder need."""

    id: int
    name: str
    kind: str
    address: str | None
    longitude: float
    latitude: float
    easting: float
    northing: float
    sign_installed_on: date | None
    history: tuple[tuple[date, int, str], ...]
    schedule: hours_.Schedule
    staff: tuple[StaffRecord, ...] = field(default=())

    def status_on(self, on: date) -> str | None:
        current = None
        for changed_on, _, status in self.history:
            if changed_on <= on:
                current = status
        return current


@dataclass(frozen=True)
class Readiness:
    venue_id: int
    venue: str
    status: str | None
    ready: bool
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "venue_id": self.venue_id,
            "venue": self.venue,
            "status": self.status,
            "ready": self.ready,
            "reasons": list(self.reasons),
        }


def _grouped(rows, key_index: int = 0) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for row in rows:
        out[row[key_index]].append(row)
    return out


def load_network(session: Session, *, venue_ids: list[int] | None = None) -> list[VenueRecord]:
    """Every venue (or those of ``venue_ids``) with status history, hours, staff and training."""

    def where(column):
        return () if venue_ids is None else (column.in_(venue_ids),)

    venues = session.execute(
        select(
            Venue.id,
            Venue.name,
            Venue.kind,
            Venue.address,
            Venue.longitude,
            Venue.latitude,
            Venue.easting,
            Venue.northing,
            Venue.sign_installed_on,
            Venue.bank_holidays,
        )
        .where(*where(Venue.id))
        .order_by(Venue.id)
    ).all()
    history = _grouped(
        session.execute(
            select(
                StatusChange.venue_id, StatusChange.changed_on, StatusChange.id, StatusChange.status
            )
            .where(*where(StatusChange.venue_id))
            .order_by(StatusChange.changed_on, StatusChange.id)
        )
    )
    spans = _grouped(
        session.execute(
            select(
                OpeningSpan.venue_id,
                OpeningSpan.weekday,
                OpeningSpan.opens,
                OpeningSpan.closes,
                OpeningSpan.overnight,
            ).where(*where(OpeningSpan.venue_id))
        )
    )
    exceptions = _grouped(
        session.execute(
            select(
                HoursException.venue_id,
                HoursException.starts_on,
                HoursException.ends_on,
                HoursException.closed,
                HoursException.hours,
                HoursException.note,
            ).where(*where(HoursException.venue_id))
        )
    )
    staff = _grouped(
        session.execute(
            select(StaffMember.venue_id, StaffMember.id, StaffMember.name, StaffMember.active)
            .where(*where(StaffMember.venue_id))
            .order_by(StaffMember.id)
        )
    )
    staff_ids = None if venue_ids is None else [s[1] for rows in staff.values() for s in rows]

    def of_staff(column):
        return () if staff_ids is None else (column.in_(staff_ids),)

    courses = _grouped(
        session.execute(
            select(Course.staff_id, Course.course, Course.completed_on, Course.expires_on).where(
                *of_staff(Course.staff_id)
            )
        )
    )
    shifts = _grouped(
        session.execute(
            select(Shift.staff_id, Shift.weekday, Shift.starts, Shift.ends, Shift.overnight).where(
                *of_staff(Shift.staff_id)
            )
        )
    )
    records = []
    for v in venues:
        schedule = hours_.Schedule(
            tuple(sorted(hours_.Span(*row[1:]) for row in spans.get(v.id, []))),
            tuple(
                sorted(
                    (
                        hours_.closure(s, e, closed=c, hours=h, note=n)
                        for _, s, e, c, h, n in exceptions.get(v.id, [])
                    ),
                    key=lambda c: c.starts_on,
                )
            ),
            v.bank_holidays,
        )
        members = tuple(
            StaffRecord(
                staff_id,
                name,
                active,
                tuple(CourseRecord(*row[1:]) for row in courses.get(staff_id, [])),
                tuple(hours_.Span(*row[1:]) for row in shifts.get(staff_id, [])),
            )
            for _, staff_id, name, active in staff.get(v.id, [])
        )
        records.append(
            VenueRecord(
                id=v.id,
                name=v.name,
                kind=v.kind,
                address=v.address,
                longitude=v.longitude,
                latitude=v.latitude,
                easting=v.easting,
                northing=v.northing,
                sign_installed_on=v.sign_installed_on,
                history=tuple(tuple(row[1:]) for row in history.get(v.id, [])),
                schedule=schedule,
                staff=members,
            )
        )
    return records


def assess(record: VenueRecord, on: date) -> Readiness:
    """Whether the venue is ready on ``on``, with every reason it is not."""
    reasons: list[str] = []
    status = record.status_on(on)
    if status != "active":
        reasons.append(f"its status is {status}, not active" if status else "it has no status yet")
    sign = record.sign_installed_on
    if sign is None:
        reasons.append("no Safe Haven sign is recorded as up")
    elif sign > on:
        reasons.append(f"its Safe Haven sign goes up on {sign}")
    if not record.schedule.spans:
        reasons.append("no opening hours are recorded")
    reasons.extend(_staffing_gaps(record, on))
    return Readiness(record.id, record.name, status, not reasons, tuple(reasons))


def _staffing_gaps(record: VenueRecord, on: date) -> list[str]:
    trained = [s for s in record.staff if s.active and is_trained(s.courses, on)]
    if not record.schedule.spans and not record.schedule.exceptions:
        return []
    if not trained:
        return ["no member of staff holds current first aid and safeguarding training"]
    have = hours_.week_intervals([span for s in trained for span in s.shifts])
    gaps = [
        f"no trained member of staff on duty {hours_.interval_text(a, b)}"
        for a, b in hours_.subtract(hours_.week_intervals(record.schedule.spans), have)
    ]
    horizon = on + timedelta(days=SPECIAL_HOURS_AHEAD)
    for exception in record.schedule.exceptions:
        if exception.closed or exception.ends_on < on or exception.starts_on > horizon:
            continue
        day = max(exception.starts_on, on)
        while day <= min(exception.ends_on, horizon):
            spans = [hours_.Span(day.weekday(), *h) for h in exception.hours]
            for a, b in hours_.subtract(hours_.week_intervals(spans), have):
                gaps.append(
                    f"no trained member of staff on duty on {day} (other hours), "
                    f"{hours_.interval_text(a, b)}"
                )
            day += timedelta(days=1)
    if len(gaps) > MAX_GAPS_NAMED:
        more = len(gaps) - MAX_GAPS_NAMED
        gaps = gaps[:MAX_GAPS_NAMED] + [f"and {more} more time{'s' if more > 1 else ''} unstaffed"]
    return gaps


@dataclass(frozen=True)
class Check:
    """The coordinator's list: venues that are not ready, and training about to expire."""

    on: date
    venues: int
    ready: int
    not_ready: list[Readiness]
    expiring: list[Expiring]
    days: int

    def as_dict(self) -> dict:
        return {
            "on": self.on.isoformat(),
            "venues": self.venues,
            "ready": self.ready,
            "not_ready": [r.as_dict() for r in self.not_ready],
            "expiring": [e.as_dict() for e in self.expiring],
            "days": self.days,
        }


def check_network(session: Session, *, on: date | None = None, days: int = 30) -> Check:
    """Venues approved, active or suspended that are not ready, and training expiring soon."""
    on = on or today()
    records = [r for r in load_network(session) if r.status_on(on) in CHECKED_STATUSES]
    assessed = [assess(r, on) for r in records]
    not_ready = sorted((a for a in assessed if not a.ready), key=lambda a: (a.venue, a.venue_id))
    return Check(
        on=on,
        venues=len(assessed),
        ready=len(assessed) - len(not_ready),
        not_ready=not_ready,
        expiring=expiring_training(session, on=on, days=days),
        days=days,
    )
