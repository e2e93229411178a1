"""Hotspot and near-repeat figures over the crime store, as JSON (and GeoJSON)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy.orm import Session

from citysafe.crime.vocabulary import CURRENT_TYPES
from citysafe.hotspots import events as selection
from citysafe.hotspots import exports, service
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.deps import get_session

router = APIRouter(tags=["hotspots"])
DbSession = Annotated[Session, Depends(get_session)]
Types = Annotated[
    list[str] | None, Query(description=f"police.uk types: {', '.join(CURRENT_TYPES)}")
]
Months = Annotated[str | None, Query(max_length=15, description="YYYY-MM:YYYY-MM")]


def _events(session, types, months, force, area=None):
    try:
        return selection.crimes_from_store(
            session,
            types=types,
            force=force,
            area=area,
            months=selection.parse_month_range(months),
        )
    except selection.SelectionError as error:
        raise HTTPException(422, str(error)) from None


@router.get("/api/hotspots")
@allow(*ANY_STAFF)
def hotspot_cells(
    session: DbSession,
    types: Types = None,
    months: Months = None,
    force: Annotated[str | None, Query(max_length=128)] = None,
    area: Annotated[str | None, Query(max_length=100, description="KIND:CODE")] = None,
    cell: Annotated[float, Query(ge=50, le=5000)] = 250.0,
    permutations: Annotated[int, Query(ge=0, le=9999)] = 999,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 1,
    fdr: bool = True,
    inference: Annotated[str, Query(pattern="^(analytic|permutation)$")] = "analytic",
    geojson: bool = False,
) -> dict:
    """Gi* hot and cold spots on a square grid of the cells holding police.uk map points."""
    events = _events(session, types, months, force, area)
    try:
        report = service.hotspot_report(
            events,
            cell=cell,
            permutations=permutations,
            seed=seed,
            fdr=fdr,
            support=selection.map_point_support(session),
            inference=inference,
        )
    except (selection.SelectionError, ValueError) as error:
        raise HTTPException(422, str(error)) from None
    if geojson:
        return {
            **exports.cells_geojson(report.result),
            "mode": "hotspots",
            "cell": cell,
            "events": len(events),
        }
    return report.as_dict()


@router.get("/api/nearrepeat")
@allow(*ANY_STAFF)
def near_repeat_table(
    session: DbSession,
    types: Types = None,
    months: Months = None,
    force: Annotated[str | None, Query(max_length=128)] = None,
    area: Annotated[str | None, Query(max_length=100, description="KIND:CODE")] = None,
    space_bands: Annotated[str, Query(max_length=200)] = "100,200,300,400",
    time_bands: Annotated[str, Query(max_length=200)] = "0,1,2",
    metric: Annotated[str, Query(pattern="^(euclidean|manhattan)$")] = "euclidean",
    permutations: Annotated[int, Query(ge=0, le=999)] = 99,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 1,
) -> dict:
    """The near-repeat (Knox) table of police.uk crimes, in months; band edges inclusive."""
    try:
        spaces = [float(v) for v in space_bands.split(",") if v.strip()]
        times = [int(v) for v in time_bands.split(",") if v.strip()]
    except ValueError:
        raise HTTPException(422, "bands are comma-separated numbers") from None
    events = _events(session, types, months, force, area)
    try:
        report = service.near_repeat_report(
            events,
            space_bands=spaces,
            time_bands=times,
            metric=metric,
            permutations=permutations,
            seed=seed,
        )
    except (selection.SelectionError, ValueError) as error:
        raise HTTPException(422, str(error)) from None
    return report.as_dict()


@router.get("/api/density")
@allow(*ANY_STAFF)
def density_surface(
    session: DbSession,
    types: Types = None,
    months: Months = None,
    force: Annotated[str | None, Query(max_length=128)] = None,
    area: Annotated[str | None, Query(max_length=100, description="KIND:CODE")] = None,
    cell: Annotated[float, Query(ge=25, le=5000)] = 100.0,
    bandwidth: Annotated[str, Query(max_length=20, description="metres, scott or arcgis")] = (
        "scott"
    ),
    kernel: Annotated[str, Query(pattern="^(quartic|gaussian)$")] = "quartic",
) -> dict:
    """Kernel density of crime in events per km² at the cell centres of a grid."""
    events = _events(session, types, months, force, area)
    try:
        width: float | str = float(bandwidth)
    except ValueError:
        width = bandwidth
    try:
        surface = service.density_surface(events, cell=cell, bandwidth=width, kernel=kernel)
    except (selection.SelectionError, ValueError) as error:
        raise HTTPException(422, str(error)) from None
    return {
        "events": len(events),
        "filters": events.filters,
        "kernel": surface.kernel,
        "bandwidth_m": surface.bandwidth,
        "rule": surface.rule,
        "method": surface.method,
        "grid": surface.grid.to_dict(),
        "density": surface.density.tolist(),
    }


@router.get("/api/emerging")
@allow(*ANY_STAFF)
def emerging_cells(
    session: DbSession,
    types: Types = None,
    months: Months = None,
    force: Annotated[str | None, Query(max_length=128)] = None,
    area: Annotated[str | None, Query(max_length=100, description="KIND:CODE")] = None,
    cell: Annotated[float, Query(ge=100, le=5000)] = 500.0,
) -> dict:
    """Emerging hot spots: each cell's pattern over the months and its Mann-Kendall trend."""
    from citysafe.analysis.emerging import PATTERNS

    events = _events(session, types, months, force, area)
    try:
        result = service.emerging_report(
            events, cell=cell, support=selection.map_point_support(session)
        )
    except (selection.SelectionError, ValueError) as error:
        raise HTTPException(422, str(error)) from None
    xc, yc = result.grid.centres()
    rows, cols = result.mask.nonzero()
    cells = [
        {
            "x": float(xc[c]),
            "y": float(yc[r]),
            "pattern": PATTERNS[int(result.patterns[r, c])],
            "trend_z": _finite(result.trend.z[r, c]),
            "trend_p": _finite(result.trend.p_value[r, c]),
        }
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
    ]
    return {"events": len(events), "filters": events.filters, "cell": cell, "cells": cells}


def _finite(value) -> float | None:
    value = float(value)
    return value if value == value and abs(value) != float("inf") else None
