"""Tables of the crime store: police.uk records, map points, source files, quarantine."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from citysafe.db import Base

# geo_status values: where a row may be drawn
MAPPED = 0  # coordinates present and consistent: on maps and in distance figures
NO_LOCATION = 1  # no coordinates: in totals by LSOA and force, never on a map
OUTLIER = 2  # coordinates far from the rest of its LSOA: kept, flagged, not mapped
GEO_STATUS = {MAPPED: "mapped", NO_LOCATION: "no location", OUTLIER: "outlier"}


class CrimeType(Base):
    __tablename__ = "crime_types"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    legacy: Mapped[bool] = mapped_column(Boolean, default=False)


class Force(Base):
    __tablename__ = "forces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)


class SourceFile(Base):
    """A police.uk file as received, identified by its content."""

    __tablename__ = "source_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    first_loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FileLoad(Base):
    """One ingest of one file, with its reconciliation."""

    __tablename__ = "file_loads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id"), index=True)
    path: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read: Mapped[int] = mapped_column(Integer)
    stored: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    quarantined: Mapped[int] = mapped_column(Integer)


class Outcome(Base):
    """police.uk's "Last outcome category" values, as met."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)


class MapPoint(Base):
    """A place police.uk snaps crimes to: a street centre or public place.

    ``point_key`` is the place as police.uk prints it: longitude, latitude,
    location text and LSOA code joined by "|". Easting and northing (EPSG:27700,
    metres) are computed once, when the point is first met.
    """

    __tablename__ = "map_points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_key: Mapped[str] = mapped_column(Text, unique=True)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    easting: Mapped[float | None] = mapped_column(Float)
    northing: Mapped[float | None] = mapped_column(Float)
    cell_km: Mapped[int | None] = mapped_column(Integer, index=True)
    location: Mapped[str] = mapped_column(Text)
    lsoa_code: Mapped[str | None] = mapped_column(String(12), index=True)
    lsoa_name: Mapped[str | None] = mapped_column(String(128))
    geo_status: Mapped[int] = mapped_column(SmallInteger)


class Crime(Base):
    """One row of a police.uk street-level file.

    A crime is identified by its month and Crime ID; a row without a Crime ID
    (anti-social behaviour) by its month and ``row_key``, a hash of its fields
    with its occurrence number among identical rows of its file. The ingest
    enforces that identity under a write lock (see ``crime.store``): a unique
    index on 64-character keys would cost half the load speed.

    This fact table is written only by the ingest, which resolves every id it
    refers to (force, crime type, map point, outcome, source file) in the same
    transaction; declared foreign keys would cost two thirds of PostgreSQL's
    load time in per-row triggers, so the references are plain columns and
    a test checks that none is left dangling.
    """

    __tablename__ = "crimes"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    crime_id: Mapped[str | None] = mapped_column(String(100))
    row_key: Mapped[str | None] = mapped_column(String(48))
    month: Mapped[str] = mapped_column(String(7))
    falls_within_id: Mapped[int] = mapped_column(Integer)
    reported_by_id: Mapped[int] = mapped_column(Integer)
    crime_type_id: Mapped[int] = mapped_column(SmallInteger)
    point_id: Mapped[int] = mapped_column(Integer)
    outcome_id: Mapped[int | None] = mapped_column(Integer)
    context: Mapped[str | None] = mapped_column(Text)
    source_file_id: Mapped[int] = mapped_column(Integer)
    source_line: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_crimes_month_force_type", "month", "falls_within_id", "crime_type_id"),
    )


class QuarantinedRow(Base):
    """A row that could not be stored, with the reason."""

    __tablename__ = "quarantined_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id"), index=True)
    path: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
