"""Outcomes: coverage, and burglary per 1,000 households for protected and unprotected homes.

The programme's homes are the households in a target area; a home is
protected from the month of its first installed job. Burglaries are linked
to homes by the partner's address when any links are held
(``homes_burglary_links``); otherwise by nearest map point, which is
approximate: police.uk moves every crime to a map point shared by many
homes, so each burglary goes to one of the programme homes nearest its
point, drawn with a fixed seed. The report says which link it used.

Beyond the scripts' contract (``contract()``), ``as_dict()`` holds every
figure: rates with their exact intervals, the rate ratios, the share of the
programme's burglaries in protected homes (exact binomial interval; seed 003:
fewer than 8%), costs (``homes.costs``) and savings with the break-even month
(``analysis._savings``, which states its estimator).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from citysafe.analysis._homes import HomeRate, HomesProgramme, homes_programme
from citysafe.analysis._savings import ProgrammeSavings, savings_of_programme
from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.homes.costs import (
    SEED_COST,
    BurglaryCost,
    ProgrammeCosts,
    burglary_cost,
    programme_costs,
)
from citysafe.homes.errors import HomesError
from citysafe.homes.models import BurglaryLink, Household, Job, ProgrammeSettings
from citysafe.homes.months import month_index as _index
from citysafe.homes.months import month_label as _label

__all__ = [
    "LINK_ADDRESS",
    "LINK_MAP_POINT",
    "ProgrammeOutcomes",
    "outcome_lines",
    "programme_outcomes",
    "programme_period",
    "programme_settings",
    "set_programme",
]

LINK_ADDRESS = "burglaries linked to homes by the partner's address"
LINK_MAP_POINT = (
    "burglaries linked to the nearest programme home of their police.uk map point "
    "(approximate: a map point is shared by many homes)"
)
BURGLARY = (
    "SELECT c.crime_id, c.month, c.point_id FROM crimes c "
    "JOIN crime_types ct ON ct.id = c.crime_type_id WHERE ct.name = 'Burglary'"
)


@dataclass(frozen=True)
class ProgrammeOutcomes:
    """The programme's figures over a period and how burglaries were linked to homes."""

    first: str
    last: str
    households: int
    protected: int
    link: str
    programme: HomesProgramme
    costs: ProgrammeCosts | None = None
    savings: ProgrammeSavings | None = None
    burglary_cost: BurglaryCost | None = None

    @property
    def coverage_pct(self) -> float:
        return 100.0 * self.protected / self.households if self.households else 0.0

    def contract(self) -> dict:
        """The object ``citysafe homes outcomes --json`` prints (the scripts' contract)."""
        force = self.programme.force
        return {
            "households": self.households,
            "protected": self.protected,
            "coverage_pct": round(self.coverage_pct, 2),
            "burglary_per_1000": {
                "protected": _rate(self.programme.protected.rate),
                "unprotected": _rate(self.programme.unprotected.rate),
                "force_area": None if force is None else _rate(force.rate),
            },
        }

    def as_dict(self) -> dict:
        """Every figure, for ``--full-json`` and the web page (the contract's keys included)."""
        result = self.programme
        crude, stratified = result.rate_ratio, result.stratified
        force = result.force
        return {
            **self.contract(),
            "period": {"from": self.first, "to": self.last, "months": result.months},
            "link": self.link,
            "rates": {
                "protected": _home_rate(result.protected),
                "unprotected": _home_rate(result.unprotected),
                "programme": _home_rate(result.programme),
                "force_area": None if force is None else _home_rate(force),
                "per": "burglaries per 1,000 households over the period; Garwood exact intervals",
            },
            "rate_ratio": {
                "crude": {
                    "ratio": _num(crude.ratio),
                    "ci_low": _num(crude.ci_low),
                    "ci_high": _num(crude.ci_high),
                    "p_value": _num(crude.p_value),
                    "method": "exact conditional, all months pooled",
                },
                "stratified": {
                    "ratio": _num(stratified.ratio),
                    "ci_low": _num(stratified.ci_low),
                    "ci_high": _num(stratified.ci_high),
                    "p_value": _num(stratified.p_value),
                    "method": f"Mantel-Haenszel over {stratified.strata}",
                },
            },
            "share_protected": {
                "burglaries": result.protected.burglaries,
                "of": result.programme.burglaries,
                "share": _num(result.share_protected),
                "ci_low": _num(result.share_ci_low),
                "ci_high": _num(result.share_ci_high),
                "method": "exact binomial (Clopper-Pearson)",
            },
            "costs": None if self.costs is None else self.costs.as_dict(),
            "savings": None if self.savings is None else _savings(self.savings, self),
            "alpha": result.alpha,
        }


