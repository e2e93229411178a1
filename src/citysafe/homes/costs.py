"""The programme's costs: items fitted on installed jobs, and the value put on a burglary.

Cost per home is what the programme paid for the items fitted on the
installed jobs of its homes (households in a target area), over the homes
protected by the period's end; items the resident paid for (extra detectors,
say) are reported apart and not counted. Homes fitted outside every target
area (a referred victim, say) are reported apart too, so that the cost per
home and the homes it is divided by are the same homes. Seed 003: £175 per
home in total.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citysafe.homes.errors import HomesError
from citysafe.homes.models import Household, Job, JobItem, ProgrammeSettings
from citysafe.homes.months import month_label, month_of_day

__all__ = [
    "BASES",
    "SEED_COST",
    "BurglaryCost",
    "ItemCost",
    "ProgrammeCosts",
    "burglary_cost",
    "programme_costs",
    "savings_chart",
]

SEED_COST = 2300.0
SEED_REFERENCE = (
    "Home Office figure quoted by seed 003 (Safe and Secure Homes, Mansfield, 2003): "
    "£2,300 per domestic burglary to the agencies involved"
)
SETTING_REFERENCE = "the programme's own figure (citysafe homes settings --cost-per-burglary)"
# where the cost of a burglary comes from: the programme's setting, or the Evidence engine's table
BASES = ("settings", "unit-costs")


@dataclass(frozen=True)
class BurglaryCost:
    """Pounds per burglary prevented, and where the figure comes from."""

    amount: float
    basis: str
    reference: str


@dataclass(frozen=True)
class ItemCost:
    """One catalogue item on the installed jobs: how many, what the programme and residents paid."""

    code: str
    quantity: int
    programme_cost: float
    resident_cost: float


@dataclass(frozen=True)
class ProgrammeCosts:
    """Spending on the programme's homes to the end of a period.

    ``total`` counts every install to ``last``, including those before
    ``first`` (``before_period``): homes fitted earlier still protect in the
    period. ``monthly`` holds the spending in each month of the period.
    """

    first: str
    last: str
    households: int
    protected_homes: int
    total: float
    before_period: float
    monthly: tuple[float, ...]
    resident_paid: float
    outside_target_homes: int
    outside_target_cost: float
    by_item: list[ItemCost] = field(default_factory=list)

    @property
    def cost_per_home(self) -> float:
        """Programme-paid cost per protected home (NaN with none protected)."""
        return self.total / self.protected_homes if self.protected_homes else math.nan

    @property
    def cost_per_household(self) -> float:
        """Programme-paid cost per household in the target areas (NaN with none)."""
        return self.total / self.households if self.households else math.nan

    def as_dict(self) -> dict:
        found = asdict(self)
        found["monthly"] = dict(
            zip(_labels(self.first, len(self.monthly)), self.monthly, strict=True)
        )
        found["cost_per_home"] = _money(self.cost_per_home)
        found["cost_per_household"] = _money(self.cost_per_household)
        return found


def _labels(first: str, months: int) -> list[str]:
    start = int(first[:4]) * 12 + int(first[5:]) - 1
    return [month_label(start + k) for k in range(months)]


def _money(value: float) -> float | None:
    return None if value != value else round(value, 2)


def programme_costs(session: Session, *, first_month: int, last_month: int) -> ProgrammeCosts:
    """What the programme spent on installed jobs to ``last_month`` (month indices, inclusive)."""
    if last_month < first_month:
        raise HomesError(f"the period ends ({month_label(last_month)}) before it starts")
    rows = session.execute(
        select(
            Job.household_id,
            Job.installed_on,
            Household.target_area_id,
            JobItem.item_code,
            JobItem.quantity,
            JobItem.unit_cost,
            JobItem.resident_pays,
        )
        .join(Job, Job.id == JobItem.job_id)
        .join(Household, Household.id == Job.household_id)
        .where(Job.status == "installed", Job.installed_on.is_not(None))
    ).all()
    households = session.scalar(
        select(func.count(Household.id)).where(Household.target_area_id.is_not(None))
    )
    months = last_month - first_month + 1
    monthly = np.zeros(months)
    before = resident = outside_cost = 0.0
    homes, outside_homes, items = set(), set(), {}
    for home, day, area, code, quantity, unit_cost, resident_pays in rows:
        month = month_of_day(day)
        if month > last_month:
            continue
        amount = quantity * unit_cost
        item = items.setdefault(code, [0, 0.0, 0.0])
        item[0] += quantity
        item[2 if resident_pays else 1] += amount
        if area is None:
            outside_homes.add(home)
            outside_cost += 0.0 if resident_pays else amount
        elif resident_pays:
            resident += amount
        else:
            homes.add(home)
            if month < first_month:
                before += amount
            else:
                monthly[month - first_month] += amount
    protected = _protected_homes(session, last_month)
    return ProgrammeCosts(
        first=month_label(first_month),
        last=month_label(last_month),
        households=int(households or 0),
        protected_homes=protected,
        total=float(before + monthly.sum()),
        before_period=float(before),
        monthly=tuple(monthly.tolist()),
        resident_paid=float(resident),
        outside_target_homes=len(outside_homes),
        outside_target_cost=float(outside_cost),
        by_item=[ItemCost(c, q, p, r) for c, (q, p, r) in sorted(items.items())],
    )


def _protected_homes(session: Session, last_month: int) -> int:
    """Homes in a target area with an installed job by the end of ``last_month``."""
    year, month = divmod(last_month + 1, 12)
    end = date(year, month + 1, 1)
    return int(
        session.scalar(
            select(func.count(func.distinct(Job.household_id)))
            .join(Household, Household.id == Job.household_id)
            .where(
                Job.status == "installed",
                Job.installed_on < end,
                Household.target_area_id.is_not(None),
            )
        )
        or 0
    )


def burglary_cost(session: Session, basis: str = "settings") -> BurglaryCost:
    """The value of one burglary prevented.

    ``basis="settings"``: the programme's setting (by default the seed's
    £2,300); ``"unit-costs"``: the Evidence engine's unit cost of police.uk's
    Burglary (Heeks et al. 2018, 2015/16 prices), as its cost-benefit uses.
    """
    if basis == "settings":
        settings = session.get(ProgrammeSettings, 1)
        amount = SEED_COST if settings is None else float(settings.cost_per_burglary)
        reference = SEED_REFERENCE if amount == SEED_COST else SETTING_REFERENCE
        return BurglaryCost(amount, basis, reference)
    if basis == "unit-costs":
        from citysafe.analysis.costbenefit import TYPE_CATEGORIES, load_unit_costs

        table = load_unit_costs()
        mix, assumption = TYPE_CATEGORIES["Burglary"]
        amount = sum(share * table.rows[category].cost for category, share in mix)
        statuses = {table.rows[category].status for category, _ in mix}
        reference = f"{table.reference}; unit cost {'/'.join(sorted(statuses))}; {assumption}"
        return BurglaryCost(float(amount), basis, reference)
    raise HomesError(f"the cost of a burglary comes from {' or '.join(BASES)}, got {basis!r}")


def savings_chart(savings: dict, *, fmt: str = "svg") -> str | bytes:
    """Cumulative savings (with their interval) against cumulative cost, by month.

    ``savings`` is ``ProgrammeOutcomes.as_dict()["savings"]``; SVG text or PNG bytes.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from citysafe.homes.coverage import render

    rows = savings["by_month"]
    months = [r["month"] for r in rows]
    steps = np.arange(len(rows))
    saving = np.array([_or_nan(r["cumulative_saving"]) for r in rows])
    cost = np.array([_or_nan(r["cumulative_cost"]) for r in rows])
    share = saving / savings["saving"]["estimate"] if savings["saving"]["estimate"] else None
    figure, axes = plt.subplots(figsize=(8, 3.4))
    if share is not None and savings["saving"]["ci_low"] is not None:
        high = savings["saving"]["ci_high"]
        axes.fill_between(
            steps,
            share * savings["saving"]["ci_low"] / 1000,
            share * (high if high is not None else np.nan) / 1000,
            color="#0b4f8a",
            alpha=0.15,
            label="saving, 95% interval",
        )
    axes.plot(steps, saving / 1000, color="#0b4f8a", linewidth=2, label="cumulative saving")
    axes.plot(steps, cost / 1000, color="#b00020", linewidth=2, label="cumulative cost")
    if savings["break_even_month"] in months:
        axes.axvline(months.index(savings["break_even_month"]), color="#444444", linestyle="--")
    every = max(1, math.ceil(len(months) / 8))
    axes.set_xticks(list(steps)[::every], months[::every], rotation=30, fontsize=8)
    axes.set_ylabel("£ thousand")
    price = savings["cost_per_burglary"]["amount"] if savings["cost_per_burglary"] else math.nan
    axes.set_title(f"Savings at £{price:,.0f} a burglary against the programme's cost")
    axes.legend(loc="upper left", fontsize=8)
    return render(figure, fmt)


def _or_nan(value) -> float:
    return math.nan if value is None else float(value)
