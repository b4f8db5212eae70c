"""Benchmark: cxlab's vectorised gap table against a per-group loop of pingouin.ttest.

Synthetic respondent data: 200 groups x 8 periods x 2 channels, scores 1-5. The question asked
of it is the one a scorecard asks: in every group and period, how far is the web channel from
the phone channel (difference, Welch interval, p-value)? That is 1,600 Welch tests.

* cxlab: ``summarize`` (one grouped pass over the respondents into a summary table) and
  ``gaps`` (all 1,600 comparisons at once from the summary table, with numpy). The scores are
  stored as integers, as survey items are, so ``summarize`` tallies them into answer counts per
  cell; for information, the same scores as float64 (the moment sums that weights and
  non-integer values take) are timed too, after the memory has been read.
* the plain alternative: a Python loop over (group, period) cells calling ``pingouin.ttest``.
  It is measured on the first ``--loop-groups`` groups (all their periods) and extrapolated
  linearly to 200 groups; the output says so.

Each size runs in a fresh subprocess, so that its peak resident memory (``ru_maxrss``) is its
own; tracemalloc separately records the peak of the memory cxlab allocates itself.

Usage::

    python benchmarks/stats.py                      # 1M and 10M rows, writes results/
    python benchmarks/stats.py --rows 100000 --no-write
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from profiling import described, top_functions

GROUPS, PERIODS = 200, 8
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_SPEEDUP, TARGET_SECONDS, TARGET_MEMORY_MB = 50.0, 5.0, 3072.0


def make_data(rows: int, seed: int = 0) -> pd.DataFrame:
    """Respondent rows with group, period and channel effects; categorical keys, int8 scores."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, GROUPS, rows)
    period = rng.integers(0, PERIODS, rows)
    channel = rng.integers(0, 2, rows)
    effect = rng.normal(0, 0.4, GROUPS)
    latent = effect[group] + 0.05 * period - 0.2 * channel + rng.standard_normal(rows)
    score = (np.digitize(latent, [-1.5, -0.5, 0.3, 1.0]) + 1).astype(np.int8)
    return pd.DataFrame({
        "group": pd.Categorical.from_codes(group, [f"g{i:03d}" for i in range(GROUPS)]),
        "period": pd.Categorical.from_codes(period, [f"P{i + 1}" for i in range(PERIODS)]),
        "channel": pd.Categorical.from_codes(channel, ["phone", "web"]),
        "score": score,
    })


def cxlab_gap_table(data: pd.DataFrame) -> tuple[pd.DataFrame, float, float]:
    """The gap table, with the seconds spent summarising and comparing."""
    from cxlab.stats.compare import gaps
    from cxlab.stats.summary import summarize

    start = time.perf_counter()
    summary = summarize(data, value="score", by=["group", "period", "channel"])
    middle = time.perf_counter()
    table = gaps(summary, versus="channel", reference="phone")
    return table, middle - start, time.perf_counter() - middle


def pingouin_loop(data: pd.DataFrame) -> pd.DataFrame:
    """One pingouin.ttest per (group, period) cell, web against phone, on the 0-100 scale."""
    import pingouin as pg

    from cxlab.stats.compare import _quiet_pingouin

    rows = []
    for (group, period), cell in data.groupby(["group", "period"], observed=True):
        x = (cell["score"].to_numpy(float) - 1) * 25
        web = (cell["channel"] == "web").to_numpy()
        with _quiet_pingouin():
            res = pg.ttest(x[web], x[~web], correction=True).iloc[0]  # Welch, always
        rows.append({"group": group, "period": period, "t_loop": res["T"], "p_loop": res["p_val"]})
    return pd.DataFrame(rows)


