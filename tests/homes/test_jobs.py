"""Jobs: the status history, items at catalogue cost, and the refusals."""

from __future__ import annotations

from datetime import date

import pytest

from citysafe.homes import service
from citysafe.homes.models import Household

DAY = date(2024, 5, 1)


@pytest.fixture
def homes(session, target, csv_file):
    service.import_households(
        session,
        csv_file(
            "1 Granby Street,L8 2TX,,-2.985,53.405,,,owner",
            "2 Granby Street,L8 2TX,,-2.984,53.405,,,council",
        ),
    )
    service.stock_catalogue(session)
    return [h.id for h in session.query(Household).order_by(Household.id)]


@pytest.fixture
def team(session):
    return service.add_team(session, name="Van 1", members=["Ann", "Bob"], van="VN01 ABC")


def test_a_job_from_request_to_installed_with_its_history(session, homes, team, actor):
    job = service.request_job(session, household_id=homes[0], actor=actor, requested_on=DAY)
    service.book_job(session, job_id=job.id, team_id=team.id, day=DAY, slot=1, actor=actor)
    service.change_status(session, job_id=job.id, status="visited", actor=actor)
    service.install_job(
        session,
        job_id=job.id,
        items=[
            service.ItemFitted("alarm"),
            service.ItemFitted("detector", 2, resident_pays=True),
            service.ItemFitted("marking"),
        ],
        marking_code="SW-123456",
        installed_on=DAY,
        actor=actor,
    )
    assert [e.status for e in service.job_history(session, job.id)] == [
        "requested",
        "scheduled",
        "visited",
        "installed",
    ]
    items = {i.item_code: i for i in service.job_items(session, job.id)}
    assert items["detector"].quantity == 2 and items["detector"].resident_pays
    assert items["alarm"].unit_cost == 110.0
    assert service.job(session, job.id).marking_code == "SW-123456"


def test_installed_needs_items_and_a_marking_code(session, homes, team, actor):
    job = service.request_job(session, household_id=homes[0], actor=actor)
    service.book_job(session, job_id=job.id, team_id=team.id, day=DAY, slot=1, actor=actor)
    with pytest.raises(service.HomesError, match="needs at least one item fitted"):
        service.install_job(session, job_id=job.id, items=[], actor=actor)
    with pytest.raises(service.HomesError, match="only with the items fitted"):
        service.change_status(session, job_id=job.id, status="installed", actor=actor)
    with pytest.raises(service.HomesError, match="record its marking code"):
        service.install_job(
            session, job_id=job.id, items=[service.ItemFitted("marking")], actor=actor
        )
    with pytest.raises(service.HomesError, match="quantity must be at least 1"):
        service.install_job(
            session, job_id=job.id, items=[service.ItemFitted("alarm", 0)], actor=actor
        )
    assert service.job(session, job.id).status == "scheduled"


def test_a_team_is_not_booked_twice_in_one_slot(session, homes, team, actor):
    first = service.request_job(session, household_id=homes[0], actor=actor)
    second = service.request_job(session, household_id=homes[1], actor=actor)
    service.book_job(session, job_id=first.id, team_id=team.id, day=DAY, slot=3, actor=actor)
    with pytest.raises(
        service.HomesError, match=r"'Van 1' is already booked on 2024-05-01 in slot 3"
    ):
        service.book_job(session, job_id=second.id, team_id=team.id, day=DAY, slot=3, actor=actor)
    service.book_job(session, job_id=second.id, team_id=team.id, day=DAY, slot=4, actor=actor)
    # a cancelled job frees its slot
    service.change_status(session, job_id=first.id, status="cancelled", actor=actor)
    third = service.request_job(session, household_id=homes[0], actor=actor)
    service.book_job(session, job_id=third.id, team_id=team.id, day=DAY, slot=3, actor=actor)


def test_negative_costs_and_bad_moves_are_refused(session, homes, actor):
    with pytest.raises(service.HomesError, match="cannot be negative"):
        service.set_item_cost(session, code="alarm", unit_cost=-5, actor=actor)
    assert (
        service.set_item_cost(session, code="alarm", unit_cost=99.5, actor=actor).unit_cost == 99.5
    )
    with pytest.raises(service.NotFound):
        service.set_item_cost(session, code="moat", unit_cost=1, actor=actor)
    job = service.request_job(session, household_id=homes[0], actor=actor)
    with pytest.raises(service.HomesError, match="already has an open job"):
        service.request_job(session, household_id=homes[0], actor=actor)
    with pytest.raises(service.HomesError, match="is requested: it cannot become visited"):
        service.change_status(session, job_id=job.id, status="visited", actor=actor)
    with pytest.raises(service.HomesError, match="status must be one of"):
        service.change_status(session, job_id=job.id, status="lost", actor=actor)
    with pytest.raises(service.HomesError, match="a team is two fitters"):
        service.add_team(session, name="Solo", members=["Cy"])
