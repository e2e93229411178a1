"""Use cases: hotspots, kernel density and near-repeat tables over chosen events."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from citysafe.analysis.cocoon import Cocoon, cocoon_list
from citysafe.analysis.density import KernelDensity, kernel_density
from citysafe.analysis.emerging import EmergingHotspots, emerging_hotspots
from citysafe.analysis.grid import grid_counts, grid_over
from citysafe.analysis.hotspots import Hotspots, hotspots
from citysafe.analysis.nearrepeat import NearRepeat, near_repeat
from citysafe.hotspots.events import Events, SelectionError


@dataclass(frozen=True)
class HotspotReport:
    events: Events
    result: Hotspots

    def as_dict(self) -> dict:
        return {
            "source": self.events.source,
            "filters": self.events.filters,
            "events": len(self.events),
            **self.result.to_dict(),
        }


@dataclass(frozen=True)
class NearRepeatReport:
    events: Events
    result: NearRepeat

    def as_dict(self) -> dict:
        return {
            "source": self.events.source,
            "filters": self.events.filters,
            **self.result.to_dict(),
        }


def hotspot_report(
    events: Events,
    *,
    cell: float,
    weights: str = "queen",
    distance: float | None = None,
    permutations: int = 999,
    seed: int = 1,
    fdr: bool = True,
    support: tuple[np.ndarray, np.ndarray] | None = None,
    inference: str = "analytic",
) -> HotspotReport:
    """Gi* hot and cold spots on ``cell``-metre squares over the events' extent.

    ``support`` (x and y of every place a crime could be recorded: all of the
    store's map points) limits the study area to the cells holding one, so a
    river or the land beyond the force's boundary is not called a cold spot.

    Classes follow the analytic z-scores by default (with FDR, as ArcGIS's hot
    spot analysis does); the conditional-permutation p-values are reported
    beside them. ``inference="permutation"`` bases the classes on those
    instead: conditional permutation holds each cell's own count fixed and
    tests its neighbours, so a spike at a single map point, common in
    police.uk data, may not be significant under it.
    """
    if len(events) == 0:
        raise SelectionError("no crimes match the filters: nothing to map")
    if inference == "permutation" and not permutations:
        raise SelectionError("permutation inference needs permutations > 0")
    grid = grid_over(events.x, events.y, cell=cell)
    mask = None
    if support is not None and len(support[0]):
        mask = grid_counts(support[0], support[1], grid).counts > 0
    result = hotspots(
        events.x,
        events.y,
        cell=cell,
        bounds=grid.bounds,
        mask=mask,
        weights=weights,
        distance=distance,
        permutations=permutations,
        seed=seed,
        inference=inference,
        fdr=fdr,
    )
    return HotspotReport(events, result)


def near_repeat_report(
    events: Events,
    *,
    space_bands: list[float],
    time_bands: list[int],
    metric: str = "euclidean",
    permutations: int = 99,
    seed: int = 1,
) -> NearRepeatReport:
    """The Knox space-time table in the events' own time unit (months for police.uk data)."""
    if len(events) < 2:
        raise SelectionError("fewer than two events match the filters: no pairs to count")
    result = near_repeat(
        events.x,
        events.y,
        np.asarray(events.times),
        space_bands=space_bands,
        time_bands=time_bands,
        unit=events.unit,
        metric=metric,
        permutations=permutations,
        seed=seed,
    )
    return NearRepeatReport(events, result)


def density_surface(
    events: Events, *, cell: float, bandwidth: float | str = "scott", kernel: str = "quartic"
) -> KernelDensity:
    """Kernel density (events per km²) at the centres of a ``cell``-metre grid."""
    if len(events) == 0:
        raise SelectionError("no crimes match the filters: nothing to map")
    grid = grid_over(events.x, events.y, cell=cell)
    return kernel_density(events.x, events.y, grid, bandwidth=bandwidth, kernel=kernel)


def emerging_report(
    events: Events, *, cell: float, support: tuple[np.ndarray, np.ndarray] | None = None
) -> EmergingHotspots:
    """Each cell's pattern over the months (new, intensifying, persistent... hot spot)."""
    if events.unit != "months" or len(events) == 0:
        raise SelectionError("emerging hot spots need police.uk crimes by month")
    grid = grid_over(events.x, events.y, cell=cell)
    mask = None
    if support is not None and len(support[0]):
        mask = grid_counts(support[0], support[1], grid).counts > 0
    return emerging_hotspots(
        events.x, events.y, events.times, cell=cell, bounds=grid.bounds, mask=mask
    )


def cocoon_report(
    events: Events,
    table: NearRepeat,
    *,
    as_of: int,
    homes_x: np.ndarray,
    homes_y: np.ndarray,
    alpha: float = 0.05,
) -> Cocoon:
    """For each recent burglary, the homes (or map points) inside the significant window."""
    return cocoon_list(
        table, events.x, events.y, events.times, homes_x, homes_y, as_of=as_of, alpha=alpha
    )
