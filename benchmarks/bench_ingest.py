"""Ingest speed: citysafe beside pandas.read_csv + DataFrame.to_sql, same files, one run.

    python -m benchmarks.bench_ingest [--synthetic-rows 2000000] [--skip-postgres] [--repeat 3]

Datasets: every Liverpool file in ../shared/data (275,964 rows), and a
synthetic force-sized set made by the demo generator. Targets: SQLite and a
throwaway PostgreSQL cluster started for the run (.ci/postgres.sh). Each load
runs ``--repeat`` times into a fresh database, citysafe and pandas taking
turns, and the medians are reported: other work on the machine makes single
timings noisy. Writes its section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from benchmarks.results import machine, write_section
from citysafe import db
from citysafe.crime.service import ingest_paths

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def citysafe_load(url: str, folder: Path) -> tuple[int, float]:
    engine = db.make_engine(url)
    db.ensure_schema(engine)
    started = time.perf_counter()
    report = ingest_paths(engine, [folder])
    elapsed = time.perf_counter() - started
    engine.dispose()
    assert not report.failed and report.total.read == report.total.stored
    return report.total.read, elapsed


def pandas_load(url: str, folder: Path) -> tuple[int, float]:
    """What an analyst's script does: read each file and append it to a table."""
    engine = sa.create_engine(db.normalise_url(url))
    started = time.perf_counter()
    rows = 0
    for path in sorted(folder.rglob("*-street.csv")):
        frame = pd.read_csv(path)
        frame.to_sql("crimes_pandas", engine, if_exists="append", index=False)
        rows += len(frame)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return rows, elapsed


class Postgres:
    """A throwaway cluster for the run, with a fresh database per load."""

    def __init__(self):
        # its own folder under /tmp: the postgres user cannot enter a private temporary folder
        self.dir = Path(tempfile.mkdtemp(prefix="citysafe-bench-pg-"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.admin = subprocess.run(
            ["bash", str(ROOT / ".ci" / "postgres.sh"), "start", str(self.dir), str(port)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        self.n = 0

    def fresh(self) -> str:
        self.n += 1
        name = f"bench{self.n}"
        engine = sa.create_engine(db.normalise_url(self.admin), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {name}"))
        engine.dispose()
        return self.admin.rsplit("/", 1)[0] + f"/{name}"

    def stop(self) -> None:
        subprocess.run(
            ["bash", str(ROOT / ".ci" / "postgres.sh"), "stop", str(self.dir)], check=False
        )
        shutil.rmtree(self.dir, ignore_errors=True)


def synthetic(folder: Path, rows: int) -> Path:
    """A force-sized set from the demo generator, in police.uk's layout."""
    from citysafe.demo.files import write_city
    from citysafe.demo.generator import generate_city, scale_for_rows

    write_city(generate_city(7, scale=scale_for_rows(rows)), folder)
    return folder


def measure(
    name: str, folder: Path, work: Path, postgres: Postgres | None, repeat: int
) -> list[str]:
    lines = []
    targets = [("SQLite", lambda tag: f"sqlite:///{work / f'{tag}.db'}")]
    if postgres is not None:
        targets.append(("PostgreSQL", lambda tag: postgres.fresh()))
    for target, url_for in targets:
        ours, theirs = [], []
        for run in range(repeat):
            rows, elapsed = citysafe_load(url_for(f"{name}-citysafe-{run}"), folder)
            ours.append(elapsed)
            theirs.append(pandas_load(url_for(f"{name}-pandas-{run}"), folder)[1])
        ours, theirs = statistics.median(ours), statistics.median(theirs)
        lines.append(
            f"| {name} | {target} | {rows:,} | {ours:.1f} s | {rows / ours:,.0f} | "
            f"{theirs:.1f} s | {rows / theirs:,.0f} | {theirs / ours:.2f}x |"
        )
        print(lines[-1], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--synthetic-rows", type=int, default=2_000_000)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each load (medians)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        postgres = None if args.skip_postgres else Postgres()
        try:
            with tarfile.open(SHARED / "policeuk-liverpool-2018-2021.tar.xz") as archive:
                archive.extractall(work / "real", filter="data")
            lines = measure(
                "Liverpool 2018-2021", work / "real" / "liverpool", work, postgres, args.repeat
            )
            if args.synthetic_rows:
                folder = synthetic(work / "synthetic", args.synthetic_rows)
                lines += measure(
                    f"demo generator, {args.synthetic_rows:,} rows",
                    folder,
                    work,
                    postgres,
                    args.repeat,
                )
        finally:
            if postgres is not None:
                postgres.stop()
    header = [
        "## Ingest (benchmarks/bench_ingest.py)",
        "",
        f"Measured {machine()}; median of {args.repeat} runs of each load, taking turns.",
        "citysafe: `ingest_paths` (parse, validate every field, project to BNG, dedupe against",
        "the store, one transaction a file, and on SQLite a final WAL checkpoint). pandas:",
        "`read_csv` + `to_sql` per file, appending to one table with no validation, no dedupe",
        "and no index: the analyst's script.",
        "",
        "| data | into | rows | citysafe | rows/s | pandas | rows/s | citysafe vs pandas |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    write_section("ingest", "\n".join(header + lines))


if __name__ == "__main__":
    main()
