"""Reliability and key drivers: Cronbach's alpha, derived importance, importance-performance.

These work on respondent rows (one row per respondent, one column per item), with listwise
deletion: a respondent counts when every item used has an answer. Cells or models with fewer
than ``min_n`` complete respondents are suppressed, as in :mod:`cxlab.stats.summary`.

Where only aggregates exist (A-11 reports answer distributions per service, touchpoint and quarter, never
a respondent's answers to two questions together), :func:`cell_importance` gives the same
relative weights across cells: the items' cell means against the outcome's cell mean, each cell
weighted by its respondents (or each cell once), with a bootstrap that resamples whole clusters
of cells (a service with all its quarters).

Derived importance of an item is shown two ways: its Spearman correlation with the outcome,
and its share of the model's R-squared. The share comes from Johnson's relative weights
(default; fast, fine for many items) or from the Shapley decomposition of R-squared (the LMG
measure, computed by pingouin; exact but doubling in cost with each item). Both have percentile
bootstrap intervals (scipy.stats.bootstrap, resampling respondents).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats

from cxlab.stats.compare import _groups, _quiet_pingouin
from cxlab.stats.correlate import bootstrap_interval
from cxlab.stats.summary import MIN_N, ScaleSpec, item_scale, rescale

__all__ = ["CELL_IMPORTANCE_COLUMNS", "cell_importance", "cronbach_alpha", "importance", "quadrant"]

#: The columns of :func:`cell_importance`.
CELL_IMPORTANCE_COLUMNS = ["item", "cells", "clusters", "weighting", "correlation", "correlation_ci_low",
                           "correlation_ci_high", "importance", "importance_ci_low", "importance_ci_high", "r2",
                           "r2_ci_low", "r2_ci_high", "degenerate", "note"]
_ALPHA_COLUMNS = ["n", "n_items", "alpha", "ci_low", "ci_high", "suppressed", "note"]
_IMPORTANCE_COLUMNS = ["item", "n", "performance", "spearman", "spearman_ci_low",
                       "spearman_ci_high", "importance", "importance_ci_low",
                       "importance_ci_high", "r2", "method", "note"]
#: Quadrant names that describe, never advise: importance here is a correlation, not a cause.
_QUADRANTS = {(True, False): "strong link, rated low", (True, True): "strong link, rated high",
              (False, False): "weak link, rated low", (False, True): "weak link, rated high"}


def cronbach_alpha(
    data: pd.DataFrame,
    *,
    items: Sequence[str],
    by: Sequence[str] = (),
    min_n: int = MIN_N,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Cronbach's alpha of a set of items, with its interval, per cell.

    Parameters
    ----------
    data : DataFrame
        Respondent rows; a respondent counts when all ``items`` are answered.
    items : list of str
        At least two item columns.
    by : list of str
        One alpha per cell of these columns.
    min_n : int
        Cells with fewer complete respondents are suppressed.
    confidence : float
        Level of the interval (Feldt's F-based interval, from pingouin, to 3 decimals).

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``n, n_items, alpha, ci_low, ci_high, suppressed, note``.

    Examples
    --------
    >>> df = pd.DataFrame({"courtesy": [5, 4, 4, 2, 3, 5, 1, 4, 3, 5, 2, 4],
    ...                    "knowledge": [5, 4, 3, 2, 3, 4, 2, 4, 3, 5, 1, 4],
    ...                    "speed": [4, 5, 4, 1, 3, 5, 1, 3, 2, 4, 2, 5]})
    >>> a = cronbach_alpha(df, items=["courtesy", "knowledge", "speed"])
    >>> a[["n", "n_items", "alpha", "ci_low", "ci_high"]].round(3)
        n  n_items  alpha  ci_low  ci_high
    0  12        3  0.934   0.827    0.979
    """
    items = list(items)
    if len(items) < 2:
        raise ValueError("Cronbach's alpha needs at least two items")
    rows = []
    for key, cell in _groups(data, by):
        complete = cell[items].apply(pd.to_numeric).astype(float).dropna()
        row = dict(key, n=len(complete), n_items=len(items), suppressed=len(complete) < min_n,
                   note=_alpha_note(complete, min_n=min_n))
        if not row["note"]:
            with _quiet_pingouin():
                alpha, ci = pg.cronbach_alpha(data=complete, ci=confidence)
            row.update(alpha=alpha, ci_low=ci[0], ci_high=ci[1])
        rows.append(row)
    return pd.DataFrame(rows, columns=list(by) + _ALPHA_COLUMNS)


