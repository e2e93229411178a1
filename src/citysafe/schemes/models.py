"""Tables of schemes: a scheme has sites (points, each with its own start) or areas."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from citysafe.db import Base


class Scheme(Base):
    __tablename__ = "schemes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(Text)
    setup_cost: Mapped[float] = mapped_column(Float, default=0.0)
    running_cost_per_year: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    sites: Mapped[list[SchemeSite]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="SchemeSite.id"
    )
    areas: Mapped[list[SchemeArea]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="SchemeArea.id"
    )


class SchemeSite(Base):
    """A point the scheme works at (a venue), from its own start month."""

    __tablename__ = "scheme_sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    longitude: Mapped[float] = mapped_column(Float)
    latitude: Mapped[float] = mapped_column(Float)
    easting: Mapped[float] = mapped_column(Float)
    northing: Mapped[float] = mapped_column(Float)
    start_month: Mapped[str] = mapped_column(String(7))


class SchemeArea(Base):
    """An area the scheme covers (WGS84 GeoJSON geometry), from its start month."""

    __tablename__ = "scheme_areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    geometry: Mapped[str] = mapped_column(Text)
    start_month: Mapped[str] = mapped_column(String(7))
