"""Cocoon lists drawn from a near-repeat table's significant window."""

import numpy as np
import pytest

from citysafe.analysis.cocoon import cocoon_list
from citysafe.analysis.nearrepeat import NearRepeat


def table(p_sim, ratio, space=(100.0, 200.0), time=(7, 14), unit="days", metric="euclidean"):
    """A near-repeat result with chosen significance, to pin the window down."""
    p_sim, ratio = np.asarray(p_sim, float), np.asarray(ratio, float)
    return NearRepeat(
        space_bands=space,
        time_bands=time,
        unit=unit,
        metric=metric,
        n=100,
        observed=np.ones(p_sim.shape, dtype=np.int64),
        expected=np.ones(p_sim.shape),
        ratio=ratio,
        p_sim=p_sim,
        permutations=99,
        seed=1,
    )


def test_homes_are_listed_by_the_band_of_their_distance_and_the_burglary_s_age():
    # near and recent, near and older, and farther only when recent
    result = table(p_sim=[[0.01, 0.01], [0.01, 0.5]], ratio=[[3.0, 1.5], [1.4, 1.0]])
    burglaries_x, burglaries_y = np.array([0.0, 5000.0]), np.array([0.0, 0.0])
    days = np.array([95, 88])  # 5 and 12 days before day 100
    homes_x = np.array([100.0, 100.0001, 200.0, 5150.0, 5050.0, 300.0])
    homes_y = np.zeros(6)
    listed = cocoon_list(result, burglaries_x, burglaries_y, days, homes_x, homes_y, as_of=100)
    assert listed.burglary.tolist() == [0, 0, 0, 1]
    assert listed.home.tolist() == [0, 1, 2, 4]  # 100 m is in the first band, 200 m in the last
    assert listed.space_band.tolist() == [0, 1, 1, 0]
    assert listed.time_band.tolist() == [0, 0, 0, 1]
    assert listed.elapsed.tolist() == [5, 5, 5, 12]
    np.testing.assert_allclose(listed.distance, [100.0, 100.0001, 200.0, 50.0])
    assert listed.homes_of(1).tolist() == [4] and listed.homes.tolist() == [0, 1, 2, 4]


def test_burglaries_after_the_day_or_too_old_are_left_out():
    result = table(p_sim=[[0.01, 0.01], [0.01, 0.01]], ratio=[[2.0, 2.0], [2.0, 2.0]])
    days = np.array([101, 85, 86, 100])  # after, 15 days old (beyond 14), 14 days, same day
    listed = cocoon_list(result, np.zeros(4), np.zeros(4), days, [50.0], [0.0], as_of=100)
    assert listed.burglary.tolist() == [2, 3]
    assert listed.elapsed.tolist() == [14, 0]


def test_no_significant_band_gives_an_empty_list():
    result = table(p_sim=[[0.2, 0.01], [0.5, 0.5]], ratio=[[2.0, 0.8], [1.0, 1.0]])
    listed = cocoon_list(result, [0.0], [0.0], [99], [10.0], [0.0], as_of=100)
    assert listed.burglary.size == 0 and listed.home.size == 0
    assert not listed.window.any()


def test_month_level_tables_use_months():
    result = table(
        p_sim=[[0.01, 0.01]], ratio=[[2.0, 2.0]], space=(100.0,), time=(0, 1), unit="months"
    )
    months = np.array(["2021-03", "2021-01"], dtype="datetime64[M]")
    listed = cocoon_list(
        result,
        [0.0, 0.0],
        [0.0, 0.0],
        months,
        [30.0],
        [40.0],
        as_of=np.datetime64("2021-04", "M"),
    )
    assert listed.burglary.tolist() == [0] and listed.elapsed.tolist() == [1]
    assert listed.unit == "months"
    with pytest.raises(ValueError, match="months"):
        cocoon_list(
            result,
            [0.0],
            [0.0],
            np.array(["2021-03-02"], dtype="datetime64[D]"),
            [1.0],
            [1.0],
            as_of=5,
        )


def test_manhattan_tables_measure_homes_the_same_way():
    result = table(p_sim=[[0.01]], ratio=[[2.0]], space=(100.0,), time=(7,), metric="manhattan")
    listed = cocoon_list(result, [0.0], [0.0], [0], [60.0, 70.0], [40.0, 40.0], as_of=1)
    assert listed.home.tolist() == [0] and listed.distance.tolist() == [100.0]


def test_no_burglaries_or_no_homes():
    result = table(p_sim=[[0.01, 0.01], [0.01, 0.01]], ratio=[[2.0, 2.0], [2.0, 2.0]])
    assert cocoon_list(result, [], [], [], [1.0], [1.0], as_of=3).home.size == 0
    assert cocoon_list(result, [0.0], [0.0], [1], [], [], as_of=3).home.size == 0


def test_bad_input_is_named():
    result = table(p_sim=[[0.01]], ratio=[[2.0]], space=(100.0,), time=(7,))
    with pytest.raises(TypeError, match="NearRepeat"):
        cocoon_list({"observed": 1}, [0.0], [0.0], [1], [1.0], [1.0], as_of=3)
    with pytest.raises(ValueError, match="homes_x and homes_y"):
        cocoon_list(result, [0.0], [0.0], [1], [1.0, 2.0], [1.0], as_of=3)
    with pytest.raises(ValueError, match="alpha"):
        cocoon_list(result, [0.0], [0.0], [1], [1.0], [1.0], as_of=3, alpha=-0.1)
