"""Evaluate a stored scheme against the crime store: the evidence engine's use case.

Loads the store's crimes as arrays, builds the scheme's sites (or area), runs
the evaluation kernel (before/after, control, rings, placebo, displacement)
and the cost-benefit, and adds the monthly series the report draws.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import shapely
from scipy.spatial import cKDTree
from sqlalchemy.orm import Session

from citysafe.analysis._crimes import crime_table
from citysafe.analysis.costbenefit import CostBenefit, cost_benefit
from citysafe.analysis.evaluation import Evaluation, evaluate
from citysafe.crime.vocabulary import CODE_BY_NAME
from citysafe.geo import to_bng
from citysafe.months import month_index, month_label
from citysafe.schemes import service
from citysafe.schemes.arrays import CrimeArrays, load_crimes
from citysafe.schemes.models import Scheme

DEFAULT_RINGS = (50.0, 100.0, 200.0, 400.0)


@dataclass(frozen=True)
class Settings:
    """What the user asked for; every figure in the report is for these."""

    months_before: int = 12
    months_after: int = 12
    rings: tuple[float, ...] = DEFAULT_RINGS
    types: tuple[str, ...] | None = None
    control_areas: tuple[str, ...] = ()
    permutations: int = 999
    seed: int = 1
    force: str | None = None


@dataclass(frozen=True)
class Series:
    """Crimes a month, relative to each site's start, in the inner ring and the control."""

    relative_months: list[int]
    inner: list[int]
    control: list[int]
    type_label: str


@dataclass(frozen=True)
class SchemeEvaluation:
    scheme: dict
    settings: Settings
    evaluation: Evaluation
    cost_benefit: CostBenefit | None
    series: Series
    sites_lonlat: list[tuple[float, float]]
    data_months: tuple[str, str]
    homes: dict | None = None

    def as_dict(self) -> dict:
        out = self.evaluation.as_dict()
        out["scheme"] = self.scheme
        out["settings"] = {**asdict(self.settings), "rings": list(self.settings.rings)}
        out["cost_benefit"] = (
            None if self.cost_benefit is None else _plain(asdict(self.cost_benefit))
        )
        out["series"] = asdict(self.series)
        out["data_months"] = list(self.data_months)
        out["homes"] = self.homes
        return _plain(out)


