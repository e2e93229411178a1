"""The ``citysafe`` command: thin over the services.

Exit codes: 0 done; 1 some input could not be loaded (the rest was);
2 the command could not run (bad settings, out-of-date database).
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from citysafe import db
from citysafe.areas import cli as areas_cli
from citysafe.config import DEMO_DATABASE_URL, get_settings
from citysafe.console import err, open_store, out
from citysafe.havens import cli as havens_cli
from citysafe.homes import cli as homes_cli
from citysafe.hotspots import cli as hotspots_cli
from citysafe.schemes import cli as schemes_cli

app = typer.Typer(
    help="citysafe: run a community safety partnership's schemes and prove whether they work.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Create and upgrade the database schema.", no_args_is_help=True)
crimes_app = typer.Typer(help="Look at the police.uk crimes in the store.", no_args_is_help=True)
users_app = typer.Typer(help="Create, list and disable staff accounts.", no_args_is_help=True)
audit_app = typer.Typer(help="Check the audit log.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(crimes_app, name="crimes")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(schemes_cli.app, name="scheme")
app.command("evaluate")(schemes_cli.evaluate)
app.add_typer(areas_cli.app, name="areas")
app.add_typer(havens_cli.app, name="havens")
app.add_typer(homes_cli.app, name="homes")
app.command("hotspots")(hotspots_cli.hotspots)
app.command("nearrepeat")(hotspots_cli.nearrepeat)
app.command("density")(hotspots_cli.density)
app.command("emerging")(hotspots_cli.emerging)
app.command("cocoon")(hotspots_cli.cocoon)
app.command("knox")(hotspots_cli.knox)


def _engine(url: str | None = None, *, create: bool = True):
    """The store (schema created if new), or for ``db`` commands the bare engine."""
    if create:
        return open_store(url)
    return db.make_engine(url or get_settings().database_url)


def _print_json(value) -> None:
    typer.echo(json.dumps(value, indent=2, default=str))


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Revision to upgrade to.")) -> None:
    """Apply schema migrations to the database (CITYSAFE_DATABASE_URL)."""
    engine = _engine(create=False)
    before = db.current_revision(engine)
    db.upgrade(engine, revision)
    out.print(f"schema upgraded from {before or 'empty'} to {db.current_revision(engine)}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's schema revision and the one this citysafe needs."""
    engine = _engine(create=False)
    out.print(f"database: {db.current_revision(engine) or 'empty'}; needed: {db.head_revision()}")


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(
        None, help="police.uk street-level CSV files, folders of them, or police.uk zips."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the reconciliation as JSON."),
    quarantine: bool = typer.Option(
        False, "--quarantine", help="List the rows held back, with file, line and reason."
    ),
    limit: int = typer.Option(200, help="With --quarantine: at most this many rows."),
) -> None:
    """Load police.uk crime files; print rows read = stored + duplicates + quarantined."""
    from citysafe.crime import service

    engine = _engine()
    if quarantine:
        _list_quarantine(engine, as_json=as_json, limit=limit)
        return
    if not paths:
        err.print("[red]error:[/red] name at least one file, folder or zip (or --quarantine)")
        raise typer.Exit(2)
    started = time.perf_counter()
    show_progress = err.is_terminal and not as_json
    with _ingest_progress(show_progress) as on_file:
        report = service.ingest_paths(engine, paths, progress=on_file)
    elapsed = time.perf_counter() - started
    if as_json:
        _print_json(report.as_dict())
    else:
        _print_reconciliation(report, elapsed)
    for failed in report.failed:
        err.print(f"[red]error:[/red] {failed.error}")
    if report.failed:
        raise typer.Exit(1)


