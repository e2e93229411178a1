"""JSON API of requests and the work queue: staff entries and agency referrals, decisions by
the eligibility rules, the queue with its reasons, and the cocoon after a burglary.

Requests carry the resident's contact details: those who run the programme
and do its visits see them; an agency's caseworker may refer a victim but
reads no one's requests. The police partner reports burglaries with their
exact date and place for the cocoon.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from citysafe.accounts.roles import AgencyKind, Role
from citysafe.homes import service
from citysafe.homes.api_common import (
    RUNS,
    WORKS,
    DbSession,
    RecordPath,
    actor_of,
    refusals,
    works_in_programme,
)
from citysafe.homes.models_requests import Request as HomesRequest
from citysafe.homes.schemas import Day
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.deps import commit_audited, current_caller

router = APIRouter(tags=["homes"])
REFERS = (*WORKS, Role.CASEWORKER)
Longitude = Annotated[float, Field(ge=-180, le=180)]
Latitude = Annotated[float, Field(ge=-90, le=90)]


class RequestIn(BaseModel):
    channel: Literal["staff", "agency"] = "staff"
    contact_name: str = Field(..., max_length=200)
    address: str = Field(..., max_length=500)
    postcode: str = Field(..., max_length=10)
    phone: str | None = Field(None, max_length=32)
    email: str | None = Field(None, max_length=254)
    uprn: str | None = Field(None, max_length=12)
    lon: Longitude | None = None
    lat: Latitude | None = None
    tenure: str | None = Field(None, max_length=24)
    referral: str | None = Field(
        None, max_length=24, description="burglary victim, repeat victim, hate crime, ..."
    )
    agency_id: int | None = Field(None, ge=1, le=2_147_483_647)
    note: str | None = Field(None, max_length=2000)


class DecisionIn(BaseModel):
    accept: bool | None = Field(None, description="empty: the rules decide; else an override")
    reason: str | None = Field(None, max_length=2000)
    priority: int | None = Field(None, ge=1, le=4)
    lon: Longitude | None = None
    lat: Latitude | None = None
    tenure: str | None = Field(None, max_length=24)
    uprn: str | None = Field(None, max_length=12)


class WithdrawIn(BaseModel):
    reason: str | None = Field(None, max_length=2000)


class CocoonIn(BaseModel):
    on: Day | None = None
    since: Day | None = None


class AnalysisIn(BaseModel):
    source: Literal["police.uk", "reports"] = "police.uk"
    permutations: int = Field(99, ge=19, le=999)
    seed: int = Field(1, ge=0, le=2**31 - 1)


class BurglaryIn(BaseModel):
    occurred_on: Day
    lon: Longitude
    lat: Latitude
    household_id: int | None = Field(None, ge=1, le=2_147_483_647)


def request_read(found: HomesRequest) -> dict:
    return {
        "id": found.id,
        "received_at": found.received_at.isoformat(),
        "channel": found.channel,
        "contact_name": found.contact_name,
        "phone": found.phone,
        "email": found.email,
        "address": found.address,
        "postcode": found.postcode,
        "household_id": found.household_id,
        "referral": found.referral,
        "agency_id": found.agency_id,
        "note": found.note,
        "status": found.status,
        "eligible": found.eligible,
        "priority": found.priority,
        "reason": found.reason,
        "job_id": found.job_id,
    }


@router.post("/api/homes/requests", status_code=201)
@allow(*REFERS)
def create_request(request: Request, session: DbSession, body: RequestIn) -> dict:
    """A request entered by staff, or an agency's referral of a victim (the caller's own agency
    unless another is named); the eligibility rules decide it at once when the home is known."""
    caller = current_caller(request)
    values = body.model_dump()
    staff = works_in_programme(request)
    if body.channel == "agency" and body.agency_id is None or not staff:
        # a referrer outside the programme refers for their own agency, never as staff
        values["channel"], values["agency_id"] = "agency", caller.user.agency_id
    with refusals():
        found = service.submit_request(session, actor=actor_of(request), **values)
    session.commit()
    answer = request_read(found)
    if not staff:
        # a referrer learns the decision on their referral, nothing about the household's record
        answer = {k: answer[k] for k in ("id", "status", "eligible", "priority", "reason")}
    return answer


@router.get("/api/homes/requests")
@allow(*WORKS)
def list_requests(
    request: Request,
    session: DbSession,
    status: Annotated[str | None, Query(max_length=12)] = None,
    channel: Annotated[str | None, Query(max_length=8)] = None,
) -> list[dict]:
    """Requests with the residents' contact details (an audited read)."""
    with refusals():
        found = service.requests(session, status=status, channel=channel)
    commit_audited(
        request,
        session,
        action="read",
        record_type="homes_request",
        detail={"status": status, "channel": channel, "shown": len(found)},
    )
    return [request_read(r) for r in found]


