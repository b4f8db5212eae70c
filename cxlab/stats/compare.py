"""Comparisons: gaps with intervals, change of a gap, trends, group tests, multiplicity.

Gaps and changes of gaps are computed from summary tables (see :mod:`cxlab.stats.summary`): the
sufficient statistics ``n_eff``, ``mean``, ``sd`` and ``se`` of each cell. The whole table is
handled at once with numpy, so one call compares thousands of cells. Tests that need the
respondents (Welch ANOVA, Games-Howell, Mann-Whitney) take respondent rows and call pingouin.

Every function returns cxlab's own columns (documented in each function), never a dependency's,
and a ``note`` column that says why a value is missing: a suppressed cell, a published point
without a standard error, too few points for a trend.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats

from cxlab.stats.summary import MIN_N

__all__ = [
    "GAP_COLUMNS",
    "MIN_DIFFERENCE",
    "adjust_fdr",
    "judge_differences",
    "within_strata",
    "gap_change",
    "gaps",
    "games_howell",
    "mann_whitney",
    "trend",
    "welch_anova",
]

MIN_DIFFERENCE = 1.0
"""The smallest difference on 0-100 that counts as a change (or as above / below): 1 point.

With hundreds of thousands of answers every 0.3-point move is statistically significant, yet
no policy reader would act on it. A difference is called a rise or a fall, above or below, only
when it passes the false discovery rate *and* is at least this large (:func:`judge_differences`).
"""

GAP_COLUMNS = ["group_a", "group_b", "n_a", "n_b", "mean_a", "mean_b", "diff", "se", "df",
               "ci_low", "ci_high", "t", "p_value", "hedges_g", "has_interval", "suppressed",
               "note"]
"""The columns of a gap table after the cell keys."""

_CHANGE_COLUMNS = ["start", "end", "diff_start", "diff_end", "change", "se", "df", "ci_low",
                   "ci_high", "t", "p_value", "has_interval", "note"]
_TREND_COLUMNS = ["n_points", "first_time", "last_time", "slope", "slope_se", "slope_ci_low",
                  "slope_ci_high", "p_value", "theil_sen_slope", "theil_sen_low",
                  "theil_sen_high", "trend_estimated", "note"]
_ANOVA_COLUMNS = ["n", "k_groups", "df_between", "df_within", "f", "p_value", "eta_squared",
                  "note"]
_GH_COLUMNS = ["group_a", "group_b", "mean_a", "mean_b", "diff", "se", "t", "df", "p_value",
               "hedges_g", "note"]
_MWU_COLUMNS = ["group_a", "group_b", "n_a", "n_b", "median_a", "median_b", "u", "p_value",
                "rank_biserial", "cles", "note"]

try:  # pandas >= 3 warns about pandas 4 changes; pingouin 0.7 still triggers some of them
    from pandas.errors import Pandas4Warning as _PANDAS4_WARNING
except ImportError:  # pragma: no cover - older pandas
    _PANDAS4_WARNING = None


@contextmanager
def _quiet_pingouin() -> Iterator[None]:
    """Silence only pandas' ``Pandas4Warning`` raised from inside pingouin's own code."""
    with warnings.catch_warnings():
        if _PANDAS4_WARNING is not None:
            warnings.filterwarnings("ignore", category=_PANDAS4_WARNING, module="pingouin")
        yield


def gaps(
    summary: pd.DataFrame,
    *,
    versus: str,
    reference: object = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Gap between groups in every cell: difference, Welch interval, p-value and Hedges' g.

    The cells are the key columns of the summary table (the columns before ``n``) other than
    ``versus``. With ``reference`` each other level of ``versus`` is compared with it
    (``diff = mean of group_a - mean of reference``); without, every pair of levels is, the
    lower level (in sort order) as ``group_a``.

    The standard error of the difference is ``sqrt(se_a^2 + se_b^2)`` with Welch-Satterthwaite
    degrees of freedom from ``n_eff``; for unweighted cells this is Welch's t-test exactly.
    Hedges' g uses the pooled standard deviation and the small-sample factor
    ``1 - 3 / (4 (n_a + n_b) - 9)``.

    Parameters
    ----------
    summary : DataFrame
        A summary table from :func:`cxlab.summarize` (or its siblings).
    versus : str
        Key column whose levels are compared (entity, district, sector, period ...).
    reference : optional
        The level every other level is compared with; all pairs when omitted. It is read as a
        value of ``versus``'s own type (``5001`` and ``"5001"`` name the same level); a reference
        that is no level at all, or cannot be one, is an error that lists the levels. A cell
        without the reference gets a row whose note says so.
    confidence : float
        Level of the interval.

    Returns
    -------
    DataFrame
        The cell keys, then :data:`GAP_COLUMNS`: ``group_a``, ``group_b``, their ``n`` and
        ``mean`` (0-100), ``diff`` (a - b), ``se``, ``df``, ``ci_low``, ``ci_high``, ``t``,
        ``p_value`` (two-sided), ``hedges_g``, ``has_interval``, ``suppressed`` (a side was
        suppressed) and ``note``.

    Examples
    --------
    >>> from cxlab.stats.summary import summarize
    >>> df = pd.DataFrame({"channel": ["web"] * 12 + ["phone"] * 12,
    ...                    "q": [5, 4, 4, 5, 3, 4, 5, 5, 4, 4, 3, 5,
    ...                          3, 2, 4, 3, 3, 2, 4, 3, 1, 3, 4, 2]})
    >>> g = gaps(summarize(df, value="q", by=["channel"]), versus="channel", reference="phone")
    >>> g[["group_a", "group_b", "diff", "ci_low", "ci_high", "p_value", "hedges_g"]].round(3)
      group_a group_b    diff  ci_low  ci_high  p_value  hedges_g
    0     web   phone  35.417  17.365   53.469    0.001     1.608

    A reference of another type is read as the column's own:

    >>> codes = summarize(df.assign(channel=df["channel"].map({"web": 5001, "phone": 5002})), value="q",
    ...                   by=["channel"])
    >>> gaps(codes, versus="channel", reference="5002")[["group_a", "group_b", "diff"]].round(3)
       group_a  group_b    diff
    0     5001     5002  35.417
    >>> gaps(codes, versus="channel", reference=5003)
    Traceback (most recent call last):
    ...
    ValueError: reference 5003 is not a level of 'channel'; its levels: 5001, 5002
    """
    if reference is not None:
        reference = _level(summary[versus], reference, name=versus)
    keys = [c for c in _keys(summary) if c != versus]
    a, b = _pairs(summary, keys=keys, versus=versus, reference=reference)
    va, vb = (np.square(_num(s, "se")) for s in (a, b))
    na, nb = _num(a, "n_eff"), _num(b, "n_eff")
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.square(va + vb) / (np.square(va) / (na - 1) + np.square(vb) / (nb - 1))
        pooled = np.sqrt(((na - 1) * np.square(_num(a, "sd")) + (nb - 1) * np.square(_num(b, "sd")))
                         / (na + nb - 2))
        diff = _num(a, "mean") - _num(b, "mean")
        hedges = diff / pooled * (1 - 3 / (4 * (na + nb) - 9))
    note = _gap_notes(a, b, reference=reference)
    out = a[keys].assign(
        group_a=a[versus].to_numpy(), group_b=b[versus].to_numpy(), n_a=a["n"].array,
        n_b=b["n"].array, mean_a=_num(a, "mean"), mean_b=_num(b, "mean"), diff=diff,
        hedges_g=np.where(note == "", hedges, np.nan),
        suppressed=a["suppressed"].eq(True).to_numpy() | b["suppressed"].eq(True).to_numpy())
    interval = _t_interval(diff, np.sqrt(va + vb), df, ok=note == "", confidence=confidence)
    return pd.concat([out, interval.assign(note=note)], axis=1)[keys + GAP_COLUMNS]


