"""Checks shared by the kernels on what they are given: integer arrays and month indices."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_ints", "month_number"]


def as_ints(values, name: str) -> np.ndarray:
    """``values`` as a 1-D int64 array; raises ``TypeError`` naming ``name`` otherwise."""
    array = np.asarray(values)
    if array.size == 0:
        return np.empty(0, np.int64)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.integer) or array.ndim != 1:
        raise TypeError(f"{name} must be a 1-D array of integers, got {array.dtype} {array.shape}")
    return array.astype(np.int64)


def month_number(value, name: str) -> int:
    """A month index (year * 12 + month - 1) as an int; raises ``TypeError`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a month index, got {type(value).__name__}")
    return int(value)
