"""Benchmark: an explorer's update after a control change, with 1M respondent rows loaded.

Data: the San Diego 2015 residents resampled with replacement (fixed seed) to ``--rows`` rows, so
the items keep their real correlations and the groups their real sizes. The driver explorer
(outcome Q2_6, the fifteen Q3 service areas) is built on them once; then a series of group
filters (districts, owners/renters, age bands, years in the city) is applied, each as:

* cxlab update: :func:`cxlab.explore.state.driver_view` on the per-cell sufficient statistics
  prepared once (select the cells, add them up, correlation -> relative weights -> quadrant);
* recompute from raw rows: label the groups, filter the rows, drop incomplete ones, means and
  correlation matrix, the same relative weights (``cxlab.stats.drivers._relative_weights``), quadrant.

Both give the same numbers (checked). Also timed, in the kernel: the whole widget update
(setting the control: numbers, both figures rendered to PNG, HTML panes; alternately the filter
and all groups), the one-off preparation of the cells, and one update of the gap and service
explorers on the bundled data (their data are small).

And on screen: ``make lab`` starts JupyterLab, Chromium (Playwright) opens a notebook that loads
the same 1M rows into a driver explorer, and each group filter is chosen in the page as a person
does; the time runs on the page's own clock from the choice to the first frame that shows both
the new findings and the new figure (:func:`tests.labdriver.change`). The gap and service
explorers' notebooks are timed the same way. The load average (the machine is shared) is recorded.

Usage::

    python benchmarks/widgets.py                  # 1M rows, writes results/widgets.json and .md
    python benchmarks/widgets.py --rows 100000 --no-write --no-browser
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import nbformat

import numpy as np
import pandas as pd

import cxlab
from cxlab.stats import drivers
from cxlab.analyses.drivers import item_block
from cxlab.analyses.resident_groups import resident_group
from cxlab.explore.state import driver_cells, driver_view
from cxlab.explore import DriverExplorer, GapExplorer, ServiceExplorer

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE.parent))  # the browser route drives JupyterLab with the tests' own helpers
#: A visible update (numbers and both figures on screen) should take less than this.
TARGET_MS = 250.0
OUTCOME, BLOCK = "Q2_6", "Q3"
SELECTIONS: list[dict[str, list[str]]] = [
    {"district": ["District 1", "District 2", "District 3"]},
    {"district": ["District 9"]},
    {"own_rent": ["Rent"]},
    {"own_rent": ["Own"]},
    {"age": ["18-34"]},
    {"tenure": ["under 5 years", "5-9 years"]},
]


def resampled(rows: int, seed: int = 0) -> pd.DataFrame:
    """``rows`` residents drawn with replacement from the real survey (attrs kept)."""
    residents = cxlab.load("sandiego_2015")
    picked = residents.iloc[np.random.default_rng(seed).integers(0, len(residents), rows)].reset_index(drop=True)
    picked.attrs = residents.attrs
    return picked


def raw_view(residents: pd.DataFrame, where: Mapping[str, list[str]], items: list[str]) -> pd.DataFrame:
    """The same table recomputed from the raw rows, as one would without prepared cells."""
    keep = np.ones(len(residents), bool)
    for group, labels in where.items():
        keep &= resident_group(residents, group).isin(labels).to_numpy()
    values = residents.loc[keep, [*items, OUTCOME]].astype("float64").dropna().to_numpy()
    weights = drivers._relative_weights(values)
    table = pd.DataFrame({"item": items, "performance": (values[:, :-1].mean(axis=0) - 1) / 4 * 100,
                          "importance": weights / weights.sum() * 100})
    return drivers.quadrant(table)


def timed(call: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    """Milliseconds of each of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def toggle(control: object, one: object, other: object) -> None:
    """Set a control to ``one``, or to ``other`` when it already holds ``one`` (a real change each time)."""
    control.value = other if control.value == one else one


def _level_names(residents: pd.DataFrame) -> None:
    """Fail early, with the allowed labels, if a selection names a group label not in the data."""
    for where in SELECTIONS:
        for group, labels in where.items():
            known = set(resident_group(residents, group).dropna())
            assert set(labels) <= known, f"{group}: {labels} not in {sorted(known)}"


