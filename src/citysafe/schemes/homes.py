"""A home-security programme's outcomes: burglary per 1,000 households, protected or not.

The households and the burglaries linked to them come from the partnership's
records. Until the home-security domain holds them, the demo city's recorded
homes are used (``demo_households``), with each burglary linked to its home
by Crime ID, as a partner supplying addresses would allow; a link by nearest
map point would be approximate, since police.uk moves every crime to one.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from citysafe.analysis._homes import HomesProgramme, homes_programme
from citysafe.demo.models import DemoHousehold
from citysafe.months import month_index

LINK = "burglaries linked to homes by Crime ID (the demo's recorded addresses)"


def programme_outcomes(
    session: Session, *, first: str | None = None, last: str | None = None
) -> tuple[HomesProgramme, dict] | None:
    """The programme's rates over ``first``..``last`` (default: fitting's start to the data's end).

    None when the store holds no programme households. The home-security
    domain's records are used when it holds households, else the demo's truth.
    """
    from citysafe.homes import service as homes

    if homes.household_count(session):
        found = homes.programme_outcomes(session, first=first, last=last)
        force = found.programme.force
        return found.programme, {
            "link": found.link,
            "households_source": "homes_households",
            "force_households": None if force is None else round(force.households),
        }
    homes = session.execute(
        select(DemoHousehold.id, DemoHousehold.neighbourhood, DemoHousehold.installed_month)
    ).all()
    programme = [(i, n, m) for i, n, m in homes if n is not None]
    if not programme:
        return None
    row_of = {home_id: row for row, (home_id, _, _) in enumerate(programme)}
    installed = np.array([month_index(m) if m else -1 for _, _, m in programme])
    names = sorted({n for _, n, _ in programme})
    stratum = np.array([names.index(n) for _, n, _ in programme])
    linked = session.execute(
        text(
            "SELECT t.household_id, c.month FROM crimes c "
            "JOIN demo_burglary_targets t ON t.crime_id = c.crime_id "
            "JOIN crime_types ct ON ct.id = c.crime_type_id WHERE ct.name = 'Burglary'"
        )
    ).all()
    burglary_home = np.array([row_of.get(h, -1) for h, _ in linked], dtype=np.int64)
    burglary_month = np.array([month_index(m) for _, m in linked], dtype=np.int64)
    months = [m for (m,) in session.execute(text("SELECT DISTINCT month FROM crimes")).all()]
    first_index = month_index(first) if first else int(installed[installed >= 0].min())
    last_index = month_index(last) if last else max(month_index(m) for m in months)
    force_burglaries = session.execute(
        text(
            "SELECT count(*) FROM crimes c JOIN crime_types ct ON ct.id = c.crime_type_id "
            "WHERE ct.name = 'Burglary' AND c.month BETWEEN :a AND :b"
        ),
        {
            "a": f"{first_index // 12:04d}-{first_index % 12 + 1:02d}",
            "b": f"{last_index // 12:04d}-{last_index % 12 + 1:02d}",
        },
    ).scalar()
    result = homes_programme(
        installed,
        burglary_home,
        burglary_month,
        first_month=first_index,
        last_month=last_index,
        force_households=float(len(homes)),
        force_burglaries=int(force_burglaries),
        stratum=stratum,
    )
    return result, {
        "link": LINK,
        "households_source": "demo_households",
        "force_households": len(homes),
    }
