"""Benchmark: ``cxlab build`` against the plain loop a user would write, same run, same machine.

* the plain loop: for each report, ``papermill in.ipynb out.ipynb -p ...`` (``-r`` for strings,
  ``-y`` for lists and dictionaries, so every value arrives with its type) and then
  ``jupyter nbconvert --to html --no-input out.ipynb``, one report after the other.
* cxlab: ``cxlab build --out DIR`` into an empty folder (a cold build), as a subprocess, twice:
  the second cold build is timed too, and its pages are compared byte for byte with the
  first's (the build-date line aside). Then ``cxlab build`` again into the first folder: the
  no-op rebuild.

Peak memory is sampled every 0.1 s over the whole process tree of each command (the sum of the
processes' proportional set sizes, so memory that forked kernels share is counted once).

Usage::

    python benchmarks/build.py                              # the full catalog; writes results/
    python benchmarks/build.py --only 'acsi-*' --only 'groups-age-*' --no-write   # a smoke test
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from cxlab.build.catalog import Instance, read_catalog
from cxlab.build.executors import default_jobs

RESULTS = Path(__file__).resolve().parent / "results"
BIN = Path(sys.executable).parent
TARGET_SPEEDUP, TARGET_NOOP_SECONDS = 6.0, 1.0


class PeakMemory:
    """Sample the summed PSS and RSS of a process and all its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        self.pid, self.pss, self.rss = pid, 0, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.wait(0.1):
            try:
                root = psutil.Process(self.pid)
                family = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            pss = rss = 0
            for process in family:
                try:
                    info = process.memory_full_info()
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                pss, rss = pss + info.pss, rss + info.rss
            self.pss, self.rss = max(self.pss, pss), max(self.rss, rss)

    def stop(self) -> dict[str, float]:
        self._done.set()
        self._thread.join()
        return {"peak_pss_mb": round(self.pss / 2**20), "peak_rss_sum_mb": round(self.rss / 2**20)}


def timed(commands: list[list[str]], **kwargs: Any) -> dict[str, Any]:
    """Run commands one after the other under one memory sampler; wall time and peaks."""
    started, peaks, failures, output = time.perf_counter(), {"peak_pss_mb": 0, "peak_rss_sum_mb": 0}, 0, ""
    for command in commands:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
        memory = PeakMemory(process.pid)
        output, _ = process.communicate()
        peaks = {k: max(v, peaks[k]) for k, v in memory.stop().items()}
        failures += process.returncode != 0
    return {"seconds": round(time.perf_counter() - started, 2), "failed_commands": failures,
            "last_output": output, **peaks}


