"""Words and a figure for a correlation across few units (departments): what it can and cannot tell.

A correlation across fifteen departments is uncertain, so the words follow fixed rules:

- every r and rho is written with its sign and its interval, "r = +0.13 (95% CI -0.46 to +0.63)";
- an interval that holds zero reads "too few departments to tell whether the two go together";
- an interval that excludes zero reads "departments where one is higher tend to have the other
  higher too" (or lower), never that one makes the other so;
- a bootstrap interval that disagrees with the Fisher-z interval is said to;
- a department whose leaving out alone changes what the interval says is named.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.lines import Line2D

from cxlab.report import numbers
from cxlab.report.blocks import Block, figure_block
from cxlab.report.findings import Finding
from cxlab.report.plots import PALETTE, canvas, legend, point_labels, titles
from cxlab.stats.correlate import direction

__all__ = ["correlation_finding", "correlation_text", "interval_words", "labelled_scatter", "signed"]

_TREND = {"positive": "{units} where one is higher tend to have the other higher too",
          "negative": "{units} where one is higher tend to have the other lower",
          "unclear": "too few {units} to tell whether the two go together"}


def signed(value: float, digits: int = 2) -> str:
    """A correlation (or a change) with its sign, written by :func:`cxlab.report.numbers.signed`.

    Examples
    --------
    >>> signed(0.134), signed(-0.456), signed(-0.001), signed(2.34, 1)
    ('+0.13', '-0.46', '0.00', '+2.3')
    """
    return numbers.signed(value, digits)


def interval_words(row: pd.Series, name: str) -> str:
    """The 95% interval of a correlation column ``name`` (``pearson_ci``, ``pearson_boot``, ...) in words.

    Examples
    --------
    >>> interval_words(pd.Series({"pearson_ci_low": -0.456, "pearson_ci_high": 0.631}), "pearson_ci")
    '-0.46 to +0.63'
    """
    return f"{signed(row[f'{name}_low'])} to {signed(row[f'{name}_high'])}"


def correlation_text(row: pd.Series, *, name: str = "pearson", symbol: str = "r") -> str:
    """A correlation with its Fisher-z 95% interval, as findings and tables write it.

    ``name`` is the column prefix (``pearson`` or ``spearman``).

    Examples
    --------
    >>> row = pd.Series({"pearson": 0.134, "pearson_ci_low": -0.456, "pearson_ci_high": 0.631})
    >>> correlation_text(row)
    'r = +0.13 (95% CI -0.46 to +0.63)'
    """
    return f"{symbol} = {signed(row[name])} (95% CI {interval_words(row, f'{name}_ci')})"


def correlation_finding(
    row: pd.Series, *, what: str, units: str = "departments", leave_out: pd.DataFrame | None = None,
    caveat: str | None = None,
) -> Finding:
    """One finding on a correlation (a row of :func:`cxlab.stats.correlate.correlate`) in honest words.

    ``what`` names the pair ("FEVS engagement (2022) and A-11 satisfaction (FY2022)");
    ``leave_out`` is :func:`cxlab.stats.correlate.leave_one_out` of the same pair, with the
    units' names in ``left_out``.

    Examples
    --------
    >>> row = pd.Series({"n": 13, "pearson": 0.13, "pearson_ci_low": -0.46, "pearson_ci_high": 0.63,
    ...                  "pearson_boot_low": -0.40, "pearson_boot_high": 0.71, "spearman": 0.32,
    ...                  "spearman_ci_low": -0.30, "spearman_ci_high": 0.75, "note": ""})
    >>> print(correlation_finding(row, what="engagement and satisfaction").text)
    Across 13 departments, engagement and satisfaction correlate at r = +0.13 (95% CI -0.46 to +0.63; bootstrap -0.40 to +0.71; Spearman's rho +0.32, 95% CI -0.30 to +0.75): too few departments to tell whether the two go together.
    """
    n = int(row["n"])
    if row["note"]:
        return Finding(f"Only {n} {units} have both {what}: too few to compute a correlation.", caveat)
    said = direction(row["pearson_ci_low"], row["pearson_ci_high"])
    text = (f"Across {n} {units}, {what} correlate at r = {signed(row['pearson'])} (95% CI "
            f"{interval_words(row, 'pearson_ci')}; bootstrap {interval_words(row, 'pearson_boot')}; Spearman's rho "
            f"{signed(row['spearman'])}, 95% CI {interval_words(row, 'spearman_ci')}): {_TREND[said].format(units=units)}.")
    if said != "unclear" and direction(row["pearson_boot_low"], row["pearson_boot_high"]) == "unclear":
        text += " The bootstrap interval includes zero, so even this is not firm."
    if leave_out is not None and len(leave_out):
        carriers = leave_out[leave_out["changes"]]
        if len(carriers):
            text += " " + " ".join(
                f"Leaving out {c.left_out} alone changes this: without it, r = {signed(c.pearson)} (95% CI "
                f"{signed(c.pearson_ci_low)} to {signed(c.pearson_ci_high)})." for c in carriers.itertuples())
        else:
            still = {"unclear": "still includes zero", "positive": "stays above zero", "negative": "stays below zero"}
            text += (f" No single {units[:-1] if units.endswith('s') else units} carries this: without any one of "
                     f"them, r lies between {signed(leave_out['pearson'].min())} and "
                     f"{signed(leave_out['pearson'].max())} and every such interval {still[said]}.")
    return Finding(text, caveat)


def labelled_scatter(
    table: pd.DataFrame, *, x: str, y: str, label: str, title: str, xlabel: str, ylabel: str,
    summary: str = "", noun: str = "departments",
) -> Block:
    """A scatter of units, each labelled with its name, with the data behind it and alt text.

    The figure is as wide as the report's column; each label is wrapped and placed where it
    overlaps no other label or point (:func:`cxlab.report.plots.point_labels`). Where the values
    of an axis run both sides of zero (changes), a solid line marks zero and the legend says so.
    ``summary`` (the correlation, say) ends the alt text.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cxlab.report.layout import layout_problems
    >>> units = pd.DataFrame({"name": ["GSA", "DHS", "SSA"], "eei": [82.9, 64.3, 65.7], "sat": [79.5, 78.7, 81.3]})
    >>> block = labelled_scatter(units, x="eei", y="sat", label="name", title="EEI and satisfaction",
    ...                          xlabel="EEI", ylabel="Satisfaction (0-100)")
    >>> print(block.text)
    [Figure: Scatter chart: EEI and satisfaction. 3 departments; EEI from 64.3 (DHS) to 82.9 (GSA); Satisfaction (0-100) from 78.7 (DHS) to 81.3 (SSA).]
    >>> block.figure_text["width"], layout_problems(block.figure_text)
    (845, [])
    """
    one = noun[:-1] if noun.endswith("s") else noun
    shown = table.dropna(subset=[x, y])
    fig, ax = canvas(6.4)
    ax.scatter(shown[x], shown[y], color=PALETTE[0], zorder=3, label=f"a {one}")
    handles = ax.get_legend_handles_labels()[0]
    zero = [line for values, line in ((shown[y], ax.axhline), (shown[x], ax.axvline))
            if (values < 0).any() and (values > 0).any()]  # changes: zero is a reference
    for line in zero:
        line(0, color=PALETTE[4], linewidth=0.8)
    if zero:
        handles.append(Line2D([], [], color=PALETTE[4], linewidth=0.8, label="solid line: no change (zero)"))
    ax.margins(0.15)
    titles(ax, title, xlabel=xlabel, ylabel=ylabel)
    legend(fig, ax, handles)
    point_labels(ax, shown[x], shown[y], shown[label].astype(str))
    data = table[[label, x, y]].rename(columns={label: one.capitalize(), x: xlabel, y: ylabel})
    if shown.empty:
        alt = f"Scatter chart: {title}. No {one} has both values."
    else:
        ends = {c: (shown.loc[shown[c].idxmin()], shown.loc[shown[c].idxmax()]) for c in (x, y)}
        alt = (f"Scatter chart: {title}. {len(shown)} {noun}; "
               + "; ".join(f"{name} from {numbers.number(lo[c])} ({lo[label]}) to {numbers.number(hi[c])} "
                           f"({hi[label]})" for c, name, (lo, hi) in ((x, xlabel, ends[x]), (y, ylabel, ends[y])))
               + "." + (f" {summary}" if summary else ""))
    return figure_block(fig, alt=alt, caption=title, data=data)