class _ingest_progress:
    """A Rich progress bar over files with a running rows/s, or nothing."""

    def __init__(self, enabled: bool):
        self.enabled, self.rows, self.started = enabled, 0, time.perf_counter()
        self.progress = Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rows]:,} rows, {task.fields[rate]:,.0f} rows/s"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        )

    def __enter__(self):
        if not self.enabled:
            return None
        self.progress.start()
        self.task = self.progress.add_task("ingest", total=None, rows=0, rate=0.0)
        return self.on_file

    def on_file(self, report) -> None:
        self.rows += report.read
        rate = self.rows / max(time.perf_counter() - self.started, 1e-9)
        self.progress.update(self.task, advance=1, rows=self.rows, rate=rate)

    def __exit__(self, *exc):
        if self.enabled:
            self.progress.stop()
        return False


def _print_reconciliation(report, elapsed: float) -> None:
    table = Table(title="police.uk ingest: read = stored + duplicates + quarantined")
    for name in ("file", "read", "stored", "duplicates", "updated", "quarantined"):
        table.add_column(name, justify="left" if name == "file" else "right")
    for f in report.files:
        if f.error:
            table.add_row(f.path, "[red]not loaded[/red]", "", "", "", "")
        else:
            table.add_row(
                f.path,
                *(
                    f"{getattr(f, n):,}"
                    for n in ("read", "stored", "duplicates", "updated", "quarantined")
                ),
            )
    total = report.total
    table.add_row(
        "[bold]total",
        *(
            f"[bold]{getattr(total, n):,}"
            for n in ("read", "stored", "duplicates", "updated", "quarantined")
        ),
    )
    out.print(table)
    for skipped in report.skipped:
        out.print(f"skipped {skipped.path}: {skipped.reason}")
    rate = total.read / elapsed if elapsed > 0 else 0.0
    out.print(f"{total.read:,} rows in {elapsed:.1f} s ({rate:,.0f} rows/s)")
    if total.quarantined:
        out.print("see the held-back rows with: citysafe ingest --quarantine")


def _list_quarantine(engine, *, as_json: bool, limit: int) -> None:
    from citysafe.crime import service

    with db.session_scope(engine) as session:
        rows = [
            {"path": q.path, "line": q.line, "field": q.field, "reason": q.reason, "raw": q.raw}
            for q in service.quarantined_rows(session, limit=limit)
        ]
    if as_json:
        _print_json({"quarantined": rows})
        return
    table = Table(title=f"quarantined rows (first {limit})")
    for name in ("path", "line", "field", "reason"):
        table.add_column(name)
    for row in rows:
        table.add_row(row["path"], str(row["line"]), row["field"] or "", row["reason"])
    out.print(table if rows else "no rows are quarantined")


