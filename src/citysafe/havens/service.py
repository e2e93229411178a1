"""Use cases of the Safe Haven network, gathered: other domains call havens through here.

The work is split by topic: ``venues`` (venues, status, hours, hardening),
``hours`` (opening hours and shift patterns), ``training`` (staff, courses,
shifts), ``readiness`` (the readiness rule), ``finder`` and ``places`` (the
public finder), ``usage``, ``outreach``, ``nominations``, ``transfer``
(CSV and GeoJSON) and ``coverage`` (coverage and siting).
"""

from __future__ import annotations

from citysafe.havens.coverage import Candidate, network_coverage, recommend_sites
from citysafe.havens.errors import HavenError, NotFound
from citysafe.havens.evidence import (
    define_network_scheme,
    network_evidence,
    network_scheme,
    network_sites,
    network_status,
)
from citysafe.havens.finder import cached_index, load_index, nearest
from citysafe.havens.finder import search as search_index
from citysafe.havens.nominations import nominations, review, submit_nomination
from citysafe.havens.outreach import add_event, events, outreach_totals
from citysafe.havens.places import find_places
from citysafe.havens.readiness import assess, check_network, load_network
from citysafe.havens.training import (
    add_course,
    add_staff,
    expire_course,
    expiring_training,
    set_shifts,
    set_staff_active,
    staff_of,
)
from citysafe.havens.transfer import export_csv, export_geojson, import_venues
from citysafe.havens.usage import monthly_summary, public_figures, record_use, uses
from citysafe.havens.venues import (
    MeasureInput,
    StatusInput,
    VenueDraft,
    add_exception,
    add_measure,
    create_venue,
    get_venue,
    list_venues,
    remove_exception,
    schedule_of,
    set_hours,
    set_status,
    today,
    update_venue,
)

__all__ = [
    "Candidate",
    "HavenError",
    "MeasureInput",
    "NotFound",
    "StatusInput",
    "VenueDraft",
    "add_course",
    "add_event",
    "add_exception",
    "add_measure",
    "add_staff",
    "define_network_scheme",
    "assess",
    "cached_index",
    "check_network",
    "create_venue",
    "events",
    "expire_course",
    "expiring_training",
    "export_csv",
    "export_geojson",
    "find_places",
    "get_venue",
    "import_venues",
    "list_venues",
    "load_index",
    "load_network",
    "monthly_summary",
    "network_evidence",
    "network_scheme",
    "network_sites",
    "network_status",
    "nearest",
    "network_coverage",
    "nominations",
    "outreach_totals",
    "public_figures",
    "recommend_sites",
    "record_use",
    "remove_exception",
    "review",
    "schedule_of",
    "search_index",
    "set_hours",
    "set_shifts",
    "set_staff_active",
    "set_status",
    "staff_of",
    "submit_nomination",
    "today",
    "update_venue",
    "uses",
]
