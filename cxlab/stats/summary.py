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
``ci_low``          lower end of the 95% interval, 0-100 (see "Intervals on the scale")
``ci_high``         upper end of the interval, 0-100
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

Intervals on the scale: a mean on 0-100 cannot lie outside 0-100, and neither may its interval.
The interval is the t interval (``n_eff - 1`` degrees of freedom) built on the logit of the
mean's place in the scale, ``log(p / (1 - p))`` with ``p = mean / 100`` and the standard error
carried over by the delta method, ``se / (100 p (1 - p))``, then transformed back
(:func:`bounded_interval`). For large cells it equals the plain t interval to the shown
precision; for small cells near an end of the scale it is asymmetric and stays inside. A cell
whose answers are all at one end has no spread and an interval of no width (its note says so).
Shares (:func:`top_box`) have Wilson intervals, which stay inside 0-100 by construction.

Respondent rows are placed in their cells once, as integer codes (the codes of a categorical
key as they are, other keys factorised), and every per-cell sum is one ``np.bincount``; an
unweighted item stored as integers is tallied into answer counts per cell and summarised as
:func:`summarize_counts` does. The passes that combine the codes of a row (its cell; its cell
and answer) run block by block, so their temporaries stay in the CPU's cache and the integer
answers are never copied as floats. Cells and their order are those of
``groupby(by, observed=False, dropna=False, sort=True)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

__all__ = [
    "DEFAULT_SCALE",
    "MIN_N",
    "SUMMARY_COLUMNS",
    "ScaleSpec",
    "bounded_interval",
    "item_scale",
    "nps",
    "rescale",
    "summarize",
    "summarize_counts",
    "summarize_points",
    "top_box",
]

MIN_N = 10
"""Cells with fewer answers than this are suppressed (privacy) unless ``min_n`` says otherwise."""

DEFAULT_SCALE = (1.0, 5.0)
"""The scale assumed for a table that carries none and a call that names none."""

ScaleSpec = tuple[float, float] | Mapping[str, tuple[float, float]]
"""A scale argument: one ``(low, high)`` pair, or a mapping of item to pair."""

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


def bounded_interval(
    mean: np.ndarray, se: np.ndarray, df: np.ndarray, *, confidence: float = 0.95,
    bounds: tuple[float, float] = (0.0, 100.0),
) -> tuple[np.ndarray, np.ndarray]:
    """A t interval for a mean on a bounded scale, built on the logit scale so it stays inside.

    Parameters
    ----------
    mean, se, df : array
        Means (within ``bounds``), their standard errors and degrees of freedom.
    confidence : float
        Level of the interval.
    bounds : tuple of float
        The ends of the scale the mean lives on (0-100; NPS uses -100 to 100).

    Returns
    -------
    (low, high) : tuple of arrays
        The ends of each interval; both equal the mean where it sits at an end of the scale or
        has no standard error of width, NaN where the standard error is missing.

    Examples
    --------
    >>> low, high = bounded_interval(np.array([95.0, 50.0]), np.array([2.5, 2.5]), np.array([9, 9999]))
    >>> low.round(1).tolist(), high.round(1).tolist()
    ([85.2, 45.1], [98.4, 54.9])
    """
    floor, ceiling = bounds
    span = ceiling - floor
    mean, se = np.asarray(mean, float), np.asarray(se, float)
    p = (mean - floor) / span
    # far out on the logit scale exp overflows to inf, and the end lands on the scale's end, as it should
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        half = stats.t.ppf(0.5 + confidence / 2, np.asarray(df, float)) * se / span / (p * (1 - p))
        centre = np.log(p / (1 - p))
        low = floor + span / (1 + np.exp(-(centre - half)))
        high = floor + span / (1 + np.exp(-(centre + half)))
    flat = (se == 0) | (p <= 0) | (p >= 1)
    return np.where(flat, mean, low), np.where(flat, mean, high)