def _num(value: float, digits: int = 6) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), digits)


def _home_rate(rate: HomeRate) -> dict:
    return {
        "burglaries": rate.burglaries,
        "household_months": _num(rate.household_months, 3),
        "households": _num(rate.households, 3),
        "rate": _num(rate.rate, 3),
        "ci_low": _num(rate.ci_low, 3),
        "ci_high": _num(rate.ci_high, 3),
    }


def _savings(found: ProgrammeSavings, outcomes: ProgrammeOutcomes) -> dict:
    cost = outcomes.burglary_cost
    first = _index(outcomes.first)

    def month(index: int | None) -> str | None:
        return None if index is None else _label(index)

    return {
        "cost_per_burglary": None
        if cost is None
        else {
            "amount": cost.amount,
            "basis": cost.basis,
            "reference": cost.reference,
        },
        "estimator": found.estimator,
        "ratio": {
            "ratio": _num(found.ratio),
            "ci_low": _num(found.ratio_low),
            "ci_high": _num(found.ratio_high),
            "method": found.ratio_method,
        },
        "prevented": {
            "estimate": _num(found.prevented, 2),
            "ci_low": _num(found.prevented_low, 2),
            "ci_high": _num(found.prevented_high, 2),
        },
        "saving": {
            "estimate": _num(found.saving, 2),
            "ci_low": _num(found.saving_low, 2),
            "ci_high": _num(found.saving_high, 2),
        },
        "cost": _num(found.cost, 2),
        "net": _num(found.net, 2),
        "by_month": [
            {
                "month": _label(first + k),
                "cumulative_prevented": _num(found.cumulative_prevented[k], 3),
                "cumulative_saving": _num(found.cumulative_saving[k], 2),
                "cumulative_cost": _num(found.cumulative_cost[k], 2),
            }
            for k in range(found.months)
        ],
        "break_even_month": month(found.break_even_month),
        "break_even_early": month(found.break_even_early),
        "break_even_late": month(found.break_even_late),
        "break_even_note": (
            "first month whose cumulative saving reaches the cumulative cost"
            if found.break_even_month is not None
            else "not reached in the period"
        ),
    }


def _rate(value: float) -> float | None:
    return None if value != value else round(value, 3)


