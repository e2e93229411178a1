"""``citysafe scheme``: add, import and list prevention schemes."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from citysafe import db
from citysafe.console import err, open_store, out
from citysafe.schemes import service

ALL_CRIME = "All crime"

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


def evaluate(
    name: str = typer.Argument(..., help="The scheme's name."),
    months_before: int = typer.Option(12, help="Months in the before window."),
    months_after: int = typer.Option(12, help="Months in the after window."),
    types: list[str] = typer.Option(
        None, "--types", help="police.uk crime type; repeat (default: every type, and All crime)."
    ),
    control: list[str] = typer.Option(
        None,
        "--control",
        help="Code of an imported area to "
        "compare with; repeat (default: the rest of the force "
        "area beyond the largest ring).",
    ),
    rings: str = typer.Option("50,100,200,400", help="Ring upper edges in metres."),
    permutations: int = typer.Option(999, help="Placebo site sets for the inner ring."),
    seed: int = typer.Option(1, help="Random seed: the same seed gives the same report."),
    force: str = typer.Option(None, help="Only this force's crimes."),
    as_json: bool = typer.Option(False, "--json", help="Print the evaluation as JSON."),
    csv_file: Path = typer.Option(None, "--csv", help="Write rings x types as CSV here."),
    html_file: Path = typer.Option(None, "--html", help="Write the printable report here."),
) -> None:
    """Evaluate a scheme: before/after by type, against a comparison, rings, placebo, costs."""
    from citysafe.schemes import report as reports
    from citysafe.schemes.evaluate import Settings, evaluate_scheme, to_json

    try:
        edges = tuple(float(v) for v in rings.split(",") if v.strip())
    except ValueError:
        err.print(f"[red]error:[/red] --rings {rings!r} is not a list of metres")
        raise typer.Exit(2) from None
    settings = Settings(
        months_before=months_before,
        months_after=months_after,
        rings=edges,
        types=tuple(types) if types else None,
        control_areas=tuple(control or ()),
        permutations=permutations,
        seed=seed,
        force=force,
    )
    try:
        with db.session_scope(open_store()) as session:
            result = evaluate_scheme(session, name, settings)
    except (service.SchemeError, ValueError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    if csv_file:
        csv_file.write_text(reports.csv_text(result))
    if html_file:
        html_file.write_text(reports.html_report(result))
    if as_json:
        typer.echo(to_json(result))
        return
    print_summary(result)


def print_summary(result) -> None:
    """The seed's table: "Violence ... -29% (95% CI ...)", against the comparison too."""
    from citysafe.schemes import report as reports

    table = Table(
        title=f"{result.scheme['name']}: within {result.settings.rings[0]:g} m, "
        f"{result.settings.months_before} months before vs "
        f"{result.settings.months_after} after"
    )
    for column in (
        "crime type",
        "before",
        "after",
        "change (95% CI)",
        "against comparison (95% CI)",
        "p",
    ):
        table.add_column(column)
    for row in reports.headline_rows(result):
        p = "n/a" if row["p"] is None else f"{row['p']:.2g}"
        table.add_row(
            row["type"],
            str(row["before"]),
            str(row["after"]),
            f"{row['change']} ({row['change_ci']})",
            f"{row['relative']} ({row['relative_ci']})",
            p,
        )
    out.print(table)
    data = result.as_dict()
    placebo = data.get("placebo") or {}
    for name in (ALL_CRIME, *(result.settings.types or ())):
        found = (placebo.get("by_type") or {}).get(name)
        if found:
            out.print(
                f"placebo test, inner ring, {name}: pseudo p = {found['p_sim']:.3g} "
                f"(two-sided {found['p_value']:.3g}) from {placebo.get('permutations')} "
                f"placebo site sets, seed {placebo.get('seed')}"
            )
    if placebo.get("warning"):
        out.print(f"[yellow]placebo warning:[/yellow] {placebo['warning']}")
    money = data.get("cost_benefit")
    if money:
        out.print(
            f"cost-benefit: net saving £{(money.get('net') or 0):,.0f} against £"
            f"{(money.get('cost') or 0):,.0f}; return per pound "
            f"{money.get('return_per_pound') or 0:,.1f}; unverified unit costs: "
            f"{', '.join(money.get('unverified') or []) or 'none'}"
        )
    homes = data.get("homes")
    if homes:
        out.print(reports.homes_line(homes))
    out.print("Locations are police.uk map points, not exact places: a ring counts map points.")