def summarize(
    data: pd.DataFrame,
    *,
    value: str | Sequence[str],
    by: Sequence[str] = (),
    weight: str | None = None,
    scale: ScaleSpec | None = None,
    min_n: int = MIN_N,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Summarise respondent rows per cell: n, mean, sd, se and interval on 0-100.

    Parameters
    ----------
    data : DataFrame or dask.dataframe.DataFrame
        One row per respondent. Missing answers (including "don't know" codes already turned
        into NA) are left out; a value outside ``scale`` is an error, never a score. A Dask
        DataFrame (data beyond memory) gives the same table, summed partition by partition
        (:mod:`cxlab.stats.distributed`).
    value : str or list of str
        The item column(s). With several, each is a ``measure`` of its own.
    by : list of str
        Columns that define a cell. Categories of a categorical column with no answers appear
        with ``n = 0`` and a note.
    weight : str, optional
        Column of survey weights (positive). See the module notes for the standard error.
    scale : tuple of float, or a mapping of item to tuple, optional
        Lowest and highest points of the item's scale. By default the table's own
        (:func:`item_scale`): a table from :func:`cxlab.load` knows each item's scale.
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
    0        a  12            3.9  72.9    56.6     84.7
    1        b   2            NaN   NaN     NaN      NaN
    >>> print(s.loc[1, "note"])
    suppressed: n = 2, fewer than the minimum of 10

    A table that carries its scales (``attrs["scales"]``, as :func:`cxlab.load` sets them) puts
    each item on 0-100 by its own scale:

    >>> mixed = pd.DataFrame({"yes": [0, 1, 1, 1] * 3, "score": [0, 7, 10, 9] * 3})
    >>> mixed.attrs["scales"] = {"yes": (0, 1), "score": (0, 10)}
    >>> summarize(mixed, value=["yes", "score"])[["measure", "scale_max", "mean"]]
      measure  scale_max  mean
    0     yes        1.0  75.0
    1   score       10.0  65.0
    """
    if hasattr(type(data), "__dask_graph__"):  # a Dask DataFrame: summed per partition, then finished here
        from cxlab.stats.distributed import summarize_dask

        return summarize_dask(data, value=value, by=by, weight=weight, scale=scale, min_n=min_n,
                              confidence=confidence)
    values = [value] if isinstance(value, str) else list(value)
    index = _cell_index(data, list(by))
    tables = []
    for item in values:
        own = _resolved_scale(data, item, scale)
        cells = _item_cells(data, item, index=index, weight=weight, scale=own)
        basis = "respondents" if weight is None else "weighted respondents"
        tables.append(_mean_table(cells, measure=item, scale=own.bounds, basis=basis, min_n=min_n,
                                  confidence=confidence))
    return pd.concat(tables, ignore_index=True)


def item_scale(data: pd.DataFrame, item: str, scale: ScaleSpec | None = None) -> tuple[float, float]:
    """The scale of ``item``: ``scale`` if given, else the table's own, else 1-5.

    ``scale`` is one ``(low, high)`` pair or a mapping of item to pair. A table knows its scales
    when it comes from :func:`cxlab.load`: ``attrs["scales"]`` (each item's) and
    ``attrs["scale"]`` (the data set's).

    Examples
    --------
    >>> table = pd.DataFrame({"q1": [3], "yes": [1]})
    >>> table.attrs.update(scale=(1, 10), scales={"yes": (0, 1)})
    >>> item_scale(table, "q1"), item_scale(table, "yes"), item_scale(table, "yes", (0, 2))
    ((1.0, 10.0), (0.0, 1.0), (0.0, 2.0))
    >>> item_scale(pd.DataFrame({"q1": [3]}), "q1")
    (1.0, 5.0)
    """
    return _resolved_scale(data, item, scale).bounds


@dataclass(frozen=True)
class _Resolved:
    """A scale and where it came from, for an error message that says so."""

    bounds: tuple[float, float]
    origin: str


def _resolved_scale(data: pd.DataFrame, item: str, scale: ScaleSpec | None) -> _Resolved:
    if isinstance(scale, Mapping):
        scale = scale.get(item)
    if scale is not None:
        return _Resolved(_check_scale(scale), "the scale given")
    own = (data.attrs.get("scales") or {}).get(item) or data.attrs.get("scale")
    if own is not None:
        return _Resolved(_check_scale(own), "the table's scale (attrs)")
    return _Resolved(DEFAULT_SCALE, "the default: the table carries no scale; pass scale=(low, high)")


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
    cells = summed[list(by)].assign(**_count_moments(summed[counts].to_numpy(float), pts))
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
    scale: ScaleSpec | None = None,
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
    scale : tuple of float, optional
        Scale of ``value`` (ignored for counts); by default the table's own (:func:`item_scale`).
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
        own = _resolved_scale(data, value, scale)
        x = _on_scale(data[value], scale=own, name=value)
        top = (x >= own.bounds[1] - boxes + 1).astype(float).where(x.notna())
        cells = _cells(data, top, index=_cell_index(data, list(by)), weight=weight)
        cells = cells.drop(columns="var")
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
    over ``sqrt(n_eff)``, and the interval is a t interval built on the logit scale of the NPS's
    place between -100 and 100 (:func:`bounded_interval`), so it stays inside.

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
    x = _on_scale(data[value], scale=_Resolved((0.0, 10.0), "NPS needs a 0-10 item"), name=value)
    sign = pd.Series(np.select([x >= 9, x <= 6], [1.0, -1.0], 0.0), index=x.index)
    sign = sign.where(x.notna())
    index = _cell_index(data, list(by))
    cells = _cells(data, sign, index=index, weight=weight)
    basis = "respondents" if weight is None else "weighted respondents"
    shares = {name: _cells(data, (sign == s).astype(float).where(x.notna()), index=index,
                           weight=weight)["mean"].to_numpy() * 100
              for name, s in [("promoters", 1.0), ("detractors", -1.0)]}
    table = _mean_table(cells.assign(**shares), measure=value, scale=(0, 1), basis=basis,
                        min_n=min_n, confidence=confidence, bounds=(-100.0, 100.0))
    table["nps"] = table["mean"]
    return table[list(by) + _NPS_COLUMNS]


def _check_scale(scale: tuple[float, float]) -> tuple[float, float]:
    low, high = (float(v) for v in scale)
    if not high > low:
        raise ValueError(f"scale {scale!r} must run from a lower to a higher point")
    return low, high


def _on_scale(x: pd.Series, *, scale: _Resolved, name: str) -> pd.Series:
    """The column as float with NaN for missing; a value off the scale is an error."""
    values = pd.to_numeric(x, errors="raise")
    _check_answers(values, scale=scale, name=name)
    return pd.Series(values.to_numpy(dtype="float64", na_value=np.nan), index=x.index,
                     name=x.name, copy=False)


def _check_answers(values: pd.Series, *, scale: _Resolved, name: str) -> None:
    """Raise if a (numeric) answer lies outside the scale (saying where the scale came from); NA is fine.

    Examples
    --------
    >>> _check_answers(pd.Series([3, 7, 10]), scale=_resolved_scale(pd.DataFrame(), "q", None), name="q")
    Traceback (most recent call last):
    ...
    ValueError: column 'q' has 2 values outside the scale 1-5 (the default: the table carries no scale; pass scale=(low, high)), for example [7.0, 10.0]; if they are missing codes (9 = don't know), make them NA first
    """
    low, high = scale.bounds
    lowest, highest = values.min(), values.max()
    if pd.isna(lowest) or (low <= lowest and highest <= high):  # NA: no answers at all
        return
    outside = (values < low) | (values > high)
    found = np.unique(values[outside].to_numpy(dtype="float64"))[:5].tolist()
    raise ValueError(
        f"column {name!r} has {int(outside.sum())} values outside the scale {low:g}-{high:g} ({scale.origin}), "
        f"for example {found}; if they are missing codes (9 = don't know), make them NA first")


def _cell_index(data: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Number every row's cell; the cells are those of a pandas groupby, in its order.

    The cells are the rows of ``data.groupby(by, observed=False, dropna=False, sort=True)``:
    missing keys form a cell of their own (last); when a ``by`` column is categorical, every
    combination of categories and values is a cell (unused ones included), otherwise only the
    combinations that occur. With no ``by``, the whole table is one cell.

    Parameters
    ----------
    data : DataFrame
        The rows to place in cells.
    by : list of str
        Key columns.

    Returns
    -------
    code : ndarray of int
        The cell of each row: a row number of ``keys``, in the narrowest integer type that
        numbers every cell.
    keys : DataFrame
        One row per cell: its ``by`` values, with the dtypes of ``data``.

    Examples
    --------
    >>> df = pd.DataFrame({"g": pd.Categorical(["b", "a", "b"], categories=["a", "b", "c"]),
    ...                    "k": [2, 1, 1]})
    >>> code, keys = _cell_index(df, ["g", "k"])
    >>> code.tolist()
    [3, 0, 2]
    >>> keys.T
       0  1  2  3  4  5
    g  a  a  b  b  c  c
    k  1  2  1  2  1  2
    """
    factors = [_factorize(data[key]) for key in by]
    shape = tuple(len(levels) for _, levels in factors)
    if math.prod(shape) > np.iinfo(np.intp).max:
        raise ValueError(f"too many combinations of {by} to number them")
    # the narrowest integer type that numbers every cell: the passes over the codes read and
    # write the least memory
    narrow = next(t for t in (np.int8, np.int16, np.int32, np.intp) if math.prod(shape) <= np.iinfo(t).max)
    code = np.zeros(len(data), narrow)
    for rows in _blocks(len(data)):
        block = code[rows]
        for codes, levels in factors:
            block *= len(levels)
            block += codes[rows]
    if not by or any(isinstance(data[key].dtype, pd.CategoricalDtype) for key in by):
        cells = np.arange(math.prod(shape))
    else:  # only the combinations that occur, still in sorted order
        code, cells = pd.factorize(code, sort=True)
    key_codes = np.unravel_index(cells, shape) if by else ()
    keys = pd.DataFrame({key: levels.take(c) for key, (_, levels), c in zip(by, factors,
                                                                           key_codes)},
                        index=pd.RangeIndex(len(cells)))
    return code, keys


_BLOCK_ROWS = 1 << 16
"""Rows per block of a pass over the rows: a block's temporaries stay in the CPU's cache."""


def _blocks(rows: int, *, at_least: int = 0) -> Iterator[slice]:
    """Slices of :data:`_BLOCK_ROWS` rows (or ``at_least``) that cover ``rows`` rows, in order.

    Examples
    --------
    >>> [(s.start, s.stop) for s in _blocks(150_000)]
    [(0, 65536), (65536, 131072), (131072, 150000)]
    """
    size = max(_BLOCK_ROWS, at_least)
    return (slice(start, min(start + size, rows)) for start in range(0, rows, size))


def _factorize(column: pd.Series) -> tuple[np.ndarray, pd.Index | pd.Categorical]:
    """Integer codes of a key column and its sorted levels, missing last (as a level)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        levels = np.arange(len(column.cat.categories))
        if len(codes) and codes.min() < 0:
            codes = np.where(codes < 0, len(levels), codes)
            levels = np.append(levels, -1)
        return codes, pd.Categorical.from_codes(levels, dtype=column.dtype)
    return pd.factorize(column, sort=True, use_na_sentinel=False)


def _group_sum(table: pd.DataFrame, *, by: list[str], columns: list[str]) -> pd.DataFrame:
    """Column sums per cell of :func:`_cell_index`, missing values left out."""
    code, keys = _cell_index(table, by)
    sums = {}
    for column in columns:
        values = table[column].to_numpy(dtype="float64", na_value=np.nan)
        sums[column] = np.bincount(code, np.where(np.isnan(values), 0.0, values),
                                   minlength=len(keys))
    return keys.assign(**sums)


def _summed_counts(data: pd.DataFrame, *, counts: list[str], by: list[str]) -> pd.DataFrame:
    """Answer counts added up per cell (checked: no negative count)."""
    table = data[by + counts].astype({c: "float64" for c in counts})
    if (table[counts] < 0).any().any():
        raise ValueError("answer counts must not be negative")
    return _group_sum(table, by=by, columns=counts)


def _cells(data: pd.DataFrame, x: pd.Series, *, index: tuple[np.ndarray, pd.DataFrame],
           weight: str | None) -> pd.DataFrame:
    """Per cell: ``n``, ``n_eff``, ``mean`` and ``var`` of ``x`` (weighted if asked).

    ``index`` is the :func:`_cell_index` of ``data``: :func:`_cell_sums`, then :func:`_moments`.
    """
    return _moments(_cell_sums(data, x, index=index, weight=weight))


def _cell_sums(data: pd.DataFrame, x: pd.Series, *, index: tuple[np.ndarray, pd.DataFrame],
               weight: str | None) -> pd.DataFrame:
    """Per cell: ``n``, ``sw`` and ``sw2`` (sum of w and of w^2), ``mean`` and ``m2`` (sum of
    w (x - mean)^2): the sufficient statistics of :func:`_moments`, which add up across tables.

    One pass of ``np.bincount`` per sum (n, and sum w, w^2, w x, w x^2 with weights), over cell
    codes made ``intp`` once. Each cell's x is taken around one of its own answers: the one-pass
    ``m2`` stays accurate, and is exactly zero for a constant cell.
    """
    code, keys = index
    values = x.to_numpy(dtype="float64", na_value=np.nan)
    valid = ~np.isnan(values)
    w = None
    if weight is not None:
        w = pd.to_numeric(data[weight], errors="raise").to_numpy(dtype="float64",
                                                                 na_value=np.nan)[valid]
        if not (w > 0).all():  # False for NaN too
            raise ValueError(f"weight column {weight!r} must be positive where answers exist")
    if not valid.all():
        code, values = code[valid], values[valid]
    code = code.astype(np.intp, copy=False)  # once: np.bincount counts in intp
    shift = np.zeros(len(keys))
    shift[code] = values  # one answer of each cell (any one)
    xc = values - shift.take(code)
    wx = xc if w is None else w * xc

    def total(v: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(code, v, minlength=len(keys)).astype("float64", copy=False)

    n = total()
    sw, sw2 = (n, n) if w is None else (total(w), total(w * w))
    swx, swx2 = total(wx), total(wx * xc)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = swx / sw
    return keys.assign(n=n, sw=sw, sw2=sw2, mean=mean + shift, m2=swx2 - swx * mean)


def _moments(sums: pd.DataFrame) -> pd.DataFrame:
    """Per cell ``n``, ``n_eff`` (Kish; 0 without answers), ``mean`` and ``var`` from the sums of
    :func:`_cell_sums`.

    Examples
    --------
    >>> sums = pd.DataFrame({"n": [3.0], "sw": [4.0], "sw2": [6.0], "mean": [2.5], "m2": [3.0]})
    >>> _moments(sums).round(4).to_dict("records")
    [{'n': 3.0, 'n_eff': 2.6667, 'mean': 2.5, 'var': 1.2}]
    """
    sw, sw2 = sums["sw"].to_numpy(float), sums["sw2"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = np.where(sw2 > 0, sw * sw / sw2, 0.0)  # a cell without answers: 0, as from answer counts
        var = sums["m2"].to_numpy(float) / sw * n_eff / (n_eff - 1)
    cells = sums.drop(columns=["sw", "sw2", "m2"])
    cells.insert(list(cells.columns).index("mean"), "n_eff", n_eff)
    return cells.assign(var=np.clip(var, 0, None))


def _item_cells(data: pd.DataFrame, item: str, *, index: tuple[np.ndarray, pd.DataFrame],
                weight: str | None, scale: _Resolved) -> pd.DataFrame:
    """Per cell: ``n``, ``n_eff``, ``mean`` and ``var`` of a scale item.

    An unweighted item stored as integers on an integer scale is first tallied into answer
    counts per cell (one ``np.bincount`` over cell x answer) and summarised exactly, as
    :func:`summarize_counts` does; anything else goes through :func:`_cells`.
    """
    code, keys = index
    column = pd.to_numeric(data[item], errors="raise")
    low, high = scale.bounds
    points = np.arange(low, high + 1)
    tally = (weight is None and pd.api.types.is_integer_dtype(column.dtype)
             and low.is_integer() and high.is_integer()
             and len(keys) * len(points) <= max(len(column), 2**16))
    if not tally:
        x = _on_scale(column, scale=scale, name=item)
        return _cells(data, x, index=index, weight=weight)
    _check_answers(column, scale=scale, name=item)
    counts = _answer_counts(code, column, cells=len(keys), low=int(low), points=len(points))
    return keys.assign(**_count_moments(counts.astype("float64"), points))


def _answer_counts(code: np.ndarray, answers: pd.Series, *, cells: int, low: int, points: int) -> np.ndarray:
    """How many rows of each cell gave each answer: a cells x points table, NA left out.

    A row's slot in the table, in its flattened form, is ``code * points + answer``, offset
    by ``low`` only when the scale starts below 0; it is made as ``intp``, the type
    ``np.bincount`` counts in, block by block (:func:`_blocks`), so no copy of the rows is made.
    A missing answer goes one slot past the table, which is left out. The caller has checked
    that the answers lie on the scale from ``low`` over ``points`` points.

    Examples
    --------
    >>> _answer_counts(np.array([0, 0, 1, 1]), pd.Series([1, 3, 3, None], dtype="Int8"),
    ...                cells=2, low=1, points=3).tolist()
    [[1, 0, 1], [0, 0, 1]]
    """
    first = max(low, 0)  # the slot of the first answer of the first cell
    size = cells * points
    values = answers.to_numpy(dtype=getattr(answers.dtype, "numpy_dtype", answers.dtype),
                              na_value=0)  # in their own integer type: no copy for numpy ints
    missing = answers.isna().to_numpy() if isinstance(answers.dtype, pd.api.extensions.ExtensionDtype) else None
    counts = np.zeros(first + size + 1, np.intp)
    for rows in _blocks(len(code), at_least=4 * size):
        slot = np.multiply(code[rows], points, dtype=np.intp)
        np.add(slot, values[rows], out=slot, casting="unsafe")
        if low < 0:
            slot -= low
        if missing is not None:  # numpy ints have none
            slot[missing[rows]] = first + size
        counts += np.bincount(slot, minlength=first + size + 1)
    return counts[first:first + size].reshape(cells, points)


def _count_moments(counts: np.ndarray, points: np.ndarray) -> dict[str, np.ndarray]:
    """``n``, ``n_eff``, ``mean`` and ``var`` of each row of answer counts at ``points``."""
    n = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = counts @ points / n
        var = (counts * (points[None, :] - mean[:, None]) ** 2).sum(axis=1) / (n - 1)
    return {"n": n, "n_eff": n, "mean": mean, "var": var}


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
         "suppressed: n = " + count + ", fewer than the minimum of " + str(min_n),
         "one answer: no standard deviation or interval",
         "all answers equal: zero variance, the interval has no width"],
        default="",
    ).astype(object)


def _mean_table(cells: pd.DataFrame, *, measure: str, scale: tuple[float, float] | None,
                basis: str, min_n: int, confidence: float,
                bounds: tuple[float, float] = (0.0, 100.0)) -> pd.DataFrame:
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
    low, high = bounded_interval(mean, se, n_eff - 1, confidence=confidence, bounds=bounds)
    table = _finish(cells.rename(columns={"mean": "mean_original"}), measure=measure,
                    basis=basis, min_n=min_n)
    table = _suppress(table.assign(mean=mean, sd=sd, se=se, ci_low=low, ci_high=high))
    table["has_interval"] = np.isfinite(table["ci_low"].to_numpy(float))
    extra = [c for c in ("promoters", "detractors") if c in table.columns]
    return table[[k for k in keys if k != "measure"] + SUMMARY_COLUMNS + extra]
