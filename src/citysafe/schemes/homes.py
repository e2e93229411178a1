"""A home-security programme's outcomes for the Evidence engine: burglary per 1,000
households, protected or not, from the home-security domain's records."""

from __future__ import annotations

from sqlalchemy.orm import Session

from citysafe.analysis._homes import HomesProgramme


def programme_outcomes(
    session: Session, *, first: str | None = None, last: str | None = None
) -> tuple[HomesProgramme, dict] | None:
    """The programme's rates over ``first``..``last`` (default: fitting's start to the data's
    end), and how burglaries were linked to homes; None when it holds no households."""
    from citysafe.homes import service as homes

    if not homes.household_count(session):
        return None
    found = homes.programme_outcomes(session, first=first, last=last)
    force = found.programme.force
    return found.programme, {
        "link": found.link,
        "households_source": "homes_households",
        "force_households": None if force is None else round(force.households),
    }
