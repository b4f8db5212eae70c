"""Benchmark: ``cxlab build`` against the plain loop a user would write, same run, same machine.

* the plain loop: for each report, ``papermill in.ipynb out.ipynb -p ...`` (``-r`` for strings,
  ``-y`` for lists and dictionaries, so every value arrives with its type) and then
  ``jupyter nbconvert --to html --no-input out.ipynb``, one report after the other.
* cxlab: ``cxlab build --out DIR`` into an empty folder (a cold build), as a subprocess, three
  times (the median counts); the pages of the first two are compared byte for byte (the
  build-date line aside). Then ``cxlab build`` again into the first folder: the no-op rebuild.
* the two are interleaved: cold build 1, the plain loop over every third report (the 1st, 4th,
  ...), cold build 2, the plain loop over the next third, cold build 3, the last third. This
  machine's speed drifts by half from one quarter of an hour to the next; interleaved, both ways
  meet the same drift, so their ratio holds even when the times move.
* the floor: the same notebooks' code run one after another in one warm Python process (imports
  done before the clock starts; no kernel, no papermill, no HTML export; one BLAS thread), which
  is what the analyses themselves cost on one core. Like a build, it keeps validated tables in a
  fresh table cache (:mod:`cxlab.data.tablecache`), so each data set is validated once, by the
  first report that needs it. cxlab's cold build is reported as a multiple of it.
* the pipeline's own cost: what the way reports must run (papermill, a fresh kernel for each, its
  page) costs without any analysis: a notebook of as many cells as the catalog's notebooks have on
  average, each doing nothing, rendered 40 times through cxlab's own rendering (forked kernels, as
  in a build); the CPU of the whole machine (nothing else runs) per report, and for the start (the
  kernel template's imports and the first kernel). With the floor, it bounds the speed-up any
  build of these reports can reach on this machine: the plain loop over (floor + reports x
  pipeline cost + start) / cores, that is every core busy from the first moment to the last.

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
import statistics
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
TARGET_SPEEDUP, TARGET_NOOP_SECONDS, TARGET_PEAK_MB = 20.0, 1.0, 1536


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


def floor(patterns: list[str]) -> dict[str, Any]:
    """The floor, in a fresh process (so its memory is its own): see the module's docstring."""
    with tempfile.TemporaryDirectory(prefix="cxlab-floor-") as tables:
        env = {**os.environ, "CXLAB_TABLE_CACHE": tables, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1"}
        timing, measured = _apart(["--floor-only", *[a for p in patterns for a in ("--only", p)]], env=env)
    return {**timing, **measured}


def _apart(arguments: list[str], **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run this script with ``arguments`` in a fresh process: its timing and peaks, and the JSON it printed last."""
    timing = timed([[sys.executable, __file__, *arguments]], **kwargs)
    return timing, json.loads(timing.pop("last_output").strip().splitlines()[-1])


def run_floor(patterns: list[str]) -> dict[str, Any]:
    """Run every selected notebook's code cells in this process, parameters injected; seconds each."""
    import contextlib
    import io

    import matplotlib
    import nbformat
    from IPython.display import display

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    started = time.perf_counter()
    import cxlab.analyses  # noqa: F401  (the imports every notebook makes, before the clock)
    import cxlab.explore  # noqa: F401

    imports, seconds = time.perf_counter() - started, {}
    for instance in _selected(patterns):
        cells = [c for c in nbformat.read(instance.notebook, as_version=4).cells if c.cell_type == "code"]
        namespace: dict[str, Any] = {"display": display}  # as a kernel gives it; shows nothing here
        clock = time.perf_counter()
        for cell in cells:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell.source, instance.name, "exec"), namespace)
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(instance.parameters)
        plt.close("all")
        seconds[instance.name] = round(time.perf_counter() - clock, 3)
    return {"imports_seconds": round(imports, 2), "analyses_seconds": round(sum(seconds.values()), 2),
            "per_report_seconds": seconds}


def pipeline(instances: list[Instance]) -> dict[str, Any]:
    """The pipeline's own cost, in a fresh process: see the module's docstring."""
    cells = [_cells(i.notebook) for i in instances]
    code = round(statistics.mean(c for c, _ in cells))
    prose = round(statistics.mean(p for _, p in cells))
    _, measured = _apart(["--pipeline-only", str(code), str(prose)])
    return {"code_cells": code, "markdown_cells": prose, **measured}


