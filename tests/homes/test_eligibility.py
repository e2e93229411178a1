"""The eligibility rules: each rule's priority and reason, and who is refused and why."""

from __future__ import annotations

import pytest

from citysafe.homes import eligibility
from citysafe.homes.eligibility import RULES, decide
from citysafe.homes.models_requests import REFERRALS


def test_every_referral_has_a_rule_and_priorities_run_from_most_urgent():
    assert {r.name for r in RULES} == {*REFERRALS, "target area"}
    assert [r.priority for r in RULES] == sorted(r.priority for r in RULES)
    assert eligibility.rule("target area").priority == eligibility.STANDARD_PRIORITY == 4
    assert eligibility.COCOON_PRIORITY == 2


def test_a_home_in_a_target_area_is_eligible_at_standard_priority():
    found = decide(target_area="Granby")
    assert (found.eligible, found.priority, found.rule) == (True, 4, "target area")
    assert found.reason == "in target area Granby" and found.also == ()


@pytest.mark.parametrize(
    ("referral", "priority", "reason"),
    [
        ("hate crime", 1, "referred by Victim Support as a hate crime victim"),
        ("repeat victim", 1, "referred by Victim Support as a repeat victim"),
        ("domestic abuse", 1, "referred by Victim Support as a victim of domestic abuse"),
        ("burglary victim", 2, "referred by Victim Support as a burglary victim"),
        ("other", 3, "referred by Victim Support (other reason)"),
    ],
)
def test_a_referral_is_eligible_anywhere_in_the_partnership(referral, priority, reason):
    found = decide(target_area=None, referral=referral, agency="Victim Support")
    assert (found.eligible, found.priority, found.rule, found.reason) == (
        True,
        priority,
        referral,
        reason,
    )


def test_a_referred_victim_in_a_target_area_takes_the_more_urgent_rule():
    found = decide(target_area="Granby", referral="burglary victim", agency="Merseyside Police")
    assert (found.priority, found.rule) == (2, "burglary victim")
    assert found.also == ("in target area Granby",)
    assert found.full_reason == (
        "referred by Merseyside Police as a burglary victim; in target area Granby"
    )


def test_outside_every_target_area_without_a_referral_is_refused_with_a_reason():
    found = decide(target_area=None)
    assert (found.eligible, found.priority, found.rule) == (False, None, None)
    assert found.reason == eligibility.NOT_IN_TARGET_AREA
    assert "not in any of the programme's target areas" in found.reason


def test_a_referral_outside_the_partnership_area_is_refused():
    found = decide(target_area=None, referral="hate crime", agency="X", in_partnership_area=False)
    assert not found.eligible and found.reason == eligibility.OUTSIDE_PARTNERSHIP


def test_an_unknown_referral_is_an_error():
    with pytest.raises(ValueError, match="referral must be one of"):
        decide(target_area="Granby", referral="burglar")
