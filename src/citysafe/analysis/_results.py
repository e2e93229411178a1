"""What an evaluation returns: frozen dataclasses, ring by ring and type by type."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from citysafe.analysis._did import DiDModel
from citysafe.analysis._placebo import Placebo
from citysafe.analysis._poisson import RateRatio, RelativeEffect
from citysafe.analysis._windows import MonthLeftOut, Window
from citysafe.analysis.displacement import DisplacementQuotient

__all__ = ["Control", "Displacement", "Evaluation", "RingResult", "TypeEffect"]


@dataclass(frozen=True)
class TypeEffect:
    """One crime type in one ring: before and after, and against the control.

    Attributes
    ----------
    crime_type : str
    change : RateRatio
        After against before, exact.
    relative : RelativeEffect
        The ring's rate ratio over the control's, exact conditional.
    did : DiDModel or None
        The difference-in-differences model (None when not asked for).
    tables : numpy.ndarray
        ``(G, 4)`` per start month: ring before, ring after, control before, control after.
    """

    crime_type: str
    change: RateRatio
    relative: RelativeEffect
    did: DiDModel | None
    tables: np.ndarray = field(repr=False)

    @property
    def before(self) -> int:
        return self.change.before

    @property
    def after(self) -> int:
        return self.change.after

    @property
    def change_pct(self) -> float:
        return self.change.change_pct


@dataclass(frozen=True)
class RingResult:
    """One distance ring (or the area itself) and its effects by crime type.

    Attributes
    ----------
    inner_m, outer_m : float
        The ring holds map points with ``inner_m < d <= outer_m`` (the first
        from ``d = 0``); an area's own ring has both 0.
    label : str
    points : int
        Map points in the ring.
    by_type : dict of str to TypeEffect
        police.uk's type names, then ``"All crime"``.
    """

    inner_m: float
    outer_m: float
    label: str
    points: int
    by_type: dict[str, TypeEffect]


@dataclass(frozen=True)
class Control:
    """The comparison area.

    Attributes
    ----------
    definition : str
    points : int
        Map points in it.
    left_out : int
        Map points of a chosen control area that fell in a ring and were left out.
    by_type : dict of str to RateRatio
        Its own before and after (counted once per start month).
    """

    definition: str
    points: int
    left_out: int
    by_type: dict[str, RateRatio]


@dataclass(frozen=True)
class Displacement:
    """Weighted Displacement Quotients of one buffer ring against the inner ring and control."""

    ring: int
    label: str
    by_type: dict[str, DisplacementQuotient]


@dataclass(frozen=True)
class Evaluation:
    """Everything a scheme's evaluation report needs.

    Attributes
    ----------
    scheme : str
        ``"sites"`` or ``"area"``.
    sites : int
        Number of sites (0 for an area).
    starts : tuple of int
        Distinct start months.
    months_before, months_after : int
        Window lengths asked for.
    edges : tuple of float
        Ring upper edges, metres.
    types : tuple of str
        Crime types reported, then ``"All crime"`` (every type in the data).
    rings : tuple of RingResult
    control : Control
    placebo : Placebo or None
        Inner-ring placebo test (site schemes with ``permutations`` > 0).
    displacement : tuple of Displacement
        One per buffer ring.
    windows : tuple of Window
        The months counted for each start month.
    months_left_out : tuple of MonthLeftOut
    alpha, permutations, seed, placebo_pool, wdq_min_change
        The parameters.
    unlocated : int
        Crimes without a location, in no ring.
    notes : tuple of str
    """

    scheme: str
    sites: int
    starts: tuple[int, ...]
    months_before: int
    months_after: int
    edges: tuple[float, ...]
    types: tuple[str, ...]
    rings: tuple[RingResult, ...]
    control: Control
    placebo: Placebo | None
    displacement: tuple[Displacement, ...]
    windows: tuple[Window, ...]
    months_left_out: tuple[MonthLeftOut, ...]
    alpha: float
    permutations: int
    seed: int | None
    placebo_pool: int | None
    wdq_min_change: float
    unlocated: int
    notes: tuple[str, ...]

    def as_dict(self, *, distribution: bool = False) -> dict:
        """A JSON-ready dict: NaN and infinite figures become None.

        ``rings`` is a list of objects with ``inner_m``, ``outer_m`` and
        ``by_type``, mapping each type name and ``"All crime"`` to its
        ``before``, ``after``, ``change_pct``, ``ci_low`` and ``ci_high`` (of
        the rate ratio) and the rest. ``distribution`` adds every placebo ratio.
        """
        from citysafe.analysis._report import evaluation_dict

        return evaluation_dict(self, distribution=distribution)