def _on_screen_notebook(rows: int) -> nbformat.NotebookNode:
    """A notebook that loads ``rows`` resampled residents into a driver explorer."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"import sys\nsys.path.insert(0, {str(HERE)!r})\nfrom widgets import resampled\n"
                                          f"residents = resampled({rows})"),
                nbformat.v4.new_code_cell("from cxlab.explore import DriverExplorer\n"
                                          f"DriverExplorer(outcome={OUTCOME!r}, items={BLOCK!r}, residents=residents)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (cxlab)", "language": "python"}
    return nb


#: On screen: each grouping as the explorer names it, and two of its groups to switch between.
_ON_SCREEN = [("Council district (Q28)", ["District 1", "District 9"]), ("Owners and renters (Q23)", ["Rent", "Own"]),
              ("Age (Q20)", ["18-34", "65 or older"]), ("Years lived in San Diego (Q21)", ["under 5 years", "5-9 years"])]


def on_screen(rows: int) -> dict:
    """Milliseconds from a choice in the page to new findings and figure on screen, per explorer."""
    from playwright.sync_api import sync_playwright

    from tests.labdriver import ARGS, CHROMIUM, EXPLORERS, change, choose, open_lab, run_all, running_lab, settle

    found: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as home, running_lab(Path(home)) as lab, sync_playwright() as playwright:
        nbformat.write(_on_screen_notebook(rows), Path(home) / "notebooks" / "driver_benchmark.ipynb")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        visit = open_lab(browser, lab, "driver_benchmark.ipynb")
        explorer = run_all(visit, timeout=600)
        for grouping, groups in _ON_SCREEN:
            choose(explorer, "Residents by", grouping)
            settle(visit)
            for group in groups * 2:
                found.setdefault("driver", []).append(change(visit, explorer, "Keep", group) * 1000)
                settle(visit)
        assert visit.errors == [], visit.errors
        visit.page.context.close()
        for notebook in ("sector_gap.ipynb", "service_scorecard.ipynb"):
            visit = open_lab(browser, lab, notebook)
            explorer = run_all(visit)
            *first, (label, option) = EXPLORERS[notebook]
            for step in first:
                choose(explorer, *step)
                settle(visit)
            found[notebook.split(".")[0]] = [change(visit, explorer, label, option) * 1000]
            assert visit.errors == [], visit.errors
            visit.page.context.close()
        browser.close()
    return {name: {"median_ms": statistics.median(times), "max_ms": max(times), "runs": len(times)}
            for name, times in found.items()}


def run(rows: int, repeat: int) -> dict:
    residents = resampled(rows)
    _level_names(residents)
    items = [i for i in item_block(residents, BLOCK) if i != OUTCOME]
    prepare_ms, cells = timed(lambda: driver_cells(residents, outcome=OUTCOME, items=items), 1)
    explorer = DriverExplorer(outcome=OUTCOME, items=BLOCK, residents=residents)
    per_selection = []
    for where in SELECTIONS:
        fast, view = timed(lambda: driver_view(cells, where=where), repeat)
        slow, raw = timed(lambda: raw_view(residents, where, items), max(1, repeat // 3))
        np.testing.assert_allclose(view["importance"], raw["importance"], rtol=1e-8)
        np.testing.assert_allclose(view["performance"], raw["performance"], rtol=1e-8)
        assert view["quadrant"].tolist() == raw["quadrant"].tolist()
        (group, labels), = where.items()
        with explorer.holding():
            explorer.group.value = group
        every = explorer.levels.options
        full, _ = timed(lambda: toggle(explorer.levels, tuple(labels), every), max(2, repeat // 3))
        assert explorer.message.value == "" and explorer.panes["quadrant_chart"].value, explorer.message.value
        per_selection.append({"selection": where, "respondents": int(view["n"].iloc[0]),
                              "update_ms": statistics.median(fast), "update_max_ms": max(fast),
                              "raw_ms": statistics.median(slow), "widget_update_ms": statistics.median(full)})
    gap = GapExplorer(index="Forrester CX Index", lower="federal_government", upper="private_sector")
    gap_ms, _ = timed(lambda: toggle(gap.end, 2020, 2021), 3)
    card = ServiceExplorer()
    every_driver = card.drivers.value
    card_ms, _ = timed(lambda: toggle(card.drivers, ("satisfaction", "trust"), every_driver), 3)
    update = [s["update_ms"] for s in per_selection]
    return {
        "rows": rows, "cells": int(len(cells.keys)), "complete_respondents": int(cells.n.sum()),
        "prepare_cells_ms": prepare_ms[0], "selections": per_selection,
        "update_ms_median": statistics.median(update), "update_ms_max": max(s["update_max_ms"] for s in per_selection),
        "raw_ms_median": statistics.median(s["raw_ms"] for s in per_selection),
        "widget_update_ms_median": statistics.median(s["widget_update_ms"] for s in per_selection),
        "gap_explorer_update_ms": statistics.median(gap_ms), "service_explorer_update_ms": statistics.median(card_ms),
        "target_ms": TARGET_MS, "repeat": repeat,
        "machine": {"python": platform.python_version(), "pandas": pd.__version__, "numpy": np.__version__,
                    "processor": platform.machine()},
    }


def markdown(result: dict) -> str:
    rows = [f"| {json.dumps(s['selection'])} | {s['respondents']:,} | {s['update_ms']:.2f} | {s['update_max_ms']:.2f} | "
            f"{s['raw_ms']:.0f} | {s['raw_ms'] / s['update_ms']:.0f}x | {s['widget_update_ms']:.0f} |"
            for s in result["selections"]]
    return "\n".join([
        "# Widgets benchmark: an explorer update with 1M respondent rows loaded",
        "",
        "Produced by `python benchmarks/widgets.py` (do not edit by hand). San Diego 2015 residents resampled to "
        f"{result['rows']:,} rows; driver explorer, outcome {OUTCOME}, items {BLOCK}; "
        f"{result['complete_respondents']:,} complete respondents in {result['cells']} cells "
        "(district x own/rent x tenure x age).",
        "",
        "| group filter | respondents | numbers (ms) | slowest (ms) | recompute from raw rows (ms) | speed-up "
        "| whole widget update in the kernel, with 2 figures (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"- The numbers alone (select the cells, add them up, weights, quadrant): slowest "
        f"{result['update_ms_max']:.2f} ms, median {result['update_ms_median']:.2f} ms, against "
        f"{result['raw_ms_median']:.0f} ms from raw rows. The numbers of both routes agree (checked to 1e-8).",
        f"- Preparing the cells (once per outcome and block of items): {result['prepare_cells_ms']:.0f} ms.",
        f"- The whole widget update in the kernel (numbers, both figures updated in place and rendered to PNG, the "
        f"HTML panes): median {result['widget_update_ms_median']:.0f} ms, slowest "
        f"{max(s['widget_update_ms'] for s in result['selections']):.0f} ms.",
        f"- On the bundled data, in the kernel: gap explorer update {result['gap_explorer_update_ms']:.0f} ms, "
        f"service explorer update {result['service_explorer_update_ms']:.0f} ms (each runs the report's own "
        "analysis and draws its figures).",
        *_on_screen_lines(result),
        "",
        f"Medians of {result['repeat']} runs (raw route: {max(1, result['repeat'] // 3)}, widget updates: "
        f"{max(2, result['repeat'] // 3)}) on this machine (2 cores, Python {result['machine']['python']}, pandas "
        f"{result['machine']['pandas']}); load average (1 min) {result['load_average_1min_start']} at the start, "
        f"{result['load_average_1min_end']} at the end (the machine is shared with other work).",
        "",
    ])


def _on_screen_lines(result: dict) -> list[str]:
    screen = result["on_screen"]
    if not screen:
        return ["- On screen: not measured (--no-browser)."]
    driver = screen["driver"]
    met = "met" if driver["median_ms"] < TARGET_MS else "NOT met"
    return [
        "",
        "On screen, in JupyterLab in Chromium (`make lab`; from the choice in the page to the first frame showing "
        "the new findings and the new figure):",
        "",
        "| explorer | data | changes | median (ms) | slowest (ms) |",
        "|---|---|---:|---:|---:|",
        f"| driver | {result['rows']:,} respondents | {driver['runs']} | {driver['median_ms']:.0f} | "
        f"{driver['max_ms']:.0f} |",
        *(f"| {name.replace('_', ' ')} | bundled | {v['runs']} | {v['median_ms']:.0f} | {v['max_ms']:.0f} |"
          for name, v in screen.items() if name != "driver"),
        "",
        f"- Target: a visible update under {TARGET_MS:.0f} ms with {result['rows']:,} respondents: **{met}** "
        f"(median {driver['median_ms']:.0f} ms, slowest {driver['max_ms']:.0f} ms).",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--no-browser", action="store_true", help="time the kernel side only")
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    result = run(args.rows, args.repeat)
    result["on_screen"] = {} if args.no_browser else on_screen(args.rows)
    result["load_average_1min_start"], result["load_average_1min_end"] = round(load_start, 2), round(os.getloadavg()[0], 2)
    text = markdown(result)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "widgets.json").write_text(json.dumps(result, indent=2) + "\n")
        (RESULTS / "widgets.md").write_text(text)


if __name__ == "__main__":
    main()
