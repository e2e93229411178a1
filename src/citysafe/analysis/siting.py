"""Where to put new venues: the maximal covering location problem, and coverage by time slot.

Demand sits at points (police.uk map points, weighted by the crimes placed
there, and by time slot); a site *covers* a demand point within a radius.
Given candidate sites, ``maximal_covering`` chooses the ``k`` that cover
the most demand weight (Church and ReVelle 1974): exactly, as an integer
programme solved by HiGHS through ``scipy.optimize.milp``, or greedily,
adding at each step the site that covers the most demand not yet covered,
which is guaranteed to reach at least 1 - 1/e (about 63 %) of the best
(Nemhauser, Wolsey and Fisher 1978) but is not always the best. The result
says which method produced it and whether the answer is proven optimal.

``coverage_matrix`` builds the demand-by-site cover from coordinates and
``covered_shares`` gives, for each radius and each time slot, the share of
demand within the radius of a site open in that slot.

References
----------
Church, R. and ReVelle, C. (1974) The maximal covering location problem.
Papers of the Regional Science Association 32, 101-118.
Nemhauser, G. L., Wolsey, L. A. and Fisher, M. L. (1978) An analysis of
approximations for maximizing submodular set functions. Mathematical
Programming 14, 265-294.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.spatial import cKDTree

__all__ = [
    "CoverageShares",
    "Siting",
    "coverage_matrix",
    "covered_shares",
    "greedy_covering",
    "maximal_covering",
]

METHODS = ("exact", "greedy")


def _xy(values, name: str) -> np.ndarray:
    if values is None or isinstance(values, str | bytes):
        raise TypeError(f"{name} must be an (n, 2) array of x, y, got {type(values).__name__}")
    array = np.asarray(values, dtype=float)
    if array.size == 0:
        return np.empty((0, 2))
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n, 2), got {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite")
    return array


def _weights(values, n: int) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or len(array) != n:
        raise ValueError(f"weights must be one number per demand point ({n}), got {array.shape}")
    if not np.isfinite(array).all() or (array < 0).any():
        raise ValueError("weights must be finite and not negative")
    return array


def coverage_matrix(demand_xy, site_xy, radius: float) -> sparse.csr_matrix:
    """Which sites lie within ``radius`` metres of each demand point (distance <= radius).

    Returns a boolean CSR matrix of shape (demand points, sites).
    """
    demand, sites = _xy(demand_xy, "demand_xy"), _xy(site_xy, "site_xy")
    if not np.isfinite(radius) or radius < 0:
        raise ValueError(f"radius must be a distance of 0 or more metres, got {radius}")
    if len(demand) == 0 or len(sites) == 0:
        return sparse.csr_matrix((len(demand), len(sites)), dtype=bool)
    near = cKDTree(demand).query_ball_tree(cKDTree(sites), r=radius)
    indptr = np.zeros(len(demand) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(n) for n in near])
    indices = np.fromiter((j for n in near for j in sorted(n)), dtype=np.int64, count=indptr[-1])
    data = np.ones(len(indices), dtype=bool)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(demand), len(sites)))


@dataclass(frozen=True)
class Siting:
    """The chosen sites and the demand they cover.

    Attributes
    ----------
    chosen : ndarray of int
        Column indices of the chosen candidates, ascending.
    covered : float
        Demand weight within reach of at least one chosen site.
    total : float
        All demand weight given.
    k : int
        How many sites were asked for (fewer are chosen when fewer cover anything).
    method : str
        ``"exact"`` (HiGHS branch and bound) or ``"greedy"``.
    optimal : bool
        Whether ``covered`` is proven the most any ``k`` candidates cover.
    gap : float or None
        The solver's relative gap between ``covered`` and its bound (exact only).
    note : str
        How the answer was reached, in words, for reports.
    """

    chosen: np.ndarray
    covered: float
    total: float
    k: int
    method: str
    optimal: bool
    gap: float | None
    note: str

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total > 0 else 0.0


def _check(cover, weights, k: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    if not sparse.issparse(cover):
        cover = sparse.csr_matrix(np.asarray(cover, dtype=bool))
    cover = sparse.csr_matrix(cover, dtype=bool)
    weights = _weights(weights, cover.shape[0])
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
        raise ValueError(f"k must be a whole number of sites, 0 or more, got {k!r}")
    return cover, weights


def _covered(cover: sparse.csr_matrix, weights: np.ndarray, chosen: np.ndarray) -> float:
    if len(chosen) == 0:
        return 0.0
    reached = np.asarray(cover[:, chosen].sum(axis=1)).ravel() > 0
    return float(weights[reached].sum())


def greedy_covering(cover, weights, k: int) -> Siting:
    """Add, ``k`` times, the candidate covering the most weight not yet covered.

    Ties go to the lowest index.
    """
    cover, weights = _check(cover, weights, k)
    total = float(weights.sum())
    by_site = cover.tocsc()
    gains = np.asarray(by_site.T @ weights).ravel().astype(float)
    done = np.zeros(cover.shape[0], dtype=bool)
    chosen: list[int] = []
    while len(chosen) < k and gains.size and gains.max() > 0:
        best = int(np.argmax(gains))
        chosen.append(best)
        rows = by_site.indices[by_site.indptr[best] : by_site.indptr[best + 1]]
        fresh = rows[~done[rows]]
        done[fresh] = True
        for row in fresh:
            sites = cover.indices[cover.indptr[row] : cover.indptr[row + 1]]
            gains[sites] -= weights[row]
        gains[best] = -np.inf
    picked = np.array(sorted(chosen), dtype=np.int64)
    return Siting(
        chosen=picked,
        covered=_covered(cover, weights, picked),
        total=total,
        k=int(k),
        method="greedy",
        optimal=False,
        gap=None,
        note="greedy: each site added covers the most demand not yet covered; at least 63 % "
        "of the best possible, not proven the best",
    )


def maximal_covering(
    cover,
    weights,
    k: int,
    *,
    method: str = "exact",
    time_limit: float = 30.0,
) -> Siting:
    """Choose ``k`` candidate sites covering the most demand weight.

    Parameters
    ----------
    cover : array_like or sparse matrix of bool, shape (demand, candidates)
        ``cover[i, j]`` is True when candidate ``j`` covers demand ``i``.
    weights : array_like of float, shape (demand,)
        Demand weight of each row, 0 or more.
    k : int
        Number of sites to choose.
    method : {"exact", "greedy"}
        ``exact`` solves the integer programme with HiGHS and falls back to
        greedy (saying so in ``note``) if the solver finds no solution within
        ``time_limit`` seconds.
    time_limit : float
        Seconds allowed to the solver; the best solution found by then is
        returned with ``optimal`` False and its gap.

    Returns
    -------
    Siting

    Notes
    -----
    The programme (Church and ReVelle 1974): maximise ``sum_i w_i y_i``
    subject to ``y_i <= sum_j a_ij x_j``, ``sum_j x_j <= k``, ``x_j`` in
    {0, 1} and ``0 <= y_i <= 1``; ``y`` need not be declared integer, since
    at an optimum each ``y_i`` is ``min(1, sum_j a_ij x_j)``. Rows with no
    weight or no candidate, and candidates covering no weight, are dropped
    before solving.

    Examples
    --------
    >>> import numpy as np
    >>> cover = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 1], [0, 0, 1]], bool)
    >>> result = maximal_covering(cover, [4.0, 1.0, 1.0, 3.0], k=2)
    >>> result.chosen.tolist(), result.covered, result.optimal
    ([0, 2], 9.0, True)
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    cover, weights = _check(cover, weights, k)
    if method == "greedy":
        return greedy_covering(cover, weights, k)
    total = float(weights.sum())
    rows = np.flatnonzero((weights > 0) & (np.diff(cover.indptr) > 0))
    reduced = cover[rows]
    useful = np.flatnonzero(np.asarray(reduced.sum(axis=0)).ravel() > 0)
    reduced, w = reduced[:, useful].tocsr(), weights[rows]
    if k == 0 or len(useful) == 0:
        return Siting(
            np.empty(0, np.int64), 0.0, total, int(k), "exact", True, 0.0, "exact: nothing to cover"
        )
    if k >= len(useful):
        picked = np.sort(useful)
        return Siting(
            picked,
            _covered(cover, weights, picked),
            total,
            int(k),
            "exact",
            True,
            0.0,
            "exact: every candidate that covers anything is chosen",
        )
    result = _solve(reduced, w, k, time_limit)
    if result is None:
        fallback = greedy_covering(cover, weights, k)
        return Siting(
            fallback.chosen,
            fallback.covered,
            total,
            int(k),
            "greedy",
            False,
            None,
            "the integer programme found no solution within the time limit, so this is the "
            "greedy answer: " + fallback.note,
        )
    x, optimal, bound = result
    picked = np.sort(useful[x > 0.5])
    covered = _covered(cover, weights, picked)
    if optimal:
        return Siting(
            picked,
            covered,
            total,
            int(k),
            "exact",
            True,
            0.0,
            "exact: integer programme solved to optimality by HiGHS",
        )
    # stopped at the time limit: keep the better of the solver's best and greedy's answer
    fallback = greedy_covering(cover, weights, k)
    method = "exact"
    if fallback.covered > covered:
        picked, covered, method = fallback.chosen, fallback.covered, "greedy"
    gap = (bound - covered) / covered if covered > 0 and np.isfinite(bound) else None
    within = f"within {gap:.1%} of the optimum" if gap is not None else "with no bound"
    note = (
        f"the integer programme stopped at the {time_limit:g} s time limit; this is the best "
        f"answer found ({'greedy' if method == 'greedy' else 'the solver'}'s), {within}"
    )
    return Siting(picked, covered, total, int(k), method, False, gap, note)


