"""Pages of requests and the queue: the public request form, agencies' referrals, the
coordinator's list of requests to decide, and the work queue."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request

from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.homes import service
from citysafe.homes.api_common import WORKS, DbSession, RecordPath, actor_of, works_in_programme
from citysafe.homes.api_requests import REFERS
from citysafe.homes.errors import HomesError, NotFound
from citysafe.homes.models import TENURES
from citysafe.homes.models_requests import REFERRALS
from citysafe.homes.pages import Optional, Text, back_to, missing, page
from citysafe.web.access import allow
from citysafe.web.deps import client_address, current_caller
from citysafe.web.render import render

router = APIRouter(include_in_schema=False)
PUBLIC_FORM = "homes/request_public.html"


def _number(value: str | None, name: str) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise HomesError(f"{name}: {value!r} is not a number") from None


# ---- the public form


@router.get("/secure-homes")
@allow(public=True)
def request_form(request: Request):
    """A resident asks for the free home-security service."""
    return render(request, PUBLIC_FORM, {"form": {}, "tenures": TENURES})


@router.post("/secure-homes")
@allow(public=True)
def request_submit(
    request: Request,
    session: DbSession,
    contact_name: Text,
    address: Text,
    postcode: Annotated[str, Form(max_length=10)],
    phone: Optional = "",
    email: Optional = "",
    note: Optional = "",
    website: Optional = "",  # left empty by people, filled by bots
):
    """The submitter sees a reference and one message that depends only on the rules."""
    form = {"contact_name": contact_name, "address": address, "postcode": postcode}
    form |= {"phone": phone, "email": email, "note": note}
    if website:
        return render(request, PUBLIC_FORM, {"receipt": None, "thanks": True, "tenures": TENURES})
    actor = Actor(user_id=None, username="public form", client=client_address(request))
    try:
        receipt = service.submit_public_request(
            session,
            contact_name=contact_name,
            address=address,
            postcode=postcode,
            phone=phone or None,
            email=email or None,
            note=note or None,
            actor=actor,
        )
    except HomesError as error:
        session.rollback()
        context = {"form": form, "error": str(error), "tenures": TENURES}
        return render(request, PUBLIC_FORM, context, status_code=422)
    session.commit()
    return render(request, PUBLIC_FORM, {"receipt": receipt, "thanks": True})


# ---- referrals by agencies, and requests entered by staff


@router.get("/homes/refer")
@allow(*REFERS)
def refer_form(request: Request):
    """Refer a victim (or enter a resident's request) for the service."""
    return page(request, "homes/refer.html", _refer_context(request, {}))


def _refer_context(request: Request, form: dict) -> dict:
    return {"form": form, "tenures": TENURES, "referrals": REFERRALS}


@router.post("/homes/refer")
@allow(*REFERS)
def refer(
    request: Request,
    session: DbSession,
    contact_name: Text,
    address: Text,
    postcode: Annotated[str, Form(max_length=10)],
    phone: Optional = "",
    email: Optional = "",
    referral: Optional = "",
    lon: Optional = "",
    lat: Optional = "",
    tenure: Optional = "",
    note: Optional = "",
):
    caller = current_caller(request)
    staff = works_in_programme(request)
    form = {"contact_name": contact_name, "address": address, "postcode": postcode}
    form |= {"phone": phone, "email": email, "referral": referral, "note": note}
    form |= {"lon": lon, "lat": lat, "tenure": tenure}
    try:
        made = service.submit_request(
            session,
            # a referrer outside the programme refers for their own agency, never as staff
            channel="agency" if referral or not staff else "staff",
            contact_name=contact_name,
            address=address,
            postcode=postcode,
            phone=phone or None,
            email=email or None,
            referral=referral or None,
            agency_id=caller.user.agency_id if referral or not staff else None,
            lon=_number(lon, "longitude"),
            lat=_number(lat, "latitude"),
            tenure=tenure or None,
            note=note or None,
            actor=actor_of(request),
        )
    except (HomesError, NotFound) as error:
        session.rollback()
        return page(request, "homes/refer.html", _refer_context(request, form), str(error))
    session.commit()
    done = {"status": made.status, "reason": made.reason, "priority": made.priority, "id": made.id}
    return page(request, "homes/refer.html", {**_refer_context(request, {}), "done": done})


# ---- the coordinator's requests and the queue


@router.get("/homes/requests")
@allow(*WORKS)
def requests_page(
    request: Request,
    session: DbSession,
    status: Annotated[str, Query(max_length=12)] = "new",
):
    """Requests by status (new ones first: they wait for a coordinator to place them)."""
    try:
        found = service.requests(session, status=status or None)
    except HomesError as error:
        return page(request, "homes/requests.html", {"found": [], "status": status}, str(error))
    audit.record(
        session,
        actor=actor_of(request),
        action="read",
        record_type="homes_request",
        detail={"status": status, "shown": len(found)},
    )
    session.commit()
    context = {"found": found, "status": status, "tenures": TENURES}
    return page(request, "homes/requests.html", context)


@router.post("/homes/requests/{request_id}/decision")
@allow(*WORKS)
def decide(
    request: Request,
    session: DbSession,
    request_id: RecordPath,
    verdict: Annotated[str, Form(max_length=8)] = "rules",
    reason: Optional = "",
    lon: Optional = "",
    lat: Optional = "",
    tenure: Optional = "",
):
    """By the rules, or an override (accept or refuse) with its reason."""
    accept = {"rules": None, "accept": True, "refuse": False}.get(verdict)
    try:
        made = service.request(session, request_id)
        service.decide_request(
            session,
            request_id=request_id,
            actor=actor_of(request),
            accept=accept,
            reason=reason or None,
            lon=_number(lon, "longitude"),
            lat=_number(lat, "latitude"),
            tenure=tenure or None,
        )
    except NotFound as error:
        return missing(request, error)
    except HomesError as error:
        session.rollback()
        found = service.requests(session, status=made.status)
        context = {"found": found, "status": made.status, "tenures": TENURES}
        return page(request, "homes/requests.html", context, str(error))
    session.commit()
    return back_to(f"/homes/requests?status={made.status}")


@router.get("/homes/queue")
@allow(*WORKS)
def queue_page(request: Request, session: DbSession, on: date | None = None):
    """Open jobs by effective priority, each with the reason for its place."""
    context = {
        "entries": service.queue(session, on=on),
        "on": on or date.today(),
        "window": service.cocoon_window(session),
    }
    return page(request, "homes/queue.html", context)
