"""Staff, training and the readiness rule: active, sign up, trained staff on duty whenever open."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from citysafe.havens import hours as hours_
from citysafe.havens import readiness, service
from tests.havens.conftest import ACTOR, TODAY, add_ready_venue


def assessed(session, venue, on=TODAY):
    [record] = readiness.load_network(session, venue_ids=[venue.id])
    return readiness.assess(record, on)


def test_a_venue_with_everything_in_place_is_ready(session):
    venue, _ = add_ready_venue(session, hours="Mon-Thu 16:00-23:00; Fri-Sat 16:00-02:00+1")
    found = assessed(session, venue)
    assert found.ready and found.reasons == ()


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"status": "approved"}, "its status is approved, not active"),
        ({"status": "suspended"}, "its status is suspended, not active"),
        ({"sign": None}, "no Safe Haven sign is recorded as up"),
        ({"hours": ""}, "no opening hours are recorded"),
        (
            {"trained": False},
            "no member of staff holds current first aid and safeguarding training",
        ),
        # the shift ends at midnight: the overnight hour after it has no one trained on duty
        (
            {"hours": "Fri 18:00-01:00+1", "shifts": "Fri 18:00-24:00"},
            "no trained member of staff on duty Sat 00:00 to 01:00",
        ),
        (
            {"hours": "Sun 20:00-02:00+1", "shifts": "Sun 20:00-23:00"},
            "no trained member of staff on duty Sun 23:00 to Mon 02:00",
        ),
    ],
)
def test_each_part_of_the_rule_is_needed(session, options, reason):
    venue, _ = add_ready_venue(session, **options)
    found = assessed(session, venue)
    assert not found.ready
    assert reason in found.reasons


def test_a_sign_going_up_later_and_a_status_changing_later_count_on_their_day(session):
    venue, _ = add_ready_venue(session, sign=TODAY)
    assert not assessed(session, venue, TODAY - timedelta(days=1)).ready
    assert assessed(session, venue, TODAY).ready
    assert (
        "its status is nominated, not active"
        in assessed(session, venue, TODAY - timedelta(days=70)).reasons
    )


def test_two_people_can_share_the_hours_but_only_trained_ones_count(session):
    venue, sam = add_ready_venue(session, hours="Mon-Sat 08:00-20:00", shifts="Mon-Sat 08:00-14:00")
    assert (
        "no trained member of staff on duty Mon 14:00 to 20:00" in assessed(session, venue).reasons
    )
    kit = service.add_staff(session, venue.id, "K.T.", actor=ACTOR)
    service.set_shifts(session, kit.id, hours_.parse_spans("Mon-Sat 14:00-20:00"), actor=ACTOR)
    service.add_course(session, kit.id, "First Aid", TODAY - timedelta(days=10), actor=ACTOR)
    assert not assessed(session, venue).ready  # first aid only: not trained
    service.add_course(
        session,
        kit.id,
        "Safeguarding children and vulnerable adults",
        TODAY - timedelta(days=10),
        actor=ACTOR,
    )
    assert assessed(session, venue).ready
    service.set_staff_active(session, kit.id, False, actor=ACTOR)
    assert not assessed(session, venue).ready  # gone: their shifts no longer count


def test_training_lapses_on_the_day_after_it_expires(session):
    venue, sam = add_ready_venue(session)
    [first_aid, _] = sam.courses
    expires = first_aid.expires_on
    assert first_aid.course == "first aid" and expires == (
        first_aid.completed_on.replace(year=first_aid.completed_on.year + 3) - timedelta(days=1)
    )
    assert assessed(session, venue, expires).ready
    assert not assessed(session, venue, expires + timedelta(days=1)).ready


def test_marking_training_expired_makes_the_venue_not_ready_today(session):
    venue, sam = add_ready_venue(session)
    service.expire_course(session, sam.courses[1].id, actor=ACTOR)
    assert sam.courses[1].expires_on == TODAY - timedelta(days=1)
    assert (
        "no member of staff holds current first aid and safeguarding training"
        in assessed(session, venue).reasons
    )


def test_other_hours_on_coming_dates_must_be_staffed_too(session):
    when = TODAY + timedelta(days=3)
    venue, _ = add_ready_venue(
        session, hours="Daily 09:00-17:00", exceptions=f"{when} 07:00-17:00 (early opening)"
    )
    reasons = assessed(session, venue).reasons
    weekday = hours_.WEEKDAYS[when.weekday()]
    assert (
        f"no trained member of staff on duty on {when} (other hours), {weekday} 07:00 to 09:00"
    ) in reasons
    later = add_ready_venue(
        session,
        "Later Shop",
        lon=-2.95,
        hours="Daily 09:00-17:00",
        exceptions=f"{TODAY + timedelta(days=60)} 07:00-17:00",
    )[0]
    assert assessed(session, later).ready  # beyond the 31 days checked


def test_expired_training_entered_as_current_is_refused(session):
    venue, sam = add_ready_venue(session)
    long_ago = TODAY - timedelta(days=4 * 365)
    with pytest.raises(service.HavenError, match="cannot be entered as current") as refused:
        service.add_course(session, sam.id, "first aid", long_ago, actor=ACTOR)
    assert refused.value.field == "expires_on"
    with pytest.raises(service.HavenError, match="cannot be entered as current"):
        service.add_course(
            session,
            sam.id,
            "safeguarding",
            TODAY - timedelta(days=400),
            TODAY - timedelta(days=1),
            actor=ACTOR,
        )
    kept = service.add_course(session, sam.id, "first aid", long_ago, actor=ACTOR, past=True)
    assert kept.expires_on < TODAY
    with pytest.raises(service.HavenError, match="in the future"):
        service.add_course(session, sam.id, "first aid", TODAY + timedelta(days=1), actor=ACTOR)
    with pytest.raises(service.HavenError, match="not after completion"):
        service.add_course(session, sam.id, "first aid", TODAY, TODAY, actor=ACTOR)
    with pytest.raises(service.HavenError, match="give the expiry date"):
        service.add_course(session, sam.id, "Conflict resolution", TODAY, actor=ACTOR)


@pytest.mark.parametrize("name", ["Sam", "Mary-Jane", "O'Neil", "SK", "S.K.", "J K", "Zoë"])
def test_staff_are_recorded_by_first_name_or_initials(session, name):
    venue, _ = add_ready_venue(session)
    assert service.add_staff(session, venue.id, name, actor=ACTOR).name == name


@pytest.mark.parametrize("name", ["Sam Kerr", "Mr Smith", "sam@example.org", "12", ""])
def test_full_names_and_other_text_are_refused_for_staff(session, name):
    venue, _ = add_ready_venue(session)
    with pytest.raises(service.HavenError, match="first name or initials|required"):
        service.add_staff(session, venue.id, name, actor=ACTOR)


def test_the_check_lists_venues_not_ready_and_training_expiring_in_30_days(session):
    ready, _ = add_ready_venue(session, "Ready Shop")
    unsigned, _ = add_ready_venue(session, "Unsigned Shop", lon=-2.96, sign=None)
    add_ready_venue(session, "Nominated Shop", lon=-2.95, status="nominated", sign=None)
    soon, pat = add_ready_venue(session, "Soon Shop", lon=-2.94, trained=False)
    due = service.add_course(
        session,
        pat.id,
        "safeguarding",
        TODAY - timedelta(days=400),
        TODAY + timedelta(days=12),
        actor=ACTOR,
    )
    renewed = service.add_course(
        session,
        pat.id,
        "first aid",
        TODAY - timedelta(days=300),
        TODAY + timedelta(days=20),
        actor=ACTOR,
    )
    service.add_course(session, pat.id, "first aid", TODAY - timedelta(days=2), actor=ACTOR)
    check = service.check_network(session)
    assert (check.venues, check.ready) == (3, 2)  # the nominated venue is not checked
    assert [(r.venue, r.reasons) for r in check.not_ready] == [
        ("Unsigned Shop", ("no Safe Haven sign is recorded as up",))
    ]
    expiring = [(e.venue, e.staff, e.course, e.expires_on) for e in check.expiring]
    assert expiring == [("Soon Shop", "Sam", "safeguarding", TODAY + timedelta(days=12))]
    assert renewed.id not in {e.course_id for e in check.expiring}
    assert due.id in {e.course_id for e in check.expiring}
    as_json = check.as_dict()
    assert as_json["not_ready"][0]["reasons"] == ["no Safe Haven sign is recorded as up"]
    assert as_json["expiring"][0]["expires_on"] == str(TODAY + timedelta(days=12))
    assert date.fromisoformat(as_json["on"]) == TODAY
