"""Order a team's day of visits to cut the van's travel: a small travelling-salesman problem.

A day is a handful of homes (at most eight slots in the home-security
programme), so small days are solved exactly by Held-Karp dynamic
programming; larger ones by OR-Tools' routing solver (cheapest-arc start,
guided local search under a time limit). Whatever the search finds, the
result is never longer than visiting in request order: if the search does
not beat request order, request order is returned and says so.

Distances are straight lines on British National Grid times a detour
factor for the road network. A constant factor scales every leg alike, so
it changes the metres reported, never the order chosen.
"""

from __future__ import annotations

import itertools
import math
import numbers
from dataclasses import dataclass

import numpy as np

from citysafe.analysis._checks import as_coordinates, as_positive

__all__ = [
    "DETOUR_FACTOR",
    "EXACT_UP_TO",
    "METHOD_EXACT",
    "METHOD_REQUEST",
    "METHOD_SEARCH",
    "DayRoute",
    "brute_force_order",
    "plan_route",
    "route_length",
]

# road distance over straight-line distance: Newell (1980) about 1.2 in towns,
# Ballou et al. (2002) 1.1 to 1.4 by country; 1.3 allows for estate cul-de-sacs
DETOUR_FACTOR = 1.3
# a day has at most eight slots: every real day is solved exactly (Held-Karp, n^2 2^n steps)
EXACT_UP_TO = 8
BRUTE_FORCE_UP_TO = 8
# beyond this the exact programme's 2^n tables take seconds and memory: search instead
EXACT_LIMIT = 12
METHOD_EXACT = "exact"
METHOD_SEARCH = "or-tools guided local search"
METHOD_REQUEST = "request order (no improvement found)"
# a plan replaces request order only when shorter by more than rounding
_RELATIVE_SLACK = 1e-9


@dataclass(frozen=True)
class DayRoute:
    """A day's visits in travel order, with its length against request order.

    Attributes
    ----------
    order : numpy.ndarray
        Indices of the visits (as given, in request order) in the order to visit them.
    legs_m : numpy.ndarray
        Metres driven to reach each visit of ``order`` (from the base, or 0
        for the first visit of a route without a base).
    return_m : float
        Metres back to the base after the last visit (0 without a base).
    length_m : float
        The route's length: ``legs_m.sum() + return_m``.
    request_order_length_m : float
        The length when visiting in request order.
    saving_m, saving_pct : float
        ``request_order_length_m - length_m``, and as a percentage of request
        order (0 when request order has no length); never negative.
    method : str
        ``"exact"``, ``"or-tools guided local search"`` or ``"request order
        (no improvement found)"``.
    optimal : bool
        Whether the order is proven shortest (the exact search ran).
    base : tuple of float or None
        Where the route starts and ends; None for an open route that starts at
        the first visit in request order.
    detour_factor : float
        Road metres per straight-line metre.
    """

    order: np.ndarray
    legs_m: np.ndarray
    return_m: float
    length_m: float
    request_order_length_m: float
    saving_m: float
    saving_pct: float
    method: str
    optimal: bool
    base: tuple[float, float] | None
    detour_factor: float

    @property
    def closed(self) -> bool:
        """Whether the route returns to a base."""
        return self.base is not None


def _check_base(base) -> tuple[float, float] | None:
    if base is None:
        return None
    if isinstance(base, str | bytes) or not hasattr(base, "__len__") or len(base) != 2:
        raise TypeError(f"base must be an (x, y) pair of metres or None, got {base!r}")
    values = []
    for value in base:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"base must be an (x, y) pair of numbers, got {base!r}")
        if not math.isfinite(value):
            raise ValueError(f"base must be finite, got {base!r}")
        values.append(float(value))
    return values[0], values[1]


def _distances(x: np.ndarray, y: np.ndarray, base, detour_factor: float) -> np.ndarray:
    """Road metres between every pair of stops: the base first (when given), then the visits."""
    if base is not None:
        x, y = np.concatenate([[base[0]], x]), np.concatenate([[base[1]], y])
    return np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) * detour_factor


def _path_cost(d: np.ndarray, path: np.ndarray, closed: bool) -> float:
    """Length of a walk over the nodes of ``path`` (node 0 the start), back to it if closed."""
    if path.size < 2:
        return 0.0
    total = float(d[path[:-1], path[1:]].sum())
    return total + (float(d[path[-1], path[0]]) if closed else 0.0)


