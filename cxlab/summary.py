"""Summaries per cell (entity x period x measure): the hub every comparison is built from.

A *summary table* has one row per cell and these columns, always in this order:

==================  ===========================================================================
column              meaning
==================  ===========================================================================
*by columns*        the keys of the cell, as given in ``by``
``measure``         what was summarised (the value column, or the ``measure`` option)
``n``               number of valid answers (unweighted; ``<NA>`` for a published point)
``n_eff``           effective sample size: ``n`` unweighted, Kish's ``(sum w)^2 / sum w^2``
                    with weights
``mean_original``   mean on the item's original scale
``scale_min``       lowest point of the original scale
``scale_max``       highest point of the original scale
``mean``            mean on 0-100: ``(x - scale_min) / (scale_max - scale_min) * 100``
``sd``              standard deviation on 0-100
``se``              standard error of the mean on 0-100 (``sd / sqrt(n_eff)``)
``ci_low``          lower end of the confidence interval (t with ``n_eff - 1`` df), 0-100
``ci_high``         upper end of the confidence interval, 0-100
``basis``           ``respondents``, ``weighted respondents``, ``answer counts`` or
                    ``published point``
``has_interval``    True when the cell carries a standard error and an interval
``suppressed``      True when the cell has fewer than ``min_n`` answers: its values are NaN
``note``            why a value is missing or unusual; empty when there is nothing to say
==================  ===========================================================================

Three entry points fill it: :func:`summarize` from respondent rows (optionally weighted),
:func:`summarize_counts` from answer counts at each scale point (exact: the counts are the
whole answer distribution) and :func:`summarize_points` from published index points (no standard
error exists, so none is invented). :func:`top_box` and :func:`nps` give shares with intervals.

Weighted estimates use Kish's effective sample size. With weights ``w`` the mean is
``sum(w x) / sum(w)``; the variance is ``sum(w (x - mean)^2) / sum(w)`` times
``n_eff / (n_eff - 1)`` (so unit weights give the usual sample variance); the standard error is
``sd / sqrt(n_eff)`` with ``n_eff = (sum w)^2 / sum(w^2)``. This is the design-effect
approximation for unequal weights; it ignores clustering and stratification.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

__all__ = [
    "MIN_N",
    "SUMMARY_COLUMNS",
    "nps",
    "rescale",
    "summarize",
    "summarize_counts",
    "summarize_points",
    "top_box",
]

MIN_N = 10
"""Cells with fewer answers than this are suppressed (privacy) unless ``min_n`` says otherwise."""

SUMMARY_COLUMNS = [
    "measure",
    "n",
    "n_eff",
    "mean_original",
    "scale_min",
    "scale_max",
    "mean",
    "sd",
    "se",
    "ci_low",
    "ci_high",
    "basis",
    "has_interval",
    "suppressed",
    "note",
]
"""The columns of a summary table after the ``by`` columns."""

_SHARE_COLUMNS = ["measure", "n", "n_eff", "share", "ci_low", "ci_high", "basis", "suppressed",
                  "note"]
_NPS_COLUMNS = ["measure", "n", "n_eff", "promoters", "detractors", "nps", "se", "ci_low",
                "ci_high", "basis", "suppressed", "note"]
_ESTIMATES = ["mean_original", "mean", "sd", "se", "ci_low", "ci_high", "share", "promoters",
              "detractors"]


def rescale(values, *, scale: tuple[float, float] = (1, 5)):
    """Put values from a scale ``(low, high)`` on 0-100.

    Parameters
    ----------
    values : scalar, array or Series
        Scores on the original scale.
    scale : tuple of float
        The lowest and highest points of the original scale.

    Returns
    -------
    Same type as ``values``: ``(values - low) / (high - low) * 100``.

    Examples
    --------
    >>> rescale(4, scale=(1, 5))
    75.0
    >>> rescale(pd.Series([0, 7, 10]), scale=(0, 10)).tolist()
    [0.0, 70.0, 100.0]
    """
    low, high = _check_scale(scale)
    return (values - low) / (high - low) * 100.0


def summarize(
    data: pd.DataFrame,
    *,
    value: str | Sequence[str],
    by: Sequence[str] = (),
    weight: str | None = None,
    scale: tuple[float, float] = (1, 5),
    min_n: int = MIN_N,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Summarise respondent rows per cell: n, mean, sd, se and interval on 0-100.

    Parameters
    ----------
    data : DataFrame
        One row per respondent. Missing answers (including "don't know" codes already turned
        into NA) are left out; a value outside ``scale`` is an error, never a score.
    value : str or list of str
        The item column(s). With several, each is a ``measure`` of its own.
    by : list of str
        Columns that define a cell. Categories of a categorical column with no answers appear
        with ``n = 0`` and a note.
    weight : str, optional
        Column of survey weights (positive). See the module notes for the standard error.
    scale : tuple of float
        Lowest and highest points of the item's scale.
    min_n : int
        Cells with fewer valid answers are suppressed.
    confidence : float
        Level of the t interval.

    Returns
    -------
    DataFrame
        A summary table: the ``by`` columns, then :data:`SUMMARY_COLUMNS`.

    Examples
    --------
    >>> df = pd.DataFrame({"district": ["a"] * 12 + ["b"] * 3,
    ...                    "q1": [5, 4, 4, 3, 5, 4, 2, 4, 5, 3, 4, 4, 1, 2, None]})
    >>> s = summarize(df, value="q1", by=["district"])
    >>> s[["district", "n", "mean_original", "mean", "ci_low", "ci_high"]].round(1)
      district   n  mean_original  mean  ci_low  ci_high
    0        a  12            3.9  72.9    58.6     87.2
    1        b   2            NaN   NaN     NaN      NaN
    >>> print(s.loc[1, "note"])
    suppressed: n = 2, fewer than min_n = 10
    """
    values = [value] if isinstance(value, str) else list(value)
    tables = []
    for item in values:
        x = _on_scale(data[item], scale=scale, name=item)
        cells = _cells(data, x, by=list(by), weight=weight)
        basis = "respondents" if weight is None else "weighted respondents"
        tables.append(_mean_table(cells, measure=item, scale=scale, basis=basis, min_n=min_n,
                                  confidence=confidence))
    return pd.concat(tables, ignore_index=True)