def _homes(session: Session) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Programme homes: ids, installed month index (-1 never), target area, and x/y."""
    fitted = (
        select(Job.household_id, func.min(Job.installed_on).label("on"))
        .where(Job.status == "installed")
        .group_by(Job.household_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Household.id,
            fitted.c.on,
            Household.target_area_id,
            Household.easting,
            Household.northing,
        )
        .outerjoin(fitted, fitted.c.household_id == Household.id)
        .where(Household.target_area_id.is_not(None))
        .order_by(Household.id)
    ).all()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    installed = np.array([r[1].year * 12 + r[1].month - 1 if r[1] else -1 for r in rows], np.int64)
    area = np.array([r[2] for r in rows], dtype=np.int64)
    xy = np.array([(r[3], r[4]) for r in rows], dtype=float).reshape(-1, 2)
    return ids, installed, area, xy


def _linked_by_address(session: Session, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    row_of = {int(h): i for i, h in enumerate(ids)}
    links = session.execute(select(BurglaryLink.household_id, BurglaryLink.month)).all()
    home = np.array([row_of.get(h, -1) for h, _ in links], dtype=np.int64)
    month = np.array([_index(m) for _, m in links], dtype=np.int64)
    return home, month


def _linked_by_map_point(
    session: Session, xy: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    burglaries = session.execute(text(BURGLARY + " ORDER BY c.id")).all()
    points = session.execute(
        text("SELECT id, easting, northing FROM map_points WHERE easting IS NOT NULL")
    ).all()
    if not burglaries or not points or not len(xy):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    point_ids = np.array([p[0] for p in points], dtype=np.int64)
    nearest = cKDTree(np.array([(p[1], p[2]) for p in points], float)).query(xy)[1]
    home_point = point_ids[nearest]
    order = np.argsort(home_point, kind="stable")
    sorted_points = home_point[order]
    crime_point = np.array([b[2] for b in burglaries], dtype=np.int64)
    start = np.searchsorted(sorted_points, crime_point, "left")
    stop = np.searchsorted(sorted_points, crime_point, "right")
    rng = np.random.default_rng(seed)
    draw = start + np.floor(rng.random(len(crime_point)) * (stop - start)).astype(np.int64)
    home = np.where(stop > start, order[np.minimum(draw, len(order) - 1)], -1)
    month = np.array([_index(b[1]) for b in burglaries], dtype=np.int64)
    return home.astype(np.int64), month


def programme_period(
    session: Session, installed: np.ndarray, first: str | None, last: str | None
) -> tuple[int, int]:
    """The period as month indices: by default from the first installation to the latest crime."""
    months = session.execute(text("SELECT min(month), max(month) FROM crimes")).one()
    fitted = installed[installed >= 0]
    first_index = (
        _index(first) if first else int(fitted.min()) if len(fitted) else _month_or(months[0])
    )
    last_index = _index(last) if last else _month_or(months[1], fallback=first_index)
    if last_index < first_index:
        raise HomesError(f"the period ends ({_label(last_index)}) before it starts")
    return first_index, last_index


def programme_outcomes(
    session: Session,
    *,
    first: str | None = None,
    last: str | None = None,
    seed: int = 0,
    cost_basis: str = "settings",
) -> ProgrammeOutcomes:
    """The programme's outcomes over ``first``..``last`` (YYYY-MM, inclusive).

    By default from the first installation to the latest month of crime data.
    ``seed`` fixes the draw among homes sharing a map point when burglaries are
    linked by map point. ``cost_basis`` says where the cost of a burglary comes
    from (``homes.costs.burglary_cost``). Raises ``HomesError`` when there is
    no period to report.
    """
    price = burglary_cost(session, cost_basis)
    ids, installed, area, xy = _homes(session)
    first_index, last_index = programme_period(session, installed, first, last)
    if session.scalar(select(func.count()).select_from(BurglaryLink)):
        home, month, link = *_linked_by_address(session, ids), LINK_ADDRESS
    else:
        home, month, link = *_linked_by_map_point(session, xy, seed), LINK_MAP_POINT
    settings = session.get(ProgrammeSettings, 1)
    force_households = settings.force_households if settings else None
    force_burglaries = None
    if force_households:
        force_burglaries = session.execute(
            text(f"SELECT count(*) FROM ({BURGLARY} AND c.month BETWEEN :a AND :b) AS b"),
            {"a": _label(first_index), "b": _label(last_index)},
        ).scalar()
    result = homes_programme(
        installed,
        home,
        month,
        first_month=first_index,
        last_month=last_index,
        force_households=force_households or None,
        force_burglaries=force_burglaries,
        stratum=area if len(area) else None,
    )
    costs = programme_costs(session, first_month=first_index, last_month=last_index)
    savings = savings_of_programme(
        result,
        costs.monthly,
        cost_per_burglary=price.amount,
        opening_cost=costs.before_period,
    )
    return ProgrammeOutcomes(
        first=_label(first_index),
        last=_label(last_index),
        households=len(ids),
        protected=result.installed,
        link=link,
        programme=result,
        costs=costs,
        savings=savings,
        burglary_cost=price,
    )


def _month_or(month: str | None, *, fallback: int | None = None) -> int:
    if month is not None:
        return _index(month)
    if fallback is not None:
        return fallback
    raise HomesError("no installations and no crime data: give --from and --to")


def programme_settings(session: Session) -> dict:
    """The programme's settings as stored (the defaults when none are)."""
    settings = session.get(ProgrammeSettings, 1)
    return {
        "force_households": None if settings is None else settings.force_households,
        "cost_per_burglary": SEED_COST if settings is None else settings.cost_per_burglary,
    }


