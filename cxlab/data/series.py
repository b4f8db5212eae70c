"""Published score series: pick one out of a score table, and set two side by side by year."""

from __future__ import annotations

import pandas as pd

from cxlab.data.periods import align_by_year

__all__ = ["select_series", "series_gap"]


def select_series(
    scores: pd.DataFrame, *, index: str, series: str, start: int | None = None, end: int | None = None
) -> pd.DataFrame:
    """The points of one series of one index, in time order, within years ``start``-``end``.

    ``series`` names a series (``federal_government``) or, where a series holds several
    entities, one entity (``Manufacturing/Durables``). A period belongs to the range when it
    starts and ends inside it. An index or series that is not in the table gets an error that
    lists the ones that are.

    Examples
    --------
    >>> import cxlab
    >>> scores = cxlab.load("cx_benchmarks")
    >>> select_series(scores, index="Forrester CX Index", series="federal_government",
    ...               start=2015, end=2020)["score"].tolist()
    [56.5, 58.0, 59.0, 59.7, 61.1]
    >>> select_series(scores, index="ACSI", series="federal")
    Traceback (most recent call last):
    ...
    ValueError: no series 'federal' in index 'ACSI'; available: department, federal_government, industry, national, private_sector, sector
    >>> select_series(scores, index="ACSI", series="Manufacturing/Durables")["period"].tolist()
    ['1996', '1997', '2019']
    """
    indexes = sorted(scores["index"].unique())
    if index not in indexes:
        raise ValueError(f"no index {index!r}; available: {', '.join(indexes)}")
    of_index = scores[scores["index"] == index]
    names = sorted(of_index["series"].unique())
    column = "series" if series in names else "entity"
    if series not in set(of_index[column]):
        raise ValueError(f"no series {series!r} in index {index!r}; available: {', '.join(names)}")
    picked = of_index[of_index[column] == series]
    if start is not None:
        picked = picked[picked["period_start"].dt.year >= start]
    if end is not None:
        picked = picked[picked["period_end"].dt.year <= end]
    return picked.sort_values(["period_start", "period_end"], ignore_index=True)


def series_gap(
    scores: pd.DataFrame,
    *,
    index: str,
    lower: str,
    upper: str,
    start: int | None = None,
    end: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The gap ``upper - lower`` between two series of one index, per calendar year both report.

    Never mixes indices: both series come from ``index``. The pairing rule and every point left
    out are stated (see :func:`cxlab.data.periods.align_by_year`).

    Examples
    --------
    >>> import cxlab
    >>> aligned, left_out = series_gap(cxlab.load("cx_benchmarks"), index="Forrester CX Index",
    ...                                lower="federal_government", upper="private_sector")
    >>> aligned[["year", "gap"]].to_dict("list")
    {'year': [2016, 2018, 2019, 2020, 2021], 'gap': [12.0, 10.0, 11.1, 10.7, 10.7]}
    >>> left_out[["side", "period"]].to_dict("records")
    [{'side': 'left', 'period': '2015'}, {'side': 'left', 'period': '2022'}]
    """
    pick = dict(index=index, start=start, end=end)
    return align_by_year(select_series(scores, series=lower, **pick), select_series(scores, series=upper, **pick))