def _parameter(name: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return ["-r", name, value]
    if isinstance(value, (list, dict)):
        return ["-y", json.dumps({name: value})]
    return ["-p", name, str(value)]


def plain_loop(instances: list[Instance], work: Path) -> dict[str, Any]:
    """papermill then nbconvert for each report, in turn."""
    commands = []
    for instance in instances:
        executed = work / f"{instance.name}.ipynb"
        parameters = [arg for k, v in instance.parameters.items() for arg in _parameter(k, v)]
        commands.append([str(BIN / "papermill"), str(instance.notebook), str(executed), *parameters,
                         "--cwd", str(instance.notebook.parent)])
        commands.append([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
    result = timed(commands)
    result["pages"] = len(list(work.glob("*.html")))
    del result["last_output"]
    return result


def cxlab_build(patterns: list[str], out: Path, jobs: int) -> dict[str, Any]:
    """One ``cxlab build`` of the selected reports into ``out``."""
    only = [arg for pattern in patterns for arg in ("--only", pattern)]
    result = timed([[str(BIN / "cxlab"), "build", "--out", str(out), "--jobs", str(jobs), *only]])
    summary = result.pop("last_output").strip().splitlines()
    result["summary"] = next((line for line in summary if line.startswith(("Built", "All"))), summary[-1:])
    return result


def _without_build_date(path: Path) -> str:
    return re.sub(r'<p class="build-date">.*?</p>', "", path.read_text(encoding="utf-8"))


def identical_pages(first: Path, second: Path, instances: list[Instance]) -> int:
    """How many reports have the same page in both folders, the build-date line aside."""
    return sum(
        (first / f"{i.name}.html").exists()
        and _without_build_date(first / f"{i.name}.html") == _without_build_date(second / f"{i.name}.html")
        for i in instances
    )


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cores": default_jobs(), "cpu": cpu, "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform()}


def run(patterns: list[str], jobs: int) -> dict[str, Any]:
    instances = [i for i in read_catalog() if not patterns or any(fnmatch.fnmatch(i.name, p) for p in patterns)]
    with tempfile.TemporaryDirectory(prefix="cxlab-bench-") as work:
        root = Path(work)
        (root / "plain").mkdir()
        load_before = os.getloadavg()[0]
        plain = plain_loop(instances, root / "plain")
        first = cxlab_build(patterns, root / "first", jobs)
        second = cxlab_build(patterns, root / "second", jobs)
        noop = cxlab_build(patterns, root / "first", jobs)
        identical = identical_pages(root / "first", root / "second", instances)
    best = min(first["seconds"], second["seconds"])
    return {
        "benchmark": "cold build of the catalog: cxlab build vs papermill + nbconvert per report",
        "command": " ".join(["python", "benchmarks/build.py", *sys.argv[1:]]),
        "machine": machine(),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "reports": len(instances),
        "selection": patterns or ["the whole catalog"],
        "jobs": jobs,
        "plain_loop": plain,
        "cxlab_cold_build": first,
        "cxlab_cold_build_again": second,
        "cxlab_noop_rebuild": noop,
        "speedup": round(plain["seconds"] / best, 2),
        "throughput_reports_per_minute": {"plain_loop": round(60 * len(instances) / plain["seconds"], 1),
                                          "cxlab": round(60 * len(instances) / best, 1)},
        "identical_pages_between_cold_builds": f"{identical} of {len(instances)}",
        "targets": {"speedup": TARGET_SPEEDUP, "noop_seconds": TARGET_NOOP_SECONDS},
        "met": {"speedup": plain["seconds"] / best >= TARGET_SPEEDUP,
                "noop_seconds": noop["seconds"] < TARGET_NOOP_SECONDS},
    }


def markdown(result: dict[str, Any]) -> str:
    plain, first, second, noop = (result[k] for k in ("plain_loop", "cxlab_cold_build", "cxlab_cold_build_again",
                                                      "cxlab_noop_rebuild"))
    m = result["machine"]
    return "\n".join([
        "# Batch build: `cxlab build` against papermill + nbconvert per report",
        "",
        f"{result['reports']} reports ({', '.join(result['selection'])}), {m['cores']} cores ({m['cpu']}), "
        f"{m['memory_gb']} GB, Python {m['python']}; load average {result['load_average_before']} before, "
        f"{result['load_average_after']} after. Produced by `{result['command']}`.",
        "",
        "| run | seconds | reports/min | peak memory (PSS, MB) | outcome |",
        "|---|---:|---:|---:|---:|",
        f"| plain loop (papermill, then nbconvert) | {plain['seconds']} | "
        f"{result['throughput_reports_per_minute']['plain_loop']} | {plain['peak_pss_mb']} | "
        f"{plain['pages']} pages, {plain['failed_commands']} failed commands |",
        f"| cxlab build, cold ({result['jobs']} jobs) | {first['seconds']} | "
        f"{round(60 * result['reports'] / first['seconds'], 1)} | {first['peak_pss_mb']} | {first['summary']} |",
        f"| cxlab build, cold again | {second['seconds']} | {round(60 * result['reports'] / second['seconds'], 1)} | "
        f"{second['peak_pss_mb']} | {second['summary']} |",
        f"| cxlab build, nothing changed | {noop['seconds']} | | {noop['peak_pss_mb']} | {noop['summary']} |",
        "",
        f"Speed-up (plain loop / best cold build): **{result['speedup']}x** (target {TARGET_SPEEDUP}x: "
        f"{'met' if result['met']['speedup'] else 'not met'}). No-op rebuild, whole command: "
        f"**{noop['seconds']} s** (target < {TARGET_NOOP_SECONDS} s: "
        f"{'met' if result['met']['noop_seconds'] else 'not met'}). Pages identical between the two cold "
        f"builds, the build date aside: {result['identical_pages_between_cold_builds']}.",
        "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", default=[], metavar="PATTERN", help="reports to time (repeatable)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="cxlab build --jobs (default: cores)")
    parser.add_argument("--no-write", action="store_true", help="print the results; write nothing")
    args = parser.parse_args()
    result = run(args.only, args.jobs)
    print(json.dumps(result, indent=1))
    print(markdown(result))
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "build.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        (RESULTS / "build.md").write_text(markdown(result), encoding="utf-8")


if __name__ == "__main__":
    main()
