"""The demo city's people: LSOA-like areas, and every household as a point on a street.

Homes are drawn along the synthetic streets where the layout says people
live, a few metres back from the kerb. Areas are built the way Lower Layer
Super Output Areas are meant to be, a few hundred households each: their
centres are k-means centres of the homes, so areas are small where the city
is dense. A map point belongs to the area of the nearest centre, and a home
to the area of the map point it snaps to, so a home's burglary is always
published in the home's own area. Codes are in a range no real LSOA uses
(E019xxxxx), named like police.uk's ("Demo 001A", numbered north to south).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from citysafe.demo.geometry import nearest
from citysafe.demo.names import neighbourhood_names
from citysafe.demo.streets import HAVEN_CENTRE, HAVEN_RADIUS, StreetMap, as_published

__all__ = ["AREAS", "NEIGHBOURHOOD_HOMES", "Population", "build_population"]

AREAS = 125
MEAN_HOUSEHOLDS = 520
# homes in each of the five home-security neighbourhoods: 5,460 in all, as in
# Mansfield's Safe and Secure Homes
NEIGHBOURHOOD_HOMES = (1_240, 980, 1_310, 1_050, 880)
AREAS_PER_GROUP = 5  # areas per MSOA-like number ("Demo 014A" to "Demo 014E")
POOL = 2.5  # candidate homes drawn per home kept


@dataclass(frozen=True)
class Population:
    """Areas and households of the demo city.

    Attributes
    ----------
    areas : pandas.DataFrame
        One row per area, in code order: ``code``, ``name``, ``x, y, lon,
        lat`` (its centre), ``households``, ``haven_wards`` (in the Safe Haven
        wards), ``neighbourhood`` (home-security neighbourhood name or None),
        ``deprivation`` (a 0-1.2 score that scales its crime).
    households : pandas.DataFrame
        One row per home, id = row number + 1: ``x, y, lon, lat``, ``area``
        (row of ``areas``), ``point`` (the map point it snaps to), ``snap``
        (metres to it), ``edge`` and ``street`` (index into the street map),
        ``neighbourhood`` (index into ``neighbourhoods``, or -1).
    point_area : numpy.ndarray
        The area (row of ``areas``) of every map point.
    neighbourhoods : list of str
    """

    areas: pd.DataFrame
    households: pd.DataFrame
    point_area: np.ndarray
    neighbourhoods: list[str]


def _candidate_homes(rng: np.random.Generator, streets: StreetMap, n: int) -> pd.DataFrame:
    """``n`` places along the streets, denser where the layout's density is higher."""
    e = streets.edges
    length = np.hypot(e["bx"] - e["ax"], e["by"] - e["ay"]).to_numpy()
    weight = e["density"].to_numpy() * length * np.where(e["main"], 0.5, 1.0)
    edge = rng.choice(len(e), n, p=weight / weight.sum())
    t = rng.uniform(0.04, 0.96, n)
    side = rng.uniform(7.0, 16.0, n) * rng.choice([-1.0, 1.0], n)
    ax, ay, bx, by = (e[c].to_numpy()[edge] for c in ("ax", "ay", "bx", "by"))
    length = length[edge]
    x = ax + t * (bx - ax) - side * (by - ay) / length
    y = ay + t * (by - ay) + side * (bx - ax) / length
    lon, lat, x, y = as_published(x, y)
    return pd.DataFrame({"x": x, "y": y, "lon": lon, "lat": lat, "edge": edge})


def _kmeans(rng: np.random.Generator, x: np.ndarray, y: np.ndarray, k: int, rounds: int):
    """Lloyd's k-means centres of points, started from ``k`` of them at random."""
    start = rng.choice(len(x), k, replace=False)
    cx, cy = x[start].copy(), y[start].copy()
    for _ in range(rounds):
        label = np.argmin((x[:, None] - cx) ** 2 + (y[:, None] - cy) ** 2, axis=1)
        size = np.bincount(label, minlength=k)
        filled = size > 0
        cx[filled] = np.bincount(label, x, k)[filled] / size[filled]
        cy[filled] = np.bincount(label, y, k)[filled] / size[filled]
    return cx, cy


def _names_and_codes(rng, cx: np.ndarray, cy: np.ndarray) -> tuple[np.ndarray, list, list]:
    """Code order and police.uk-style names: groups numbered north to south."""
    groups = len(cx) // AREAS_PER_GROUP
    gx, gy = _kmeans(rng, cx, cy, groups, 10)
    group = np.argmin((cx[:, None] - gx) ** 2 + (cy[:, None] - gy) ** 2, axis=1)
    rank = np.empty(groups, int)
    rank[np.argsort(-gy, kind="stable")] = np.arange(groups)
    order = np.lexsort((-cy, rank[group]))  # by group number, then north to south
    names, codes, seen = [], [], {}
    for serial, a in enumerate(order, start=1):
        number = rank[group[a]] + 1
        letter = chr(ord("A") + seen.get(number, 0))
        seen[number] = seen.get(number, 0) + 1
        names.append(f"Demo {number:03d}{letter}")
        codes.append(f"E019{serial:05d}")
    return order, codes, names


