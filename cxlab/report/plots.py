"""Figures with accessible defaults: a colour-blind-safe palette, and alt text built from data.

Every figure function returns a :class:`cxlab.report.blocks.Block` holding the image, its alt text
(what it shows, the range, the direction) and the data behind it as a table. Figures are drawn at
the width of the report's text column (:mod:`cxlab.report.layout`): labels are wrapped, never cut;
text is at least 11 pixels on screen; every encoding (colour, marker, fill, hatching, line style,
a break in a line) has a legend entry; and numbers are written by :mod:`cxlab.report.numbers`,
as in the tables and the findings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from cxlab.report import numbers
from cxlab.report.blocks import Block, figure_block
from cxlab.report.layout import DPI, WIDTH, place_labels, wrap

__all__ = [
    "PALETTE",
    "MARKERS",
    "GAP_COLOUR",
    "EMPTY_FILL",
    "contrast_ratio",
    "styles",
    "use_style",
    "canvas",
    "legend",
    "titles",
    "without_examples",
    "SMALL",
    "row_positions",
    "row_canvas",
    "point_labels",
    "series_chart",
    "gap_chart",
    "describe_series",
    "estimate_chart",
    "trend_lines_chart",
    "heatmap_chart",
    "scatter_chart",
    "scatter_description",
    "share_chart",
    "share_text",
]

#: Colours for categories, in order of use: Okabe–Ito's blue, vermillion, bluish green, reddish
#: purple and black, then Paul Tol's wine and indigo. Every pair stays apart in normal vision and
#: under simulated protan, deutan and tritan vision, and every colour has at least 3:1 contrast on
#: white as a graphic (WCAG 1.4.11). Okabe–Ito's orange, sky blue and yellow are left out: they
#: have under 2.3:1 on white.
PALETTE: list[str] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#882255", "#332288"]

#: One marker shape per colour, so series stay apart in greyscale print and for any colour vision.
MARKERS: list[str] = ["o", "s", "^", "D", "v", "P", "X"]

#: Grey of what marks the absence of data: the edge and hatching of an empty (suppressed) cell.
GAP_COLOUR = "#767676"
#: Fill of an empty (suppressed) cell.
EMPTY_FILL = "#f2f2f2"

#: Font sizes in points; at 96 dpi 10 points are 13.3 pixels, so no text falls under 11 pixels.
_FONT = {"font.size": 11, "axes.titlesize": 12.5, "axes.labelsize": 11, "xtick.labelsize": 10.5,
         "ytick.labelsize": 10.5, "legend.fontsize": 10.5, "legend.title_fontsize": 10.5}
#: Points of font size for labels written inside a plot (point labels, bar values, cell values).
SMALL = 10.0
#: Characters per line of a row label, a legend entry, an axis label and a title.
_LABEL, _LEGEND, _AXIS, _TITLE = 38, 48, 60, 80
#: Inches a line of 10.5-point text needs, and what a figure needs besides its rows.
_LINE, _FRAME = 0.2, 1.5
#: A quarter label as the A-11 data write it.
_QUARTER = re.compile(r"^FY(\d{4})-Q([1-4])$")
_FY_NOTE = "Quarter (FY: the file's collection year, most likely the federal fiscal year)"


def _luminance(colour: str) -> float:
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast_ratio(colour: str, background: str = "#ffffff") -> float:
    """The WCAG 2.1 contrast ratio of two colours, from 1 (none) to 21 (black on white).

    Examples
    --------
    >>> round(contrast_ratio("#0072B2"), 2)
    5.19
    >>> min(round(contrast_ratio(c), 2) for c in PALETTE)
    3.06
    """
    lighter, darker = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def styles(count: int) -> list[tuple[str, str]]:
    """A colour and a marker for each of ``count`` series; more series than colours is an error.

    A figure with more series than the palette holds would need colours that readers cannot
    tell apart, so it should be split (or drawn as small multiples) instead.

    Examples
    --------
    >>> styles(2)
    [('#0072B2', 'o'), ('#D55E00', 's')]
    """
    if count > len(PALETTE):
        raise ValueError(f"{count} series but only {len(PALETTE)} distinguishable colours; split the figure")
    return list(zip(PALETTE, MARKERS))[:count]


def use_style() -> None:
    """Set seaborn's theme with the cxlab palette and readable font sizes for every figure.

    Text is never read as mathtext: a name such as "Fees $5 and $10 office" is shown as written.
    """
    sns.set_theme(style="whitegrid", palette=PALETTE)
    plt.rcParams.update({"figure.figsize": (WIDTH, 4.2), "figure.dpi": DPI, "axes.titleweight": "bold",
                         "text.parse_math": False, **_FONT})


def canvas(height: float, *, kept: bool = False) -> tuple[Figure, Axes]:
    """A figure as wide as the report's text column, ``height`` inches tall, laid out so nothing is cut.

    A ``kept`` figure (one an explorer updates in place) is not registered with pyplot and draws
    on its own Agg canvas, so saving it again and again costs one draw each time.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig, ax = canvas(3)
    >>> [round(v) for v in fig.bbox.size]
    [845, 288]
    >>> plt.close(fig)
    """
    use_style()
    if not kept:
        return plt.subplots(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def legend(fig: Figure, ax: Axes, handles: Sequence[object] | None = None, *, columns: int = 2) -> None:
    """The figure's legend under the plot, its entries wrapped; nothing when there is nothing to explain."""
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    else:
        labels = [h.get_label() for h in handles]
    if handles:
        fig.legend(handles, [wrap(label, _LEGEND) for label in labels], loc="outside lower center",
                   ncols=min(columns, len(handles)), frameon=False)


