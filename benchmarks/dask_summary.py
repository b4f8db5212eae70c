"""Beyond memory: summarise 100M respondent rows in many Parquet files on a Dask LocalCluster.

Synthetic (seeded) respondent rows are written to /tmp in files of 1M rows: a respondent id, 200
groups, 8 periods, a survey weight and 5 items on 1-10 with 3% missing answers (null; missing
codes already set to NA, as the loaders do). On a
``distributed.LocalCluster`` (2 worker processes, 1 thread each, a memory limit each), two ways
over the same files, in the same run:

``cxlab``
    ``cxlab.summarize`` of the Dask DataFrame (``dd.read_parquet`` of the files): weighted
    summary of the 5 items per group x period (1,600 cells each), summed per partition on the
    workers and finished on the client (:mod:`cxlab.stats.distributed`);
``read once``
    the plain alternative: reading the same columns once with Dask, nothing computed
    (``dd.read_parquet(files, columns=...).map_partitions(len).compute()``).

Each way runs once on two files to warm the workers up (imports), then ``--repeats`` times
(alternating); the medians are reported. A sampler thread reads
the resident memory (RSS) of the client process (which runs the nannies) and of every worker
process every 0.1 s; the peaks of the client, of the workers together and of the whole run (all of them at
once) are recorded, with the load average at the start and end. At up to 5M rows the summary is
also checked against ``summarize`` of the pandas table of all rows (rtol 1e-9).

Run from the repository root::

    .venv/bin/python benchmarks/dask_summary.py                       # 100M rows
    .venv/bin/python benchmarks/dask_summary.py --rows 2000000 --repeats 3   # a quick try

Results go to benchmarks/results/dask_summary.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
ITEMS = ["satisfaction", "ease", "efficiency", "trust", "recommend"]
COLUMNS = ["group", "period", "weight", *ITEMS]
FILE_ROWS = 1_000_000
PERIODS = np.array([f"{y}-Q{q}" for y in (2023, 2024) for q in range(1, 5)])
TARGETS = {"client_mb": 1024, "total_mb": 6 * 1024, "ratio": 3.0}


def write_files(folder: Path, rows: int, *, seed: int = 18) -> tuple[list[Path], bool]:
    """Write ``rows`` synthetic respondent rows as Parquet files of :data:`FILE_ROWS` rows.

    Returns the files and whether they were written (False: those of an earlier run, reused).
    """
    folder.mkdir(parents=True, exist_ok=True)
    count = -(-rows // FILE_ROWS)
    paths = [folder / f"part-{i:04d}.parquet" for i in range(count)]
    stamp = folder / "ROWS"
    if stamp.exists() and stamp.read_text() == str(rows) and all(p.exists() for p in paths):
        return paths, False
    for old in folder.glob("part-*.parquet"):
        old.unlink()
    rng = np.random.default_rng(seed)
    for i, path in enumerate(paths):
        n = min(FILE_ROWS, rows - i * FILE_ROWS)
        group = rng.integers(0, 200, n).astype(np.int16)
        base = 5 + group / 50 + rng.normal(0, 1.8, n)
        columns = {"respondent_id": np.arange(i * FILE_ROWS, i * FILE_ROWS + n, dtype=np.int64),
                   "group": group, "period": PERIODS[rng.integers(0, len(PERIODS), n)],
                   "weight": rng.uniform(0.3, 3.0, n).round(3)}
        for item in ITEMS:
            score = np.clip(np.rint(base + rng.normal(0, 1.2, n)), 1, 10).astype(np.int8)
            columns[item] = pa.array(score, mask=rng.random(n) < 0.03)
        pq.write_table(pa.table(columns), path)
    stamp.write_text(str(rows))
    return paths, True


class MemorySampler:
    """Peak RSS of this process (the client, with the nannies), of its child processes (the workers) and of all at once."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval, self.peaks = interval, {"client_mb": 0.0, "workers_mb": 0.0, "total_mb": 0.0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        client = me.memory_info().rss
        workers = 0
        for child in me.children(recursive=True):
            try:
                workers += child.memory_info().rss
            except psutil.Error:  # a process that just ended
                pass
        for key, value in (("client_mb", client), ("workers_mb", workers), ("total_mb", client + workers)):
            self.peaks[key] = max(self.peaks[key], value / 2**20)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> MemorySampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def summarize_files(paths: list[Path]) -> pd.DataFrame:
    """The cxlab way: the weighted summary table of the Dask DataFrame of the files."""
    import dask.dataframe as dd

    import cxlab

    frame = dd.read_parquet([str(p) for p in paths], columns=COLUMNS)
    return cxlab.summarize(frame, value=ITEMS, by=["group", "period"], weight="weight", scale=(1, 10))