def gap_change(
    gap_table: pd.DataFrame,
    *,
    start: object,
    end: object,
    period: str = "period",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Change of each gap between two periods, with its interval.

    ``change = diff(end) - diff(start)``. The two periods are independent samples, so
    ``se = sqrt(se_start^2 + se_end^2)`` with Satterthwaite degrees of freedom.

    Parameters
    ----------
    gap_table : DataFrame
        A table from :func:`gaps` whose keys include ``period``.
    start, end : object
        The two values of ``period`` to compare.
    period : str
        The period column.
    confidence : float
        Level of the interval.

    Returns
    -------
    DataFrame
        The other keys with ``group_a`` and ``group_b``, then ``start, end, diff_start,
        diff_end, change, se, df, ci_low, ci_high, t, p_value, has_interval, note``.

    Examples
    --------
    >>> g = pd.DataFrame({"period": ["2021", "2023"], "group_a": "federal",
    ...                   "group_b": "private", "diff": [-10.0, -6.0], "se": [1.5, 2.0],
    ...                   "df": [400.0, 300.0], "has_interval": True, "note": ""})
    >>> c = gap_change(g, start="2021", end="2023")
    >>> c[["change", "se", "ci_low", "ci_high"]].round(2)
       change   se  ci_low  ci_high
    0     4.0  2.5   -0.91     8.91
    """
    keys = [c for c in gap_table.columns[: list(gap_table.columns).index("group_b") + 1]
            if c != period]
    wanted = ["diff", "se", "df", "has_interval", "note"]
    pair = pd.merge(gap_table.loc[gap_table[period] == start, keys + wanted],
                    gap_table.loc[gap_table[period] == end, keys + wanted],
                    on=keys, how="outer", suffixes=("_start", "_end"), sort=True)
    v1, v2 = np.square(_num(pair, "se_start")), np.square(_num(pair, "se_end"))
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.square(v1 + v2) / (np.square(v1) / _num(pair, "df_start")
                                   + np.square(v2) / _num(pair, "df_end"))
    change = _num(pair, "diff_end") - _num(pair, "diff_start")
    notes = np.select(
        [pair["note_start"].isna(), pair["note_end"].isna(),
         pair["note_start"].fillna("").ne(""), pair["note_end"].fillna("").ne("")],
        [f"no gap in {start}", f"no gap in {end}",
         f"{start}: " + pair["note_start"].fillna("").astype(str),
         f"{end}: " + pair["note_end"].fillna("").astype(str)],
        default="").astype(object)
    out = pair[keys].assign(start=start, end=end, diff_start=_num(pair, "diff_start"),
                            diff_end=_num(pair, "diff_end"), change=change)
    interval = _t_interval(change, np.sqrt(v1 + v2), df, ok=notes == "", confidence=confidence)
    return pd.concat([out, interval.assign(note=notes)], axis=1)[keys + _CHANGE_COLUMNS]


def trend(
    data: pd.DataFrame,
    *,
    value: str = "diff",
    time: str = "time",
    by: Sequence[str] = (),
    min_points: int = 5,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Trend of a score or gap series: OLS slope with interval, and the Theil-Sen slope.

    Below ``min_points`` points no trend is claimed: the slopes are NaN and the note says why.
    The OLS interval reflects the scatter of the points around the line, not the sampling error
    of each point. Theil-Sen (median of pairwise slopes) resists a single odd point.

    Parameters
    ----------
    data : DataFrame
        One row per point of each series (missing values are left out).
    value : str
        The column to trend (``diff`` of a gap table, ``mean`` of a summary table, ...).
    time : str
        A numeric time column (decimal years, say). For a gap series, put ``time`` among the
        summary's ``by`` columns (beside ``period``) and it is carried into the gap table.
    by : list of str
        Columns that identify a series.
    min_points : int
        The fewest points with which a trend is estimated.
    confidence : float
        Level of both intervals.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``n_points, first_time, last_time, slope, slope_se,
        slope_ci_low, slope_ci_high, p_value, theil_sen_slope, theil_sen_low, theil_sen_high,
        trend_estimated, note``; slopes are per unit of ``time``.

    Examples
    --------
    >>> s = pd.DataFrame({"time": [2019, 2020, 2021, 2022, 2023, 2024],
    ...                   "diff": [-9.0, -8.5, -8.8, -7.0, -6.1, -6.4]})
    >>> t = trend(s)
    >>> t[["n_points", "slope", "slope_ci_low", "slope_ci_high", "theil_sen_slope"]].round(2)
       n_points  slope  slope_ci_low  slope_ci_high  theil_sen_slope
    0         6   0.63          0.24           1.01             0.67
    >>> print(trend(s.head(3))["note"].iloc[0])
    3 points: fewer than 5, no trend claimed
    """
    if not pd.api.types.is_numeric_dtype(data[time]):
        raise TypeError(f"time column {time!r} must be numeric (decimal years, say)")
    rows = [{**key, **_one_trend(series[time].to_numpy(float), series[value].to_numpy(float),
                                 min_points=min_points, confidence=confidence)}
            for key, series in _groups(data, by)]
    return pd.DataFrame(rows, columns=list(by) + _TREND_COLUMNS)


def welch_anova(
    data: pd.DataFrame,
    *,
    value: str,
    between: str,
    by: Sequence[str] = (),
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Welch's ANOVA of ``value`` across the levels of ``between`` (unequal variances).

    Groups with fewer than ``min_n`` answers are left out (privacy) and named in the note.

    Parameters
    ----------
    data : DataFrame
        Respondent rows.
    value : str
        The score (rescale first with :func:`cxlab.rescale` to report on 0-100).
    between : str
        The grouping column.
    by : list of str
        One test per cell of these columns.
    min_n : int
        Smallest group size taken into the test.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``n, k_groups, df_between, df_within, f, p_value,
        eta_squared, note``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"district": np.repeat(["a", "b", "c"], 30),
    ...                    "q": np.r_[rng.normal(60, 10, 30), rng.normal(70, 20, 30),
    ...                               rng.normal(62, 5, 30)]})
    >>> welch_anova(df, value="q", between="district")[["k_groups", "f", "p_value"]].round(4)
       k_groups       f  p_value
    0         3  3.7189   0.0317
    """
    rows = []
    for key, cell in _groups(data, by):
        kept, note = _usable_groups(cell, value=value, between=between, min_n=min_n)
        row = dict(key, n=len(kept), k_groups=kept[between].nunique(), note=note)
        if not note:
            with _quiet_pingouin():
                res = pg.welch_anova(data=kept, dv=value, between=between).iloc[0]
            row.update(df_between=res["ddof1"], df_within=res["ddof2"], f=res["F"],
                       p_value=res["p_unc"], eta_squared=res["np2"])
        rows.append(row)
    return pd.DataFrame(rows, columns=list(by) + _ANOVA_COLUMNS)


def games_howell(
    data: pd.DataFrame,
    *,
    value: str,
    between: str,
    by: Sequence[str] = (),
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Games-Howell pairwise comparisons (unequal variances, adjusted for all pairs).

    Groups with fewer than ``min_n`` answers are left out (privacy). ``p_value`` is already
    adjusted for the family of pairs (studentized range), so it needs no further correction.

    Parameters
    ----------
    data : DataFrame
        Respondent rows.
    value : str
        The score.
    between : str
        The grouping column.
    by : list of str
        One family of comparisons per cell of these columns.
    min_n : int
        Smallest group size taken into the comparisons.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``group_a, group_b, mean_a, mean_b, diff, se, t, df, p_value,
        hedges_g, note`` (``diff = mean_a - mean_b``); a cell with too few groups gives one
        row with a note.

    Examples
    --------
    >>> df = pd.DataFrame({"district": np.repeat(["a", "b", "c"], 10),
    ...                    "q": np.r_[np.arange(10), np.arange(10) + 5, np.arange(10)]})
    >>> games_howell(df, value="q", between="district")[["group_a", "group_b", "diff",
    ...                                                 "p_value"]].round(3)
      group_a group_b  diff  p_value
    0       a       b  -5.0    0.005
    1       a       c   0.0    1.000
    2       b       c   5.0    0.005
    """
    names = {"A": "group_a", "B": "group_b", "mean_A": "mean_a", "mean_B": "mean_b",
             "T": "t", "pval": "p_value", "hedges": "hedges_g"}
    tables = []
    for key, cell in _groups(data, by):
        kept, note = _usable_groups(cell, value=value, between=between, min_n=min_n)
        table = pd.DataFrame({"note": [note]})
        if not note:
            with _quiet_pingouin():
                table = pg.pairwise_gameshowell(data=kept, dv=value, between=between)
            table = table.rename(columns=names).assign(note="")
        tables.append(table.assign(**key))
    return pd.concat(tables, ignore_index=True).reindex(columns=list(by) + _GH_COLUMNS)


