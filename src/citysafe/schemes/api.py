"""Schemes and their evaluations over the API, and the printable report page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from citysafe.accounts.roles import Role
from citysafe.schemes import service
from citysafe.schemes.evaluate import Settings, evaluate_scheme
from citysafe.schemes.report import html_report
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.deps import commit_audited, get_session

router = APIRouter(tags=["schemes"])
DbSession = Annotated[Session, Depends(get_session)]


def evaluation_settings(
    months_before: Annotated[int, Query(ge=1, le=60)] = 12,
    months_after: Annotated[int, Query(ge=1, le=60)] = 12,
    rings: Annotated[str, Query(max_length=100)] = "50,100,200,400",
    types: Annotated[list[str] | None, Query()] = None,
    permutations: Annotated[int, Query(ge=0, le=999)] = 199,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 1,
) -> Settings:
    try:
        edges = tuple(float(v) for v in rings.split(",") if v.strip())
    except ValueError:
        raise HTTPException(422, "rings are comma-separated metres") from None
    return Settings(
        months_before=months_before,
        months_after=months_after,
        rings=edges,
        types=tuple(types) if types else None,
        permutations=permutations,
        seed=seed,
    )


def _evaluate(session: Session, name: str, settings: Settings):
    try:
        return evaluate_scheme(session, name, settings)
    except service.SchemeError as error:
        status = 404 if "no scheme called" in str(error) else 422
        raise HTTPException(status, str(error)) from None
    except ValueError as error:
        raise HTTPException(422, str(error)) from None


@router.get("/api/schemes")
@allow(*ANY_STAFF)
def list_schemes(session: DbSession) -> list[dict]:
    """Schemes with their kind, costs, sites or areas and start months."""
    return [service.describe(s) for s in service.schemes(session)]


class SchemeCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field("other", max_length=40)
    setup_cost: float = Field(0.0, ge=0, le=1e10)
    running_cost_per_year: float = Field(0.0, ge=0, le=1e10)
    features: dict = Field(
        description="A GeoJSON FeatureCollection: Points with a `start` "
        "(YYYY-MM) are sites; Polygons or MultiPolygons make areas."
    )


@router.post("/api/schemes", status_code=201)
@allow(Role.ADMIN, Role.ANALYST, Role.MANAGER, Role.COORDINATOR)
def create_scheme(request: Request, session: DbSession, body: SchemeCreate) -> dict:
    """Add a scheme from a GeoJSON FeatureCollection of its sites or areas."""
    try:
        sites, areas = service.features_of(body.features, "features")
        scheme = service.add_scheme(
            session,
            name=body.name,
            kind=body.kind,
            setup_cost=body.setup_cost,
            running_cost_per_year=body.running_cost_per_year,
            sites=sites,
            areas=areas,
        )
    except service.SchemeError as error:
        raise HTTPException(422, str(error)) from None
    commit_audited(request, session, action="create", record_type="scheme", record_id=scheme.id)
    return service.describe(scheme)


@router.get("/api/schemes/{name}/evaluation")
@allow(*ANY_STAFF)
def scheme_evaluation(
    session: DbSession, name: str, settings: Annotated[Settings, Depends(evaluation_settings)]
) -> dict:
    """The evaluation: rings x crime types, comparison, DiD, placebo, displacement, costs."""
    return _evaluate(session, name, settings).as_dict()


@router.get("/schemes/{name}/report", include_in_schema=False, response_class=HTMLResponse)
@allow(*ANY_STAFF)
def scheme_report(
    session: DbSession, name: str, settings: Annotated[Settings, Depends(evaluation_settings)]
) -> HTMLResponse:
    return HTMLResponse(html_report(_evaluate(session, name, settings)))
