"""Use cases of the home-security programme, gathered: other domains call homes through here.

Split by topic: ``areas`` (target areas), ``households`` (CSV import,
deduplication), ``jobs`` (requests, bookings, installs, the catalogue and
teams), ``outcomes`` (coverage and burglary rates) and ``demo`` (the demo
city's programme as records).
"""

from __future__ import annotations

from citysafe.homes.areas import add_target_area, assign_target_areas, target_areas
from citysafe.homes.audits import (
    CHECKLIST,
    AuditSummary,
    JobAudit,
    audit_summary,
    job_audit,
    record_audit,
)
from citysafe.homes.claims import ClaimsSummary, add_claim, claims_summary, decide_claim, job_claims
from citysafe.homes.cocoon import CocoonRun, active_moves, apply_cocoon, report_burglary
from citysafe.homes.cocoon_window import (
    CocoonWindow,
    WindowAnalysis,
    analyse_window,
    cocoon_window,
)
from citysafe.homes.costs import BurglaryCost, ProgrammeCosts, burglary_cost, savings_chart
from citysafe.homes.coverage import CoverageSeries, coverage_by_month, coverage_chart
from citysafe.homes.dayplan import DayPlan, find_team, plan_day, set_team_base
from citysafe.homes.eligibility import RULES, Decision, decide
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
from citysafe.homes.outcomes import (
    ProgrammeOutcomes,
    outcome_lines,
    programme_outcomes,
    programme_settings,
    set_programme,
)
from citysafe.homes.queue import QueueEntry, queue
from citysafe.homes.requests import (
    UNPLACED,
    RequestReceipt,
    decide_request,
    request,
    requests,
    submit_public_request,
    submit_request,
    withdraw_request,
)

__all__ = [
    "CHECKLIST",
    "AuditSummary",
    "ClaimsSummary",
    "DayPlan",
    "JobAudit",
    "add_claim",
    "audit_summary",
    "claims_summary",
    "decide_claim",
    "find_team",
    "job_audit",
    "job_claims",
    "plan_day",
    "record_audit",
    "set_team_base",
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
    "CocoonRun",
    "CocoonWindow",
    "WindowAnalysis",
    "active_moves",
    "analyse_window",
    "apply_cocoon",
    "cocoon_window",
    "report_burglary",
    "RULES",
    "Decision",
    "decide",
    "QueueEntry",
    "queue",
    "UNPLACED",
    "RequestReceipt",
    "decide_request",
    "request",
    "requests",
    "submit_public_request",
    "submit_request",
    "withdraw_request",
    "BurglaryCost",
    "CoverageSeries",
    "ProgrammeCosts",
    "burglary_cost",
    "coverage_by_month",
    "coverage_chart",
    "outcome_lines",
    "programme_settings",
    "savings_chart",
]
