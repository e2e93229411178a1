"""Tables of the demo city's recorded truth: what was planted, where and when.

One demo build at a time: building again replaces every row here. The
crimes themselves are in the crime store, loaded from the generated files
like any police.uk download; these tables hold what the files cannot show
(which home each burglary struck, when each alarm was fitted, the planted
effect sizes), so that tests can check that estimators recover them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from citysafe.db import Base

__all__ = [
    "DemoArea",
    "DemoBuild",
    "DemoBurglaryTarget",
    "DemoEffect",
    "DemoHousehold",
    "DemoVenue",
]


class DemoBuild(Base):
    """The seed and parameters the current demo city was generated from."""

    __tablename__ = "demo_builds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seed: Mapped[int] = mapped_column(Integer)
    scale: Mapped[float] = mapped_column(Float)
    parameters: Mapped[dict] = mapped_column(JSON)
    rows: Mapped[int] = mapped_column(Integer)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DemoEffect(Base):
    """A planted effect: its size and what it applies to."""

    __tablename__ = "demo_effects"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text)


class DemoArea(Base):
    """An LSOA-like area of the demo city."""

    __tablename__ = "demo_areas"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    households: Mapped[int] = mapped_column(Integer)
    haven_wards: Mapped[bool] = mapped_column(Boolean)
    neighbourhood: Mapped[str | None] = mapped_column(String(64))
    longitude: Mapped[float] = mapped_column(Float)
    latitude: Mapped[float] = mapped_column(Float)
    easting: Mapped[float] = mapped_column(Float)
    northing: Mapped[float] = mapped_column(Float)


class DemoVenue(Base):
    """A Safe Haven venue, standing on a map point."""

    __tablename__ = "demo_venues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    venue_type: Mapped[str] = mapped_column(String(64))
    longitude: Mapped[float] = mapped_column(Float)
    latitude: Mapped[float] = mapped_column(Float)
    easting: Mapped[float] = mapped_column(Float)
    northing: Mapped[float] = mapped_column(Float)
    joined_month: Mapped[str] = mapped_column(String(7))


class DemoHousehold(Base):
    """A home of the demo city, and when its alarm was fitted if it was."""

    __tablename__ = "demo_households"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    area_code: Mapped[str] = mapped_column(ForeignKey("demo_areas.code"), index=True)
    neighbourhood: Mapped[str | None] = mapped_column(String(64), index=True)
    longitude: Mapped[float] = mapped_column(Float)
    latitude: Mapped[float] = mapped_column(Float)
    easting: Mapped[float] = mapped_column(Float)
    northing: Mapped[float] = mapped_column(Float)
    installed_month: Mapped[str | None] = mapped_column(String(7))


class DemoBurglaryTarget(Base):
    """The home a published burglary really struck."""

    __tablename__ = "demo_burglary_targets"

    crime_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("demo_households.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))