def summarize_counts(
    data: pd.DataFrame,
    *,
    counts: Sequence[str],
    points: Sequence[float] | None = None,
    by: Sequence[str] = (),
    measure: str = "score",
    min_n: int = MIN_N,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Summarise answer counts per cell, exactly, from the count at each scale point.

    Rows that fall in the same cell (several touchpoints or channels of one service, say) are
    pooled by adding their counts. The mean is ``sum(c p) / n`` and the variance
    ``sum(c (p - mean)^2) / (n - 1)``: the same numbers as for the expanded respondents.

    Parameters
    ----------
    data : DataFrame
        One row per reported answer distribution.
    counts : list of str
        Count columns, one per scale point, lowest point first.
    points : list of float, optional
        The scale points the counts belong to; ``1, 2, ..., len(counts)`` by default. The
        scale runs from the first to the last point.
    by : list of str
        Columns that define a cell.
    measure : str
        Name written in the ``measure`` column (unless ``by`` already has one).
    min_n, confidence
        As in :func:`summarize`.

    Returns
    -------
    DataFrame
        A summary table with ``basis = "answer counts"``.

    Examples
    --------
    >>> a11 = pd.DataFrame({"service": ["web", "web", "phone"],
    ...                     "c1": [1, 0, 2], "c2": [0, 1, 3], "c3": [2, 2, 3],
    ...                     "c4": [5, 3, 4], "c5": [6, 4, 0]})
    >>> s = summarize_counts(a11, counts=["c1", "c2", "c3", "c4", "c5"], by=["service"])
    >>> s[["service", "n", "mean_original", "mean", "se"]].round(2)
      service   n  mean_original   mean    se
    0   phone  12           2.75  43.75  8.21
    1     web  24           4.04  76.04  5.52
    """
    counts = list(counts)
    pts = np.arange(1.0, len(counts) + 1) if points is None else np.asarray(points, float)
    if len(pts) != len(counts):
        raise ValueError(f"{len(counts)} count columns but {len(pts)} points")
    summed = _summed_counts(data, counts=counts, by=list(by))
    c = summed[counts].to_numpy(dtype=float)
    n = c.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = c @ pts / n
        var = (c * (pts[None, :] - mean[:, None]) ** 2).sum(axis=1) / (n - 1)
    cells = summed[list(by)].assign(n=n, n_eff=n, mean=mean, var=var)
    return _mean_table(cells, measure=measure, scale=(pts.min(), pts.max()),
                       basis="answer counts", min_n=min_n, confidence=confidence)


def summarize_points(
    data: pd.DataFrame,
    *,
    score: str = "score",
    by: Sequence[str] = (),
    scale_max: str | float = "scale_max",
    scale_min: float = 0.0,
    measure: str = "score",
) -> pd.DataFrame:
    """Summary rows for published index points: the point on 0-100, and no invented interval.

    Parameters
    ----------
    data : DataFrame
        One row per published point (one per cell: duplicates are an error).
    score : str
        Column with the published score.
    by : list of str
        Columns that identify the point (series, period, ...).
    scale_max : str or float
        Column holding each score's scale maximum, or one number for all.
    scale_min : float
        Lowest point of the scale.
    measure : str
        Name written in the ``measure`` column (unless ``by`` already has one).

    Returns
    -------
    DataFrame
        A summary table with ``basis = "published point"``, ``has_interval = False`` and NaN
        standard error and interval.

    Examples
    --------
    >>> pts = pd.DataFrame({"series": ["federal", "national"], "period": ["2019", "2019"],
    ...                     "score": [69.7, 75.4], "scale_max": [100, 100]})
    >>> s = summarize_points(pts, by=["series", "period"])
    >>> s[["series", "mean", "se", "has_interval"]]
         series  mean  se  has_interval
    0   federal  69.7 NaN         False
    1  national  75.4 NaN         False
    >>> print(s.loc[0, "note"])
    published point: no standard error or interval
    """
    by = list(by)
    duplicated = data.duplicated(subset=by, keep=False) if by else pd.Series(len(data) > 1)
    if duplicated.any():
        raise ValueError(f"{int(duplicated.sum())} published points share a cell in {by}")
    high = data[scale_max] if isinstance(scale_max, str) else scale_max
    cells = data[by].reset_index(drop=True).assign(
        n=np.nan, n_eff=np.nan, mean=data[score].to_numpy(float), var=np.nan,
        scale_min=float(scale_min), scale_max=np.asarray(high, float) * np.ones(len(data)))
    table = _mean_table(cells, measure=measure, scale=None, basis="published point", min_n=0,
                        confidence=0.95)
    table["note"] = "published point: no standard error or interval"
    return table


def top_box(
    data: pd.DataFrame,
    *,
    value: str | None = None,
    counts: Sequence[str] | None = None,
    by: Sequence[str] = (),
    weight: str | None = None,
    scale: tuple[float, float] = (1, 5),
    boxes: int = 2,
    min_n: int = MIN_N,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of answers in the top ``boxes`` points of the scale, with a Wilson interval.

    Give either ``value`` (respondent rows, optionally weighted) or ``counts`` (answer counts,
    lowest point first).

    Parameters
    ----------
    data : DataFrame
        Respondent rows or answer-count rows.
    value : str, optional
        Item column of respondent rows.
    counts : list of str, optional
        Count columns, lowest point first.
    by : list of str
        Columns that define a cell.
    weight : str, optional
        Survey weights (respondent rows only); the interval then uses Kish's effective n.
    scale : tuple of float
        Scale of ``value`` (ignored for counts).
    boxes : int
        How many of the top points count (2 = top-2-box).
    min_n, confidence
        As in :func:`summarize`.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``measure, n, n_eff, share, ci_low, ci_high, basis,
        suppressed, note``; ``share`` and its interval in percent.

    Examples
    --------
    >>> df = pd.DataFrame({"q": [5, 4, 4, 3, 2, 5, 1, 4, 5, 3]})
    >>> top_box(df, value="q")[["n", "share", "ci_low", "ci_high"]].round(1)
        n  share  ci_low  ci_high
    0  10   60.0    31.3     83.2
    >>> counts = pd.DataFrame({"c1": [1], "c2": [1], "c3": [2], "c4": [3], "c5": [3]})
    >>> float(top_box(counts, counts=["c1", "c2", "c3", "c4", "c5"])["share"].iloc[0])
    60.0
    """
    if (value is None) == (counts is None):
        raise ValueError("give exactly one of value= or counts=")
    if value is not None:
        x = _on_scale(data[value], scale=scale, name=value)
        top = (x >= scale[1] - boxes + 1).astype(float).where(x.notna())
        cells = _cells(data, top, by=list(by), weight=weight).drop(columns="var")
        basis, measure = ("respondents" if weight is None else "weighted respondents"), value
    else:
        counts = list(counts)
        summed = _summed_counts(data, counts=counts, by=list(by))
        n = summed[counts].sum(axis=1).to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            share = summed[counts[-boxes:]].sum(axis=1).to_numpy() / n
        cells = summed[list(by)].assign(n=n, n_eff=n, mean=share)
        basis, measure = "answer counts", "top_box"
    table = _finish(cells.rename(columns={"mean": "share"}), measure=measure, basis=basis,
                    min_n=min_n)
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = proportion_confint(table["share"] * table["n_eff"], table["n_eff"],
                                       alpha=1 - confidence, method="wilson")
    table = table.assign(share=table["share"] * 100, ci_low=low * 100, ci_high=high * 100)
    return _suppress(table)[list(by) + _SHARE_COLUMNS]


def nps(
    data: pd.DataFrame,
    *,
    value: str,
    by: Sequence[str] = (),
    weight: str | None = None,
    min_n: int = MIN_N,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Net Promoter Score of a 0-10 item, with a standard error and interval.

    Promoters answer 9-10, detractors 0-6. NPS is ``100 * (share promoters - share
    detractors)``, which is 100 times the mean of a score that is +1 for a promoter, -1 for a
    detractor and 0 otherwise; its standard error is that score's sample standard deviation
    over ``sqrt(n_eff)``, and the interval is a t interval, cut to [-100, 100].

    Parameters
    ----------
    data : DataFrame
        Respondent rows.
    value : str
        The 0-10 item (values outside 0-10 are an error).
    by, weight, min_n, confidence
        As in :func:`summarize`.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``measure, n, n_eff, promoters, detractors, nps, se, ci_low,
        ci_high, basis, suppressed, note`` (shares and NPS in percent points).

    Examples
    --------
    >>> df = pd.DataFrame({"recommend": [10, 9, 9, 8, 7, 6, 10, 3, 9, 10, 5, 8]})
    >>> nps(df, value="recommend")[["n", "promoters", "detractors", "nps", "se"]].round(1)
        n  promoters  detractors   nps    se
    0  12       50.0        25.0  25.0  25.0
    """
    x = _on_scale(data[value], scale=(0, 10), name=value)
    sign = pd.Series(np.select([x >= 9, x <= 6], [1.0, -1.0], 0.0), index=x.index)
    sign = sign.where(x.notna())
    cells = _cells(data, sign, by=list(by), weight=weight)
    basis = "respondents" if weight is None else "weighted respondents"
    shares = {name: _cells(data, (sign == s).astype(float).where(x.notna()), by=list(by),
                           weight=weight)["mean"].to_numpy() * 100
              for name, s in [("promoters", 1.0), ("detractors", -1.0)]}
    table = _mean_table(cells.assign(**shares), measure=value, scale=(0, 1), basis=basis,
                        min_n=min_n, confidence=confidence)
    table["nps"] = table["mean"]
    table["ci_low"] = table["ci_low"].clip(lower=-100)
    table["ci_high"] = table["ci_high"].clip(upper=100)
    return table[list(by) + _NPS_COLUMNS]


def _check_scale(scale: tuple[float, float]) -> tuple[float, float]:
    low, high = (float(v) for v in scale)
    if not high > low:
        raise ValueError(f"scale {scale!r} must run from a lower to a higher point")
    return low, high


def _on_scale(x: pd.Series, *, scale: tuple[float, float], name: str) -> pd.Series:
    """The column as float with NA for missing; a value off the scale is an error."""
    low, high = _check_scale(scale)
    values = pd.to_numeric(x, errors="raise").astype("float64")
    outside = values.notna() & ((values < low) | (values > high))
    if outside.any():
        found = sorted(values[outside].unique().tolist())[:5]
        raise ValueError(
            f"column {name!r} has {int(outside.sum())} values outside the scale {low:g}-{high:g} "
            f"(for example {found}); turn missing codes such as 9 = don't know into NA first")
    return values


def _group_sum(table: pd.DataFrame, *, by: list[str], columns: list[str]) -> pd.DataFrame:
    """Column sums per cell (one row for the whole table when ``by`` is empty)."""
    if not by:
        return table[columns].sum().to_frame().T
    grouped = table.groupby(by, observed=False, dropna=False, sort=True)[columns].sum()
    return grouped.reset_index()


def _summed_counts(data: pd.DataFrame, *, counts: list[str], by: list[str]) -> pd.DataFrame:
    """Answer counts added up per cell (checked: no negative count)."""
    table = data[by + counts].astype({c: "float64" for c in counts})
    if (table[counts] < 0).any().any():
        raise ValueError("answer counts must not be negative")
    return _group_sum(table, by=by, columns=counts)


def _cells(data: pd.DataFrame, x: pd.Series, *, by: list[str], weight: str | None
           ) -> pd.DataFrame:
    """Per cell: ``n``, ``n_eff``, ``mean`` and ``var`` of ``x`` (weighted if asked).

    Sums are taken around the overall mean, which keeps the one-pass variance accurate.
    """
    valid = x.notna()
    if weight is not None:
        w = pd.to_numeric(data[weight], errors="raise").astype("float64")
        if (w[valid] <= 0).any() or w[valid].isna().any():
            raise ValueError(f"weight column {weight!r} must be positive where answers exist")
    centre = float(x.where(valid).mean()) if valid.any() else 0.0
    xc = (x - centre).where(valid)
    parts = pd.DataFrame({"n": valid.astype("float64"), "wx": xc, "wx2": xc * xc},
                         index=data.index)
    if weight is not None:
        wv = w.where(valid)
        parts = parts.assign(w=wv, w2=wv * wv, wx=wv * xc, wx2=wv * xc * xc)
    for key in by:
        parts[key] = data[key]
    sums = _group_sum(parts, by=by, columns=[c for c in parts.columns if c not in by])
    sw, sw2 = (sums["w"], sums["w2"]) if weight is not None else (sums["n"], sums["n"])
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = sw * sw / sw2
        mean = sums["wx"] / sw
        var = (sums["wx2"] - sums["wx"] * mean) / sw * n_eff / (n_eff - 1)
    return sums[by].assign(n=sums["n"], n_eff=n_eff, mean=mean + centre, var=var.clip(lower=0))


def _finish(cells: pd.DataFrame, *, measure: str, basis: str, min_n: int) -> pd.DataFrame:
    """Common columns of every per-cell table: measure, integer n, basis, suppression, note."""
    out = cells.copy()
    if "measure" not in out.columns:
        out.insert(list(out.columns).index("n"), "measure", measure)
    n = out["n"].to_numpy(float)
    var = out["var"].to_numpy(float) if "var" in out.columns else np.full(len(out), np.nan)
    out["n"] = out["n"].round().astype("Int64")
    out["basis"] = basis
    out["suppressed"] = n < min_n
    out["note"] = _notes(n, var, min_n=min_n)
    return out


def _suppress(table: pd.DataFrame) -> pd.DataFrame:
    """Blank every estimate of the suppressed cells (their n stays visible)."""
    columns = [c for c in _ESTIMATES if c in table.columns]
    table.loc[table["suppressed"].to_numpy(bool), columns] = np.nan
    return table


def _notes(n: np.ndarray, var: np.ndarray, *, min_n: int) -> np.ndarray:
    """One reason per cell, most important first; empty where there is nothing to say."""
    count = pd.Series(n).fillna(0).astype(int).astype(str).to_numpy()
    return np.select(
        [n == 0, n < min_n, n == 1, var == 0],
        ["no valid answers",
         "suppressed: n = " + count + ", fewer than min_n = " + str(min_n),
         "one answer: no standard deviation or interval",
         "all answers equal: zero variance, the interval has no width"],
        default="",
    ).astype(object)


def _mean_table(cells: pd.DataFrame, *, measure: str, scale: tuple[float, float] | None,
                basis: str, min_n: int, confidence: float) -> pd.DataFrame:
    """Turn per-cell n, n_eff, mean and var on the original scale into a summary table."""
    keys = list(cells.columns[: list(cells.columns).index("n")])
    if scale is not None:
        cells = cells.assign(scale_min=float(scale[0]), scale_max=float(scale[1]))
    span = (cells["scale_max"] - cells["scale_min"]).to_numpy(float)
    mean = (cells["mean"] - cells["scale_min"]).to_numpy(float) / span * 100
    sd = np.sqrt(cells["var"].to_numpy(float)) / span * 100
    n_eff = cells["n_eff"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = sd / np.sqrt(n_eff)
        half = stats.t.ppf(0.5 + confidence / 2, n_eff - 1) * se
    table = _finish(cells.rename(columns={"mean": "mean_original"}), measure=measure,
                    basis=basis, min_n=min_n)
    table = _suppress(table.assign(mean=mean, sd=sd, se=se, ci_low=mean - half,
                                   ci_high=mean + half))
    table["has_interval"] = np.isfinite(table["ci_low"].to_numpy(float))
    extra = [c for c in ("promoters", "detractors") if c in table.columns]
    return table[[k for k in keys if k != "measure"] + SUMMARY_COLUMNS + extra]
