"""``citysafe hotspots`` and ``citysafe nearrepeat``: thin over the hotspots services."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import typer
from rich.table import Table

from citysafe import db
from citysafe.console import err, open_store, out
from citysafe.hotspots import events as selection
from citysafe.hotspots import exports, service


def _numbers(text: str, kind, name: str) -> list:
    try:
        values = [kind(part) for part in text.split(",") if part.strip()]
    except ValueError:
        err.print(f"[red]error:[/red] --{name} {text!r} is not a comma-separated list of numbers")
        raise typer.Exit(2) from None
    return values


def _events(types, months, force, events_file, area=None):
    try:
        if events_file is not None:
            return selection.dated_records(events_file)
        with db.session_scope(open_store()) as session:
            return selection.crimes_from_store(
                session,
                types=types or None,
                months=selection.parse_month_range(months),
                force=force,
                area=area,
            )
    except selection.SelectionError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None


def hotspots(
    types: list[str] = typer.Option(None, "--types", help="police.uk crime type; repeat."),
    months: str = typer.Option(None, help="YYYY-MM:YYYY-MM (default: every month held)."),
    force: str = typer.Option(None, help="Only this force's crimes."),
    area: str = typer.Option(None, help="Only crimes inside an imported area, KIND:CODE."),
    cell: float = typer.Option(250.0, help="Side of a grid square, metres."),
    weights: str = typer.Option("queen", help="queen, or distance (with --distance)."),
    distance: float = typer.Option(None, help="Distance band in metres for distance weights."),
    permutations: int = typer.Option(999, help="Conditional permutations (0: analytic only)."),
    seed: int = typer.Option(1, help="Random seed: the same seed gives the same p-values."),
    no_fdr: bool = typer.Option(False, "--no-fdr", help="Skip the false discovery rate step."),
    inference: str = typer.Option(
        "analytic",
        help="analytic (classes from z-scores, as "
        "ArcGIS) or permutation (classes from pseudo p-values).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the cells as JSON."),
    csv_file: Path = typer.Option(None, "--csv", help="Write the cells as CSV here."),
    geojson_file: Path = typer.Option(None, "--geojson", help="Write the cells as GeoJSON."),
    png_file: Path = typer.Option(None, "--png", help="Write a map as PNG here."),
) -> None:
    """Gi* hot and cold spots of crime on a square grid, with FDR-corrected classes."""
    events = _events(types, months, force, None, area)
    with db.session_scope(open_store()) as session:
        support = selection.map_point_support(session)
    try:
        report = service.hotspot_report(
            events,
            cell=cell,
            weights=weights,
            distance=distance,
            permutations=permutations,
            seed=seed,
            fdr=not no_fdr,
            support=support,
            inference=inference,
        )
    except (selection.SelectionError, ValueError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    if csv_file:
        csv_file.write_text(exports.cells_csv(report.result))
    if geojson_file:
        geojson_file.write_text(json.dumps(exports.cells_geojson(report.result)))
    if png_file:
        title = f"Gi* hot spots: {', '.join(types) if types else 'all crime'}, {cell:g} m cells"
        exports.png_map(report.result, png_file, title=title)
    if as_json:
        typer.echo(json.dumps(report.as_dict()))
        return
    cells = report.as_dict()["cells"]
    hot = sorted((c for c in cells if c["class"] > 0), key=lambda c: -(c["z"] or 0))
    out.print(
        f"{len(events):,} crimes on {len(cells):,} cells of {cell:g} m holding police.uk "
        "map points "
        f"({report.result.gi.inference} inference, FDR {'on' if not no_fdr else 'off'}, "
        f"seed {seed}); {len(hot)} hot spots, "
        f"{sum(1 for c in cells if c['class'] < 0)} cold spots"
    )
    table = Table(title="hottest cells")
    for column in ("easting", "northing", "crimes", "z", "p", "class"):
        table.add_column(column)
    for c in hot[:15]:
        table.add_row(
            f"{c['x']:.0f}",
            f"{c['y']:.0f}",
            str(c["count"]),
            f"{c['z']:.2f}",
            f"{c['p_value']:.4f}",
            c["label"],
        )
    out.print(table)


def nearrepeat(
    types: list[str] = typer.Option(None, "--types", help="police.uk crime type; repeat."),
    months: str = typer.Option(None, help="YYYY-MM:YYYY-MM (default: every month held)."),
    force: str = typer.Option(None, help="Only this force's crimes."),
    area: str = typer.Option(None, help="Only crimes inside an imported area, KIND:CODE."),
    events_file: Path = typer.Option(
        None,
        "--events",
        help="Dated records instead: a CSV with "
        "x,y (BNG metres) or lon,lat, and date (YYYY-MM-DD).",
    ),
    space_bands: str = typer.Option("100,200,300,400", help="Upper edges in metres, inclusive."),
    time_bands: str = typer.Option(
        "0,1,2",
        help="Upper edges in the data's unit (months for "
        "police.uk data, days for dated records), inclusive.",
    ),
    metric: str = typer.Option("euclidean", help="euclidean or manhattan."),
    permutations: int = typer.Option(99, help="Monte Carlo permutations of the times."),
    seed: int = typer.Option(1, help="Random seed: the same seed gives the same p-values."),
    as_json: bool = typer.Option(False, "--json", help="Print the table as JSON."),
) -> None:
    """The near-repeat (Knox) space-time table, as the Near Repeat Calculator computes it."""
    events = _events(types, months, force, events_file, area)
    try:
        report = service.near_repeat_report(
            events,
            space_bands=_numbers(space_bands, float, "space-bands"),
            time_bands=_numbers(time_bands, int, "time-bands"),
            metric=metric,
            permutations=permutations,
            seed=seed,
        )
    except (selection.SelectionError, ValueError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    result = report.result
    if as_json:
        typer.echo(json.dumps(report.as_dict()))
        return
    out.print(
        f"{result.n:,} events ({events.source}); time in {result.unit}; {result.metric} "
        f"distance; {result.permutations} permutations, seed {result.seed}. "
        "Band edges are upper bounds, inclusive."
    )
    table = Table(title="observed / expected pairs (p)")
    table.add_column("distance")
    for label in result.time_labels:
        table.add_column(label, justify="right")
    for i, label in enumerate(result.space_labels):
        cells = []
        for j in range(len(result.time_bands)):
            ratio, p = result.ratio[i][j], result.p_sim[i][j]
            mark = " *" if p == p and p <= 0.05 and ratio > 1 else ""
            cells.append(f"{ratio:.2f} ({p:.3f}){mark}" if ratio == ratio else "n/a")
        table.add_row(label, *cells)
    out.print(table)
    out.print("* significantly more pairs than expected (p <= 0.05): the near-repeat window")


def density(
    types: list[str] = typer.Option(None, "--types", help="police.uk crime type; repeat."),
    months: str = typer.Option(None, help="YYYY-MM:YYYY-MM (default: every month held)."),
    force: str = typer.Option(None, help="Only this force's crimes."),
    cell: float = typer.Option(100.0, help="Side of a grid square, metres."),
    bandwidth: str = typer.Option("scott", help="Metres, or a rule: scott or arcgis."),
    kernel: str = typer.Option("quartic", help="quartic or gaussian."),
    as_json: bool = typer.Option(False, "--json", help="Print the surface as JSON."),
) -> None:
    """Kernel density of crime (per km²) by binning and FFT convolution."""
    events = _events(types, months, force, None)
    try:
        width = float(bandwidth)
    except ValueError:
        width = bandwidth
    try:
        surface = service.density_surface(events, cell=cell, bandwidth=width, kernel=kernel)
    except (selection.SelectionError, ValueError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    peak = float(surface.density.max()) if surface.density.size else 0.0
    summary = {
        "events": len(events),
        "filters": events.filters,
        "kernel": surface.kernel,
        "bandwidth_m": surface.bandwidth,
        "rule": surface.rule,
        "method": surface.method,
        "grid": surface.grid.to_dict(),
        "peak_per_km2": peak,
    }
    if as_json:
        typer.echo(json.dumps({**summary, "density": surface.density.tolist()}))
        return
    out.print(
        f"{len(events):,} crimes; {surface.kernel} kernel, bandwidth "
        f"{surface.bandwidth:.0f} m ({surface.rule or 'set'}), {surface.method}; "
        f"grid {surface.grid.nrows} x {surface.grid.ncols} of {cell:g} m; "
        f"peak {peak:,.1f} crimes per km²"
    )


def emerging(
    types: list[str] = typer.Option(None, "--types", help="police.uk crime type; repeat."),
    months: str = typer.Option(None, help="YYYY-MM:YYYY-MM (default: every month held)."),
    force: str = typer.Option(None, help="Only this force's crimes."),
    cell: float = typer.Option(500.0, help="Side of a grid square, metres."),
    as_json: bool = typer.Option(False, "--json", help="Print the cells as JSON."),
) -> None:
    """Emerging hot spots: each cell's Gi* pattern over the months, with its Mann-Kendall trend."""
    from citysafe.analysis.emerging import PATTERNS

    events = _events(types, months, force, None)
    with db.session_scope(open_store()) as session:
        support = selection.map_point_support(session)
    try:
        result = service.emerging_report(events, cell=cell, support=support)
    except (selection.SelectionError, ValueError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    xc, yc = result.grid.centres()
    rows, cols = [a.tolist() for a in result.mask.nonzero()]
    cells = [
        {
            "x": float(xc[c]),
            "y": float(yc[r]),
            "pattern": PATTERNS[int(result.patterns[r, c])],
            "trend_z": float(result.trend.z[r, c]),
            "trend_p": float(result.trend.p_value[r, c]),
        }
        for r, c in zip(rows, cols, strict=True)
    ]
    if as_json:
        typer.echo(
            json.dumps(
                {"events": len(events), "filters": events.filters, "cell": cell, "cells": cells}
            )
        )
        return
    counts: dict[str, int] = {}
    for cell_row in cells:
        counts[cell_row["pattern"]] = counts.get(cell_row["pattern"], 0) + 1
    table = Table(title=f"emerging hot spots: {len(events):,} crimes, {cell:g} m cells")
    table.add_column("pattern")
    table.add_column("cells", justify="right")
    for name, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        table.add_row(name, str(n))
    out.print(table)
    out.print("Rules: see the docstring of citysafe.analysis.emerging (ArcGIS's definitions).")


def cocoon(
    as_of: str = typer.Option(..., help="The month the list is for (YYYY-MM)."),
    months: str = typer.Option(None, help="Burglaries analysed, YYYY-MM:YYYY-MM (default: all)."),
    space_bands: str = typer.Option("100,200,300,400", help="Upper edges in metres."),
    time_bands: str = typer.Option("0,1,2", help="Upper edges in months."),
    permutations: int = typer.Option(99, help="Monte Carlo permutations."),
    seed: int = typer.Option(1, help="Random seed."),
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """Cocoon list: map points inside the significant near-repeat window of recent burglaries."""
    events = _events(["Burglary"], months, None, None)
    try:
        table = service.near_repeat_report(
            events,
            space_bands=_numbers(space_bands, float, "space-bands"),
            time_bands=_numbers(time_bands, int, "time-bands"),
            permutations=permutations,
            seed=seed,
        ).result
        as_of_index = selection.parse_month_range(as_of)[0]
    except (selection.SelectionError, ValueError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    with db.session_scope(open_store()) as session:
        homes_x, homes_y = selection.map_point_support(session)
    found = service.cocoon_report(
        events, table, as_of=as_of_index, homes_x=homes_x, homes_y=homes_y
    )
    entries = [
        {
            "burglary": int(b),
            "x": float(homes_x[h]),
            "y": float(homes_y[h]),
            "distance_m": float(d),
            "months_since": int(e),
        }
        for b, h, d, e in zip(
            found.burglary, found.home, found.distance, found.elapsed, strict=True
        )
    ]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "as_of": as_of,
                    "window": table.window().tolist(),
                    "space_bands": list(table.space_bands),
                    "time_bands": list(table.time_bands),
                    "entries": entries,
                }
            )
        )
        return
    out.print(
        f"{len({e['burglary'] for e in entries}):,} recent burglaries put "
        f"{len({(e['x'], e['y']) for e in entries}):,} map points in the near-repeat window "
        f"as of {as_of} (the map points stand for the homes at them)."
    )