def mann_whitney(
    data: pd.DataFrame,
    *,
    value: str,
    between: str,
    groups: tuple[object, object],
    by: Sequence[str] = (),
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Mann-Whitney U test of an ordinal item between two groups.

    Parameters
    ----------
    data : DataFrame
        Respondent rows.
    value : str
        The ordinal item.
    between : str
        The grouping column.
    groups : tuple
        The two levels of ``between`` to compare (a, b).
    by : list of str
        One test per cell of these columns.
    min_n : int
        Both groups need at least this many answers, else the row is suppressed.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``group_a, group_b, n_a, n_b, median_a, median_b, u
        (of group a), p_value (two-sided), rank_biserial (positive when a tends to be higher),
        cles (probability that a random a exceeds a random b), note``.

    Examples
    --------
    >>> df = pd.DataFrame({"sector": ["gov"] * 10 + ["private"] * 10,
    ...                    "q": [3, 4, 2, 3, 3, 4, 5, 2, 3, 3, 4, 5, 4, 4, 5, 3, 5, 4, 4, 5]})
    >>> r = mann_whitney(df, value="q", between="sector", groups=("gov", "private"))
    >>> r[["n_a", "n_b", "u", "p_value", "rank_biserial"]].round(3)
       n_a  n_b     u  p_value  rank_biserial
    0   10   10  17.5    0.011          -0.65
    """
    group_a, group_b = groups
    rows = []
    for key, cell in _groups(data, by):
        x = pd.to_numeric(cell.loc[cell[between] == group_a, value]).dropna().to_numpy(float)
        y = pd.to_numeric(cell.loc[cell[between] == group_b, value]).dropna().to_numpy(float)
        row = dict(key, group_a=group_a, group_b=group_b, n_a=len(x), n_b=len(y))
        small = min(len(x), len(y))
        row["note"] = (f"suppressed: a group has {small} answers, fewer than the minimum of {min_n}"
                       if small < max(min_n, 1) else "")
        if not row["note"]:
            with _quiet_pingouin():
                res = pg.mwu(x, y, alternative="two-sided").iloc[0]
            row.update(median_a=np.median(x), median_b=np.median(y), u=res["U_val"],
                       p_value=res["p_val"], rank_biserial=res["RBC"], cles=res["CLES"])
        rows.append(row)
    return pd.DataFrame(rows, columns=list(by) + _MWU_COLUMNS)


def adjust_fdr(
    data: pd.DataFrame,
    *,
    p: str = "p_value",
    by: Sequence[str] = (),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Benjamini-Hochberg false discovery rate over many comparisons.

    Missing p-values (suppressed cells, gaps without interval) are not counted as tests.

    Parameters
    ----------
    data : DataFrame
        Any table with a p-value column (a gap table, say).
    p : str
        The p-value column.
    by : list of str
        Adjust within each family defined by these columns (all rows are one family by
        default).
    alpha : float
        The false discovery rate to control.

    Returns
    -------
    DataFrame
        A copy of ``data`` with ``p_adjusted`` (Benjamini-Hochberg) and ``significant``
        (``p_adjusted <= alpha``; False where there is no p-value).

    Examples
    --------
    >>> t = pd.DataFrame({"p_value": [0.01, 0.04, 0.03, 0.20, None]})
    >>> adjust_fdr(t)
       p_value  p_adjusted  significant
    0     0.01    0.040000         True
    1     0.04    0.053333        False
    2     0.03    0.053333        False
    3     0.20    0.200000        False
    4      NaN         NaN        False
    """
    pvals = _num(data, p)
    family = (data.groupby(list(by), sort=False, dropna=False).ngroup().to_numpy() if by
              else np.zeros(len(data), int))
    adjusted = np.full(len(data), np.nan)
    for member in np.unique(family[~np.isnan(pvals)]):
        rows = (family == member) & ~np.isnan(pvals)
        adjusted[rows] = stats.false_discovery_control(pvals[rows], method="bh")
    return data.assign(p_adjusted=adjusted, significant=adjusted <= alpha)


def within_strata(
    gap_table: pd.DataFrame,
    *,
    strata: str,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Combine gaps measured within strata into one gap per cell, each stratum weighted by its size.

    When the make-up of a group changes between two periods (a service whose phone survey
    shrank while its e-mail survey grew), the gap of the pooled means mixes the change within
    each part with the change of the mix. This gives the change within the parts instead: the
    strata's gaps averaged with fixed weights ``w = (n_a + n_b) / sum(n_a + n_b)``, with
    ``se = sqrt(sum w^2 se^2)`` and Satterthwaite degrees of freedom. Strata without an
    interval (a suppressed side, say) are left out and counted in ``strata_left_out``.

    Parameters
    ----------
    gap_table : DataFrame
        A table from :func:`gaps` whose keys include ``strata``.
    strata : str
        The key column that names the strata.
    confidence : float
        Level of the interval.

    Returns
    -------
    DataFrame
        The other keys, then :data:`GAP_COLUMNS` (``n_a`` and ``n_b`` summed over the strata
        used, ``mean_a`` and ``mean_b`` their weighted means, ``hedges_g`` NaN), and
        ``strata_used`` and ``strata_left_out``.

    Examples
    --------
    >>> g = pd.DataFrame({"survey": ["phone", "email"], "group_a": "Q2", "group_b": "Q1",
    ...                   "n_a": [7228, 10330], "n_b": [9527, 330], "mean_a": [87.5, 53.4], "mean_b": [90.5, 44.2],
    ...                   "diff": [-3.0, 9.2], "se": [0.3, 1.5], "df": [1e4, 400.0], "has_interval": True,
    ...                   "note": ""})
    >>> within_strata(g, strata="survey")[["diff", "se", "strata_used"]].round(2)
       diff    se  strata_used
    0  1.74  0.61            2
    """
    keys = [c for c in gap_table.columns[: list(gap_table.columns).index("group_a")] if c != strata]
    keys += ["group_a", "group_b"]
    rows = []
    for key, part in gap_table.groupby(keys, sort=False, dropna=False):
        used = part[part["has_interval"].astype(bool)]
        size = _num(used, "n_a") + _num(used, "n_b")
        w = size / size.sum() if len(used) else size
        var = np.square(w * _num(used, "se"))
        with np.errstate(invalid="ignore", divide="ignore"):
            df = var.sum() ** 2 / (np.square(var) / _num(used, "df")).sum()
        diff = float((w * _num(used, "diff")).sum())
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,)))
        row.update(n_a=int(_num(used, "n_a").sum()), n_b=int(_num(used, "n_b").sum()),
                   mean_a=float((w * _num(used, "mean_a")).sum()), mean_b=float((w * _num(used, "mean_b")).sum()),
                   diff=diff if len(used) else np.nan, hedges_g=np.nan, suppressed=False,
                   strata_used=len(used), strata_left_out=len(part) - len(used),
                   note="" if len(used) else "no stratum has an interval in both groups",
                   _se=float(np.sqrt(var.sum())), _df=float(df))
        rows.append(row)
    table = pd.DataFrame(rows)
    interval = _t_interval(table["diff"].to_numpy(float), table.pop("_se").to_numpy(float),
                           table.pop("_df").to_numpy(float), ok=table["strata_used"].to_numpy() > 0,
                           confidence=confidence)
    out = pd.concat([table, interval], axis=1)
    return out[[k for k in keys if k not in ("group_a", "group_b")] + GAP_COLUMNS + ["strata_used", "strata_left_out"]]


def judge_differences(
    data: pd.DataFrame,
    *,
    min_difference: float = MIN_DIFFERENCE,
    diff: str = "diff",
) -> pd.DataFrame:
    """Say which differences matter: significant after FDR *and* at least ``min_difference``.

    Parameters
    ----------
    data : DataFrame
        A table from :func:`adjust_fdr` (it has ``significant``) with a difference column.
    min_difference : float
        The smallest difference (in points on 0-100) that counts; 1 point by default.
    diff : str
        The difference column.

    Returns
    -------
    DataFrame
        A copy of ``data`` with ``meaningful`` (True where the difference counts) and
        ``verdict``: ``"higher"`` or ``"lower"`` (it counts), ``"small"`` (significant but
        smaller than ``min_difference``), ``"unclear"`` (not significant) or ``"untested"``
        (no p-value: a suppressed cell, a published point).

    Examples
    --------
    >>> t = adjust_fdr(pd.DataFrame({"diff": [2.4, -0.3, 0.8, 5.0],
    ...                              "p_value": [1e-9, 1e-9, 0.4, None]}))
    >>> judge_differences(t)[["diff", "meaningful", "verdict"]]
       diff  meaningful   verdict
    0   2.4        True    higher
    1  -0.3       False     small
    2   0.8       False   unclear
    3   5.0       False  untested
    """
    if min_difference < 0:
        raise ValueError(f"min_difference must be 0 or more, not {min_difference!r}")
    d = _num(data, diff)
    significant = data["significant"].fillna(False).to_numpy(bool)
    large = np.abs(d) >= min_difference
    verdict = np.select(
        [np.isnan(_num(data, "p_value")), ~significant, ~large, d > 0],
        ["untested", "unclear", "small", "higher"], default="lower").astype(object)
    return data.assign(meaningful=significant & large, verdict=verdict)


def _level(column: pd.Series, value: object, *, name: str) -> object:
    """``value`` as a level of ``column``, read as the column's own type; ValueError listing the levels if it is none.

    Examples
    --------
    >>> _level(pd.Series(["5001", "5002"]), 5001, name="entity"), _level(pd.Series([1.0, 2.0]), "2", name="g")
    ('5001', 2.0)
    >>> _level(pd.Series([1, 2]), "north", name="g")
    Traceback (most recent call last):
    ...
    ValueError: reference 'north' is not a level of 'g' and cannot be one: 'g' holds numbers; its levels: 1, 2
    """
    levels = pd.unique(column.dropna())
    if len(levels) == 0 or value in set(levels):
        return value
    listed = ", ".join(map(str, sorted(levels, key=str)[:20])) + (", ..." if len(levels) > 20 else "")
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
        if pd.isna(number):
            raise ValueError(f"reference {value!r} is not a level of {name!r} and cannot be one: {name!r} holds numbers;"
                             f" its levels: {listed}")
        found = [level for level in levels if level == number]
    else:
        found = [level for level in levels if level == str(value)]
    if not found:
        raise ValueError(f"reference {value!r} is not a level of {name!r}; its levels: {listed}")
    return found[0].item() if hasattr(found[0], "item") else found[0]


def _keys(table: pd.DataFrame) -> list[str]:
    """Key columns of a summary table: those before ``n``."""
    return list(table.columns[: list(table.columns).index("n")])


def _num(table: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(table[column]).to_numpy(dtype=float, na_value=np.nan)


def _pairs(summary: pd.DataFrame, *, keys: list[str], versus: str, reference: object
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Row-aligned sides a and b of every comparison (b all-NaN where the reference is absent)."""
    table = summary.assign(_cell=0, _order=pd.factorize(summary[versus], sort=True)[0])
    on = keys + ["_cell"]
    if reference is None:
        merged = pd.merge(table, table, on=on, suffixes=("", "_b"))
        merged = merged[merged["_order"] < merged["_order_b"]]
    else:
        side_b = table[table[versus] == reference].drop(columns=versus)
        merged = pd.merge(table[table[versus] != reference], side_b, on=on, how="left",
                          suffixes=("", "_b")).assign(**{versus + "_b": reference})
    merged = merged.reset_index(drop=True)
    columns = [c for c in summary.columns if c not in keys]
    b = merged[keys + [c + "_b" for c in columns]].set_axis(keys + columns, axis=1)
    return merged[keys + columns], b


def _gap_notes(a: pd.DataFrame, b: pd.DataFrame, *, reference: object) -> np.ndarray:
    """Why a gap has no value or no interval; empty where it has both."""
    point = (a["basis"].eq("published point").to_numpy()
             | b["basis"].eq("published point").to_numpy())
    se_a, se_b = _num(a, "se"), _num(b, "se")
    return np.select(
        [b["basis"].isna().to_numpy(),
         a["suppressed"].eq(True).to_numpy() | b["suppressed"].eq(True).to_numpy(),
         np.isnan(_num(a, "mean")) | np.isnan(_num(b, "mean")),
         point,
         np.isnan(se_a) | np.isnan(se_b),
         (se_a == 0) & (se_b == 0)],
        [f"no {reference!s} row in this cell",
         "suppressed: a group has fewer answers than the minimum",
         "no answers in a group",
         "published points: difference without interval",
         "a group has one answer: difference without interval",
         "no variance in either group: no test"],
        default="").astype(object)


def _t_interval(estimate: np.ndarray, se: np.ndarray, df: np.ndarray, *, ok: np.ndarray,
                confidence: float) -> pd.DataFrame:
    """Standard error, t interval, t and two-sided p; blank where ``ok`` is False."""
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.5 + confidence / 2, df) * se
        t = estimate / se
        p = 2 * stats.t.sf(np.abs(t), df)
    blank = np.where(ok, 1.0, np.nan)
    return pd.DataFrame({"se": se * blank, "df": df * blank, "ci_low": (estimate - half) * blank,
                         "ci_high": (estimate + half) * blank, "t": t * blank,
                         "p_value": p * blank, "has_interval": np.asarray(ok, bool)})


def _groups(data: pd.DataFrame, by: Sequence[str]) -> Iterator[tuple[dict, pd.DataFrame]]:
    """({column: value}, rows) per cell of ``by``; the whole table as one cell without ``by``."""
    if not by:
        yield {}, data
        return
    for key, rows in data.groupby(list(by), observed=True, dropna=False, sort=True):
        yield dict(zip(by, key)), rows


def _usable_groups(cell: pd.DataFrame, *, value: str, between: str, min_n: int
                   ) -> tuple[pd.DataFrame, str]:
    """Rows of groups big enough to test, and a note when fewer than two remain or are flat."""
    rows = cell[[between, value]].dropna()
    rows = rows.assign(**{value: pd.to_numeric(rows[value]).astype(float)})
    size = rows.groupby(between, observed=True)[value].agg(["size", "var"])
    small = size.index[size["size"] < max(min_n, 2)].tolist()
    kept = rows[~rows[between].isin(small)]
    left_out = f"; left out (fewer than {max(min_n, 2)} answers): {small}" if small else ""
    if kept[between].nunique() < 2:
        return kept, f"fewer than 2 groups with enough answers{left_out}"
    flat = size.index[(size["var"] == 0) & ~size.index.isin(small)].tolist()
    if flat:
        return kept, f"zero variance in {flat}: the test is undefined{left_out}"
    return kept, left_out.lstrip("; ")


def _one_trend(x: np.ndarray, y: np.ndarray, *, min_points: int, confidence: float) -> dict:
    """OLS and Theil-Sen slopes of one series, or the reason there are none."""
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    row = {"n_points": len(x), "first_time": x.min() if len(x) else np.nan,
           "last_time": x.max() if len(x) else np.nan, "trend_estimated": False}
    if len(x) < max(min_points, 3):
        return {**row, "note": f"{len(x)} points: fewer than {min_points}, no trend claimed"}
    if np.ptp(x) == 0:
        return {**row, "note": "all points at the same time: no trend"}
    fit = stats.linregress(x, y)
    half = stats.t.ppf(0.5 + confidence / 2, len(x) - 2) * fit.stderr
    ts = stats.theilslopes(y, x, alpha=confidence)
    return {**row, "slope": fit.slope, "slope_se": fit.stderr, "slope_ci_low": fit.slope - half,
            "slope_ci_high": fit.slope + half, "p_value": fit.pvalue,
            "theil_sen_slope": ts.slope, "theil_sen_low": ts.low_slope,
            "theil_sen_high": ts.high_slope, "trend_estimated": True, "note": ""}
