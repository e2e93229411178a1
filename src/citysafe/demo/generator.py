"""Generate the whole demo city from a seed: streets, people, schemes and crimes.

The same seed and scale give the same city, to the byte: all randomness
comes from one ``numpy.random.default_rng(seed)``, drawn in a fixed order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from citysafe.demo.areas import Population, build_population
from citysafe.demo.crimes import Crimes, draw_crimes, expected_rows
from citysafe.demo.effects import Effect, planted_effects
from citysafe.demo.schemes import choose_venues, installation_months
from citysafe.demo.streets import StreetMap, build_streets

__all__ = ["DemoCity", "generate_city", "scale_for_rows"]


@dataclass(frozen=True)
class DemoCity:
    """A generated demo city and the truth behind its crime files.

    Attributes
    ----------
    seed, scale :
        What it was generated from.
    points : pandas.DataFrame
        Map points: ``x, y`` (metres, EPSG:27700), ``lon, lat`` (as
        published), ``location`` (after "On or near "), ``kind``, ``place``.
    areas : pandas.DataFrame
        LSOA-like areas in code order: ``code``, ``name``, ``households``,
        ``haven_wards``, ``neighbourhood``, ``deprivation``, centre.
    households : pandas.DataFrame
        Every home (id = row + 1): ``x, y, lon, lat``, ``area``, ``point``
        (map point its burglaries are published at), ``snap`` (metres to it),
        ``neighbourhood`` (index into ``neighbourhoods``, -1 outside) and
        ``installed_month`` (month number its alarm is fitted, 0 never).
    neighbourhoods : list of str
        Names of the five home-security neighbourhoods.
    venues : pandas.DataFrame
        Safe Haven venues: ``name``, ``kind``, ``point``, ``x, y, lon, lat``,
        ``joined_month``.
    crimes : Crimes
        Every row of the files, in file order.
    effects : tuple of Effect
        The planted effects.
    """

    seed: int
    scale: float
    points: pd.DataFrame
    areas: pd.DataFrame
    households: pd.DataFrame
    neighbourhoods: list[str]
    venues: pd.DataFrame
    crimes: Crimes
    effects: tuple[Effect, ...]

    @property
    def point_area(self) -> np.ndarray:
        """Area (row of ``areas``) of every map point."""
        return self.points["area"].to_numpy()


def scale_for_rows(rows: int) -> float:
    """The scale that gives about ``rows`` rows over the 36 months."""
    if rows <= 0:
        raise ValueError(f"rows must be positive, got {rows}")
    return rows / expected_rows(1.0)


def generate_city(
    seed: int = 1, *, scale: float = 1.0, progress: Callable[[str], None] | None = None
) -> DemoCity:
    """Generate the demo city.

    Parameters
    ----------
    seed : int
        Seed of the one random generator; the same seed gives the same city.
    scale : float
        Multiplier of every crime rate: 1 gives about 2,600 rows a month
        (94,000 in all); use ``scale_for_rows`` to aim at a row count. The
        streets, homes and venues do not change with scale.
    progress : callable, optional
        Called with the name of each stage as it starts.

    Returns
    -------
    DemoCity

    Examples
    --------
    >>> city = generate_city(1, scale=0.05)
    >>> len(city.venues), int(city.households["neighbourhood"].ge(0).sum())
    (35, 5460)
    """
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool):
        raise TypeError(f"seed must be an integer, got {type(seed).__name__}")
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number, got {scale}")
    notify = progress or (lambda stage: None)
    rng = np.random.default_rng(seed)
    notify("streets")
    streets: StreetMap = build_streets(rng)
    notify("households")
    population: Population = build_population(rng, streets)
    venues = choose_venues(rng, streets, population)
    installed = installation_months(rng, population)
    crimes = draw_crimes(
        rng, streets, population, venues, installed, scale=scale, progress=progress
    )
    points = streets.points.assign(area=population.point_area)
    households = population.households.assign(installed_month=installed)
    return DemoCity(
        seed=int(seed),
        scale=float(scale),
        points=points,
        areas=population.areas,
        households=households,
        neighbourhoods=population.neighbourhoods,
        venues=venues,
        crimes=crimes,
        effects=planted_effects(),
    )
