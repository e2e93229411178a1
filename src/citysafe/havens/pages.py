"""Staff pages of the network: overview, usage, outreach, nominations, coverage (venues: see
``pages_venues``).

Forms post here and are answered with a redirect (or the page again with
the refusal, 422); each calls the same service as the JSON API.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from sqlalchemy.orm import Session

from citysafe.audit import service as audit
from citysafe.havens import hours as hours_
from citysafe.havens import service
from citysafe.havens.api_venues import ANALYSIS, RUNS, RecordPath, actor_of
from citysafe.havens.coverage import RADII
from citysafe.havens.schemas import ID_MAX
from citysafe.havens.vocabulary import (
    ACTIONS,
    AGE_BANDS,
    OUTREACH_KINDS,
    REASONS,
    STATUSES,
    VENUE_KINDS,
)
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.deps import current_caller, get_session
from citysafe.web.render import back_to, render

router = APIRouter(include_in_schema=False)
DbSession = Annotated[Session, Depends(get_session)]
Text = Annotated[str, Form(max_length=2000)]
Optional = Annotated[str, Form(max_length=2000)]


def runs_network(request: Request) -> bool:
    roles = current_caller(request).roles or set()
    return bool(roles & {r.value for r in RUNS})


def form_date(value: str | None, name: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise service.HavenError(
            f"{name}: {value!r} is not a date YYYY-MM-DD", field=name
        ) from None


def page(request: Request, name: str, context: dict, error: str | None = None):
    context = {**context, "error": error, "runs": runs_network(request)}
    return render(request, name, context, status_code=422 if error else 200)


# ---- overview


@router.get("/havens")
@allow(*ANY_STAFF)
def overview(request: Request, session: DbSession):
    """The coordinator's page: venues not ready and why, training expiring in 30 days."""
    check = service.check_network(session)
    if runs_network(request) and check.expiring:
        audit.record(
            session,
            actor=actor_of(request),
            action="read",
            record_type="haven_staff",
            record_id="expiring",
            detail={"count": len(check.expiring)},
        )
        session.commit()
    venues = service.list_venues(session)
    by_status = {s: sum(v.status == s for v in venues) for s in STATUSES}
    return page(
        request,
        "havens/overview.html",
        {
            "check": check,
            "by_status": by_status,
            "venues": len(venues),
            "uses": service.monthly_summary(session, months=12),
            "outreach": service.outreach_totals(session),
        },
    )


# ---- usage, outreach, nominations


@router.get("/havens/usage")
@allow(*ANY_STAFF)
def usage_page(request: Request, session: DbSession):
    return _usage_page(request, session)


def _usage_page(request: Request, session: Session, error: str | None = None):
    latest = []
    if runs_network(request):
        latest = service.uses(session, actor=actor_of(request), limit=50)
        session.commit()
    return page(
        request,
        "havens/usage.html",
        {
            "summary": service.monthly_summary(session, months=12),
            "latest": latest,
            "venues": service.list_venues(session, status="active"),
            "reasons": REASONS,
            "age_bands": AGE_BANDS,
            "actions": ACTIONS,
            "now": datetime.now(hours_.LONDON),
        },
        error,
    )


@router.post("/havens/uses")
@allow(*RUNS)
def record_use(
    request: Request,
    session: DbSession,
    venue_id: Annotated[int, Form(ge=1, le=ID_MAX)],
    at: Annotated[str, Form(max_length=20)],
    age_band: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=32)],
    actions: Annotated[list[str], Form()] = (),
):
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return _usage_page(request, session, error=f"at: {at!r} is not a date and time")
    try:
        service.record_use(
            session,
            venue_id=venue_id,
            at=moment,
            age_band=age_band,
            reason=reason,
            actions=list(actions),
            actor=actor_of(request),
        )
    except (service.HavenError, service.NotFound) as error:
        session.rollback()
        return _usage_page(request, session, error=str(error))
    session.commit()
    return back_to("/havens/usage")


