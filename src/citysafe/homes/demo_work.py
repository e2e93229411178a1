"""The demo programme's day-to-day work, so every page has something to show and do.

On top of ``homes.demo`` (households, installs, burglary links): teams with
a van and a depot; a safety audit for every installed home and claims at
about the seed's rates; and open work dated from today: jobs requested in
the last fortnight, some booked for the teams today and tomorrow in request
order (so the day planner has something to improve), agency referrals of
victims, and public requests waiting for a coordinator.

The audit answers are drawn, not observed: each point is found not secure
with a fixed probability (``NOT_SECURE``), set so about three audits in ten
find a door kept unlocked or a window left open, the seed's lesson.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from citysafe.accounts.roles import AgencyKind
from citysafe.accounts.service import ensure_agency
from citysafe.audit import service as audit
from citysafe.audit.service import SYSTEM
from citysafe.homes.audits import CHECKLIST
from citysafe.homes.dayplan import set_team_base
from citysafe.homes.jobs import add_team, book_job, request_job
from citysafe.homes.models import Household, Job, Team
from citysafe.homes.models_visits import AuditAnswer, Claim, SafetyAudit
from citysafe.homes.requests import submit_public_request, submit_request

__all__ = ["DemoWork", "NOT_SECURE", "load_demo_work"]

TEAMS = (("Team A", "Ash, Bea", "DM01 VAN"), ("Team B", "Cal, Dee", "DM02 VAN"))
# chance a checklist point is found not secure at a demo audit (drawn, see the module notes)
NOT_SECURE = {
    "front_door": 0.12,
    "back_door": 0.22,
    "doors_locked": 0.16,
    "side_gate": 0.30,
    "window_locks": 0.35,
    "windows_shut": 0.17,
    "upper_windows": 0.10,
    "flat_roof": 0.05,
    "outside_light": 0.40,
    "valuables_hidden": 0.25,
    "keys_away": 0.20,
    "property_marked": 0.02,
    "property_registered": 0.03,
}
COMPLAINT_RATE = 0.006
COMPENSATION_RATE = 0.0025  # the seed: claims on 0.25% of jobs
REQUESTED, BOOKED_PER_TEAM, REFERRALS, PUBLIC = 30, 6, 4, 3


@dataclass(frozen=True)
class DemoWork:
    teams: int
    audits: int
    claims: int
    open_jobs: int
    booked: int
    requests: int


def load_demo_work(session: Session, *, seed: int = 0, today: date | None = None) -> DemoWork:
    """Add the demo's teams, audits, claims and open work (after ``homes.demo.load_demo``)."""
    today = today or date.today()
    rng = np.random.default_rng(seed)
    teams = _teams(session)
    audits, claims = _visits_done(session, rng)
    open_jobs, booked = _open_work(session, rng, teams, today)
    requests = _requests(session, rng)
    return DemoWork(len(teams), audits, claims, open_jobs, booked, requests)


def _teams(session: Session) -> list[Team]:
    homes = session.execute(select(Household.longitude, Household.latitude)).all()
    lon, lat = np.median(np.array(homes, dtype=float), axis=0) if homes else (None, None)
    made = []
    for name, members, van in TEAMS:
        team = add_team(session, name=name, members=members.split(", "), van=van)
        if lon is not None:
            set_team_base(session, team_id=team.id, actor=SYSTEM, longitude=lon, latitude=lat)
        made.append(team)
    return made


