"""A dot plot of published points grouped by year, with reference values of the same year.

Published headline points carry no sampling error, so the dots have no whiskers; each year's
reference values (a government-wide score, an economy-wide one) are drawn as short lines across
that year's rows only, so no point is compared with a reference of another year.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.lines import Line2D

from cxlab.report import numbers
from cxlab.report.blocks import Block, figure_block
from cxlab.report.plots import MARKERS, PALETTE, SMALL, legend, row_canvas, titles

__all__ = ["REFERENCE_STYLES", "year_dot_chart"]

#: Line style, colour and the alt text's word for the first and second reference.
REFERENCE_STYLES = [("--", PALETTE[1], "dashed"), (":", PALETTE[4], "dotted")]
#: How far a reference line reaches above the first row of its year and below the last (inches).
_REACH = 0.15


def year_dot_chart(
    points: pd.DataFrame, *, label: str, year: str, value: str, title: str,
    references: dict[str, pd.Series] | None = None, xlabel: str = "Score (0-100), published points",
    summary: str = "",
) -> Block:
    """One row per point, grouped under its year (earliest first, highest score first within a year).

    ``references`` maps a name to its values by year (a Series indexed by year; at most two);
    each is drawn across the rows of the years it has a value for. ``summary`` ends the alt text.
    The figure is as wide as the report's column, its row labels wrapped
    (:func:`cxlab.report.plots.row_canvas`); each point's score is written beside it as published.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> pts = pd.DataFrame({"name": ["Interior", "Treasury", "Interior"], "year": [2021, 2021, 2022],
    ...                     "score": [77.0, 54.0, 75.0]})
    >>> block = year_dot_chart(pts, label="name", year="year", value="score", title="Departments",
    ...                        references={"Federal": pd.Series({2021: 63.4, 2022: 66.3})})
    >>> print(block.text)
    [Figure: Dot chart of published points: Departments. 3 points in 2 years (2021 to 2022), from 54 (Treasury, 2021) to 77 (Interior, 2021). Dashed lines: Federal in the same year (2 years).]
    >>> from cxlab.report.layout import layout_problems
    >>> block.figure_text["width"], layout_problems(block.figure_text)
    (845, [])
    """
    references = references or {}
    if len(references) > len(REFERENCE_STYLES):
        raise ValueError(f"at most {len(REFERENCE_STYLES)} references, not {len(references)}")
    ordered = points.sort_values([year, value], ascending=[True, False], kind="stable")
    years = list(dict.fromkeys(ordered[year]))
    names = [name for y in years for name in [str(y), *ordered.loc[ordered[year] == y, label].astype(str)]]
    fig, ax, at, _ = row_canvas(names, extra=0.3)
    rows, spans, k = [], {}, 0
    for y in years:
        own = ordered[ordered[year] == y]
        positions = at[k + 1:k + 1 + len(own)]
        rows += zip(positions, own[value])
        spans[y] = (positions[-1] - _REACH, positions[0] + _REACH)
        ax.get_yticklabels()[k].set_fontweight("bold")
        k += 1 + len(own)
    ax.scatter([v for _, v in rows], [p for p, _ in rows], color=PALETTE[0], marker=MARKERS[0], zorder=3,
               label="published score")
    for p, v in rows:  # on white, so a reference line behind a score never runs through its digits
        ax.annotate(numbers.published(v), (v, p), xytext=(6, 0), textcoords="offset points", va="center",
                    fontsize=SMALL, zorder=4, bbox={"boxstyle": "square,pad=0.1", "facecolor": "white",
                                                    "edgecolor": "none"})
    handles = ax.get_legend_handles_labels()[0]
    for (name, values), (style, colour, _) in zip(references.items(), REFERENCE_STYLES):
        for y, (low, high) in spans.items():
            if y in values.index and pd.notna(values[y]):
                ax.vlines(values[y], low, high, colors=colour, linestyles=style, linewidth=2)
        handles.append(Line2D([], [], color=colour, linestyle=style, linewidth=2, label=f"{name} (same year)"))
    ax.margins(x=0.08)
    titles(ax, title, xlabel=xlabel)
    legend(fig, ax, handles, columns=3)
    data = ordered[[year, label, value]].rename(columns={year: "Year", label: label.replace("_", " ").capitalize(),
                                                         value: "Score"})
    for name, values in references.items():
        data[name] = data["Year"].map(values)
    if ordered.empty:
        alt = f"Dot chart: {title}. No published point."
    else:
        low, high = ordered.loc[ordered[value].idxmin()], ordered.loc[ordered[value].idxmax()]
        alt = (f"Dot chart of published points: {title}. {len(ordered)} points in {len(years)} years ({years[0]} to "
               f"{years[-1]}), from {numbers.published(low[value])} ({low[label]}, {low[year]}) to "
               f"{numbers.published(high[value])} "
               f"({high[label]}, {high[year]}).")
        for (name, values), (_, _, word) in zip(references.items(), REFERENCE_STYLES):
            shown = [y for y in years if y in values.index and pd.notna(values[y])]
            alt += f" {word.capitalize()} lines: {name} in the same year ({len(shown)} years)."
        alt += f" {summary}" if summary else ""
    return figure_block(fig, alt=alt, caption=title, data=data)