def worker(rows: int, loop_groups: int, repeat: int) -> dict:
    """Measure one size; runs in its own process."""
    load_start = os.getloadavg()[0]
    data = make_data(rows)
    rss_data_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cxlab_gap_table(data.head(1000))  # imports and first-call costs out of the timings

    tracemalloc.start()
    cxlab_gap_table(data)
    traced_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    runs = [cxlab_gap_table(data) for _ in range(repeat)]
    table = runs[-1][0]
    summarize_s = statistics.median(r[1] for r in runs)
    gaps_s = statistics.median(r[2] for r in runs)

    subset = data[data["group"].cat.codes < loop_groups]
    loop_runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        loop = pingouin_loop(subset)
        loop_runs.append(time.perf_counter() - start)
    loop_s = statistics.median(loop_runs)
    loop_full_s = loop_s * GROUPS / loop_groups

    check = loop.merge(table, on=["group", "period"])
    t_agreement = float((check["t_loop"] - check["t"]).abs().max())
    p_agreement = float((check["p_loop"] - check["p_value"]).abs().max())
    total_s = summarize_s + gaps_s
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    from cxlab.stats.summary import summarize

    as_float = data.assign(score=data["score"].astype("float64"))
    float_s = []
    for _ in range(repeat):
        start = time.perf_counter()
        summarize(as_float, value="score", by=["group", "period", "channel"])
        float_s.append(time.perf_counter() - start)
    return {
        "rows": rows, "groups": GROUPS, "periods": PERIODS, "comparisons": len(table),
        "repeats": repeat, "profile": top_functions(cxlab_gap_table, data),
        "cxlab_summarize_s": summarize_s, "cxlab_gaps_s": gaps_s, "cxlab_total_s": total_s,
        "loop_groups_measured": loop_groups, "loop_comparisons_measured": len(loop),
        "loop_measured_s": loop_s, "loop_extrapolated_s": loop_full_s,
        "speedup_end_to_end": loop_full_s / total_s,
        "speedup_gap_table_from_summary": loop_full_s / gaps_s,
        "max_abs_t_difference_vs_pingouin": t_agreement,
        "max_abs_p_difference_vs_pingouin": p_agreement,
        "cxlab_traced_peak_mb": traced_peak_mb,
        "process_data_rss_mb": rss_data_mb,
        "process_peak_rss_mb": peak_rss_mb,
        "cxlab_summarize_float_scores_s": statistics.median(float_s),
        "load_average_1min_start": load_start, "load_average_1min_end": os.getloadavg()[0],
    }


def environment() -> dict:
    import pingouin
    import scipy

    return {"python": platform.python_version(), "machine": platform.machine(),
            "cores": os.cpu_count(), "numpy": np.__version__, "pandas": pd.__version__,
            "scipy": scipy.__version__, "pingouin": pingouin.__version__}


def _float_speedup(size: dict) -> float:
    """Loop time over cxlab's end to end time with the scores stored as float64."""
    return size["loop_extrapolated_s"] / (size["cxlab_summarize_float_scores_s"]
                                          + size["cxlab_gaps_s"])