def _plain(value):
    """JSON-safe: numpy scalars to Python, NaN and infinity to None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _area_mask(scheme: Scheme, arrays: CrimeArrays) -> tuple[np.ndarray, np.ndarray]:
    """Map points inside the scheme's areas, and each point's distance to their boundary
    (metres, on the British National Grid; 0 inside)."""
    union = shapely.union_all([shapely.from_geojson(a.geometry) for a in scheme.areas])
    on_grid = shapely.transform(union, lambda lonlat: np.column_stack(to_bng(*lonlat.T)))
    shapely.prepare(on_grid)
    points = shapely.points(arrays.point_xy)
    inside = shapely.contains(on_grid, points)
    return inside, np.where(inside, 0.0, shapely.distance(on_grid, points))


def _control_mask(session: Session, codes: tuple[str, ...], arrays: CrimeArrays) -> np.ndarray:
    """Map points inside the imported areas named by ``codes`` (any kind)."""
    from citysafe.areas import service as areas

    found = {a.code: a for a in areas.areas(session)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise service.SchemeError(
            f"no imported area has code {missing[0]!r}: import the "
            "boundaries first with `citysafe areas import`"
        )
    ids = [areas.map_points_inside(session, found[c]) for c in codes]
    return np.isin(arrays.point_id, np.concatenate(ids))


def _series(
    arrays: CrimeArrays,
    inner_points: np.ndarray,
    distance: np.ndarray,
    start_of_point: np.ndarray,
    control_mask: np.ndarray | None,
    settings: Settings,
    types: list[str],
) -> Series:
    """Monthly counts around the start, in the inner ring (a site's first ring, or the area
    itself) and in the comparison area, all sites pooled: the comparison the figures use,
    beyond the last ring and within the chosen control areas when there are any
    (``analysis._scheme.control_area``)."""
    located = arrays.crime_point >= 0
    chosen = (
        located & np.isin(arrays.crime_type, [CODE_BY_NAME[t] for t in types]) if types else located
    )
    point = arrays.crime_point[chosen]
    beyond = distance > settings.rings[-1]
    comparison = beyond if control_mask is None else beyond & control_mask
    inner, control = inner_points[point], comparison[point]
    start = start_of_point[point]
    relative = arrays.crime_month[chosen] - start
    months = list(range(-settings.months_before, settings.months_after))
    inner_counts = [int(np.sum(inner & (relative == m))) for m in months]
    control_counts = [int(np.sum(control & (relative == m))) for m in months]
    return Series(months, inner_counts, control_counts, ", ".join(types) if types else "All crime")


def evaluate_scheme(session: Session, name: str, settings: Settings) -> SchemeEvaluation:
    """Evaluate the named scheme over the store's police.uk crimes."""
    scheme = service.scheme_named(session, name)
    arrays = load_crimes(session, force=settings.force)
    if len(arrays.crime_month) == 0:
        raise service.SchemeError("the crime store is empty: load police.uk data first")
    unknown = [t for t in settings.types or () if t not in CODE_BY_NAME]
    if unknown:
        raise service.SchemeError(f"unknown crime types {unknown}: use police.uk's names")
    table = crime_table(
        arrays.point_xy,
        arrays.crime_point,
        arrays.crime_month,
        arrays.crime_type,
        type_names=arrays.type_names,
        months_present=arrays.months_present,
    )
    control = (
        _control_mask(session, settings.control_areas, arrays) if settings.control_areas else None
    )
    types = list(settings.types) if settings.types else None
    common = dict(
        months_before=settings.months_before,
        months_after=settings.months_after,
        rings=settings.rings,
        types=types,
        control=control,
        permutations=settings.permutations,
        seed=settings.seed,
    )
    if scheme.sites:
        sites = np.array([[s.easting, s.northing] for s in scheme.sites])
        starts = np.array([month_index(s.start_month) for s in scheme.sites])
        result = evaluate(table, sites=sites, starts=starts, **common)
        distance, nearest = cKDTree(sites).query(arrays.point_xy)
        inner = distance <= settings.rings[0]
        series = _series(arrays, inner, distance, starts[nearest], control, settings, types or [])
        sites_lonlat = [(s.longitude, s.latitude) for s in scheme.sites]
    else:
        inside, distance = _area_mask(scheme, arrays)
        if not inside.any():
            raise service.SchemeError(f"no police.uk map point lies inside {name!r}'s areas")
        starts = np.array([month_index(min(a.start_month for a in scheme.areas))])
        result = evaluate(
            table,
            area=inside,
            area_distance=distance,
            starts=int(starts[0]),
            **{**common, "permutations": 0},
        )
        start = np.full(len(arrays.point_xy), int(starts[0]))
        series = _series(arrays, inside, distance, start, control, settings, types or [])
        sites_lonlat = []
    last = int(arrays.months_present.max())
    months_since = max(0, last - int(starts.min()) + 1)
    value = None
    if scheme.setup_cost or scheme.running_cost_per_year:
        value = cost_benefit(
            result,
            setup_cost=scheme.setup_cost,
            running_cost_per_year=scheme.running_cost_per_year,
            months_since_start=months_since,
            seed=settings.seed,
        )
    return SchemeEvaluation(
        scheme=service.describe(scheme),
        settings=settings,
        evaluation=result,
        cost_benefit=value,
        series=series,
        sites_lonlat=sites_lonlat,
        data_months=(month_label(int(arrays.months_present.min())), month_label(last)),
        homes=_homes(session, scheme),
    )


def _homes(session: Session, scheme: Scheme) -> dict | None:
    """For a home-security scheme: burglary per 1,000 households, protected or not."""
    if scheme.kind != "home security":
        return None
    from citysafe.schemes.homes import programme_outcomes

    found = programme_outcomes(session)
    return None if found is None else {**asdict(found[0]), **found[1]}


def methods_text(report: SchemeEvaluation) -> list[str]:
    """The methods box: data vintage, parameters, seed, and police.uk's anonymisation."""
    s = report.settings
    first, last = report.data_months
    return [
        f"Data: police.uk street-level crime held in citysafe, {first} to {last} "
        f"(evaluated {date.today().isoformat()}).",
        f"Windows: the {s.months_before} months before each site's start month and the "
        f"{s.months_after} months from it; months absent from the data are left out on both "
        "sides and named.",
        "Rings (metres, to the nearest site): "
        + ", ".join(f"{a:g}-{b:g}" for a, b in zip((0.0, *s.rings[:-1]), s.rings, strict=True))
        + ".",
        "Comparison: "
        + (
            "the chosen control areas " + ", ".join(s.control_areas)
            if s.control_areas
            else f"the rest of the force area beyond {s.rings[-1]:g} m"
        )
        + ".",
        f"Placebo inference: {s.permutations} random site sets drawn from map points with "
        f"similar prior crime; seed {s.seed}.",
        "Location: police.uk moves every crime to the nearest of a fixed set of map points "
        "(street centres, public places), so a 50 m ring counts the map points within 50 m "
        "of a site, not exact locations.",
        "Unit costs: Heeks et al. (2018), The economic and social costs of crime, Home "
        "Office Research Report 99, 2015/16 prices; figures not checked against its Table 1 "
        "are marked unverified.",
    ]


def to_json(report: SchemeEvaluation) -> str:
    return json.dumps(report.as_dict(), indent=2)
