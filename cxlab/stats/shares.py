"""Shares with Wilson intervals: of 0/1 flags, and of the values of a category column.

Both are built on :func:`cxlab.stats.summary.top_box` (a 0/1 column is a scale 0-1 whose top box is
1), so intervals and suppression follow the same rules as every other share in cxlab; two shares
are compared with :func:`share_difference`. A *share table* has the ``by`` columns, then:

=============  ======================================================================
column         meaning
=============  ======================================================================
``measure``    the flag, or the category value
``n``          rows in the cell with a value (the denominator)
``count``      rows with the flag set, or with this category value
``share``      ``count / n`` in percent (NaN when suppressed)
``ci_low``     lower end of the 95% Wilson interval, in percent
``ci_high``    upper end of the 95% Wilson interval, in percent
``suppressed`` True when ``n`` is under ``min_n``
``note``       why a value is missing; empty when there is nothing to say
=============  ======================================================================
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from cxlab.stats.summary import MIN_N, top_box

__all__ = ["SHARE_COLUMNS", "flag_shares", "category_shares", "share_difference"]

#: The columns of a share table after the ``by`` columns.
SHARE_COLUMNS = ["measure", "n", "count", "share", "ci_low", "ci_high", "suppressed", "note"]


def flag_shares(data: pd.DataFrame, *, flags: Sequence[str], by: Sequence[str] = (),
                min_n: int = MIN_N) -> pd.DataFrame:
    """Share of rows with each 0/1 flag set, per cell, with a 95% Wilson interval.

    Parameters
    ----------
    data : DataFrame
        Rows with 0/1 columns (missing values are left out of ``n``).
    flags : list of str
        The 0/1 columns.
    by : list of str
        Columns that define a cell.
    min_n : int
        Cells with fewer rows are suppressed.

    Returns
    -------
    DataFrame
        A share table (see the module notes), flags in the order given, cells in sorted order.

    Examples
    --------
    >>> rows = pd.DataFrame({"office": ["A"] * 10 + ["B"] * 4, "easy": [1] * 7 + [0] * 3 + [1, 0, 0, 0]})
    >>> table = flag_shares(rows, flags=["easy"], by=["office"])
    >>> table[["office", "measure", "n", "count", "share", "ci_low", "ci_high"]].round(1)
      office measure   n  count  share  ci_low  ci_high
    0      A    easy  10      7   70.0    39.7     89.2
    1      B    easy   4      1    NaN     NaN      NaN
    >>> table["note"].iloc[1]
    'suppressed: n = 4, fewer than the minimum of 10'
    """
    by = list(by)
    parts = []
    for flag in flags:
        shares = top_box(data, value=flag, by=by, scale=(0, 1), boxes=1, min_n=min_n)
        counts = data.groupby(by, sort=True, dropna=False, observed=False)[flag].sum() if by else pd.Series([data[flag].sum()])
        shares["count"] = counts.to_numpy().astype(int)
        parts.append(shares.assign(measure=flag))
    table = pd.concat(parts, ignore_index=True)
    return table[by + SHARE_COLUMNS]


def category_shares(data: pd.DataFrame, *, column: str, by: Sequence[str] = (), categories: Sequence | None = None,
                    min_n: int = MIN_N) -> pd.DataFrame:
    """Share of each value of a category column among the rows of each cell, with Wilson intervals.

    Rows where ``column`` is missing are left out (they are not in ``n``).

    Parameters
    ----------
    data : DataFrame
        Rows with a category column.
    column : str
        The category column (its values become ``measure``).
    by : list of str
        Columns that define a cell.
    categories : list, optional
        The values, in order (by default the sorted values present).
    min_n : int
        Cells with fewer rows are suppressed.

    Returns
    -------
    DataFrame
        A share table (see the module notes) with ``measure`` the category value.

    Examples
    --------
    >>> tone = pd.DataFrame({"tone": ["negative"] * 6 + ["neutral"] * 1 + ["positive"] * 3 + [None]})
    >>> category_shares(tone, column="tone")[["measure", "n", "count", "share"]]
        measure   n  count  share
    0  negative  10      6   60.0
    1   neutral  10      1   10.0
    2  positive  10      3   30.0
    """
    rows = data[data[column].notna()]
    values = list(categories) if categories is not None else sorted(rows[column].unique())
    flags = pd.DataFrame({f"_{i}": (rows[column] == v).astype(int) for i, v in enumerate(values)}, index=rows.index)
    table = flag_shares(pd.concat([rows[list(by)], flags], axis=1), flags=list(flags), by=by, min_n=min_n)
    return table.assign(measure=table["measure"].map(dict(zip(flags, values))))


def share_difference(count: int, n: int, count_other: int, n_other: int) -> dict[str, float]:
    """The difference of two independent shares, with a 95% Newcombe interval and Fisher's exact p.

    Parameters
    ----------
    count, n : int
        Rows with the outcome, and all rows, of the first group.
    count_other, n_other : int
        The same for the second group.

    Returns
    -------
    dict
        ``share`` and ``share_other`` (percent), ``diff`` (percentage points, first minus
        second), ``ci_low`` and ``ci_high`` (Newcombe's hybrid score interval, from the two Wilson
        intervals) and ``p_value`` (two-sided Fisher's exact test).

    Examples
    --------
    >>> {k: round(v, 3) for k, v in share_difference(12, 20, 2, 20).items()}
    {'share': 60.0, 'share_other': 10.0, 'diff': 50.0, 'ci_low': 20.681, 'ci_high': 69.502, 'p_value': 0.002}
    """
    low, high = confint_proportions_2indep(count, n, count_other, n_other, method="newcomb", compare="diff")
    p_value = stats.fisher_exact([[count, n - count], [count_other, n_other - count_other]]).pvalue
    share, share_other = 100 * count / n, 100 * count_other / n_other
    return {"share": share, "share_other": share_other, "diff": share - share_other, "ci_low": 100 * float(low),
            "ci_high": 100 * float(high), "p_value": float(p_value)}
