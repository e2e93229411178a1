"""``citysafe areas``: import boundary files and list the areas held."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from citysafe import db
from citysafe.areas import service
from citysafe.areas.models import AREA_KINDS
from citysafe.console import err, open_store, out

app = typer.Typer(
    help="Wards, LSOAs and other areas: import boundary files, list them.",
    no_args_is_help=True,
)


def _kind(value: str) -> str:
    if value not in AREA_KINDS:
        raise typer.BadParameter(f"must be one of {', '.join(AREA_KINDS)}")
    return value


@app.command("import")
def import_file(
    path: Path = typer.Argument(..., help="A GeoJSON file (.geojson/.json) or a shapefile (.shp)."),
    kind: str = typer.Option(
        ..., callback=_kind, help=f"What the areas are: {', '.join(AREA_KINDS)}."
    ),
    code_field: str = typer.Option(None, help="Field holding each area's code (default: guess)."),
    name_field: str = typer.Option(None, help="Field holding each area's name (default: guess)."),
    as_json: bool = typer.Option(False, "--json", help="Print what was done as JSON."),
) -> None:
    """Import a boundary file; importing it again updates its areas (by kind and code)."""
    engine = open_store()
    try:
        with db.session_scope(engine) as session:
            report = service.import_boundaries(
                session, path, kind=kind, code_field=code_field, name_field=name_field
            )
    except service.BoundaryError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    guessed = " (guessed)"
    out.print(
        f"{report.path}: {report.read} {kind} areas, {report.created} new, "
        f"{report.updated} updated; coordinates {report.crs}"
    )
    out.print(f"  codes from field {report.code_field}{'' if code_field else guessed}")
    out.print(
        f"  names from {report.names_from}{'' if name_field or not report.name_field else guessed}"
    )


@app.command("list")
def list_areas(
    kind: str = typer.Option(None, help="Only areas of this kind."),
    as_json: bool = typer.Option(False, "--json", help="Print the areas as JSON."),
) -> None:
    """List the imported areas: kind, code, name and source file."""
    if kind is not None:
        _kind(kind)
    engine = open_store()
    with db.session_scope(engine) as session:
        rows = [
            {"kind": a.kind, "code": a.code, "name": a.name, "source": a.source}
            for a in service.areas(session, kind=kind)
        ]
    if as_json:
        typer.echo(json.dumps({"areas": rows}, indent=2))
        return
    if not rows:
        out.print("no areas: import some with `citysafe areas import FILE --kind ward`")
        return
    table = Table(title=f"{len(rows)} areas")
    for name in ("kind", "code", "name", "source"):
        table.add_column(name)
    for row in rows:
        table.add_row(row["kind"], row["code"], row["name"], row["source"])
    out.print(table)