def knox(
    types: list[str] = typer.Option(None, "--types", help="police.uk crime type; repeat."),
    months: str = typer.Option(None, help="YYYY-MM:YYYY-MM (default: every month held)."),
    force: str = typer.Option(None, help="Only this force's crimes."),
    area: str = typer.Option(None, help="Only crimes inside an imported area, KIND:CODE."),
    events_file: Path = typer.Option(None, "--events", help="Dated records instead (CSV)."),
    distance: float = typer.Option(200.0, help="Close in space: d <= this many metres."),
    interval: int = typer.Option(
        1, help="Close in time: at most this many months (days for dated records) apart."
    ),
    metric: str = typer.Option("euclidean", help="euclidean or manhattan."),
    permutations: int = typer.Option(99, help="Monte Carlo permutations of the times."),
    seed: int = typer.Option(1, help="Random seed."),
    as_json: bool = typer.Option(False, "--json", help="Print the test as JSON."),
) -> None:
    """The single-threshold Knox test of space-time clustering."""
    from dataclasses import asdict

    from citysafe.analysis.nearrepeat import knox as knox_test

    events = _events(types, months, force, events_file, area)
    try:
        result = knox_test(
            events.x,
            events.y,
            np.asarray(events.times),
            distance=distance,
            interval=interval,
            unit=events.unit,
            metric=metric,
            permutations=permutations,
            seed=seed,
        )
    except ValueError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    data = {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in asdict(result).items()}
    if as_json:
        typer.echo(json.dumps({"source": events.source, "filters": events.filters, **data}))
        return
    out.print(
        f"{result.n:,} events, {result.pairs:,} pairs: {result.observed:,} close in space "
        f"(<= {distance:g} m) and time (<= {interval} {result.unit}) against "
        f"{result.expected:,.1f} expected (ratio {result.ratio:.2f}); pseudo p = "
        f"{result.p_sim:.3g} from {permutations} permutations (seed {seed}), "
        f"Poisson p = {result.p_poisson:.3g}"
    )
