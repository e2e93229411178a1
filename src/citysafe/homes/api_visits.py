"""JSON API of the visits: a team's day in travel order, the safety audit, and claims.

Teams and the coordinator plan their days and record audits and claims;
the programme manager decides claims. The programme-wide summaries of
audits and claims are aggregate and open to all staff.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from citysafe.homes import service
from citysafe.homes.api_common import RUNS, WORKS, DbSession, RecordPath, actor_of, refusals
from citysafe.homes.schemas import Day, Money
from citysafe.web.access import ANY_STAFF, allow

router = APIRouter(tags=["homes"])


class PlanIn(BaseModel):
    day: Day


class BaseIn(BaseModel):
    longitude: float = Field(..., ge=-180, le=180)
    latitude: float = Field(..., ge=-90, le=90)


class AuditIn(BaseModel):
    answers: dict[Annotated[str, Field(max_length=48)], Annotated[str, Field(max_length=8)]] = (
        Field(..., max_length=40, description="checklist code to yes, no or n/a")
    )
    advice: dict[Annotated[str, Field(max_length=48)], Annotated[str, Field(max_length=2000)]] = (
        Field({}, max_length=40, description="advice given, where it differs from the checklist's")
    )
    done_on: Day | None = None
    note: str | None = Field(None, max_length=2000)


class ClaimIn(BaseModel):
    kind: str = Field(..., max_length=16, description="complaint or compensation")
    received_on: Day
    description: str = Field(..., min_length=1, max_length=4000)
    amount: Money | None = None


class DecisionIn(BaseModel):
    outcome: str = Field(..., max_length=12, description="upheld, rejected, paid or withdrawn")
    decided_on: Day
    paid: Money | None = None


def _claim(found) -> dict:
    return {
        "id": found.id,
        "job_id": found.job_id,
        "kind": found.kind,
        "received_on": found.received_on.isoformat(),
        "description": found.description,
        "amount": found.amount,
        "outcome": found.outcome,
        "paid": found.paid,
        "decided_on": found.decided_on.isoformat() if found.decided_on else None,
    }


@router.get("/api/homes/teams/{team_id}/plan")
@allow(*WORKS)
def preview_plan(
    request: Request, session: DbSession, team_id: RecordPath, day: Annotated[date, Query()]
) -> dict:
    """The team's scheduled visits that day in travel order, without changing the slots."""
    with refusals():
        found = service.plan_day(
            session, team_id=team_id, day=day, actor=actor_of(request), apply=False
        )
    return found.as_dict()


@router.post("/api/homes/teams/{team_id}/plan")
@allow(*WORKS)
def apply_plan(request: Request, session: DbSession, team_id: RecordPath, body: PlanIn) -> dict:
    """Renumber the team's slots that day in travel order (never longer than request order)."""
    with refusals():
        found = service.plan_day(
            session, team_id=team_id, day=body.day, actor=actor_of(request), apply=True
        )
    session.commit()
    return found.as_dict()


@router.put("/api/homes/teams/{team_id}/base")
@allow(*RUNS)
def put_base(request: Request, session: DbSession, team_id: RecordPath, body: BaseIn) -> dict:
    """Where the team's van starts and ends its day."""
    with refusals():
        team = service.set_team_base(
            session,
            team_id=team_id,
            actor=actor_of(request),
            longitude=body.longitude,
            latitude=body.latitude,
        )
    session.commit()
    return {"id": team.id, "base_easting": team.base_easting, "base_northing": team.base_northing}


@router.get("/api/homes/checklist")
@allow(*ANY_STAFF)
def checklist() -> list[dict]:
    """The safety audit's points: answered yes when secure; the advice given when not."""
    return [vars(p) for p in service.CHECKLIST]


@router.get("/api/homes/jobs/{job_id}/audit")
@allow(*WORKS)
def get_audit(session: DbSession, job_id: RecordPath) -> dict | None:
    with refusals():
        service.job(session, job_id)
        found = service.job_audit(session, job_id=job_id)
    return None if found is None else {**vars(found), "done_on": found.done_on.isoformat()}


@router.post("/api/homes/jobs/{job_id}/audit", status_code=201)
@allow(*WORKS)
def post_audit(request: Request, session: DbSession, job_id: RecordPath, body: AuditIn) -> dict:
    """Record the safety audit done with the resident: every point answered."""
    with refusals():
        service.record_audit(
            session,
            job_id=job_id,
            answers=body.answers,
            advice=body.advice or None,
            done_on=body.done_on,
            note=body.note,
            actor=actor_of(request),
        )
    session.commit()
    found = service.job_audit(session, job_id=job_id)
    return {**vars(found), "done_on": found.done_on.isoformat()}


@router.get("/api/homes/audits/summary")
@allow(*ANY_STAFF)
def audits_summary(session: DbSession) -> dict:
    """Each checklist point across the programme: share found not secure, Wilson 95% CI."""
    return service.audit_summary(session).as_dict()


@router.get("/api/homes/jobs/{job_id}/claims")
@allow(*WORKS)
def list_claims(session: DbSession, job_id: RecordPath) -> list[dict]:
    with refusals():
        service.job(session, job_id)
    return [_claim(c) for c in service.job_claims(session, job_id=job_id)]


@router.post("/api/homes/jobs/{job_id}/claims", status_code=201)
@allow(*WORKS)
def post_claim(request: Request, session: DbSession, job_id: RecordPath, body: ClaimIn) -> dict:
    """A complaint or a compensation claim against the job."""
    with refusals():
        found = service.add_claim(
            session, job_id=job_id, actor=actor_of(request), **body.model_dump()
        )
    session.commit()
    return _claim(found)


@router.post("/api/homes/claims/{claim_id}/decision")
@allow(*RUNS)
def decide(request: Request, session: DbSession, claim_id: RecordPath, body: DecisionIn) -> dict:
    with refusals():
        found = service.decide_claim(
            session, claim_id=claim_id, actor=actor_of(request), **body.model_dump()
        )
    session.commit()
    return _claim(found)


@router.get("/api/homes/claims/summary")
@allow(*ANY_STAFF)
def claims_summary(session: DbSession) -> dict:
    """Claims by kind and outcome; compensation per installed job with its exact 95% CI."""
    return service.claims_summary(session).as_dict()
