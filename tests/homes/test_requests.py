"""Requests: matching to households, the rules' decision, overrides, withdrawal, the queue."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from citysafe.audit.models import AuditEntry
from citysafe.homes import eligibility, service
from citysafe.homes.models import Household, Job
from citysafe.homes.models_requests import Request

CONTACT = {"contact_name": "Pat Resident", "phone": "0151 496 0000"}


def submit(session, actor, address, postcode="L8 2TX", **fields):
    return service.submit_request(
        session,
        **{"channel": "staff", **CONTACT, **fields},
        address=address,
        postcode=postcode,
        actor=actor,
    )


def test_a_home_in_a_target_area_is_accepted_with_a_job_at_standard_priority(
    session, granby_homes, actor
):
    made = submit(session, actor, "1 Granby Street")
    assert (made.status, made.eligible, made.priority) == ("accepted", True, 4)
    assert made.reason == "in target area Granby"
    assert made.household_id == granby_homes["1 Granby Street"].id
    job = session.get(Job, made.job_id)
    assert (job.status, job.priority, job.priority_reason) == ("requested", 4, made.reason)


def test_the_address_matches_by_uprn_then_by_normalised_address(session, granby_homes, actor):
    by_uprn = submit(session, actor, "Flat A, One Granby St", uprn=" 100000000001 ")
    by_address = submit(session, actor, "2, granby  street.", postcode="l82tx")
    assert by_uprn.household_id == granby_homes["1 Granby Street"].id
    assert by_address.household_id == granby_homes["2 Granby Street"].id
    assert by_address.postcode == "L8 2TX"


def test_a_home_outside_every_target_area_without_a_referral_is_refused(
    session, granby_homes, actor
):
    made = submit(session, actor, "5 Edge Lane", postcode="L7 1AA")
    assert (made.status, made.eligible, made.priority, made.job_id) == (
        "refused",
        False,
        None,
        None,
    )
    assert made.reason == eligibility.NOT_IN_TARGET_AREA
    assert session.scalars(select(Job)).all() == []


@pytest.mark.parametrize(
    ("referral", "priority", "wording"),
    [
        ("hate crime", 1, "as a hate crime victim"),
        ("domestic abuse", 1, "as a victim of domestic abuse"),
        ("burglary victim", 2, "as a burglary victim"),
        ("other", 3, "(other reason)"),
    ],
)
def test_a_referral_outside_the_target_areas_is_accepted_at_its_priority(
    session, granby_homes, agency, actor, referral, priority, wording
):
    made = submit(
        session,
        actor,
        "5 Edge Lane",
        postcode="L7 1AA",
        channel="agency",
        referral=referral,
        agency_id=agency.id,
    )
    assert (made.status, made.priority) == ("accepted", priority)
    assert made.reason == f"referred by Victim Support {wording}"
    assert session.get(Job, made.job_id).priority == priority


def test_a_referral_for_a_home_not_held_adds_the_household_so_a_job_can_follow(
    session, granby_homes, agency, actor
):
    made = submit(
        session,
        actor,
        "7 New Row",
        postcode="L7 2BB",
        channel="agency",
        referral="repeat victim",
        agency_id=agency.id,
        lon=-2.976,
        lat=53.404,
        tenure="Housing_Association",
    )
    home = session.get(Household, made.household_id)
    assert (home.address, home.tenure, home.target_area_id) == (
        "7 New Row",
        "housing association",
        None,
    )
    assert home.source == f"request {made.id}" and 330_000 < home.easting < 340_000
    assert (made.status, made.priority, session.get(Job, made.job_id).household_id) == (
        "accepted",
        1,
        home.id,
    )
    with pytest.raises(service.HomesError, match="give its location"):
        submit(
            session,
            actor,
            "8 New Row",
            postcode="L7 2BB",
            channel="agency",
            referral="hate crime",
            agency_id=agency.id,
        )


def test_a_referral_outside_the_partnership_area_is_refused_and_adds_no_household(
    session, granby_homes, agency, actor
):
    made = submit(
        session,
        actor,
        "9 Far Road",
        postcode="L1 1AA",
        referral="hate crime",
        agency_id=agency.id,
        lon=-2.90,
        lat=53.40,
        tenure="owner",
    )
    assert (made.status, made.reason) == ("refused", eligibility.OUTSIDE_PARTNERSHIP)
    assert made.household_id is None and len(service.households(session)) == 3


def test_a_new_home_in_a_target_area_is_added_and_accepted(session, granby_homes, actor):
    made = submit(session, actor, "3 Granby Street", lon=-2.983, lat=53.406, tenure="owner")
    home = session.get(Household, made.household_id)
    assert (made.status, made.reason) == ("accepted", "in target area Granby")
    assert home.target_area_id is not None


def test_a_second_request_joins_the_open_job_and_raises_its_priority(
    session, granby_homes, agency, actor
):
    first = submit(session, actor, "2 Granby Street")
    second = submit(
        session,
        actor,
        "2 Granby Street",
        channel="agency",
        referral="hate crime",
        agency_id=agency.id,
    )
    job = session.get(Job, first.job_id)
    assert second.job_id == first.job_id and len(session.scalars(select(Job)).all()) == 1
    assert (job.priority, job.priority_reason) == (
        1,
        "referred by Victim Support as a hate crime victim; in target area Granby",
    )
    third = submit(session, actor, "2 Granby Street")
    assert third.job_id == job.id and job.priority == 1  # never lowered


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"channel": "post"}, "channel must be one of public, staff, agency"),
        ({"referral": "burglar", "agency_id": 1}, "referral must be one of"),
        ({"contact_name": "  "}, "contact name: missing"),
        ({"address": ""}, "address: missing"),
        ({"postcode": "L8"}, "postcode: 'L8' is not a UK postcode"),
        ({"postcode": "12345"}, "is not a UK postcode"),
        ({"phone": None, "email": None}, "give a phone number or an email address"),
        ({"phone": "call me"}, "phone: 'call me' is not a phone number"),
        ({"phone": "0151"}, "10 to 15 digits"),
        ({"phone": None, "email": "pat@"}, "email: 'pat@' is not an email address"),
        ({"channel": "public", "referral": "hate crime"}, "only an agency"),
        ({"referral": "hate crime"}, "a referral or an agency's request names the agency"),
        ({"channel": "agency"}, "names the agency"),
        ({"referral": "hate crime", "agency_id": 999}, "agency: no agency 999"),
        ({"lon": -2.98}, "give both lon and lat"),
        ({"lon": 53.4, "lat": -2.98}, "not in Great Britain"),
        ({"lon": float("nan"), "lat": 53.4}, "lon: not a number"),
        ({"tenure": "squat"}, "tenure: 'squat' is not one of"),
        ({"uprn": "12-3"}, "uprn: a UPRN is up to 12 digits"),
    ],
)
def test_bad_input_is_refused_naming_the_field(session, granby_homes, actor, fields, message):
    values = {
        "channel": "staff",
        "address": "1 Granby Street",
        "postcode": "L8 2TX",
        **CONTACT,
        **fields,
    }
    with pytest.raises(service.HomesError, match=message):
        service.submit_request(session, actor=actor, **values)
    assert session.scalars(select(Request)).all() == []


def test_the_public_form_answers_with_a_receipt_that_says_nothing_of_the_home(
    session, granby_homes, actor
):
    fitted = submit(session, actor, "1 Granby Street")  # home 1 has an open job, home 2 none
    public = {"contact_name": "Sam", "email": "sam@example.org", "actor": actor}
    one = service.submit_public_request(
        session, address="1 Granby Street", postcode="L8 2TX", **public
    )
    two = service.submit_public_request(
        session, address="2 Granby Street", postcode="L8 2TX", **public
    )
    assert set(vars(one)) == {"reference", "status", "message"}
    assert one.status == two.status == "accepted" and one.message == two.message
    assert "in target area Granby" in one.message and str(fitted.job_id) not in one.message
    outside = service.submit_public_request(
        session, address="5 Edge Lane", postcode="L7 1AA", **public
    )
    assert outside.status == "refused" and eligibility.NOT_IN_TARGET_AREA in outside.message
    unknown = service.submit_public_request(
        session, address="99 Nowhere Street", postcode="L8 9ZZ", **public
    )
    assert unknown.status == "new" and "could not find this address" in unknown.message


def test_a_coordinator_places_an_unknown_address_then_the_rules_decide(
    session, granby_homes, actor
):
    made = service.submit_request(
        session,
        channel="public",
        contact_name="Sam",
        email="sam@example.org",
        address="4 Granby Street",
        postcode="L8 2TX",
        actor=actor,
    )
    assert (made.status, made.reason, made.household_id) == ("new", service.UNPLACED, None)
    with pytest.raises(service.HomesError, match="give its location"):
        service.decide_request(session, request_id=made.id, actor=actor)
    service.decide_request(
        session, request_id=made.id, actor=actor, lon=-2.9845, lat=53.4055, tenure="council"
    )
    assert (made.status, made.priority, made.reason) == ("accepted", 4, "in target area Granby")
    with pytest.raises(service.HomesError, match="already accepted"):
        service.decide_request(session, request_id=made.id, actor=actor)


def test_a_coordinator_overrides_the_rules_with_a_stated_reason(session, granby_homes, actor):
    made = submit(session, actor, "5 Edge Lane", postcode="L7 1AA")
    assert made.status == "refused"
    with pytest.raises(service.HomesError, match="states its reason"):
        service.decide_request(session, request_id=made.id, actor=actor, accept=True, reason=" ")
    with pytest.raises(service.HomesError, match="priority must be 1"):
        service.decide_request(
            session, request_id=made.id, actor=actor, accept=True, reason="x", priority=7
        )
    service.decide_request(
        session,
        request_id=made.id,
        actor=actor,
        accept=True,
        reason="elderly resident burgled twice, on the boundary",
        priority=2,
    )
    assert (made.status, made.eligible, made.priority) == ("accepted", False, 2)
    assert made.reason.startswith("coordinator's decision (system): elderly resident")
    assert made.reason.endswith(eligibility.NOT_IN_TARGET_AREA)
    job = session.get(Job, made.job_id)
    assert (job.status, job.priority) == ("requested", 2)
    service.decide_request(
        session, request_id=made.id, actor=actor, accept=False, reason="resident moved away"
    )
    assert made.status == "refused" and job.status == "cancelled"


def test_withdrawing_cancels_a_job_only_it_asked_for(session, granby_homes, agency, actor):
    one = submit(session, actor, "1 Granby Street")
    service.withdraw_request(session, request_id=one.id, actor=actor, reason="changed mind")
    assert one.status == "withdrawn" and session.get(Job, one.job_id).status == "cancelled"
    with pytest.raises(service.HomesError, match="already withdrawn"):
        service.withdraw_request(session, request_id=one.id, actor=actor)
    with pytest.raises(service.HomesError, match="was withdrawn"):
        service.decide_request(session, request_id=one.id, actor=actor, accept=True, reason="x")
    shared = submit(session, actor, "2 Granby Street")
    other = submit(session, actor, "2 Granby Street")
    service.withdraw_request(session, request_id=shared.id, actor=actor)
    assert session.get(Job, other.job_id).status == "requested"
    with pytest.raises(service.NotFound):
        service.withdraw_request(session, request_id=999, actor=actor)


def test_requests_are_listed_newest_first_and_filtered(session, granby_homes, actor):
    first = submit(session, actor, "1 Granby Street")
    second = submit(session, actor, "5 Edge Lane", postcode="L7 1AA")
    assert [r.id for r in service.requests(session)] == [second.id, first.id]
    assert [r.id for r in service.requests(session, status="refused")] == [second.id]
    assert service.requests(session, channel="public") == []
    with pytest.raises(service.HomesError, match="status must be one of"):
        service.requests(session, status="open")


def test_the_audit_log_records_requests_without_contact_details(session, granby_homes, actor):
    made = submit(session, actor, "1 Granby Street", email="pat@example.org")
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.record_type == "homes_request")
    ).all()
    assert [(e.action, e.record_id) for e in entries] == [
        ("create", str(made.id)),
        ("update", str(made.id)),
    ]
    logged = json.dumps([e.detail for e in entries])
    assert "Pat" not in logged and "0151" not in logged and "example.org" not in logged


def test_the_queue_orders_by_priority_then_request_date(session, granby_homes, agency, actor):
    standard = service.request_job(
        session,
        household_id=granby_homes["1 Granby Street"].id,
        actor=actor,
        requested_on=date(2024, 1, 5),
    )
    later = service.request_job(
        session,
        household_id=granby_homes["2 Granby Street"].id,
        actor=actor,
        requested_on=date(2024, 2, 1),
    )
    hate = submit(
        session,
        actor,
        "5 Edge Lane",
        postcode="L7 1AA",
        referral="hate crime",
        agency_id=agency.id,
    )
    service.change_status(session, job_id=later.id, status="cancelled", actor=actor)
    entries = service.queue(session, on=date(2024, 3, 1))
    assert [(e.position, e.job_id, e.effective_priority) for e in entries] == [
        (1, hate.job_id, 1),
        (2, standard.id, 4),
    ]
    assert entries[0].reason == "referred by Victim Support as a hate crime victim"
    assert entries[1].reason == "in target area Granby"  # a job with no reason: its area
    assert entries[1].as_dict()["requested_on"] == "2024-01-05"
