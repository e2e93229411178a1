"""Input checks at the boundary of the kernels: TypeError/ValueError naming what came in."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

__all__ = [
    "as_coordinates",
    "as_edges",
    "as_permutations",
    "as_positive",
    "as_times",
    "as_values_grid",
]

UNITS = ("days", "months")


def _as_1d_float(values, name: str) -> np.ndarray:
    if isinstance(values, str | bytes) or values is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(values).__name__}")
    array = np.asarray(values)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"{name} must be an array of numbers, got dtype {array.dtype}")
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    array = array.astype(float, copy=False)
    if not np.isfinite(array).all():
        bad = int(np.flatnonzero(~np.isfinite(array))[0])
        raise ValueError(f"{name} must be finite, got {array[bad]} at position {bad}")
    return array


def as_coordinates(x, y, *, names: tuple[str, str] = ("x", "y")) -> tuple[np.ndarray, np.ndarray]:
    """Two finite 1-D float arrays of equal length (metres on British National Grid)."""
    x = _as_1d_float(x, names[0])
    y = _as_1d_float(y, names[1])
    if x.shape != y.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same length, got {x.size} and {y.size}"
        )
    return x, y


def as_positive(value, name: str) -> float:
    """A finite number greater than zero."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number greater than 0, got {value}")
    return value


def as_permutations(value) -> int:
    """A whole number of permutations, zero or more."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"permutations must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"permutations must be 0 or more, got {value}")
    return int(value)


def as_edges(values, name: str, *, integer: bool = False) -> np.ndarray:
    """Band upper edges: non-empty, finite, at least 0 and strictly increasing."""
    if isinstance(values, numbers.Real) and not isinstance(values, bool):
        values = [values]
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise TypeError(f"{name} must be a sequence of numbers, got {type(values).__name__}")
    edges = _as_1d_float(values, name)
    if edges.size == 0:
        raise ValueError(f"{name} must hold at least one band edge, got none")
    if (edges < 0).any():
        raise ValueError(f"{name} must be 0 or more, got {edges.tolist()}")
    if (np.diff(edges) <= 0).any():
        raise ValueError(f"{name} must be strictly increasing, got {edges.tolist()}")
    if integer:
        if (edges != np.round(edges)).any():
            raise ValueError(f"{name} must be whole numbers, got {edges.tolist()}")
        return edges.astype(np.int64)
    return edges


def as_times(times, n: int, unit: str | None) -> tuple[np.ndarray, str]:
    """Integer times in ``unit`` ("days" or "months"), from integers or numpy datetime64.

    datetime64 values decide the unit themselves: month precision (``datetime64[M]``)
    gives month indices, anything finer gives whole days (time of day dropped).
    """
    if unit is not None and unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
    array = np.asarray(times)
    if array.ndim != 1 or array.size != n:
        raise ValueError(f"times must be one-dimensional with {n} entries, got shape {array.shape}")
    if np.issubdtype(array.dtype, np.datetime64):
        return _datetimes(array, unit)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise TypeError(
            f"times must be integer days, month indices or datetime64, got dtype {array.dtype}"
        )
    if not np.isfinite(array).all() or (array != np.round(array)).any():
        raise ValueError("times must be whole numbers of days or months (or datetime64)")
    return array.astype(np.int64), unit or "days"


def _datetimes(array: np.ndarray, unit: str | None) -> tuple[np.ndarray, str]:
    if np.isnat(array).any():
        bad = int(np.flatnonzero(np.isnat(array))[0])
        raise ValueError(f"times must not be missing (NaT), got NaT at position {bad}")
    precision = np.datetime_data(array.dtype)[0]
    if precision == "Y":
        raise ValueError("times in whole years (datetime64[Y]) are too coarse: give days or months")
    found = "months" if precision == "M" else "days"
    if unit is not None and unit != found:
        raise ValueError(
            f"unit={unit!r} given, but the times are datetime64[{precision}] ({found})"
        )
    target = "datetime64[M]" if found == "months" else "datetime64[D]"
    return array.astype(target).astype(np.int64), found


def as_values_grid(values, name: str = "values") -> np.ndarray:
    """A finite 2-D float array (rows by columns of a grid)."""
    if isinstance(values, str | bytes) or values is None:
        raise TypeError(f"{name} must be a 2-D array of numbers, got {type(values).__name__}")
    array = np.asarray(values)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"{name} must be a 2-D array of numbers, got dtype {array.dtype}")
    if array.ndim != 2:
        raise ValueError(f"{name} must be two-dimensional (rows, columns), got shape {array.shape}")
    array = array.astype(float)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite")
    return array
