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
    full_json: bool = typer.Option(
        False, "--full-json", help="Print every figure as JSON (rates, share, costs, savings)."
    ),
    cost_basis: str = typer.Option(
        "settings", help="Cost of a burglary: 'settings' (default £2,300) or 'unit-costs'."
    ),
) -> None:
    """Coverage and burglary per 1,000 households: protected, unprotected, force area."""
    with db.session_scope(open_store()) as session:
        try:
            found = service.programme_outcomes(
                session, first=first, last=last, seed=seed, cost_basis=cost_basis
            )
        except service.HomesError as error:
            _fail(error)
    if as_json:
        typer.echo(json.dumps(found.contract(), indent=2))
        return
    if full_json:
        typer.echo(json.dumps(found.as_dict(), indent=2))
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
    for line in service.outcome_lines(found):
        out.print(line)


@app.command("demo-load")
def demo_load(seed: int = typer.Option(0, help="Seed of the households' tenures.")) -> None:
    """Load the demo city's programme (built with ``citysafe demo``) into the programme's tables."""
    from citysafe.demo.generator import generate_city
    from citysafe.demo.service import built_demo
    from citysafe.homes.demo import load_demo
    from citysafe.homes.demo_work import load_demo_work

    engine = open_store()
    build = built_demo(engine)
    if build is None:
        _fail(service.HomesError("no demo city in this store: run `citysafe demo` first"))
    city = generate_city(build.seed, scale=build.scale)
    with db.session_scope(engine) as session:
        loaded = load_demo(session, city, seed=seed)
        work = load_demo_work(session, seed=seed)
    out.print(
        f"{loaded.households} households in {loaded.target_areas} target areas, "
        f"{loaded.installed} installed, {loaded.burglary_links} burglaries linked by address; "
        f"{work.teams} teams, {work.audits} safety audits, {work.claims} claims, "
        f"{work.open_jobs} open jobs ({work.booked} booked), {work.requests} requests"
    )


