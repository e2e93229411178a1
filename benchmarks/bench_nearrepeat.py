"""Near repeat speed: citysafe beside pointpats' Knox and a naive dense table, same data, one run.

    python -m benchmarks.bench_nearrepeat [--quick]

Every measurement runs in a fresh process (so that its peak memory is its
own) on the same seeded data: synthetic burglaries at Liverpool's density and
clustering (see ``synthetic_burglaries``), and every Liverpool burglary in
../shared/data. Writes its section of benchmarks/RESULTS.md. ``--quick``
skips the slowest reference runs (pointpats at n=50,000, the naive table at
n=10,000).
"""

from __future__ import annotations

import argparse
import importlib
import resource
import tarfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from benchmarks.results import machine, write_section

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
# Liverpool's burglaries 2018-2021 (14,578 in about 112 km^2, on 4,236 map points) have
# 2.9, 7.3, 22 and 107 other burglaries within 0, 100, 200 and 500 m of each; this generator
# gives 2.7, 6.9, 20 and 101 at any n, the area growing with n (200 burglaries per km^2).
DENSITY_PER_KM2 = 200.0
DAYS = 1370  # 3.75 years, as the Liverpool files
SPACE_BANDS = [0, 100, 200, 300, 400, 500]  # same location, then 100 m bands: 6
TIME_BANDS = [7, 14, 21, 28, 35, 42, 49, 56, 63]  # weeks: 9
MONTH_SPACE_BANDS = [0, 100, 200, 300, 400]
MONTH_TIME_BANDS = [0, 1, 2, 3]
FIGURES: dict[str, tuple] = {}  # the measurements the goals are judged on


