"""JSON API of the network's evidence: the evidence engine's evaluation of its venues."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from citysafe.havens import evidence
from citysafe.havens.api_venues import actor_of
from citysafe.havens.errors import HavenError
from citysafe.havens.pages_evidence import DEFINES
from citysafe.schemes.api import evaluation_settings
from citysafe.schemes.evaluate import Settings
from citysafe.schemes.service import SchemeError
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.deps import get_session

router = APIRouter(tags=["havens"])
DbSession = Annotated[Session, Depends(get_session)]


class SchemeIn(BaseModel):
    setup_cost: float | None = Field(
        None, description="Pounds; default the stored scheme's, else £25,000 (seed 000)."
    )
    running_cost_per_year: float | None = Field(None, description="Pounds a year.")


@router.get("/api/havens/evidence")
@allow(*ANY_STAFF)
def network_evidence(
    session: DbSession, settings: Annotated[Settings, Depends(evaluation_settings)]
) -> dict:
    """As ``citysafe havens evidence --json``: the network's scheme (sites, venues left out
    and why, whether it matches the venues), the halo ring by ring, and the full evaluation
    (rings x crime types, comparison, placebo, displacement, cost-benefit)."""
    try:
        return evidence.network_evidence(session, settings=settings).as_dict()
    except HavenError as missing:
        raise HTTPException(404, str(missing)) from None
    except (SchemeError, ValueError) as refused:
        raise HTTPException(422, str(refused)) from None


@router.post("/api/havens/evidence/scheme")
@allow(*DEFINES)
def define_scheme(
    request: Request, session: DbSession, body: Annotated[SchemeIn | None, Body()] = None
) -> dict:
    """Make the network's scheme from its venues (each that is or was active, from the month
    it joined), or bring it up to date; venues left out are listed with the reason."""
    body = body or SchemeIn()
    try:
        found = evidence.define_network_scheme(
            session,
            actor=actor_of(request),
            setup_cost=body.setup_cost,
            running_cost_per_year=body.running_cost_per_year,
        )
    except HavenError as refused:
        session.rollback()
        raise HTTPException(422, str(refused)) from None
    session.commit()
    return found.as_dict()