@app.command("plan")
def plan(
    team: str = typer.Argument(..., help="The team's name or id."),
    day: str = typer.Argument(..., help="The day, YYYY-MM-DD."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan; change no slots."),
) -> None:
    """Order a team's visits of one day by travel distance and renumber their slots."""
    from datetime import date

    try:
        when = date.fromisoformat(day)
    except ValueError:
        _fail(service.HomesError(f"DAY must be YYYY-MM-DD, got {day!r}"))
    with db.session_scope(open_store()) as session:
        try:
            found = service.find_team(session, reference=team)
            result = service.plan_day(
                session, team_id=found.id, day=when, actor=_actor(), apply=not dry_run
            )
        except (service.HomesError, service.NotFound) as error:
            _fail(error)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
        return
    out.print(f"{result.team}, {result.day.isoformat()}: {len(result.visits)} visits")
    for visit in result.visits:
        out.print(
            f"  slot {visit.slot}: job {visit.job_id}, {visit.address}, {visit.postcode} "
            f"({visit.leg_m:,.0f} m)"
        )
    out.print(
        f"{result.length_m:,.0f} m against {result.request_order_length_m:,.0f} m in request "
        f"order: {result.saving_m:,.0f} m ({result.saving_pct:.1f}%) saved; {result.method}"
    )
    for note in result.notes:
        out.print(f"note: {note}")
    if dry_run:
        out.print("dry run: no slot changed")


@app.command("audit-summary")
def audit_summary(
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Safety audit points across the programme: share found not secure, with 95% CIs."""
    with db.session_scope(open_store()) as session:
        found = service.audit_summary(session)
    if as_json:
        typer.echo(json.dumps(found.as_dict(), indent=2))
        return
    out.print(f"{found.audits} safety audits, {found.advice_given} pieces of advice given")
    for point in [found.left_open, *found.points]:
        if not point.answered:
            out.print(f"  {point.code}: not answered yet")
            continue
        out.print(
            f"  {point.code}: {point.not_secure}/{point.answered} not secure "
            f"({100 * point.share:.1f}%, {100 * point.ci_low:.1f} to {100 * point.ci_high:.1f})"
        )


@app.command("claims")
def claims(
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Complaints and compensation claims by outcome, and compensation per installed job."""
    with db.session_scope(open_store()) as session:
        found = service.claims_summary(session)
    if as_json:
        typer.echo(json.dumps(found.as_dict(), indent=2))
        return
    out.print(f"{found.jobs_installed} jobs installed, {found.claims} claims ({found.open} open)")
    for kind, outcomes in found.by_outcome.items():
        counts = ", ".join(f"{o} {n}" for o, n in outcomes.items() if n)
        out.print(f"  {kind}: {found.by_kind[kind]}" + (f" ({counts})" if counts else ""))
    for label, rate in (("compensation claimed", found.compensation), ("paid", found.paid)):
        if rate.jobs:
            out.print(
                f"{label}: {rate.jobs_with_claim} of {rate.jobs} jobs ({rate.pct:.2f}%, "
                f"{100 * rate.ci_low:.2f} to {100 * rate.ci_high:.2f})"
            )
    out.print(f"paid £{found.total_paid:,.2f} in all")


@app.command("settings")
def settings(
    force_households: float = typer.Option(
        None, help="Households in the force area (for its burglary rate)."
    ),
    cost_per_burglary: float = typer.Option(
        None, help="Pounds saved per burglary prevented (from the seed's £2,300)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the settings as JSON."),
) -> None:
    """Show or set the programme's settings: force-area households, cost of a burglary."""
    with db.session_scope(open_store()) as session:
        current = service.programme_settings(session)
        if force_households is not None or cost_per_burglary is not None:
            try:
                service.set_programme(
                    session,
                    actor=_actor(),
                    force_households=force_households,
                    cost_per_burglary=cost_per_burglary,
                )
            except service.HomesError as error:
                _fail(error)
            current = service.programme_settings(session)
    if as_json:
        typer.echo(json.dumps(current, indent=2))
        return
    households = current["force_households"]
    out.print(
        f"force area households: {'not set' if households is None else f'{households:,.0f}'}; "
        f"cost per burglary: £{current['cost_per_burglary']:,.2f}"
    )


def _day(text: str | None, what: str):
    from datetime import date

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(service.HomesError(f"{what}: {text!r} is not a date (YYYY-MM-DD)"))


@app.command("request")
def request(
    name: str = typer.Option(..., "--name", help="The resident's name."),
    address: str = typer.Option(..., help="The home's address."),
    postcode: str = typer.Option(..., help="The home's postcode."),
    phone: str = typer.Option(None, help="A phone number for the resident."),
    email: str = typer.Option(None, help="An email address for the resident."),
    channel: str = typer.Option("staff", help="staff or agency (the public use the web form)."),
    referral: str = typer.Option(
        None, help="An agency's referral: burglary victim, repeat victim, hate crime, ..."
    ),
    agency_id: int = typer.Option(None, "--agency-id", help="The referring agency's id."),
    uprn: str = typer.Option(None, help="The home's UPRN, if known."),
    lon: float = typer.Option(None, help="Longitude, for a home the programme does not hold."),
    lat: float = typer.Option(None, help="Latitude, for a home the programme does not hold."),
    tenure: str = typer.Option(None, help="Tenure, for a home the programme does not hold."),
    note: str = typer.Option(None, help="A note for the programme's staff."),
    as_json: bool = typer.Option(False, "--json", help="Print the decision as JSON."),
) -> None:
    """Enter a request for the service (staff entry); the eligibility rules decide it."""
    with db.session_scope(open_store()) as session:
        try:
            made = service.submit_request(
                session,
                channel=channel,
                contact_name=name,
                address=address,
                postcode=postcode,
                phone=phone,
                email=email,
                uprn=uprn,
                lon=lon,
                lat=lat,
                tenure=tenure,
                referral=referral,
                agency_id=agency_id,
                note=note,
                actor=_actor(),
            )
        except service.HomesError as error:
            _fail(error)
        found = {
            "request_id": made.id,
            "status": made.status,
            "eligible": made.eligible,
            "priority": made.priority,
            "reason": made.reason,
            "household_id": made.household_id,
            "job_id": made.job_id,
        }
    if as_json:
        typer.echo(json.dumps(found, indent=2))
        return
    priority = f" at priority {found['priority']}" if found["priority"] else ""
    out.print(f"request {found['request_id']}: {found['status']}{priority}: {found['reason']}")
    if found["job_id"]:
        out.print(f"job {found['job_id']} for household {found['household_id']}")


@app.command("queue")
def queue(
    on: str = typer.Option(None, help="The day the queue is for, YYYY-MM-DD (default today)."),
    as_json: bool = typer.Option(False, "--json", help="Print the queue as JSON."),
) -> None:
    """Open jobs by effective priority (a cocoon move raises a home to 2), each with its reason."""
    day = _day(on, "on")
    with db.session_scope(open_store()) as session:
        entries = [e.as_dict() for e in service.queue(session, on=day)]
    if as_json:
        typer.echo(json.dumps(entries, indent=2))
        return
    for e in entries:
        out.print(
            f"{e['position']:>4}. P{e['effective_priority']} job {e['job_id']} "
            f"{e['address']}, {e['postcode']} ({e['status']} since {e['requested_on']}): "
            f"{e['reason']}"
        )
    out.print(f"{len(entries)} open jobs")


@app.command("cocoon")
def cocoon(
    analyse: bool = typer.Option(
        False, "--analyse", help="First run the near-repeat analysis and store its window."
    ),
    source: str = typer.Option("police.uk", help="Burglaries analysed: police.uk or reports."),
    on: str = typer.Option(None, help="The day, YYYY-MM-DD (default today)."),
    since: str = typer.Option(None, help="Ignore burglaries before this day, YYYY-MM-DD."),
    permutations: int = typer.Option(99, help="Monte Carlo permutations of the analysis."),
    seed: int = typer.Option(1, help="Random seed of the analysis."),
    as_json: bool = typer.Option(False, "--json", help="Print the window and moves as JSON."),
) -> None:
    """Move unprotected homes near recent burglaries up the queue; show the window used."""
    day, first = _day(on, "on"), _day(since, "since")
    with db.session_scope(open_store()) as session:
        try:
            analysis = None
            if analyse:
                analysis = service.analyse_window(
                    session, actor=_actor(), source=source, permutations=permutations, seed=seed
                )
            run = service.apply_cocoon(session, on=day, since=first, actor=_actor())
        except service.HomesError as error:
            _fail(error)
        found = run.as_dict()
        if analysis is not None:
            found["analysis"] = {k: v for k, v in analysis.as_dict().items() if k != "window"}
    if as_json:
        typer.echo(json.dumps(found, indent=2))
        return
    window = found["window"]
    out.print(f"window: {window['distance_m']:g} m / {window['days']} days ({window['source']})")
    out.print(
        f"{found['burglaries']} burglaries with an open window on {found['on']}: "
        f"{len(found['moves'])} homes moved up ({found['already']} already), "
        f"{len(found['jobs_requested'])} jobs requested"
    )


@app.command("report-burglary")
def report_burglary(
    day: str = typer.Option(..., "--date", help="The day of the burglary, YYYY-MM-DD."),
    lon: float = typer.Option(..., help="Longitude (WGS84)."),
    lat: float = typer.Option(..., help="Latitude (WGS84)."),
    household_id: int = typer.Option(None, "--household", help="The home burgled, if held."),
    as_json: bool = typer.Option(False, "--json", help="Print the stored report as JSON."),
) -> None:
    """The police partner's burglary, with its exact date and location, for the cocoon."""
    occurred_on = _day(day, "date")
    with db.session_scope(open_store()) as session:
        try:
            found = service.report_burglary(
                session,
                occurred_on=occurred_on,
                lon=lon,
                lat=lat,
                household_id=household_id,
                actor=_actor(),
            )
        except service.HomesError as error:
            _fail(error)
        stored = {"id": found.id, "occurred_on": found.occurred_on.isoformat()}
    if as_json:
        typer.echo(json.dumps(stored))
        return
    out.print(f"burglary report {stored['id']} on {stored['occurred_on']} stored")
