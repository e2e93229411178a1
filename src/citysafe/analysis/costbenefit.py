"""Cost-benefit of a scheme: crimes prevented net of the control, valued at unit costs of crime.

Crimes prevented in the scheme's rings are the crimes expected after the
start had the rings changed as the control did, less those counted:
``sum over start months of a d / c - b`` (ring before a, after b; control
before c, after d). Its interval maps the exact interval of the ratio of
rate ratios, ``b / RRR - b``. The monthly rate of prevention over the after
window is carried forward to the months since the start, valued at the unit
cost of each crime type (Heeks et al. 2018, 2015/16 prices, times an
optional price-index uplift) and set against the scheme's set-up and
running costs: savings, return per pound and the month the savings overtake
the costs.

police.uk's types are mixes of the report's categories; ``TYPE_CATEGORIES``
says which mix is assumed for each, and types with no unit cost are counted
but not valued.
"""

from __future__ import annotations

import csv
import math
import numbers
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from citysafe.analysis._inference import random_generator, seed_value
from citysafe.analysis._poisson import ratio_of_rate_ratios
from citysafe.analysis.evaluation import ALL_CRIME, Evaluation

__all__ = [
    "REFERENCE",
    "TYPE_CATEGORIES",
    "CostBenefit",
    "TypeSaving",
    "UnitCost",
    "UnitCosts",
    "cost_benefit",
    "load_unit_costs",
]

REFERENCE = (
    "Heeks, M., Reed, S., Tafsiri, M. and Prince, S. (2018) The economic and social costs of "
    "crime, second edition. Home Office Research Report 99, Table 1 (2015/16 prices)"
)
DATA_FILE = "unit_costs_heeks2018.csv"

# police.uk type -> (report category, share) mix, and whether that mix is an assumption
TYPE_CATEGORIES: dict[str, tuple[tuple[tuple[str, float], ...], str]] = {
    "Violence and sexual offences": (
        (
            ("Violence with injury", 0.40),
            ("Violence without injury", 0.50),
            ("Rape", 0.04),
            ("Other sexual offences", 0.06),
        ),
        "assumption: rough shares of police recorded violence and sexual offences, not "
        "checked; stalking and harassment valued as violence without injury; homicide left out",
    ),
    "Burglary": (
        (("Domestic burglary", 1.0),),
        "assumption: all residential; police.uk's Burglary also holds non-residential burglary",
    ),
    "Robbery": (
        (("Robbery", 1.0),),
        "assumption: all personal robbery; police.uk's Robbery also holds business robbery",
    ),
    "Vehicle crime": (
        (("Theft of vehicle", 0.25), ("Theft from vehicle", 0.75)),
        "assumption: a quarter thefts of vehicles, the rest thefts from and interference "
        "(valued as theft from a vehicle)",
    ),
    "Criminal damage and arson": (
        (("Arson", 0.05), ("Criminal damage (other)", 0.95)),
        "assumption: 5% arson",
    ),
    "Theft from the person": ((("Theft from the person", 1.0),), "direct: the same category"),
}


@dataclass(frozen=True)
class UnitCost:
    """One category's cost per crime."""

    category: str
    cost: float
    price_year: str
    status: str
    source: str


@dataclass(frozen=True)
class UnitCosts:
    """A unit-cost table and its reference."""

    rows: dict[str, UnitCost]
    reference: str


def load_unit_costs(path: str | Path | None = None) -> UnitCosts:
    """Read a unit-cost table (by default Heeks et al. 2018, shipped with citysafe).

    The CSV has the columns ``category, unit_cost_gbp, price_year, status,
    source``; ``status`` is ``verified`` or ``unverified``.
    """
    if path is None:
        text = resources.files("citysafe.analysis").joinpath("data", DATA_FILE).read_text("utf-8")
        name = DATA_FILE
    else:
        text, name = Path(path).read_text("utf-8"), str(path)
    rows = {}
    for number, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        status = row.get("status", "")
        if status not in ("verified", "unverified"):
            raise ValueError(
                f"{name}, row {number}, field status: {status!r} is not 'verified' or 'unverified'"
            )
        try:
            cost = float(row["unit_cost_gbp"])
        except (TypeError, ValueError, KeyError) as error:
            raise ValueError(f"{name}, row {number}, field unit_cost_gbp: not a number") from error
        rows[row["category"]] = UnitCost(
            row["category"], cost, row["price_year"], status, row["source"]
        )
    return UnitCosts(rows, REFERENCE)