def titles(ax: Axes, title: str, *, xlabel: str = "", ylabel: str = "") -> None:
    """The title centred on the whole figure (row labels make the axes narrower), wrapped axis labels."""
    ax.figure.suptitle(wrap(title, _TITLE), fontweight="bold", fontsize=_FONT["axes.titlesize"])
    ax.set_xlabel(wrap(xlabel, _AXIS))
    ax.set_ylabel(wrap(ylabel, 45))


def row_positions(labels: Sequence[str]) -> tuple[list[float], float]:
    """Where each wrapped row label sits (first at the top) and the axes' height in inches.

    Examples
    --------
    >>> [round(v, 2) for v in row_positions(["one line", "two\\nlines"])[0]]
    [0.68, 0.26]
    """
    heights = [max(1, label.count("\n") + 1) * _LINE + 0.12 for label in labels]
    tops = np.cumsum([0.0] + heights[:-1])
    total = float(sum(heights))
    return [float(total - top - h / 2) for top, h in zip(tops, heights)], total


def row_canvas(labels: Sequence[object], *, extra: float = 0.0) -> tuple[Figure, Axes, list[float], float]:
    """A canvas with one row per label (wrapped, first at the top), tall enough for every row.

    Returns the figure, its axes (row labels set as y ticks, the y limits fixed), each row's
    position and the height of the rows in inches. ``extra`` inches make room for a legend.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig, ax, y, height = row_canvas(["Interior", "Health and Human Services"])
    >>> [t.get_text() for t in ax.get_yticklabels()], round(height, 2)
    (['Interior', 'Health and Human Services'], 0.64)
    >>> plt.close(fig)
    """
    names = [wrap(label, _LABEL) for label in labels]
    y, height = row_positions(names)
    fig, ax = canvas(max(2.6, height + _FRAME + extra))
    ax.set_yticks(y, names)
    ax.set_ylim(0, height)
    return fig, ax, y, height


def point_labels(ax: Axes, x: Sequence[float], y: Sequence[float], labels: Sequence[object], *,
                 width: int = 24) -> None:
    """Label each point, wrapped at ``width`` characters, where the label overlaps nothing.

    Call it last: the labels are placed on the figure's final layout
    (:func:`cxlab.report.layout.place_labels`), which is then kept as it is.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cxlab.report.layout import layout_problems, text_boxes
    >>> fig, ax = canvas(4)
    >>> _ = ax.scatter([1, 1.01, 2], [1, 1.01, 2])
    >>> point_labels(ax, [1, 1.01, 2], [1, 1.01, 2], ["Parks and recreation centres", "Libraries", "Water"])
    >>> layout_problems(text_boxes(fig))
    []
    >>> plt.close(fig)
    """
    for text in place_labels(ax, list(x), list(y), [wrap(label, width) for label in labels], fontsize=SMALL):
        text.set_in_layout(False)
    ax.figure.set_layout_engine("none")  # the labels were placed on this layout: keep it


