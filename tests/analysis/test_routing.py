"""Day routes: never longer than request order, exact on small days, sound on degenerate ones."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from citysafe.analysis.routing import (
    DETOUR_FACTOR,
    METHOD_EXACT,
    METHOD_REQUEST,
    METHOD_SEARCH,
    brute_force_order,
    plan_route,
    route_length,
)

BASE = (2500.0, 2500.0)


def _instance(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 5000, n), rng.uniform(0, 5000, n)


def _is_permutation(order: np.ndarray, n: int) -> bool:
    return sorted(order.tolist()) == list(range(n))


@pytest.mark.parametrize("with_base", [True, False])
def test_never_longer_than_request_order_on_random_days(with_base):
    base = BASE if with_base else None
    for seed in range(30):
        n = [0, 1, 2, 3, 5, 8, 9, 12, 16, 25][seed % 10]
        x, y = _instance(seed, n)
        route = plan_route(x, y, base=base, time_limit=0.05)
        assert _is_permutation(route.order, n)
        assert route.length_m <= route.request_order_length_m + 1e-9
        assert route.saving_m >= 0 and route.saving_pct >= 0
        assert_allclose(route.length_m, route_length(x, y, route.order, base=base))
        assert_allclose(route.request_order_length_m, route_length(x, y, np.arange(n), base=base))
        assert_allclose(route.legs_m.sum() + route.return_m, route.length_m)
        if not with_base and n:
            assert route.order[0] == 0  # an open route starts at the first request
        if n > 8:
            assert route.method in (METHOD_SEARCH, METHOD_REQUEST)
            assert not route.optimal


@pytest.mark.parametrize("with_base", [True, False])
@pytest.mark.parametrize("n", [3, 4, 5, 6, 7, 8])
def test_exact_equals_brute_force(n, with_base):
    base = BASE if with_base else None
    for seed in range(4):
        x, y = _instance(100 * n + seed, n)
        route = plan_route(x, y, base=base)
        order, length = brute_force_order(x, y, base=base)
        assert route.optimal
        assert_allclose(route.length_m, min(length, route.request_order_length_m))
        assert_allclose(route_length(x, y, order, base=base), length)
        if route.method == METHOD_EXACT:
            # a loop from the base may run either way; an open route is unique here
            expected = [order.tolist(), order[::-1].tolist()] if with_base else [order.tolist()]
            assert route.order.tolist() in expected


@pytest.mark.parametrize("with_base", [True, False])
def test_or_tools_finds_the_optimum_of_small_days(with_base):
    base = BASE if with_base else None
    for seed in range(3):
        x, y = _instance(7000 + seed, 8)
        route = plan_route(x, y, base=base, exact_up_to=0, time_limit=0.2)
        _, best = brute_force_order(x, y, base=base)
        # the solver works in whole decimetres: allow that rounding on each leg
        assert route.length_m <= best + 0.05 * 9 * DETOUR_FACTOR
        assert not route.optimal


def test_a_known_day_from_the_base():
    # four homes on one street east of the base, requested out of order
    x, y = [400.0, 100.0, 300.0, 200.0], [0.0, 0.0, 0.0, 0.0]
    route = plan_route(x, y, base=(0.0, 0.0), detour_factor=1.0)
    # out and back along the street: 800 m; request order zigzags: 1200 m
    assert route.order.tolist() == [0, 2, 3, 1]
    assert route.legs_m.tolist() == [400.0, 100.0, 100.0, 100.0]
    assert route.return_m == 100.0
    assert (route.length_m, route.request_order_length_m) == (800.0, 1200.0)
    assert route.saving_m == 400.0
    assert_allclose(route.saving_pct, 100 / 3)
    assert route.method == METHOD_EXACT and route.closed


def test_an_open_day_starts_at_the_first_request():
    x, y = [0.0, 300.0, 100.0, 200.0], [0.0, 0.0, 0.0, 0.0]
    route = plan_route(x, y, detour_factor=1.0)
    assert route.order.tolist() == [0, 2, 3, 1]
    assert route.legs_m.tolist() == [0.0, 100.0, 100.0, 100.0]
    assert (route.length_m, route.return_m, route.request_order_length_m) == (300.0, 0.0, 600.0)
    assert not route.closed and route.base is None


def test_the_detour_factor_scales_the_metres_not_the_order():
    x, y = _instance(42, 7)
    straight = plan_route(x, y, base=BASE, detour_factor=1.0)
    road = plan_route(x, y, base=BASE)
    assert road.order.tolist() == straight.order.tolist()
    assert_allclose(road.length_m, DETOUR_FACTOR * straight.length_m)
    assert_allclose(road.saving_pct, straight.saving_pct)
    assert road.detour_factor == DETOUR_FACTOR


def test_request_order_kept_when_nothing_is_shorter():
    # along a street from the base's end: request order is already the shortest
    x = np.arange(1, 13) * 100.0
    for base, n in (((0.0, 0.0), 6), (None, 6), (None, 12)):
        route = plan_route(x[:n], np.zeros(n), base=base, time_limit=0.1)
        assert route.order.tolist() == list(range(n))
        assert route.method == METHOD_REQUEST
        assert route.saving_m == 0.0 and route.saving_pct == 0.0


def test_no_visits_one_visit_two_visits():
    empty = plan_route([], [], base=BASE)
    assert empty.order.tolist() == [] and empty.order.dtype == np.int64
    assert (empty.length_m, empty.request_order_length_m, empty.saving_pct) == (0.0, 0.0, 0.0)
    assert empty.method == METHOD_REQUEST
    assert plan_route([], []).length_m == 0.0

    one = plan_route([300.0], [400.0], base=(0.0, 0.0))
    assert one.order.tolist() == [0]
    assert_allclose(one.length_m, 2 * 500.0 * DETOUR_FACTOR)
    assert_allclose(one.legs_m, [500.0 * DETOUR_FACTOR])
    assert plan_route([300.0], [400.0]).length_m == 0.0

    two = plan_route([300.0, 0.0], [400.0, 100.0], base=(0.0, 0.0))
    # both ways round a loop are as long: request order stays
    assert two.order.tolist() == [0, 1] and two.method == METHOD_REQUEST
    open_two = plan_route([300.0, 0.0], [400.0, 100.0])
    assert open_two.order.tolist() == [0, 1]
    assert_allclose(open_two.length_m, np.hypot(300, 300) * DETOUR_FACTOR)


def test_homes_at_one_address():
    # flats in one block share a point: no travel between them
    x, y = np.full(5, 1000.0), np.full(5, 2000.0)
    route = plan_route(x, y, base=(1000.0, 1000.0), detour_factor=1.0)
    assert route.length_m == 2000.0 and route.method == METHOD_REQUEST
    assert plan_route(x, y).length_m == 0.0
    # duplicates among others are visited back to back
    x = np.array([0.0, 500.0, 0.0, 500.0])
    route = plan_route(x, np.zeros(4), detour_factor=1.0)
    assert route.length_m == 500.0 and route.order.tolist()[:2] == [0, 2]
    assert brute_force_order(x, np.zeros(4), detour_factor=1.0)[1] == 500.0


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="x and y must have the same length"):
        plan_route([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="x must be finite"):
        plan_route([np.nan], [1.0])
    with pytest.raises(TypeError, match=r"base must be an \(x, y\) pair"):
        plan_route([1.0], [1.0], base="home")
    with pytest.raises(TypeError, match=r"base must be an \(x, y\) pair of numbers"):
        plan_route([1.0], [1.0], base=(1.0, None))
    with pytest.raises(ValueError, match="base must be finite"):
        plan_route([1.0], [1.0], base=(1.0, np.inf))
    with pytest.raises(ValueError, match="detour_factor must be a finite number greater than 0"):
        plan_route([1.0], [1.0], detour_factor=0)
    with pytest.raises(ValueError, match="time_limit must be a finite number greater than 0"):
        plan_route([1.0], [1.0], time_limit=-1)
    with pytest.raises(ValueError, match="exact_up_to must be 0 to 12"):
        plan_route([1.0], [1.0], exact_up_to=20)
    with pytest.raises(ValueError, match="at most 8 visits, got 9"):
        brute_force_order(np.arange(9.0), np.zeros(9))
    with pytest.raises(ValueError, match="order must list each of the 3 visits once"):
        route_length([0.0, 1.0, 2.0], [0.0, 0.0, 0.0], [0, 0, 1])
