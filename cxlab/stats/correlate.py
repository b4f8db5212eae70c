"""Correlations across a few units (departments, say), with every interval a small sample needs.

With fifteen or so units a correlation is uncertain, and a single unit can carry it. So each
correlation comes with:

- Pearson's r with its Fisher-z interval (scipy's :func:`scipy.stats.pearsonr`), and Spearman's
  rho with a Fisher-z interval whose standard error is ``sqrt(1.06 / (n - 3))`` (Fieller, Hartley
  and Pearson 1957; scipy gives no interval for rho);
- for both, a percentile bootstrap interval that resamples the units in pairs
  (:func:`scipy.stats.bootstrap`, fixed seed); a resample in which one side has no spread has no
  correlation and is left out of the interval (``degenerate`` counts them);
- a leave-one-out check (:func:`leave_one_out`): the correlation without each unit in turn, and
  whether leaving that unit out changes what the interval says (positive, negative, or unclear).

Fewer than :data:`MIN_PAIRS` units with both values give no correlation, and the ``note`` says so.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from cxlab.stats.compare import _groups

__all__ = ["CORRELATION_COLUMNS", "MIN_PAIRS", "SPEARMAN_VARIANCE", "bootstrap_interval", "correlate", "direction",
           "leave_one_out"]

#: Fewer units with both values than this and no correlation is computed.
MIN_PAIRS = 5
#: Fieller, Hartley and Pearson's (1957) variance factor of Fisher's z for Spearman's rho: var = 1.06 / (n - 3).
SPEARMAN_VARIANCE = 1.06
#: The columns of :func:`correlate` after the ``by`` columns.
CORRELATION_COLUMNS = ["n", "pearson", "pearson_ci_low", "pearson_ci_high", "pearson_boot_low", "pearson_boot_high",
                       "pearson_p", "spearman", "spearman_ci_low", "spearman_ci_high", "spearman_boot_low",
                       "spearman_boot_high", "spearman_p", "degenerate", "note"]
_LOO_COLUMNS = ["left_out", "n", "pearson", "pearson_ci_low", "pearson_ci_high", "spearman", "direction", "changes"]


def direction(low: float, high: float) -> str:
    """What an interval of a correlation says: ``positive``, ``negative`` or ``unclear`` (it holds 0).

    Examples
    --------
    >>> direction(0.12, 0.8), direction(-0.9, -0.05), direction(-0.4, 0.6), direction(float("nan"), 0.5)
    ('positive', 'negative', 'unclear', 'unclear')
    """
    if low > 0:
        return "positive"
    if high < 0:
        return "negative"
    return "unclear"


def bootstrap_interval(
    samples: Sequence[np.ndarray], statistic: Callable[..., np.ndarray], *, paired: bool = True,
    n_boot: int = 2000, confidence: float = 0.95, seed: int = 0, vectorized: bool = False,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Percentile bootstrap interval of ``statistic`` (scipy.stats.bootstrap, seeded), skipping undefined resamples.

    ``statistic`` takes the resampled arrays and returns a 1-d array of estimates (with
    ``vectorized``, it takes arrays whose last axis holds the resampled units, and an ``axis``
    argument, and returns one row of estimates per resample along the first axis). A resample
    for which it returns NaN (a correlation where one side has no spread) is left out of the
    percentiles; the count of such resamples is returned third.

    Examples
    --------
    >>> x = np.arange(10.0)
    >>> low, high, skipped = bootstrap_interval([x], lambda v: np.array([v.mean()]), n_boot=500)
    >>> bool(low[0] < 4.5 < high[0]), skipped
    (True, 0)
    """
    with warnings.catch_warnings():  # undefined resamples are left out below, and counted
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        boot = stats.bootstrap(tuple(samples), statistic if vectorized else lambda *s: np.atleast_1d(statistic(*s)),
                               paired=paired, vectorized=vectorized, n_resamples=n_boot, confidence_level=confidence,
                               method="percentile", rng=np.random.default_rng(seed))
    draws = np.atleast_2d(boot.bootstrap_distribution)
    bad = np.isnan(draws).any(axis=0)
    tail = (1 - confidence) / 2 * 100
    low, high = np.nanpercentile(draws[:, ~bad], [tail, 100 - tail], axis=1)
    return low, high, int(bad.sum())