def _held_karp(d: np.ndarray, closed: bool) -> list[int]:
    """Shortest walk from node 0 over every other node (and back to 0 if closed).

    ``cost[mask][j]``: the shortest walk from node 0 over the nodes of ``mask``
    ending at ``j`` (Held and Karp 1962); node ``k`` is bit ``k - 1``.
    """
    m = len(d) - 1
    if m < 1:
        return [0]
    dist = d.tolist()
    full = (1 << m) - 1
    cost = [[math.inf] * m for _ in range(1 << m)]
    back = [[-1] * m for _ in range(1 << m)]
    for j in range(m):
        cost[1 << j][j] = dist[0][j + 1]
    for mask in range(1, full + 1):
        row = cost[mask]
        for j in range(m):
            here = row[j]
            if here == math.inf:
                continue
            leg = dist[j + 1]
            for k in range(m):
                if mask >> k & 1:
                    continue
                step = here + leg[k + 1]
                if step < cost[mask | 1 << k][k]:
                    cost[mask | 1 << k][k], back[mask | 1 << k][k] = step, j
    ends = [cost[full][j] + (dist[j + 1][0] if closed else 0.0) for j in range(m)]
    last, mask, path = ends.index(min(ends)), full, []
    while last >= 0:
        path.append(last + 1)
        mask, last = mask & ~(1 << last), back[mask][last]
    return [0, *reversed(path)]


