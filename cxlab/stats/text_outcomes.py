"""Themes counted: their shares with Wilson intervals, by any cell, and against an outcome.

Both functions take the output of :func:`cxlab.stats.text_themes.themes` joined to the columns they
group or test by. A theme with fewer than ``min_n`` comments in all is a *small theme*: its
shares, label and tests are suppressed (privacy and precision, as for small cells), and it says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxlab.stats.compare import adjust_fdr
from cxlab.stats.shares import category_shares, share_difference
from cxlab.stats.summary import MIN_N

__all__ = ["SMALL_THEME", "OUTCOME_COLUMNS", "theme_shares", "theme_outcomes"]

#: The label and note of a small theme.
SMALL_THEME = "small theme"
#: The columns of :func:`theme_outcomes`.
OUTCOME_COLUMNS = ["theme", "theme_label", "outcome", "n", "count", "share", "n_other", "count_other",
                   "share_other", "diff", "ci_low", "ci_high", "p_value", "p_adjusted", "significant",
                   "suppressed", "note"]


def _sizes(assigned: pd.DataFrame) -> pd.Series:
    return assigned["theme"].dropna().astype(int).value_counts()


def _labels(assigned: pd.DataFrame, min_n: int) -> dict[int, str]:
    """Each theme's label, or :data:`SMALL_THEME` for a theme with fewer than ``min_n`` comments."""
    sizes = _sizes(assigned)
    named = assigned.dropna(subset=["theme"]).drop_duplicates("theme")
    return {int(t): (label if sizes[int(t)] >= min_n else SMALL_THEME)
            for t, label in zip(named["theme"], named["theme_label"])}


def theme_shares(assigned: pd.DataFrame, *, by: Sequence[str] = (), min_n: int = MIN_N) -> pd.DataFrame:
    """Share of comments in each theme, per cell, with 95% Wilson intervals; small themes suppressed.

    Parameters
    ----------
    assigned : DataFrame
        :func:`cxlab.stats.text_themes.themes` output (``theme``, ``theme_label``) with the ``by``
        columns; rows without a theme are left out.
    by : list of str
        Columns that define a cell (``period``, ``product`` ...).
    min_n : int
        Cells with fewer comments, and themes with fewer comments in all, are suppressed.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``theme``, ``theme_label``, then the share table columns of
        :mod:`cxlab.stats.shares` after ``measure`` (``n`` comments in the cell, ``count`` in the theme,
        ``share`` ...).

    Examples
    --------
    >>> assigned = pd.DataFrame({"theme": [1] * 12 + [2] * 6 + [3] * 2,
    ...                          "theme_label": ["fees"] * 12 + ["login"] * 6 + ["mail"] * 2})
    >>> table = theme_shares(assigned, min_n=5)
    >>> table[["theme", "theme_label", "n", "count", "share", "ci_low", "ci_high"]].round(1)
       theme  theme_label   n  count  share  ci_low  ci_high
    0      1         fees  20     12   60.0    38.7     78.1
    1      2        login  20      6   30.0    14.5     51.9
    2      3  small theme  20      2    NaN     NaN      NaN
    """
    themed = assigned.dropna(subset=["theme"]).astype({"theme": int})
    table = category_shares(themed, column="theme", by=by, categories=sorted(_sizes(themed).index), min_n=min_n)
    labels = _labels(themed, min_n)
    table = table.rename(columns={"measure": "theme"})
    table.insert(len(by) + 1, "theme_label", table["theme"].map(labels))
    small = (table["theme_label"] == SMALL_THEME).to_numpy()
    table.loc[small, ["share", "ci_low", "ci_high"]] = np.nan
    table.loc[small, "suppressed"] = True
    table.loc[small, "note"] = f"{SMALL_THEME}: fewer than {min_n} comments in all, not shown"
    return table


def theme_outcomes(assigned: pd.DataFrame, *, outcome: str, min_n: int = MIN_N) -> pd.DataFrame:
    """For each theme, how often an outcome follows, against all other comments; FDR over themes.

    The share with the outcome among a theme's comments is compared with the share among the
    comments of every other theme (:func:`cxlab.stats.shares.share_difference`): a difference in
    percentage points with a 95% Newcombe (hybrid score) interval, and Fisher's exact test, the
    p-values adjusted with
    Benjamini-Hochberg over the themes tested (:func:`cxlab.stats.compare.adjust_fdr`). A difference
    is an association, not an effect of the theme.

    Parameters
    ----------
    assigned : DataFrame
        :func:`cxlab.stats.text_themes.themes` output with the ``outcome`` column.
    outcome : str
        A 0/1 column (1 = the outcome happened); missing where it does not apply (left out).
    min_n : int
        Themes with fewer comments in all are small and not tested; a comparison where either
        side has fewer than ``min_n`` comments with a known outcome is suppressed.

    Returns
    -------
    DataFrame
        One row per theme with the columns of :data:`OUTCOME_COLUMNS`; ``share`` and
        ``share_other`` in percent, ``diff`` and its interval in percentage points.

    Examples
    --------
    >>> assigned = pd.DataFrame({"theme": [1] * 20 + [2] * 20, "theme_label": ["fees"] * 20 + ["login"] * 20,
    ...                          "relief": [1] * 12 + [0] * 8 + [1] * 2 + [0] * 18})
    >>> table = theme_outcomes(assigned, outcome="relief")
    >>> table[["theme", "share", "share_other", "diff", "ci_low", "ci_high", "p_value"]].round(3)
       theme  share  share_other  diff  ci_low  ci_high  p_value
    0      1   60.0         10.0  50.0  20.681   69.502    0.002
    1      2   10.0         60.0 -50.0 -69.502  -20.681    0.002
    """
    known = assigned.dropna(subset=["theme", outcome]).astype({"theme": int})
    labels = _labels(assigned, min_n)
    rows = []
    for theme in sorted(labels):
        inside = known["theme"] == theme
        n, count = int(inside.sum()), int(known.loc[inside, outcome].sum())
        n_other, count_other = int((~inside).sum()), int(known.loc[~inside, outcome].sum())
        row = {"theme": theme, "theme_label": labels[theme], "outcome": outcome, "n": n, "count": count,
               "share": np.nan, "n_other": n_other, "count_other": count_other, "share_other": np.nan,
               "diff": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan, "suppressed": True}
        if labels[theme] == SMALL_THEME:
            row["note"] = f"{SMALL_THEME}: fewer than {min_n} comments in all, not shown"
        elif min(n, n_other) < min_n:
            row["note"] = f"suppressed: {min(n, n_other)} comments with a known outcome, fewer than the minimum of {min_n}"
        else:
            row.update(share_difference(count, n, count_other, n_other), suppressed=False, note="")
        rows.append(row)
    table = adjust_fdr(pd.DataFrame(rows, columns=[c for c in OUTCOME_COLUMNS if c not in {"p_adjusted", "significant"}]))
    return table[OUTCOME_COLUMNS]
