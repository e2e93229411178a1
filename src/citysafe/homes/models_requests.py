"""Tables of requests, eligibility and the cocoon queue.

A request is how a household enters the programme: a resident's public form,
a member of staff, or an agency's referral of a victim. Its contact details
are personal data, seen only by the programme's staff. A cocoon move records
why a household went up the queue after a burglary nearby, and until when.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from citysafe.db import Base

__all__ = ["CHANNELS", "REFERRALS", "REQUEST_STATUSES", "CocoonMove", "ReportedBurglary", "Request"]

CHANNELS = ("public", "staff", "agency")
# why an agency refers a household: the victims Liverpool's plan secures the same way
REFERRALS = ("burglary victim", "repeat victim", "hate crime", "domestic abuse", "other")
REQUEST_STATUSES = ("new", "accepted", "refused", "withdrawn")


class Request(Base):
    """A request for the service, and the eligibility decision on it."""

    __tablename__ = "homes_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(8))
    contact_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(Text)
    postcode: Mapped[str] = mapped_column(String(10))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("homes_households.id"), index=True)
    referral: Mapped[str | None] = mapped_column(String(24))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), index=True)
    eligible: Mapped[bool | None]
    priority: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("homes_jobs.id"))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReportedBurglary(Base):
    """A burglary the police partner entered with its date and exact location."""

    __tablename__ = "homes_reported_burglaries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    longitude: Mapped[float] = mapped_column(Float)
    latitude: Mapped[float] = mapped_column(Float)
    easting: Mapped[float] = mapped_column(Float)
    northing: Mapped[float] = mapped_column(Float)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("homes_households.id"))
    entered_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CocoonMove(Base):
    """A household moved up the queue by a burglary nearby, for the near-repeat window."""

    __tablename__ = "homes_cocoon_moves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("homes_households.id"), index=True)
    # the burglary: a police.uk crime (its identity) or a partner's report (its id)
    source: Mapped[str] = mapped_column(String(16))
    burglary_ref: Mapped[str] = mapped_column(String(100))
    burglary_on: Mapped[date] = mapped_column(Date)
    distance_m: Mapped[float] = mapped_column(Float)
    until: Mapped[date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (CheckConstraint("distance_m >= 0", name="ck_homes_cocoon_distance"),)