@router.get("/havens/outreach")
@allow(*ANY_STAFF)
def outreach_page(request: Request, session: DbSession):
    return _outreach_page(request, session)


def _outreach_page(request: Request, session: Session, error: str | None = None):
    return page(
        request,
        "havens/outreach.html",
        {
            "events": service.events(session),
            "totals": service.outreach_totals(session),
            "kinds": OUTREACH_KINDS,
        },
        error,
    )


@router.post("/havens/outreach")
@allow(*RUNS)
def add_outreach(
    request: Request,
    session: DbSession,
    held_on: Annotated[str, Form(max_length=10)],
    kind: Annotated[str, Form(max_length=32)],
    place: Annotated[str, Form(max_length=200)],
    audience: Annotated[str, Form(max_length=200)],
    reached: Annotated[int, Form(ge=0, le=100_000)],
    area: Annotated[str, Form(max_length=200)] = "",
    notes: Optional = "",
):
    try:
        held = form_date(held_on, "held_on")
        if held is None:
            raise service.HavenError("held_on: required", field="held_on")
        service.add_event(
            session,
            held_on=held,
            kind=kind,
            place=place,
            audience=audience,
            reached=reached,
            area=area,
            notes=notes,
            actor=actor_of(request),
        )
    except service.HavenError as error:
        session.rollback()
        return _outreach_page(request, session, error=str(error))
    session.commit()
    return back_to("/havens/outreach")


@router.get("/havens/nominations")
@allow(*RUNS)
def nominations_page(request: Request, session: DbSession):
    return _nominations_page(request, session)


def _nominations_page(request: Request, session: Session, error: str | None = None):
    found = service.nominations(session, actor=actor_of(request))
    session.commit()
    return page(
        request, "havens/nominations.html", {"nominations": found, "kinds": VENUE_KINDS}, error
    )


@router.post("/havens/nominations/{nomination_id}/review")
@allow(*RUNS)
def review_nomination(
    request: Request,
    session: DbSession,
    nomination_id: RecordPath,
    status: Annotated[str, Form(max_length=16)],
    note: Optional = "",
    kind: Annotated[str, Form(max_length=32)] = "other",
    venue_id: Annotated[str, Form(max_length=12)] = "",
):
    try:
        linked = int(venue_id) if venue_id.strip() else None
        service.review(
            session,
            nomination_id,
            status=status,
            note=note,
            kind=kind,
            venue_id=linked,
            actor=actor_of(request),
        )
    except ValueError as error:  # HavenError is a ValueError too
        session.rollback()
        return _nominations_page(request, session, error=str(error))
    except service.NotFound as missing:
        raise HTTPException(404, str(missing)) from None
    session.commit()
    return back_to("/havens/nominations")


# ---- coverage and siting


@router.get("/havens/coverage")
@allow(*ANY_STAFF)
def coverage_page(
    request: Request,
    session: DbSession,
    profile: Annotated[str, Query(max_length=1000)] = "bcs2009",
    k: Annotated[int | None, Query(ge=1, le=50)] = None,
    radius: Annotated[float, Query(ge=10, le=1000)] = 100.0,
):
    """Coverage by hour; with ``k``, the k map points that would add the most coverage
    (solving that is for the roles that may run the siting solver, as its API)."""
    error, found, sites = None, None, None
    roles = current_caller(request).roles or set()
    may_site = bool(roles & {r.value for r in ANALYSIS})
    if k is not None and not may_site:
        raise HTTPException(403, "recommending sites is for analysts, coordinators and managers")
    try:
        found = service.network_coverage(session, profile=profile)
        if k is not None:
            sites = service.recommend_sites(
                session, k=k, radius=radius, profile=profile, time_limit=20.0
            )
    except service.HavenError as refused:
        error = str(refused)
    return page(
        request,
        "havens/coverage.html",
        {
            "found": found,
            "sites": sites,
            "profile": profile,
            "k": k,
            "radius": radius,
            "radii": RADII,
            "weekdays": hours_.WEEKDAYS,
            "may_site": may_site,
        },
        error,
    )
