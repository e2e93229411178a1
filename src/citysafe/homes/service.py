"""Use cases of the home-security programme, gathered: other domains call homes through here.

Split by topic: ``areas`` (target areas), ``households`` (CSV import,
deduplication), ``jobs`` (requests, bookings, installs, the catalogue and
teams), ``outcomes`` (coverage and burglary rates) and ``demo`` (the demo
city's programme as records).
"""

from __future__ import annotations

from citysafe.homes.areas import add_target_area, assign_target_areas, target_areas
from citysafe.homes.errors import HomesError, NotFound
from citysafe.homes.households import (
    HouseholdImport,
    RowProblem,
    address_key,
    household,
    household_count,
    households,
    import_households,
)
from citysafe.homes.jobs import (
    ItemFitted,
    add_team,
    book_job,
    catalogue,
    change_status,
    install_job,
    job,
    job_history,
    job_items,
    request_job,
    set_item_cost,
    stock_catalogue,
)
from citysafe.homes.outcomes import ProgrammeOutcomes, programme_outcomes, set_programme

__all__ = [
    "HomesError",
    "HouseholdImport",
    "ItemFitted",
    "NotFound",
    "ProgrammeOutcomes",
    "RowProblem",
    "add_target_area",
    "add_team",
    "address_key",
    "assign_target_areas",
    "book_job",
    "catalogue",
    "change_status",
    "household",
    "household_count",
    "households",
    "import_households",
    "install_job",
    "job",
    "job_history",
    "job_items",
    "programme_outcomes",
    "request_job",
    "set_item_cost",
    "set_programme",
    "stock_catalogue",
    "target_areas",
]