def _neighbourhood_areas(rng, areas: pd.DataFrame, available: np.ndarray) -> list[list[int]]:
    """Five clusters of neighbouring areas outside the Safe Haven wards, deprived ones first."""
    eligible = ~areas["haven_wards"].to_numpy() & (available >= 1.6 * MEAN_HOUSEHOLDS)
    score = areas["density"].to_numpy() + rng.uniform(0, 0.6, len(areas))
    used = np.zeros(len(areas), bool)
    anchors: list[int] = []
    x, y = areas["x"].to_numpy(), areas["y"].to_numpy()
    for a in np.argsort(-score, kind="stable"):
        if eligible[a] and all(np.hypot(x[a] - x[b], y[a] - y[b]) > 3000 for b in anchors):
            anchors.append(int(a))
        if len(anchors) == len(NEIGHBOURHOOD_HOMES):
            break
    if len(anchors) < len(NEIGHBOURHOOD_HOMES):
        raise RuntimeError("the demo city has too few areas for five neighbourhoods")
    clusters = []
    for anchor, homes in zip(anchors, NEIGHBOURHOOD_HOMES, strict=True):
        count = max(1, round(homes / MEAN_HOUSEHOLDS))
        by_distance = np.argsort(np.hypot(x - x[anchor], y - y[anchor]), kind="stable")
        members = [int(a) for a in by_distance if eligible[a] and not used[a]][:count]
        used[members] = True
        clusters.append(members)
    return clusters


def build_population(rng: np.random.Generator, streets: StreetMap) -> Population:
    """Draw the homes, cut the city into areas, and mark the five neighbourhoods.

    Parameters
    ----------
    rng : numpy.random.Generator
    streets : StreetMap

    Returns
    -------
    Population
    """
    pool = _candidate_homes(rng, streets, int(POOL * AREAS * MEAN_HOUSEHOLDS))
    sample = rng.choice(len(pool), 12_000, replace=False)
    cx, cy = _kmeans(rng, pool["x"].to_numpy()[sample], pool["y"].to_numpy()[sample], AREAS, 15)
    order, codes, names = _names_and_codes(rng, cx, cy)
    cx, cy = cx[order], cy[order]
    px, py = streets.points["x"].to_numpy(), streets.points["y"].to_numpy()
    point_area = np.argmin((px[:, None] - cx) ** 2 + (py[:, None] - cy) ** 2, axis=1)
    point, snap = nearest(px, py, pool["x"].to_numpy(), pool["y"].to_numpy(), cell=100.0)
    pool["point"], pool["snap"], pool["area"] = point, snap, point_area[point]
    lon, lat, _, _ = as_published(cx, cy)
    areas = pd.DataFrame({"code": codes, "name": names, "x": cx, "y": cy, "lon": lon, "lat": lat})
    areas["haven_wards"] = np.hypot(cx - HAVEN_CENTRE[0], cy - HAVEN_CENTRE[1]) < HAVEN_RADIUS
    areas["density"] = streets.layout.density(cx, cy)
    available = np.bincount(pool["area"], minlength=AREAS)
    target = np.clip(np.round(rng.normal(MEAN_HOUSEHOLDS, 70.0, AREAS)), 380, 700).astype(int)
    clusters = _neighbourhood_areas(rng, areas, available)
    hood_names = neighbourhood_names(rng, len(clusters), set(streets.streets))
    areas["neighbourhood"] = None
    for members, homes, name in zip(clusters, NEIGHBOURHOOD_HOMES, hood_names, strict=True):
        share = np.full(len(members), homes // len(members))
        share[: homes % len(members)] += 1
        target[members] = share
        areas.loc[members, "neighbourhood"] = name
    target = np.minimum(target, available)
    # keep the first `target` candidates of each area, in the pool's random order
    pool = pool.sort_values("area", kind="stable")
    rank = pool.groupby("area").cumcount().to_numpy()
    homes = pool[rank < target[pool["area"].to_numpy()]].reset_index(drop=True)
    areas["households"] = np.bincount(homes["area"], minlength=AREAS)
    hood_index = {name: k for k, name in enumerate(hood_names)}
    area_hood = areas["neighbourhood"].map(hood_index).fillna(-1).astype(int).to_numpy()
    homes["neighbourhood"] = area_hood[homes["area"].to_numpy()]
    homes["street"] = streets.edges["street"].to_numpy()[homes["edge"].to_numpy()]
    noise = rng.normal(0.0, 0.08, AREAS)
    areas["deprivation"] = np.clip(
        0.15
        + 0.7 * areas["density"]
        + 0.15 * areas["haven_wards"]
        + 0.25 * (area_hood >= 0)
        + noise,
        0.05,
        1.2,
    )
    return Population(
        areas=areas, households=homes, point_area=point_area, neighbourhoods=hood_names
    )