def _visits_done(session: Session, rng: np.random.Generator) -> tuple[int, int]:
    """A safety audit at every installed home, and claims at about the seed's rates."""
    jobs = session.execute(
        select(Job.id, Job.installed_on).where(Job.status == "installed").order_by(Job.id)
    ).all()
    if not jobs:
        return 0, 0
    session.execute(
        insert(SafetyAudit),
        [{"job_id": j, "done_on": on, "done_by": "demo", "note": None} for j, on in jobs],
    )
    audit_of = dict(session.execute(select(SafetyAudit.job_id, SafetyAudit.id)).all())
    answers = []
    for point in CHECKLIST:
        found = rng.random(len(jobs)) < NOT_SECURE.get(point.code, 0.1)
        answers.extend(
            {
                "audit_id": audit_of[j],
                "question": point.code,
                "answer": "no" if bad else "yes",
                "advice": point.advice if bad else None,
            }
            for (j, _), bad in zip(jobs, found, strict=True)
        )
    session.execute(insert(AuditAnswer), answers)
    claims = []
    for (job_id, on), draw in zip(jobs, rng.random(len(jobs)), strict=True):
        if draw < COMPENSATION_RATE:
            amount = float(rng.choice((45.0, 80.0, 120.0, 250.0)))
            claims.append(
                _claim(
                    job_id,
                    "compensation",
                    on,
                    "Damage to a door frame while fitting",
                    amount,
                    "paid",
                    amount,
                )
            )
        elif draw < COMPENSATION_RATE + COMPLAINT_RATE:
            claims.append(
                _claim(job_id, "complaint", on, "Fitters arrived late", None, "upheld", None)
            )
    if claims:
        session.execute(insert(Claim), claims)
    audit.record(
        session,
        actor=SYSTEM,
        action="create",
        record_type="homes_audit",
        record_id="demo",
        detail={"audits": len(jobs), "claims": len(claims)},
    )
    return len(jobs), len(claims)


def _claim(job_id, kind, on, description, amount, outcome, paid) -> dict:
    received = on + timedelta(days=14)
    return {
        "job_id": job_id,
        "kind": kind,
        "received_on": received,
        "description": description,
        "amount": amount,
        "outcome": outcome,
        "paid": paid,
        "decided_on": received + timedelta(days=21),
    }


def _unfitted(session: Session) -> list[int]:
    fitted = select(Job.household_id)
    return list(
        session.scalars(
            select(Household.id)
            .where(Household.target_area_id.is_not(None), Household.id.not_in(fitted))
            .order_by(Household.id)
        )
    )


def _open_work(session, rng, teams, today: date) -> tuple[int, int]:
    """Jobs requested over the last fortnight; the earliest booked for each team, in request
    order, today and tomorrow."""
    homes = _unfitted(session)
    if not homes:
        return 0, 0
    chosen = rng.choice(homes, size=min(REQUESTED, len(homes)), replace=False)
    ages = np.sort(rng.integers(1, 15, size=len(chosen)))[::-1]
    jobs = [
        request_job(
            session, household_id=int(h), actor=SYSTEM, requested_on=today - timedelta(days=int(a))
        )
        for h, a in zip(chosen, ages, strict=True)
    ]
    booked = 0
    for k, team in enumerate(teams):
        day = today + timedelta(days=k % 2)
        for slot in range(1, BOOKED_PER_TEAM + 1):
            job = jobs[booked]
            book_job(session, job_id=job.id, team_id=team.id, day=day, slot=slot, actor=SYSTEM)
            booked += 1
    return len(jobs), booked


def _requests(session: Session, rng: np.random.Generator) -> int:
    """Agency referrals of victims for homes not yet fitted, and public requests to place."""
    police = ensure_agency(session, "citysafe Demo Police", AgencyKind.POLICE)
    homes = _unfitted(session)
    if not homes:
        return 0
    open_homes = set(session.scalars(select(Job.household_id)))
    free = [h for h in homes if h not in open_homes]
    kinds = ("hate crime", "burglary victim", "repeat victim", "burglary victim")[:REFERRALS]
    picked = rng.choice(free, size=min(len(kinds), len(free)), replace=False)
    made = 0
    for h, referral in zip(picked, kinds[: len(picked)], strict=True):
        home = session.get(Household, int(h))
        submit_request(
            session,
            channel="agency",
            contact_name="Demo resident",
            phone="0151 000 0000",
            address=home.address,
            postcode=home.postcode,
            uprn=home.uprn,
            referral=referral,
            agency_id=police.id,
            actor=SYSTEM,
        )
        made += 1
    for k in range(PUBLIC):
        submit_public_request(
            session,
            contact_name=f"Demo resident {k + 1}",
            address=f"{k + 1} New Road",
            postcode="DM9 9ZZ",
            phone="0151 000 0001",
            email=None,
            note="Heard about the scheme at the community centre",
            actor=SYSTEM,
        )
        made += 1
    return made