def _or_tools(d: np.ndarray, closed: bool, time_limit: float) -> list[int] | None:
    """A short walk from node 0 by OR-Tools routing; None if it finds no solution in time."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    size = len(d)
    # decimetres: whole numbers for the solver, fine enough not to tie distinct legs
    cost = np.rint(d * 10.0).astype(np.int64)
    if closed:
        manager = pywrapcp.RoutingIndexManager(size, 1, 0)
    else:
        # an open route ends at a dummy node every visit reaches for nothing
        cost = np.pad(cost, ((0, 1), (0, 1)))
        manager = pywrapcp.RoutingIndexManager(size + 1, 1, [0], [size])
    routing = pywrapcp.RoutingModel(manager)
    transit = routing.RegisterTransitMatrix(cost.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    parameters.time_limit.FromMilliseconds(max(1, int(round(time_limit * 1000))))
    solution = routing.SolveWithParameters(parameters)
    if solution is None:
        return None
    path, index = [], routing.Start(0)
    while not routing.IsEnd(index):
        path.append(manager.IndexToNode(index))
        index = solution.Value(routing.NextVar(index))
    return path


def _visit_order(path: list[int], has_base: bool) -> np.ndarray:
    """Visit indices from a walk over distance-matrix nodes."""
    nodes = np.asarray(path, dtype=np.int64)
    return nodes[1:] - 1 if has_base else nodes


def _nodes(order: np.ndarray, has_base: bool) -> np.ndarray:
    return np.concatenate([[0], order + 1]) if has_base else order


def _check_order(order, n: int) -> np.ndarray:
    array = np.asarray(order)
    if array.size == 0:
        array = array.astype(np.int64)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"order must be a 1-D array of visit indices, got {array.dtype}")
    if sorted(array.tolist()) != list(range(n)):
        raise ValueError(f"order must list each of the {n} visits once, got {array.tolist()}")
    return array.astype(np.int64)


def route_length(x, y, order, *, base=None, detour_factor: float = DETOUR_FACTOR) -> float:
    """Road metres of visiting ``(x, y)`` in ``order``, from and back to ``base`` if given.

    Examples
    --------
    >>> route_length([0, 300, 300], [0, 0, 400], [0, 1, 2], detour_factor=1.0)
    700.0
    >>> route_length([300], [400], [0], base=(0, 0), detour_factor=1.0)
    1000.0
    """
    x, y = as_coordinates(x, y)
    base = _check_base(base)
    order = _check_order(order, x.size)
    d = _distances(x, y, base, as_positive(detour_factor, "detour_factor"))
    return _path_cost(d, _nodes(order, base is not None), base is not None)


def brute_force_order(
    x, y, *, base=None, detour_factor: float = DETOUR_FACTOR
) -> tuple[np.ndarray, float]:
    """The shortest order by trying every permutation (for checking; up to eight visits).

    Without a base the first visit stays first, as in :func:`plan_route`.
    Among equally short orders the first in lexicographic order is returned.

    Returns
    -------
    order : numpy.ndarray
    length_m : float

    Examples
    --------
    >>> order, length = brute_force_order([0, 200, 100], [0, 0, 0], detour_factor=1.0)
    >>> order.tolist(), length
    ([0, 2, 1], 200.0)
    """
    x, y = as_coordinates(x, y)
    base = _check_base(base)
    if x.size > BRUTE_FORCE_UP_TO:
        raise ValueError(
            f"brute force tries every order: at most {BRUTE_FORCE_UP_TO} visits, got {x.size}"
        )
    d = _distances(x, y, base, as_positive(detour_factor, "detour_factor"))
    if x.size == 0:
        return np.empty(0, np.int64), 0.0
    # node 0 (the base, or the first visit) stays first; every other node is permuted
    tails = itertools.permutations(range(1, len(d)))
    tails = np.array(list(tails), dtype=np.int64).reshape(-1, len(d) - 1)
    paths = np.column_stack([np.zeros(len(tails), np.int64), tails])
    lengths = d[paths[:, :-1], paths[:, 1:]].sum(axis=1)
    if base is not None:
        lengths = lengths + d[paths[:, -1], 0]
    best = int(np.argmin(lengths))
    return _visit_order(paths[best].tolist(), base is not None), float(lengths[best])


def plan_route(
    x,
    y,
    *,
    base=None,
    detour_factor: float = DETOUR_FACTOR,
    exact_up_to: int = EXACT_UP_TO,
    time_limit: float = 1.0,
) -> DayRoute:
    """Order a day's visits to minimise travel, never worse than request order.

    Parameters
    ----------
    x, y : array_like
        The visits in request order, metres on British National Grid.
    base : (float, float) or None
        Where the van starts and ends the day. None: the route starts at the
        first visit in request order (whoever asked first is seen first) and
        ends at the last visit, wherever that is.
    detour_factor : float
        Road metres per straight-line metre (see Notes).
    exact_up_to : int
        Up to this many visits the order is proven shortest (Held-Karp);
        above it OR-Tools searches for ``time_limit`` seconds.
    time_limit : float
        Seconds OR-Tools may search (guided local search runs until the limit).

    Returns
    -------
    DayRoute

    Notes
    -----
    Exact: Held and Karp's (1962) dynamic programme over subsets, O(n^2 2^n).
    Search: OR-Tools routing with a ``PATH_CHEAPEST_ARC`` first solution
    improved by ``GUIDED_LOCAL_SEARCH`` (Voudouris and Tsang 1999) on
    distances rounded to decimetres. Either way the result is compared with
    request order and the shorter kept, so ``saving_m >= 0`` always. A loop
    from the base is as long run backwards; of the two, the one whose first
    visit was requested earlier is returned.

    The detour factor turns straight lines into road distance: about 1.2 in
    towns (Newell 1980), 1.1 to 1.4 across countries (Ballou, Rahardja and
    Sakai 2002, "Selected country circuity factors for road travel distance
    estimation", Transportation Research A 36, 843-848). 1.3 is a planning
    assumption for housing estates; it scales every leg alike, so it never
    changes the order, only the metres reported.

    Examples
    --------
    >>> route = plan_route([1000, 100, 900, 200], [0, 0, 0, 0], base=(0, 0), detour_factor=1.0)
    >>> route.order.tolist(), route.length_m, route.request_order_length_m, route.method
    ([0, 2, 3, 1], 2000.0, 3600.0, 'exact')
    >>> route.legs_m.tolist(), route.return_m, route.saving_pct
    ([1000.0, 100.0, 700.0, 100.0], 100.0, 44.44444444444444)
    """
    x, y = as_coordinates(x, y)
    base = _check_base(base)
    detour_factor = as_positive(detour_factor, "detour_factor")
    time_limit = as_positive(time_limit, "time_limit")
    if isinstance(exact_up_to, bool) or not isinstance(exact_up_to, numbers.Integral):
        raise TypeError(f"exact_up_to must be a whole number, got {exact_up_to!r}")
    if not 0 <= exact_up_to <= EXACT_LIMIT:
        raise ValueError(f"exact_up_to must be 0 to {EXACT_LIMIT}, got {exact_up_to}")
    has_base, n = base is not None, x.size
    d = _distances(x, y, base, detour_factor)
    request = np.arange(n, dtype=np.int64)
    request_length = _path_cost(d, _nodes(request, has_base), has_base)
    order, method, optimal = request, METHOD_REQUEST, False
    if n >= 2:
        if n <= exact_up_to:
            path, found_by, optimal = _held_karp(d, has_base), METHOD_EXACT, True
        else:
            path, found_by = _or_tools(d, has_base, time_limit), METHOD_SEARCH
        if path is not None:
            candidate = _visit_order(path, has_base)
            if has_base and candidate[-1] < candidate[0]:
                # a loop and its reverse are as long: start with the earlier request
                candidate = candidate[::-1].copy()
            length = _path_cost(d, _nodes(candidate, has_base), has_base)
            if length < request_length - _RELATIVE_SLACK * max(1.0, request_length):
                order, method = candidate, found_by
    return _route(d, order, request_length, method, optimal, base, detour_factor)


def _route(d, order, request_length, method, optimal, base, detour_factor) -> DayRoute:
    has_base = base is not None
    nodes = _nodes(order, has_base)
    if has_base:
        legs = d[nodes[:-1], nodes[1:]]
        back = float(d[nodes[-1], 0]) if order.size else 0.0
    else:
        legs = np.concatenate([[0.0], d[nodes[:-1], nodes[1:]]]) if order.size else np.empty(0)
        back = 0.0
    length = float(legs.sum()) + back
    saving = max(0.0, request_length - length)
    return DayRoute(
        order=order,
        legs_m=np.asarray(legs, dtype=float),
        return_m=back,
        length_m=length,
        request_order_length_m=request_length,
        saving_m=saving,
        saving_pct=100.0 * saving / request_length if request_length > 0 else 0.0,
        method=method,
        optimal=optimal,
        base=base,
        detour_factor=detour_factor,
    )
