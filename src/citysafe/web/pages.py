"""Pages of the shell: the public start page, the staff dashboard, the crime map, health."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy.orm import Session

from citysafe import __version__
from citysafe.areas import service as areas
from citysafe.crime import figures, maps
from citysafe.crime.api import MONTH, month_or_latest
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.charts import month_chart, month_label
from citysafe.web.deps import get_session
from citysafe.web.render import render

router = APIRouter()
DbSession = Annotated[Session, Depends(get_session)]
PICKER_LIMIT = 2000  # beyond this the select is no help: search instead

# the later domains' places on the dashboard: (title, what it will show)
SLOTS = [
    ("Safe Havens", "Open venues, staff trained, signs up, and uses by young people."),
    ("Home security", "Homes audited and secured, jobs outstanding, and repeat burglary."),
    ("Cases", "Open cases by type and risk, referrals between agencies, reviews due."),
    ("Participation", "Proposals, ballots and turnout; neighbourhood panel priorities."),
]


@router.get("/health", tags=["system"])
@allow(public=True)
def health(request: Request) -> dict:
    """Liveness: answers 200 with the version when the app is up."""
    return {"status": "ok", "version": __version__}


@router.get("/", include_in_schema=False)
@allow(public=True)
def home(
    request: Request, session: DbSession, q: Annotated[str | None, Query(max_length=100)] = None
):
    """Pick a ward or LSOA: search by name (areas held here, no outside look-up) or select."""
    q = (q or "").strip() or None
    everything = areas.find_areas(session, None, limit=PICKER_LIMIT + 1)
    return render(
        request,
        "home.html",
        {
            "q": q,
            "matches": areas.find_areas(session, q, limit=100) if q else None,
            "wards": [a for a in everything[:PICKER_LIMIT] if a.kind == "ward"],
            "lsoas": [a for a in everything[:PICKER_LIMIT] if a.kind == "lsoa"],
            "truncated": len(everything) > PICKER_LIMIT,
        },
    )


@router.get("/dashboard", include_in_schema=False)
@allow(*ANY_STAFF)
def dashboard(
    request: Request, session: DbSession, force: Annotated[str | None, Query(max_length=128)] = None
):
    try:
        found = figures.headline_figures(session, force=force or None)
    except figures.UnknownName as error:
        raise HTTPException(404, str(error)) from None
    return render(
        request,
        "dashboard.html",
        {
            "figures": found,
            "chart": month_chart(found.by_month),
            "forces": figures.forces(session),
            "slots": SLOTS,
            "month_label": month_label,
        },
    )


@router.get("/map", include_in_schema=False)
@allow(*ANY_STAFF)
def crime_map(
    request: Request,
    session: DbSession,
    month: Annotated[str | None, Query(pattern=MONTH)] = None,
    crime_type: Annotated[str | None, Query(max_length=64)] = None,
    mode: Literal["points", "grid", "hotspots"] = "points",
    cell: Annotated[int, Query(ge=maps.MIN_CELL, le=maps.MAX_CELL)] = 250,
):
    """The month's crimes on a map, with the counts by type in a table under it.

    ``hotspots`` draws the Gi* hot and cold spots of the 12 months to the chosen one.
    """
    months = figures.months_present(session)
    crime_type = crime_type or None
    selection, query, geojson_url = None, None, None
    if months:
        month = month_or_latest(session, month, None)
        try:
            selection = maps.crimes_on_map(session, month=month, crime_type=crime_type)
        except figures.UnknownName as error:
            raise HTTPException(404, str(error)) from None
        query = {"month": month, "mode": mode, "cell": cell}
        if crime_type:
            query["crime_type"] = crime_type
        if mode == "hotspots":
            year, number = int(month[:4]), int(month[5:7])
            start = (year * 12 + number - 1) - 11
            layer = {
                "geojson": "true",
                "cell": cell,
                "permutations": 0,
                "months": f"{start // 12:04d}-{start % 12 + 1:02d}:{month}",
            }
            if crime_type:
                layer["types"] = crime_type
            geojson_url = "/api/hotspots?" + urlencode(layer)
    places = []
    if selection is not None and len(selection.count):
        order = selection.count.argsort(kind="stable")[::-1][:10]
        places = [(selection.location[i], int(selection.count[i])) for i in order]
    return render(
        request,
        "map.html",
        {
            "months": months[::-1],
            "types": figures.crime_types(session),
            "selection": selection,
            "query": query,
            "mode": mode,
            "cell": cell,
            "places": places,
            "month_label": month_label,
            "geojson_url": geojson_url,
        },
    )
