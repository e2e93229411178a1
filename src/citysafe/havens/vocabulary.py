"""The words the Safe Haven records use: venue kinds, statuses, reasons, actions, courses."""

from __future__ import annotations

VENUE_KINDS = (
    "shop",
    "takeaway",
    "pharmacy",
    "library",
    "community centre",
    "leisure",
    "faith",
    "other",
)
STATUSES = ("nominated", "approved", "active", "suspended", "withdrawn")
AGE_BANDS = ("under 11", "11-13", "14-15", "16-17", "18-24", "25-64", "65 or over", "not known")
REASONS = (
    "followed or threatened",
    "lost or separated",
    "unwell",
    "bullying",
    "domestic",
    "other",
)
ACTIONS = ("called parent or carer", "called police", "called ambulance", "stayed until safe")
OUTREACH_KINDS = ("school assembly", "youth group", "community event", "social media", "other")
NOMINATION_STATUSES = ("received", "contacted", "approved", "declined")

FIRST_AID = "first aid"
SAFEGUARDING = "safeguarding"
REQUIRED_COURSES = (FIRST_AID, SAFEGUARDING)
# how long a course stays current when no expiry is given: HSE's first aid at
# work certificates last three years; safeguarding refreshers are commonly due
# every two to three years, so three is the longest we assume
DEFAULT_VALIDITY_YEARS = {FIRST_AID: 3, SAFEGUARDING: 3}
EXPIRY_WARNING_DAYS = 30


def choice(value: str | None, allowed: tuple[str, ...], field: str) -> str:
    """``value`` (any case, spaces trimmed) if it is one of ``allowed``; else a clear error."""
    text = (value or "").strip().lower()
    if text not in allowed:
        raise ValueError(f"{field}: {value!r} is not one of: {', '.join(allowed)}")
    return text
