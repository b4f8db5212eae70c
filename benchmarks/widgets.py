"""Benchmark: an explorer's update after a control change, with 1M respondent rows loaded.

Data: the San Diego 2015 residents resampled with replacement (fixed seed) to ``--rows`` rows, so
the items keep their real correlations and the groups their real sizes. The driver explorer
(outcome Q2_6, the fifteen Q3 service areas) is built on them once; then a series of group
filters (districts, owners/renters, age bands, years in the city) is applied, each as:

* cxlab update: :func:`cxlab.explore.state.driver_view` on the per-cell sufficient statistics
  prepared once (select the cells, add them up, correlation -> relative weights -> quadrant);
* recompute from raw rows: label the groups, filter the rows, drop incomplete ones, means and
  correlation matrix, the same relative weights (``cxlab.stats.drivers._relative_weights``), quadrant.

Both give the same numbers (checked). Also timed: the whole widget update (setting the control:
numbers, both figures rendered to PNG, HTML panes; alternately the filter and all groups), the one-off preparation of the cells, and one
update of the gap and service explorers on the bundled data (their data are small).

Usage::

    python benchmarks/widgets.py                  # 1M rows, writes results/widgets.json and .md
    python benchmarks/widgets.py --rows 100000 --no-write
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

import cxlab
from cxlab.stats import drivers
from cxlab.analyses.drivers import item_block
from cxlab.analyses.resident_groups import resident_group
from cxlab.explore.state import driver_cells, driver_view
from cxlab.explore import DriverExplorer, GapExplorer, ServiceExplorer

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_MS = 150.0
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
    met = "met" if result["update_ms_max"] < TARGET_MS else "NOT met"
    return "\n".join([
        "# Widgets benchmark: an explorer update with 1M respondent rows loaded",
        "",
        "Produced by `python benchmarks/widgets.py` (do not edit by hand). San Diego 2015 residents resampled to "
        f"{result['rows']:,} rows; driver explorer, outcome {OUTCOME}, items {BLOCK}; "
        f"{result['complete_respondents']:,} complete respondents in {result['cells']} cells "
        "(district x own/rent x tenure x age).",
        "",
        "| group filter | respondents | cxlab update (ms) | slowest (ms) | recompute from raw rows (ms) | speed-up "
        "| whole widget update, with 2 figures (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"- Target: an update under {TARGET_MS:.0f} ms: **{met}** (slowest cxlab update "
        f"{result['update_ms_max']:.2f} ms; median {result['update_ms_median']:.2f} ms against "
        f"{result['raw_ms_median']:.0f} ms from raw rows). The numbers of both routes agree (checked to 1e-8).",
        f"- Preparing the cells (once per outcome and block of items): {result['prepare_cells_ms']:.0f} ms.",
        f"- The whole widget update, numbers plus two matplotlib figures rendered to PNG and the HTML panes: "
        f"median {result['widget_update_ms_median']:.0f} ms; the figures are nearly all of it.",
        f"- On the bundled data: gap explorer update {result['gap_explorer_update_ms']:.0f} ms, service explorer "
        f"update {result['service_explorer_update_ms']:.0f} ms (each runs the report's own analysis and draws its "
        "figures).",
        "",
        f"Medians of {result['repeat']} runs (raw route: {max(1, result['repeat'] // 3)}, widget updates: {max(2, result['repeat'] // 3)}) on this "
        f"machine (2 cores, Python {result['machine']['python']}, pandas {result['machine']['pandas']}).",
        "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    result = run(args.rows, args.repeat)
    text = markdown(result)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "widgets.json").write_text(json.dumps(result, indent=2) + "\n")
        (RESULTS / "widgets.md").write_text(text)


if __name__ == "__main__":
    main()
