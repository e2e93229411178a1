"""Tables of the home-security programme (seed 003, Safe and Secure Homes).

Households are personal data: every read and write of them goes through the
audit log. A household's place in the programme is its target area; one
outside every target area is kept but flagged, so nothing imported is lost.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from citysafe.db import Base

__all__ = [
    "JOB_STATUSES",
    "OPEN_STATUSES",
    "TENURES",
    "BurglaryLink",
    "CatalogueItem",
    "Household",
    "Job",
    "JobEvent",
    "JobItem",
    "ProgrammeSettings",
    "TargetArea",
    "Team",
]

TENURES = ("owner", "council", "housing association", "private rented")
JOB_STATUSES = (
    "requested",
    "scheduled",
    "visited",
    "installed",
    "declined",
    "no access",
    "cancelled",
)
# a job still to be done: the household holds no other while one of these is open
OPEN_STATUSES = ("requested", "scheduled", "visited", "no access")


class TargetArea(Base):
    """A neighbourhood the programme serves: an imported boundary, or an LSOA by its code."""

    __tablename__ = "homes_target_areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    area_kind: Mapped[str | None] = mapped_column(String(16))
    area_code: Mapped[str | None] = mapped_column(String(64))
    lsoa_code: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Household(Base):
    """A home, deduplicated by UPRN when given, else by its normalised address and postcode."""

    __tablename__ = "homes_households"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uprn: Mapped[str | None] = mapped_column(String(12), unique=True)
    address: Mapped[str] = mapped_column(Text)
    postcode: Mapped[str] = mapped_column(String(10))
    address_key: Mapped[str] = mapped_column(String(400), unique=True)
    tenure: Mapped[str] = mapped_column(String(24))
    longitude: Mapped[float] = mapped_column(Float)
    latitude: Mapped[float] = mapped_column(Float)
    easting: Mapped[float] = mapped_column(Float)
    northing: Mapped[float] = mapped_column(Float)
    lsoa_code: Mapped[str | None] = mapped_column(String(12))
    target_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("homes_target_areas.id"), index=True
    )
    source: Mapped[str] = mapped_column(Text)
    source_line: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProgrammeSettings(Base):
    """The programme's one row of settings: the force area's households, a burglary's cost."""

    __tablename__ = "homes_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    force_households: Mapped[float | None] = mapped_column(Float)
    cost_per_burglary: Mapped[float] = mapped_column(Float)
    # the cocoon window: from a near-repeat analysis when one has run, else 200 m and 28 days
    cocoon_distance_m: Mapped[float | None] = mapped_column(Float)
    cocoon_days: Mapped[int | None] = mapped_column(Integer)
    cocoon_source: Mapped[str | None] = mapped_column(Text)


class Team(Base):
    """A team of two fitters with a van."""

    __tablename__ = "homes_teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    members: Mapped[str] = mapped_column(Text)
    van: Mapped[str | None] = mapped_column(String(32))
    # where the van starts and ends its day (British National Grid metres), if known
    base_easting: Mapped[float | None] = mapped_column(Float)
    base_northing: Mapped[float | None] = mapped_column(Float)


class CatalogueItem(Base):
    """Something a team fits, at its unit cost in pounds."""

    __tablename__ = "homes_catalogue"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    unit_cost: Mapped[float] = mapped_column(Float)

    __table_args__ = (CheckConstraint("unit_cost >= 0", name="ck_homes_catalogue_cost"),)


class Job(Base):
    """One household's install job; its status history is in ``homes_job_events``.

    A booked job holds a team, a day and a visit slot; the unique constraint
    is the backstop against booking a team twice in one slot.
    """

    __tablename__ = "homes_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("homes_households.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("homes_teams.id"))
    scheduled_on: Mapped[date | None] = mapped_column(Date)
    slot: Mapped[int | None] = mapped_column(Integer)
    requested_on: Mapped[date] = mapped_column(Date)
    installed_on: Mapped[date | None] = mapped_column(Date)
    marking_code: Mapped[str | None] = mapped_column(String(64))
    # 1 is most urgent; the eligibility rules set it, a cocoon move can raise it for a while
    priority: Mapped[int] = mapped_column(Integer, default=4, server_default="4")
    priority_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("team_id", "scheduled_on", "slot"),)


class JobEvent(Base):
    """A change of a job's status: when, by whom, and why."""

    __tablename__ = "homes_job_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("homes_jobs.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)


class JobItem(Base):
    """An item fitted on a job, at the unit cost of the day it was fitted."""

    __tablename__ = "homes_job_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("homes_jobs.id"), index=True)
    item_code: Mapped[str] = mapped_column(ForeignKey("homes_catalogue.code"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_cost: Mapped[float] = mapped_column(Float)
    resident_pays: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_homes_job_items_quantity"),
        CheckConstraint("unit_cost >= 0", name="ck_homes_job_items_cost"),
    )


class BurglaryLink(Base):
    """A police.uk burglary tied to the home it struck, by the partner's address."""

    __tablename__ = "homes_burglary_links"

    crime_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("homes_households.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))