def _movement(first: float, last: float) -> str:
    """``rising from 56.5 to 61.1``: the direction from a first value to a last one."""
    direction = "rising" if last > first else "falling" if last < first else "level"
    return f"{direction} from {numbers.number(first)} to {numbers.number(last)}"


def describe_series(points: pd.DataFrame, name: str) -> str:
    """One sentence on a series: its range of years and scores, and first-to-last direction.

    Examples
    --------
    >>> pts = pd.DataFrame({"period": ["2015", "2020"], "score": [56.5, 61.1]})
    >>> describe_series(pts, "US federal average")
    'US federal average: 2 points from 2015 to 2020, between 56.5 and 61.1, rising from 56.5 to 61.1'
    """
    return (
        f"{name}: {len(points)} points from {points['period'].iloc[0]} to {points['period'].iloc[-1]}, "
        f"between {numbers.number(points['score'].min())} and {numbers.number(points['score'].max())}, "
        + _movement(points["score"].iloc[0], points["score"].iloc[-1])
    )


def _decimal_year(points: pd.DataFrame) -> pd.Series:
    """Where a published point sits on a time axis: the start of its period, as a decimal year."""
    start = pd.to_datetime(points["period_start"])
    return start.dt.year + (start.dt.day_of_year - 1) / 365.25


def series_chart(series: dict[str, pd.DataFrame], *, title: str) -> Block:
    """Line chart of several score series over time; derived values drawn as hollow markers.

    ``series`` maps a display name to the points of one series (a loaded score table's rows).
    Each series has its own colour and marker shape; each point sits at the start of its period,
    the year the gap pairs it by.
    """
    fig, ax = canvas(4.8)
    any_derived = False
    for (colour, marker), (name, points) in zip(styles(len(series)), series.items()):
        stated = (points["value_type"] == "stated").tolist()
        x = _decimal_year(points)
        ax.plot(x, points["score"], color=colour, label=name, linewidth=2, marker=marker, markevery=stated, zorder=3)
        if not all(stated):
            any_derived = True
            derived = [not s for s in stated]
            ax.scatter(x[derived], points["score"][derived], marker=marker, facecolor="white", edgecolor=colour,
                       linewidth=2, zorder=4)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    titles(ax, title, xlabel="Year (each point at the start of its period)", ylabel="Score (0-100)")
    handles = ax.get_legend_handles_labels()[0]
    if any_derived:
        handles.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="white",
                              markeredgecolor=GAP_COLOUR, markeredgewidth=2,
                              label="hollow marker: derived from other published figures"))
    legend(fig, ax, handles)
    data = pd.concat(
        [p.assign(Series=name)[["Series", "period", "score", "value_type"]] for name, p in series.items()]
    ).rename(columns={"period": "Period", "score": "Score", "value_type": "Value"})
    alt = (
        f"Line chart: {title}. "
        + "; ".join(describe_series(p, n) for n, p in series.items() if len(p))
        + "."
        + (" Hollow markers are derived values." if data["Value"].ne("stated").any() else "")
    )
    return figure_block(fig, alt=alt, caption=title, data=data)