@crimes_app.command("summary")
def crimes_summary(
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Forces, months present and missing, and counts by crime type and month."""
    from citysafe.crime import service

    engine = _engine()
    with db.session_scope(engine) as session:
        summary = service.summarise(session)
    if as_json:
        _print_json(summary.as_dict())
        return
    out.print(
        f"[bold]{summary.total:,}[/bold] crimes; "
        f"{summary.without_location:,} without a mappable location"
    )
    out.print("forces: " + (", ".join(f"{k} ({v:,})" for k, v in summary.forces.items()) or "none"))
    if summary.months:
        first, last = min(summary.months), max(summary.months)
        out.print(
            f"months: {first} to {last}, {len(summary.months)} present; missing: "
            + (", ".join(summary.missing_months) or "none")
        )
    by_type = Table(title="by crime type")
    by_type.add_column("crime type")
    by_type.add_column("count", justify="right")
    for name, count in summary.by_type.items():
        by_type.add_row(name, f"{count:,}")
    out.print(by_type)
    by_month = Table(title="by month")
    by_month.add_column("month")
    by_month.add_column("count", justify="right")
    for month, count in summary.months.items():
        by_month.add_row(month, f"{count:,}")
    out.print(by_month)


@app.command()
def demo(
    build_only: bool = typer.Option(
        False, "--build-only", help="Build the demo database and exit."
    ),
    seed: int = typer.Option(1, help="Random seed: the same seed builds the same city."),
    database: str = typer.Option(
        None, help="Database URL (default: CITYSAFE_DATABASE_URL if set, else citysafe-demo.db)."
    ),
    scale: float = typer.Option(1.0, help="Multiply the city's crime rates (1.0 is realistic)."),
    folder: Path = typer.Option(None, help="Also keep the generated police.uk files here."),
    host: str = typer.Option("127.0.0.1", help="Address to serve on."),
    port: int = typer.Option(8000, help="Port to serve on."),
    rebuild: bool = typer.Option(False, help="Build again even if this seed is built."),
) -> None:
    """Build the demo city (if not built) and serve it, with a demo login for each role."""
    url = database or os.environ.get("CITYSAFE_DATABASE_URL") or DEMO_DATABASE_URL
    engine = _engine(url)
    built = _build_demo_if_needed(
        engine,
        seed=seed,
        folder=folder,
        scale=scale,
        url=url,
        force_build=rebuild or folder is not None,
    )
    if built:
        _evaluate_demo_schemes(engine)
    if build_only:
        return
    _serve(url, host, port, demo=True)


def _build_demo_if_needed(engine, *, seed, folder, scale, url, force_build) -> bool:
    """Build unless this seed's city is built already; whether it built."""
    from citysafe.demo.service import DemoError, build_demo, is_built

    if not force_build and is_built(engine, seed=seed, scale=scale):
        out.print(
            f"demo city of seed {seed} already built in {url} "
            "(--rebuild to build it again and see the evidence engine's summary)"
        )
        return False
    started = time.perf_counter()
    with err.status("building the demo city") as status:
        try:
            summary = build_demo(
                engine,
                seed=seed,
                folder=folder,
                scale=scale,
                progress=lambda stage: status.update(stage),
            )
        except DemoError as error:
            err.print(f"[red]error:[/red] {error}")
            raise typer.Exit(2) from None
    out.print(f"[bold]demo city built[/bold] in {time.perf_counter() - started:.1f} s into {url}")
    total = summary.ingest.total
    out.print(
        f"  {summary.rows:,} police.uk rows over {summary.files} months "
        f"({summary.first_month} to {summary.last_month}): {total.stored:,} stored now, "
        f"{total.duplicates:,} already there, {total.quarantined:,} quarantined"
    )
    out.print(
        f"  {summary.areas} areas, {summary.households:,} households, "
        f"{summary.venues} Safe Haven venues, "
        f"{summary.neighbourhood_homes:,} homes in the home-security neighbourhoods"
    )
    out.print(
        "  planted effects: "
        + ", ".join(f"{name} {value:g}" for name, value in summary.effects.items())
    )
    return True


def _evaluate_demo_schemes(engine) -> None:
    """The evidence engine on the demo's planted schemes, as a newcomer's first sight of it."""
    from citysafe.schemes.evaluate import Settings, evaluate_scheme
    from citysafe.schemes.service import schemes

    with db.session_scope(engine) as session:
        for scheme in schemes(session):
            result = evaluate_scheme(session, scheme.name, Settings(permutations=199))
            schemes_cli.print_summary(result)
            out.print(f"full report: citysafe evaluate {scheme.name!r} --html report.html")


def _serve(url: str, host: str, port: int, *, demo: bool) -> None:
    import uvicorn

    from citysafe.web.app import create_app
    from citysafe.web.secrets import ConfigError

    settings = get_settings().model_copy(update={"database_url": url})
    try:
        web = create_app(settings, demo=demo)
    except (ConfigError, db.SchemaError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    if demo:
        from citysafe.demo.accounts import reset_demo_logins

        with db.session_scope(web.state.engine) as session:
            logins = reset_demo_logins(session)
        table = Table(title="demo logins (new passwords every start)")
        for name in ("role", "username", "password"):
            table.add_column(name)
        for login in logins:
            table.add_row(login.role, login.username, login.password)
        out.print(table)
    out.print(f"citysafe is at [bold]http://{host}:{port}/[/bold] (Ctrl-C stops it)")
    uvicorn.run(web, host=host, port=port, log_level="warning")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Serve the web application for the database in CITYSAFE_DATABASE_URL."""
    _serve(get_settings().database_url, host, port, demo=False)


@users_app.command("create")
def users_create(
    username: str = typer.Argument(..., help="Lower-case login name."),
    agency: str = typer.Option(..., help="The user's agency (made if new)."),
    agency_kind: str = typer.Option(
        ...,
        help="police, council, fire and rescue, probation, "
        "health, housing provider, youth service, voluntary sector, "
        "business.",
    ),
    role: list[str] = typer.Option(
        ...,
        help="admin, manager, caseworker, analyst, coordinator "
        "or viewer; repeat for more than one.",
    ),
    name: str = typer.Option(None, help="Display name (default: the username)."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
) -> None:
    """Create a staff user (the first admin, or users for scripts)."""
    from citysafe.accounts import service
    from citysafe.audit import service as audit

    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else typer.prompt("password", hide_input=True, confirmation_prompt=True)
    )
    engine = _engine()
    try:
        with db.session_scope(engine) as session:
            owner = service.ensure_agency(session, agency, agency_kind)
            user = service.create_user(
                session,
                username=username,
                display_name=name or username,
                agency=owner,
                roles=role,
                password=password,
            )
            audit.record(
                session,
                actor=_command_actor(),
                action="create",
                record_type="user",
                record_id=user.id,
            )
    except service.AccountError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    out.print(f"created {username} ({', '.join(sorted(role))}) in {agency}")


@users_app.command("list")
def users_list(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List staff users with agency, roles and whether they may sign in."""
    from citysafe.accounts import service
    from citysafe.accounts.schemas import user_read

    with db.session_scope(_engine()) as session:
        rows = [user_read(u).model_dump() for u in service.users(session)]
    if as_json:
        _print_json({"users": rows})
        return
    table = Table(title="users")
    for name in ("username", "display_name", "agency", "roles", "active"):
        table.add_column(name)
    for row in rows:
        table.add_row(
            row["username"],
            row["display_name"],
            row["agency"],
            ", ".join(row["roles"]),
            "yes" if row["active"] else "no",
        )
    out.print(table)


@users_app.command("disable")
def users_disable(username: str = typer.Argument(..., help="The user to disable.")) -> None:
    """Stop a user signing in; ends their sessions and revokes their API tokens."""
    from citysafe.accounts import service
    from citysafe.audit import service as audit

    try:
        with db.session_scope(_engine()) as session:
            user = service.disable_user(session, username)
            audit.record(
                session,
                actor=_command_actor(),
                action="disable",
                record_type="user",
                record_id=user.id,
            )
    except service.AccountError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    out.print(f"disabled {username}")


@audit_app.command("verify")
def audit_verify(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Recompute the audit log's hash chain; name the first broken entry (exit 1)."""
    from citysafe.audit import service as audit

    with db.session_scope(_engine()) as session:
        check = audit.verify(session)
    if as_json:
        _print_json(asdict(check))
    elif check.ok:
        out.print(f"audit log intact: {check.entries:,} entries, every hash checks")
    else:
        err.print(
            f"[red]audit log broken[/red] at entry {check.broken_at}: {check.reason} "
            f"({check.entries:,} entries before it check)"
        )
    if not check.ok:
        raise typer.Exit(1)


def _command_actor():
    """Who ran a command: the operating-system user, for the audit log."""
    import getpass

    from citysafe.audit.service import Actor

    return Actor(user_id=None, username=f"cli:{getpass.getuser()}", client="command line")


def main() -> None:  # pragma: no cover - console script entry
    sys.exit(app())