def _pearson_along(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson's r along the last axis; NaN where a side has no spread."""
    dx, dy = x - x.mean(axis=-1, keepdims=True), y - y.mean(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (dx * dy).sum(axis=-1) / np.sqrt((dx * dx).sum(axis=-1) * (dy * dy).sum(axis=-1))
    return np.where((np.ptp(x, axis=-1) == 0) | (np.ptp(y, axis=-1) == 0), np.nan, r)


def _pair_statistic(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    """Pearson's r and Spearman's rho of each resample (units on the last axis); NaN where a side has no spread."""
    x, y = np.moveaxis(x, axis, -1), np.moveaxis(y, axis, -1)
    rx, ry = stats.rankdata(x, axis=-1), stats.rankdata(y, axis=-1)
    return np.stack([_pearson_along(x, y), _pearson_along(rx, ry)])


def _fisher(r: float, n: int, *, variance: float, confidence: float) -> tuple[float, float]:
    """The Fisher-z interval of a correlation, with ``var(z) = variance / (n - 3)``."""
    half = stats.norm.ppf(0.5 + confidence / 2) * np.sqrt(variance / (n - 3))
    z = np.arctanh(np.clip(r, -1 + 1e-15, 1 - 1e-15))
    return float(np.tanh(z - half)), float(np.tanh(z + half))


def _one(x: np.ndarray, y: np.ndarray, *, n_boot: int, confidence: float, seed: int, min_pairs: int) -> dict:
    n = len(x)
    if n < min_pairs:
        return {"n": n, "note": f"{n} units with both values, fewer than {min_pairs}: no correlation"}
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return {"n": n, "note": "no spread in one of the two measures: no correlation"}
    pearson = stats.pearsonr(x, y)
    p_low, p_high = pearson.confidence_interval(confidence_level=confidence)
    spearman = stats.spearmanr(x, y)
    s_low, s_high = _fisher(spearman.statistic, n, variance=SPEARMAN_VARIANCE, confidence=confidence)
    (pb_low, sb_low), (pb_high, sb_high), skipped = bootstrap_interval(
        [x, y], _pair_statistic, n_boot=n_boot, confidence=confidence, seed=seed, vectorized=True)
    return {"n": n, "pearson": float(pearson.statistic), "pearson_ci_low": float(p_low),
            "pearson_ci_high": float(p_high), "pearson_boot_low": pb_low, "pearson_boot_high": pb_high,
            "pearson_p": float(pearson.pvalue), "spearman": float(spearman.statistic), "spearman_ci_low": s_low,
            "spearman_ci_high": s_high, "spearman_boot_low": sb_low, "spearman_boot_high": sb_high,
            "spearman_p": float(spearman.pvalue), "degenerate": skipped, "note": ""}


def correlate(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    by: Sequence[str] = (),
    n_boot: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    min_pairs: int = MIN_PAIRS,
) -> pd.DataFrame:
    """Pearson and Spearman correlation of ``x`` and ``y`` across units, with Fisher-z and bootstrap intervals.

    Parameters
    ----------
    data : DataFrame
        One row per unit (a department); rows missing ``x`` or ``y`` are left out.
    x, y : str
        The two measures.
    by : list of str
        One correlation per cell of these columns (one per pair of measures, say).
    n_boot : int
        Bootstrap resamples of the units (in pairs).
    confidence : float
        Level of every interval.
    seed : int
        Seed of the bootstrap, so that a report is reproducible.
    min_pairs : int
        Fewer units with both values: no correlation (the ``note`` says so).

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``n`` (units with both values), ``pearson`` with its Fisher-z
        interval ``pearson_ci_low, pearson_ci_high`` and bootstrap interval ``pearson_boot_low,
        pearson_boot_high``, its two-sided ``pearson_p``; the same for ``spearman`` (Fisher-z
        interval with Fieller's variance); ``degenerate`` (bootstrap resamples without spread,
        left out) and ``note``.

    Examples
    --------
    >>> units = pd.DataFrame({"engagement": [62, 66, 70, 71, 74, 76, 78, 83],
    ...                       "satisfaction": [70, 64, 75, 80, 72, 84, 86, 88]})
    >>> r = correlate(units, x="engagement", y="satisfaction", n_boot=500).iloc[0]
    >>> r[["n", "pearson", "pearson_ci_low", "pearson_ci_high", "spearman"]].astype(float).round(2).tolist()
    [8.0, 0.85, 0.37, 0.97, 0.9]
    >>> correlate(units.head(4), x="engagement", y="satisfaction")["note"].iloc[0]
    '4 units with both values, fewer than 5: no correlation'
    """
    rows = []
    for key, cell in _groups(data, by):
        both = cell[[x, y]].apply(pd.to_numeric).astype(float).dropna()
        rows.append({**key, **_one(both[x].to_numpy(), both[y].to_numpy(), n_boot=n_boot, confidence=confidence,
                                   seed=seed, min_pairs=min_pairs)})
    return pd.DataFrame(rows, columns=list(by) + CORRELATION_COLUMNS)


def leave_one_out(
    data: pd.DataFrame, *, x: str, y: str, label: str, confidence: float = 0.95, min_pairs: int = MIN_PAIRS,
) -> pd.DataFrame:
    """The correlation without each unit in turn, and whether that unit carries the result.

    A unit *carries* the result when leaving it out changes what the Fisher-z interval of
    Pearson's r says (``positive``, ``negative`` or ``unclear``, see :func:`direction`) from what
    it says with every unit: ``changes`` is then True.

    Parameters
    ----------
    data : DataFrame
        One row per unit; rows missing ``x`` or ``y`` are left out.
    x, y : str
        The two measures.
    label : str
        The column naming each unit.
    confidence : float
        Level of the intervals.
    min_pairs : int
        Fewer units with both values (after leaving one out): no row for that unit.

    Returns
    -------
    DataFrame
        One row per unit left out: ``left_out``, ``n``, ``pearson, pearson_ci_low,
        pearson_ci_high`` (Fisher z), ``spearman``, ``direction`` and ``changes``.

    Examples
    --------
    >>> units = pd.DataFrame({"unit": list("abcdefg"), "x": [1, 2, 3, 4, 5, 6, 20],
    ...                       "y": [3, 1, 2, 5, 4, 3, 20]})
    >>> loo = leave_one_out(units, x="x", y="y", label="unit")
    >>> loo.loc[loo["changes"], ["left_out", "direction"]].values.tolist()
    [['g', 'unclear']]
    """
    both = data.dropna(subset=[x, y])
    if len(both) - 1 < min_pairs:
        return pd.DataFrame(columns=_LOO_COLUMNS)
    xs, ys = both[x].to_numpy(float), both[y].to_numpy(float)
    full = stats.pearsonr(xs, ys).confidence_interval(confidence_level=confidence)
    whole = direction(full.low, full.high)
    rows = []
    for i, name in enumerate(both[label]):
        keep = np.arange(len(both)) != i
        if np.ptp(xs[keep]) == 0 or np.ptp(ys[keep]) == 0:
            continue
        r = stats.pearsonr(xs[keep], ys[keep])
        ci = r.confidence_interval(confidence_level=confidence)
        said = direction(ci.low, ci.high)
        rows.append({"left_out": name, "n": int(keep.sum()), "pearson": float(r.statistic),
                     "pearson_ci_low": float(ci.low), "pearson_ci_high": float(ci.high),
                     "spearman": float(stats.spearmanr(xs[keep], ys[keep]).statistic), "direction": said,
                     "changes": said != whole})
    return pd.DataFrame(rows, columns=_LOO_COLUMNS)
