"""JSON API of the programme as a whole: outcomes, target areas, households, teams, prices.

Outcomes are aggregate and open to all staff; households are personal data,
seen by those who run the programme and do its visits, and every read of
them is audited.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi import Path as FastPath
from fastapi.responses import Response

from citysafe.audit import service as audit
from citysafe.homes import lookup, service
from citysafe.homes.api_common import RUNS, WORKS, DbSession, RecordPath, actor_of, refusals
from citysafe.homes.schemas import (
    CatalogueRead,
    CostIn,
    HouseholdPageRead,
    HouseholdRead,
    ImportRead,
    SettingsIn,
    TargetAreaIn,
    TargetAreaRead,
    TeamIn,
    TeamRead,
    household_read,
    team_read,
)
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.deps import commit_audited
from citysafe.web.uploads import public_message, saved_upload

router = APIRouter(tags=["homes"])
MONTH = r"^\d{4}-\d{2}$"
MAX_UPLOAD = 64 << 20


@router.get("/api/homes/outcomes")
@allow(*ANY_STAFF)
def outcomes(
    session: DbSession,
    first: Annotated[str | None, Query(alias="from", pattern=MONTH)] = None,
    last: Annotated[str | None, Query(alias="to", pattern=MONTH)] = None,
) -> dict:
    """Coverage and burglary per 1,000 households (protected, unprotected, force area) over
    the period, with their intervals, the share of burglaries in protected homes, costs,
    burglaries prevented, savings and the break-even month, and how burglaries were linked."""
    with refusals():
        return service.programme_outcomes(session, first=first, last=last).as_dict()


@router.get("/api/homes/coverage")
@allow(*ANY_STAFF)
def coverage(
    session: DbSession,
    first: Annotated[str | None, Query(alias="from", pattern=MONTH)] = None,
    last: Annotated[str | None, Query(alias="to", pattern=MONTH)] = None,
) -> dict:
    """Coverage (protected / all households) by target area and month, and overall."""
    with refusals():
        return service.coverage_by_month(session, first=first, last=last).as_dict()


@router.get("/api/homes/target-areas", response_model=list[TargetAreaRead])
@allow(*ANY_STAFF)
def list_target_areas(session: DbSession) -> list[TargetAreaRead]:
    """The target areas and how many households each holds."""
    return [TargetAreaRead(**vars(t)) for t in service.target_areas(session)]


@router.post("/api/homes/target-areas", response_model=TargetAreaRead, status_code=201)
@allow(*RUNS)
def create_target_area(request: Request, session: DbSession, body: TargetAreaIn) -> TargetAreaRead:
    """Add a target area from an imported boundary (kind and code) or an LSOA code."""
    with refusals():
        found = service.add_target_area(session, **body.model_dump())
    commit_audited(
        request, session, action="create", record_type="homes_target_area", record_id=found.id
    )
    [summary] = [t for t in service.target_areas(session) if t.id == found.id]
    return TargetAreaRead(**vars(summary))


@router.post("/api/homes/households/import", response_model=ImportRead)
@allow(*RUNS)
def import_file(
    request: Request,
    session: DbSession,
    file: Annotated[UploadFile, File(description="a .csv of households")],
) -> ImportRead:
    """Import households; each row is stored or refused with its line, field and reason, and
    rows outside every target area are kept and listed."""
    with (
        saved_upload(
            file, default_name="households.csv", suffixes=(".csv",), limit=MAX_UPLOAD
        ) as path,
        refusals(),
    ):
        try:
            report = service.import_households(session, path)
        except service.HomesError as error:
            raise service.HomesError(public_message(error, path)) from None
    name = path.name
    found = report.as_dict()
    for problem in [*found["refused"], *found["outside"]]:
        problem["path"] = name
    commit_audited(
        request,
        session,
        action="import",
        record_type="homes_household",
        record_id=name[:64],
        detail={
            "created": report.created,
            "updated": report.updated,
            "refused": len(report.refused),
        },
    )
    return ImportRead(**{**found, "path": name})


@router.get("/api/homes/households", response_model=HouseholdPageRead)
@allow(*WORKS)
def list_households(
    request: Request,
    session: DbSession,
    q: Annotated[
        str | None, Query(max_length=200, description="part of an address or postcode")
    ] = None,
    target_area: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HouseholdPageRead:
    """Households matching the search, with their latest job's status (audited read)."""
    found = lookup.find_households(
        session, text=q, target_area_id=target_area, limit=limit, offset=offset
    )
    commit_audited(
        request,
        session,
        action="read",
        record_type="homes_household",
        detail={"q": q, "target_area": target_area, "shown": len(found.households)},
    )
    return HouseholdPageRead(
        total=found.total,
        households=[household_read(h, found.status[h.id]) for h in found.households],
    )


