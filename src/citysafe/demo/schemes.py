"""The two schemes planted in the demo city: Safe Haven venues and home security.

Safe Havens follow Liverpool's CitySafe Havens: 35 shops and community
venues in the four wards' part of the city, chosen on its busy streets, all
joining in one month. Home security follows Mansfield's Safe and Secure
Homes: every home in five neighbourhoods is offered an alarm, and teams work
through them street by street from month 13, about 44 % fitted after six
months.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from citysafe.demo.areas import Population
from citysafe.demo.effects import (
    HAVEN_JOIN_MONTH,
    INSTALL_COVERAGE,
    INSTALL_PACE,
    INSTALL_START_MONTH,
)
from citysafe.demo.geometry import nearest_distance
from citysafe.demo.names import PUBLIC_KINDS, SHOP_KINDS, venue_names
from citysafe.demo.streets import MAIN, PARADE, PLACE, StreetMap

__all__ = ["choose_venues", "installation_months"]


def choose_venues(
    rng: np.random.Generator, streets: StreetMap, population: Population
) -> pd.DataFrame:
    """The 35 Safe Haven venues, each on its own map point in the Safe Haven wards.

    Shops sit on the wards' shopping parades; libraries and community, youth
    and leisure centres on main roads in the wards, away from the parades.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``kind``, ``point`` (map point index), ``x, y, lon, lat``
        (those of the map point) and ``joined_month`` (month number).
    """
    points = streets.points
    haven_parades = np.flatnonzero(streets.layout.centres[:, 2] == 1)
    in_wards = population.areas["haven_wards"].to_numpy()[population.point_area]
    on_parade = points["parade"].isin(haven_parades).to_numpy()
    shops_ok = on_parade & in_wards & points["kind"].isin([PARADE, PLACE]).to_numpy()
    shop_spots = np.flatnonzero(shops_ok)
    # public venues on main roads, not on the parades themselves
    parade_x, parade_y = points["x"].to_numpy()[on_parade], points["y"].to_numpy()[on_parade]
    px, py = points["x"].to_numpy(), points["y"].to_numpy()
    clear = np.isinf(nearest_distance(parade_x, parade_y, px, py, within=250.0))
    public_spots = np.flatnonzero((points["kind"] == MAIN).to_numpy() & in_wards & clear)
    shop_kinds = [kind for kind, count in SHOP_KINDS for _ in range(count)]
    public_kinds = [kind for kind, count in PUBLIC_KINDS for _ in range(count)]
    shops = rng.choice(shop_spots, len(shop_kinds), replace=False)
    public = rng.choice(public_spots, len(public_kinds), replace=False)
    chosen = np.r_[shops, public]
    kinds = shop_kinds + public_kinds
    edge_street = streets.edges["street"].to_numpy()
    street = [streets.streets[edge_street[points["edge"].iat[p]]] for p in chosen]
    venues = pd.DataFrame(
        {
            "name": venue_names(rng, kinds, street),
            "kind": kinds,
            "point": chosen,
            "x": px[chosen],
            "y": py[chosen],
            "lon": points["lon"].to_numpy()[chosen],
            "lat": points["lat"].to_numpy()[chosen],
            "joined_month": HAVEN_JOIN_MONTH,
        }
    )
    return venues.sort_values("name", kind="stable").reset_index(drop=True)


def _coverage(month: np.ndarray, pace: float) -> np.ndarray:
    months, shares = zip(*INSTALL_COVERAGE, strict=True)
    return np.minimum(np.interp(month, months, shares) * pace, 0.97)


def installation_months(rng: np.random.Generator, population: Population) -> np.ndarray:
    """Month number each home's alarm is fitted, 0 for homes never fitted.

    Teams take each neighbourhood's streets in a random order and the homes
    of a street together, so fitted homes cluster by street, independent of
    their burglary risk.
    """
    homes = population.households
    installed = np.zeros(len(homes), np.int16)
    months = np.arange(INSTALL_START_MONTH, 37)
    for k, pace in enumerate(INSTALL_PACE[: len(population.neighbourhoods)]):
        members = np.flatnonzero(homes["neighbourhood"].to_numpy() == k)
        streets = homes["street"].to_numpy()[members]
        unique = np.unique(streets)
        street_rank = dict(zip(unique, rng.permutation(len(unique)), strict=True))
        key = np.array([street_rank[s] for s in streets]) + rng.random(len(members))
        share = (np.argsort(np.argsort(key, kind="stable"), kind="stable") + 0.5) / len(members)
        cover = _coverage(months, pace)
        step = np.searchsorted(cover, share, side="left")
        installed[members] = np.where(
            step < len(months), months[np.minimum(step, len(months) - 1)], 0
        )
    return installed