def synthetic_burglaries(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Burglaries snapped to map points, clustered in neighbourhoods, 10% of them near repeats."""
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(seed)
    side = np.sqrt(n / DENSITY_PER_KM2) * 1000.0
    points = max(1, round(n / 3.4))
    centres = rng.uniform(0, side, (max(1, round(side * side / 1.5e6)), 2))
    clustered = rng.random(points) < 0.7
    which = rng.integers(0, len(centres), points)
    px = np.where(
        clustered, centres[which, 0] + rng.normal(0, 400, points), rng.uniform(0, side, points)
    )
    py = np.where(
        clustered, centres[which, 1] + rng.normal(0, 400, points), rng.uniform(0, side, points)
    )
    px, py = np.clip(px, 0, side).round(), np.clip(py, 0, side).round()
    weight = rng.lognormal(0, 0.7, points)
    first = round(n * 0.9)
    spot = rng.choice(points, first, p=weight / weight.sum())
    days = rng.integers(0, DAYS, first)
    source = rng.integers(0, first, n - first)
    near = np.column_stack([px[spot[source]], py[spot[source]]]) + rng.normal(
        0, 120, (n - first, 2)
    )
    spot = np.concatenate([spot, cKDTree(np.column_stack([px, py])).query(near)[1]])
    days = np.concatenate(
        [days, np.minimum(days[source] + rng.integers(1, 15, n - first), DAYS - 1)]
    )
    return px[spot], py[spot], days


def liverpool_burglaries() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every Liverpool burglary 2018-2021: BNG metres and month index (datetime64[M])."""
    import pandas as pd

    from citysafe.geo import to_bng

    frames = []
    with tarfile.open(SHARED / "policeuk-liverpool-2018-2021.tar.xz") as archive:
        for member in archive:
            if member.isfile() and member.name.endswith("-street.csv"):
                frame = pd.read_csv(
                    archive.extractfile(member),
                    usecols=["Month", "Longitude", "Latitude", "Crime type"],
                )
                frames.append(frame[frame["Crime type"] == "Burglary"].dropna())
    rows = pd.concat(frames)
    x, y = to_bng(rows["Longitude"].to_numpy(), rows["Latitude"].to_numpy())
    return x, y, rows["Month"].to_numpy().astype("datetime64[M]")


def events(data: str, n: int = 0):
    return liverpool_burglaries() if data == "liverpool" else synthetic_burglaries(n)


# --- jobs: each runs in a fresh process and times only the work itself ---


def timed(work):
    """``(result, seconds)`` of ``work()``; quick work is repeated and its best run kept.

    Work under 2 s runs at least 3 times, and up to 20 times while the runs add up
    to less than 2 s (as timeit's autorange): other processes share this machine,
    and the least disturbed run is the best estimate of the work itself.
    """
    started = time.perf_counter()
    result = work()
    best = spent = time.perf_counter() - started
    runs = 1
    while best < 2.0 and (runs < 3 or (runs < 20 and spent < 2.0)):
        started = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - started
        best, spent, runs = min(best, elapsed), spent + elapsed, runs + 1
    return result, best


def citysafe_table(data: str, n: int, permutations: int, months: bool = False) -> dict:
    from citysafe.analysis.nearrepeat import near_repeat

    x, y, t = events(data, n)
    space, bands = (MONTH_SPACE_BANDS, MONTH_TIME_BANDS) if months else (SPACE_BANDS, TIME_BANDS)
    result, seconds = timed(
        lambda: near_repeat(
            x, y, t, space_bands=space, time_bands=bands, permutations=permutations, seed=1
        )
    )
    return {
        "seconds": seconds,
        "n": int(x.size),
        "observed": result.observed.tolist(),
        "expected": result.expected.tolist(),
        "significant": int((result.window()).sum()),
        "ratio_first": float(result.ratio[0, 0]),
    }


def naive_table(data: str, n: int, permutations: int) -> dict:
    """All n(n-1)/2 pairs, every permutation re-binning every pair: a plain numpy script."""
    x, y, t = events(data, n)
    space, bands = np.asarray(SPACE_BANDS, float), np.asarray(TIME_BANDS)

    def work():
        i, j = np.triu_indices(x.size, k=1)
        i, j = i.astype(np.int32), j.astype(np.int32)
        d2 = (x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2
        space_band = np.searchsorted(space**2, d2).astype(np.int8)

        def table(times):
            time_band = np.searchsorted(bands, np.abs(times[i] - times[j]))
            inside = (space_band < space.size) & (time_band < bands.size)
            codes = space_band[inside].astype(np.int64) * bands.size + time_band[inside]
            return np.bincount(codes, minlength=space.size * bands.size).reshape(space.size, -1)

        rng = np.random.default_rng(1)
        simulated = [table(t[rng.permutation(t.size)]) for _ in range(permutations)]
        return table(t), np.array(simulated)

    (observed, simulated), seconds = timed(work)
    return {
        "seconds": seconds,
        "n": int(x.size),
        "observed": observed.tolist(),
        "expected": simulated.mean(axis=0).tolist(),
    }


def citysafe_knox(data: str, n: int, permutations: int, interval: int = 14) -> dict:
    from citysafe.analysis.nearrepeat import knox

    x, y, t = events(data, n)
    result, seconds = timed(
        lambda: knox(x, y, t, distance=200, interval=interval, permutations=permutations, seed=1)
    )
    return {"seconds": seconds, "n": int(x.size), "table": result.table.tolist(), "p": result.p_sim}


def pointpats_knox(data: str, n: int, permutations: int, interval: int = 14) -> dict:
    import warnings

    from pointpats.spacetime import Knox

    x, y, t = events(data, n)
    times = t.astype(np.int64)[:, None].astype(float)
    np.random.seed(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result, seconds = timed(
            lambda: Knox(
                np.column_stack([x, y]), times, delta=200, tau=interval, permutations=permutations
            )
        )
    return {
        "seconds": seconds,
        "n": int(x.size),
        "table": result.observed.astype(np.int64).tolist(),
        "p": result.p_sim,
    }


def close_pairs(data: str, n: int) -> dict:
    from scipy.spatial import cKDTree

    x, y, _ = events(data, n)
    found = cKDTree(np.column_stack([x, y])).count_neighbors(
        cKDTree(np.column_stack([x, y])), 500.0
    )
    return {"seconds": 0.0, "pairs": int((found - x.size) // 2)}


def citysafe_cocoon(data: str, n: int) -> dict:
    from citysafe.analysis.cocoon import cocoon_list
    from citysafe.analysis.nearrepeat import near_repeat

    x, y, t = events(data, n)
    result = near_repeat(
        x, y, t, space_bands=MONTH_SPACE_BANDS, time_bands=MONTH_TIME_BANDS, permutations=99, seed=1
    )
    homes = np.unique(np.column_stack([x, y]), axis=0)
    listed, seconds = timed(
        lambda: cocoon_list(result, x, y, t, homes[:, 0], homes[:, 1], as_of=t.max())
    )
    return {"seconds": seconds, "rows": int(listed.home.size), "homes": int(listed.homes.size)}


def run_job(module: str, job: str, kwargs: dict) -> dict:
    """In the child: run one job, add its peak resident memory."""
    result = getattr(importlib.import_module(module), job)(**kwargs)
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def measure(job: str, module: str = "benchmarks.bench_nearrepeat", **kwargs) -> dict:
    """Run a job in a fresh process and return its figures (seconds, rss_mb, ...)."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn"), max_tasks_per_child=1) as pool:
        result = pool.submit(run_job, module, job, kwargs).result()
    print(f"{job} {kwargs}: {result['seconds']:.2f} s, {result['rss_mb']:.0f} MB", flush=True)
    return result


def seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def gigabytes(result: dict) -> str:
    return f"{result['rss_mb'] / 1024:.2f} GB"


def knox_section(quick: bool) -> list[str]:
    lines = [
        "### Knox test, one threshold (200 m, 14 days, 99 permutations)",
        "",
        "| n | citysafe | peak memory | pointpats Knox | peak memory | speed-up "
        "| counts identical |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for n in (10_000,) if quick else (10_000, 50_000):
        ours = measure("citysafe_knox", data="synthetic", n=n, permutations=99)
        theirs = measure("pointpats_knox", data="synthetic", n=n, permutations=99)
        FIGURES[f"knox {n}"] = (ours, theirs)
        lines.append(
            f"| {n:,} | {seconds(ours['seconds'])} | {gigabytes(ours)} | "
            f"{seconds(theirs['seconds'])} | {gigabytes(theirs)} | "
            f"{theirs['seconds'] / ours['seconds']:,.0f}x | {ours['table'] == theirs['table']} |"
        )
    return lines


def table_section(quick: bool) -> list[str]:
    lines = [
        "### Near-repeat table, 6 x 9 bands, 99 permutations, beside a naive dense table",
        "",
        "The naive table holds all n(n-1)/2 pairs and re-bins every one in each permutation;",
        "both use the same seeded permutations, so observed *and* expected must be identical.",
        "",
        "| n | citysafe | naive dense | peak memory (naive) | speed-up | tables identical |",
        "| ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for n in (2_000, 5_000) if quick else (2_000, 5_000, 10_000):
        ours = measure("citysafe_table", data="synthetic", n=n, permutations=99)
        theirs = measure("naive_table", data="synthetic", n=n, permutations=99)
        FIGURES[f"table {n}"] = (ours, theirs)
        same = ours["observed"] == theirs["observed"] and np.allclose(
            ours["expected"], theirs["expected"], rtol=0, atol=1e-9
        )
        lines.append(
            f"| {n:,} | {seconds(ours['seconds'])} | {seconds(theirs['seconds'])} | "
            f"{gigabytes(theirs)} | {theirs['seconds'] / ours['seconds']:,.0f}x | {same} |"
        )
    return lines


def scaling_section() -> list[str]:
    lines = [
        "### citysafe scaling (synthetic, area growing with n)",
        "",
        "| n | pairs within 500 m | table 6x9, 99 perm. | peak memory | "
        "table 6x9, 999 perm. | peak memory | Knox, 99 perm. | peak memory |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n in (2_000, 10_000, 50_000, 200_000, 1_000_000):
        pairs = measure("close_pairs", data="synthetic", n=n)["pairs"]
        table = measure("citysafe_table", data="synthetic", n=n, permutations=99)
        full = (
            measure("citysafe_table", data="synthetic", n=n, permutations=999)
            if n <= 200_000
            else None
        )
        knox = measure("citysafe_knox", data="synthetic", n=n, permutations=99)
        FIGURES[f"scaling {n}"] = (table, full)
        full_cells = f"{seconds(full['seconds'])} | {gigabytes(full)}" if full else "not run | "
        lines.append(
            f"| {n:,} | {pairs:,} | {seconds(table['seconds'])} | {gigabytes(table)} | "
            f"{full_cells} | {seconds(knox['seconds'])} | {gigabytes(knox)} |"
        )
    return lines


def liverpool_section() -> list[str]:
    table = measure("citysafe_table", data="liverpool", n=0, permutations=999, months=True)
    knox = measure("citysafe_knox", data="liverpool", n=0, permutations=999, interval=1)
    theirs = measure("pointpats_knox", data="liverpool", n=0, permutations=99, interval=1)
    ours99 = measure("citysafe_knox", data="liverpool", n=0, permutations=99, interval=1)
    cocoon = measure("citysafe_cocoon", data="liverpool", n=0)
    return [
        f"### All Liverpool burglaries 2018-2021 (n={table['n']:,}, month-level)",
        "",
        "| what | citysafe | peak memory | reference |",
        "| --- | ---: | ---: | --- |",
        f"| table 5 x 4 (0-400 m by 0-3 months), 999 permutations | {seconds(table['seconds'])} "
        f"| {gigabytes(table)} | |",
        f"| Knox 200 m, 1 month, 999 permutations | {seconds(knox['seconds'])} "
        f"| {gigabytes(knox)} | |",
        f"| Knox 200 m, 1 month, 99 permutations | {seconds(ours99['seconds'])} "
        f"| {gigabytes(ours99)} "
        f"| pointpats {seconds(theirs['seconds'])}, {gigabytes(theirs)}; "
        f"{theirs['seconds'] / ours99['seconds']:,.0f}x; counts identical: "
        f"{ours99['table'] == theirs['table']} |",
        f"| cocoon list for the last month ({cocoon['rows']:,} rows, {cocoon['homes']:,} map "
        f"points) | {seconds(cocoon['seconds'])} | {gigabytes(cocoon)} | |",
        "",
        f"Observed same location, same month: {table['observed'][0][0]:,} pairs, "
        f"{table['ratio_first']:.2f} times the expected; {table['significant']} of 20 bands "
        "significant (p <= 0.05, ratio above 1).",
    ]


def goals_section() -> list[str]:
    rows = []
    if "knox 50000" in FIGURES:
        ours, theirs = FIGURES["knox 50000"]
        speed, same = theirs["seconds"] / ours["seconds"], ours["table"] == theirs["table"]
        met = speed >= 100 and same and ours["rss_mb"] < 1024
        rows.append(
            f"| Knox at n=50,000: 100x pointpats, identical counts, under 1 GB | {speed:,.0f}x, "
            f"identical: {same}, {gigabytes(ours)} | {met} |"
        )
    if "table 10000" in FIGURES:
        ours, theirs = FIGURES["table 10000"]
        speed = theirs["seconds"] / ours["seconds"]
        rows.append(
            f"| table 6x9 at n=10,000: 300x the naive table | {speed:,.0f}x | {speed >= 300} |"
        )
    if "scaling 50000" in FIGURES:
        full = FIGURES["scaling 50000"][1]
        rows.append(
            f"| table, 999 permutations at n=50,000: under 60 s | {seconds(full['seconds'])} "
            f"| {full['seconds'] < 60} |"
        )
    if "scaling 200000" in FIGURES:
        for run, permutations in zip(FIGURES["scaling 200000"], (99, 999), strict=True):
            rows.append(
                f"| table, {permutations} permutations at n=200,000: under 8 GB | "
                f"{gigabytes(run)} | {run['rss_mb'] < 8 * 1024} |"
            )
    return ["### Goals", "", "| goal | measured | met |", "| --- | --- | --- |", *rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the slowest reference runs")
    args = parser.parse_args()
    sections = [
        knox_section(args.quick),
        table_section(args.quick),
        scaling_section(),
        liverpool_section(),
    ]
    body = [
        "## Near repeat (benchmarks/bench_nearrepeat.py)",
        "",
        f"Measured {machine()}; one process at a time, each fresh (peak memory is its",
        "maximum resident set, interpreter included). Synthetic data: burglaries at",
        f"{DENSITY_PER_KM2:.0f} per km^2 over {DAYS} days, snapped to map points and clustered as",
        "Liverpool's are, 10% near repeats (`synthetic_burglaries`). Timings include finding",
        "the pairs, not loading the data; runs under 2 s are repeated (3 to 20 times) and the",
        "best kept, for citysafe and the references alike (other work shares the machine).",
        "",
        *goals_section(),
    ]
    for section in sections:
        body += ["", *section]
    write_section("nearrepeat", "\n".join(body))


if __name__ == "__main__":
    main()
