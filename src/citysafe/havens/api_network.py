"""JSON API of the network as a whole: the readiness check, import and export, the usage log,
outreach, nominations, coverage and siting."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from citysafe.accounts.roles import Role
from citysafe.audit import service as audit
from citysafe.havens import service
from citysafe.havens.api_venues import ANALYSIS, RUNS, RecordPath, actor_of, refusals
from citysafe.havens.hours import parse_spans
from citysafe.havens.schemas import (
    ID_MAX,
    ImportRead,
    NominationRead,
    OutreachIn,
    OutreachRead,
    ReviewIn,
    SitingIn,
    UseIn,
    UseRead,
    nomination_read,
    outreach_read,
    use_read,
)
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.deps import get_session
from citysafe.web.uploads import public_message, saved_upload

router = APIRouter(tags=["havens"])
DbSession = Annotated[Session, Depends(get_session)]
MAX_UPLOAD = 20 * 1024 * 1024


@router.get("/api/havens/check")
@allow(*RUNS)
def check(
    request: Request,
    session: DbSession,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
) -> dict:
    """As ``citysafe havens check``: venues approved, active or suspended that are not ready
    (with every reason), and training expiring within ``days`` (names staff: audited)."""
    found = service.check_network(session, days=days)
    audit.record(
        session,
        actor=actor_of(request),
        action="read",
        record_type="haven_staff",
        record_id="expiring",
        detail={"count": len(found.expiring)},
    )
    session.commit()
    return found.as_dict()


@router.get("/api/havens/export", tags=["havens"])
@allow(*RUNS, Role.ANALYST)
def export(session: DbSession, format: Literal["csv", "geojson"] = "csv") -> Response:
    """Every venue, every field, as CSV or GeoJSON (``citysafe havens export``)."""
    if format == "csv":
        return Response(
            service.export_csv(session),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="havens.csv"'},
        )
    return JSONResponse(service.export_geojson(session), media_type="application/geo+json")


@router.post("/api/havens/import", response_model=ImportRead)
@allow(*RUNS)
def import_file(
    request: Request,
    session: DbSession,
    file: Annotated[UploadFile, File(description="a .csv or .geojson file of venues")],
    update: Annotated[bool, Form()] = False,
) -> ImportRead:
    """Import venues; each row is stored or refused with its row, field and reason."""
    upload = saved_upload(
        file, default_name="upload.csv", suffixes=(".csv", ".geojson", ".json"), limit=MAX_UPLOAD
    )
    with upload as path, refusals():
        try:
            report = service.import_venues(session, path, actor=actor_of(request), update=update)
        except service.HavenError as error:
            raise service.HavenError(public_message(error, path)) from None
    name = path.name
    session.commit()
    return ImportRead(**{**report.as_dict(), "path": name})


@router.post("/api/havens/uses", response_model=UseRead, status_code=201)
@allow(*RUNS)
def record_use(request: Request, session: DbSession, body: UseIn) -> UseRead:
    """Log that someone took refuge: when, where, age band, reason, actions; never a name."""
    with refusals():
        use = service.record_use(
            session,
            venue_id=body.venue_id,
            at=body.at,
            age_band=body.age_band,
            reason=body.reason,
            actions=body.actions,
            actor=actor_of(request),
        )
        venue = service.get_venue(session, use.venue_id)
    session.commit()
    return use_read(use, venue.name)


@router.get("/api/havens/uses", response_model=list[UseRead])
@allow(*RUNS)
def list_uses(
    request: Request,
    session: DbSession,
    venue_id: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[UseRead]:
    """The latest uses, newest first (the read is audited)."""
    found = service.uses(session, actor=actor_of(request), venue_id=venue_id, limit=limit)
    session.commit()
    return [use_read(u, name) for u, name in found]


@router.get("/api/havens/uses/summary")
@allow(*ANY_STAFF)
def usage_summary(
    session: DbSession, months: Annotated[int | None, Query(ge=1, le=120)] = None
) -> dict:
    """Uses by month and reason and by month and venue (true counts, for staff)."""
    return service.monthly_summary(session, months=months).as_dict()


@router.get("/api/havens/outreach")
@allow(*ANY_STAFF)
def outreach(session: DbSession) -> dict:
    """Outreach events and the people reached, by month, area and kind."""
    return {
        "events": [outreach_read(e).model_dump(mode="json") for e in service.events(session)],
        "totals": service.outreach_totals(session).as_dict(),
    }


@router.post("/api/havens/outreach", response_model=OutreachRead, status_code=201)
@allow(*RUNS)
def add_outreach(request: Request, session: DbSession, body: OutreachIn) -> OutreachRead:
    with refusals():
        event = service.add_event(session, **body.model_dump(), actor=actor_of(request))
    session.commit()
    return outreach_read(event)


@router.get("/api/havens/nominations", response_model=list[NominationRead])
@allow(*RUNS)
def list_nominations(
    request: Request,
    session: DbSession,
    status: Literal["received", "contacted", "approved", "declined"] | None = None,
) -> list[NominationRead]:
    """Public nominations with the nominator's optional contact (audited read)."""
    found = service.nominations(session, actor=actor_of(request), status=status)
    session.commit()
    return [nomination_read(n) for n in found]


@router.post("/api/havens/nominations/{nomination_id}/review", response_model=NominationRead)
@allow(*RUNS)
def review_nomination(
    request: Request, session: DbSession, nomination_id: RecordPath, body: ReviewIn
) -> NominationRead:
    """Mark contacted, approve (adding the venue, or linking ``venue_id``) or decline."""
    with refusals():
        nomination = service.review(
            session,
            nomination_id,
            status=body.status,
            note=body.note,
            venue_id=body.venue_id,
            kind=body.kind,
            actor=actor_of(request),
        )
    session.commit()
    return nomination_read(nomination)


@router.get("/api/havens/coverage")
@allow(*ANY_STAFF)
def coverage(
    session: DbSession,
    months: Annotated[int, Query(ge=1, le=120)] = 12,
    profile: Annotated[str, Query(max_length=1000)] = "bcs2009",
    ready_only: bool = True,
) -> dict:
    """Share of recent violence and robbery within 50, 100 and 200 m of a venue open at that
    hour, by weekday and hour and overall (weighted by the hour-of-day ``profile``)."""
    with refusals():
        found = service.network_coverage(
            session, months=months, profile=profile, ready_only=ready_only
        )
    return found.as_dict()


@router.post("/api/havens/siting")
@allow(*ANALYSIS)
def siting(session: DbSession, body: SitingIn) -> dict:
    """The ``k`` candidate premises (or map points) adding the most coverage of recent
    violence weighted by hour: a maximal covering problem solved exactly by HiGHS (or
    greedily, stated as such)."""
    with refusals():
        candidates = None
        if body.candidates is not None:
            candidates = [
                service.Candidate(
                    c.name, c.lon, c.lat, tuple(parse_spans(c.hours)) if c.hours else None
                )
                for c in body.candidates
            ]
        found = service.recommend_sites(
            session,
            k=body.k,
            radius=body.radius_m,
            months=body.months,
            profile=body.profile,
            candidates=candidates,
            candidate_hours=body.candidate_hours,
            method=body.method,
            time_limit=body.time_limit,
        )
    return found.as_dict()