def gap_chart(aligned: pd.DataFrame, *, title: str, upper: str, lower: str) -> Block:
    """Bar chart of the gap per aligned year; bars with a derived value on either side are hatched."""
    fig, ax = canvas(4.2)
    bars = ax.bar(aligned["year"].astype(int), aligned["gap"], color=PALETTE[0], width=0.7)
    for bar, derived in zip(bars, aligned["derived"]):
        if derived:
            bar.set(hatch="//", facecolor="white", edgecolor=PALETTE[0], linewidth=1.5)
    crowded = len(aligned) > 12
    ax.bar_label(bars, labels=[numbers.number(v) for v in aligned["gap"]], padding=3, fontsize=SMALL,
                 rotation=90 if crowded else 0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(y=0.25 if crowded else 0.15)
    titles(ax, title, xlabel="Calendar year in which both periods start", ylabel="Gap (points)")
    if aligned["derived"].any():
        legend(fig, ax, [Patch(facecolor=PALETTE[0], label="both scores stated"),
                          Patch(facecolor="white", edgecolor=PALETTE[0], hatch="//",
                                label="hatched: at least one score derived")])
    data = aligned[["year", "period_left", "period_right", "score_left", "score_right", "gap", "derived"]]
    data = data.rename(columns={"year": "Year", "period_left": f"{lower} period",
                                "period_right": f"{upper} period", "score_left": lower,
                                "score_right": upper, "gap": "Gap", "derived": "Uses a derived value"})
    if len(aligned):
        alt = (
            f"Bar chart: {title}. {len(aligned)} years from {aligned['year'].iloc[0]} to "
            f"{aligned['year'].iloc[-1]}; the gap ranges from {numbers.number(aligned['gap'].min())} to "
            f"{numbers.number(aligned['gap'].max())} points, "
            + _movement(aligned["gap"].iloc[0], aligned["gap"].iloc[-1])
            + " from the first year to the last."
            if len(aligned) > 1 else
            f"Bar chart: {title}. One year, {aligned['year'].iloc[0]}: a gap of {numbers.number(aligned['gap'].iloc[0])} "
            "points."
            + (" Hatched bars use a derived value." if aligned["derived"].any() else "")
        )
    else:
        alt = f"Bar chart: {title}. No year has a point in both series."
    return figure_block(fig, alt=alt, caption=title, data=data)


def _estimate_text(row: pd.Series, signed: bool) -> str:
    return numbers.estimate(row["mean"], row["ci_low"], row["ci_high"], signed_value=signed)


def _ordered(table: pd.DataFrame, column: str, order: Sequence[object] | None, by: str) -> pd.DataFrame:
    """Rows in ``order`` of ``column`` (values not named go last, as they come), else by ``by``, highest first."""
    if order is None:
        return table.sort_values(by, ascending=False, na_position="last", kind="stable")
    rank = {value: k for k, value in enumerate(order)}
    return table.iloc[np.argsort([rank.get(v, len(rank)) for v in table[column]], kind="stable")]


def estimate_chart(
    table: pd.DataFrame, *, label: str, title: str, reference: float | dict[str, float] | None = None,
    reference_label: str = "reference", xlabel: str = "Score (0-100), with 95% interval",
    marked: pd.Series | None = None, marked_label: str = "", signed: bool = False,
    order: Sequence[object] | None = None,
) -> Block:
    """Dots with 95% interval whiskers, one row per ``label``: highest on top, or in ``order``.

    ``order`` lists the values of ``label`` top to bottom (ordinal groups such as age bands keep
    their order). Rows without an estimate (suppressed cells) keep their place and say "too few
    answers to show" instead of a dot. ``reference`` draws a vertical line (a government-wide
    figure, say), or one line per entry of a ``{label: value}`` dict. ``marked`` (True/False per
    row) draws the rows that pass the report's test as filled dots and the others hollow, with
    ``marked_label`` in the legend, so the figure shows the same verdicts as the text. ``signed``
    writes the estimates with their sign (for differences, which are not levels on 0-100).
    """
    flags = (pd.Series(False, index=table.index) if marked is None else marked.reindex(table.index)
             .fillna(False).astype(bool))
    rows = _ordered(table.assign(_marked=flags), label, order, "mean")
    fig, ax, y, _ = row_canvas(rows[label], extra=0.3 * bool(reference is not None or marked is not None))
    y = pd.Series(y, index=rows.index)
    shown = rows.dropna(subset=["mean"])
    ax.errorbar(shown["mean"], y[shown.index], xerr=[shown["mean"] - shown["ci_low"], shown["ci_high"] - shown["mean"]],
                fmt="none", ecolor=PALETTE[0], capsize=3, label="95% interval")
    filled = shown["_marked"] | (marked is None)
    ax.scatter(shown["mean"][filled], y[shown.index][filled], color=PALETTE[0], zorder=3,
               label=marked_label if marked is not None else "estimate")
    if marked is not None and not filled.all():
        ax.scatter(shown["mean"][~filled], y[shown.index][~filled], facecolor="white", edgecolor=PALETTE[0],
                   linewidth=1.5, zorder=3, label="hollow: the others")
    lines = ({reference_label: reference} if isinstance(reference, (int, float)) else reference) or {}
    for (name, value), style, colour in zip(lines.items(), ["--", ":"], [PALETTE[1], PALETTE[4]]):
        ax.axvline(value, color=colour, linestyle=style, label=f"{name}: {numbers.number(value)}")
    for index in rows.index.difference(shown.index):
        ax.annotate("too few answers to show", (0.01, y[index]), xycoords=("axes fraction", "data"), va="center",
                    fontsize=SMALL, color="#454545")
    titles(ax, title, xlabel=xlabel)
    legend(fig, ax, columns=2)
    data = rows[[label, "n", "mean", "ci_low", "ci_high", "note"]].rename(
        columns={label: label.replace("_", " ").capitalize(), "n": "Respondents", "mean": "Estimate",
                 "ci_low": "95% CI low", "ci_high": "95% CI high", "note": "Note"})
    if marked is not None:
        data.insert(5, marked_label.capitalize(), rows["_marked"].map({True: "yes", False: "no"}))
    if shown.empty:
        alt = f"Dot chart: {title}. No row has enough answers to show."
    else:
        ranked = shown.sort_values("mean")
        top, low = ranked.iloc[-1], ranked.iloc[0]
        alt = (f"Dot chart with 95% intervals: {title} ({xlabel}). {len(shown)} rows, from {low[label]} at "
               f"{_estimate_text(low, signed)} to {top[label]} at {_estimate_text(top, signed)}"
               + "".join(f"; {style} line: {name} {numbers.number(value)}" for (name, value), style
                         in zip(lines.items(), ["dashed", "dotted"])) + ".")
        if marked is not None:
            alt += f" Filled dots {marked_label}: {', '.join(map(str, shown.loc[filled, label])) or 'none'}."
        hidden = len(rows) - len(shown)
        if hidden:
            alt += f" {hidden} rows with too few answers show no dot."
    return figure_block(fig, alt=alt, caption=title, data=data)


def _all_periods(labels: Sequence[str]) -> tuple[list[str], bool]:
    """The periods to place on an axis: every quarter from the first to the last for FY quarters."""
    labels = sorted(set(labels))
    found = [_QUARTER.match(str(p)) for p in labels]
    if not labels or not all(found):
        return labels, False
    first, last = (int(found[0][1]) * 4 + int(found[0][2]) - 1, int(found[-1][1]) * 4 + int(found[-1][2]) - 1)
    return [f"FY{k // 4}-Q{k % 4 + 1}" for k in range(first, last + 1)], True


def trend_lines_chart(summary: pd.DataFrame, *, series: str, period: str, title: str,
                      periods: list[str] | None = None, xlabel: str = "Period",
                      series_label: tuple[str, str] = ("Measure", "measures")) -> Block:
    """One line per ``series`` over ``period`` (in order), with 95% interval bars.

    Every quarter between the first and the last gets its place, so a quarter without an
    estimate (no answers, a suppressed cell, a quarter named in ``periods`` with no usable data,
    or one the data skip) leaves a break in its line, which the legend explains. ``xlabel``
    names periods that are not FY quarters (Year, Wave); ``series_label`` what a series is, as
    the data table's heading and in the plural for the alt text.
    """
    periods, quarters = _all_periods(list(summary[period]) + list(periods or []))
    estimated = set(summary.dropna(subset=["mean"])[series])
    groups = [(name, rows) for name, rows in summary.groupby(series, sort=True) if name in estimated]
    fig, ax = canvas(5.0 + 0.25 * (len(groups) > 4))
    broken = False
    for (colour, marker), (name, rows) in zip(styles(len(groups)), groups):
        rows = rows.drop_duplicates(period).set_index(period).reindex(periods)
        known = np.flatnonzero(rows["mean"].notna().to_numpy())
        broken |= bool(len(known)) and len(known) < known[-1] - known[0] + 1
        ax.errorbar(range(len(periods)), rows["mean"], yerr=[rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]],
                    color=colour, marker=marker, capsize=3, label=str(name))
    step = max(1, int(np.ceil(len(periods) / 12)))
    ticks = list(range(0, len(periods), step))
    names = [p.replace("-", "\n") if quarters else wrap(p, 12) for p in periods]
    ax.set_xticks(ticks, [names[i] for i in ticks])
    titles(ax, title, xlabel=_FY_NOTE if quarters else xlabel, ylabel="Score (0-100), with 95% interval")
    handles = ax.get_legend_handles_labels()[0]
    if broken:
        handles.append(Line2D([], [], color=GAP_COLOUR, linestyle=(0, (1, 4)), linewidth=2,
                              label="a break in a line: no estimate that quarter (no or too few answers)"))
    legend(fig, ax, handles, columns=3)
    data = summary[[series, period, "n", "mean", "ci_low", "ci_high", "note"]].rename(
        columns={series: series_label[0], period: "Period", "n": "Respondents", "mean": "Mean (0-100)",
                 "ci_low": "95% CI low", "ci_high": "95% CI high", "note": "Note"})
    shown = summary.dropna(subset=["mean"])
    if shown.empty:
        alt = f"Line chart: {title}. No cell has enough answers to show."
    else:
        last = shown[shown[period] == shown[period].max()].sort_values("mean")
        alt = (f"Line chart: {title}. {shown[series].nunique()} {series_label[1]} over {len(periods)} periods from "
               f"{periods[0]} to {periods[-1]}; scores range from {numbers.number(shown['mean'].min())} to "
               f"{numbers.number(shown['mean'].max())}. In {last[period].iloc[0]} the highest is "
               f"{last[series].iloc[-1]} at {numbers.number(last['mean'].iloc[-1])} and the lowest "
               f"{last[series].iloc[0]} at {numbers.number(last['mean'].iloc[0])}."
               + (" Breaks in the lines are quarters without an estimate." if broken else ""))
    return figure_block(fig, alt=alt, caption=title, data=data)


