"""The public finder under load: ``GET /api/havens/nearest`` over 10,000 venues, one run.

    python -m benchmarks.bench_finder [--venues 10000] [--rate 200] [--seconds 30]
                                      [--skip-postgres]

For each backend (a SQLite file; a throwaway PostgreSQL cluster started for
the run with .ci/postgres.sh) the script stores a synthetic network of
``--venues`` venues over the demo city's 12 km x 10 km (hours by kind of
venue, takeaways open past midnight, one in ten without its sign up so not
ready, trained staff on shift whenever open), starts the app with uvicorn
in its own process on 127.0.0.1 (no access log), and loads it from this
process over loopback:

1. *at the rate*: an open-loop schedule of ``--rate`` requests a second for
   ``--seconds``, each at a random point of the city on a Friday at 19:00,
   over keep-alive connections. A request's latency runs from the moment the
   schedule says it should be sent, so a server that falls behind is charged
   for the wait (no coordinated omission);
2. *flat out*: 8 connections sending back to back for 10 s: the most it serves.

It also times the finder in process (no HTTP) and the first search, which
loads the network and builds the index. Bounded: at most ``rate x seconds``
requests plus 10 s flat out per backend, each with a 5 s timeout; loopback
only. Writes its section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from benchmarks.results import machine, write_section
from citysafe import db
from citysafe.geo import to_wgs84
from citysafe.havens import hours as hours_
from citysafe.havens.demo import HOURS
from citysafe.havens.models import (
    Course,
    OpeningSpan,
    Shift,
    StaffMember,
    StatusChange,
    Venue,
)

ROOT = Path(__file__).resolve().parents[1]
BOX = (333_900.0, 388_000.0, 345_900.0, 398_000.0)  # the demo city, BNG metres
AT = "2026-11-27T19:00:00"  # a Friday evening, UK time
SECRET = "benchmark-secret-key-0123456789-abcdefghijklmnop"
FLAT_OUT_SECONDS = 10.0
FLAT_OUT_CONNECTIONS = 8
TIMEOUT = 5.0
KINDS = {  # the demo's kinds of venue: what they are recorded as, and how often they occur
    "convenience store": ("shop", 7),
    "takeaway": ("takeaway", 5),
    "newsagent": ("shop", 3),
    "pharmacy": ("pharmacy", 3),
    "cafe": ("shop", 3),
    "library": ("library", 2),
    "community centre": ("community centre", 2),
    "youth centre": ("community centre", 2),
    "leisure centre": ("leisure", 1),
}


# ---- the network


def _rows(n: int, seed: int = 6) -> dict[str, list[dict]]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(BOX[0], BOX[2], n)
    y = rng.uniform(BOX[1], BOX[3], n)
    lon, lat = to_wgs84(x, y)
    names = list(KINDS)
    share = np.array([KINDS[k][1] for k in names], float)
    kinds = rng.choice(len(names), n, p=share / share.sum())
    now = datetime.now(UTC)
    today = date.today()
    out: dict[str, list[dict]] = {
        t: [] for t in ("venues", "status", "hours", "staff", "courses", "shifts")
    }
    patterns = {k: hours_.parse_spans(HOURS[k]) for k in names}
    for i in range(n):
        vid = i + 1
        kind = names[kinds[i]]
        out["venues"].append(
            {
                "id": vid,
                "name": f"Venue {vid}",
                "kind": KINDS[kind][0],
                "address": f"{vid} Test Street",
                "longitude": float(lon[i]),
                "latitude": float(lat[i]),
                "easting": float(x[i]),
                "northing": float(y[i]),
                "contact": None,
                "status": "active",
                "joined_on": today - timedelta(days=400),
                "sign_installed_on": None if i % 10 == 9 else today - timedelta(days=390),
                "bank_holidays": "usual",
                "notes": None,
                "created_at": now,
                "updated_at": now,
            }
        )
        out["status"].append(
            {
                "venue_id": vid,
                "status": "active",
                "changed_on": today - timedelta(days=400),
                "note": None,
                "recorded_at": now,
            }
        )
        for span in patterns[kind]:
            out["hours"].append(
                {
                    "venue_id": vid,
                    "weekday": span.weekday,
                    "opens": span.opens,
                    "closes": span.closes,
                    "overnight": span.overnight,
                }
            )
            out["shifts"].append(
                {
                    "staff_id": vid,
                    "weekday": span.weekday,
                    "starts": span.opens,
                    "ends": span.closes,
                    "overnight": span.overnight,
                }
            )
        out["staff"].append(
            {"id": vid, "venue_id": vid, "name": "Sam", "active": True, "added_at": now}
        )
        for course in ("first aid", "safeguarding"):
            out["courses"].append(
                {
                    "staff_id": vid,
                    "course": course,
                    "completed_on": today - timedelta(days=200),
                    "expires_on": today + timedelta(days=800),
                    "recorded_at": now,
                }
            )
    return out


def store_network(url: str, n: int) -> float:
    """Write the network with plain inserts (the fixture, not the code under test)."""
    engine = db.make_engine(url)
    db.ensure_schema(engine)
    rows = _rows(n)
    started = time.perf_counter()
    with engine.begin() as connection:
        for model, key in (
            (Venue, "venues"),
            (StatusChange, "status"),
            (OpeningSpan, "hours"),
            (StaffMember, "staff"),
            (Course, "courses"),
            (Shift, "shifts"),
        ):
            connection.execute(sa.insert(model.__table__), rows[key])
        if engine.dialect.name == "postgresql":
            for table in ("haven_venues", "haven_staff"):
                connection.execute(
                    sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {n})")
                )
    engine.dispose()
    return time.perf_counter() - started


def in_process(url: str, requests: int = 2000) -> tuple[float, float, float]:
    """The first search (loads the network, builds the index), then the median and p99 of
    ``requests`` searches, in milliseconds, without HTTP."""
    from sqlalchemy.orm import Session

    from citysafe.havens import finder

    engine = db.make_engine(url)
    rng = np.random.default_rng(11)
    lon, lat = to_wgs84(
        rng.uniform(BOX[0], BOX[2], requests), rng.uniform(BOX[1], BOX[3], requests)
    )
    at = datetime.fromisoformat(AT)
    with Session(engine) as session:
        started = time.perf_counter()
        finder.nearest(session, lat=float(lat[0]), lon=float(lon[0]), at=at)
        first = time.perf_counter() - started
        times = []
        for a, b in zip(lat, lon, strict=True):
            started = time.perf_counter()
            finder.nearest(session, lat=float(a), lon=float(b), at=at)
            times.append(time.perf_counter() - started)
    engine.dispose()
    return first, float(np.median(times)) * 1000, float(np.percentile(times, 99)) * 1000


# ---- the server, in its own process


SERVER = """
import sys, uvicorn
from citysafe.config import Settings
from citysafe.web.app import create_app
app = create_app(Settings(database_url=sys.argv[1], secret_key=sys.argv[3]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, url, str(self.port), SECRET],
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# ---- the load, from this process


class Connection:
    """One keep-alive HTTP/1.1 connection, sending a GET and reading the whole answer."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def get(self, path: str) -> int:
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


def paths(count: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    lon, lat = to_wgs84(rng.uniform(BOX[0], BOX[2], count), rng.uniform(BOX[1], BOX[3], count))
    return [
        f"/api/havens/nearest?lat={a:.5f}&lon={b:.5f}&at={AT}&limit=5"
        for a, b in zip(lat, lon, strict=True)
    ]


async def at_rate(port: int, rate: float, seconds: float) -> dict:
    """Open loop: request i is due at start + i / rate; latency counts from when it was due."""
    count = int(rate * seconds)
    todo = paths(count, seed=1)
    idle: list[Connection] = []
    latencies: list[float] = []
    errors: Counter = Counter()
    opened = 0

    async def fresh() -> Connection:
        nonlocal opened
        opened += 1
        return await Connection.open(port)

    async def one(due: float, path: str) -> None:
        reused = bool(idle)
        connection = idle.pop() if reused else await fresh()
        try:
            try:
                status = await asyncio.wait_for(connection.get(path), TIMEOUT)
            except (ConnectionError, asyncio.IncompleteReadError):
                if not reused:
                    raise
                # the server closes keep-alive connections idle for 5 s: as any HTTP client
                # does, send the (idempotent) request again on a new connection
                connection.close()
                connection = await fresh()
                status = await asyncio.wait_for(connection.get(path), TIMEOUT)
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as error:
            errors[type(error).__name__] += 1
            connection.close()
            return
        latencies.append(time.perf_counter() - due)
        if status != 200:
            errors[f"HTTP {status}"] += 1
        idle.append(connection)

    tasks = []
    start = time.perf_counter() + 0.1
    for i, path in enumerate(todo):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due, path)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    for connection in idle:
        connection.close()
    ms = np.array(latencies) * 1000
    return {
        "requests": count,
        "answered": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "throughput": len(latencies) / elapsed,
        "p50": float(np.percentile(ms, 50)),
        "p99": float(np.percentile(ms, 99)),
        "max": float(ms.max()),
        "connections": opened,
        "latencies": ms,
    }


async def flat_out(port: int, seconds: float, connections: int) -> float:
    """Closed loop: each connection sends its next request when the last is answered."""
    todo = paths(200_000, seed=2)
    done = 0
    stop = time.perf_counter() + seconds

    async def worker(k: int) -> None:
        nonlocal done
        connection = await Connection.open(port)
        i = k
        while time.perf_counter() < stop:
            await asyncio.wait_for(connection.get(todo[i % len(todo)]), TIMEOUT)
            done += 1
            i += connections
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(connections)))
    return done / (time.perf_counter() - started)


# ---- backends


class Postgres:
    """A throwaway cluster for the run (.ci/postgres.sh), removed after it."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="citysafe-bench-finder-pg-"))
        self.url = subprocess.run(
            ["bash", str(ROOT / ".ci" / "postgres.sh"), "start", str(self.dir), str(free_port())],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        admin = sa.create_engine(db.normalise_url(self.url), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text("CREATE DATABASE bench_finder"))
        admin.dispose()
        self.url = self.url.rsplit("/", 1)[0] + "/bench_finder"

    def stop(self) -> None:
        subprocess.run(
            ["bash", str(ROOT / ".ci" / "postgres.sh"), "stop", str(self.dir)], check=False
        )
        shutil.rmtree(self.dir, ignore_errors=True)


def _kinds(kinds: dict) -> str:
    return f" ({', '.join(f'{n} {k}' for k, n in kinds.items())})" if kinds else ""


def measure(name: str, url: str, args) -> str:
    stored = store_network(url, args.venues)
    first, median, p99 = in_process(url)
    server = Server(url)
    try:
        asyncio.run(at_rate(server.port, 5, 1))  # warm: the server's first search builds
        rated = asyncio.run(at_rate(server.port, args.rate, args.seconds))
        most = asyncio.run(flat_out(server.port, FLAT_OUT_SECONDS, FLAT_OUT_CONNECTIONS))
    finally:
        server.stop()
    line = (
        f"| {name} | {args.venues:,} | {stored:.1f} s | {first:.2f} s | {median:.2f} ms / "
        f"{p99:.2f} ms | {rated['requests']:,} at {args.rate:g}/s | {rated['throughput']:.0f}/s "
        f"| {rated['p50']:.1f} ms | {rated['p99']:.1f} ms | {rated['max']:.0f} ms | "
        f"{rated['errors']}{_kinds(rated['error_kinds'])} | {most:.0f}/s |"
    )
    print(line, flush=True)
    return line


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--venues", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="Do not touch RESULTS.md.")
    args = parser.parse_args()
    lines = []
    with tempfile.TemporaryDirectory(prefix="citysafe-bench-finder-") as work:
        lines.append(measure("SQLite", f"sqlite:///{Path(work) / 'finder.db'}", args))
    if not args.skip_postgres:
        postgres = Postgres()
        try:
            lines.append(measure("PostgreSQL", postgres.url, args))
        finally:
            postgres.stop()
    body = [
        "## Public finder (benchmarks/bench_finder.py)",
        "",
        f"Measured {machine()}.",
        "`GET /api/havens/nearest` (limit 5, a Friday at 19:00) at random points of a",
        "12 km x 10 km city with synthetic venues; the app under uvicorn in its own",
        "process (no access log), loaded from another over loopback. *At the rate*: an open-loop",
        "schedule, latency counted from when each request was due. *Flat out*: 8 connections",
        f"back to back for {FLAT_OUT_SECONDS:g} s. *In process*: the finder without HTTP (median /",
        "p99); *first search*: loading the network and building the index.",
        "Goal: p99 under 50 ms at 200 requests/s.",
        "",
        "| backend | venues | stored in | first search | in process | requests | throughput "
        "| p50 | p99 | max | errors | flat out |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *lines,
    ]
    if not args.no_write:
        write_section("finder", "\n".join(body))


if __name__ == "__main__":
    main()
