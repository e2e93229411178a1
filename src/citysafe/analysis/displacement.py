"""Displacement or diffusion of benefits: the Weighted Displacement Quotient.

Bowers and Johnson (2003) compare three areas, each counted before (b) and
after (a) a scheme starts: the treated area R, a buffer around it D and a
control C. Each area's count is taken relative to the control's, so that
city-wide change cancels:

    success measure       = Ra/Ca - Rb/Cb      (below 0: the scheme "worked")
    displacement measure  = Da/Ca - Db/Cb      (above 0: crime rose in the buffer)
    WDQ                   = displacement measure / success measure

A positive WDQ is a diffusion of benefits into the buffer (above 1: the buffer
gained more than the treated area), a negative one displacement (below -1:
more crime moved than was prevented). The quotient only has a reading when
the scheme succeeded, and it is unstable when the success measure is near
zero; this module then gives a warning instead of a number. See also
Guerette and Bowers (2009) for the review of displacement studies, and
Ratcliffe (2004) on defining buffers around sites.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["DisplacementQuotient", "weighted_displacement_quotient"]


@dataclass(frozen=True)
class DisplacementQuotient:
    """The Weighted Displacement Quotient of one buffer and its reading.

    Attributes
    ----------
    treated_before, treated_after, buffer_before, buffer_after, control_before, control_after
        The six counts (Rb, Ra, Db, Da, Cb, Ca).
    success_measure : float
        ``Ra/Ca - Rb/Cb``; below 0 the treated area improved relative to the control.
    displacement_measure : float
        ``Da/Ca - Db/Cb``; above 0 the buffer worsened relative to the control.
    wdq : float
        ``displacement_measure / success_measure``; NaN when ``warning`` is set.
    net_effect : float
        Bowers and Johnson's total net effect, crimes prevented in the treated
        area and buffer together: ``(Rb Ca/Cb - Ra) + (Db Ca/Cb - Da)``.
    reading : str
        What the figures mean, in plain English.
    warning : str or None
        Why no quotient is given, or why it must be read with care.
    min_change : float
        The smallest relative change of the treated area (as a share of
        ``Rb/Cb``) for which a quotient is given.
    """

    treated_before: float
    treated_after: float
    buffer_before: float
    buffer_after: float
    control_before: float
    control_after: float
    success_measure: float
    displacement_measure: float
    wdq: float
    net_effect: float
    reading: str
    warning: str | None
    min_change: float


def _check_counts(**counts) -> dict[str, float]:
    checked = {}
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise TypeError(f"{name} must be a number, got {type(value).__name__}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite count of 0 or more, got {value}")
        checked[name] = float(value)
    return checked


def _reading(wdq: float) -> str:
    if wdq > 1:
        return (
            "diffusion of benefits: crime fell in the buffer too, by more than in the "
            "treated area (relative to the control)"
        )
    if wdq > 0:
        return (
            "diffusion of benefits: crime fell in the buffer too, by less than in the "
            "treated area (relative to the control)"
        )
    if wdq == 0:
        return "no displacement and no diffusion: the buffer kept pace with the control"
    if wdq >= -1:
        return (
            "some displacement: crime rose in the buffer relative to the control, but by "
            "less than it fell in the treated area, so there is a net benefit"
        )
    return (
        "displacement greater than the benefit: crime rose in the buffer by more than it "
        "fell in the treated area (relative to the control)"
    )


def weighted_displacement_quotient(
    treated_before: float,
    treated_after: float,
    buffer_before: float,
    buffer_after: float,
    control_before: float,
    control_after: float,
    *,
    min_change: float = 0.05,
) -> DisplacementQuotient:
    """The Weighted Displacement Quotient of a buffer (Bowers and Johnson 2003).

    Parameters
    ----------
    treated_before, treated_after : float
        Crimes in the treated area (Rb, Ra).
    buffer_before, buffer_after : float
        Crimes in the buffer (Db, Da).
    control_before, control_after : float
        Crimes in the control area (Cb, Ca).
    min_change : float
        A quotient is given only when the treated area changed, relative to
        the control, by at least this share of its before level
        (``|success| >= min_change * Rb/Cb``); otherwise its denominator is
        near zero and a warning is given instead.

    Returns
    -------
    DisplacementQuotient

    Notes
    -----
    Bowers, K. J. and Johnson, S. D. (2003) "Measuring the geographical
    displacement and diffusion of benefit effects of crime prevention
    activity", Journal of Quantitative Criminology 19(3), 275-301.

    Examples
    --------
    >>> q = weighted_displacement_quotient(100, 60, 80, 90, 1000, 1000)
    >>> round(q.success_measure, 3), round(q.wdq, 3), q.net_effect
    (-0.04, -0.25, 30.0)
    """
    n = _check_counts(
        treated_before=treated_before,
        treated_after=treated_after,
        buffer_before=buffer_before,
        buffer_after=buffer_after,
        control_before=control_before,
        control_after=control_after,
    )
    if isinstance(min_change, bool) or not isinstance(min_change, int | float):
        raise TypeError(f"min_change must be a number, got {type(min_change).__name__}")
    if not 0 <= min_change < 1:
        raise ValueError(f"min_change must be at least 0 and below 1, got {min_change}")
    rb, ra, db, da, cb, ca = n.values()
    nan = math.nan
    if cb == 0 or ca == 0:
        warning = "no quotient: the control has no crimes in a window"
        return DisplacementQuotient(
            rb, ra, db, da, cb, ca, nan, nan, nan, nan, "", warning, float(min_change)
        )
    success = ra / ca - rb / cb
    displacement = da / ca - db / cb
    net = (rb * ca / cb - ra) + (db * ca / cb - da)
    warning, wdq = None, nan
    if rb == 0 or abs(success) < min_change * (rb / cb):
        warning = (
            "no quotient: the treated area barely changed relative to the control "
            f"(success measure {success:.3g}), so the quotient's denominator is near zero"
        )
        reading = "the scheme shows no clear effect in the treated area to weigh displacement by"
    elif success > 0:
        warning = (
            "no quotient: crime rose in the treated area relative to the control, so there is "
            "no benefit to be displaced or diffused"
        )
        reading = "the scheme did not reduce crime in the treated area relative to the control"
    else:
        wdq = displacement / success
        reading = _reading(wdq)
    return DisplacementQuotient(
        rb,
        ra,
        db,
        da,
        cb,
        ca,
        success,
        displacement,
        wdq,
        net,
        reading,
        warning,
        float(min_change),
    )