def heatmap_chart(matrix: pd.DataFrame, *, title: str, row_label: str, value_label: str = "Score (0-100)",
                  kind: str = "scores") -> Block:
    """A heat map (rows x columns, 0-100) in a colour-blind-safe sequential palette.

    ``value_label`` names the colour scale and ``kind`` what the alt text calls the numbers
    (``scores`` by default; ``shares (%)`` for shares). Each cell shows its value; an empty cell
    (no data, or too few answers) is hatched grey, and the legend says so.
    """
    rows = [wrap(v, 28) for v in matrix.index]
    columns = [wrap(v, 13) for v in matrix.columns]
    row_height = max(0.34, max((r.count("\n") + 1 for r in rows), default=1) * _LINE + 0.1)
    empty = matrix.isna().to_numpy()
    fig, ax = canvas(max(3.0, row_height * len(rows) + 0.25 * max(c.count("\n") + 1 for c in columns) + _FRAME + 0.4))
    values = matrix.to_numpy(dtype=float)
    cells = np.vectorize(lambda v: numbers.number(v, 0) if np.isfinite(v) else "")(values) if values.size else values
    low, high = (np.nanmin(values), np.nanmax(values)) if np.isfinite(values).any() else (0, 100)
    sns.heatmap(pd.DataFrame(values, index=rows, columns=columns), ax=ax, cmap="cividis", vmin=low, vmax=high,
                annot=cells, fmt="", annot_kws={"fontsize": SMALL},
                cbar_kws={"label": value_label, "location": "top", "shrink": 0.6, "aspect": 30},
                linewidths=0.5)
    for i, j in zip(*np.nonzero(empty)):
        ax.add_patch(Rectangle((j, i), 1, 1, facecolor=EMPTY_FILL, edgecolor=GAP_COLOUR, hatch="//", linewidth=0))
    ax.tick_params(axis="y", rotation=0)
    ax.tick_params(axis="x", rotation=0, labelsize=SMALL)
    titles(ax, title)
    if empty.any():
        legend(fig, ax, [Patch(facecolor=EMPTY_FILL, edgecolor=GAP_COLOUR, hatch="//",
                                label="hatched grey: no data, or too few answers to show")])
    data = matrix.reset_index().rename(columns={matrix.index.name or "index": row_label})
    stacked = matrix.stack()
    if stacked.empty:
        alt = f"Heat map: {title}. No cell has enough answers to show."
    else:
        hi, lo = stacked.idxmax(), stacked.idxmin()
        alt = (f"Heat map: {title}. {len(matrix)} rows by {matrix.shape[1]} columns; {kind} from "
               f"{numbers.number(stacked.min(), 0)} ({lo[0]}, {lo[1]}) to {numbers.number(stacked.max(), 0)} "
               f"({hi[0]}, {hi[1]}). {int(empty.sum())} cells are empty (no data or too few answers).")
    return figure_block(fig, alt=alt, caption=title, data=data)


