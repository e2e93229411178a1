"""The demo city's ground: a synthetic street network and police.uk-style map points.

Nothing here is a real street. The network is a square lattice of blocks,
rotated, gently warped and jittered so that it does not look ruled, with
side streets thinned where few people live and a grid of main roads kept
whole. Streets are runs of lattice edges with generated names. Like
police.uk, every crime is later snapped to a fixed set of map points: the
middle of each street segment, more points along the shopping parades, and
public places ("Supermarket", "Park/Open Space", ...) beside the streets.

The city lies over north Liverpool (British National Grid, metres), so that
its maps sit on the real place; the Safe Haven wards' part is centred near
Anfield and Everton, and the rest of the demo force area spreads east,
north and south of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from citysafe.demo.names import street_names
from citysafe.geo import to_bng, to_wgs84

__all__ = [
    "BOX",
    "HAVEN_CENTRE",
    "HAVEN_RADIUS",
    "Layout",
    "StreetMap",
    "as_published",
    "build_streets",
]

# west, south, east, north of the demo force area, metres on BNG (12 km x 10 km)
BOX = (333_900.0, 388_000.0, 345_900.0, 398_000.0)
# the Safe Haven wards' part of the city: a disc near lon -2.963, lat 53.428
HAVEN_CENTRE = (336_100.0, 393_000.0)
HAVEN_RADIUS = 1_750.0
BLOCK = 130.0  # lattice spacing: the length of a street segment, metres
MAIN_EVERY = 9  # every ninth lattice line each way is a main road
PARADES_ELSEWHERE = 7  # shopping parades in the rest of the force area
# street kinds of map points
STREET, MAIN, PARADE, PLACE = 0, 1, 2, 3


@dataclass(frozen=True)
class Layout:
    """Where people live and gather: the seed-drawn shape of the city.

    Attributes
    ----------
    bumps : numpy.ndarray
        Rows of (x, y, amplitude, sigma) of the residential density surface.
    parks : numpy.ndarray
        Rows of (x, y, radius): open spaces with no homes.
    centres : numpy.ndarray
        Rows of (x, y, haven, weight, direction): shopping parades, ``haven``
        1 inside the Safe Haven wards, ``weight`` their pull for street crime,
        ``direction`` 0 along lattice rows, 1 along columns.
    rotation : float
        Angle of the street lattice, radians.
    """

    bumps: np.ndarray
    parks: np.ndarray
    centres: np.ndarray
    rotation: float
    warp: np.ndarray

    def density(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Relative residential density in [0, 1]; zero in parks."""
        u = np.full(np.shape(x), 0.07)
        for bx, by, amp, sigma in self.bumps:
            u += amp * np.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * sigma**2))
        return np.clip(u, 0.0, 1.0) * ~self.in_park(x, y)

    def in_park(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        inside = np.zeros(np.shape(x), bool)
        for px, py, r in self.parks:
            inside |= (x - px) ** 2 + (y - py) ** 2 < r**2
        return inside


def as_published(x, y) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Longitude and latitude to police.uk's six decimals, and the grid point they give.

    Distances in the recorded truth are measured from these grid points, the
    same ones an ingest computes from the published coordinates.
    """
    lon, lat = to_wgs84(np.asarray(x, float), np.asarray(y, float))
    lon, lat = np.round(lon, 6), np.round(lat, 6)
    easting, northing = to_bng(lon, lat)
    return lon, lat, easting, northing


def _uniform_in_box(rng: np.random.Generator, n: int, margin: float) -> np.ndarray:
    west, south, east, north = BOX
    return np.column_stack(
        [
            rng.uniform(west + margin, east - margin, n),
            rng.uniform(south + margin, north - margin, n),
        ]
    )


def _spread(rng: np.random.Generator, n: int, margin: float, apart: float, avoid) -> np.ndarray:
    """``n`` points in the box at least ``apart`` metres from each other and from ``avoid``."""
    chosen = [np.asarray(p, float) for p in avoid]
    out = []
    while len(out) < n:
        p = _uniform_in_box(rng, 1, margin)[0]
        if all(np.hypot(*(p - q)) >= apart for q in chosen):
            chosen.append(p)
            out.append(p)
    return np.array(out).reshape(-1, 2)


def draw_layout(rng: np.random.Generator) -> Layout:
    """Density, parks and parades: the Safe Haven wards fixed, the rest drawn."""
    hx, hy = HAVEN_CENTRE
    west, south, _, _ = BOX
    suburbs = _spread(rng, 4, 1500.0, 2500.0, [HAVEN_CENTRE])
    bumps = [
        (hx, hy, 1.1, 1600.0),  # the dense terraces of the Safe Haven wards
        (west + 1000.0, south - 500.0, 0.8, 1500.0),  # towards the city centre
    ] + [(x, y, rng.uniform(0.25, 0.45), rng.uniform(1000.0, 1500.0)) for x, y in suburbs]
    park_in_wards = (hx + 550.0 * np.cos(1.2), hy + 550.0 * np.sin(1.2), 330.0)
    others = _spread(rng, 4, 800.0, 2200.0, [HAVEN_CENTRE])
    parks = [park_in_wards] + [(x, y, rng.uniform(250.0, 520.0)) for x, y in others]
    # three parades in the Safe Haven wards, on different main roads
    haven = [
        (hx + dx + rng.uniform(-150, 150), hy + dy + rng.uniform(-150, 150), 1.0, 1.4, way)
        for dx, dy, way in ((700.0, 750.0, 0), (-850.0, 150.0, 1), (250.0, -850.0, 0))
    ]
    away = _spread(rng, PARADES_ELSEWHERE, 700.0, 1600.0, [HAVEN_CENTRE])
    rest = [(x, y, 0.0, rng.uniform(0.7, 1.3), rng.integers(2)) for x, y in away]
    return Layout(
        bumps=np.array(bumps),
        parks=np.array(parks),
        centres=np.array(haven + rest),
        rotation=float(rng.uniform(-0.3, 0.3)),
        warp=np.column_stack([rng.uniform(40.0, 80.0, 2), rng.uniform(1800.0, 3200.0, 2),
                              rng.uniform(0, 2 * np.pi, 2)]),
    )  # fmt: skip


@dataclass(frozen=True)
class StreetMap:
    """Street segments and map points of the demo city.

    Attributes
    ----------
    edges : pandas.DataFrame
        One row per street segment: end points ``ax, ay, bx, by`` (metres),
        ``street`` (index into ``streets``), ``main`` (a main road),
        ``density`` (residential density at its middle).
    streets : list of str
        Street names.
    points : pandas.DataFrame
        One row per map point: ``x, y, lon, lat``, ``location`` (the text
        after "On or near "), ``kind`` (STREET, MAIN, PARADE or PLACE),
        ``place`` (police.uk's public-place name, or ""), ``edge`` (the
        segment it lies on or beside), ``parade`` (index into the layout's
        centres, or -1) and ``footfall`` (pull for street crime).
    """

    layout: Layout
    edges: pd.DataFrame
    streets: list[str]
    points: pd.DataFrame


def _lattice(rng: np.random.Generator, layout: Layout):
    """Lattice node coordinates and indices, warped and jittered, inside the box."""
    west, south, east, north = BOX
    cx, cy = (west + east) / 2, (south + north) / 2
    half = int(np.hypot(east - west, north - south) / 2 / BLOCK) + 2
    i, j = np.meshgrid(np.arange(-half, half + 1), np.arange(-half, half + 1), indexing="ij")
    c, s = np.cos(layout.rotation), np.sin(layout.rotation)
    u, v = i * BLOCK, j * BLOCK
    x, y = cx + c * u - s * v, cy + s * u + c * v
    (ax, ay), (lx, ly), (fx, fy) = layout.warp.T
    x, y = x + ax * np.sin(2 * np.pi * y / lx + fx), y + ay * np.sin(2 * np.pi * x / ly + fy)
    x = x + rng.normal(0.0, 9.0, x.shape)
    y = y + rng.normal(0.0, 9.0, y.shape)
    inside = (x > west) & (x < east) & (y > south) & (y < north)
    return x, y, i + half, j + half, inside


def _edges(rng: np.random.Generator, layout: Layout) -> pd.DataFrame:
    """Kept lattice edges, each with its line, position and whether it is a main road."""
    x, y, i, j, inside = _lattice(rng, layout)
    frames = []
    for direction, (di, dj) in enumerate(((1, 0), (0, 1))):
        a = inside[: x.shape[0] - di, : x.shape[1] - dj]
        b = inside[di:, dj:]
        ok = a & b
        ia, ja = (
            i[: x.shape[0] - di, : x.shape[1] - dj][ok],
            j[: x.shape[0] - di, : x.shape[1] - dj][ok],
        )
        ib, jb = ia + di, ja + dj
        frame = pd.DataFrame(
            {
                "ax": x[ia, ja],
                "ay": y[ia, ja],
                "bx": x[ib, jb],
                "by": y[ib, jb],
                "direction": direction,
                "line": ja if direction == 0 else ia,
                "pos": ia if direction == 0 else ja,
                # a segment's start node lies on a main road running the other way
                "crossing": (ia if direction == 0 else ja) % MAIN_EVERY == 0,
            }
        )
        frame["main"] = frame["line"] % MAIN_EVERY == 0
        frames.append(frame)
    edges = pd.concat(frames, ignore_index=True)
    edges = edges.sort_values(["direction", "line", "pos"], kind="stable").reset_index(drop=True)
    mx, my = (edges["ax"] + edges["bx"]) / 2, (edges["ay"] + edges["by"]) / 2
    edges["density"] = layout.density(mx.to_numpy(), my.to_numpy())
    edges["park"] = layout.in_park(mx.to_numpy(), my.to_numpy())
    edges["street"] = _runs(rng, edges)
    # side streets are laid out whole or not at all, fewer where few people live
    per_street = edges.groupby("street").agg(
        density=("density", "mean"), park=("park", "mean"), main=("main", "first")
    )
    keep_p = np.where(
        per_street["park"] > 0.5, 0.05, np.clip(0.25 + 0.85 * per_street["density"], 0, 0.97)
    )
    keep_street = per_street["main"].to_numpy() | (rng.random(len(per_street)) < keep_p)
    edges = edges[keep_street[edges["street"].to_numpy()]].reset_index(drop=True)
    edges["street"] = np.unique(edges["street"].to_numpy(), return_inverse=True)[1]
    return edges


def _runs(rng: np.random.Generator, edges: pd.DataFrame) -> np.ndarray:
    """Cut lattice lines into streets: side streets of a few blocks, main roads at junctions."""
    direction, line, pos = (edges[c].to_numpy() for c in ("direction", "line", "pos"))
    main, crossing = edges["main"].to_numpy(), edges["crossing"].to_numpy()
    first = np.r_[True, (direction[1:] != direction[:-1]) | (line[1:] != line[:-1])]
    gap = np.r_[True, pos[1:] != pos[:-1] + 1]
    cut = np.where(main, crossing & (rng.random(len(edges)) < 0.4), rng.random(len(edges)) < 0.2)
    return np.cumsum(first | gap | cut | (~main & crossing)) - 1


def _name_streets(rng: np.random.Generator, edges: pd.DataFrame) -> list[str]:
    """A generated name for each street; main roads get road-like names."""
    is_main = edges.groupby("street")["main"].first().to_numpy()
    minor_names, major_names = street_names(rng, int((~is_main).sum()), int(is_main.sum()))
    names = np.empty(len(is_main), object)
    names[~is_main], names[is_main] = minor_names, major_names
    return list(names)


def _along(edges: pd.DataFrame, index: np.ndarray, t: np.ndarray, side: np.ndarray):
    """Points a fraction ``t`` along edges, ``side`` metres to the left."""
    e = edges.iloc[index]
    ax, ay, bx, by = (e[c].to_numpy() for c in ("ax", "ay", "bx", "by"))
    length = np.hypot(bx - ax, by - ay)
    nx, ny = -(by - ay) / length, (bx - ax) / length
    return ax + t * (bx - ax) + side * nx, ay + t * (by - ay) + side * ny


def _parades(layout: Layout, edges: pd.DataFrame) -> np.ndarray:
    """For each edge, the parade it belongs to (index into centres) or -1."""
    parade = np.full(len(edges), -1)
    main = edges["main"].to_numpy()
    crossing = main & edges["crossing"].to_numpy()
    cross_x, cross_y = edges["ax"].to_numpy()[crossing], edges["ay"].to_numpy()[crossing]
    cross_index = np.flatnonzero(crossing)
    direction = edges["direction"].to_numpy()
    for k, (cx, cy, haven, _, way) in enumerate(layout.centres):
        along = direction[cross_index] == way
        candidates = cross_index[along]
        c = candidates[np.argmin(np.hypot(cross_x[along] - cx, cross_y[along] - cy))]
        row = edges.iloc[c]
        reach = (4, 4) if haven else (3, 3)
        on_line = (
            main
            & (direction == way)
            & (edges["line"].to_numpy() == row["line"])
            & (edges["pos"].to_numpy() >= row["pos"] - reach[0])
            & (edges["pos"].to_numpy() < row["pos"] + reach[1])
            & (parade < 0)
        )
        parade[on_line] = k
    return parade


def _place_points(rng, layout, edges, parade) -> pd.DataFrame:
    """Public places: on the parades, in the parks, and here and there on main roads."""
    rows = []
    main_edges = np.flatnonzero(edges["main"].to_numpy() & (parade < 0))
    dense_minor = np.flatnonzero(~edges["main"].to_numpy() & (edges["density"].to_numpy() > 0.4))

    def add(kind: str, index: np.ndarray, offset: float, t=None, parade_of=-1) -> None:
        t = rng.uniform(0.3, 0.7, len(index)) if t is None else t
        side = offset * rng.choice([-1.0, 1.0], len(index))
        x, y = _along(edges, index, t, side)
        for e, px, py in zip(index, x, y, strict=True):
            rows.append((px, py, kind, int(e), parade_of))

    shops = ("Supermarket", "Shopping Area", "Parking Area", "Supermarket")
    for k in range(len(layout.centres)):
        on = np.flatnonzero(parade == k)
        picks = rng.choice(on, min(len(shops), len(on)), replace=False)
        for kind, e in zip(shops, picks, strict=False):
            add(kind, np.array([e]), 28.0, t=np.array([0.5]), parade_of=k)
    for kind, count in (("Petrol Station", 6), ("Supermarket", 4), ("Parking Area", 6),
                        ("Police Station", 2), ("Hospital", 1), ("Pedestrian Subway", 4),
                        ("Bus/Coach Station", 2)):  # fmt: skip
        add(kind, rng.choice(main_edges, count, replace=False), 30.0)
    add("Further/Higher Educational Building", rng.choice(dense_minor, 3, replace=False), 40.0)
    add("Sports/Recreation Area", rng.choice(dense_minor, 3, replace=False), 45.0)
    away = [
        k for k in range(len(layout.centres)) if not layout.centres[k, 2] and (parade == k).any()
    ]
    for k in rng.choice(away, min(3, len(away)), replace=False):
        add("Nightclub", rng.choice(np.flatnonzero(parade == k), 1), 22.0, parade_of=int(k))
    out = pd.DataFrame(rows, columns=["x", "y", "place", "edge", "parade"])
    park_rows = []
    for px, py, r in layout.parks:
        n = 2 + int(r > 400)
        a, d = rng.uniform(0, 2 * np.pi, n + 1), r * np.sqrt(rng.uniform(0.05, 0.5, n + 1))
        kinds = ["Park/Open Space"] * n + ["Sports/Recreation Area"]
        for ang, dist, kind in zip(a, d, kinds, strict=True):
            park_rows.append((px + dist * np.cos(ang), py + dist * np.sin(ang), kind, -1, -1))
    return pd.concat([out, pd.DataFrame(park_rows, columns=out.columns)], ignore_index=True)


def build_streets(rng: np.random.Generator) -> StreetMap:
    """Draw the layout, the street network and its map points.

    Parameters
    ----------
    rng : numpy.random.Generator
        The city's random generator; the same state gives the same streets.

    Returns
    -------
    StreetMap
    """
    layout = draw_layout(rng)
    edges = _edges(rng, layout)
    streets = _name_streets(rng, edges)
    parade = _parades(layout, edges)
    centre_weight = layout.centres[:, 3]
    street_of = edges["street"].to_numpy()
    main = edges["main"].to_numpy()
    # the middle of every segment; on parades, two more points a sixth from each end
    n = len(edges)
    index = np.arange(n)
    extra = np.flatnonzero(parade >= 0)
    seg_index = np.r_[index, extra, extra]
    seg_t = np.r_[np.full(n, 0.5), np.full(len(extra), 1 / 6), np.full(len(extra), 5 / 6)]
    x, y = _along(edges, seg_index, seg_t, np.zeros(len(seg_index)))
    seg_parade = parade[seg_index]
    kind = np.where(seg_parade >= 0, PARADE, np.where(main[seg_index], MAIN, STREET))
    footfall = np.where(seg_parade >= 0, centre_weight[np.maximum(seg_parade, 0)], 0.0)
    footfall = np.where(kind == MAIN, 0.08, footfall)
    segment_points = pd.DataFrame(
        {
            "x": x, "y": y, "location": [streets[s] for s in street_of[seg_index]],
            "kind": kind, "place": "", "edge": seg_index, "parade": seg_parade,
            "footfall": footfall,
        }
    )  # fmt: skip
    places = _place_points(rng, layout, edges, parade)
    places["location"] = places["place"]
    places["kind"] = PLACE
    on_parade = places["parade"].to_numpy() >= 0
    places["footfall"] = np.where(on_parade, centre_weight[places["parade"].clip(lower=0)], 0.0)
    points = pd.concat([segment_points, places], ignore_index=True)
    points["lon"], points["lat"], points["x"], points["y"] = as_published(points["x"], points["y"])
    edges["parade"] = parade
    return StreetMap(layout=layout, edges=edges, streets=streets, points=points)
