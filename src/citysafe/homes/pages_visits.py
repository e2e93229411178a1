"""Staff pages of the visits: the teams and their days in travel order; the safety audit and
claims forms of a job (shown on the job's page, see ``pages``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request

from citysafe.homes import lookup, service
from citysafe.homes.api_common import RUNS, WORKS, DbSession, RecordPath, actor_of
from citysafe.homes.errors import HomesError, NotFound
from citysafe.homes.pages import Optional, Text, back_to, form_date, job_refused, missing, page
from citysafe.web.access import allow

router = APIRouter(include_in_schema=False)


@router.get("/homes/teams")
@allow(*WORKS)
def teams_page(request: Request, session: DbSession):
    """The teams, each with a link to its day."""
    context = {"teams": lookup.teams(session), "today": date.today()}
    return page(request, "homes/teams.html", context)


def _day_context(request: Request, session, team_id: int, day: date) -> dict:
    plan = service.plan_day(session, team_id=team_id, day=day, actor=actor_of(request), apply=False)
    return {"plan": plan, "day": day, "team_id": team_id}


@router.get("/homes/teams/{team_id}/day")
@allow(*WORKS)
def day_page(
    request: Request,
    session: DbSession,
    team_id: RecordPath,
    day: Annotated[date | None, Query()] = None,
):
    """A team's day: its visits in slot order, and the travel order the planner proposes."""
    day = day or date.today()
    try:
        context = _day_context(request, session, team_id, day)
    except NotFound as error:
        return missing(request, error)
    except HomesError as error:
        context = {"plan": None, "day": day, "team_id": team_id}
        return page(request, "homes/day.html", context, str(error))
    session.rollback()  # a preview writes nothing
    return page(request, "homes/day.html", context)


@router.post("/homes/teams/{team_id}/plan")
@allow(*WORKS)
def plan(request: Request, session: DbSession, team_id: RecordPath, day: Text):
    """Renumber the day's slots in travel order."""
    try:
        on = form_date(day, "day") or date.today()
        service.plan_day(session, team_id=team_id, day=on, actor=actor_of(request), apply=True)
    except NotFound as error:
        return missing(request, error)
    except HomesError as error:
        session.rollback()
        context = {"plan": None, "day": date.today(), "team_id": team_id}
        return page(request, "homes/day.html", context, str(error))
    session.commit()
    return back_to(f"/homes/teams/{team_id}/day?day={on.isoformat()}")


@router.post("/homes/jobs/{job_id}/audit")
@allow(*WORKS)
async def audit(request: Request, session: DbSession, job_id: RecordPath):
    """The checklist form: an answer per point, and advice where other words were used."""
    form = await request.form()
    answers = {p.code: str(form.get(f"answer-{p.code}", "")) for p in service.CHECKLIST}
    advice = {
        p.code: str(form.get(f"advice-{p.code}"))
        for p in service.CHECKLIST
        if str(form.get(f"advice-{p.code}", "") or "").strip()
    }
    try:
        service.record_audit(
            session,
            job_id=job_id,
            answers={k: v for k, v in answers.items() if v},
            advice=advice or None,
            done_on=form_date(str(form.get("done_on", "")), "done on"),
            note=str(form.get("note", "")) or None,
            actor=actor_of(request),
        )
    except (HomesError, NotFound) as error:
        return job_refused(request, session, job_id, error)
    session.commit()
    return back_to(f"/homes/jobs/{job_id}#audit")


@router.post("/homes/jobs/{job_id}/claims")
@allow(*WORKS)
def claim(
    request: Request,
    session: DbSession,
    job_id: RecordPath,
    kind: Text,
    received_on: Text,
    description: Text,
    amount: Optional = "",
):
    try:
        service.add_claim(
            session,
            job_id=job_id,
            kind=kind,
            received_on=form_date(received_on, "received on") or date.today(),
            description=description,
            amount=_money(amount, "amount"),
            actor=actor_of(request),
        )
    except (HomesError, NotFound) as error:
        return job_refused(request, session, job_id, error)
    session.commit()
    return back_to(f"/homes/jobs/{job_id}#claims")


@router.post("/homes/claims/{claim_id}/decision")
@allow(*RUNS)
def decide(
    request: Request,
    session: DbSession,
    claim_id: RecordPath,
    outcome: Text,
    paid: Optional = "",
):
    try:
        found = service.claim(session, claim_id)
    except NotFound as error:
        return missing(request, error)
    try:
        service.decide_claim(
            session,
            claim_id=claim_id,
            outcome=outcome,
            paid=_money(paid, "paid"),
            decided_on=date.today(),
            actor=actor_of(request),
        )
    except HomesError as error:
        return job_refused(request, session, found.job_id, error)
    session.commit()
    return back_to(f"/homes/jobs/{found.job_id}#claims")


def _money(value: str | None, name: str) -> float | None:
    value = (value or "").strip().lstrip("£").replace(",", "")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise HomesError(f"{name}: {value!r} is not an amount in pounds") from None