def without_examples(text: object) -> str:
    """A point label without its parenthesised examples (the data table keeps the full wording).

    Examples
    --------
    >>> without_examples("Solid waste services (e.g., residential trash and recycling services) (Q3_12)")
    'Solid waste services (Q3_12)'
    """
    return re.sub(r"\s*\(e\.g\.[^)]*\)", "", str(text))


def scatter_chart(
    table: pd.DataFrame, *, x: str, y: str, label: str, title: str, xlabel: str, ylabel: str,
    cuts: tuple[float, float] | None = None,
) -> Block:
    """Labelled points (items), optionally with the cut lines of a quadrant.

    Each label is wrapped and placed where it overlaps no other label or point
    (:func:`cxlab.report.layout.place_labels`), with a thin leader line when it had to move away.
    """
    shown = table.dropna(subset=[x, y])
    fig, ax = canvas(7.2)
    ax.scatter(shown[x], shown[y], color=PALETTE[0], zorder=3, label="an item")
    handles = ax.get_legend_handles_labels()[0]
    if cuts is not None:
        ax.axvline(cuts[0], color=PALETTE[4], linewidth=1, linestyle="--")
        ax.axhline(cuts[1], color=PALETTE[4], linewidth=1, linestyle="--")
        handles.append(Line2D([], [], color=PALETTE[4], linewidth=1, linestyle="--",
                              label="dashed lines: the average of the items on each axis"))
    ax.margins(0.12)
    titles(ax, title, xlabel=xlabel, ylabel=ylabel)
    legend(fig, ax, handles)
    point_labels(ax, shown[x], shown[y], [without_examples(v) for v in shown[label]])
    data = table[[label, x, y]].rename(columns={label: "Item", x: xlabel, y: ylabel})
    alt = scatter_description(shown, x=x, y=y, label=label, title=title, xlabel=xlabel, ylabel=ylabel)
    return figure_block(fig, alt=alt, caption=title, data=data)


