"""police.uk's fixed vocabulary for street-level crime files.

Crime types are stored by a small integer code that never changes, so the
``crime_types`` table and these tuples agree across versions. The two legacy
types appear only in files before May 2013, when police.uk split them.
"""

HEADER = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)

# (code, name, legacy)
CRIME_TYPES: tuple[tuple[int, str, bool], ...] = (
    (1, "Anti-social behaviour", False),
    (2, "Bicycle theft", False),
    (3, "Burglary", False),
    (4, "Criminal damage and arson", False),
    (5, "Drugs", False),
    (6, "Other crime", False),
    (7, "Other theft", False),
    (8, "Possession of weapons", False),
    (9, "Public order", False),
    (10, "Robbery", False),
    (11, "Shoplifting", False),
    (12, "Theft from the person", False),
    (13, "Vehicle crime", False),
    (14, "Violence and sexual offences", False),
    (15, "Violent crime", True),
    (16, "Public disorder and weapons", True),
)

CODE_BY_NAME = {name: code for code, name, _ in CRIME_TYPES}
NAME_BY_CODE = {code: name for code, name, _ in CRIME_TYPES}
CURRENT_TYPES = tuple(name for _, name, legacy in CRIME_TYPES if not legacy)

# Where a row's point may lie: Great Britain's extent in longitude/latitude.
GB_LON = (-8.75, 1.80)
GB_LAT = (49.85, 60.90)
