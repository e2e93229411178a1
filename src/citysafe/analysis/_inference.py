"""Shared inference helpers: pseudo p-values, random generators, false discovery rate."""

from __future__ import annotations

import numbers

import numpy as np
from scipy import stats

__all__ = ["benjamini_hochberg", "pseudo_p_value", "random_generator", "seed_value"]


def pseudo_p_value(extreme: np.ndarray | int, permutations: int) -> np.ndarray | float:
    """Pseudo p-value ``(M + 1) / (R + 1)`` of a permutation test.

    Parameters
    ----------
    extreme : int or array of int
        M, the number of permutations at least as extreme as the observed value.
    permutations : int
        R, the number of permutations (at least 1).

    Returns
    -------
    float or numpy.ndarray
        The pseudo p-value(s), between ``1 / (R + 1)`` and 1.

    Notes
    -----
    Counting the observed value among the permutations keeps the test valid:
    under the null hypothesis P(p <= alpha) <= alpha (Davison and Hinkley 1997,
    ch. 4; the convention of PySAL's ``p_sim``).

    Examples
    --------
    >>> pseudo_p_value(4, 99)
    0.05
    """
    if permutations < 1:
        raise ValueError(
            f"permutations must be at least 1 for a pseudo p-value, got {permutations}"
        )
    result = (np.asarray(extreme, dtype=float) + 1.0) / (permutations + 1.0)
    return float(result) if result.ndim == 0 else result


def random_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """The generator for ``seed=``: an int (reproducible), a Generator, or None (fresh entropy)."""
    if seed is not None and not isinstance(seed, numbers.Integral | np.random.Generator):
        raise TypeError(
            f"seed must be an int, a numpy Generator or None, got {type(seed).__name__}"
        )
    return np.random.default_rng(seed)


def seed_value(seed: int | np.random.Generator | None) -> int | None:
    """The seed as recorded in a result: the int given, else None."""
    return int(seed) if isinstance(seed, numbers.Integral) else None


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN entries are left out and kept NaN.

    A hypothesis is rejected at false discovery rate ``alpha`` when its
    adjusted value is at most ``alpha`` (Benjamini and Hochberg 1995).

    Examples
    --------
    >>> benjamini_hochberg(np.array([0.01, 0.04, 0.03, np.nan])).round(3).tolist()
    [0.03, 0.04, 0.04, nan]
    """
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    finite = np.isfinite(p)
    if finite.any():
        q[finite] = stats.false_discovery_control(p[finite], method="bh")
    return q
