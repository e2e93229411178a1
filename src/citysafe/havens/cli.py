"""``citysafe havens``: the Safe Haven network from the command line, thin over its services.

Exit codes: 0 done; 1 some rows of a file were refused (the rest stored);
2 the command could not run (bad input, out-of-date database).
"""

from __future__ import annotations

import csv
import getpass
import json
from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from citysafe import db
from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.console import err, open_store, out
from citysafe.havens import hours as hours_
from citysafe.havens import service

app = typer.Typer(
    help="Run the Safe Haven network: readiness, import and export, finder, usage, siting.",
    no_args_is_help=True,
)


def _actor() -> Actor:
    return Actor(user_id=None, username=f"cli:{getpass.getuser()}", client="command line")


def _print_json(value) -> None:
    typer.echo(json.dumps(value, indent=2, default=str))


def _fail(error: Exception) -> None:
    err.print(f"[red]error:[/red] {error}")
    raise typer.Exit(2) from None


@app.command("check")
def check(
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
    days: int = typer.Option(30, help="Warn of training expiring within this many days."),
) -> None:
    """Venues that are not ready (with every reason), and training expiring soon."""
    with db.session_scope(open_store()) as session:
        found = service.check_network(session, days=days)
        audit.record(
            session,
            actor=_actor(),
            action="read",
            record_type="haven_staff",
            record_id="expiring",
            detail={"count": len(found.expiring)},
        )
    if as_json:
        _print_json(found.as_dict())
        return
    out.print(
        f"[bold]{found.ready} of {found.venues}[/bold] venues ready on {found.on} "
        "(approved, active or suspended venues are checked)"
    )
    if found.not_ready:
        table = Table(title="not ready")
        for name in ("id", "venue", "status", "why"):
            table.add_column(name)
        for r in found.not_ready:
            table.add_row(str(r.venue_id), r.venue, r.status or "", "\n".join(r.reasons))
        out.print(table)
    if found.expiring:
        table = Table(title=f"training expiring within {days} days")
        for name in ("venue", "staff", "course", "expires"):
            table.add_column(name)
        for e in found.expiring:
            table.add_row(e.venue, e.staff, e.course, str(e.expires_on))
        out.print(table)
    else:
        out.print(f"no training expires within {days} days")


