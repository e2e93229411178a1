"""The Weighted Displacement Quotient on hand-worked cases (Bowers and Johnson 2003)."""

import math

import pytest
from numpy.testing import assert_allclose

from citysafe.analysis.displacement import weighted_displacement_quotient as wdq


def test_hand_worked_displacement():
    """Rb 100 -> Ra 60, Db 80 -> Da 90, control 1000 -> 1000.

    success = 60/1000 - 100/1000 = -0.04; displacement = 90/1000 - 80/1000 = 0.01;
    WDQ = 0.01 / -0.04 = -0.25; total net effect = (100 - 60) + (80 - 90) = 30.
    """
    q = wdq(100, 60, 80, 90, 1000, 1000)
    assert_allclose(q.success_measure, -0.04)
    assert_allclose(q.displacement_measure, 0.01)
    assert_allclose(q.wdq, -0.25)
    assert_allclose(q.net_effect, 30.0)
    assert q.warning is None
    assert q.reading.startswith("some displacement")


def test_hand_worked_diffusion_with_a_changing_control():
    """Rb 50 -> Ra 20, Db 40 -> Da 30, control 500 -> 400.

    success = 20/400 - 50/500 = -0.05; displacement = 30/400 - 40/500 = -0.005;
    WDQ = 0.1: a diffusion of benefits smaller than the direct effect;
    net = (50*0.8 - 20) + (40*0.8 - 30) = 20 + 2 = 22.
    """
    q = wdq(50, 20, 40, 30, 500, 400)
    assert_allclose((q.success_measure, q.displacement_measure, q.wdq), (-0.05, -0.005, 0.1))
    assert_allclose(q.net_effect, 22.0)
    assert q.reading.startswith("diffusion of benefits") and "by less" in q.reading


@pytest.mark.parametrize(
    ("buffer_after", "expected", "start"),
    [
        (40, 2.0, "diffusion of benefits"),  # buffer fell 40 of 80: twice the treated area's fall
        (80, 0.0, "no displacement"),
        (120, -2.0, "displacement greater"),
    ],
)
def test_readings_by_range(buffer_after, expected, start):
    q = wdq(100, 80, 80, buffer_after, 1000, 1000)  # success = -0.02
    assert_allclose(q.wdq, expected)
    assert q.reading.startswith(start)


def test_warning_instead_of_a_number_when_the_denominator_is_near_zero():
    q = wdq(100, 99, 80, 120, 1000, 1000)  # treated area changed by 1% of its level
    assert math.isnan(q.wdq)
    assert "near zero" in q.warning
    assert_allclose(q.success_measure, -0.001)
    # a 5% change is enough with the default threshold, but not with a stricter one
    assert wdq(100, 95, 80, 80, 1000, 1000).warning is None
    assert wdq(100, 95, 80, 80, 1000, 1000, min_change=0.1).warning is not None


def test_no_quotient_when_crime_rose_in_the_treated_area():
    q = wdq(100, 150, 80, 80, 1000, 1000)
    assert math.isnan(q.wdq) and "rose in the treated area" in q.warning
    assert q.success_measure > 0


def test_zero_counts():
    empty_control = wdq(10, 5, 10, 5, 0, 10)
    assert math.isnan(empty_control.wdq) and "control has no crimes" in empty_control.warning
    nothing_treated = wdq(0, 0, 10, 5, 100, 100)
    assert math.isnan(nothing_treated.wdq) and nothing_treated.warning
    fell_to_zero = wdq(10, 0, 10, 10, 100, 100)
    assert_allclose((fell_to_zero.success_measure, fell_to_zero.wdq), (-0.1, 0.0))


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="buffer_after must be a number, got str"):
        wdq(1, 1, 1, "2", 1, 1)
    with pytest.raises(ValueError, match="control_before must be a finite count"):
        wdq(1, 1, 1, 1, -1, 1)
    with pytest.raises(ValueError, match="min_change"):
        wdq(1, 1, 1, 1, 1, 1, min_change=2)
