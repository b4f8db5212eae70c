"""Figures with accessible defaults: a colour-blind-safe palette, and alt text built from data.

Every figure function returns a :class:`cxlab.report.blocks.Block` holding the image, its alt text
(what it shows, the range, the direction) and the data behind it as a table.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.colors import to_rgb

from cxlab.report.blocks import Block, figure_block
from cxlab.report.findings import interval_text

__all__ = [
    "PALETTE",
    "MARKERS",
    "contrast_ratio",
    "styles",
    "use_style",
    "series_chart",
    "gap_chart",
    "describe_series",
    "estimate_chart",
    "trend_lines_chart",
    "heatmap_chart",
    "scatter_chart",
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
    sns.set_theme(style="whitegrid", palette=PALETTE, font_scale=1.05)
    plt.rcParams.update({"figure.figsize": (7.5, 4.2), "axes.titleweight": "bold", "text.parse_math": False})


def _movement(first: float, last: float) -> str:
    """``rising from 56.5 to 61.1``: the direction from a first value to a last one."""
    direction = "rising" if last > first else "falling" if last < first else "level"
    return f"{direction} from {first:.1f} to {last:.1f}"


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
        f"between {points['score'].min():.1f} and {points['score'].max():.1f}, "
        + _movement(points["score"].iloc[0], points["score"].iloc[-1])
    )


def series_chart(series: dict[str, pd.DataFrame], *, title: str) -> Block:
    """Line chart of several score series over time; derived values drawn as hollow markers.

    ``series`` maps a display name to the points of one series (a loaded score table's rows).
    Each series has its own colour and marker shape.
    """
    use_style()
    fig, ax = plt.subplots()
    for (colour, marker), (name, points) in zip(styles(len(series)), series.items()):
        stated = (points["value_type"] == "stated").tolist()
        ax.plot(points["time"], points["score"], color=colour, label=name, linewidth=2,
                marker=marker, markevery=stated, zorder=3)
        if not all(stated):
            derived = points[[not s for s in stated]]
            ax.scatter(derived["time"], derived["score"], marker=marker, facecolor="white",
                       edgecolor=colour, linewidth=2, zorder=4, label=f"{name} (derived value)")
    ax.set(title=title, xlabel="Year (middle of the period)", ylabel="Score (0-100)")
    ax.legend(frameon=False, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2)
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
    use_style()
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    bars = ax.bar(aligned["year"].astype(str), aligned["gap"], color=PALETTE[0])
    for bar, derived in zip(bars, aligned["derived"]):
        if derived:
            bar.set(hatch="//", facecolor="white", edgecolor=PALETTE[0], linewidth=1.5)
    ax.bar_label(bars, fmt="%.1f", padding=2)
    ax.set(title=title, xlabel="Year", ylabel="Gap (points)")
    ax.margins(y=0.15)
    data = aligned[["year", "period_left", "period_right", "score_left", "score_right", "gap", "derived"]]
    data = data.rename(columns={"year": "Year", "period_left": f"{lower} period",
                                "period_right": f"{upper} period", "score_left": lower,
                                "score_right": upper, "gap": "Gap", "derived": "Uses a derived value"})
    if len(aligned):
        alt = (
            f"Bar chart: {title}. {len(aligned)} years from {aligned['year'].iloc[0]} to "
            f"{aligned['year'].iloc[-1]}; the gap ranges from {aligned['gap'].min():.1f} to "
            f"{aligned['gap'].max():.1f} points, "
            + _movement(aligned["gap"].iloc[0], aligned["gap"].iloc[-1])
            + " from the first year to the last."
            + (" Hatched bars use a derived value." if aligned["derived"].any() else "")
        )
    else:
        alt = f"Bar chart: {title}. No year has a point in both series."
    return figure_block(fig, alt=alt, caption=title, data=data)


def _interval_text(row: pd.Series, signed: bool) -> str:
    value = f"{row['mean']:+.1f}" if signed else f"{row['mean']:.1f}"
    return f"{value} ({interval_text(row['ci_low'], row['ci_high'], signed=signed)})"


def estimate_chart(
    table: pd.DataFrame, *, label: str, title: str, reference: float | dict[str, float] | None = None,
    reference_label: str = "reference", xlabel: str = "Score (0-100), with 95% interval",
    marked: pd.Series | None = None, marked_label: str = "", signed: bool = False,
) -> Block:
    """Dots with 95% interval whiskers, one row per ``label``, sorted by ``mean`` (0-100).

    Rows without an estimate (suppressed cells) are left out of the figure and say so in the
    table. ``reference`` draws a vertical line (a government-wide figure, say), or one line per
    entry of a ``{label: value}`` dict. ``marked`` (True/False per row) draws the rows that pass
    the report's test as filled dots and the others hollow, with ``marked_label`` in the legend,
    so the figure shows the same verdicts as the text. ``signed`` writes the estimates with
    their sign (for differences, which are not levels on 0-100).
    """
    use_style()
    flags = (pd.Series(False, index=table.index) if marked is None else marked.reindex(table.index)
             .fillna(False).astype(bool))
    shown = table.assign(_marked=flags).dropna(subset=["mean"]).sort_values("mean")
    fig, ax = plt.subplots(figsize=(7.5, max(2.5, 0.32 * len(shown) + 1.2)))
    y = pd.Series(range(len(shown)), index=shown.index)
    ax.errorbar(shown["mean"], y, xerr=[shown["mean"] - shown["ci_low"], shown["ci_high"] - shown["mean"]],
                fmt="none", ecolor=PALETTE[0], capsize=3)
    filled = shown["_marked"] | (marked is None)
    ax.scatter(shown["mean"][filled], y[filled], color=PALETTE[0], zorder=3,
               label=marked_label if marked is not None else None)
    if marked is not None:
        ax.scatter(shown["mean"][~filled], y[~filled], facecolor="white", edgecolor=PALETTE[0], linewidth=1.5,
                   zorder=3, label="does not")
    lines = ({reference_label: reference} if isinstance(reference, (int, float)) else reference) or {}
    for (name, value), style, colour in zip(lines.items(), ["--", ":"], [PALETTE[1], PALETTE[4]]):
        ax.axvline(value, color=colour, linestyle=style, label=f"{name}: {value:.1f}")
    if lines or marked is not None:
        ax.legend(frameon=False, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=1)
    ax.set_yticks(list(y), [str(v)[:55] for v in shown[label]])
    ax.set(title=title, xlabel=xlabel)
    data = table[[label, "n", "mean", "ci_low", "ci_high", "note"]].rename(
        columns={label: label.replace("_", " ").capitalize(), "n": "Respondents", "mean": "Estimate",
                 "ci_low": "95% CI low", "ci_high": "95% CI high", "note": "Note"})
    if marked is not None:
        data.insert(5, marked_label.capitalize(), flags.map({True: "yes", False: "no"}))
    if shown.empty:
        alt = f"Dot chart: {title}. No row has enough answers to show."
    else:
        top, low = shown.iloc[-1], shown.iloc[0]
        alt = (f"Dot chart with 95% intervals: {title} ({xlabel}). {len(shown)} rows, from {low[label]} at "
               f"{_interval_text(low, signed)} to {top[label]} at {_interval_text(top, signed)}"
               + "".join(f"; {style} line: {name} {value:.1f}" for (name, value), style
                         in zip(lines.items(), ["dashed", "dotted"])) + ".")
        if marked is not None:
            alt += f" Filled dots {marked_label}: {', '.join(map(str, shown.loc[filled, label])) or 'none'}."
        hidden = len(table) - len(shown)
        if hidden:
            alt += f" {hidden} rows with too few answers are not shown."
    return figure_block(fig, alt=alt, caption=title, data=data)


def trend_lines_chart(summary: pd.DataFrame, *, series: str, period: str, title: str,
                      periods: list[str] | None = None, xlabel: str = "Quarter",
                      series_label: tuple[str, str] = ("Measure", "measures")) -> Block:
    """One line per ``series`` over ``period`` (sorted labels), with 95% interval bars.

    A period without an estimate (no answers, a suppressed cell, or a period named in
    ``periods`` that has no usable data at all) leaves a gap in its line: no line is drawn
    across it. ``xlabel`` names the periods (Quarter, Year); ``series_label`` what a series is,
    as the data table's heading and in the plural for the alt text.
    """
    use_style()
    fig, ax = plt.subplots()
    periods = sorted(set(summary[period]) | set(periods or []))
    position = {p: i for i, p in enumerate(periods)}
    estimated = summary.dropna(subset=["mean"])[series].unique()
    groups = [(name, rows) for name, rows in summary.groupby(series, sort=True) if name in set(estimated)]
    for (colour, marker), (name, rows) in zip(styles(len(groups)), groups):
        rows = rows.set_index(period).reindex(periods).reset_index()
        x = rows[period].map(position)
        ax.errorbar(x, rows["mean"], yerr=[rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]],
                    color=colour, marker=marker, capsize=3, label=str(name))
    ax.set_xticks(range(len(periods)), periods, rotation=45, ha="right")
    ax.set(title=title, xlabel=xlabel, ylabel="Score (0-100), with 95% interval")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    data = summary[[series, period, "n", "mean", "ci_low", "ci_high", "note"]].rename(
        columns={series: series_label[0], period: "Period", "n": "Respondents", "mean": "Mean (0-100)",
                 "ci_low": "95% CI low", "ci_high": "95% CI high", "note": "Note"})
    shown = summary.dropna(subset=["mean"])
    if shown.empty:
        alt = f"Line chart: {title}. No cell has enough answers to show."
    else:
        last = shown[shown[period] == shown[period].max()].sort_values("mean")
        alt = (f"Line chart: {title}. {shown[series].nunique()} {series_label[1]} over {len(periods)} periods from "
               f"{periods[0]} to {periods[-1]}; scores range from {shown['mean'].min():.1f} to "
               f"{shown['mean'].max():.1f}. In {last[period].iloc[0]} the highest is "
               f"{last[series].iloc[-1]} at {last['mean'].iloc[-1]:.1f} and the lowest "
               f"{last[series].iloc[0]} at {last['mean'].iloc[0]:.1f}.")
    return figure_block(fig, alt=alt, caption=title, data=data)


def heatmap_chart(matrix: pd.DataFrame, *, title: str, row_label: str, value_label: str = "Score (0-100)",
                  kind: str = "scores") -> Block:
    """A heat map (rows x columns, 0-100) in a colour-blind-safe sequential palette.

    ``value_label`` names the colour scale and ``kind`` what the alt text calls the numbers
    (``scores`` by default; ``shares (%)`` for shares).
    """
    use_style()
    fig, ax = plt.subplots(figsize=(8.5, max(3.0, 0.32 * len(matrix) + 1.5)))
    sns.heatmap(matrix, ax=ax, cmap="cividis", vmin=matrix.min().min(), vmax=matrix.max().max(),
                annot=True, fmt=".0f", cbar_kws={"label": value_label}, linewidths=0.5)
    ax.set_yticks([i + 0.5 for i in range(len(matrix))], [str(v)[:50] for v in matrix.index], rotation=0)
    ax.set(title=title, xlabel="", ylabel="")
    data = matrix.reset_index().rename(columns={matrix.index.name or "index": row_label})
    values = matrix.stack()
    if values.empty:
        alt = f"Heat map: {title}. No cell has enough answers to show."
    else:
        hi, lo = values.idxmax(), values.idxmin()
        alt = (f"Heat map: {title}. {len(matrix)} rows by {matrix.shape[1]} columns; {kind} from "
               f"{values.min():.0f} ({lo[0]}, {lo[1]}) to {values.max():.0f} ({hi[0]}, {hi[1]}). "
               f"{int(matrix.isna().sum().sum())} cells are empty (no data or too few answers).")
    return figure_block(fig, alt=alt, caption=title, data=data)


def scatter_chart(
    table: pd.DataFrame, *, x: str, y: str, label: str, title: str, xlabel: str, ylabel: str,
    cuts: tuple[float, float] | None = None,
) -> Block:
    """Labelled points (items), optionally with the cut lines of a quadrant."""
    use_style()
    shown = table.dropna(subset=[x, y])
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    ax.scatter(shown[x], shown[y], color=PALETTE[0], zorder=3)
    for row in shown.itertuples(index=False):
        ax.annotate(str(getattr(row, label))[:28], (getattr(row, x), getattr(row, y)), fontsize=8,
                    xytext=(4, 3), textcoords="offset points")
    if cuts is not None:
        ax.axvline(cuts[0], color=PALETTE[4], linewidth=1, linestyle="--")
        ax.axhline(cuts[1], color=PALETTE[4], linewidth=1, linestyle="--")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    data = table[[label, x, y]].rename(columns={label: "Item", x: xlabel, y: ylabel})
    if shown.empty:
        alt = f"Scatter chart: {title}. No item has both values."
    else:
        top_x, top_y = shown.loc[shown[x].idxmax()], shown.loc[shown[y].idxmax()]
        alt = (f"Scatter chart: {title}. {len(shown)} items; {xlabel} from {shown[x].min():.1f} to "
               f"{shown[x].max():.1f} (highest: {top_x[label]}), {ylabel} from {shown[y].min():.1f} to "
               f"{shown[y].max():.1f} (highest: {top_y[label]}).")
    return figure_block(fig, alt=alt, caption=title, data=data)


def share_chart(shares: pd.DataFrame, *, label: str, title: str, series: str | None = None,
                xlabel: str = "Share (%), with 95% interval") -> Block:
    """Dots with 95% interval whiskers for shares in percent: one row per ``label`` (in table order).

    ``shares`` is a share table (:mod:`cxlab.stats.shares`: ``n``, ``count``, ``share``, ``ci_low``,
    ``ci_high``, ``note``). With ``series``, each series gets its own colour, marker and legend
    entry, set a little apart in each row. Labels are wrapped, never cut. Suppressed rows (no
    share) are not drawn and the alt text says how many.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> table = pd.DataFrame({"theme": ["fees", "login"], "n": [20, 20], "count": [12, 6], "share": [60.0, 30.0],
    ...                       "ci_low": [38.7, 14.5], "ci_high": [78.1, 51.9], "note": ["", ""]})
    >>> print(share_chart(table, label="theme", title="Themes").text)
    [Figure: Dot chart with 95% intervals: Themes. 2 rows; from login at 30.0% (95% CI 14.5 to 51.9) to fees at 60.0% (95% CI 38.7 to 78.1).]
    """
    use_style()
    rows = list(dict.fromkeys(shares[label]))
    groups = list(shares.groupby(series, sort=False)) if series else [(None, shares)]
    wrapped = [textwrap.fill(str(r), 38) for r in rows]
    lines = sum(w.count("\n") + 1 for w in wrapped)
    height = max(2.5, 0.3 * lines + 0.25 * len(rows) + 1.3)
    fig, ax = plt.subplots(figsize=(7.5, height))
    step = 0.5 / max(len(groups), 1)
    for k, ((colour, marker), (name, part)) in enumerate(zip(styles(len(groups)), groups)):
        shown = part.dropna(subset=["share"])
        y = [rows.index(r) + (k - (len(groups) - 1) / 2) * step for r in shown[label]]
        below, above = (shown["share"] - shown["ci_low"]).clip(lower=0), (shown["ci_high"] - shown["share"]).clip(lower=0)
        ax.errorbar(shown["share"], y, xerr=[below, above],
                    fmt=marker, color=colour, ecolor=colour, capsize=3, label=None if name is None else str(name))
    ax.set_yticks(range(len(rows)), wrapped)
    ax.invert_yaxis()
    ax.set(title=title, xlabel=xlabel, xlim=(0, 100))
    if series:
        ax.legend(frameon=False, fontsize="small", loc="upper center", ncols=len(groups),
                  bbox_to_anchor=(0.5, -0.75 / (0.75 * height)))  # about 0.75 inch below the axes
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
    return f"{row['share']:.1f}% (95% CI {row['ci_low']:.1f} to {row['ci_high']:.1f})"