@app.command("list")
def list_venues(
    status: str = typer.Option(None, help="Only venues of this status."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Venues with kind, status, and whether each is ready today."""
    with db.session_scope(open_store()) as session:
        try:
            venues = service.list_venues(session, status=status)
        except service.HavenError as error:
            _fail(error)
        on = service.today()
        ready = {r.id: service.assess(r, on).ready for r in service.load_network(session)}
        rows = [
            {
                "id": v.id,
                "name": v.name,
                "kind": v.kind,
                "status": v.status,
                "ready": ready.get(v.id, False),
            }
            for v in venues
        ]
    if as_json:
        _print_json({"venues": rows})
        return
    table = Table(title=f"{len(rows)} venues")
    for name in ("id", "name", "kind", "status", "ready"):
        table.add_column(name)
    for row in rows:
        table.add_row(
            str(row["id"]), row["name"], row["kind"], row["status"], "yes" if row["ready"] else "no"
        )
    out.print(table)


@app.command("import")
def import_file(
    path: Path = typer.Argument(..., help="A CSV file (the export's columns) or GeoJSON file."),
    update: bool = typer.Option(False, help="Overwrite a venue of the same name within 25 m."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Import venues; rows refused are listed with row, field and reason (exit 1)."""
    try:
        with db.session_scope(open_store()) as session:
            report = service.import_venues(session, path, actor=_actor(), update=update)
    except service.HavenError as error:
        _fail(error)
    if as_json:
        _print_json(report.as_dict())
    else:
        out.print(
            f"{path}: {report.read} read = {report.created} created + {report.updated} "
            f"updated + {len(report.refused)} refused"
        )
        for refusal in report.refused:
            err.print(f"[red]refused:[/red] {path}, {refusal.reason}")
    if report.refused:
        raise typer.Exit(1)


@app.command("export")
def export(
    format: str = typer.Option("csv", "--format", help="csv or geojson."),
    output: Path = typer.Option(None, help="Write to this file (default: standard output)."),
) -> None:
    """Every venue, every field, as CSV or GeoJSON (importable again)."""
    if format not in ("csv", "geojson"):
        _fail(ValueError(f"--format must be csv or geojson, not {format!r}"))
    with db.session_scope(open_store()) as session:
        text = (
            service.export_csv(session)
            if format == "csv"
            else json.dumps(service.export_geojson(session), indent=1) + "\n"
        )
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}")


@app.command("nearest")
def nearest(
    lat: float = typer.Option(..., help="Latitude (WGS84)."),
    lon: float = typer.Option(..., help="Longitude (WGS84)."),
    at: str = typer.Option(None, help="ISO date and time (default now; no offset: UK time)."),
    limit: int = typer.Option(5, help="At most this many venues."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """The nearest venues ready and open at a time, as the public finder answers."""
    try:
        moment = datetime.fromisoformat(at) if at else None
        with db.session_scope(open_store()) as session:
            found = service.nearest(session, lat=lat, lon=lon, at=moment, limit=limit)
    except ValueError as error:
        _fail(error)
    if as_json:
        _print_json(found.as_dict())
        return
    for r in found.results:
        out.print(
            f"{r.distance_m:>6,} m  {r.walk_minutes:>3} min  {r.name} "
            f"(open until {r.open_until:%H:%M})"
        )
    if found.advice:
        out.print(found.advice)


@app.command("usage")
def usage(
    months: int = typer.Option(12, help="The latest this many months of the log."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Uses by month and reason (true counts: the log is for staff)."""
    with db.session_scope(open_store()) as session:
        summary = service.monthly_summary(session, months=months)
    if as_json:
        _print_json(summary.as_dict())
        return
    table = Table(title=f"uses, {summary.total} in all")
    reasons = list(next(iter(summary.by_reason.values()), {}))
    table.add_column("month")
    for reason in reasons:
        table.add_column(reason, justify="right")
    for month, counts in summary.by_reason.items():
        table.add_row(month, *(str(counts[r]) for r in reasons))
    out.print(table if summary.months else "no uses logged")


@app.command("outreach")
def outreach(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """People reached by outreach events, by month and by area."""
    with db.session_scope(open_store()) as session:
        totals = service.outreach_totals(session)
    if as_json:
        _print_json(totals.as_dict())
        return
    out.print(f"{totals.reached:,} reached at {totals.events} events")
    for title, counts in (("by month", totals.by_month), ("by area", totals.by_area)):
        table = Table(title=title)
        table.add_column("")
        table.add_column("reached", justify="right")
        for key, n in counts.items():
            table.add_row(key, f"{n:,}")
        out.print(table)


@app.command("coverage")
def coverage(
    months: int = typer.Option(12, help="Latest months of violence and robbery."),
    profile: str = typer.Option("bcs2009", help="bcs2009, uniform, or 24 comma-separated weights."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Share of recent violence within 50/100/200 m of a venue open at that hour."""
    try:
        with db.session_scope(open_store()) as session:
            found = service.network_coverage(session, months=months, profile=profile)
    except service.HavenError as error:
        _fail(error)
    if as_json:
        _print_json(found.as_dict())
        return
    out.print(
        f"{found.crimes:,} crimes ({found.mapped:,} with a map point), {found.venues} venues "
        f"ready; profile {found.profile}"
    )
    for radius, share in zip(found.radii, found.overall, strict=True):
        out.print(f"  within {radius:g} m of an open venue: {share:.1%}")
    out.print(found.note)


def read_candidates(path: Path) -> list[service.Candidate]:
    """Premises from a CSV with columns name, longitude, latitude and optional hours."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as error:
        raise service.HavenError(f"{path}: cannot be read ({error})") from None
    found = []
    for n, row in enumerate(rows, start=2):
        try:
            lon, lat = float(row.get("longitude") or ""), float(row.get("latitude") or "")
        except ValueError:
            raise service.HavenError(f"{path}, row {n}, longitude/latitude: not numbers") from None
        try:
            spans = hours_.parse_spans(row["hours"]) if (row.get("hours") or "").strip() else None
        except hours_.HoursError as error:
            raise service.HavenError(f"{path}, row {n}, hours: {error}") from None
        found.append(
            service.Candidate(
                (row.get("name") or f"row {n}").strip(),
                lon,
                lat,
                tuple(spans) if spans is not None else None,
            )
        )
    return found


@app.command("site")
def site(
    k: int = typer.Option(5, help="How many new venues."),
    radius: float = typer.Option(100.0, help="Coverage radius in metres."),
    candidates: Path = typer.Option(
        None, help="CSV of premises (name, longitude, latitude, hours); default: every map point."
    ),
    candidate_hours: str = typer.Option(
        "Daily 08:00-22:00", help="Hours assumed for candidates without their own."
    ),
    months: int = typer.Option(12, help="Latest months of violence and robbery."),
    profile: str = typer.Option("bcs2009", help="bcs2009, uniform, or 24 comma-separated weights."),
    greedy: bool = typer.Option(False, help="Use the greedy method instead of the exact one."),
    time_limit: float = typer.Option(60.0, help="Seconds allowed to the exact solver."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Recommend sites: the k candidates adding the most coverage of violence, weighted by hour."""
    try:
        pool = read_candidates(candidates) if candidates else None
        with db.session_scope(open_store()) as session:
            found = service.recommend_sites(
                session,
                k=k,
                radius=radius,
                months=months,
                profile=profile,
                candidates=pool,
                candidate_hours=candidate_hours,
                method="greedy" if greedy else "exact",
                time_limit=time_limit,
            )
    except service.HavenError as error:
        _fail(error)
    if as_json:
        _print_json(found.as_dict())
        return
    out.print(
        f"covered now within {found.radius:g} m: {found.existing_share:.1%}; "
        f"{len(found.chosen)} new sites add {found.added_share:.1%}"
    )
    for i, chosen in enumerate(found.chosen, start=1):
        out.print(f"  {i}. {chosen['name']} ({chosen['lat']}, {chosen['lon']})")
    out.print(found.solution.note)


@app.command("evidence")
def evidence(
    refresh: bool = typer.Option(
        True, help="First make the network's scheme from the venues, or bring it up to date."
    ),
    cost: float = typer.Option(
        None, help="Set-up cost in pounds (default: the scheme's, else £25,000 as in seed 000)."
    ),
    permutations: int = typer.Option(999, help="Placebo site sets for the inner ring."),
    seed: int = typer.Option(1, help="Random seed: the same seed gives the same figures."),
    html_file: Path = typer.Option(None, "--html", help="Write the printable report here."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """The network as a scheme of the evidence engine: halo, table by crime type, cost-benefit."""
    from citysafe.havens import evidence as evidence_
    from citysafe.schemes import cli as schemes_cli
    from citysafe.schemes import report
    from citysafe.schemes.evaluate import Settings
    from citysafe.schemes.service import SchemeError

    engine = open_store()
    try:
        if refresh:
            with db.session_scope(engine) as session:
                evidence_.define_network_scheme(session, actor=_actor(), setup_cost=cost)
        elif cost is not None:
            raise service.HavenError("--cost sets the scheme's cost on refresh: drop --no-refresh")
        with db.session_scope(engine) as session:
            found = evidence_.network_evidence(
                session, settings=Settings(permutations=permutations, seed=seed)
            )
    except (service.HavenError, SchemeError, ValueError) as error:
        _fail(error)
    if html_file:
        html_file.write_text(report.html_report(found.evaluation), encoding="utf-8")
    if as_json:
        _print_json(found.as_dict())
        return
    _print_evidence(found)
    schemes_cli.print_summary(found.evaluation)


def _print_evidence(found) -> None:
    scheme = found.scheme
    out.print(
        f"scheme {scheme.name!r}: {scheme.sites} venues as sites from "
        f"{scheme.first_start}"
        + ("" if scheme.last_start == scheme.first_start else f" to {scheme.last_start}")
        + f", set-up cost £{scheme.setup_cost:,.0f}"
        + ("" if scheme.up_to_date else " [yellow](the venues have changed since)[/yellow]")
    )
    for skipped in scheme.skipped:
        out.print(f"  left out: {skipped.name} ({skipped.status}): {skipped.reason}")
    table = Table(title="halo: effect against the comparison by distance from the nearest venue")
    for column in ("ring", "all crime (95% CI)", "violence and sexual offences (95% CI)"):
        table.add_column(column)

    def cell(effect: dict) -> str:
        if effect["ratio"] is None or effect["ci_low"] is None or effect["ci_high"] is None:
            return "n/a" if effect["ratio"] is None else f"{effect['ratio']:.2f}"
        return f"{effect['ratio']:.2f} ({effect['ci_low']:.2f} to {effect['ci_high']:.2f})"

    for row in found.halo():
        table.add_row(
            f"{row['inner_m']:g}-{row['outer_m']:g} m",
            cell(row["All crime"]),
            cell(row["Violence and sexual offences"]),
        )
    out.print(table)