def markdown(result: dict) -> str:
    lines = [
        "# Statistics benchmark: gap table vs a per-group pingouin loop",
        "",
        "Produced by `python benchmarks/stats.py` (do not edit by hand). Synthetic respondents,",
        f"{GROUPS} groups x {PERIODS} periods x 2 channels; one Welch test (web vs phone) per",
        "group and period. The pingouin loop was timed on the first "
        f"{result['sizes'][0]['loop_groups_measured']} groups and **extrapolated** linearly to "
        f"{GROUPS}.",
        "",
        "| rows | comparisons | cxlab summarize (s) | cxlab gaps (s) | cxlab total (s) | "
        "pingouin loop, extrapolated (s) | speed-up, end to end | speed-up, gap table from "
        "summary | cxlab peak traced (MB) | process peak RSS (MB) | load average (1 min, "
        "start / end) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in result["sizes"]:
        lines.append(
            f"| {s['rows']:,} | {s['comparisons']:,} | {s['cxlab_summarize_s']:.3f} | "
            f"{s['cxlab_gaps_s']:.4f} | {s['cxlab_total_s']:.3f} | {s['loop_extrapolated_s']:.1f} "
            f"| {s['speedup_end_to_end']:.0f}x | {s['speedup_gap_table_from_summary']:,.0f}x | "
            f"{s['cxlab_traced_peak_mb']:.0f} | {s['process_peak_rss_mb']:.0f} | "
            f"{s['load_average_1min_start']:.1f} / {s['load_average_1min_end']:.1f} |")
    largest = result["sizes"][-1]
    verdict = result["targets"]
    lines += [
        "",
        "Agreement with pingouin on the measured groups: largest difference in t "
        f"{largest['max_abs_t_difference_vs_pingouin']:.1e}, in a p-value "
        f"{largest['max_abs_p_difference_vs_pingouin']:.1e} (pingouin rounds its CI95 to two "
        "decimals, so t and p are compared).",
        "",
        "## Targets",
        "",
        f"- Gap table at least {TARGET_SPEEDUP:.0f}x faster than the loop: from the summary "
        f"table (the hub) **{'met' if verdict['speedup_gap_table'] else 'not met'}**; end to "
        f"end, including the grouped pass over the respondents, "
        f"**{'met' if verdict['speedup_end_to_end'] else 'not met'}** "
        f"({largest['speedup_end_to_end']:.0f}x at {largest['rows']:,} rows; "
        f"{largest['cxlab_summarize_s'] / largest['cxlab_total_s']:.0%} of cxlab's time is the "
        "one grouped pass over the respondents, done once for any number of gaps, changes and "
        "trends).",
        f"- {largest['rows']:,} rows end to end under {TARGET_SECONDS:.0f} s: "
        f"**{'met' if verdict['seconds'] else 'not met'}** ({largest['cxlab_total_s']:.2f} s).",
        f"- Peak memory under {TARGET_MEMORY_MB / 1024:.0f} GB: "
        f"**{'met' if verdict['memory'] else 'not met'}** (whole benchmark process "
        f"{largest['process_peak_rss_mb']:.0f} MB, including the data).",
        "",
        "The scores are integers (int8), so `summarize` tallies them into answer counts per "
        "cell, as it does for the nullable integer items the loaders return. The same scores "
        "stored as float64 go through the per-cell moment sums that weights and non-integer "
        "values take: summarize "
        + ", ".join(f"{s['cxlab_summarize_float_scores_s']:.3f} s at {s['rows']:,} rows "
                    f"({_float_speedup(s):.0f}x end to end)" for s in result["sizes"])
        + " (timed for information only, after the memory figures).",
        "",
        f"Where cxlab's time goes at {largest['rows']:,} rows (cProfile, time spent in the function "
        "itself; numpy's passes count to the function that calls them): "
        + described(largest["profile"]) + ".",
        "",
        "The machine is shared with other work: the load average column is the 1-minute load "
        "when each size started and ended; above 2 (the number of cores) the run shared its "
        "cores and all timings are inflated.",
        "",
        f"Timings are medians of {largest['repeats']} runs (cxlab and the loop alike) on this machine "
        f"({result['environment']['cores']} cores, Python {result['environment']['python']}, "
        f"pandas {result['environment']['pandas']}, pingouin "
        f"{result['environment']['pingouin']}).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--loop-groups", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.loop_groups, args.repeat)))
        return 0
    sizes = []
    for rows in args.rows:
        out = subprocess.run(
            [sys.executable, __file__, "--worker", str(rows), "--loop-groups",
             str(args.loop_groups), "--repeat", str(args.repeat)],
            check=True, capture_output=True, text=True)
        sizes.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(sizes[-1], indent=1), flush=True)
    largest = sizes[-1]
    result = {
        "environment": environment(), "sizes": sizes,
        "targets": {
            "speedup_gap_table": all(s["speedup_gap_table_from_summary"] >= TARGET_SPEEDUP
                                     for s in sizes),
            "speedup_end_to_end": all(s["speedup_end_to_end"] >= TARGET_SPEEDUP for s in sizes),
            "seconds": largest["cxlab_total_s"] < TARGET_SECONDS,
            "memory": max(s["process_peak_rss_mb"] for s in sizes) < TARGET_MEMORY_MB,
        },
    }
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "stats.json").write_text(json.dumps(result, indent=2) + "\n")
        (RESULTS / "stats.md").write_text(markdown(result))
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
