"""Crimes of the demo city, month by month, snapped to its map points.

Street crime of every type but burglary is a Poisson count at each map point
in each month. Its expected value mixes four pulls, in proportions that
differ by type: where people live (homes snapped to the point, weighted by
their area's deprivation), footfall (shopping parades, main roads), public
places suited to the type (supermarkets for shoplifting, car parks for
vehicle crime...) and a little everywhere. A fixed gamma-distributed
"hotness" per point makes a few streets carry much of the crime, as in real
data. Violence near Safe Haven venues is cut from the month they join.

Burglary is drawn home by home: each home has a risk set by its area and its
own vulnerability, raised for some months after it or a home within 200 m
was burgled, and cut once its alarm is fitted; the burglary is then
published at the home's nearest map point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from citysafe.crime.vocabulary import CODE_BY_NAME, NAME_BY_CODE
from citysafe.demo.areas import Population
from citysafe.demo.calibration import (
    MONTHS,
    OUTCOMES,
    SEASONALITY,
    TYPE_SHARES,
    UNDER_INVESTIGATION,
)
from citysafe.demo.effects import (
    HAVEN_CRIME_TYPE,
    HAVEN_INNER_FACTOR,
    HAVEN_INNER_RADIUS,
    HAVEN_JOIN_MONTH,
    HAVEN_OUTER_FACTOR,
    HAVEN_OUTER_RADIUS,
    NEAR_REPEAT_BOOST,
    NEAR_REPEAT_RADIUS,
    PROTECTED_RATE_RATIO,
    REPEAT_BOOST,
    ROWS_PER_MONTH,
    TRENDS,
)
from citysafe.demo.geometry import PointIndex, nearest_distance
from citysafe.demo.streets import StreetMap

__all__ = ["OUTCOME_NAMES", "POLICE_ORDER", "Crimes", "draw_crimes", "expected_rows"]

BURGLARY = "Burglary"
ASB = "Anti-social behaviour"
# the order police.uk lists crime types within an LSOA in its files
POLICE_ORDER = (
    ASB, "Bicycle theft", BURGLARY, "Criminal damage and arson", "Drugs", "Other theft",
    "Possession of weapons", "Public order", "Robbery", "Shoplifting", "Theft from the person",
    "Vehicle crime", "Violence and sexual offences", "Other crime",
)  # fmt: skip
STREET_TYPES = tuple(t for t in POLICE_ORDER if t != BURGLARY)
OUTCOME_NAMES = tuple(
    sorted({name for table in OUTCOMES.values() for name, _ in table} | {"Under investigation"})
)

# pull of (homes, footfall, suited public places, anywhere) for each type
MIX: dict[str, tuple[float, float, float, float]] = {
    ASB: (0.45, 0.25, 0.15, 0.15),
    "Bicycle theft": (0.40, 0.25, 0.20, 0.15),
    "Criminal damage and arson": (0.65, 0.08, 0.07, 0.20),
    "Drugs": (0.45, 0.20, 0.15, 0.20),
    "Other crime": (0.55, 0.15, 0.10, 0.20),
    "Other theft": (0.40, 0.25, 0.20, 0.15),
    "Possession of weapons": (0.45, 0.25, 0.10, 0.20),
    "Public order": (0.45, 0.25, 0.15, 0.15),
    "Robbery": (0.35, 0.35, 0.10, 0.20),
    "Shoplifting": (0.0, 0.45, 0.55, 0.0),
    "Theft from the person": (0.20, 0.45, 0.20, 0.15),
    "Vehicle crime": (0.55, 0.10, 0.15, 0.20),
    "Violence and sexual offences": (0.58, 0.22, 0.08, 0.12),
}
PLACE_PULL: dict[str, dict[str, float]] = {
    ASB: {"Park/Open Space": 3, "Shopping Area": 3, "Supermarket": 2,
          "Sports/Recreation Area": 2, "Parking Area": 1, "Bus/Coach Station": 1},
    "Bicycle theft": {"Further/Higher Educational Building": 4, "Bus/Coach Station": 2,
                      "Shopping Area": 2, "Sports/Recreation Area": 2, "Hospital": 2},
    "Criminal damage and arson": {"Parking Area": 2, "Park/Open Space": 2,
                                  "Sports/Recreation Area": 1, "Petrol Station": 1},
    "Drugs": {"Park/Open Space": 3, "Pedestrian Subway": 2, "Parking Area": 2, "Nightclub": 2,
              "Police Station": 1},
    "Other crime": {"Police Station": 3, "Hospital": 1, "Supermarket": 1},
    "Other theft": {"Supermarket": 3, "Hospital": 3, "Shopping Area": 2, "Parking Area": 1,
                    "Further/Higher Educational Building": 2, "Sports/Recreation Area": 1},
    "Possession of weapons": {"Police Station": 2, "Nightclub": 2, "Park/Open Space": 1,
                              "Shopping Area": 1},
    "Public order": {"Nightclub": 3, "Police Station": 2, "Hospital": 2, "Shopping Area": 2,
                     "Supermarket": 2},
    "Robbery": {"Pedestrian Subway": 3, "Bus/Coach Station": 2, "Park/Open Space": 1,
                "Petrol Station": 1, "Shopping Area": 1},
    "Shoplifting": {"Supermarket": 6, "Shopping Area": 4, "Petrol Station": 2},
    "Theft from the person": {"Nightclub": 3, "Bus/Coach Station": 3, "Shopping Area": 2,
                              "Hospital": 1},
    "Vehicle crime": {"Parking Area": 4, "Hospital": 1, "Supermarket": 1,
                      "Sports/Recreation Area": 1},
    "Violence and sexual offences": {"Nightclub": 3, "Hospital": 3, "Police Station": 2,
                                     "Shopping Area": 1, "Supermarket": 1},
}  # fmt: skip
HOTNESS_SHAPE = 2.5  # gamma shape of a map point's fixed hotness (mean 1)
# anti-social behaviour gathers at fewer spots than other crime: its hotness is
# raised to this power, which also makes repeated identical rows as common as in
# real files
ASB_HOTNESS_POWER = 1.8
MONTH_NOISE = 0.04  # sd of the log of a type's force-wide month-to-month wobble


@dataclass(frozen=True)
class Crimes:
    """Every row of the demo city's files, in file order.

    Attributes
    ----------
    month : numpy.ndarray of int16
        Month number, 1 (2022-01) to 36 (2024-12).
    crime_type : numpy.ndarray of int8
        police.uk crime type code (``citysafe.crime.vocabulary``).
    point : numpy.ndarray of int32
        Map point (row of the street map's points).
    crime_id : numpy.ndarray of bytes (S64)
        64 hexadecimal characters, empty for anti-social behaviour.
    outcome : numpy.ndarray of int16
        Index into ``OUTCOME_NAMES``, -1 for anti-social behaviour.
    household : numpy.ndarray of int32
        For burglaries, the burgled home (row of the households); else -1.
    """

    month: np.ndarray
    crime_type: np.ndarray
    point: np.ndarray
    crime_id: np.ndarray
    outcome: np.ndarray
    household: np.ndarray

    def __len__(self) -> int:
        return len(self.month)

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame with readable crime type and outcome columns."""
        names = np.array(["", *OUTCOME_NAMES], dtype=object)
        types = pd.Series(self.crime_type).map(NAME_BY_CODE)
        return pd.DataFrame(
            {
                "month": self.month,
                "crime_type": types.to_numpy(),
                "point": self.point,
                "crime_id": self.crime_id.astype(str),
                "outcome": names[self.outcome + 1],
                "household": self.household,
            }
        )


def month_factors(rng: np.random.Generator, types) -> np.ndarray:
    """Seasonality, trend and a small force-wide wobble, per type and month."""
    m = np.arange(1, MONTHS + 1)
    season = np.array(SEASONALITY)[(m - 1) % 12]
    trend = np.array([(1 + TRENDS.get(t, 0.0)) ** ((m - (MONTHS + 1) / 2) / 12) for t in types])
    wobble = np.exp(rng.normal(0.0, MONTH_NOISE, (len(types), MONTHS)))
    return season[None, :] * trend * wobble


def expected_rows(scale: float) -> float:
    """About how many rows a city of this scale holds over its 36 months."""
    m = np.arange(MONTHS)
    return float(scale * ROWS_PER_MONTH * np.array(SEASONALITY)[m % 12].sum())


def _unit(v: np.ndarray) -> np.ndarray:
    total = v.sum()
    return v / total if total > 0 else v


def haven_factor(streets: StreetMap, venues: pd.DataFrame) -> np.ndarray:
    """Multiplier of violence at each map point once the venues have joined."""
    px, py = streets.points["x"].to_numpy(), streets.points["y"].to_numpy()
    d = nearest_distance(venues["x"], venues["y"], px, py, within=HAVEN_OUTER_RADIUS)
    return np.where(
        d <= HAVEN_INNER_RADIUS,
        HAVEN_INNER_FACTOR,
        np.where(d <= HAVEN_OUTER_RADIUS, HAVEN_OUTER_FACTOR, 1.0),
    )


def _type_weights(rng, streets: StreetMap, population: Population) -> np.ndarray:
    """Share of each street-crime type's expected count at each map point."""
    points = streets.points
    homes = population.households
    dep = 0.4 + 1.2 * population.areas["deprivation"].to_numpy()
    residents = np.bincount(
        homes["point"], weights=dep[homes["area"].to_numpy()], minlength=len(points)
    )
    footfall = points["footfall"].to_numpy()
    anywhere = np.ones(len(points))
    hotness = rng.gamma(HOTNESS_SHAPE, 1 / HOTNESS_SHAPE, len(points))
    weights = np.empty((len(STREET_TYPES), len(points)))
    for k, name in enumerate(STREET_TYPES):
        places = points["place"].map(PLACE_PULL[name]).fillna(0.0).to_numpy()
        parts = (_unit(residents), _unit(footfall), _unit(places), _unit(anywhere))
        mix = sum(share * part for share, part in zip(MIX[name], parts, strict=True))
        weights[k] = _unit(mix * hotness ** (ASB_HOTNESS_POWER if name == ASB else 1.0))
    return weights


def _street_crime(rng, streets, population, venues, scale: float):
    """Month, type code and map point of every street crime (all types but burglary)."""
    weights = _type_weights(rng, streets, population)
    factors = month_factors(rng, STREET_TYPES)
    totals = scale * ROWS_PER_MONTH * np.array([TYPE_SHARES[t] for t in STREET_TYPES])
    lam = totals[:, None, None] * factors[:, :, None] * weights[:, None, :]
    violence = STREET_TYPES.index(HAVEN_CRIME_TYPE)
    lam[violence, HAVEN_JOIN_MONTH - 1 :, :] *= haven_factor(streets, venues)[None, :]
    counts = rng.poisson(lam).ravel()
    cell = np.repeat(np.arange(counts.size), counts)
    t, m, p = np.unravel_index(cell, lam.shape)
    codes = np.array([CODE_BY_NAME[name] for name in STREET_TYPES], np.int8)
    return (m + 1).astype(np.int16), codes[t], p.astype(np.int32)


def _burglary(rng, population: Population, installed: np.ndarray, scale: float):
    """Month and home of every burglary, drawn month by month with (near-)repeats."""
    homes = population.households
    x, y = homes["x"].to_numpy(), homes["y"].to_numpy()
    dep = 0.4 + 1.2 * population.areas["deprivation"].to_numpy()[homes["area"].to_numpy()]
    risk = dep * rng.gamma(2.0, 0.5, len(homes))  # each home's own vulnerability
    target = scale * ROWS_PER_MONTH * TYPE_SHARES[BURGLARY] * month_factors(rng, [BURGLARY])[0]
    near_index = PointIndex(x, y, NEAR_REPEAT_RADIUS)
    burgled: list[np.ndarray] = []  # per month, whether each home was burgled
    near: list[np.ndarray] = []  # per month, whether each home was within 200 m of one
    months, households = [], []
    for m in range(1, MONTHS + 1):
        boost = np.ones(len(homes))
        for lag, extra in enumerate(REPEAT_BOOST, start=1):
            if m - lag >= 1:
                boost += extra * burgled[m - lag - 1]
        for lag, extra in enumerate(NEAR_REPEAT_BOOST, start=1):
            if m - lag >= 1:
                boost += extra * near[m - lag - 1]
        weight = risk * boost
        # boosts move risk between homes; alarms take it away
        rate = target[m - 1] * weight / weight.sum()
        protected = (installed > 0) & (installed <= m)
        rate[protected] *= PROTECTED_RATE_RATIO
        count = rng.poisson(rate)
        hit = np.flatnonzero(count)
        burgled.append(count > 0)
        near.append(near_index.near_any(x[hit], y[hit]))
        households.append(np.repeat(hit, count[hit]))
        months.append(np.full(int(count.sum()), m, np.int16))
    return np.concatenate(months), np.concatenate(households).astype(np.int32)


def _outcomes(rng, month: np.ndarray, crime_type: np.ndarray) -> np.ndarray:
    """A last outcome for every crime; recent months still partly under investigation."""
    outcome = np.full(len(month), -1, np.int16)
    index = {name: k for k, name in enumerate(OUTCOME_NAMES)}
    for name, table in OUTCOMES.items():
        rows = np.flatnonzero(crime_type == CODE_BY_NAME[name])
        labels, shares = zip(*table, strict=True)
        p = np.array(shares) / sum(shares)
        codes = np.array([index[label] for label in labels], np.int16)
        outcome[rows] = codes[rng.choice(len(codes), len(rows), p=p)]
    by_age = np.r_[UNDER_INVESTIGATION, 0.0]
    chance = by_age[np.minimum(MONTHS - month, len(UNDER_INVESTIGATION))]
    pending = (outcome >= 0) & (rng.random(len(month)) < chance)
    outcome[pending] = index["Under investigation"]
    return outcome


def _crime_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` random 64-character lower-case hexadecimal ids, as police.uk's."""
    digits = np.frombuffer(b"0123456789abcdef", np.uint8)
    raw = np.frombuffer(rng.bytes(32 * n), np.uint8).reshape(n, 32)
    pairs = np.stack([digits[raw >> 4], digits[raw & 15]], axis=2)
    return np.ascontiguousarray(pairs).reshape(n, 64).view("S64").ravel()


def draw_crimes(
    rng: np.random.Generator,
    streets: StreetMap,
    population: Population,
    venues: pd.DataFrame,
    installed: np.ndarray,
    *,
    scale: float,
    progress: Callable[[str], None] | None = None,
) -> Crimes:
    """Every crime of the 36 months, in police.uk's file order.

    Parameters
    ----------
    rng : numpy.random.Generator
    streets, population :
        The city's ground and people.
    venues : pandas.DataFrame
        Safe Haven venues (``x, y``), which cut violence near them.
    installed : numpy.ndarray
        Month each home's alarm is fitted, 0 if never.
    scale : float
        Multiplier of every crime rate; 1 gives about 2,600 rows a month.
    progress : callable, optional
        Called with the name of each stage as it starts.

    Returns
    -------
    Crimes
    """
    notify = progress or (lambda stage: None)
    notify("street crime")
    s_month, s_type, s_point = _street_crime(rng, streets, population, venues, scale)
    notify("burglary")
    b_month, b_home = _burglary(rng, population, installed, scale)
    b_point = population.households["point"].to_numpy()[b_home].astype(np.int32)
    month = np.r_[s_month, b_month]
    crime_type = np.r_[s_type, np.full(len(b_month), CODE_BY_NAME[BURGLARY], np.int8)]
    point = np.r_[s_point, b_point]
    household = np.r_[np.full(len(s_month), -1, np.int32), b_home]
    notify("outcomes")
    # file order: month, area name (area rows are in name order), police.uk type order
    rank = np.zeros(max(CODE_BY_NAME.values()) + 1, np.int16)
    rank[[CODE_BY_NAME[t] for t in POLICE_ORDER]] = np.arange(len(POLICE_ORDER))
    area = population.point_area[point]
    order = np.lexsort((rng.random(len(month)), rank[crime_type], area, month))
    month, crime_type, point, household = (a[order] for a in (month, crime_type, point, household))
    outcome = _outcomes(rng, month, crime_type)
    crime_id = np.zeros(len(month), "S64")
    with_id = crime_type != CODE_BY_NAME[ASB]
    crime_id[with_id] = _crime_ids(rng, int(with_id.sum()))
    return Crimes(month, crime_type, point, crime_id, outcome, household)