@dataclass(frozen=True)
class TypeSaving:
    """Crimes of one type prevented and what they are worth.

    Attributes
    ----------
    crime_type : str
    prevented, prevented_low, prevented_high : float
        Over the after window; negative when crime rose relative to the control.
    unit_cost : float or None
        Pounds per crime after the uplift; None when the type has no unit cost.
    status : str
        ``"verified"`` (every category in the mix verified), ``"unverified"`` or ``"none"``.
    basis : str
        The mix of the report's categories, and whether it is an assumption.
    saving, saving_low, saving_high : float or None
        Pounds over ``months_since_start`` months.
    """

    crime_type: str
    prevented: float
    prevented_low: float
    prevented_high: float
    unit_cost: float | None
    status: str
    basis: str
    saving: float | None
    saving_low: float | None
    saving_high: float | None


@dataclass(frozen=True)
class CostBenefit:
    """Savings of a scheme against its costs.

    Attributes
    ----------
    rings : tuple of str
        The rings counted as the scheme's area.
    window_months : float
        Months of the after window the prevention was measured over.
    months_since_start : int
    by_type : dict of str to TypeSaving
    all_crime : TypeSaving
        Every type together (prevented only: it has no single unit cost).
    saving, saving_low, saving_high : float
        Pounds saved to date over the valued types; interval by parametric
        Poisson bootstrap of the counts (``draws``, ``seed``).
    cost : float
        Set-up plus running costs to date.
    net : float
        ``saving - cost``.
    return_per_pound, return_low, return_high : float
        ``saving / cost``.
    break_even_month : int or None
        First month (1 = the start month) in which savings reach costs at the
        estimated monthly saving; None if never at that rate.
    break_even_low, break_even_high : int or None
        The same at the top and at the bottom of the saving's interval (the
        earliest and the latest break-even).
    uplift : float
        Price-index factor applied to the 2015/16 unit costs.
    unverified : tuple of str
        Categories used whose unit cost is not verified against the report.
    unvalued : tuple of str
        Types counted but given no value.
    reference : str
    notes : tuple of str
    """

    rings: tuple[str, ...]
    window_months: float
    months_since_start: int
    by_type: dict[str, TypeSaving]
    all_crime: TypeSaving
    saving: float
    saving_low: float
    saving_high: float
    cost: float
    net: float
    return_per_pound: float
    return_low: float
    return_high: float
    break_even_month: int | None
    break_even_low: int | None
    break_even_high: int | None
    uplift: float
    unverified: tuple[str, ...]
    unvalued: tuple[str, ...]
    draws: int
    seed: int | None
    alpha: float
    reference: str
    notes: tuple[str, ...]


