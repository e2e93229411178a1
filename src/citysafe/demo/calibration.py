"""Figures the demo city borrows from real police.uk data, and the months it covers.

Every share here was measured once on Merseyside Police's street-level files
for Liverpool, 2018-01 to 2021-12 (275,964 rows, Open Government Licence
v3.0; see ``../shared/data/README.md``), and rounded. No real row, street or
coordinate is copied: only these aggregate proportions.
"""

from __future__ import annotations

__all__ = [
    "FIRST_YEAR",
    "MONTHS",
    "OUTCOMES",
    "SEASONALITY",
    "TYPE_SHARES",
    "UNDER_INVESTIGATION",
    "month_label",
]

# The demo's 36 months, fixed so that a build does not depend on today's date.
FIRST_YEAR = 2022
MONTHS = 36


def month_label(index: int) -> str:
    """``YYYY-MM`` of a demo month numbered from 1 (2022-01) to 36 (2024-12)."""
    year, month = divmod(FIRST_YEAR * 12 + index - 1, 12)
    return f"{year:04d}-{month + 1:02d}"


# Share of all rows by crime type, Liverpool 2018-01 to 2021-12.
TYPE_SHARES: dict[str, float] = {
    "Anti-social behaviour": 0.18856,
    "Bicycle theft": 0.01192,
    "Burglary": 0.05283,
    "Criminal damage and arson": 0.08004,
    "Drugs": 0.08001,
    "Other crime": 0.01637,
    "Other theft": 0.05608,
    "Possession of weapons": 0.00778,
    "Public order": 0.08887,
    "Robbery": 0.01024,
    "Shoplifting": 0.04350,
    "Theft from the person": 0.01774,
    "Vehicle crime": 0.04998,
    "Violence and sexual offences": 0.29608,
}

# Rows per calendar month over the year's mean, Liverpool 2018-2019.
SEASONALITY = (0.950, 0.895, 0.984, 0.976, 1.055, 0.967, 1.041, 1.011, 0.963, 1.129, 1.062, 0.966)

# Last outcome category by crime type for months whose outcomes had settled
# (2018-01 to 2021-05): every outcome with a share of at least 0.4 %; the
# shares are renormalised when drawn. Anti-social behaviour has no outcome.
OUTCOMES: dict[str, tuple[tuple[str, float], ...]] = {
    "Bicycle theft": (
        ("Investigation complete; no suspect identified", 0.923),
        ("Unable to prosecute suspect", 0.059),
        ("Court result unavailable", 0.009),
    ),
    "Burglary": (
        ("Investigation complete; no suspect identified", 0.839),
        ("Unable to prosecute suspect", 0.102),
        ("Court result unavailable", 0.040),
    ),
    "Criminal damage and arson": (
        ("Investigation complete; no suspect identified", 0.686),
        ("Unable to prosecute suspect", 0.230),
        ("Court result unavailable", 0.044),
        ("Local resolution", 0.011),
        ("Further investigation is not in the public interest", 0.005),
        ("Offender given a caution", 0.005),
    ),
    "Drugs": (
        ("Court result unavailable", 0.226),
        ("Offender given a drugs possession warning", 0.195),
        ("Local resolution", 0.114),
        ("Offender given a caution", 0.103),
        ("Further action is not in the public interest", 0.096),
        ("Unable to prosecute suspect", 0.086),
        ("Offender given penalty notice", 0.052),
        ("Status update unavailable", 0.028),
        ("Awaiting court outcome", 0.023),
    ),
    "Other crime": (
        ("Unable to prosecute suspect", 0.524),
        ("Investigation complete; no suspect identified", 0.167),
        ("Court result unavailable", 0.162),
        ("Further investigation is not in the public interest", 0.039),
        ("Status update unavailable", 0.028),
        ("Action to be taken by another organisation", 0.019),
        ("Awaiting court outcome", 0.015),
        ("Formal action is not in the public interest", 0.009),
        ("Offender given a caution", 0.007),
    ),
    "Other theft": (
        ("Investigation complete; no suspect identified", 0.814),
        ("Unable to prosecute suspect", 0.139),
        ("Court result unavailable", 0.015),
        ("Further investigation is not in the public interest", 0.011),
        ("Action to be taken by another organisation", 0.005),
        ("Local resolution", 0.005),
        ("Status update unavailable", 0.004),
    ),
    "Possession of weapons": (
        ("Court result unavailable", 0.406),
        ("Unable to prosecute suspect", 0.288),
        ("Investigation complete; no suspect identified", 0.088),
        ("Awaiting court outcome", 0.034),
        ("Offender given community sentence", 0.028),
        ("Offender given a caution", 0.024),
        ("Offender given suspended prison sentence", 0.020),
        ("Status update unavailable", 0.018),
        ("Further investigation is not in the public interest", 0.018),
    ),
    "Public order": (
        ("Unable to prosecute suspect", 0.520),
        ("Investigation complete; no suspect identified", 0.308),
        ("Court result unavailable", 0.086),
        ("Further investigation is not in the public interest", 0.034),
        ("Awaiting court outcome", 0.008),
        ("Local resolution", 0.007),
        ("Offender given penalty notice", 0.005),
        ("Status update unavailable", 0.005),
        ("Formal action is not in the public interest", 0.005),
    ),
    "Robbery": (
        ("Investigation complete; no suspect identified", 0.540),
        ("Unable to prosecute suspect", 0.350),
        ("Court result unavailable", 0.080),
        ("Offender sent to prison", 0.008),
        ("Status update unavailable", 0.008),
    ),
    "Shoplifting": (
        ("Investigation complete; no suspect identified", 0.571),
        ("Court result unavailable", 0.149),
        ("Unable to prosecute suspect", 0.137),
        ("Further investigation is not in the public interest", 0.033),
        ("Local resolution", 0.030),
        ("Offender given penalty notice", 0.016),
        ("Offender given community sentence", 0.010),
        ("Offender sent to prison", 0.008),
        ("Offender fined", 0.008),
    ),
    "Theft from the person": (
        ("Investigation complete; no suspect identified", 0.858),
        ("Unable to prosecute suspect", 0.111),
        ("Court result unavailable", 0.015),
    ),
    "Vehicle crime": (
        ("Investigation complete; no suspect identified", 0.898),
        ("Unable to prosecute suspect", 0.065),
        ("Court result unavailable", 0.023),
    ),
    "Violence and sexual offences": (
        ("Unable to prosecute suspect", 0.694),
        ("Investigation complete; no suspect identified", 0.151),
        ("Court result unavailable", 0.076),
        ("Further investigation is not in the public interest", 0.018),
        ("Action to be taken by another organisation", 0.010),
        ("Status update unavailable", 0.010),
        ("Local resolution", 0.009),
        ("Awaiting court outcome", 0.008),
        ("Offender given a caution", 0.004),
    ),
}

# Share of crimes still "Under investigation" in the newest months of a
# download, by age in months (0 = the newest): Liverpool 2021-06 to 2021-12 as
# published, ages 1 and 2 interpolated (those months are missing there).
UNDER_INVESTIGATION = (0.30, 0.24, 0.18, 0.14, 0.10, 0.07, 0.06)
