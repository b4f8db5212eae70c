"""Every figure of the built catalog, checked as a reader meets it: no text cut, overlapping or too small.

Each figure carries the box of every text it draws, measured by matplotlib when it was saved
(:data:`cxlab.report.blocks.FIGURE_MIMETYPE`); these tests read them from the executed notebooks
the build keeps beside each page, so every figure of every report is checked.
"""

from __future__ import annotations

import re

import matplotlib
import nbformat
import pandas as pd
import pytest

from cxlab.report import plots
from cxlab.report.blocks import FIGURE_MIMETYPE
from cxlab.report.layout import DISPLAY_WIDTH, layout_problems, text_boxes

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def figures(built_catalog) -> dict[str, list[dict]]:
    """The measured text of every figure, by report."""
    out, instances = built_catalog
    found = {}
    for instance in instances:
        nb = nbformat.read(out / f"{instance.name}.ipynb", as_version=4)
        found[instance.name] = [output["data"][FIGURE_MIMETYPE] for cell in nb.cells
                                for output in cell.get("outputs", []) if FIGURE_MIMETYPE in output.get("data", {})]
    return found


def test_every_figure_of_every_report_is_measured(figures, built_catalog) -> None:
    out, _ = built_catalog
    for name, measured in figures.items():
        images = len(re.findall(r'<figure class="chart"><img', (out / f"{name}.html").read_text(encoding="utf-8")))
        assert len(measured) == images > 0, name
        assert all(m["texts"] for m in measured), name


def test_no_text_is_cut_overlapping_or_under_11_px(figures) -> None:
    problems = {f"{name} figure {k + 1}": layout_problems(m) for name, measured in figures.items()
                for k, m in enumerate(measured)}
    assert {where: found for where, found in problems.items() if found} == {}


def test_figures_fit_the_column_so_text_is_never_scaled_down(figures) -> None:
    assert {m["width"] for measured in figures.values() for m in measured} <= set(range(DISPLAY_WIDTH - 10,
                                                                                        DISPLAY_WIDTH + 1))


def test_labels_are_whole_never_truncated(figures) -> None:
    cut = [t["text"] for measured in figures.values() for m in measured for t in m["texts"]
           if re.search(r"(\.\.\.|…)$", t["text"])]
    assert cut == []


def test_the_layout_check_finds_overlap_and_small_text() -> None:
    """The check itself can fail: long labels squeezed onto one line overlap, 7-point text is too small."""
    fig, ax = plots.canvas(2)
    ax.set_xlim(0, 1)
    ax.set_xticks([0.45, 0.55], ["a label far too long to fit beside its neighbour", "and its neighbour, also long"])
    ax.text(0.5, 0.5, "tiny", fontsize=7)
    found = layout_problems(text_boxes(fig))
    assert any("overlaps" in p for p in found) and any("'tiny' is 9.3 px" in p for p in found), found


def test_ordinal_rows_keep_their_order() -> None:
    bands = ["under 5 years", "5-9 years", "10-19 years", "20 years or more"]
    table = pd.DataFrame({"tenure": sorted(bands), "n": 50, "mean": [70.0, 60.0, 65.0, 80.0],
                          "ci_low": [65.0, 55.0, 60.0, 75.0], "ci_high": [75.0, 65.0, 70.0, 85.0], "note": ""})
    block = plots.estimate_chart(table, label="tenure", title="By tenure", order=bands)
    labels = sorted((t for t in block.figure_text["texts"] if t["text"] in bands), key=lambda t: -t["box"][1])
    assert [t["text"] for t in labels] == bands  # top to bottom on the canvas
    rows = re.findall(r'<th scope="row">([^<]+)</th>', block.html)
    assert rows == bands


def test_suppressed_rows_keep_their_place_and_say_so() -> None:
    table = pd.DataFrame({"group": ["a", "b"], "n": [50, 4], "mean": [70.0, None], "ci_low": [65.0, None],
                          "ci_high": [75.0, None], "note": ["", "suppressed"]})
    block = plots.estimate_chart(table, label="group", title="Groups")
    texts = [t["text"] for t in block.figure_text["texts"]]
    assert "too few answers to show" in texts and "b" in texts and "1 rows with too few answers" in block.text


def test_a_quarter_without_an_estimate_breaks_the_line_and_the_legend_says_so() -> None:
    summary = pd.DataFrame({"measure": "Trust", "period": ["FY2021-Q1", "FY2021-Q2", "FY2021-Q4"], "n": 40,
                            "mean": [70.0, None, 72.0], "ci_low": [68.0, None, 70.0], "ci_high": [72.0, None, 74.0],
                            "note": ""})
    block = plots.trend_lines_chart(summary, series="measure", period="period", title="T")
    texts = [t["text"] for t in block.figure_text["texts"]]
    assert "FY2021\nQ3" in texts, "a quarter the data skip keeps its place"
    assert any(t.startswith("a break in a line") for t in texts) and "Breaks in the lines" in block.text


def test_heat_map_marks_empty_cells_in_its_legend() -> None:
    matrix = pd.DataFrame({"Trust": [60.0, None], "Ease": [65.0, 70.0]}, index=["a", "b"])
    texts = [t["text"] for t in plots.heatmap_chart(matrix, title="H", row_label="Row").figure_text["texts"]]
    assert any(t.startswith("hatched grey: no data") for t in texts) and "Score (0-100)" in texts

