"""``citysafe scheme``: add, import and list prevention schemes."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from citysafe import db
from citysafe.console import err, open_store, out
from citysafe.schemes import service

app = typer.Typer(help="Add, import and list prevention schemes.", no_args_is_help=True)



def _store(name, kind, cost, running_cost, sites, areas, description=None) -> None:
    try:
        with db.session_scope(open_store()) as session:
            scheme = service.add_scheme(
                session,
                name=name,
                kind=kind,
                setup_cost=cost,
                running_cost_per_year=running_cost,
                description=description,
                sites=sites,
                areas=areas,
            )
            summary = service.describe(scheme)
    except service.SchemeError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    where = f"{summary['sites']} sites" if summary["sites"] else f"{summary['areas']} areas"
    out.print(
        f"added scheme {name!r}: {where}, starting {summary['first_start']}"
        + (
            f" to {summary['last_start']}"
            if summary["last_start"] != summary["first_start"]
            else ""
        )
    )


@app.command("import")
def import_file(
    path: Path = typer.Argument(
        ...,
        help="A GeoJSON FeatureCollection: Points with a `start` "
        "(YYYY-MM) are sites; Polygons or MultiPolygons make areas.",
    ),
    name: str = typer.Option(..., help="The scheme's name."),
    cost: float = typer.Option(0.0, help="Set-up cost in pounds."),
    running_cost: float = typer.Option(0.0, help="Running cost in pounds a year."),
    kind: str = typer.Option("other", help=f"One of: {', '.join(service.KINDS)}."),
) -> None:
    """Add a scheme from a GeoJSON file of its sites or areas."""
    try:
        sites, areas = service.read_geojson(path)
    except service.SchemeError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    _store(name, kind, cost, running_cost, sites, areas)


@app.command("add")
def add(
    name: str = typer.Argument(..., help="The scheme's name."),
    site: list[str] = typer.Option(None, help="A site as LON,LAT,YYYY-MM[,NAME]; repeat."),
    area: list[str] = typer.Option(
        None, help="The code of an imported area (ward, LSOA...); repeat. Needs --start."
    ),
    start: str = typer.Option(None, help="Start month (YYYY-MM) of the areas."),
    cost: float = typer.Option(0.0, help="Set-up cost in pounds."),
    running_cost: float = typer.Option(0.0, help="Running cost in pounds a year."),
    kind: str = typer.Option("other", help=f"One of: {', '.join(service.KINDS)}."),
) -> None:
    """Add a scheme from sites given here, or from areas already imported."""
    sites, areas = [], []
    for i, text in enumerate(site or [], start=1):
        parts = [p.strip() for p in text.split(",")]
        try:
            lon, lat = float(parts[0]), float(parts[1])
            sites.append(service.SiteInput(lon, lat, parts[2], ",".join(parts[3:]) or None))
        except (ValueError, IndexError):
            err.print(f"[red]error:[/red] --site {i}: {text!r} is not LON,LAT,YYYY-MM[,NAME]")
            raise typer.Exit(2) from None
    if area:
        from citysafe.areas import service as areas_service

        with db.session_scope(open_store()) as session:
            by_code = {a.code: a for a in areas_service.areas(session)}
            for code in area:
                found = by_code.get(code)
                if found is None:
                    err.print(
                        f"[red]error:[/red] no imported area has code {code!r}: import "
                        "the boundaries first with `citysafe areas import`"
                    )
                    raise typer.Exit(2)
                areas.append(service.AreaInput(json.loads(found.geometry), start or "", found.name))
    _store(name, kind, cost, running_cost, sites, areas)


@app.command("list")
def list_schemes(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List schemes with their kind, costs, sites or areas and start months."""
    with db.session_scope(open_store()) as session:
        rows = [service.describe(s) for s in service.schemes(session)]
    if as_json:
        typer.echo(json.dumps({"schemes": rows}, indent=2))
        return
    table = Table(title="schemes")
    for column in ("name", "kind", "set-up £", "running £/yr", "sites", "areas", "starts"):
        table.add_column(column)
    for row in rows:
        starts = row["first_start"] + (
            "" if row["last_start"] == row["first_start"] else f" to {row['last_start']}"
        )
        table.add_row(
            row["name"],
            row["kind"],
            f"{row['setup_cost']:,.0f}",
            f"{row['running_cost_per_year']:,.0f}",
            str(row["sites"]),
            str(row["areas"]),
            starts,
        )
    out.print(table if rows else "no schemes yet: add one with citysafe scheme import")
