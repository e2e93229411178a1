"""Build the demo city: generate it, write its police.uk files, load them, record the truth.

The crimes go into the crime store through the same ingest as a real
download; the truth the files cannot show (each burglary's home, each
alarm's month, the venues, the planted effects) goes into the ``demo_*``
tables in one transaction, replacing any earlier build's.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.orm import Session

from citysafe.crime.service import ingest_paths, summarise
from citysafe.crime.vocabulary import NAME_BY_CODE
from citysafe.db import session_scope
from citysafe.demo.calibration import MONTHS, month_label
from citysafe.demo.files import FORCE, write_city
from citysafe.demo.generator import DemoCity, generate_city
from citysafe.demo.models import (
    DemoArea,
    DemoBuild,
    DemoBurglaryTarget,
    DemoEffect,
    DemoHousehold,
    DemoVenue,
)
from citysafe.demo.streets import BOX

__all__ = ["DemoError", "DemoSummary", "build_demo", "built_demo", "record_truth"]

GENERATOR_VERSION = 1  # bump when the same seed would give a different city


class DemoError(RuntimeError):
    """The demo city cannot be built into this database."""


@dataclass(frozen=True)
class DemoSummary:
    """What a demo build made and loaded.

    ``folder`` is where the files were written, or None when they went to a
    temporary folder that is gone. ``ingest`` is the crime store's report.
    """

    seed: int
    scale: float
    folder: Path | None
    first_month: str
    last_month: str
    files: int
    rows: int
    rows_by_type: dict[str, int]
    areas: int
    households: int
    venues: int
    neighbourhood_homes: int
    burglaries: int
    effects: dict[str, float]
    ingest: Any = field(default=None, compare=False)

    def as_dict(self) -> dict:
        out = asdict(self)
        out["folder"] = None if self.folder is None else str(self.folder)
        out["ingest"] = self.ingest.as_dict() if hasattr(self.ingest, "as_dict") else None
        return out


def _parameters(city: DemoCity) -> dict:
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": city.seed,
        "scale": city.scale,
        "months": [month_label(1), month_label(MONTHS)],
        "force": FORCE,
        "box_bng": list(BOX),
        "areas": len(city.areas),
        "households": len(city.households),
        "map_points": len(city.points),
    }


def _records(columns: dict[str, Any]) -> list[dict]:
    """Rows of plain Python values (what every database driver takes) from columns."""
    values = [np.asarray(column).tolist() for column in columns.values()]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _month_labels(months: np.ndarray) -> np.ndarray:
    """``YYYY-MM`` for month numbers, None for 0 (never)."""
    labels = np.array([None, *(month_label(m) for m in range(1, MONTHS + 1))], dtype=object)
    return labels[np.asarray(months, int)]


def _truth_rows(city: DemoCity) -> dict[type, list[dict]]:
    """The rows of every truth table but ``demo_builds``, in insertion order."""
    areas, homes, venues, crimes = city.areas, city.households, city.venues, city.crimes
    hoods = np.array([None, *city.neighbourhoods], dtype=object)
    burgled = crimes.household >= 0
    return {
        DemoEffect: [
            {"name": e.name, "value": float(e.value), "description": e.description}
            for e in city.effects
        ],
        DemoArea: _records(
            {
                "code": areas["code"],
                "name": areas["name"],
                "households": areas["households"],
                "haven_wards": areas["haven_wards"],
                "neighbourhood": areas["neighbourhood"],
                **_coordinates(areas),
            }
        ),
        DemoVenue: _records(
            {
                "id": np.arange(1, len(venues) + 1),
                "name": venues["name"],
                "venue_type": venues["kind"],
                **_coordinates(venues),
                "joined_month": _month_labels(venues["joined_month"]),
            }
        ),
        DemoHousehold: _records(
            {
                "id": np.arange(1, len(homes) + 1),
                "area_code": areas["code"].to_numpy()[homes["area"].to_numpy()],
                "neighbourhood": hoods[homes["neighbourhood"].to_numpy() + 1],
                **_coordinates(homes),
                "installed_month": _month_labels(homes["installed_month"]),
            }
        ),
        DemoBurglaryTarget: _records(
            {
                "crime_id": crimes.crime_id[burgled].astype(str),
                "household_id": crimes.household[burgled] + 1,
                "month": _month_labels(crimes.month[burgled]),
            }
        ),
    }


def _coordinates(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    return {
        "longitude": frame["lon"].to_numpy(),
        "latitude": frame["lat"].to_numpy(),
        "easting": frame["x"].to_numpy(),
        "northing": frame["y"].to_numpy(),
    }


def record_truth(session: Session, city: DemoCity) -> None:
    """Replace the ``demo_*`` tables' rows with this city's truth."""
    for model in (DemoBurglaryTarget, DemoHousehold, DemoVenue, DemoArea, DemoEffect, DemoBuild):
        session.execute(delete(model))
    session.add(
        DemoBuild(
            seed=city.seed,
            scale=city.scale,
            parameters=_parameters(city),
            rows=len(city.crimes),
            built_at=datetime.now(UTC),
        )
    )
    # Core inserts: tens of thousands of homes, no ORM objects needed
    connection = session.connection()
    for model, rows in _truth_rows(city).items():
        if rows:
            connection.execute(insert(model.__table__), rows)


HAVENS_SCHEME = "CitySafe Havens (demo)"
HOMES_SCHEME = "Safe and Secure Homes (demo)"
COST_PER_HOME = 175.0  # seed 003: "The project costs only £175 per property in total"
HAVENS_SETUP_COST = 25_000.0  # seed 000: the Liverpool scheme "was set up for £25,000"


def register_schemes(session: Session, city: DemoCity) -> None:
    """The demo's schemes for the evidence engine (replacing an earlier build's).

    The Safe Haven network's scheme is made from the venues recorded in
    ``havens`` (so record the network first), each from the month it joined,
    through the same service as a real network's.
    """
    from citysafe.audit.service import SYSTEM
    from citysafe.havens.service import define_network_scheme
    from citysafe.schemes import service as schemes
    from citysafe.schemes.models import Scheme

    for name in (HAVENS_SCHEME, HOMES_SCHEME):
        old = session.scalars(select(Scheme).where(Scheme.name == name)).first()
        if old is not None:
            session.delete(old)
            session.flush()
    define_network_scheme(
        session,
        actor=SYSTEM,
        name=HAVENS_SCHEME,
        setup_cost=HAVENS_SETUP_COST,
        description="Shops and community venues where a young person in distress can take "
        "refuge (the demo city's planted scheme), each a site from the month it joined.",
    )
    schemes.add_scheme(
        session,
        name=HOMES_SCHEME,
        kind="home security",
        setup_cost=COST_PER_HOME * int((city.households["neighbourhood"] >= 0).sum()),
        description="Free alarms, property marking and safety audits for every home in five "
        "neighbourhoods (the demo city's planted programme).",
        areas=_neighbourhood_areas(city),
    )


def _neighbourhood_areas(city: DemoCity) -> list:
    """Each home-security neighbourhood as the outline of its homes, 40 m out (WGS84)."""
    import shapely

    from citysafe.geo import to_wgs84
    from citysafe.schemes import service as schemes

    homes = city.households
    start = min(m for m in _month_labels(homes["installed_month"]) if m is not None)
    areas = []
    for k, name in enumerate(city.neighbourhoods):
        inside = homes[homes["neighbourhood"] == k]
        hull = shapely.MultiPoint(inside[["x", "y"]].to_numpy()).convex_hull.buffer(40.0)
        x, y = np.asarray(hull.exterior.coords).T
        lon, lat = to_wgs84(x, y)
        ring = [[round(float(a), 6), round(float(b), 6)] for a, b in zip(lon, lat, strict=True)]
        areas.append(schemes.AreaInput({"type": "Polygon", "coordinates": [ring]}, start, name))
    return areas


def _summary(city: DemoCity, folder: Path | None, files: int, report: Any) -> DemoSummary:
    crimes = city.crimes
    codes, counts = np.unique(crimes.crime_type, return_counts=True)
    return DemoSummary(
        seed=city.seed,
        scale=city.scale,
        folder=folder,
        first_month=month_label(1),
        last_month=month_label(MONTHS),
        files=files,
        rows=len(crimes),
        rows_by_type={NAME_BY_CODE[int(c)]: int(n) for c, n in zip(codes, counts, strict=True)},
        areas=len(city.areas),
        households=len(city.households),
        venues=len(city.venues),
        neighbourhood_homes=int((city.households["neighbourhood"] >= 0).sum()),
        burglaries=int((crimes.household >= 0).sum()),
        effects={e.name: float(e.value) for e in city.effects},
        ingest=report,
    )


def _refuse_to_mix(engine: Engine, seed: int, scale: float) -> None:
    """Stop before loading a second, different demo city beside the first one's crimes.

    The crime store keeps every file it loads, so two cities would mix, and
    the recorded truth would describe only one of them.
    """
    with session_scope(engine) as session:
        previous = session.scalars(select(DemoBuild)).first()
        if previous is None:
            return
        held = 0 if _same(previous, seed, scale) else summarise(session).forces.get(FORCE, 0)
    if held:
        raise DemoError(
            f"the database already holds the demo city of seed {previous.seed} at scale "
            f"{previous.scale} ({held:,} crimes of {FORCE}); build seed {seed} at scale "
            f"{scale} into an empty database instead"
        )


def _same(build: DemoBuild, seed: int, scale: float) -> bool:
    return (
        build.seed == seed
        and build.scale == float(scale)
        and build.parameters.get("generator_version") == GENERATOR_VERSION
    )


def built_demo(engine: Engine) -> DemoBuild | None:
    """The demo build recorded in this database, if any."""
    with session_scope(engine) as session:
        return session.scalars(select(DemoBuild)).first()


def is_built(engine: Engine, *, seed: int, scale: float) -> bool:
    """Whether this database holds this seed's demo city, made by this version's generator."""
    found = built_demo(engine)
    return found is not None and _same(found, seed, scale)


def build_demo(
    engine: Engine,
    *,
    seed: int = 1,
    folder: Path | None = None,
    scale: float = 1.0,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Generate the demo city, load its files into the crime store and record its truth.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        A database at the current schema.
    seed : int
        The same seed gives byte-identical files and the same truth.
    folder : pathlib.Path, optional
        Where to write the files (kept); a temporary folder, removed after
        loading, when None.
    scale : float
        Multiplier of every crime rate; 1 gives about 2,600 rows a month.
    progress : callable, optional
        Called with a short description of each stage as it starts.

    Returns
    -------
    DemoSummary

    Raises
    ------
    DemoError
        If the database already holds a different demo city's crimes.
    """
    notify = progress or (lambda stage: None)
    _refuse_to_mix(engine, seed, scale)
    city = generate_city(seed, scale=scale, progress=progress)
    with tempfile.TemporaryDirectory(prefix="citysafe-demo-") as scratch:
        target = Path(folder) if folder is not None else Path(scratch)
        notify("writing files")
        paths = write_city(city, target)
        notify("loading files into the crime store")
        report = ingest_paths(
            engine, [target], progress=lambda r: notify(f"loaded {Path(r.path).name}")
        )
    notify("recording the truth")
    with session_scope(engine) as session:
        record_truth(session, city)
        from citysafe.havens.demo import create_demo_network

        create_demo_network(
            session,
            city,
            joined=month_label(int(city.venues["joined_month"].min())),
            last_month=month_label(MONTHS),
        )
        register_schemes(session, city)  # the havens scheme is made from the venues just recorded
        notify("recording the home-security programme")
        from citysafe.homes.demo import load_demo
        from citysafe.homes.demo_work import load_demo_work

        load_demo(session, city, seed=seed)
        load_demo_work(session, seed=seed)
    return _summary(city, Path(folder) if folder is not None else None, len(paths), report)
