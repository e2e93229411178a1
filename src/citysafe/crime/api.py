"""JSON of the crime store for staff: what it holds, the headline figures, and the crime map."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from citysafe.crime import figures, maps, service
from citysafe.crime.figures import HeadlineFigures, TypeCount
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.deps import get_session

router = APIRouter(tags=["crime"])
DbSession = Annotated[Session, Depends(get_session)]
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
Month = Annotated[str | None, Query(pattern=MONTH, description="YYYY-MM; default: the latest")]
ForceName = Annotated[str | None, Query(max_length=128, description="police.uk 'Falls within'")]


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"


class CrimeMapRead(BaseModel):
    """A GeoJSON FeatureCollection of a month's crimes, with the month's counts by type."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    mode: Literal["points", "grid"]
    month: str
    crime_type: str | None
    force: str | None
    total: int = Field(description="crimes of the month matching the filter")
    mapped: int = Field(description="of which police.uk gives a location")
    by_type: list[TypeCount] = Field(description="the month's counts by type (every type)")
    note: str
    cell: int | None = Field(None, description="grid cell side in metres (grid mode)")
    features: list[dict[str, Any]]


def _not_found(error: LookupError) -> HTTPException:
    return HTTPException(404, str(error))


@router.get("/api/crimes/summary", response_model=service.CrimeSummary)
@allow(*ANY_STAFF)
def crime_summary(session: DbSession) -> service.CrimeSummary:
    """What the store holds: counts by force, type and month, and the months missing."""
    return service.summarise(session)


@router.get("/api/crimes/figures", response_model=HeadlineFigures)
@allow(*ANY_STAFF)
def headline_figures(session: DbSession, force: ForceName = None) -> HeadlineFigures:
    """The dashboard's figures: crime by month (24 months), top types and change on last year.

    Months missing from the data are ``null``, not zero.
    """
    try:
        return figures.headline_figures(session, force=force)
    except figures.UnknownName as error:
        raise _not_found(error) from None


def month_or_latest(session: Session, month: str | None, force: str | None) -> str:
    """The month asked for, or the latest held; 404 when the store holds none of it."""
    held = figures.months_present(session, force=force)
    if not held:
        raise HTTPException(404, "the store holds no crimes yet")
    if month is None:
        return held[-1]
    if month not in held:
        raise HTTPException(404, f"the store holds no crimes for {month} (missing, not zero)")
    return month


@router.get(
    "/api/crimes/map",
    response_model=CrimeMapRead,
    response_class=GeoJSONResponse,
    responses={200: {"content": {"application/geo+json": {}}}},
)
@allow(*ANY_STAFF)
def crime_map(
    session: DbSession,
    month: Month = None,
    crime_type: Annotated[str | None, Query(max_length=64)] = None,
    mode: Literal["points", "grid"] = "points",
    cell: Annotated[int, Query(ge=maps.MIN_CELL, le=maps.MAX_CELL)] = 250,
    force: ForceName = None,
) -> dict:
    """A month's crimes (of one type, or all) as police.uk map points or grid cells (metres)."""
    try:
        month = month_or_latest(session, month, force)
        selection = maps.crimes_on_map(session, month=month, crime_type=crime_type, force=force)
    except figures.UnknownName as error:
        raise _not_found(error) from None
    if mode == "grid":
        return maps.grid_geojson(selection, cell=cell)
    return maps.points_geojson(selection)
