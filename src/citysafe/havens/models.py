"""Tables of the Safe Haven network: venues, their hours, staff, training, uses and outreach.

Nothing here holds a name of anyone who took refuge or who nominated a
venue; staff of venues are held by first name or initials only.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from citysafe.db import Base

__all__ = [
    "Course",
    "HavenChange",
    "HoursException",
    "Measure",
    "Nomination",
    "OpeningSpan",
    "OutreachEvent",
    "Shift",
    "StaffMember",
    "StatusChange",
    "Use",
    "Venue",
]


class Venue(Base):
    """A shop or community venue in the network (or nominated to join it).

    Its status is the latest of its ``history`` (kept here too, for lists);
    ``easting``/``northing`` (BNG metres) are computed once from lon/lat.
    """

    __tablename__ = "haven_venues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(Text)
    longitude: Mapped[float] = mapped_column(Float)
    latitude: Mapped[float] = mapped_column(Float)
    easting: Mapped[float] = mapped_column(Float)
    northing: Mapped[float] = mapped_column(Float)
    contact: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    joined_on: Mapped[date | None] = mapped_column(Date)
    sign_installed_on: Mapped[date | None] = mapped_column(Date)
    bank_holidays: Mapped[str] = mapped_column(String(8), default="usual")
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    history: Mapped[list[StatusChange]] = relationship(
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="(StatusChange.changed_on, StatusChange.id)",
    )
    hours: Mapped[list[OpeningSpan]] = relationship(
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="(OpeningSpan.weekday, OpeningSpan.opens)",
    )
    exceptions: Mapped[list[HoursException]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="HoursException.starts_on"
    )
    measures: Mapped[list[Measure]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="(Measure.installed_on, Measure.id)"
    )
    staff: Mapped[list[StaffMember]] = relationship(
        lazy="select", cascade="all, delete-orphan", order_by="StaffMember.id"
    )


class StatusChange(Base):
    """The venue's status from ``changed_on``, with why."""

    __tablename__ = "haven_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("haven_venues.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    changed_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OpeningSpan(Base):
    """One span of the usual weekly hours (Europe/London time); see ``havens.hours``."""

    __tablename__ = "haven_opening_hours"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("haven_venues.id"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)
    overnight: Mapped[bool] = mapped_column(Boolean, default=False)


class HoursException(Base):
    """Closed, or other hours (``hours`` as text, e.g. ``09:00-16:00``), on a run of dates."""

    __tablename__ = "haven_hours_exceptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("haven_venues.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(Boolean)
    hours: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(100))


class Measure(Base):
    """A target-hardening measure fitted at the venue, with its cost in pence."""

    __tablename__ = "haven_hardening"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("haven_venues.id"), index=True)
    measure: Mapped[str] = mapped_column(String(200))
    installed_on: Mapped[date] = mapped_column(Date)
    cost_pence: Mapped[int] = mapped_column(Integer)


class StaffMember(Base):
    """A member of a venue's staff, by first name or initials only."""

    __tablename__ = "haven_staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("haven_venues.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    courses: Mapped[list[Course]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="(Course.completed_on, Course.id)"
    )
    shifts: Mapped[list[Shift]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="(Shift.weekday, Shift.starts)"
    )


class Course(Base):
    """A course a member of staff completed, current from completion to expiry (inclusive)."""

    __tablename__ = "haven_courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("haven_staff.id"), index=True)
    course: Mapped[str] = mapped_column(String(60))
    completed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Shift(Base):
    """One span of a member of staff's usual weekly shifts (same form as opening hours)."""

    __tablename__ = "haven_shifts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("haven_staff.id"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)
    overnight: Mapped[bool] = mapped_column(Boolean, default=False)


class Use(Base):
    """Someone took refuge: when, where, age band, why and what was done; never who."""

    __tablename__ = "haven_uses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("haven_venues.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    age_band: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(32))
    actions: Mapped[list] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str | None] = mapped_column(String(64))


class OutreachEvent(Base):
    """A school assembly, youth group or other event telling young people about the scheme."""

    __tablename__ = "haven_outreach"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    place: Mapped[str] = mapped_column(String(200))
    area: Mapped[str | None] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(200))
    reached: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Nomination(Base):
    """A venue put forward by the public; the nominator's optional contact is for staff only."""

    __tablename__ = "haven_nominations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    venue_name: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(300))
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    age_band: Mapped[str | None] = mapped_column(String(16))
    contact: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_note: Mapped[str | None] = mapped_column(Text)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("haven_venues.id"))


class HavenChange(Base):
    """One row per committed change to the network: the finder rebuilds when the last id moves."""

    __tablename__ = "haven_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    what: Mapped[str] = mapped_column(String(40))
