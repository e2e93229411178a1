"""The ``citysafe`` command: thin over the services.

Exit codes: 0 done; 1 some input could not be loaded (the rest was);
2 the command could not run (bad settings, out-of-date database).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from citysafe import db
from citysafe.config import DEMO_DATABASE_URL, get_settings

app = typer.Typer(
    help="citysafe: run a community safety partnership's schemes and prove whether they work.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Create and upgrade the database schema.", no_args_is_help=True)
crimes_app = typer.Typer(help="Look at the police.uk crimes in the store.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(crimes_app, name="crimes")

out = Console()
err = Console(stderr=True, soft_wrap=True)  # never break a message naming a file


def _engine(url: str | None = None, *, create: bool = True):
    """The store's engine, its schema created if new; exit 2 if it is out of date."""
    engine = db.make_engine(url or get_settings().database_url)
    try:
        if create:
            db.ensure_schema(engine)
    except db.SchemaError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    return engine


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
) -> None:
    """Generate the demo city (synthetic, in police.uk's format) and load it."""
    from citysafe.demo.service import DemoError, build_demo

    url = database or os.environ.get("CITYSAFE_DATABASE_URL") or DEMO_DATABASE_URL
    engine = _engine(url)
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
    where = engine.url.render_as_string(hide_password=True)
    out.print(f"[bold]demo city built[/bold] in {time.perf_counter() - started:.1f} s into {where}")
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
    if not build_only:
        out.print(f"next: CITYSAFE_DATABASE_URL={url} citysafe crimes summary")


def main() -> None:  # pragma: no cover - console script entry
    sys.exit(app())