def _cells(notebook: Path) -> tuple[int, int]:
    kinds = [cell.get("cell_type") for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]]
    return kinds.count("code"), kinds.count("markdown")


def _busy_seconds() -> float:
    """CPU seconds the whole machine has spent so far (all cores, idle and I/O wait left out)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def run_pipeline(code: int, prose: int, renders: int = 40) -> dict[str, Any]:
    """Render a notebook of ``code`` cells that do nothing and ``prose`` markdown cells ``renders`` times."""
    import nbformat

    from cxlab.build.batch import batch_environment
    from cxlab.build.catalog import NOTEBOOKS
    from cxlab.build.kernels import KernelFactory, notebook_imports
    from cxlab.build.render import render

    with tempfile.TemporaryDirectory(prefix="cxlab-pipeline-") as work:
        folder = Path(work)
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                               "language": "python"}})
        nb.cells = [nbformat.v4.new_code_cell("value = 1", metadata={"tags": ["parameters"]}),
                    *[nbformat.v4.new_code_cell("value") for _ in range(code - 1)],
                    *[nbformat.v4.new_markdown_cell("## A heading\n\nA sentence of prose.") for _ in range(prose)]]
        nbformat.write(nb, folder / "nothing.ipynb")
        instance = Instance("nothing", folder / "nothing.ipynb", "Nothing", "Nothing", {"value": 2})
        with batch_environment(folder):
            busy = _busy_seconds()
            factory = KernelFactory(preload=notebook_imports(NOTEBOOKS.glob("*.ipynb")))
            render(instance, build_date="today", commit=None, kernels=factory)  # the start, and one report
            now = _busy_seconds()
            start, busy = now - busy, now
            outcomes = [render(instance, build_date="today", commit=None, kernels=factory).outcome.status
                        for _ in range(renders)]
            each = (_busy_seconds() - busy) / renders
            factory.close()
    return {"renders": renders, "built": outcomes.count("built"), "start_cpu_seconds": round(start - each, 2),
            "per_report_cpu_seconds": round(each, 3)}


def report_seconds(out: Path) -> dict[str, float]:
    """How long each report of a build took to render (kernel, notebook and export), from its stamp."""
    return {p.stem: json.loads(p.read_text())["seconds"] for p in sorted((out / ".cxlab-build" / "stamps").glob("*.json"))}


def _by_notebook(seconds: dict[str, float], notebooks: dict[str, str]) -> dict[str, float]:
    """Seconds added up per notebook; ``notebooks`` names each report's notebook."""
    totals: dict[str, float] = {}
    for name, value in seconds.items():
        totals[notebooks[name]] = totals.get(notebooks[name], 0.0) + value
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def _selected(patterns: list[str]) -> list[Instance]:
    return [i for i in read_catalog() if not patterns or any(fnmatch.fnmatch(i.name, p) for p in patterns)]


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
    instances = _selected(patterns)
    with tempfile.TemporaryDirectory(prefix="cxlab-bench-") as work:
        root = Path(work)
        (root / "plain").mkdir()
        load_before = os.getloadavg()[0]
        colds, parts = [], []
        for k in range(3):  # interleaved: see the module's docstring
            colds.append(cxlab_build(patterns, root / f"cold-{k}", jobs))
            parts.append(plain_loop(instances[k::3], root / "plain"))
        plain = {"seconds": round(sum(p["seconds"] for p in parts), 2),
                 "failed_commands": sum(p["failed_commands"] for p in parts),
                 **{key: max(p[key] for p in parts) for key in ("peak_pss_mb", "peak_rss_sum_mb", "pages")},
                 "parts_seconds": [p["seconds"] for p in parts]}
        noop = cxlab_build(patterns, root / "cold-0", jobs)
        identical = identical_pages(root / "cold-0", root / "cold-1", instances)
        rendering = report_seconds(root / "cold-0")
        bottom = floor(patterns)
        own = pipeline(instances)
    median = statistics.median(c["seconds"] for c in colds)
    peak = max(c["peak_pss_mb"] for c in colds)
    least = (bottom["analyses_seconds"] + len(instances) * own["per_report_cpu_seconds"] + own["start_cpu_seconds"]) / jobs
    return {
        "benchmark": "cold build of the catalog: cxlab build vs papermill + nbconvert per report",
        "command": " ".join(["python", "benchmarks/build.py", *sys.argv[1:]]),
        "machine": machine(),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "reports": len(instances),
        "notebooks": {i.name: i.notebook.stem for i in instances},
        "selection": patterns or ["the whole catalog"],
        "jobs": jobs,
        "plain_loop": plain,
        "cxlab_cold_builds": colds,
        "cxlab_cold_build_median_seconds": median,
        "cxlab_noop_rebuild": noop,
        "floor": bottom,
        "pipeline": own,
        "least_build_seconds": round(least, 2),
        "ceiling_speedup": round(plain["seconds"] / least, 2),
        "cold_build_1_report_seconds": rendering,
        "speedup": round(plain["seconds"] / median, 2),
        "cold_build_over_floor": round(median / bottom["analyses_seconds"], 2),
        "plain_loop_over_floor": round(plain["seconds"] / bottom["analyses_seconds"], 2),
        "throughput_reports_per_minute": {"plain_loop": round(60 * len(instances) / plain["seconds"], 1),
                                          "cxlab": round(60 * len(instances) / median, 1)},
        "identical_pages_between_cold_builds": f"{identical} of {len(instances)}",
        "targets": {"speedup": TARGET_SPEEDUP, "noop_seconds": TARGET_NOOP_SECONDS, "peak_pss_mb": TARGET_PEAK_MB},
        "met": {"speedup": plain["seconds"] / median >= TARGET_SPEEDUP,
                "noop_seconds": noop["seconds"] < TARGET_NOOP_SECONDS, "peak_pss_mb": peak <= TARGET_PEAK_MB},
    }


