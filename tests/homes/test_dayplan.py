"""Day plans: visits re-slotted in travel order from the team's base, and the refusals."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sqlalchemy import select
from typer.testing import CliRunner

from citysafe import db
from citysafe.analysis.routing import DETOUR_FACTOR
from citysafe.audit.models import AuditEntry
from citysafe.audit.service import SYSTEM
from citysafe.geo import to_bng
from citysafe.homes import service
from citysafe.homes.models import Job, JobEvent

DAY = date(2024, 5, 1)
BASE = (334000.0, 390000.0)
# four homes on one street east of the base, 400, 100, 300 and 200 m along it
STREET = [(BASE[0] + d, BASE[1]) for d in (400.0, 100.0, 300.0, 200.0)]


def estate(*names: str) -> list[tuple[float, float]]:
    """Homes round an estate north-east of the base: in this order, the one shortest loop."""
    spots = {"A": (0, 300), "B": (200, 400), "C": (400, 300), "D": (400, 0), "E": (200, -100)}
    return [(BASE[0] + spots[n][0], BASE[1] + spots[n][1]) for n in names]


DIAGONAL = float(np.hypot(200, 100))  # A to B, B to C


@pytest.fixture
def van(session, actor):
    team = service.add_team(session, name="Van 1", members=["Ann", "Bob"])
    return service.set_team_base(
        session, team_id=team.id, easting=BASE[0], northing=BASE[1], actor=actor
    )


def book_day(session, homes, team, actor, *, day=DAY, requested=None):
    """Request and book one job per home, slots 1.. in request order; returns the job ids."""
    jobs = []
    for i, home in enumerate(homes):
        on = requested[i] if requested else DAY - timedelta(days=30 - i)
        job = service.request_job(session, household_id=home, actor=actor, requested_on=on)
        service.book_job(session, job_id=job.id, team_id=team.id, day=day, slot=i + 1, actor=actor)
        jobs.append(job.id)
    return jobs


def slots(session, jobs):
    return [session.get(Job, j).slot for j in jobs]


def test_a_day_is_re_slotted_in_travel_order(session, homes_at, van, actor):
    # requested C, A, D, B: the loop A, B, C, D is 1,447 m straight, request order 2,294 m
    jobs = book_day(session, homes_at(*estate("C", "A", "D", "B")), van, actor)
    plan = service.plan_day(session, team_id=van.id, day=DAY, actor=actor)
    assert [v.job_id for v in plan.visits] == [jobs[1], jobs[3], jobs[0], jobs[2]]
    assert [v.slot for v in plan.visits] == [1, 2, 3, 4]
    assert [v.previous_slot for v in plan.visits] == [2, 4, 1, 3]
    legs = np.array([300, DIAGONAL, DIAGONAL, 300])
    assert_allclose([v.leg_m for v in plan.visits], legs * DETOUR_FACTOR)
    assert_allclose(plan.return_m, 400 * DETOUR_FACTOR)
    assert_allclose(plan.length_m, (legs.sum() + 400) * DETOUR_FACTOR)
    request = 500 + 400 + 500 + 2 * np.hypot(200, 400)
    assert_allclose(plan.request_order_length_m, request * DETOUR_FACTOR)
    assert_allclose(plan.saving_m, (request - legs.sum() - 400) * DETOUR_FACTOR)
    assert_allclose(plan.saving_pct, 100 * (1 - (legs.sum() + 400) / request))
    assert plan.method == "exact" and plan.optimal and plan.applied
    assert plan.visits[0].address.endswith("Test Road") and plan.visits[0].postcode == "L8 1AA"
    assert plan.base == BASE and plan.notes == []
    # stored: slots renumbered through the unique (team, day, slot), history noted
    session.expire_all()
    assert slots(session, jobs) == [3, 1, 4, 2]
    notes = session.scalars(select(JobEvent.note).where(JobEvent.note.like("day plan%"))).all()
    assert sorted(notes) == [
        "day plan: slot 1 to slot 3 (travel order)",
        "day plan: slot 2 to slot 1 (travel order)",
        "day plan: slot 3 to slot 4 (travel order)",
        "day plan: slot 4 to slot 2 (travel order)",
    ]
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.record_type == "homes_day_plan")
    ).all()
    assert [e.record_id for e in entries] == [f"{van.id}/2024-05-01"]
    detail = entries[0].detail
    detail = json.loads(detail) if isinstance(detail, str) else detail
    assert detail["jobs"] == [jobs[1], jobs[3], jobs[0], jobs[2]]
    # planning again moves nothing: the gain is still reckoned against request order
    again = service.plan_day(session, team_id=van.id, day=DAY, actor=actor)
    assert [v.previous_slot for v in again.visits] == [1, 2, 3, 4]
    assert_allclose((again.length_m, again.saving_m), (plan.length_m, plan.saving_m))
    assert (
        len(session.scalars(select(JobEvent.id).where(JobEvent.note.like("day plan%"))).all()) == 4
    )


def test_a_dry_run_changes_nothing(session, homes_at, van, actor):
    jobs = book_day(session, homes_at(*STREET), van, actor)
    events = len(session.scalars(select(JobEvent.id)).all())
    plan = service.plan_day(session, team_id=van.id, day=DAY, actor=actor, apply=False)
    assert not plan.applied and [v.slot for v in plan.visits] == [1, 2, 3, 4]
    session.expire_all()
    assert slots(session, jobs) == [1, 2, 3, 4]
    assert len(session.scalars(select(JobEvent.id)).all()) == events
    assert plan.as_dict()["visits"][0]["job_id"] == jobs[0]


def test_request_order_is_requested_on_then_job_id(session, homes_at, van, actor):
    # booked A, B, C, D in slots 1..4 but requested the other way round: D, C, B, A is
    # request order, already the shortest loop, so it stands and the slots follow it
    requested = [DAY - timedelta(days=d) for d in (1, 2, 3, 4)]
    jobs = book_day(session, homes_at(*estate("A", "B", "C", "D")), van, actor, requested=requested)
    plan = service.plan_day(session, team_id=van.id, day=DAY, actor=actor)
    assert plan.method == "request order (no improvement found)" and plan.saving_m == 0
    assert [v.job_id for v in plan.visits] == jobs[::-1]
    assert_allclose(plan.length_m, (1000 + 2 * DIAGONAL) * DETOUR_FACTOR)
    session.expire_all()
    assert slots(session, jobs) == [4, 3, 2, 1]


def test_without_a_base_the_day_starts_at_the_first_request(session, homes_at, actor):
    team = service.add_team(session, name="Van 2", members=["Cy", "Di"])
    jobs = book_day(session, homes_at(*STREET), team, actor)
    plan = service.plan_day(session, team_id=team.id, day=DAY, actor=actor)
    assert plan.base is None and plan.return_m == 0
    assert [v.job_id for v in plan.visits] == [jobs[0], jobs[2], jobs[3], jobs[1]]
    assert plan.visits[0].leg_m == 0
    assert_allclose(plan.length_m, 300 * DETOUR_FACTOR)
    assert plan.notes == [
        "team 'Van 2' has no base: the route starts at the first visit "
        "requested and does not return"
    ]


def test_visits_already_made_keep_their_slots(session, homes_at, van, actor):
    jobs = book_day(session, homes_at(*estate("A", "B", "D", "C", "E")), van, actor)
    service.stock_catalogue(session)
    service.change_status(session, job_id=jobs[0], status="visited", actor=actor)
    service.install_job(
        session, job_id=jobs[1], items=[service.ItemFitted("alarm")], installed_on=DAY, actor=actor
    )
    plan = service.plan_day(session, team_id=van.id, day=DAY, actor=actor)
    # jobs at A and B hold slots 1 and 2; D, C, E still to visit take 3, 4, 5 as C, D, E
    assert [v.job_id for v in plan.visits] == [jobs[3], jobs[2], jobs[4]]
    assert [v.slot for v in plan.visits] == [3, 4, 5]
    assert_allclose(plan.length_m, (500 + 300 + 2 * DIAGONAL) * DETOUR_FACTOR)
    assert plan.notes == [
        f"slots kept by jobs already visited or installed: 1 (job {jobs[0]}), 2 (job {jobs[1]})"
    ]
    session.expire_all()
    assert slots(session, jobs) == [1, 2, 4, 3, 5]


def test_other_days_and_teams_are_left_alone(session, homes_at, van, actor):
    other = service.add_team(session, name="Van 3", members=["Ed", "Fay"])
    homes = homes_at(*STREET, *STREET)
    mine = book_day(session, homes[:4], van, actor, day=DAY + timedelta(days=1))
    theirs = book_day(session, homes[4:], other, actor)
    plan = service.plan_day(session, team_id=van.id, day=DAY, actor=actor)
    assert plan.visits == [] and plan.length_m == 0 and not plan.applied
    session.expire_all()
    assert slots(session, mine) == slots(session, theirs) == [1, 2, 3, 4]


def test_more_visits_than_a_day_has_slots_is_refused(session, homes_at, van, actor):
    homes = homes_at(*[(BASE[0] + 10.0 * i, BASE[1]) for i in range(9)])
    # only a direct write can do this: booking refuses a ninth slot
    session.add_all(
        Job(
            household_id=h,
            status="scheduled",
            team_id=van.id,
            scheduled_on=DAY,
            requested_on=DAY,
            slot=None,
        )
        for h in homes
    )
    session.flush()
    with pytest.raises(
        service.HomesError,
        match=r"team 'Van 1' has 9 visits booked on 2024-05-01 but a day has 8 slots "
        r"\(0 already used\): move 1 to another day",
    ):
        service.plan_day(session, team_id=van.id, day=DAY, actor=actor)


def test_bad_requests_are_refused(session, van, actor):
    with pytest.raises(service.NotFound, match="no team 99"):
        service.plan_day(session, team_id=99, day=DAY, actor=actor)
    with pytest.raises(service.HomesError, match="day must be a date, got '2024-05-01'"):
        service.plan_day(session, team_id=van.id, day="2024-05-01", actor=actor)


def test_a_team_base_from_either_grid(session, van, actor):
    assert (van.base_easting, van.base_northing) == BASE
    x, y = to_bng(np.array([-2.985]), np.array([53.405]))
    moved = service.set_team_base(
        session, team_id=van.id, longitude=-2.985, latitude=53.405, actor=actor
    )
    assert_allclose((moved.base_easting, moved.base_northing), (x[0], y[0]))
    cleared = service.set_team_base(session, team_id=van.id, actor=actor)
    assert cleared.base_easting is None and cleared.base_northing is None
    with pytest.raises(service.HomesError, match="give easting and northing, or longitude"):
        service.set_team_base(session, team_id=van.id, easting=1.0, latitude=53.0, actor=actor)
    with pytest.raises(service.HomesError, match="outside British National Grid"):
        service.set_team_base(session, team_id=van.id, easting=53.4, northing=-2.9, actor=actor)
    with pytest.raises(service.HomesError, match="easting must be a number, got 'x'"):
        service.set_team_base(session, team_id=van.id, easting="x", northing=1.0, actor=actor)
    with pytest.raises(service.NotFound, match="no team 99"):
        service.set_team_base(session, team_id=99, easting=1.0, northing=1.0, actor=actor)


def test_a_team_is_found_by_id_or_name(session, van):
    assert service.find_team(session, reference="Van 1").id == van.id
    assert service.find_team(session, reference=str(van.id)).id == van.id
    with pytest.raises(service.NotFound, match="no team 'Van 9'"):
        service.find_team(session, reference="Van 9")


def test_citysafe_homes_plan(cli_store, tmp_path):
    from citysafe.cli import app
    from citysafe.homes.models import Household

    with db.session_scope(cli_store) as session:
        team = service.add_team(session, name="Van 1", members=["Ann", "Bob"])
        service.set_team_base(
            session, team_id=team.id, easting=BASE[0], northing=BASE[1], actor=SYSTEM
        )
        path = tmp_path / "street.csv"
        path.write_text(
            "address,postcode,x,y,tenure\n"
            + "".join(
                f"{i} Test Road,L8 1AA,{x},{y},owner\n"
                for i, (x, y) in enumerate(estate("C", "A", "D", "B"))
            )
        )
        service.import_households(session, path)
        homes = [h.id for h in session.query(Household).order_by(Household.id)]
        jobs = book_day(session, homes, team, SYSTEM)
    runner = CliRunner()
    dry = runner.invoke(app, ["homes", "plan", "Van 1", "2024-05-01", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    found = json.loads(dry.stdout)
    assert found["applied"] is False
    assert [v["job_id"] for v in found["visits"]] == [jobs[1], jobs[3], jobs[0], jobs[2]]
    assert found["length_m"] == round((1000 + 2 * DIAGONAL) * DETOUR_FACTOR, 1)
    done = runner.invoke(app, ["homes", "plan", str(team.id), "2024-05-01"])
    assert done.exit_code == 0, done.output
    assert "saved" in done.stdout and "slot 4: job" in done.stdout
    with db.session_scope(cli_store) as session:
        assert slots(session, jobs) == [3, 1, 4, 2]
    bad = runner.invoke(app, ["homes", "plan", "Van 1", "1 May"])
    assert bad.exit_code == 2 and "DAY must be YYYY-MM-DD, got '1 May'" in bad.output
    missing = runner.invoke(app, ["homes", "plan", "Van 9", "2024-05-01"])
    assert missing.exit_code == 2 and "no team 'Van 9'" in missing.output
