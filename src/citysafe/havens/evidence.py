"""The network as a scheme for the evidence engine, and the evidence for it (issue 6, item 8).

Each venue that is or was active is a site of the scheme at its location,
starting in the month it joined; the evidence engine (``citysafe.schemes``)
stores the scheme and evaluates it: the halo over distance rings, before and
after by crime type against the comparison, displacement or diffusion, and
the cost-benefit. Nothing here computes a statistic: the figures are the
engine's, regrouped for the network's page.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy.orm import Session

from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.havens.errors import HavenError
from citysafe.havens.models import Venue
from citysafe.havens.venues import list_venues, today
from citysafe.schemes import service as schemes
from citysafe.schemes.evaluate import SchemeEvaluation, Settings, evaluate_scheme
from citysafe.schemes.models import Scheme

__all__ = [
    "KIND",
    "SCHEME_NAME",
    "SETUP_COST",
    "NetworkEvidence",
    "NetworkScheme",
    "SkippedVenue",
    "define_network_scheme",
    "network_evidence",
    "network_scheme",
    "network_sites",
    "network_status",
]

KIND = "safe haven network"
SCHEME_NAME = "Safe Haven network"
SETUP_COST = 25_000.0  # seed 000: the Liverpool scheme "was set up for £25,000"
HALO_TYPES = ("All crime", "Violence and sexual offences")
DESCRIPTION = (
    "The Safe Haven network's venues, each a site from the month it joined "
    "(defined from the venues by citysafe havens evidence)."
)


@dataclass(frozen=True)
class SkippedVenue:
    """A venue left out of the scheme, and why."""

    venue_id: int
    name: str
    status: str
    reason: str


@dataclass(frozen=True)
class NetworkScheme:
    """The network's scheme as stored, beside what the venues say it should be.

    Attributes
    ----------
    name : str or None
        The stored scheme's name; None when none is defined yet.
    sites : int
        Sites stored (0 when none is defined).
    venues : int
        Venues that would be sites today.
    skipped : tuple of SkippedVenue
        Venues left out, with the reason.
    up_to_date : bool
        The stored sites are the venues' (location, start month, name).
    changed : bool
        This call rewrote the scheme (``define_network_scheme`` only).
    """

    name: str | None
    sites: int
    venues: int
    skipped: tuple[SkippedVenue, ...]
    setup_cost: float | None
    running_cost_per_year: float | None
    first_start: str | None
    last_start: str | None
    up_to_date: bool
    changed: bool = False

    def as_dict(self) -> dict:
        out = asdict(self)
        out["skipped"] = [asdict(s) for s in self.skipped]
        return out


@dataclass(frozen=True)
class NetworkEvidence:
    """The network's scheme and the evidence engine's evaluation of it."""

    scheme: NetworkScheme
    evaluation: SchemeEvaluation

    def halo(self) -> list[dict]:
        """Ring by ring, for all crime and for violence: the effect against the comparison."""
        rows = []
        for ring in self.evaluation.as_dict()["rings"]:
            row = {"inner_m": ring["inner_m"], "outer_m": ring["outer_m"], "points": ring["points"]}
            for name in HALO_TYPES:
                effect = ring["by_type"].get(name) or {}
                relative = effect.get("relative") or {}
                row[name] = {
                    "before": effect.get("before"),
                    "after": effect.get("after"),
                    "ratio": relative.get("ratio"),
                    "ci_low": relative.get("ci_low"),
                    "ci_high": relative.get("ci_high"),
                    "p_value": relative.get("p_value"),
                }
            rows.append(row)
        return rows

    def as_dict(self) -> dict:
        return {
            "scheme": self.scheme.as_dict(),
            "halo": self.halo(),
            "evaluation": self.evaluation.as_dict(),
        }


def _was_active(venue: Venue, on: date) -> bool:
    return venue.status == "active" or any(
        c.status == "active" and c.changed_on <= on for c in venue.history
    )


def network_sites(
    session: Session, *, on: date | None = None
) -> tuple[list[schemes.SiteInput], list[SkippedVenue]]:
    """Each venue active on ``on`` (default today), or active before it, as a site from the
    month it joined; the others, with the reason each is left out.

    A venue withdrawn or suspended after being active stays a site: the
    evidence engine gives a site a start but no end, and its months as a
    venue count.
    """
    on = on or today()
    sites, skipped = [], []
    for venue in list_venues(session):
        reason = None
        if not _was_active(venue, on):
            reason = f"never active (status {venue.status})"
        elif venue.joined_on is None:
            reason = "no joined date: set one on the venue's page"
        elif venue.joined_on > on:
            reason = f"joins on {venue.joined_on:%Y-%m-%d}, after {on:%Y-%m-%d}"
        if reason:
            skipped.append(SkippedVenue(venue.id, venue.name, venue.status, reason))
            continue
        sites.append(
            schemes.SiteInput(
                venue.longitude, venue.latitude, f"{venue.joined_on:%Y-%m}", venue.name[:200]
            )
        )
    return sites, skipped


def network_scheme(session: Session, name: str | None = None) -> Scheme | None:
    """The stored scheme of the network: ``name`` if given, else the one scheme of kind
    "safe haven network" (the first by name when there are several)."""
    if name is not None:
        found = [s for s in schemes.schemes(session) if s.name == name]
    else:
        found = [s for s in schemes.schemes(session) if s.kind == KIND]
    return found[0] if found else None


def _site_key(site) -> tuple:
    return (round(site.longitude, 7), round(site.latitude, 7), site.start_month, site.name)


def _status(
    scheme: Scheme | None, sites: list, skipped: list[SkippedVenue], *, changed: bool = False
) -> NetworkScheme:
    starts = sorted(s.start_month for s in sites)
    stored = [] if scheme is None else scheme.sites
    return NetworkScheme(
        name=None if scheme is None else scheme.name,
        sites=len(stored),
        venues=len(sites),
        skipped=tuple(skipped),
        setup_cost=None if scheme is None else scheme.setup_cost,
        running_cost_per_year=None if scheme is None else scheme.running_cost_per_year,
        first_start=starts[0] if starts else None,
        last_start=starts[-1] if starts else None,
        up_to_date=scheme is not None
        and sorted(map(_site_key, stored)) == sorted(map(_site_key, sites)),
        changed=changed,
    )


def network_status(
    session: Session, *, name: str | None = None, on: date | None = None
) -> NetworkScheme:
    """The stored scheme beside the venues, without changing anything."""
    sites, skipped = network_sites(session, on=on)
    return _status(network_scheme(session, name), sites, skipped)


def _check_cost(value: float | None, field: str) -> None:
    if value is not None and (
        not isinstance(value, int | float) or not math.isfinite(value) or value < 0
    ):
        raise HavenError(
            f"{field}: must be a number of pounds, 0 or more (got {value})", field=field
        )


def define_network_scheme(
    session: Session,
    *,
    actor: Actor,
    name: str | None = None,
    setup_cost: float | None = None,
    running_cost_per_year: float | None = None,
    description: str | None = None,
    on: date | None = None,
) -> NetworkScheme:
    """Make the network's scheme from its venues, or bring it up to date with them.

    Parameters
    ----------
    name : str, optional
        The scheme's name; default the network's scheme already stored, else
        "Safe Haven network".
    setup_cost, running_cost_per_year : float, optional
        Pounds; default what the stored scheme has, else £25,000 set-up
        (seed 000's figure) and nothing a year.
    on : datetime.date, optional
        The day the venues are read as of (default today).

    Raises
    ------
    HavenError
        A negative or non-finite cost, a scheme of that name that is not a
        Safe Haven network, or no venue to make a site of.
    """
    _check_cost(setup_cost, "setup_cost")
    _check_cost(running_cost_per_year, "running_cost_per_year")
    old = network_scheme(session, name)
    if old is not None and old.kind != KIND:
        raise HavenError(
            f"name: the scheme {old.name!r} is a {old.kind} scheme, not the network's", field="name"
        )
    name = name or (old.name if old is not None else SCHEME_NAME)
    if setup_cost is None:
        setup_cost = SETUP_COST if old is None else old.setup_cost
    if running_cost_per_year is None:
        running_cost_per_year = 0.0 if old is None else old.running_cost_per_year
    description = description or (old.description if old is not None else DESCRIPTION)
    sites, skipped = network_sites(session, on=on)
    if not sites:
        raise HavenError(
            f"no venue can be a site: {len(skipped)} venues, none active with a joined date"
        )
    current = _status(old, sites, skipped)
    if (
        current.up_to_date
        and old.setup_cost == setup_cost
        and old.running_cost_per_year == running_cost_per_year
    ):
        return current
    if old is not None:
        session.delete(old)
        session.flush()
    try:
        scheme = schemes.add_scheme(
            session,
            name=name,
            kind=KIND,
            setup_cost=float(setup_cost),
            running_cost_per_year=float(running_cost_per_year),
            description=description,
            sites=sites,
        )
    except schemes.SchemeError as error:
        raise HavenError(str(error)) from None
    audit.record(
        session,
        actor=actor,
        action="create" if old is None else "update",
        record_type="scheme",
        record_id=scheme.id,
        detail={
            "name": name,
            "sites": len(sites),
            "skipped": len(skipped),
            "setup_cost": setup_cost,
            "from": "haven venues",
        },
    )
    return _status(scheme, sites, skipped, changed=True)


def network_evidence(
    session: Session,
    *,
    settings: Settings | None = None,
    name: str | None = None,
    on: date | None = None,
) -> NetworkEvidence:
    """The evidence engine's evaluation of the network's stored scheme.

    Raises
    ------
    HavenError
        No network scheme is defined yet.
    citysafe.schemes.service.SchemeError
        The evaluation cannot run (an empty crime store, unknown crime types).
    """
    status = network_status(session, name=name, on=on)
    if status.name is None:
        raise HavenError(
            "the network is not a scheme yet: define it from the venues "
            "(citysafe havens evidence, or Refresh on the evidence page)"
        )
    return NetworkEvidence(status, evaluate_scheme(session, status.name, settings or Settings()))