def _solve(cover: sparse.csr_matrix, w: np.ndarray, k: int, time_limit: float):
    n, m = cover.shape
    objective = np.concatenate([np.zeros(m), -w])
    link = sparse.hstack([-cover.astype(float), sparse.identity(n, format="csr")]).tocsr()
    budget = sparse.csr_matrix(np.concatenate([np.ones(m), np.zeros(n)])[None, :])
    constraints = [LinearConstraint(link, -np.inf, 0.0), LinearConstraint(budget, 0.0, float(k))]
    integrality = np.concatenate([np.ones(m), np.zeros(n)])
    solution = milp(
        objective,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(0.0, 1.0),
        options={"time_limit": float(time_limit), "mip_rel_gap": 0.0, "disp": False},
    )
    if solution.x is None:
        return None
    bound = -float(getattr(solution, "mip_dual_bound", np.nan) or np.nan)
    return solution.x[:m], solution.status == 0, bound


@dataclass(frozen=True)
class CoverageShares:
    """Share of demand within each radius of a site open in each time slot.

    Attributes
    ----------
    radii : tuple of float
    shares : ndarray, shape (len(radii), slots)
        Covered weight / total weight, per radius and slot (0 when no demand).
    covered : ndarray, shape (len(radii), slots)
        Covered weight per radius and slot.
    total : ndarray, shape (slots,)
        Demand weight per slot.
    """

    radii: tuple[float, ...]
    shares: np.ndarray
    covered: np.ndarray
    total: np.ndarray


