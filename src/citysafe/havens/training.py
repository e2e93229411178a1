"""Staff of venues, their courses and their weekly shifts.

How shifts are recorded: each member of staff has a *usual weekly shift
pattern*, spans in the same form as opening hours (``Mon-Fri 09:00-17:00;
Fri 18:00-02:00+1``). A venue is staffed at a moment of its week when the
moment falls in a shift of a member of staff who is trained on that day
(see ``havens.readiness``). One-off swaps are not recorded: the pattern is
what the venue has agreed to keep, and the coordinator updates it when it
changes.

A member of staff is *trained* on a day when they hold a current first aid
course and a current safeguarding (children and vulnerable adults) course:
completed on or before that day and expiring on or after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.havens import hours as hours_
from citysafe.havens.changes import mark_changed
from citysafe.havens.errors import HavenError, NotFound
from citysafe.havens.models import Course, Shift, StaffMember, Venue
from citysafe.havens.venues import get_venue, text, today
from citysafe.havens.vocabulary import (
    DEFAULT_VALIDITY_YEARS,
    EXPIRY_WARNING_DAYS,
    REQUIRED_COURSES,
)

__all__ = [
    "Expiring",
    "add_course",
    "add_staff",
    "check_staff_name",
    "course_name",
    "expire_course",
    "expiring_training",
    "is_trained",
    "set_shifts",
    "set_staff_active",
    "staff_of",
]

_FIRST_NAME = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_INITIALS = re.compile(r"(?:[^\W\d_]\.?\s?){1,4}")


def check_staff_name(name: str | None) -> str:
    """A first name (one word) or initials; anything like a full name is refused."""
    value = text(name, "staff name", limit=40, required=True)
    if _INITIALS.fullmatch(value) and (len(value) <= 2 or "." in value or " " in value):
        return value
    if _FIRST_NAME.fullmatch(value):
        return value
    raise HavenError(
        f"name: staff are recorded by first name or initials only; {value!r} is neither "
        "(give, for example, 'Sam' or 'S.K.')",
        field="name",
    )


def course_name(course: str | None) -> str:
    """First aid and safeguarding in their standard spelling; other courses as given."""
    value = text(course, "course", limit=60, required=True)
    key = " ".join(value.lower().split())
    if key in ("first aid", "first-aid", "emergency first aid", "first aid at work"):
        return "first aid"
    if key.startswith("safeguarding"):
        return "safeguarding"
    return value


def _staff(session: Session, staff_id: int) -> StaffMember:
    member = session.get(StaffMember, staff_id)
    if member is None:
        raise NotFound(f"there is no member of staff {staff_id}")
    return member


def _written(session: Session, actor: Actor, action: str, record_type: str, record_id, detail=None):
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=record_id,
        detail=detail,
    )
    mark_changed(session, f"{record_type} {action}")


def add_staff(session: Session, venue_id: int, name: str, *, actor: Actor) -> StaffMember:
    venue = get_venue(session, venue_id)
    member = StaffMember(name=check_staff_name(name), active=True, added_at=datetime.now(UTC))
    venue.staff.append(member)
    session.flush()
    _written(session, actor, "create", "haven_staff", member.id, {"venue": venue_id})
    return member


def set_staff_active(session: Session, staff_id: int, active: bool, *, actor: Actor) -> StaffMember:
    """Mark a member of staff as having left (or returned): only active staff count."""
    member = _staff(session, staff_id)
    member.active = bool(active)
    _written(session, actor, "update", "haven_staff", staff_id, {"active": member.active})
    return member


def add_course(
    session: Session,
    staff_id: int,
    course: str,
    completed_on: date,
    expires_on: date | None = None,
    *,
    actor: Actor,
    past: bool = False,
    on_day: date | None = None,
) -> Course:
    """Record a course; refuses expired training entered as current.

    Without ``expires_on``, first aid and safeguarding stay current for
    ``DEFAULT_VALIDITY_YEARS``; other courses need their expiry. A course
    that has already expired is refused unless ``past`` says it is entered
    as a record of past training.
    """
    member = _staff(session, staff_id)
    on_day = on_day or today()
    name = course_name(course)
    for label, day in (("completed_on", completed_on), ("expires_on", expires_on)):
        if day is not None and not hours_.FIRST_YEAR <= day.year <= hours_.LAST_YEAR:
            raise HavenError(
                f"{label}: {day} is not a plausible date ({hours_.FIRST_YEAR} to "
                f"{hours_.LAST_YEAR})",
                field=label,
            )
    if completed_on > on_day:
        raise HavenError(
            f"completed_on: {completed_on} is in the future; record a course once it is done",
            field="completed_on",
        )
    if expires_on is None:
        years = DEFAULT_VALIDITY_YEARS.get(name)
        if years is None:
            raise HavenError(f"expires_on: give the expiry date of {name!r}", field="expires_on")
        expires_on = _add_years(completed_on, years) - timedelta(days=1)
    if expires_on <= completed_on:
        raise HavenError(
            f"expires_on: {expires_on} is not after completion on {completed_on}",
            field="expires_on",
        )
    if expires_on < on_day and not past:
        raise HavenError(
            f"expires_on: this {name} training expired on {expires_on}, so it cannot be "
            "entered as current training; enter it as past training to keep it on file",
            field="expires_on",
        )
    row = Course(
        course=name,
        completed_on=completed_on,
        expires_on=expires_on,
        recorded_at=datetime.now(UTC),
    )
    member.courses.append(row)
    session.flush()
    _written(session, actor, "create", "haven_course", row.id, {"staff": staff_id, "course": name})
    return row


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def expire_course(
    session: Session, course_id: int, *, actor: Actor, on_day: date | None = None
) -> Course:
    """Mark a course as no longer current from today (it expired yesterday)."""
    row = session.get(Course, course_id)
    if row is None:
        raise NotFound(f"there is no course record {course_id}")
    on_day = on_day or today()
    yesterday = on_day - timedelta(days=1)
    if row.expires_on > yesterday:
        row.expires_on = max(yesterday, row.completed_on)
    _written(
        session, actor, "expire", "haven_course", course_id, {"expires_on": str(row.expires_on)}
    )
    return row


def set_shifts(session: Session, staff_id: int, spans, *, actor: Actor) -> StaffMember:
    """Replace a member of staff's usual weekly shifts."""
    member = _staff(session, staff_id)
    try:
        checked = hours_.validate_spans(spans, what="shifts")
    except hours_.HoursError as error:
        raise HavenError(str(error), field="shifts") from None
    member.shifts = [
        Shift(weekday=s.weekday, starts=s.opens, ends=s.closes, overnight=s.overnight)
        for s in checked
    ]
    _written(
        session,
        actor,
        "set-shifts",
        "haven_staff",
        staff_id,
        {"shifts": hours_.spans_text(checked)},
    )
    return member