@router.get("/api/homes/requests/{request_id}")
@allow(*WORKS)
def get_request(request: Request, session: DbSession, request_id: RecordPath) -> dict:
    with refusals():
        found = service.request(session, request_id)
    commit_audited(
        request, session, action="read", record_type="homes_request", record_id=request_id
    )
    return request_read(found)


@router.post("/api/homes/requests/{request_id}/decision")
@allow(*WORKS)
def decide(request: Request, session: DbSession, request_id: RecordPath, body: DecisionIn) -> dict:
    """Decide by the rules, or override them with a stated reason; a request whose address the
    programme does not hold needs the home's location and tenure."""
    with refusals():
        found = service.decide_request(
            session, request_id=request_id, actor=actor_of(request), **body.model_dump()
        )
    session.commit()
    return request_read(found)


@router.post("/api/homes/requests/{request_id}/withdraw")
@allow(*WORKS)
def withdraw(
    request: Request, session: DbSession, request_id: RecordPath, body: WithdrawIn
) -> dict:
    with refusals():
        found = service.withdraw_request(
            session, request_id=request_id, actor=actor_of(request), reason=body.reason
        )
    session.commit()
    return request_read(found)


@router.get("/api/homes/queue")
@allow(*WORKS)
def get_queue(session: DbSession, on: date | None = None) -> list[dict]:
    """Open jobs by effective priority, then request date, each with the reason for its place."""
    return [e.as_dict() for e in service.queue(session, on=on)]


@router.get("/api/homes/cocoon")
@allow(*ANY_STAFF)
def get_window(session: DbSession) -> dict:
    """The cocoon window in force: distance and days, and where they came from."""
    return service.cocoon_window(session).as_dict()


@router.post("/api/homes/cocoon")
@allow(*RUNS)
def run_cocoon(request: Request, session: DbSession, body: CocoonIn) -> dict:
    """Move unprotected eligible homes near a recent burglary up the queue for the window."""
    with refusals():
        found = service.apply_cocoon(session, actor=actor_of(request), on=body.on, since=body.since)
    session.commit()
    return found.as_dict()


@router.post("/api/homes/cocoon/analysis")
@allow(*RUNS, Role.ANALYST)
def analyse(request: Request, session: DbSession, body: AnalysisIn) -> dict:
    """Set the cocoon window from a near-repeat analysis of the burglaries held."""
    with refusals():
        found = service.analyse_window(session, actor=actor_of(request), **body.model_dump())
    session.commit()
    return found.as_dict()


@router.post("/api/homes/burglaries", status_code=201)
@allow(*ANY_STAFF, agencies=[AgencyKind.POLICE])
def report_burglary(request: Request, session: DbSession, body: BurglaryIn) -> dict:
    """The police partner's burglary with its exact date and place, for the cocoon."""
    with refusals():
        found = service.report_burglary(session, actor=actor_of(request), **body.model_dump())
    session.commit()
    return {"id": found.id, "occurred_on": found.occurred_on.isoformat()}