def covered_shares(demand_xy, demand_weight, site_xy, site_open, radii) -> CoverageShares:
    """For each radius and slot, the demand within the radius of a site open in that slot.

    Parameters
    ----------
    demand_xy : array_like, shape (n, 2)
    demand_weight : array_like, shape (n,) or (n, slots)
        Weight of each demand point, the same in every slot or per slot.
    site_xy : array_like, shape (m, 2)
    site_open : array_like of bool, shape (m, slots)
        Whether each site is open in each slot.
    radii : sequence of float
    """
    demand, sites = _xy(demand_xy, "demand_xy"), _xy(site_xy, "site_xy")
    is_open = np.asarray(site_open, dtype=bool)
    if is_open.ndim != 2 or is_open.shape[0] != len(sites):
        raise ValueError(f"site_open must have shape ({len(sites)}, slots), got {is_open.shape}")
    slots = is_open.shape[1]
    weight = np.asarray(demand_weight, dtype=float)
    if weight.ndim == 1:
        weight = np.repeat(_weights(weight, len(demand))[:, None], slots, axis=1)
    if weight.shape != (len(demand), slots) or (weight < 0).any():
        raise ValueError(
            f"demand_weight must have shape ({len(demand)},) or ({len(demand)}, {slots})"
        )
    radii = tuple(float(r) for r in radii)
    total = weight.sum(axis=0)
    covered = np.zeros((len(radii), slots))
    for i, radius in enumerate(radii):
        cover = coverage_matrix(demand, sites, radius).astype(np.int32)
        reached = (cover @ is_open.astype(np.int32)) > 0
        covered[i] = (weight * reached).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total > 0, covered / np.where(total > 0, total, 1.0), 0.0)
    return CoverageShares(radii, shares, covered, total)
