"""Small police.uk street-level files, written by hand for tests."""

from __future__ import annotations

from citysafe.crime.vocabulary import HEADER

ASB = "Anti-social behaviour"


def row(
    crime_id: str = "a" * 64,
    month: str = "2020-01",
    lon: str = "-2.979000",
    lat: str = "53.410000",
    location: str = "On or near Test Street",
    lsoa: str = "E01006512",
    crime_type: str = "Burglary",
    outcome: str = "Under investigation",
    force: str = "Merseyside Police",
    lsoa_name: str = "Liverpool 022A",
    context: str = "",
) -> list[str]:
    if crime_type == ASB and crime_id == "a" * 64:
        crime_id, outcome = "", ""
    return [
        crime_id,
        month,
        force,
        force,
        lon,
        lat,
        location,
        lsoa,
        lsoa_name,
        crime_type,
        outcome,
        context,
    ]


def crime_id(n: int) -> str:
    return f"{n:064x}"


def csv_bytes(
    rows: list[list[str]],
    *,
    newline: str = "\r\n",
    bom: bool = False,
    header: tuple[str, ...] = HEADER,
    trailing_newline: bool = True,
) -> bytes:
    def quote(value: str) -> str:
        return f'"{value}"' if ("," in value or '"' in value) else value

    lines = [",".join(header)] + [",".join(quote(v) for v in r) for r in rows]
    text = newline.join(lines) + (newline if trailing_newline else "")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