@router.get("/api/homes/households/{household_id}", response_model=HouseholdRead)
@allow(*WORKS)
def get_household(request: Request, session: DbSession, household_id: RecordPath) -> HouseholdRead:
    with refusals():
        found = service.household(session, household_id)
    jobs = lookup.jobs_of(session, household_id)
    commit_audited(
        request, session, action="read", record_type="homes_household", record_id=household_id
    )
    return household_read(found, jobs[-1].status if jobs else "no job")


@router.get("/api/homes/teams", response_model=list[TeamRead])
@allow(*WORKS)
def list_teams(session: DbSession) -> list[TeamRead]:
    return [team_read(t) for t in lookup.teams(session)]


@router.post("/api/homes/teams", response_model=TeamRead, status_code=201)
@allow(*RUNS)
def create_team(request: Request, session: DbSession, body: TeamIn) -> TeamRead:
    """A team of two fitters with a van."""
    with refusals():
        team = service.add_team(session, name=body.name, members=body.members, van=body.van)
    commit_audited(request, session, action="create", record_type="homes_team", record_id=team.id)
    return team_read(team)


@router.get("/api/homes/catalogue", response_model=list[CatalogueRead])
@allow(*ANY_STAFF)
def list_catalogue(session: DbSession) -> list[CatalogueRead]:
    """What the teams fit, at today's unit costs."""
    return [
        CatalogueRead(code=c.code, name=c.name, unit_cost=c.unit_cost)
        for c in service.catalogue(session)
    ]


@router.put("/api/homes/catalogue/{code}", response_model=CatalogueRead)
@allow(*RUNS)
def set_cost(
    request: Request,
    session: DbSession,
    code: Annotated[str, FastPath(max_length=32, description="an item's code")],
    body: CostIn,
) -> CatalogueRead:
    """Change an item's unit cost; jobs already fitted keep the cost of their day."""
    with refusals():
        item = service.set_item_cost(
            session, code=code, unit_cost=body.unit_cost, actor=actor_of(request)
        )
    session.commit()
    return CatalogueRead(code=item.code, name=item.name, unit_cost=item.unit_cost)


@router.put("/api/homes/settings")
@allow(*RUNS)
def put_settings(request: Request, session: DbSession, body: SettingsIn) -> dict:
    """The force area's households (for its burglary rate) and the cost of one burglary;
    a value left out keeps what is stored."""
    with refusals():
        found = service.set_programme(
            session,
            actor=actor_of(request),
            force_households=body.force_households,
            cost_per_burglary=body.cost_per_burglary,
        )
    session.commit()
    return {
        "force_households": found.force_households,
        "cost_per_burglary": found.cost_per_burglary,
    }


@router.get("/api/homes/marking.csv")
@allow(*RUNS)
def marking_export(request: Request, session: DbSession) -> Response:
    """The property-marking codes recorded on installed jobs, for the national register."""
    rows = lookup.marking_register(session)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["uprn", "address", "postcode", "marking_code", "marked_on"])
    for uprn, address, postcode, code, on in rows:
        writer.writerow([uprn or "", address, postcode, code, on.isoformat() if on else ""])
    audit.record(
        session,
        actor=actor_of(request),
        action="export",
        record_type="homes_marking",
        detail={"rows": len(rows)},
    )
    session.commit()
    return Response(
        text.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="property-marking.csv"'},
    )
