"""Figures with accessible defaults: a colour-blind-safe palette, and alt text built from data.

Every figure function returns a :class:`cxlab.blocks.Block` holding the image, its alt text
(what it shows, the range, the direction) and the data behind it as a table.
"""

from __future__ import annotations


import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from cxlab.blocks import Block, figure_block

__all__ = ["PALETTE", "use_style", "series_chart", "gap_chart", "describe_series"]

#: Okabe–Ito colours, safe for the common colour-vision deficiencies; all have >= 3:1 contrast
#: on white as graphics (WCAG 1.4.11), most >= 4.5:1.
PALETTE: list[str] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9"]


def use_style() -> None:
    """Set seaborn's theme with the cxlab palette and readable font sizes for every figure."""
    sns.set_theme(style="whitegrid", palette=PALETTE, font_scale=1.05)
    plt.rcParams.update({"figure.figsize": (7.5, 4.2), "axes.titleweight": "bold"})


def describe_series(points: pd.DataFrame, name: str) -> str:
    """One sentence on a series: its range of years and scores, and first-to-last direction.

    Examples
    --------
    >>> pts = pd.DataFrame({"period": ["2015", "2020"], "score": [56.5, 61.1]})
    >>> describe_series(pts, "US federal average")
    'US federal average: 2 points from 2015 to 2020, between 56.5 and 61.1, rising from 56.5 to 61.1'
    """
    first, last = points["score"].iloc[0], points["score"].iloc[-1]
    direction = "rising" if last > first else "falling" if last < first else "level"
    return (
        f"{name}: {len(points)} points from {points['period'].iloc[0]} to {points['period'].iloc[-1]}, "
        f"between {points['score'].min():.1f} and {points['score'].max():.1f}, "
        f"{direction} from {first:.1f} to {last:.1f}"
    )


def series_chart(series: dict[str, pd.DataFrame], *, title: str) -> Block:
    """Line chart of several score series over time; derived values drawn as hollow markers.

    ``series`` maps a display name to the points of one series (a loaded score table's rows).
    """
    use_style()
    fig, ax = plt.subplots()
    for colour, (name, points) in zip(PALETTE, series.items()):
        ax.plot(points["time"], points["score"], color=colour, label=name, linewidth=2)
        stated = points["value_type"] == "stated"
        ax.scatter(points.loc[stated, "time"], points.loc[stated, "score"], color=colour, zorder=3)
        if not stated.all():
            ax.scatter(points.loc[~stated, "time"], points.loc[~stated, "score"], facecolor="white",
                       edgecolor=colour, linewidth=2, zorder=3, label=f"{name} (derived value)")
    ax.set(title=title, xlabel="Year (middle of the period)", ylabel="Score (0-100)")
    ax.legend(frameon=False, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2)
    data = pd.concat(
        [p.assign(Series=name)[["Series", "period", "score", "value_type"]] for name, p in series.items()]
    ).rename(columns={"period": "Period", "score": "Score", "value_type": "Value"})
    alt = (
        f"Line chart: {title}. "
        + "; ".join(describe_series(p, n) for n, p in series.items() if len(p))
        + ". Hollow markers are derived values."
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
            f"{aligned['gap'].max():.1f} points, {aligned['gap'].iloc[0]:.1f} in the first year and "
            f"{aligned['gap'].iloc[-1]:.1f} in the last. Hatched bars use a derived value."
        )
    else:
        alt = f"Bar chart: {title}. No year has a point in both series."
    return figure_block(fig, alt=alt, caption=title, data=data)