def markdown(result: dict[str, Any]) -> str:
    plain, noop, bottom, own = result["plain_loop"], result["cxlab_noop_rebuild"], result["floor"], result["pipeline"]
    m, n = result["machine"], result["reports"]
    slowest = sorted(bottom["per_report_seconds"].items(), key=lambda kv: -kv[1])[:5]
    colds = [f"| cxlab build, cold {k + 1} ({result['jobs']} jobs) | {c['seconds']} | {round(60 * n / c['seconds'], 1)} "
             f"| {c['peak_pss_mb']} | {c['summary']} |" for k, c in enumerate(result["cxlab_cold_builds"])]
    met = {k: "met" if v else "**not met**" for k, v in result["met"].items()}
    return "\n".join([
        "# Batch build: `cxlab build` against papermill + nbconvert per report",
        "",
        f"{n} reports ({', '.join(result['selection'])}), {m['cores']} cores ({m['cpu']}), "
        f"{m['memory_gb']} GB, Python {m['python']}; load average {result['load_average_before']} before, "
        f"{result['load_average_after']} after. Produced by `{result['command']}`.",
        "",
        "| run | seconds | reports/min | peak memory (PSS, MB) | outcome |",
        "|---|---:|---:|---:|---:|",
        f"| plain loop (papermill, then nbconvert; in three parts between the cold builds: "
        f"{' + '.join(map(str, plain['parts_seconds']))} s) | {plain['seconds']} | "
        f"{result['throughput_reports_per_minute']['plain_loop']} | {plain['peak_pss_mb']} | "
        f"{plain['pages']} pages, {plain['failed_commands']} failed commands |",
        *colds,
        f"| cxlab build, nothing changed | {noop['seconds']} | | {noop['peak_pss_mb']} | {noop['summary']} |",
        f"| floor: the notebooks' code in one warm process, one core, no kernel or export | "
        f"{bottom['analyses_seconds']} | {round(60 * n / bottom['analyses_seconds'], 1)} | {bottom['peak_pss_mb']} | "
        f"imports before the clock: {bottom['imports_seconds']} s |",
        f"| the pipeline alone: a notebook of {own['code_cells']} code cells that do nothing and "
        f"{own['markdown_cells']} of prose, papermill in a forked kernel, then its page; CPU of the machine per "
        f"report ({own['built']} of {own['renders']} built) | {own['per_report_cpu_seconds']} | | | start (kernel "
        f"template's imports, first kernel): {own['start_cpu_seconds']} CPU s |",
        "",
        f"Speed-up (plain loop / median cold build): **{result['speedup']}x** (target {TARGET_SPEEDUP}x: "
        f"{met['speedup']}). The median cold build is **{result['cold_build_over_floor']}x the floor** (on "
        f"{result['jobs']} cores); the plain loop is {result['plain_loop_over_floor']}x it. **Ceiling**: the "
        f"analyses (the floor, {bottom['analyses_seconds']} s), the pipeline's own cost for {n} reports "
        f"({n} x {own['per_report_cpu_seconds']} s) and its start ({own['start_cpu_seconds']} s), with every one "
        f"of the {result['jobs']} cores busy from the first moment to the last, take "
        f"{result['least_build_seconds']} s: **{result['ceiling_speedup']}x** the plain loop is the most any build "
        f"of these reports, run as they must be, can reach on this machine. Peak memory of a cold build: "
        f"{max(c['peak_pss_mb'] for c in result['cxlab_cold_builds'])} MB PSS (target {TARGET_PEAK_MB} MB: "
        f"{met['peak_pss_mb']}). No-op rebuild, whole command: **{noop['seconds']} s** (target < "
        f"{TARGET_NOOP_SECONDS} s: {met['noop_seconds']}). Pages identical between two cold builds, the build "
        f"date aside: {result['identical_pages_between_cold_builds']}.",
        "",
        "Slowest reports in the floor: " + "; ".join(f"{name} {seconds} s" for name, seconds in slowest) + ".",
        "",
        _where_the_time_goes(result),
        "",
    ])