def scatter_description(shown: pd.DataFrame, *, x: str, y: str, label: str, title: str, xlabel: str,
                        ylabel: str) -> str:
    """The alt text of a scatter chart: how many items, the range of each axis and its highest item.

    Examples
    --------
    >>> items = pd.DataFrame({"item": ["Parks", "Police"], "perf": [61.2, 70.04], "imp": [9.1, 12.0]})
    >>> scatter_description(items, x="perf", y="imp", label="item", title="Q", xlabel="Performance",
    ...                     ylabel="Importance")
    'Scatter chart: Q. 2 items; Performance from 61.2 to 70.0 (highest: Police), Importance from 9.1 to 12.0 (highest: Police).'
    """
    if shown.empty:
        return f"Scatter chart: {title}. No item has both values."
    top_x, top_y = shown.loc[shown[x].idxmax()], shown.loc[shown[y].idxmax()]
    return (f"Scatter chart: {title}. {len(shown)} items; {xlabel} from {numbers.number(shown[x].min())} to "
            f"{numbers.number(shown[x].max())} (highest: {top_x[label]}), {ylabel} from "
            f"{numbers.number(shown[y].min())} to {numbers.number(shown[y].max())} (highest: {top_y[label]}).")


def share_chart(shares: pd.DataFrame, *, label: str, title: str, series: str | None = None,
                xlabel: str = "Share (%), with 95% interval", order: Sequence[object] | None = None) -> Block:
    """Dots with 95% interval whiskers for shares in percent: one row per ``label`` (in table order).

    ``shares`` is a share table (:mod:`cxlab.stats.shares`: ``n``, ``count``, ``share``, ``ci_low``,
    ``ci_high``, ``note``). With ``series``, each series gets its own colour, marker and legend
    entry, set a little apart in each row. ``order`` lists the rows top to bottom. Labels are
    wrapped, never cut. Suppressed rows (no share) are not drawn and the alt text says how many.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> table = pd.DataFrame({"theme": ["fees", "login"], "n": [20, 20], "count": [12, 6], "share": [60.0, 30.0],
    ...                       "ci_low": [38.7, 14.5], "ci_high": [78.1, 51.9], "note": ["", ""]})
    >>> print(share_chart(table, label="theme", title="Themes").text)
    [Figure: Dot chart with 95% intervals: Themes. 2 rows; from login at 30.0% (95% CI 14.5 to 51.9) to fees at 60.0% (95% CI 38.7 to 78.1).]
    """
    rows = list(dict.fromkeys(shares[label] if order is None else [v for v in order if v in set(shares[label])]))
    groups = list(shares.groupby(series, sort=False)) if series else [(None, shares)]
    fig, ax, y, height = row_canvas(rows, extra=0.3 * bool(series))
    step = 0.5 * min(_LINE * 1.6, height / max(len(rows), 1)) / max(len(groups), 1)
    for k, ((colour, marker), (name, part)) in enumerate(zip(styles(len(groups)), groups)):
        shown = part.dropna(subset=["share"])
        shown = shown[shown[label].isin(rows)]
        at = [y[rows.index(r)] - (k - (len(groups) - 1) / 2) * step for r in shown[label]]
        below, above = (shown["share"] - shown["ci_low"]).clip(lower=0), (shown["ci_high"] - shown["share"]).clip(lower=0)
        ax.errorbar(shown["share"], at, xerr=[below, above],
                    fmt=marker, color=colour, ecolor=colour, capsize=3, label=None if name is None else str(name))
    ax.set(xlim=(0, 100))
    titles(ax, title, xlabel=xlabel)
    if series:
        legend(fig, ax, columns=len(groups))
    columns = [label] + ([series] if series else []) + ["n", "count", "share", "ci_low", "ci_high", "note"]
    data = shares[columns].rename(columns={label: label.replace("_", " ").capitalize(), "n": "Comments",
                                           "count": "With it", "share": "Share (%)", "ci_low": "95% CI low",
                                           "ci_high": "95% CI high", "note": "Note"})
    if series:
        data = data.rename(columns={series: series.replace("_", " ").capitalize()})
    parts = []
    for name, part in groups:
        shown = part.dropna(subset=["share"]).sort_values("share")
        if shown.empty:
            continue
        low, top = shown.iloc[0], shown.iloc[-1]
        parts.append(("" if name is None else f"{name}: ")
                     + f"from {low[label]} at {share_text(low)} to {top[label]} at {share_text(top)}")
    if not parts:
        return figure_block(fig, alt=f"Dot chart: {title}. No row has enough comments to show.", caption=title,
                            data=data)
    alt = f"Dot chart with 95% intervals: {title}. {len(rows)} rows; " + "; ".join(parts) + "."
    hidden = int(shares["share"].isna().sum())
    if hidden:
        alt += f" {hidden} values with too few comments are not shown."
    return figure_block(fig, alt=alt, caption=title, data=data)


def share_text(row: pd.Series) -> str:
    """A share with its 95% interval, as findings and alt text write it.

    Examples
    --------
    >>> share_text(pd.Series({"share": 60.0, "ci_low": 38.66, "ci_high": 78.12}))
    '60.0% (95% CI 38.7 to 78.1)'
    """
    return f"{numbers.percent(row['share'])} ({numbers.interval(row['ci_low'], row['ci_high'])})"
