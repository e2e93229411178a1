"""The effects planted in the demo city, which estimators must recover.

Every figure here is stored in ``demo_effects`` when a demo city is built, so
a test of an estimator can read what it should find. Months are numbered from
1 (2022-01) to 36 (2024-12).

How they act, month by month (police.uk has no days):

- Safe Havens multiply the expected violence at a map point; the crime is
  prevented, not moved: no displacement is planted.
- An alarm multiplies its home's burglary risk by the rate ratio from its
  installed month on; the burglaries are prevented, not moved.
- Repeat and near-repeat boosts add to a home's relative risk among all homes
  that month: they shift where the month's burglaries fall, and leave the
  force-wide expected count as the trend and season set it.
"""

from __future__ import annotations

from dataclasses import dataclass

from citysafe.demo.areas import NEIGHBOURHOOD_HOMES
from citysafe.demo.calibration import month_label

__all__ = ["Effect", "planted_effects"]

# Safe Havens: 35 venues join together; violence near them falls from then on
HAVEN_VENUES = 35
HAVEN_JOIN_MONTH = 19  # 2023-07
HAVEN_INNER_RADIUS = 50.0
HAVEN_INNER_FACTOR = 0.60
HAVEN_OUTER_RADIUS = 200.0
HAVEN_OUTER_FACTOR = 0.85
HAVEN_CRIME_TYPE = "Violence and sexual offences"

# Safe and Secure Homes: alarms fitted from month 13 in five neighbourhoods
INSTALL_START_MONTH = 13  # 2023-01
PROTECTED_RATE_RATIO = 0.45
# share of the neighbourhoods' homes fitted by the end of each month (linear
# in between); about 44 % after six months, as in Mansfield
INSTALL_COVERAGE = ((12, 0.0), (13, 0.06), (18, 0.44), (24, 0.64), (30, 0.75), (36, 0.82))
# how much faster or slower each neighbourhood's teams work than the average
INSTALL_PACE = (1.2, 1.1, 1.0, 0.9, 0.8)

# Repeat and near-repeat burglary: extra relative risk, by months since the burglary
REPEAT_BOOST = (3.0, 1.5, 0.8, 0.5, 0.3, 0.15)  # the burgled home itself
NEAR_REPEAT_RADIUS = 200.0
NEAR_REPEAT_BOOST = (0.5, 0.25)  # every home within 200 m, the burgled one included

# Crime per month in the whole demo force area at scale 1, and yearly trends
ROWS_PER_MONTH = 2_600
TRENDS = {
    "Violence and sexual offences": 0.03,
    "Shoplifting": 0.08,
    "Burglary": -0.03,
    "Vehicle crime": -0.02,
    "Anti-social behaviour": -0.04,
}


@dataclass(frozen=True)
class Effect:
    """One planted figure: its name, value and what it means."""

    name: str
    value: float
    description: str


def planted_effects() -> tuple[Effect, ...]:
    """Every planted effect, as stored in ``demo_effects``."""
    joined = month_label(HAVEN_JOIN_MONTH)
    start = month_label(INSTALL_START_MONTH)
    violence = HAVEN_CRIME_TYPE
    effects = [
        Effect("haven_venues", HAVEN_VENUES, "Safe Haven venues, all in the four wards' part"),
        Effect(
            "haven_join_month",
            HAVEN_JOIN_MONTH,
            f"month number (1 = 2022-01) in which every venue joins: {joined}",
        ),
        Effect(
            "haven_inner_radius_m",
            HAVEN_INNER_RADIUS,
            "inner halo radius, metres on EPSG:27700 from a venue to a crime's map point",
        ),
        Effect(
            "haven_inner_factor",
            HAVEN_INNER_FACTOR,
            f"{violence} at map points within the inner radius of any venue is "
            f"multiplied by this from {joined} on",
        ),
        Effect("haven_outer_radius_m", HAVEN_OUTER_RADIUS, "outer (diffusion) halo radius, metres"),
        Effect(
            "haven_outer_factor",
            HAVEN_OUTER_FACTOR,
            f"{violence} at map points beyond the inner radius of every venue and within "
            f"the outer radius of one is multiplied by this from {joined} on",
        ),
        Effect(
            "homes_neighbourhood_homes",
            sum(NEIGHBOURHOOD_HOMES),
            "homes in the five home-security neighbourhoods",
        ),
        Effect(
            "homes_install_start_month",
            INSTALL_START_MONTH,
            f"month number in which installations begin: {start}",
        ),
        Effect(
            "homes_protected_rate_ratio",
            PROTECTED_RATE_RATIO,
            "burglary rate of a protected home over the same home unprotected; a home is "
            "protected in every month from its installed month on",
        ),
        Effect(
            "near_repeat_radius_m",
            NEAR_REPEAT_RADIUS,
            "homes within this distance of a burglary share its near-repeat risk",
        ),
    ]
    for lag, boost in enumerate(REPEAT_BOOST, start=1):
        effects.append(
            Effect(
                f"repeat_boost_{lag}",
                boost,
                f"extra relative burglary risk of a burgled home {lag} month(s) later",
            )
        )
    for lag, boost in enumerate(NEAR_REPEAT_BOOST, start=1):
        effects.append(
            Effect(
                f"near_repeat_boost_{lag}",
                boost,
                f"extra relative burglary risk of every home within {NEAR_REPEAT_RADIUS:.0f} m "
                f"of a burglary, {lag} month(s) later",
            )
        )
    for name, trend in TRENDS.items():
        key = name.lower().replace(" ", "_").replace("-", "_")
        effects.append(Effect(f"trend_{key}", trend, f"yearly change in {name} across the city"))
    return tuple(effects)