def importance(
    data: pd.DataFrame,
    *,
    outcome: str,
    items: Sequence[str],
    method: str = "relative_weights",
    scale: ScaleSpec | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Derived importance of items for an outcome, with bootstrap intervals.

    Parameters
    ----------
    data : DataFrame
        Respondent rows; a respondent counts when the outcome and all items are answered.
    outcome : str
        The overall measure (overall satisfaction, say).
    items : list of str
        The candidate drivers.
    method : {"relative_weights", "shapley"}
        How R-squared is shared among the items: Johnson's relative weights, or the Shapley
        (LMG) decomposition from pingouin (up to 12 items).
    scale : tuple of float, or a mapping of item to tuple, optional
        Scale of the items, for ``performance`` (the item mean on 0-100); by default each item's
        own (:func:`cxlab.stats.summary.item_scale`: the table's, as :func:`cxlab.load` sets it).
    n_boot : int
        Bootstrap resamples of respondents.
    confidence : float
        Level of the percentile intervals.
    seed : int
        Seed of the bootstrap, so that a report is reproducible.
    min_n : int
        Fewer complete respondents than this: no estimates (suppressed).

    Returns
    -------
    DataFrame
        One row per item: ``item, n, performance, spearman, spearman_ci_low,
        spearman_ci_high, importance`` (share of R-squared, percent; the items add to 100),
        ``importance_ci_low, importance_ci_high, r2`` (of the whole model), ``method, note``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(1, 6, size=(200, 3))
    >>> y = np.clip(np.round(0.6 * x[:, 0] + 0.3 * x[:, 1] + rng.normal(0, 0.7, 200)), 1, 5)
    >>> df = pd.DataFrame(x, columns=["speed", "ease", "website"]).assign(overall=y)
    >>> imp = importance(df, outcome="overall", items=["speed", "ease", "website"], n_boot=200)
    >>> imp[["item", "spearman", "importance", "importance_ci_low", "importance_ci_high"]].round(1)
          item  spearman  importance  importance_ci_low  importance_ci_high
    0    speed       0.6        63.8               52.2                75.4
    1     ease       0.5        36.1               23.9                47.4
    2  website       0.0         0.1                0.1                 2.7
    """
    items = list(items)
    share = {"relative_weights": _relative_weights, "shapley": _shapley}.get(method)
    if share is None:
        raise ValueError(f"method must be 'relative_weights' or 'shapley', not {method!r}")
    complete = data[items + [outcome]].apply(pd.to_numeric).astype(float).dropna()
    out = pd.DataFrame({"item": items, "n": len(complete), "method": method, "note": ""})
    flat = [c for c in items + [outcome] if complete[c].nunique() < 2]
    if len(complete) < max(min_n, 3) or outcome in flat or len(flat) == len(items):
        out["note"] = _too_few(len(complete), min_n) or "no variance in the outcome or items"
        return out.reindex(columns=_IMPORTANCE_COLUMNS)
    used = [c for c in items if c not in flat]
    values = complete[used + [outcome]].to_numpy()

    def statistic(rows: np.ndarray) -> np.ndarray:
        ranks = stats.rankdata(values[rows], axis=0)
        rho = np.corrcoef(ranks, rowvar=False)[-1, :-1]
        weights = share(values[rows])
        return np.r_[rho, weights / weights.sum() * 100, weights.sum()]

    point = statistic(np.arange(len(values)))
    boot = stats.bootstrap((np.arange(len(values)),), statistic, vectorized=False,
                           n_resamples=n_boot, confidence_level=confidence, method="percentile",
                           rng=np.random.default_rng(seed))
    k = len(used)
    low, high = boot.confidence_interval
    estimates = pd.DataFrame({
        "item": used, "performance": [rescale(complete[i].mean(), scale=item_scale(data, i, scale)) for i in used],
        "spearman": point[:k], "spearman_ci_low": low[:k], "spearman_ci_high": high[:k],
        "importance": point[k:2 * k], "importance_ci_low": low[k:2 * k],
        "importance_ci_high": high[k:2 * k], "r2": point[-1]})
    out.loc[out["item"].isin(flat), "note"] = "no variance: left out of the model"
    return out[["item", "n", "method", "note"]].merge(estimates, on="item", how="left")[
        _IMPORTANCE_COLUMNS]


def _cluster_sums(values: np.ndarray, weights: np.ndarray, groups: np.ndarray,
                  clusters: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cluster: the sum of weights, the weighted sums of the columns and of their cross-products."""
    weight = np.bincount(groups, weights=weights, minlength=clusters)
    sums = np.zeros((clusters, values.shape[1]))
    np.add.at(sums, groups, values * weights[:, None])
    cross = np.zeros((clusters, values.shape[1], values.shape[1]))
    np.add.at(cross, groups, np.einsum("r,ri,rj->rij", weights, values, values))
    return weight, sums, cross


def _pooled_correlations(counts: np.ndarray, weight: np.ndarray, sums: np.ndarray,
                         cross: np.ndarray) -> np.ndarray:
    """The weighted correlation matrix of the rows of the clusters taken ``counts`` times (one per row of counts).

    Equal to the correlations of the rows themselves, each weighted (as ``np.cov`` with
    ``aweights``; its normalising factor cancels in a correlation).
    """
    total, mean_sums = counts @ weight, counts @ sums
    centred = np.einsum("bg,gij->bij", counts, cross) - mean_sums[:, :, None] * mean_sums[:, None, :] / total[:, None, None]
    sd = np.sqrt(np.clip(np.diagonal(centred, axis1=-2, axis2=-1), 0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        return centred / (sd[:, :, None] * sd[:, None, :])


def cell_importance(
    cells: pd.DataFrame,
    *,
    outcome: str,
    items: Sequence[str],
    cluster: str,
    weight: str | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    min_cells: int = 20,
) -> pd.DataFrame:
    """Derived importance across cells (service-quarters, say) from cell means, with a cluster bootstrap.

    Each cell is one row: the means of the ``items`` and of the ``outcome`` (0-100), and its
    ``weight`` (its respondents). The correlations between the columns are computed across the
    cells, each weighted by ``weight`` (or each cell once), and Johnson's relative weights share
    their R-squared among the items, as :func:`importance` does across respondents. Cells that
    lack the outcome or any item are left out. The bootstrap resamples whole ``cluster`` groups
    (a service with all its quarters), since cells of one cluster are not independent.

    These are associations between aggregates: they say which items go with the outcome from
    one cell to the next, not how any respondent's answers go together.

    Parameters
    ----------
    cells : DataFrame
        One row per cell with the item and outcome means, ``cluster`` and ``weight``.
    outcome : str
        The outcome's column (satisfaction, say).
    items : list of str
        The candidate drivers' columns.
    cluster : str
        The column whose groups the bootstrap resamples.
    weight : str, optional
        Each cell's weight (its respondents); every cell counts once when None.
    n_boot : int
        Bootstrap resamples of clusters.
    confidence : float
        Level of the percentile intervals.
    seed : int
        Seed of the bootstrap.
    min_cells : int
        Fewer complete cells (or fewer than 3 clusters): no estimate.

    Returns
    -------
    DataFrame
        One row per item: ``item, cells, clusters, weighting`` (``respondents`` or ``each cell
        once``), ``correlation`` (weighted Pearson, item with outcome) and its interval,
        ``importance`` (share of R-squared, percent; the items add to 100) and its interval,
        ``r2`` (of the whole model) and its interval, ``degenerate`` (resamples that could not be
        computed, left out of the intervals), ``note``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> cells = pd.DataFrame({"service": np.repeat(list("abcdefghij"), 4),
    ...                       "ease": rng.uniform(50, 90, 40), "staff": rng.uniform(50, 90, 40),
    ...                       "respondents": rng.integers(50, 500, 40)})
    >>> cells["satisfied"] = 0.8 * cells["ease"] + 0.2 * cells["staff"] + rng.normal(0, 3, 40)
    >>> imp = cell_importance(cells, outcome="satisfied", items=["ease", "staff"], cluster="service",
    ...                       weight="respondents", n_boot=200)
    >>> imp[["item", "cells", "clusters", "importance", "importance_ci_low", "importance_ci_high"]].round(1)
        item  cells  clusters  importance  importance_ci_low  importance_ci_high
    0   ease     40        10        95.5               85.1                98.7
    1  staff     40        10         4.5                1.3                14.9
    """
    items = list(items)
    columns = items + [outcome]
    complete = cells.dropna(subset=columns + ([weight] if weight else []))
    complete = complete[complete[weight] > 0] if weight else complete
    values = complete[columns].to_numpy(float)
    weights = complete[weight].to_numpy(float) if weight else np.ones(len(complete))
    groups = pd.factorize(complete[cluster])[0]
    k = len(items)
    out = pd.DataFrame({"item": items, "cells": len(complete), "clusters": groups.max() + 1 if len(groups) else 0,
                        "weighting": "respondents" if weight else "each cell once", "note": ""})
    if len(complete) < min_cells or out["clusters"].iloc[0] < 3 or (np.ptp(values, axis=0) == 0).any():
        out["note"] = (f"{len(complete)} complete cells in {out['clusters'].iloc[0]} clusters: too few (at least "
                       f"{min_cells} cells in 3 clusters, each measure varying, are needed)")
        return out.reindex(columns=CELL_IMPORTANCE_COLUMNS)
    clusters = int(groups.max()) + 1
    per_cluster = _cluster_sums(values, weights, groups, clusters)

    def statistic(picked: np.ndarray, axis: int = -1) -> np.ndarray:
        """Correlations, shares (percent) and R-squared of each resample of clusters (one column each)."""
        picked = np.moveaxis(np.atleast_2d(picked), axis, -1)
        counts = (picked[..., None] == np.arange(clusters)).sum(axis=-2).astype(float)
        corr = _pooled_correlations(counts, *per_cluster)
        fine = np.isfinite(corr).all(axis=(-2, -1))
        shares = _relative_weights_of(np.where(fine[:, None, None], corr, np.eye(k + 1)))
        found = np.hstack([corr[:, -1, :-1], shares / shares.sum(axis=-1, keepdims=True) * 100,
                           shares.sum(axis=-1, keepdims=True)])
        return np.where(fine[:, None], found, np.nan).T

    point = statistic(np.arange(clusters))[:, 0]
    low, high, skipped = bootstrap_interval([np.arange(clusters)], statistic, n_boot=n_boot,
                                            confidence=confidence, seed=seed, vectorized=True)
    return out.assign(
        correlation=point[:k], correlation_ci_low=low[:k], correlation_ci_high=high[:k],
        importance=point[k:2 * k], importance_ci_low=low[k:2 * k], importance_ci_high=high[k:2 * k],
        r2=point[-1], r2_ci_low=low[-1], r2_ci_high=high[-1], degenerate=skipped)[CELL_IMPORTANCE_COLUMNS]


def quadrant(
    data: pd.DataFrame,
    *,
    importance: str = "importance",
    performance: str = "performance",
    split: str = "mean",
) -> pd.DataFrame:
    """Place items in the importance-performance quadrant.

    Each axis is cut at the ``mean`` (or ``median``) of the placed items. The names describe
    where an item sits and give no advice, since derived importance is an association with the
    outcome, not a cause of it: ``strong link, rated low`` (importance above the cut, performance
    below), ``strong link, rated high``, ``weak link, rated low`` and ``weak link, rated high``.

    Parameters
    ----------
    data : DataFrame
        One row per item, with an importance column (derived, from :func:`importance`, or
        stated) and a performance column (a mean on 0-100).
    importance, performance : str
        The two columns.
    split : {"mean", "median"}
        Where each axis is cut.

    Returns
    -------
    DataFrame
        A copy of ``data`` with ``importance_cut``, ``performance_cut`` and ``quadrant`` (empty
        for an item without both values; its ``note`` then says so).

    Examples
    --------
    >>> items = pd.DataFrame({"item": ["speed", "ease", "website", "staff"],
    ...                       "importance": [40.0, 30.0, 10.0, 20.0],
    ...                       "performance": [55.0, 80.0, 60.0, 85.0]})
    >>> quadrant(items)[["item", "quadrant"]]
          item                 quadrant
    0    speed   strong link, rated low
    1     ease  strong link, rated high
    2  website     weak link, rated low
    3    staff    weak link, rated high
    """
    if split not in ("mean", "median"):
        raise ValueError(f"split must be 'mean' or 'median', not {split!r}")
    imp = pd.to_numeric(data[importance]).astype(float)
    perf = pd.to_numeric(data[performance]).astype(float)
    placed = imp.notna() & perf.notna()
    cut_i, cut_p = getattr(imp[placed], split)(), getattr(perf[placed], split)()
    labels = [_QUADRANTS[(i >= cut_i, p >= cut_p)] if ok else ""
              for i, p, ok in zip(imp, perf, placed)]
    out = data.assign(importance_cut=cut_i, performance_cut=cut_p, quadrant=labels)
    previous = out["note"].fillna("") if "note" in out.columns else pd.Series("", index=out.index)
    reason = np.where(placed, "", "not placed: importance or performance missing")
    out["note"] = [("; ".join(t for t in (p, r) if t)) for p, r in zip(previous, reason)]
    return out


def _too_few(n: int, min_n: int) -> str:
    """The suppression note when ``n`` complete answers are too few, else empty."""
    return f"suppressed: {n} complete answers, fewer than the minimum of {min_n}" if n < min_n else ""


def _alpha_note(complete: pd.DataFrame, *, min_n: int) -> str:
    if len(complete) < max(min_n, 2):
        return _too_few(len(complete), max(min_n, 2))
    if complete.sum(axis=1).var() == 0:
        return "no variance in the total score: alpha is undefined"
    return ""


def _relative_weights(values: np.ndarray) -> np.ndarray:
    """Johnson's (2000) relative weights of the columns but the last for the last: add to R2."""
    return _relative_weights_of(np.corrcoef(values, rowvar=False))


def _relative_weights_of(corr: np.ndarray) -> np.ndarray:
    """Relative weights from a correlation matrix (or a stack of them) whose last row and column are the outcome."""
    rxx, rxy = corr[..., :-1, :-1], corr[..., :-1, -1]
    eigval, eigvec = np.linalg.eigh(rxx)
    lam = (eigvec * np.sqrt(np.clip(eigval, 0, None))[..., None, :]) @ np.swapaxes(eigvec, -1, -2)
    beta = (np.linalg.pinv(lam) @ rxy[..., None])[..., 0]
    return (np.square(lam) @ np.square(beta)[..., None])[..., 0]


def _shapley(values: np.ndarray) -> np.ndarray:
    """Shapley (LMG) shares of R2 of the columns but the last for the last, from pingouin."""
    if values.shape[1] > 13:
        raise ValueError("the Shapley decomposition is limited to 12 items; use relative weights")
    x = pd.DataFrame(values[:, :-1], columns=[f"x{i}" for i in range(values.shape[1] - 1)])
    with _quiet_pingouin():
        fit = pg.linear_regression(x, values[:, -1], relimp=True)
    return fit["relimp"].to_numpy()[1:]