def _money(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number of pounds, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite amount of 0 or more, got {value}")
    return float(value)


def _type_cost(name: str, costs: UnitCosts, uplift: float):
    """(unit cost or None, status, basis, categories used) of a police.uk type."""
    if name not in TYPE_CATEGORIES:
        return None, "none", "no unit cost in the table for this type", ()
    mix, basis = TYPE_CATEGORIES[name]
    missing = [c for c, _ in mix if c not in costs.rows]
    if missing:
        return None, "none", f"the table lacks {', '.join(missing)}", ()
    cost = uplift * sum(share * costs.rows[c].cost for c, share in mix)
    used = tuple(c for c, _ in mix)
    status = "verified" if all(costs.rows[c].status == "verified" for c in used) else "unverified"
    parts = ", ".join(f"{share:.0%} {c}" for c, share in mix)
    return cost, status, f"{parts} ({basis})", used


def _expected(tables: np.ndarray) -> np.ndarray:
    """Expected after-counts of the rings had they followed the control: sum of a d / c."""
    a, c, d = tables[..., 0], tables[..., 2], tables[..., 3]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(c > 0, a * d / np.where(c > 0, c, 1), np.nan).sum(axis=-1)


def _prevented(tables: np.ndarray, alpha: float) -> tuple[float, float, float]:
    after = float(tables[:, 1].sum())
    prevented = float(_expected(tables)) - after
    effect = ratio_of_rate_ratios(tables, alpha=alpha)
    with np.errstate(divide="ignore"):
        low = after / effect.ci_high - after if effect.ci_high > 0 else math.nan
        high = after / effect.ci_low - after if effect.ci_low > 0 else math.inf
    if after == 0:  # the ratio's interval says nothing about how many were prevented
        low, high = prevented, prevented
    return prevented, low, high


def _break_even(monthly_saving: float, setup: float, running_monthly: float) -> int | None:
    if monthly_saving <= running_monthly:
        return None if setup > 0 or monthly_saving < running_monthly else 1
    return max(1, math.ceil(setup / (monthly_saving - running_monthly) - 1e-12))


def _ring_tables(evaluation: Evaluation, rings: int, name: str) -> np.ndarray:
    """``(G, 4)`` the first ``rings`` rings pooled, against the control."""
    parts = [evaluation.rings[r].by_type[name].tables for r in range(rings)]
    tables = np.array(parts[0], dtype=np.int64)
    for part in parts[1:]:
        tables[:, :2] += part[:, :2]
    return tables


def cost_benefit(
    evaluation: Evaluation,
    unit_costs: UnitCosts | None = None,
    *,
    setup_cost: float,
    running_cost_per_year: float,
    months_since_start: int,
    uplift: float = 1.0,
    rings: int = 1,
    draws: int = 9999,
    seed: int | np.random.Generator | None = None,
) -> CostBenefit:
    """Savings, return per pound and break-even month of an evaluated scheme.

    Parameters
    ----------
    evaluation : Evaluation
    unit_costs : UnitCosts, optional
        By default Heeks et al. (2018) as shipped (``load_unit_costs()``).
    setup_cost, running_cost_per_year : float
        Pounds.
    months_since_start : int
        Months the scheme has run; the after window's monthly prevention is
        assumed to hold over all of them.
    uplift : float
        Price-index factor from 2015/16 prices to the prices wanted.
    rings : int
        How many rings, from the inner one, make the scheme's area (1: the
        inner ring; for an area scheme, the area itself).
    draws : int
        Parametric bootstrap draws for the interval of the total saving.
    seed : int, numpy.random.Generator or None

    Returns
    -------
    CostBenefit

    Notes
    -----
    Unit costs: Heeks et al. (2018), Table 1. Per-type intervals are exact
    (they map the ratio of rate ratios' exact interval); the total's is a
    parametric bootstrap: each count redrawn as Poisson with its observed
    mean, the saving recomputed, and the ``alpha / 2`` and ``1 - alpha / 2``
    quantiles taken.
    """
    if not isinstance(evaluation, Evaluation):
        raise TypeError(f"evaluation must be an Evaluation, got {type(evaluation).__name__}")
    costs = load_unit_costs() if unit_costs is None else unit_costs
    if not isinstance(costs, UnitCosts):
        raise TypeError(f"unit_costs must be UnitCosts, got {type(costs).__name__}")
    setup, running = (
        _money(setup_cost, "setup_cost"),
        _money(running_cost_per_year, "running_cost_per_year"),
    )
    if isinstance(months_since_start, bool) or not isinstance(months_since_start, numbers.Integral):
        raise TypeError(f"months_since_start must be whole months, got {months_since_start!r}")
    if months_since_start < 1:
        raise ValueError(f"months_since_start must be at least 1, got {months_since_start}")
    uplift = _money(uplift, "uplift")
    if not isinstance(rings, numbers.Integral) or not 1 <= rings <= len(evaluation.rings):
        raise ValueError(f"rings must be 1 to {len(evaluation.rings)}, got {rings!r}")
    return _cost_benefit(
        evaluation,
        costs,
        setup,
        running,
        int(months_since_start),
        uplift,
        int(rings),
        int(draws),
        seed,
    )


def _window_months(evaluation: Evaluation, rings: int) -> float:
    weights = np.zeros(len(evaluation.windows))
    for r in range(rings):
        # map points per start month are not kept; the after counts weigh the windows instead
        tables = evaluation.rings[r].by_type[ALL_CRIME].tables
        weights += tables[:, 0] + tables[:, 1]
    lengths = np.array([len(w.after) for w in evaluation.windows], dtype=float)
    if weights.sum() <= 0:
        return float(lengths.mean()) if lengths.size else 0.0
    return float((weights * lengths).sum() / weights.sum())


def _type_savings(ev, costs, uplift, rings, scale):
    """Each type's saving, the all-crime count, and what is unverified, unvalued and valued."""
    by_type, unverified, unvalued, valued, all_crime = {}, set(), [], [], None
    for name in ev.types:
        tables = _ring_tables(ev, rings, name)
        prevented, low, high = _prevented(tables, ev.alpha)
        if name == ALL_CRIME:
            basis = "all types together: no single unit cost"
            all_crime = TypeSaving(
                name, prevented, low, high, None, "none", basis, None, None, None
            )
            continue
        unit, status, basis, used = _type_cost(name, costs, uplift)
        money = (
            (None,) * 3 if unit is None else tuple(v * scale * unit for v in (prevented, low, high))
        )
        by_type[name] = TypeSaving(name, prevented, low, high, unit, status, basis, *money)
        if unit is None:
            unvalued.append(name)
        else:
            valued.append((tables, unit))
            unverified.update(c for c in used if costs.rows[c].status != "verified")
    return by_type, all_crime, unverified, unvalued, valued


def _cost_benefit(ev, costs, setup, running, months, uplift, rings, draws, seed) -> CostBenefit:
    alpha = ev.alpha
    window = _window_months(ev, rings)
    scale = months / window if window > 0 else math.nan
    by_type, all_crime, unverified, unvalued, valued = _type_savings(
        ev, costs, uplift, rings, scale
    )
    total = float(sum(s.saving for s in by_type.values() if s.saving is not None))
    rng = random_generator(seed)
    low, high = _bootstrap(valued, draws, rng, alpha, scale) if valued else (0.0, 0.0)
    cost = setup + running * months / 12
    ratio = lambda v: v / cost if cost > 0 else math.nan  # noqa: E731
    monthly = total / months
    return CostBenefit(
        rings=tuple(ev.rings[r].label for r in range(rings)),
        window_months=window,
        months_since_start=months,
        by_type=by_type,
        all_crime=all_crime,
        saving=total,
        saving_low=low,
        saving_high=high,
        cost=cost,
        net=total - cost,
        return_per_pound=ratio(total),
        return_low=ratio(low),
        return_high=ratio(high),
        break_even_month=_break_even(monthly, setup, running / 12),
        break_even_low=_break_even(high / months, setup, running / 12),
        break_even_high=_break_even(low / months, setup, running / 12),
        uplift=uplift,
        unverified=tuple(sorted(unverified)),
        unvalued=tuple(unvalued),
        draws=draws,
        seed=seed_value(seed),
        alpha=alpha,
        reference=costs.reference,
        notes=_notes(window, months, uplift, unverified, unvalued),
    )


def _bootstrap(valued, draws, rng, alpha, scale) -> tuple[float, float]:
    """Quantiles of the total saving with every count redrawn as Poisson."""
    total = np.zeros(draws)
    for tables, unit in valued:
        counts = rng.poisson(tables.astype(float), size=(draws, *tables.shape))
        after = counts[..., 1].sum(axis=-1)
        total += (_expected(counts) - after) * unit * scale
    total = total[np.isfinite(total)]
    if total.size == 0:
        return math.nan, math.nan
    low, high = np.quantile(total, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def _notes(window, months, uplift, unverified, unvalued) -> tuple[str, ...]:
    notes = [
        f"prevention measured over {window:g} months after the start and assumed to hold for "
        f"all {months} months since",
        "unit costs in 2015/16 prices"
        + (f" times {uplift:g} (price-index uplift)" if uplift != 1 else ", not uplifted"),
    ]
    if unverified:
        notes.append(
            "UNVERIFIED unit costs (not checked against the report's Table 1): "
            + ", ".join(sorted(unverified))
        )
    if unvalued:
        notes.append("counted but not valued (no unit cost): " + ", ".join(unvalued))
    return tuple(notes)
