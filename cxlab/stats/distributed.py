"""Summaries beyond memory: :func:`cxlab.summarize` on a Dask DataFrame.

``cxlab.summarize(frame, ...)`` with a Dask DataFrame (from ``dask.dataframe.read_parquet``, or
:func:`cxlab.data.lazy.load_lazy` for a registered data set of many Parquet files) gives the same
summary table as on the pandas table of all its rows, to floating precision. It works in three
steps, and only the first sees respondent rows:

1. each partition is put into its cells and summed, item by item, on the workers: per cell the
   number of answers ``n``, the sums of weights and of squared weights (``sw``, ``sw2``), the
   mean and the sum of squared deviations around it (``m2``), the sufficient statistics of the
   in-memory path's :func:`cxlab.stats.summary._cell_sums`. Whole answers are tallied per cell
   and answer (count, weights, squared weights: three ``np.bincount`` an item) and each tally
   combined as in step 2; other values go through ``_cell_sums`` itself, which also checks the
   scale and the weights and says what is wrong;
2. the small per-partition tables come back to the client and are combined exactly
   (:func:`combine_sums`: the pairwise update of Chan, Golub and LeVeque, for all tables at
   once, around one partition mean of each cell so a constant cell keeps a variance of exactly
   zero);
3. the combined sums are finished by the in-memory path's code (``_moments`` and
   ``_mean_table``): Kish's effective n, the variance, the interval on 0-100, suppression and
   notes are computed once, in one place.

The cells are those of the in-memory path (``groupby(by, observed=False, dropna=False,
sort=True)``): a categorical key contributes all its categories, so its categories must be known
(``frame[col].cat.as_known()``), which makes every partition agree on them. The client holds
only the per-partition tables: cells x items x partitions rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cxlab.stats.summary import (
    MIN_N,
    ScaleSpec,
    _cell_index,
    _cell_sums,
    _mean_table,
    _moments,
    _on_scale,
    _Resolved,
    _resolved_scale,
)

if TYPE_CHECKING:  # dask is imported by whoever made the frame
    import dask.dataframe as dd

__all__ = ["combine_sums", "summarize_dask"]

_SUMS = ["n", "sw", "sw2", "mean", "m2"]
_ITEM = "_cxlab_item"
_MAX_TALLY = 2**22  # cells x answers of a tally: beyond it, the sums of _cell_sums


def summarize_dask(
    data: dd.DataFrame,
    *,
    value: str | Sequence[str],
    by: Sequence[str] = (),
    weight: str | None = None,
    scale: ScaleSpec | None = None,
    min_n: int = MIN_N,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """:func:`cxlab.summarize` of a Dask DataFrame: the same summary table, one pass over the rows.

    Parameters
    ----------
    data : dask.dataframe.DataFrame
        One row per respondent, in any number of partitions. Scales are read from
        ``data._meta.attrs`` as from a pandas table's ``attrs`` (:func:`cxlab.data.lazy.load_lazy`
        sets them).
    value, by, weight, scale, min_n, confidence
        As in :func:`cxlab.stats.summary.summarize`.

    Returns
    -------
    DataFrame
        A (pandas) summary table, equal to ``summarize(data.compute(), ...)`` to floating
        precision.

    Raises
    ------
    ValueError
        A value off the scale or a weight that is not positive (naming the column, the
        partition and the first row's index), or a categorical key with unknown categories.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> rows = pd.DataFrame({"office": ["a", "b", "a", "b"] * 5, "q1": [5, 4, 3, None] * 5})
    >>> frame = dd.from_pandas(rows, npartitions=3)
    >>> table = summarize_dask(frame, value="q1", by=["office"], scale=(1, 5))
    >>> table[["office", "n", "mean", "ci_low", "ci_high"]].round(1)
      office   n  mean  ci_low  ci_high
    0      a  10  75.0    52.3     89.1
    1      b   5   NaN     NaN      NaN
    >>> from cxlab.stats.summary import summarize
    >>> pd.testing.assert_frame_equal(table, summarize(frame.compute(), value="q1", by=["office"], scale=(1, 5)))
    """
    values = [value] if isinstance(value, str) else list(value)
    by = list(by)
    _check_known_categories(data, by)
    scales = {item: _resolved_scale(data._meta, item, scale) for item in values}
    wanted = set(by + values + ([weight] if weight else []))
    columns = [c for c in data.columns if c in wanted]  # in the frame's order: read, not copied
    options: dict[str, Any] = {"by": by, "scales": scales, "weight": weight}
    meta = _partition_sums(data._meta[columns], **options)
    partials = data[columns].map_partitions(_partition_sums, **options, meta=meta).compute()
    basis = "respondents" if weight is None else "weighted respondents"
    tables = [_mean_table(_moments(combine_sums(partials[partials[_ITEM] == item].drop(columns=_ITEM), by=by)),
                          measure=item, scale=scales[item].bounds, basis=basis, min_n=min_n,
                          confidence=confidence)
              for item in values]
    return pd.concat(tables, ignore_index=True)


def combine_sums(sums: pd.DataFrame, *, by: Sequence[str]) -> pd.DataFrame:
    """Combine per-cell sums of several tables (rows with the same keys) into one row per cell.

    ``sums`` holds the ``by`` columns and ``n, sw, sw2, mean, m2`` (as
    :func:`cxlab.stats.summary._cell_sums` gives them) for each part. Counts and weight sums add
    up; the mean is the weighted mean of the parts' means and ``m2`` adds the parts' own to the
    spread of their means around it (Chan, Golub and LeVeque), each cell taken around one of its
    parts' means. The cells and their order are those of ``_cell_index`` on all the rows.

    Examples
    --------
    >>> from cxlab.stats.summary import _cell_index, _cell_sums
    >>> rows = pd.DataFrame({"g": ["a", "a", "b", "a", "b"], "x": [1.0, 2.0, 4.0, 4.0, 4.0]})
    >>> parts = [rows.iloc[:2], rows.iloc[2:]]
    >>> sums = pd.concat([_cell_sums(p, p["x"], index=_cell_index(p, ["g"]), weight=None) for p in parts])
    >>> combine_sums(sums, by=["g"]).round(4)
       g    n   sw  sw2    mean      m2
    0  a  3.0  3.0  3.0  2.3333  4.6667
    1  b  2.0  2.0  2.0  4.0000  0.0000
    >>> _cell_sums(rows, rows["x"], index=_cell_index(rows, ["g"]), weight=None).round(4)
       g    n   sw  sw2    mean      m2
    0  a  3.0  3.0  3.0  2.3333  4.6667
    1  b  2.0  2.0  2.0  4.0000  0.0000
    """
    code, keys = _cell_index(sums, list(by))
    return _combine(code, keys, *(sums[c].to_numpy(dtype="float64") for c in _SUMS))


def _combine(code: np.ndarray, keys: pd.DataFrame, n: np.ndarray, sw: np.ndarray, sw2: np.ndarray,
             mean: np.ndarray, m2: np.ndarray) -> pd.DataFrame:
    """:func:`combine_sums` of parts whose cells (rows of ``keys``) are numbered by ``code``."""
    used = n > 0  # a part without answers in a cell has no mean

    def total(v: np.ndarray) -> np.ndarray:
        return np.bincount(code, np.where(used, v, 0.0), minlength=len(keys))

    shift = np.zeros(len(keys))
    shift[code[used]] = mean[used]  # one part's mean of each cell
    apart = mean - shift.take(code)
    weight = total(sw)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = total(sw * apart) / weight
        spread = total(sw * (apart - centre.take(code)) ** 2)
    return keys.assign(n=total(n), sw=weight, sw2=total(sw2), mean=centre + shift, m2=total(m2) + spread)


def _check_known_categories(data: dd.DataFrame, by: list[str]) -> None:
    """Refuse a categorical key whose categories Dask does not know (partitions could disagree)."""
    unknown = [key for key in by if isinstance(data._meta[key].dtype, pd.CategoricalDtype)
               and not data[key].cat.known]
    if unknown:
        raise ValueError(f"the categories of {unknown} are unknown to Dask; every partition must have the same "
                         f"ones: use frame[column].cat.as_known() (or .astype with a CategoricalDtype) first")


def _partition_sums(part: pd.DataFrame, *, by: list[str], scales: Mapping[str, _Resolved],
                    weight: str | None, partition_info: dict | None = None) -> pd.DataFrame:
    """One partition's per-cell sums of every item, one block of rows per item (column ``_cxlab_item``).

    Whole answers on a whole-number scale are tallied (:class:`_Tally`) when every weight is
    positive; anything else goes through ``_cell_sums``, which also names what is wrong.
    """
    index = _cell_index(part, by)
    w = None if weight is None else pd.to_numeric(part[weight], errors="raise").to_numpy("float64", na_value=np.nan)
    tallies = None  # a weight that is not positive: _cell_sums names it
    if w is None or bool((w > 0).all()):
        tallies = _Tally(index, None if w is None else (w, w * w))
    tables = []
    for item, scale in scales.items():
        try:
            sums = tallies.sums(part[item], bounds=scale.bounds) if tallies else None
            if sums is None:
                x = _on_scale(pd.to_numeric(part[item], errors="raise"), scale=scale, name=item)
                sums = _cell_sums(part, x, index=index, weight=weight)
        except ValueError as err:
            raise ValueError(f"{err} (in partition {(partition_info or {}).get('number', '?')}, first at index "
                             f"{_first_bad_row(part, item, scale, weight)})") from None
        tables.append(sums.assign(**{_ITEM: item}))
    return pd.concat(tables, ignore_index=True)


class _Tally:
    """Per-cell sums of whole answers, item after item, from one tally per cell and answer.

    Each (cell, answer) tally (its count, weights and squared weights) is a part whose answers all
    equal the answer, combined per cell by :func:`_combine`: fewer passes over the rows than
    ``_cell_sums``, the same sums. What every item of a partition shares is made once: each row's
    cell as an index, and the scratch arrays each item's passes write into (a worker returns
    large freed arrays to the system at once, so a new array costs page faults each time).
    ``weights`` is ``(w, w ** 2)``, all positive, or None.

    Examples
    --------
    >>> from cxlab.stats.summary import _cell_index, _cell_sums
    >>> rows = pd.DataFrame({"g": ["a", "a", "b", "a"], "x": [1.0, 3.0, None, 3.0], "w": [1.0, 2.0, 1.0, 0.5]})
    >>> index, w = _cell_index(rows, ["g"]), rows["w"].to_numpy()
    >>> _Tally(index, (w, w * w)).sums(rows["x"], bounds=(1, 5))
       g    n   sw   sw2      mean        m2
    0  a  3.0  3.5  5.25  2.428571  2.857143
    1  b  0.0  0.0  0.00       NaN  0.000000
    >>> _cell_sums(rows, rows["x"], index=index, weight="w")
       g    n   sw   sw2      mean        m2
    0  a  3.0  3.5  5.25  2.428571  2.857143
    1  b  0.0  0.0  0.00       NaN       NaN
    >>> _Tally(index, None).sums(rows["x"] + 0.5, bounds=(1, 5)) is None  # not whole answers
    True
    """

    def __init__(self, index: tuple[np.ndarray, pd.DataFrame], weights: tuple[np.ndarray, np.ndarray] | None) -> None:
        code, self.keys = index
        self.code, self.weights = code.astype(np.intp), weights
        self._offset, self._place, self._flag = np.empty(len(code)), np.empty(len(code), np.intp), np.empty(len(code), bool)
        self._cell_starts: dict[int, np.ndarray] = {}

    def sums(self, column: pd.Series, *, bounds: tuple[float, float]) -> pd.DataFrame | None:
        """The per-cell sums of ``column``; None when an answer lies off the scale or is not a whole
        number, an end of the scale is not one, or the tally would be large."""
        low, high = (float(end) for end in bounds)
        points = np.arange(low, high + 1)
        width = len(points) + 1  # every answer of a cell, then its missing answers
        if not (low.is_integer() and high.is_integer()) or len(self.keys) * width > _MAX_TALLY:
            return None
        offset, place, flag = self._offset, self._place, self._flag
        values = pd.to_numeric(column, errors="raise")
        values = values.to_numpy() if values.dtype == np.float64 else values.to_numpy("float64", na_value=np.nan)
        np.subtract(values, low, out=offset)
        with np.errstate(invalid="ignore"):
            if offset.size and not (np.fmin.reduce(offset) >= 0 and np.fmax.reduce(offset) <= high - low):
                return None
        np.isnan(offset, out=flag)
        np.copyto(offset, len(points), where=flag)
        np.copyto(place, offset, casting="unsafe")
        np.equal(place, offset, out=flag)
        if not flag.all():
            return None
        if width not in self._cell_starts:
            self._cell_starts[width] = self.code * width
        place += self._cell_starts[width]

        def tally(v: np.ndarray | None = None) -> np.ndarray:
            counts = np.bincount(place, v, minlength=len(self.keys) * width)
            return counts.reshape(len(self.keys), width)[:, :-1].ravel().astype("float64")

        count = tally()
        sw, sw2 = (count, count) if self.weights is None else (tally(self.weights[0]), tally(self.weights[1]))
        cells = np.repeat(np.arange(len(self.keys)), len(points))
        return _combine(cells, self.keys, count, sw, sw2, np.tile(points, len(self.keys)), np.zeros(len(cells)))


def _first_bad_row(part: pd.DataFrame, item: str, scale: _Resolved, weight: str | None) -> object:
    """The index of the first row with a value off the scale or, where it has an answer, a weight not > 0."""
    x = pd.to_numeric(part[item], errors="coerce")
    low, high = scale.bounds
    bad = (x < low) | (x > high)
    if weight is not None:
        bad |= x.notna() & ~(pd.to_numeric(part[weight], errors="coerce") > 0)
    return part.index[bad.fillna(False).to_numpy(bool)][0] if bad.any() else None