def set_programme(
    session: Session,
    *,
    actor: Actor,
    force_households: float | None = None,
    cost_per_burglary: float | None = None,
) -> ProgrammeSettings:
    """Set the force area's households (for its burglary rate) and the cost of a burglary;
    a value not given keeps what is stored (the cost starts at the seed's £2,300)."""
    if force_households is not None and force_households <= 0:
        raise HomesError(f"force area households must be above 0, got {force_households:g}")
    if cost_per_burglary is not None and cost_per_burglary < 0:
        raise HomesError(f"the cost of a burglary cannot be negative, got {cost_per_burglary:g}")
    settings = session.get(ProgrammeSettings, 1)
    if settings is None:
        settings = ProgrammeSettings(id=1, cost_per_burglary=SEED_COST)
        session.add(settings)
    if force_households is not None:
        settings.force_households = force_households
    if cost_per_burglary is not None:
        settings.cost_per_burglary = cost_per_burglary
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        record_type="homes_settings",
        record_id=1,
        detail={"force_households": force_households, "cost_per_burglary": cost_per_burglary},
    )
    return settings


def outcome_lines(found: ProgrammeOutcomes) -> list[str]:
    """The share, costs and savings in words, for the command line's plain output."""
    figures = found.as_dict()
    share, lines = figures["share_protected"], []
    if share["share"] is not None:
        lines.append(
            f"burglaries in protected homes: {share['burglaries']} of {share['of']} "
            f"({100 * share['share']:.1f}%, 95% CI {100 * share['ci_low']:.1f}% to "
            f"{100 * share['ci_high']:.1f}%)"
        )
    costs = found.costs
    if costs is not None:
        per_home = "n/a" if costs.protected_homes == 0 else f"£{costs.cost_per_home:,.2f}"
        lines.append(
            f"cost: £{costs.total:,.2f} paid by the programme; {per_home} per protected home, "
            f"£{_or_zero(costs.cost_per_household):,.2f} per household; residents paid "
            f"£{costs.resident_paid:,.2f}"
        )
        if costs.outside_target_homes:
            lines.append(
                f"outside every target area (not counted): {costs.outside_target_homes} homes, "
                f"£{costs.outside_target_cost:,.2f}"
            )
    saved = figures["savings"]
    if saved is not None and saved["prevented"]["estimate"] is not None:
        prevented, saving = saved["prevented"], saved["saving"]
        price = saved["cost_per_burglary"]
        lines.append(
            f"burglaries prevented: {prevented['estimate']:.1f} ({_span(prevented, '{:.1f}')}); "
            f"saving £{saving['estimate']:,.0f} ({_span(saving, '£{:,.0f}')}) at "
            f"£{price['amount']:,.0f} a burglary ({price['reference']})"
        )
        when = saved["break_even_month"] or saved["break_even_note"]
        lines.append(f"break-even: {when} (cost to date £{saved['cost']:,.0f})")
        lines.append(f"estimator: {saved['estimator']}; ratio: {saved['ratio']['method']}")
    return lines


def _or_zero(value: float) -> float:
    return value if math.isfinite(value) else 0.0


def _span(figure: dict, form: str) -> str:
    low, high = figure["ci_low"], figure["ci_high"]
    return (
        "no interval"
        if low is None or high is None
        else f"{form.format(low)} to {form.format(high)}"
    )