def read_once(paths: list[Path]) -> int:
    """The plain alternative: read the same columns once with Dask, nothing computed."""
    import dask.dataframe as dd

    frame = dd.read_parquet([str(p) for p in paths], columns=COLUMNS)
    return int(frame.map_partitions(len).compute().sum())


def cpu_seconds() -> float:
    """CPU time (user + system) used so far by this process and its child processes (the workers)."""
    total = 0.0
    for process in [psutil.Process(), *psutil.Process().children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.Error:  # a process that just ended
            continue
        total += times.user + times.system
    return total


def timed(run: Callable[[], object]) -> tuple[float, float, object]:
    """Wall-clock and CPU seconds of ``run()``, and its result."""
    started, cpu = time.perf_counter(), cpu_seconds()
    result = run()
    return time.perf_counter() - started, cpu_seconds() - cpu, result


def check_against_pandas(paths: list[Path], summary: pd.DataFrame) -> None:
    """``summarize`` of the pandas table of all rows gives the same table (dtypes as Dask reads them)."""
    import cxlab

    rows = pd.concat([pd.read_parquet(p, columns=COLUMNS) for p in paths], ignore_index=True)
    rows = rows.astype({"period": summary["period"].dtype})
    expected = cxlab.summarize(rows, value=ITEMS, by=["group", "period"], weight="weight", scale=(1, 10))
    pd.testing.assert_frame_equal(summary, expected, rtol=1e-9)


@contextmanager
def cluster(memory_limit: str) -> Iterator[object]:
    """A LocalCluster of 2 worker processes with 1 thread each, and a client on it."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit=memory_limit,
                      dashboard_address=":0") as local, Client(local) as client:
        yield client


def measure(paths: list[Path], repeats: int, memory_limit: str) -> tuple[dict, pd.DataFrame]:
    """Time both ways ``repeats`` times (alternating) under one memory sampler; medians and peaks."""
    times: dict[str, list[float]] = {key: [] for key in ("cxlab_s", "read_once_s", "cxlab_cpu_s", "read_once_cpu_s")}
    last: dict[str, object] = {}
    with cluster(memory_limit), MemorySampler() as sampler:
        read_once(paths[:2]), summarize_files(paths[:2])  # warm-up: the workers import what each way needs
        for _ in range(repeats):
            for way, run in (("read_once", read_once), ("cxlab", summarize_files)):
                seconds, cpu, last[way] = timed(lambda: run(paths))
                times[f"{way}_s"].append(seconds)
                times[f"{way}_cpu_s"].append(cpu)
    rows, summary = last["read_once"], last["cxlab"]
    record = {key: round(statistics.median(values), 2) for key, values in times.items()}
    record.update({f"{key}_all": [round(v, 2) for v in values] for key, values in times.items()})
    record.update({key: round(value, 1) for key, value in sampler.peaks.items()})
    record.update(rows_read=rows, ratio=round(record["cxlab_s"] / record["read_once_s"], 2),
                  cpu_ratio=round(record["cxlab_cpu_s"] / record["read_once_cpu_s"], 2))
    return record, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-limit", default="2GiB", help="per worker (default 2GiB)")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/cxlab_dask_synthetic"))
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    paths, wrote = write_files(args.folder, args.rows)
    written = round(time.perf_counter() - started, 1) if wrote else "reused"
    record, summary = measure(paths, args.repeats, args.memory_limit)
    checked = args.rows <= 5_000_000
    if checked:
        check_against_pandas(paths, summary)
    record = {
        "rows": args.rows, "files": len(paths), "parquet_mb": round(sum(p.stat().st_size for p in paths) / 2**20, 1),
        "cells": int(len(summary)), "repeats": args.repeats, "write_s": written,
        **record, "memory_limit_per_worker": args.memory_limit,
        "checked_against_pandas": checked,
        "load_average_1min_start": round(load_start, 2), "load_average_1min_end": round(os.getloadavg()[0], 2),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"{psutil.virtual_memory().total / 2**30:.0f} GB, Python {platform.python_version()}",
        "command": "python benchmarks/dask_summary.py" + ("" if args.rows == 100_000_000 else f" --rows {args.rows}")
                   + ("" if args.repeats == 3 else f" --repeats {args.repeats}"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dask_summary.json").write_text(json.dumps(record, indent=2) + "\n")
    (RESULTS / "dask_summary.md").write_text(markdown(record))
    print(json.dumps(record, indent=2))


def _verdict(met: bool) -> str:
    return "**met**" if met else "**not met**"


def markdown(r: dict) -> str:
    """The results as a Markdown page."""
    targets = [
        f"- Client under 1 GB: {_verdict(r['client_mb'] < TARGETS['client_mb'])} ({r['client_mb']:,.0f} MB).",
        f"- Whole run (client and workers at once) under 6 GB: "
        f"{_verdict(r['total_mb'] < TARGETS['total_mb'])} ({r['total_mb']:,.0f} MB).",
        f"- Time within 3x of reading the columns once: {_verdict(r['ratio'] <= TARGETS['ratio'])} "
        f"({r['ratio']}x).",
    ]
    return (
        f"# Beyond memory: {r['rows']:,} respondent rows on Dask\n\n"
        f"Produced by `{r['command']}` (do not edit by hand). **Synthetic data** (seeded): {r['files']} "
        f"Parquet files, {r['parquet_mb']:,} MB, in /tmp; a respondent id (not read), 200 groups x 8 periods, a weight and 5 items on "
        "1-10 with 3% missing answers. A `distributed.LocalCluster` of 2 worker processes (1 thread each, "
        f"memory limit {r['memory_limit_per_worker']} each). Weighted summary of the 5 items per group x "
        f"period ({r['cells']:,} rows in the summary table).\n\n"
        "| way | median time (s) | every run (s) | median CPU time (s) | every run, CPU (s) |\n"
        "|---|---:|---|---:|---|\n"
        f"| cxlab: `cxlab.summarize` of `dd.read_parquet(files)` | {r['cxlab_s']} | {r['cxlab_s_all']} | "
        f"{r['cxlab_cpu_s']} | {r['cxlab_cpu_s_all']} |\n"
        f"| plain: `dd.read_parquet(files, columns=...).map_partitions(len).compute()` | {r['read_once_s']} | "
        f"{r['read_once_s_all']} | {r['read_once_cpu_s']} | {r['read_once_cpu_s_all']} |\n\n"
        f"cxlab takes **{r['ratio']}x** the time of reading the columns once ({r['cpu_ratio']}x the CPU time of "
        "client and workers, which other work on the machine inflates less). Median of "
        f"{r['repeats']} runs of each way, alternating, after one warm-up run of each on two files.\n\n"
        "Peak resident memory (RSS sampled every 0.1 s over both ways and every repeat): client "
        f"{r['client_mb']:,.0f} MB (the nannies run in it), the 2 worker processes together {r['workers_mb']:,.0f} MB, the whole run "
        f"at once {r['total_mb']:,.0f} MB.\n\n"
        "## Targets\n\n" + "\n".join(targets) + "\n\n"
        + ("The summary table equals `cxlab.summarize` of the pandas table of all rows (rtol 1e-9).\n\n"
           if r["checked_against_pandas"] else
           "At this size the pandas table of all rows is not built; tests/stats/test_distributed.py checks "
           "the equality on a LocalCluster.\n\n")
        + f"Load average (1 min) {r['load_average_1min_start']} at the start and {r['load_average_1min_end']} "
        "at the end: the machine is shared, and above 2 (its cores) every timing is inflated. "
        f"Writing the files: {r['write_s']} s (files of an earlier run of the same size are reused; not part of "
        f"either way). Machine: {r['machine']}.\n"
    )


if __name__ == "__main__":
    main()
