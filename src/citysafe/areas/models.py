"""Tables of areas: boundaries imported from GeoJSON or shapefiles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from citysafe.db import Base

AREA_KINDS = ("ward", "lsoa", "msoa", "neighbourhood", "other")


class Area(Base):
    """One boundary: a ward, an LSOA, a neighbourhood...

    ``geometry`` is a GeoJSON geometry in WGS84 longitude/latitude, as text;
    the bounding box lets a query pick candidate map points before the exact
    point-in-polygon test. An area is identified by its kind and code, so
    importing a file again updates its areas rather than adding them twice.
    """

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    geometry: Mapped[str] = mapped_column(Text)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("kind", "code"),)
