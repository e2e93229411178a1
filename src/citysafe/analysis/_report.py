"""An Evaluation as plain JSON-ready data (the ``citysafe evaluate --json`` contract)."""

from __future__ import annotations

import math
from dataclasses import asdict, fields, is_dataclass

import numpy as np

from citysafe.analysis._windows import month_label

__all__ = ["evaluation_dict", "plain"]


def plain(value):
    """Numbers, lists and dicts only: NaN and infinities become None, numpy becomes Python."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if is_dataclass(value):
        return plain({f.name: getattr(value, f.name) for f in fields(value)})
    return value


def _type_entry(effect) -> dict:
    change, relative = effect.change, effect.relative
    entry = {
        "before": change.before,
        "after": change.after,
        "change_pct": change.change_pct,
        "rate_ratio": change.ratio,
        "ci_low": change.ci_low,
        "ci_high": change.ci_high,
        "p_value": change.p_value,
        "exposure_before": change.exposure_before,
        "exposure_after": change.exposure_after,
        "method": change.method,
        "relative": {
            "ratio": relative.ratio,
            "ci_low": relative.ci_low,
            "ci_high": relative.ci_high,
            "p_value": relative.p_value,
            "control_before": relative.control_before,
            "control_after": relative.control_after,
            "strata": relative.strata,
            "method": relative.method,
        },
        "did": None if effect.did is None else asdict(effect.did),
    }
    return entry


def _placebo(placebo, distribution: bool):
    if placebo is None:
        return None
    by_type = {}
    for name, test in placebo.by_type.items():
        entry = {f.name: getattr(test, f.name) for f in fields(test) if f.name != "distribution"}
        if distribution:
            entry["distribution"] = test.distribution
        by_type[name] = entry
    return {
        "ring": {"inner_m": 0.0, "outer_m": None},
        "permutations": placebo.permutations,
        "seed": placebo.seed,
        "candidates": placebo.candidates,
        "pool": placebo.pool,
        "statistic": placebo.statistic,
        "matching": placebo.matching,
        "warning": placebo.warning,
        "by_type": by_type,
    }


def _ring_entry(ring) -> dict:
    return {
        "inner_m": ring.inner_m,
        "outer_m": ring.outer_m,
        "label": ring.label,
        "points": ring.points,
        "by_type": {name: _type_entry(e) for name, e in ring.by_type.items()},
    }


def _control_entry(control) -> dict:
    keys = ("before", "after", "change_pct", "ci_low", "ci_high", "p_value")
    return {
        "definition": control.definition,
        "points": control.points,
        "left_out": control.left_out,
        "by_type": {
            name: {key: getattr(change, key) for key in keys}
            for name, change in control.by_type.items()
        },
    }


def evaluation_dict(evaluation, *, distribution: bool = False) -> dict:
    """See ``Evaluation.as_dict``."""
    ev = evaluation
    placebo = _placebo(ev.placebo, distribution)
    if placebo is not None:
        placebo["ring"]["outer_m"] = ev.rings[0].outer_m
    data = {
        "scheme": ev.scheme,
        "sites": ev.sites,
        "starts": [month_label(s) for s in ev.starts],
        "parameters": {
            "months_before": ev.months_before,
            "months_after": ev.months_after,
            "rings": list(ev.edges),
            "types": list(ev.types),
            "control": ev.control.definition,
            "permutations": ev.permutations,
            "seed": ev.seed,
            "alpha": ev.alpha,
            "placebo_pool": ev.placebo_pool,
            "wdq_min_change": ev.wdq_min_change,
        },
        "rings": [_ring_entry(ring) for ring in ev.rings],
        "control": _control_entry(ev.control),
        "placebo": placebo,
        "displacement": [
            {
                "buffer": d.label,
                "inner_m": ev.rings[d.ring].inner_m,
                "outer_m": ev.rings[d.ring].outer_m,
                "by_type": {name: asdict(q) for name, q in d.by_type.items()},
            }
            for d in ev.displacement
        ],
        "windows": [
            {
                "start": month_label(w.start),
                "before": [month_label(m) for m in w.before],
                "after": [month_label(m) for m in w.after],
            }
            for w in ev.windows
        ],
        "months_left_out": [
            {"start": month_label(m.start), "month": m.label, "side": m.side, "reason": m.reason}
            for m in ev.months_left_out
        ],
        "unlocated": ev.unlocated,
        "notes": list(ev.notes),
    }
    return plain(data)
