"""The demo city's home-security programme as the programme's own records.

Its five neighbourhoods become target areas (the outline of their homes,
40 m out, imported as boundaries of kind ``neighbourhood``), their homes
become households, each fitted home an installed job in its month, and each
burglary of a programme home a link by address, as a partner supplying
addresses would give. Deterministic: the same city gives the same rows.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import shapely
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from citysafe.areas import service as areas
from citysafe.audit import service as audit
from citysafe.audit.service import SYSTEM
from citysafe.demo.calibration import month_label
from citysafe.demo.generator import DemoCity
from citysafe.geo import to_wgs84
from citysafe.homes.areas import add_target_area
from citysafe.homes.jobs import stock_catalogue
from citysafe.homes.models import (
    TENURES,
    BurglaryLink,
    CatalogueItem,
    Household,
    Job,
    JobEvent,
    JobItem,
    TargetArea,
    Team,
)
from citysafe.homes.models_requests import CocoonMove, ReportedBurglary, Request
from citysafe.homes.models_visits import AuditAnswer, Claim, SafetyAudit
from citysafe.homes.outcomes import set_programme

__all__ = ["DemoLoad", "load_demo"]

SOURCE = "demo city"
# tenure shares of deprived English neighbourhoods, roughly: owner, council, HA, private rented
TENURE_SHARES = (0.40, 0.25, 0.15, 0.20)


@dataclass(frozen=True)
class DemoLoad:
    target_areas: int
    households: int
    installed: int
    burglary_links: int


def _outline_file(city: DemoCity, folder: Path) -> Path:
    homes = city.households
    features = []
    for k, name in enumerate(city.neighbourhoods):
        inside = homes[homes["neighbourhood"] == k]
        hull = shapely.MultiPoint(inside[["x", "y"]].to_numpy()).convex_hull.buffer(40.0)
        x, y = np.asarray(hull.exterior.coords).T
        lon, lat = to_wgs84(x, y)
        ring = [[float(a), float(b)] for a, b in zip(lon, lat, strict=True)]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": f"HOOD{k + 1}", "name": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    path = folder / "neighbourhoods.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def load_demo(session: Session, city: DemoCity, *, seed: int = 0) -> DemoLoad:
    """Replace the programme's records with the demo city's (its homes, installs, burglaries)."""
    for model in (
        AuditAnswer,
        SafetyAudit,
        Claim,
        CocoonMove,
        ReportedBurglary,
        Request,
        BurglaryLink,
        JobItem,
        JobEvent,
        Job,
        Team,
        Household,
        TargetArea,
    ):
        session.execute(delete(model))
    with tempfile.TemporaryDirectory(prefix="citysafe-homes-") as folder:
        areas.import_boundaries(
            session,
            _outline_file(city, Path(folder)),
            kind="neighbourhood",
            code_field="code",
            name_field="name",
        )
    homes = city.households
    programme = np.flatnonzero(homes["neighbourhood"].to_numpy() >= 0)
    rng = np.random.default_rng(seed)
    tenure = rng.choice(len(TENURES), size=len(programme), p=TENURE_SHARES)
    now = datetime.now(UTC)
    streets = homes["street"].to_numpy()[programme]
    number = np.zeros(len(programme), dtype=np.int64)
    for street in np.unique(streets):
        at = np.flatnonzero(streets == street)
        number[at] = np.arange(1, len(at) + 1)
    area_codes = city.areas["code"].to_numpy()[homes["area"].to_numpy()[programme]]
    rows = [
        {
            "uprn": str(100_000_000 + row + 1),
            "address": f"{n} Street {s}",
            "postcode": f"DM{1 + s % 9} {1 + row % 9}AB",
            "address_key": f"{n} STREET {s}|DM{1 + s % 9}{1 + row % 9}AB",
            "tenure": TENURES[t],
            "longitude": float(homes["lon"].iat[row]),
            "latitude": float(homes["lat"].iat[row]),
            "easting": float(homes["x"].iat[row]),
            "northing": float(homes["y"].iat[row]),
            "lsoa_code": str(code),
            "source": SOURCE,
            "source_line": int(row + 2),
            "imported_at": now,
        }
        for row, n, s, t, code in zip(programme, number, streets, tenure, area_codes, strict=True)
    ]
    session.execute(insert(Household), rows)
    # the database numbers the homes: find each demo home (row + 1) by its UPRN
    id_of = dict(session.execute(select(Household.uprn, Household.id)).all())
    home_id = {int(u) - 100_000_000: i for u, i in id_of.items()}
    for k, name in enumerate(city.neighbourhoods):
        add_target_area(session, name=name, area_kind="neighbourhood", area_code=f"HOOD{k + 1}")
    set_programme(session, actor=SYSTEM, force_households=float(len(homes)))
    stock_catalogue(session)
    installed = _installs(session, city, programme, home_id, now)
    links = _links(session, city, programme, home_id)
    audit.record(
        session,
        actor=SYSTEM,
        action="create",
        record_type="homes_household",
        record_id="demo",
        detail={"households": len(rows), "installed": installed},
    )
    return DemoLoad(len(city.neighbourhoods), len(rows), installed, links)


def _installs(
    session: Session, city: DemoCity, programme: np.ndarray, home_id: dict, now: datetime
) -> int:
    months = city.households["installed_month"].to_numpy()[programme]
    fitted = programme[months > 0]
    days = [date.fromisoformat(month_label(int(m)) + "-01") for m in months[months > 0]]
    alarm = session.get(CatalogueItem, "alarm").unit_cost
    marking = session.get(CatalogueItem, "marking").unit_cost
    jobs, events, items = [], [], []
    for row, day in zip(fitted, days, strict=True):
        jobs.append(
            {
                "household_id": home_id[int(row + 1)],
                "status": "installed",
                "requested_on": day,
                "installed_on": day,
                "marking_code": f"DEMO-{int(row + 1):06d}",
            }
        )
    if jobs:
        session.execute(insert(Job), jobs)
    job_of = dict(session.execute(select(Job.household_id, Job.id)).all())
    for job in jobs:
        job_id = job_of[job["household_id"]]
        for status in ("requested", "installed"):
            events.append(
                {"job_id": job_id, "status": status, "at": now, "by": "demo", "note": None}
            )
        for code, cost in (("alarm", alarm), ("marking", marking)):
            items.append(
                {
                    "job_id": job_id,
                    "item_code": code,
                    "quantity": 1,
                    "unit_cost": cost,
                    "resident_pays": False,
                }
            )
    for model, values in ((JobEvent, events), (JobItem, items)):
        if values:
            session.execute(insert(model), values)
    return len(jobs)


def _links(session: Session, city: DemoCity, programme: np.ndarray, home_id: dict) -> int:
    crimes = city.crimes
    in_programme = np.zeros(len(city.households), dtype=bool)
    in_programme[programme] = True
    burgled = crimes.household >= 0
    burgled &= in_programme[np.where(burgled, crimes.household, 0)]
    rows = [
        {"crime_id": str(c), "household_id": home_id[int(h + 1)], "month": month_label(int(m))}
        for c, h, m in zip(
            crimes.crime_id[burgled], crimes.household[burgled], crimes.month[burgled], strict=True
        )
    ]
    if rows:
        session.execute(insert(BurglaryLink), rows)
    return len(rows)