def _where_the_time_goes(result: dict[str, Any]) -> str:
    """The cold build's core-seconds split into the analyses, the per-report overhead and the rest."""
    first, bottom, jobs, n = result["cxlab_cold_builds"][0], result["floor"], result["jobs"], result["reports"]
    rendered = sum(result["cold_build_1_report_seconds"].values())
    analyses = bottom["analyses_seconds"]
    core_seconds = first["seconds"] * jobs
    floor_by = _by_notebook(bottom["per_report_seconds"], result["notebooks"])
    build_by = _by_notebook(result["cold_build_1_report_seconds"], result["notebooks"])
    rows = [f"| {name} | {round(build_by.get(name, 0), 1)} | {round(seconds, 1)} |" for name, seconds in floor_by.items()]
    return "\n".join([
        f"Where cold build 1's time goes ({first['seconds']} s on {jobs} cores, {round(core_seconds, 1)} "
        f"core-seconds): rendering the {n} reports took {round(rendered, 1)} s of the workers' time (each report "
        f"from the moment a worker takes it to its page, as its stamp records; a worker's first report also waits "
        f"for the kernel template's imports), of which the analyses themselves (the "
        f"floor) are {analyses} s, so kernel start, papermill, messages and the HTML export add "
        f"{round((rendered - analyses) / n, 2)} s a report (the pipeline alone: "
        f"{result['pipeline']['per_report_cpu_seconds']} s); the remaining {round(core_seconds - rendered, 1)} "
        f"core-seconds are the start (the catalog's checks, which validate the data sets the reports then read "
        f"from the table cache, while the workers and their kernel template start on the other core) and the end (one core idle while the other renders the last report). The analyses alone, spread "
        f"perfectly over {jobs} cores, would take {round(analyses / jobs, 1)} s "
        f"({round(result['plain_loop']['seconds'] / (analyses / jobs), 1)}x the plain loop); the pipeline's own "
        f"cost brings that ceiling to {result['ceiling_speedup']}x.",
        "",
        "| notebook | cold build 1, rendering (s) | floor (s) |",
        "|---|---:|---:|",
        *rows,
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", default=[], metavar="PATTERN", help="reports to time (repeatable)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="cxlab build --jobs (default: cores)")
    parser.add_argument("--no-write", action="store_true", help="print the results; write nothing")
    parser.add_argument("--floor-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pipeline-only", nargs=2, type=int, metavar=("CODE", "MARKDOWN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_only:
        print(json.dumps(run_floor(args.only)))
        return
    if args.pipeline_only:
        print(json.dumps(run_pipeline(*args.pipeline_only)))
        return
    result = run(args.only, args.jobs)
    print(json.dumps(result, indent=1))
    print(markdown(result))
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "build.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        (RESULTS / "build.md").write_text(markdown(result), encoding="utf-8")


if __name__ == "__main__":
    main()
