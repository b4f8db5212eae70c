"""Parse irregular period labels into comparable form and align two series explicitly.

Published index points come as years (``2019``), quarters (``2017-Q1``), months (``2008-12``)
and spans (``2019-2020``). Nothing is aligned silently: :func:`align_by_year` says for each pair
which original periods were matched, and which points were left out and why.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["PERIOD_PATTERN", "parse_period", "parse_periods", "align_by_year"]

PERIOD_PATTERN = r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2])|-\d{4})?$"
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SPAN = re.compile(r"^(\d{4})-(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_period(label: str) -> dict[str, object]:
    """Parse one period label.

    Returns the kind (year, quarter, month or span), the first and last day, and ``time``, the
    midpoint as a decimal year.

    Examples
    --------
    >>> p = parse_period("2017-Q1")
    >>> p["period_kind"], str(p["period_start"].date()), str(p["period_end"].date())
    ('quarter', '2017-01-01', '2017-03-31')
    >>> parse_period("2019-2020")["period_kind"]
    'span'
    >>> parse_period("FY19")
    Traceback (most recent call last):
    ...
    ValueError: period 'FY19' is not a year (2019), quarter (2019-Q1), month (2019-03) or span (2019-2020)
    """
    text = str(label).strip()
    if m := _QUARTER.match(text):
        start = pd.Timestamp(int(m[1]), 3 * int(m[2]) - 2, 1)
        kind, end = "quarter", start + pd.offsets.QuarterEnd(0)
    elif (m := _MONTH.match(text)) and 1 <= int(m[2]) <= 12:
        start = pd.Timestamp(int(m[1]), int(m[2]), 1)
        kind, end = "month", start + pd.offsets.MonthEnd(0)
    elif (m := _SPAN.match(text)) and int(m[2]) > int(m[1]):
        kind, start, end = "span", pd.Timestamp(int(m[1]), 1, 1), pd.Timestamp(int(m[2]), 12, 31)
    elif m := _YEAR.match(text):
        kind, start, end = "year", pd.Timestamp(int(m[1]), 1, 1), pd.Timestamp(int(m[1]), 12, 31)
    else:
        raise ValueError(
            f"period {label!r} is not a year (2019), quarter (2019-Q1), month (2019-03) "
            "or span (2019-2020)"
        )
    middle = start + (end + pd.Timedelta(days=1) - start) / 2
    time = middle.year + (middle.day_of_year - 1) / (366 if middle.is_leap_year else 365)
    return {"period_kind": kind, "period_start": start, "period_end": end, "time": round(time, 4)}


def parse_periods(labels: pd.Series) -> pd.DataFrame:
    """Parse a column of period labels (see :func:`parse_period`) into four columns.

    Examples
    --------
    >>> parse_periods(pd.Series(["2019", "2008-12"]))["period_kind"].tolist()
    ['year', 'month']
    """
    return pd.DataFrame([parse_period(v) for v in labels], index=labels.index)


def align_by_year(left: pd.DataFrame, right: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pair two score series by calendar year, stating exactly what was matched.

    Each point is placed in the calendar year in which its period starts; a span over several
    years belongs to no single year and is left out. Where a series has several points in one
    year, the latest one is used and the others are listed as left out. Both frames need the
    columns of a loaded score table (``period``, ``period_kind``, ``period_start``, ``score``,
    ``value_type``).

    Returns
    -------
    aligned : DataFrame
        One row per year present in both series: ``year``, ``period_left``, ``period_right``,
        ``score_left``, ``score_right``, ``gap`` (right minus left), ``derived`` (either side
        derived), ``exact`` (both sides are whole-year points).
    left_out : DataFrame
        ``side``, ``period``, ``score``, ``reason`` for every point not used.

    Examples
    --------
    >>> from cxlab.periods import parse_periods
    >>> def series(periods, scores):
    ...     df = pd.DataFrame({"period": periods, "score": scores, "value_type": "stated"})
    ...     return pd.concat([df, parse_periods(df["period"])], axis=1)
    >>> aligned, left_out = align_by_year(series(["2017", "2018"], [69.7, 68.9]),
    ...                                   series(["2017-Q1", "2019"], [77.0, 76.0]))
    >>> aligned[["year", "period_left", "period_right", "gap"]].to_dict("records")
    [{'year': 2017, 'period_left': '2017', 'period_right': '2017-Q1', 'gap': 7.3}]
    >>> left_out["reason"].tolist()
    ['no point of the other series in 2018', 'no point of the other series in 2019']
    """
    sides = {"left": _one_per_year(left), "right": _one_per_year(right)}
    years = {name: set(kept["year"]) for name, (kept, _) in sides.items()}
    common = sorted(years["left"] & years["right"])
    parts = []
    for name, (kept, dropped) in sides.items():
        unmatched = kept[~kept["year"].isin(common)].assign(
            reason=lambda d: "no point of the other series in " + d["year"].astype(str)
        )
        parts.append(pd.concat([dropped, unmatched]).assign(side=name))
    left_out = pd.concat(parts, ignore_index=True)[["side", "period", "score", "reason"]]
    lk, rk = (sides[s][0].set_index("year").loc[common] for s in ("left", "right"))
    aligned = pd.DataFrame(
        {
            "year": common,
            "period_left": lk["period"].to_numpy(),
            "period_right": rk["period"].to_numpy(),
            "score_left": lk["score"].to_numpy(),
            "score_right": rk["score"].to_numpy(),
        }
    )
    aligned["gap"] = (aligned["score_right"] - aligned["score_left"]).round(6)
    aligned["derived"] = (lk["value_type"].to_numpy() == "derived") | (
        rk["value_type"].to_numpy() == "derived"
    )
    aligned["exact"] = (lk["period_kind"].to_numpy() == "year") & (
        rk["period_kind"].to_numpy() == "year"
    )
    return aligned, left_out


def _one_per_year(points: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a series into the point used for each calendar year and the points left out."""
    span = points["period_kind"] == "span"
    dated = points[~span].assign(year=points.loc[~span, "period_start"].dt.year)
    dated = dated.sort_values("period_start", kind="stable")
    latest = ~dated.duplicated("year", keep="last")
    dropped = pd.concat(
        [
            points[span].assign(reason="a span of years belongs to no single calendar year"),
            dated[~latest].assign(reason="a later point of the same series in the same year is used"),
        ]
    )
    return dated[latest], dropped
