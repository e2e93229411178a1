"""Staff pages of the home-security programme: its dashboard, the work queue, households,
one job, the teams' days.

Forms post here and are answered with a redirect (or the page again with
the refusal, 422); each calls the same service as the JSON API.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from markupsafe import Markup

from citysafe.audit import service as audit
from citysafe.homes import lookup, service
from citysafe.homes.api_common import (
    RUNS,
    WORKS,
    DbSession,
    RecordPath,
    actor_of,
    runs_programme,
    works_in_programme,
)
from citysafe.homes.errors import HomesError, NotFound
from citysafe.homes.models import OPEN_STATUSES
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.render import back_to, render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
Optional = Annotated[str, Form(max_length=2000)]
ACTIONS = ("visited", "no access", "declined", "cancelled")


def page(request: Request, name: str, context: dict, error: str | None = None):
    context = {
        **context,
        "error": error,
        "runs": runs_programme(request),
        "works": works_in_programme(request),
    }
    return render(request, name, context, status_code=422 if error else 200)


def form_date(value: str | None, name: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HomesError(f"{name}: {value!r} is not a date YYYY-MM-DD") from None


def form_int(value: str | None, name: str) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        raise HomesError(f"{name}: {value!r} is not a whole number") from None


# ---- the programme's dashboard


def dashboard_context(session) -> dict:
    """The figures of the programme's dashboard; ``outcomes`` is None before there are any."""
    context = {
        "coverage": lookup.coverage_today(session),
        "areas": service.target_areas(session),
        "audits": service.audit_summary(session),
        "claims": service.claims_summary(session),
        "window": service.cocoon_window(session),
    }
    try:
        found = service.programme_outcomes(session)
        series = service.coverage_by_month(session)
    except HomesError as error:
        return {**context, "outcomes": None, "why_none": str(error)}
    figures = found.as_dict()
    charts = {
        "coverage_chart": Markup(service.coverage_chart(series)),
        "savings_chart": Markup(service.savings_chart(figures["savings"])),
    }
    return {**context, **charts, "outcomes": found, "o": figures, "series": series}


@router.get("/homes")
@allow(*ANY_STAFF)
def overview(request: Request, session: DbSession):
    """Coverage, burglary rates for protected and unprotected homes, costs and savings."""
    return page(request, "homes/overview.html", dashboard_context(session))


# ---- households


@router.get("/homes/households")
@allow(*WORKS)
def households_page(
    request: Request,
    session: DbSession,
    q: Annotated[str | None, Query(max_length=200)] = None,
    target_area: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
):
    """Find a household by address or postcode, and open a job for it."""
    found = lookup.find_households(
        session, text=q, target_area_id=target_area, limit=50, offset=offset
    )
    audit.record(
        session,
        actor=actor_of(request),
        action="read",
        record_type="homes_household",
        detail={"q": q, "target_area": target_area, "shown": len(found.households)},
    )
    session.commit()
    context = {
        "found": found,
        "q": q or "",
        "target_area": target_area,
        "offset": offset,
        "areas": service.target_areas(session),
    }
    return page(request, "homes/households.html", context)


@router.post("/homes/households/{household_id}/job")
@allow(*WORKS)
def open_job(request: Request, session: DbSession, household_id: RecordPath, note: Optional = ""):
    try:
        found = service.request_job(
            session, household_id=household_id, actor=actor_of(request), note=note or None
        )
    except (HomesError, NotFound) as error:
        session.rollback()
        return households_error(request, session, str(error))
    session.commit()
    return back_to(f"/homes/jobs/{found.id}")


def households_error(request: Request, session, error: str):
    found = lookup.find_households(session, limit=50)
    context = {"found": found, "q": "", "target_area": None, "offset": 0}
    return page(request, "homes/households.html", {**context, "areas": []}, error)


# ---- one job


def job_context(session, job_id: int) -> dict:
    found = service.job(session, job_id)
    return {
        "job": found,
        "household": service.household(session, found.household_id),
        "history": service.job_history(session, job_id),
        "items": service.job_items(session, job_id),
        "catalogue": service.catalogue(session),
        "teams": lookup.teams(session),
        "actions": ACTIONS,
        "open_statuses": OPEN_STATUSES,
        "today": date.today(),
        "audit": service.job_audit(session, job_id=job_id),
        "checklist": service.CHECKLIST,
        "claims": service.job_claims(session, job_id=job_id),
    }


@router.get("/homes/jobs/{job_id}")
@allow(*WORKS)
def job_page(request: Request, session: DbSession, job_id: RecordPath):
    """A job: the household, its status history, booking, the visit and the items fitted."""
    try:
        context = job_context(session, job_id)
    except NotFound as error:
        return missing(request, error)
    audit.record(
        session,
        actor=actor_of(request),
        action="read",
        record_type="homes_household",
        record_id=context["household"].id,
    )
    session.commit()
    return page(request, "homes/job.html", context)


def missing(request: Request, error: Exception):
    response = page(request, "homes/missing.html", {"what": str(error)})
    response.status_code = 404
    return response


def job_refused(request: Request, session, job_id: int, error: Exception):
    session.rollback()
    try:
        context = job_context(session, job_id)
    except NotFound:
        return missing(request, error)
    return page(request, "homes/job.html", context, str(error))


@router.post("/homes/jobs/{job_id}/booking")
@allow(*RUNS)
def book(
    request: Request, session: DbSession, job_id: RecordPath, team_id: Text, day: Text, slot: Text
):
    try:
        service.book_job(
            session,
            job_id=job_id,
            team_id=form_int(team_id, "team"),
            day=form_date(day, "day") or date.today(),
            slot=form_int(slot, "slot"),
            actor=actor_of(request),
        )
    except (HomesError, NotFound) as error:
        return job_refused(request, session, job_id, error)
    session.commit()
    return back_to(f"/homes/jobs/{job_id}")


@router.post("/homes/jobs/{job_id}/status")
@allow(*WORKS)
def set_status(
    request: Request, session: DbSession, job_id: RecordPath, status: Text, note: Optional = ""
):
    try:
        service.change_status(
            session, job_id=job_id, status=status, actor=actor_of(request), note=note or None
        )
    except (HomesError, NotFound) as error:
        return job_refused(request, session, job_id, error)
    session.commit()
    return back_to(f"/homes/jobs/{job_id}")


@router.post("/homes/jobs/{job_id}/install")
@allow(*WORKS)
async def install(request: Request, session: DbSession, job_id: RecordPath):
    """The install form: a quantity per catalogue item (0 or empty: not fitted), the resident
    paying for any, the marking code and the day."""
    form = await request.form()
    try:
        items = []
        for item in service.catalogue(session):
            raw = str(form.get(f"qty-{item.code}", "") or "").strip()
            quantity = form_int(raw, f"quantity of {item.name}") if raw else 0
            if quantity < 0:
                raise HomesError(f"quantity of {item.name}: cannot be negative")
            if quantity:
                pays = form.get(f"pays-{item.code}") == "on"
                items.append(service.ItemFitted(item.code, quantity, pays))
        service.install_job(
            session,
            job_id=job_id,
            items=items,
            actor=actor_of(request),
            installed_on=form_date(str(form.get("installed_on", "")), "installed on"),
            marking_code=str(form.get("marking_code", "")) or None,
        )
    except (HomesError, NotFound) as error:
        return job_refused(request, session, job_id, error)
    session.commit()
    return back_to(f"/homes/jobs/{job_id}")