def shift_spans(member: StaffMember) -> list[hours_.Span]:
    return [hours_.Span(s.weekday, s.starts, s.ends, s.overnight) for s in member.shifts]


def is_trained(courses, on: date) -> bool:
    """Whether the courses include a current first aid and a current safeguarding course."""
    current = {c.course for c in courses if c.completed_on <= on <= c.expires_on}
    return all(name in current for name in REQUIRED_COURSES)


def staff_of(session: Session, venue_id: int, *, actor: Actor) -> list[StaffMember]:
    """A venue's staff with their courses and shifts (the read is audited: it names people)."""
    venue = get_venue(session, venue_id)
    members = list(venue.staff)
    audit.record(
        session,
        actor=actor,
        action="read",
        record_type="haven_staff",
        record_id=f"venue {venue_id}",
        detail={"count": len(members)},
    )
    return members


@dataclass(frozen=True)
class Expiring:
    venue_id: int
    venue: str
    staff_id: int
    staff: str
    course_id: int
    course: str
    expires_on: date

    def as_dict(self) -> dict:
        return {**self.__dict__, "expires_on": self.expires_on.isoformat()}


def expiring_training(
    session: Session, *, on: date | None = None, days: int = EXPIRY_WARNING_DAYS
) -> list[Expiring]:
    """Current courses of active staff that expire within ``days`` of ``on``.

    A course counts only when no later course of the same name renews it;
    venues that have withdrawn are left out.
    """
    on = on or today()
    rows = session.execute(
        select(Venue.id, Venue.name, StaffMember.id, StaffMember.name, Course)
        .join(StaffMember, StaffMember.venue_id == Venue.id)
        .join(Course, Course.staff_id == StaffMember.id)
        .where(StaffMember.active.is_(True), Venue.status != "withdrawn")
        .order_by(Course.expires_on, Venue.name, StaffMember.name)
    ).all()
    latest: dict[tuple[int, str], date] = {}
    for *_, staff_id, _name, course in rows:
        key = (staff_id, course.course)
        latest[key] = max(latest.get(key, course.expires_on), course.expires_on)
    horizon = on + timedelta(days=days)
    found = []
    for venue_id, venue_name, staff_id, staff_name, course in rows:
        if not (on <= course.expires_on <= horizon) or course.completed_on > on:
            continue
        if latest[(staff_id, course.course)] != course.expires_on:
            continue  # renewed by a later course
        found.append(
            Expiring(
                venue_id,
                venue_name,
                staff_id,
                staff_name,
                course.id,
                course.course,
                course.expires_on,
            )
        )
    return found
