"""A dot plot of published points grouped by year, with reference values of the same year.

Published headline points carry no sampling error, so the dots have no whiskers; each year's
reference values (a government-wide score, an economy-wide one) are drawn as short lines across
that year's rows only, so no point is compared with a reference of another year.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.transforms import offset_copy

from cxlab.report.blocks import Block, figure_block
from cxlab.report.plots import MARKERS, PALETTE, use_style

__all__ = ["REFERENCE_STYLES", "year_dot_chart"]

#: Line style, colour and the alt text's word for the first and second reference.
REFERENCE_STYLES = [("--", PALETTE[1], "dashed"), (":", PALETTE[4], "dotted")]


def year_dot_chart(
    points: pd.DataFrame, *, label: str, year: str, value: str, title: str,
    references: dict[str, pd.Series] | None = None, xlabel: str = "Score (0-100), published points",
    summary: str = "",
) -> Block:
    """One row per point, grouped under its year (earliest first, highest score first within a year).

    ``references`` maps a name to its values by year (a Series indexed by year; at most two);
    each is drawn across the rows of the years it has a value for. ``summary`` ends the alt text.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> pts = pd.DataFrame({"name": ["Interior", "Treasury", "Interior"], "year": [2021, 2021, 2022],
    ...                     "score": [77.0, 54.0, 75.0]})
    >>> block = year_dot_chart(pts, label="name", year="year", value="score", title="Departments",
    ...                        references={"Federal": pd.Series({2021: 63.4, 2022: 66.3})})
    >>> print(block.text)
    [Figure: Dot chart of published points: Departments. 3 points in 2 years (2021 to 2022), from 54.0 (Treasury, 2021) to 77.0 (Interior, 2021). Dashed lines: Federal in the same year (2 years).]
    """
    use_style()
    references = references or {}
    if len(references) > len(REFERENCE_STYLES):
        raise ValueError(f"at most {len(REFERENCE_STYLES)} references, not {len(references)}")
    ordered = points.sort_values([year, value], ascending=[True, False], kind="stable")
    years = list(dict.fromkeys(ordered[year]))
    ticks, names, spans, rows = [], [], {}, []
    position = 0
    for y in years:
        ticks.append(position)
        names.append(str(y))
        first = position + 1
        for _, row in ordered[ordered[year] == y].iterrows():
            position += 1
            ticks.append(position)
            names.append(str(row[label]))
            rows.append((position, row))
        spans[y] = (first - 0.45, position + 0.45)
        position += 1
    fig, ax = plt.subplots(figsize=(7.5, max(3.0, 0.28 * len(ticks) + 1.6)))
    ax.scatter([r[value] for _, r in rows], [p for p, _ in rows], color=PALETTE[0], marker=MARKERS[0], zorder=3)
    for p, r in rows:
        ax.annotate(f"{r[value]:g}", (r[value], p), xytext=(6, 0), textcoords="offset points", va="center",
                    fontsize=8)
    handles = [Line2D([], [], color=PALETTE[0], marker=MARKERS[0], linestyle="", label="published score")]
    for (name, values), (style, colour, _) in zip(references.items(), REFERENCE_STYLES):
        for y, (low, high) in spans.items():
            if y in values.index and pd.notna(values[y]):
                ax.vlines(values[y], low, high, colors=colour, linestyles=style, linewidth=2)
        handles.append(Line2D([], [], color=colour, linestyle=style, linewidth=2, label=f"{name} (same year)"))
    ax.set_yticks(ticks, names)
    for tick, text in zip(ax.get_yticklabels(), names):
        if text in {str(y) for y in years}:
            tick.set_fontweight("bold")
    ax.set_ylim(position - 0.5, -0.5)
    ax.set(title=textwrap.fill(title, 70), xlabel=xlabel)
    ax.margins(x=0.08)
    below_axis_label = offset_copy(ax.transAxes, fig=fig, y=-36, units="points")
    ax.legend(handles=handles, frameon=False, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, 0),
              bbox_transform=below_axis_label, ncols=1)
    data = ordered[[year, label, value]].rename(columns={year: "Year", label: label.replace("_", " ").capitalize(),
                                                         value: "Score"})
    for name, values in references.items():
        data[name] = data["Year"].map(values)
    if ordered.empty:
        alt = f"Dot chart: {title}. No published point."
    else:
        low, high = ordered.loc[ordered[value].idxmin()], ordered.loc[ordered[value].idxmax()]
        alt = (f"Dot chart of published points: {title}. {len(ordered)} points in {len(years)} years ({years[0]} to "
               f"{years[-1]}), from {low[value]:.1f} ({low[label]}, {low[year]}) to {high[value]:.1f} "
               f"({high[label]}, {high[year]}).")
        for (name, values), (_, _, word) in zip(references.items(), REFERENCE_STYLES):
            shown = [y for y in years if y in values.index and pd.notna(values[y])]
            alt += f" {word.capitalize()} lines: {name} in the same year ({len(shown)} years)."
        alt += f" {summary}" if summary else ""
    return figure_block(fig, alt=alt, caption=title, data=data)
