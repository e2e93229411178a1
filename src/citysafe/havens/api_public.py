"""The public side: the finder page and its JSON, nominations, and the scheme's public figures.

The finder never records where a caller is: no log line, no audit entry,
no cookie, and its answers are marked ``no-store`` with no referrer sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from citysafe import disclosure
from citysafe.havens import hours as hours_
from citysafe.havens import service
from citysafe.havens.finder import ADVICE, MAX_LIMIT, NEAR_MINUTES
from citysafe.havens.schemas import NearestRead, PlaceRead
from citysafe.havens.vocabulary import AGE_BANDS
from citysafe.web.access import allow
from citysafe.web.deps import get_session
from citysafe.web.render import render

router = APIRouter()
DbSession = Annotated[Session, Depends(get_session)]
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
Latitude = Annotated[float, Query(ge=-90, le=90, description="WGS84 latitude")]
Longitude = Annotated[float, Query(ge=-180, le=180, description="WGS84 longitude")]


@router.get("/api/havens/nearest", response_model=NearestRead, tags=["public"])
@allow(public=True)
async def nearest(
    request: Request,
    lat: Latitude,
    lon: Longitude,
    at: Annotated[
        datetime | None,
        Query(description="ISO date and time; without an offset it is Europe/London time"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 5,
    within: Annotated[float, Query(ge=100, le=50_000, description="metres")] = 5_000,
):
    """Safe Havens ready and open at ``at`` (default now), nearest first.

    Each result has ``id``, ``name``, ``lat``, ``lon``, ``distance_m`` (straight
    line), ``walk_minutes`` (allowing 30 % for the streets' detour, at 4.8 km/h)
    and ``open_until``. ``advice`` says what to do when none is within a
    15-minute walk. The position asked about is never logged or stored.
    """
    if at is not None and not 1900 <= at.year <= 2200:
        raise HTTPException(422, "at: a date from 1900 to 2200")
    # answered from memory on the event loop; the database is looked at (in a thread) only
    # when the network may have changed, at most once a second
    engine = request.app.state.engine
    index = service.cached_index(engine, at)
    if index is None:
        index = await run_in_threadpool(service.load_index, engine, at)
    found = service.search_index(index, lat=lat, lon=lon, at=at, limit=limit, within=within)
    return JSONResponse(found.as_dict(), headers=PRIVATE)


@router.get("/api/havens/places", response_model=list[PlaceRead], tags=["public"])
@allow(public=True)
def places(
    session: DbSession, q: Annotated[str, Query(min_length=2, max_length=100)]
) -> list[PlaceRead]:
    """Streets, wards, areas and venues whose name holds ``q``, each with a point to search from
    (looked up in data held here; nothing is sent elsewhere)."""
    return [PlaceRead(**p.as_dict()) for p in service.find_places(session, q)]


@router.get("/safe-havens", include_in_schema=False)
@allow(public=True)
def finder_page(
    request: Request,
    session: DbSession,
    q: Annotated[str | None, Query(max_length=100)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    place: Annotated[str | None, Query(max_length=200)] = None,
):
    """Nearest Safe Havens open now: from the phone's location (the page's script) or a place."""
    q = (q or "").strip() or None
    matches = service.find_places(session, q) if q else None
    found = None
    if lat is not None and lon is not None:
        found = service.nearest(session, lat=lat, lon=lon)
    elif matches and len(matches) == 1:
        place = matches[0].label
        found = service.nearest(session, lat=matches[0].lat, lon=matches[0].lon)
    return render(
        request,
        "havens/finder.html",
        {
            "q": q,
            "matches": matches,
            "found": found,
            "place": place,
            "advice": ADVICE,
            "near_minutes": NEAR_MINUTES,
            "local_day": hours_.local(found.at).date() if found else None,
        },
        headers=PRIVATE,
    )


@router.get("/safe-havens/nominate", include_in_schema=False)
@allow(public=True)
def nominate_page(request: Request):
    return render(request, "havens/nominate.html", {"age_bands": AGE_BANDS, "form": {}})


@router.post("/safe-havens/nominate", include_in_schema=False)
@allow(public=True)
def nominate(
    request: Request,
    session: DbSession,
    venue_name: Annotated[str, Form(max_length=200)],
    place: Annotated[str, Form(max_length=300)],
    reason: Annotated[str, Form(max_length=2000)],
    age_band: Annotated[str, Form(max_length=16)] = "",
    contact: Annotated[str, Form(max_length=200)] = "",
    website: Annotated[str, Form(max_length=200)] = "",  # left empty by people, filled by bots
):
    """Put a venue forward; the page thanks the nominator and shows nothing about them."""
    form = {
        "venue_name": venue_name,
        "place": place,
        "reason": reason,
        "age_band": age_band,
        "contact": contact,
    }
    if not website:
        try:
            service.submit_nomination(
                session,
                venue_name=venue_name,
                place=place,
                reason=reason,
                age_band=age_band or None,
                contact=contact or None,
            )
        except service.HavenError as error:
            return render(
                request,
                "havens/nominate.html",
                {"age_bands": AGE_BANDS, "form": form, "error": str(error)},
                status_code=422,
            )
        session.commit()
    return render(request, "havens/nominate.html", {"thanks": True, "age_bands": AGE_BANDS})


def _figures(session: Session) -> dict:
    figures = service.public_figures(session)
    outreach = service.outreach_totals(session)
    months = disclosure.suppress_counts(outreach.by_month) if outreach.by_month else None
    figures["outreach"] = {
        "events": outreach.events,
        "reached_by_month": {}
        if months is None
        else {m: s.value for m, s in months.counts.items()},
        "reached": None if months is None else months.total.value,
    }
    return figures


@router.get("/api/public/havens/figures", tags=["public"])
@allow(public=True)
def public_figures(session: DbSession) -> dict:
    """Uses of the scheme by month and reason (latest 12 months), nominations and outreach.

    Counts of 1 to 4 are hidden (``null``), with others where needed so that
    totals cannot reveal them (``citysafe.disclosure``).
    """
    return _figures(session)


@router.get("/safe-havens/figures", include_in_schema=False)
@allow(public=True)
def figures_page(request: Request, session: DbSession):
    return render(request, "havens/figures.html", {"figures": _figures(session)})
