"""Pydantic shapes of areas for the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from citysafe.crime.figures import AreaCrimes

AreaKind = Literal["ward", "lsoa", "msoa", "neighbourhood", "other"]
PublicKind = Literal["ward", "lsoa"]


class AreaRead(BaseModel):
    """An imported area, without its geometry."""

    kind: AreaKind
    code: str
    name: str
    bbox: list[float] = Field(
        description="min longitude, min latitude, max longitude, max latitude"
    )
    source: str
    imported_at: datetime


class AreaFeature(BaseModel):
    """An imported area as a GeoJSON Feature (WGS84)."""

    type: Literal["Feature"] = "Feature"
    geometry: dict[str, Any]
    properties: dict[str, str]


class AreaRefRead(BaseModel):
    """An area the public may pick: an imported boundary, or an LSOA named by police.uk."""

    kind: AreaKind
    code: str
    name: str
    boundary: bool = Field(description="False for an LSOA known only from the crime data")


class ImportRead(BaseModel):
    """What an import did: read = created + updated."""

    path: str
    kind: AreaKind
    crs: str
    code_field: str
    name_field: str | None
    names_from: str
    read: int
    created: int
    updated: int


class AreaCrimesRead(BaseModel):
    """Police-recorded crime in an area by month and type (police.uk figures are public)."""

    area: AreaRefRead
    method: str = Field(description="'lsoa code' or 'map points inside the boundary'")
    crimes: AreaCrimes


def area_read(area) -> AreaRead:
    return AreaRead(
        kind=area.kind,
        code=area.code,
        name=area.name,
        bbox=[area.min_lon, area.min_lat, area.max_lon, area.max_lat],
        source=area.source,
        imported_at=area.imported_at,
    )
