"""``citysafe homes``: the home-security programme from the command line, thin over its services.

Exit codes: 0 done; 1 some rows of a file were refused (the rest stored);
2 the command could not run (bad input, out-of-date database).
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import typer

from citysafe import db
from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.console import err, open_store, out
from citysafe.homes import service

app = typer.Typer(
    help="Run the home-security programme: target areas, households, jobs and outcomes.",
    no_args_is_help=True,
)


def _actor() -> Actor:
    return Actor(user_id=None, username=f"cli:{getpass.getuser()}", client="command line")


def _fail(error: Exception) -> None:
    err.print(f"[red]error:[/red] {error}")
    raise typer.Exit(2) from None


@app.command("target-area")
def target_area(
    name: str = typer.Argument(..., help="The target area's name."),
    kind: str = typer.Option(None, help="Kind of an imported boundary (ward, lsoa, ...)."),
    code: str = typer.Option(None, help="Code of an imported boundary."),
    lsoa: str = typer.Option(None, help="An LSOA code (no boundary needed)."),
) -> None:
    """Add a target area from an imported boundary or an LSOA code."""
    with db.session_scope(open_store()) as session:
        try:
            found = service.add_target_area(
                session, name=name, area_kind=kind, area_code=code, lsoa_code=lsoa
            )
        except service.HomesError as error:
            _fail(error)
        audit.record(
            session,
            actor=_actor(),
            action="create",
            record_type="homes_target_area",
            record_id=found.id,
        )
        out.print(f"target area {found.name!r} added")


@app.command("import")
def import_(
    path: Path = typer.Argument(..., help="CSV of households."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Import households from a CSV (address, postcode, tenure, uprn, lon/lat or x/y)."""
    with db.session_scope(open_store()) as session:
        try:
            report = service.import_households(session, path)
        except service.HomesError as error:
            _fail(error)
        audit.record(
            session,
            actor=_actor(),
            action="import",
            record_type="homes_household",
            record_id=str(path)[:64],
            detail={
                "created": report.created,
                "updated": report.updated,
                "refused": len(report.refused),
            },
        )
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        out.print(
            f"{report.read} rows read: {report.created} created, {report.updated} updated, "
            f"{len(report.refused)} refused; {len(report.outside)} outside every target area"
        )
        for problem in [*report.refused, *report.outside]:
            err.print(str(problem))
    if report.refused:
        raise typer.Exit(1)


@app.command("outcomes")
def outcomes(
    as_json: bool = typer.Option(False, "--json", help="Print the scripts' contract as JSON."),
    first: str = typer.Option(None, "--from", help="First month, YYYY-MM."),
    last: str = typer.Option(None, "--to", help="Last month, YYYY-MM."),
    seed: int = typer.Option(0, help="Seed of the draw when linking by map point."),
) -> None:
    """Coverage and burglary per 1,000 households: protected, unprotected, force area."""
    with db.session_scope(open_store()) as session:
        try:
            found = service.programme_outcomes(session, first=first, last=last, seed=seed)
        except service.HomesError as error:
            _fail(error)
    if as_json:
        typer.echo(json.dumps(found.contract(), indent=2))
        return
    figures = found.contract()
    rates = figures["burglary_per_1000"]
    ratio = found.programme.rate_ratio
    out.print(f"{found.first} to {found.last}: {found.households} households in target areas")
    out.print(f"protected {found.protected} ({figures['coverage_pct']:.1f}%)")
    out.print(
        f"burglary per 1,000 households: protected {rates['protected']}, unprotected "
        f"{rates['unprotected']}, force area {rates['force_area']}"
    )
    out.print(
        f"rate ratio protected/unprotected {ratio.ratio:.2f} "
        f"({ratio.ci_low:.2f} to {ratio.ci_high:.2f})"
    )
    out.print(f"link: {found.link}")


@app.command("demo-load")
def demo_load(seed: int = typer.Option(0, help="Seed of the households' tenures.")) -> None:
    """Load the demo city's programme (built with ``citysafe demo``) into the programme's tables."""
    from citysafe.demo.generator import generate_city
    from citysafe.demo.service import built_demo
    from citysafe.homes.demo import load_demo

    engine = open_store()
    build = built_demo(engine)
    if build is None:
        _fail(service.HomesError("no demo city in this store: run `citysafe demo` first"))
    city = generate_city(build.seed, scale=build.scale)
    with db.session_scope(engine) as session:
        loaded = load_demo(session, city, seed=seed)
    out.print(
        f"{loaded.households} households in {loaded.target_areas} target areas, "
        f"{loaded.installed} installed, {loaded.burglary_links} burglaries linked by address"
    )
