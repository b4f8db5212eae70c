"""Parse irregular period labels into comparable form and align two series explicitly.

Published index points come as years (``2019``), quarters (``2017-Q1``), months (``2008-12``)
and spans (``2019-2020``). Nothing is aligned silently: :func:`align_by_year` says for each pair
which original periods were matched, and which points were left out and why.

Agency exports write periods in their own way (``FY21 Q2``, ``2021/03``, dates such as
``15/03/2021``); a registry entry's ``period`` spec names the format and :func:`read_periods`
turns such text into a label and a decimal time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cxlab.errors import DataError, Problem

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "PERIOD_PATTERN",
    "PLACEHOLDERS",
    "parse_period",
    "parse_periods",
    "is_period",
    "align_by_year",
    "period_formats",
    "period_unit",
    "describe_period_format",
    "read_periods",
]

#: The years a period may lie in: a year outside them is a typo (0000, 1000, 9999), never data.
FIRST_YEAR, LAST_YEAR = 1900, 2100
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
    >>> parse_period("0000")
    Traceback (most recent call last):
    ...
    ValueError: period '0000' lies outside the years 1900-2100
    """
    text = str(label).strip()
    if not all(FIRST_YEAR <= int(year) <= LAST_YEAR for year in re.findall(r"\d{4}", text)):
        raise ValueError(f"period {label!r} lies outside the years {FIRST_YEAR}-{LAST_YEAR}")
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


def is_period(label: str) -> bool:
    """Whether :func:`parse_period` reads ``label`` (a span must end after it starts).

    Examples
    --------
    >>> [is_period(p) for p in ["2019-2020", "2021-2019", "2020-2020", "1000", "2019-Q5"]]
    [True, False, False, False, False]
    """
    try:
        parse_period(label)
    except ValueError:
        return False
    return True


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
    >>> from cxlab.data.periods import parse_periods
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


#: Placeholders of a period format (``format: "FY{yy} Q{q}"``) and the text each one matches.
#: Two-digit years are read as 20yy.
PLACEHOLDERS = {
    "{yyyy}": r"(?P<year>\d{4})",
    "{yy}": r"(?P<yy>\d{2})",
    "{q}": r"(?P<quarter>[1-4])",
    "{mm}": r"(?P<month>0[1-9]|1[0-2])",
    "{m}": r"(?P<month>1[0-2]|0?[1-9])",
}
_EXAMPLE = {"{yyyy}": "2021", "{yy}": "21", "{q}": "2", "{mm}": "03", "{m}": "3"}
_PLACEHOLDER = re.compile("(" + "|".join(map(re.escape, PLACEHOLDERS)) + ")")


def period_formats(spec: Mapping[str, Any]) -> list[str]:
    """The formats of a ``period`` spec, tried in order (one string or a list).

    Examples
    --------
    >>> period_formats({"format": ["%d/%m/%Y", "%Y-%m-%d"]})
    ['%d/%m/%Y', '%Y-%m-%d']
    """
    formats = spec.get("format")
    return [formats] if isinstance(formats, str) else list(formats or [])


def period_unit(spec: Mapping[str, Any]) -> str:
    """What one period of a ``period`` spec is: ``year``, ``quarter`` or ``month`` (by its first format).

    Examples
    --------
    >>> period_unit({"format": "FY{yy} Q{q}"}), period_unit({"format": "{yyyy}"})
    ('quarter', 'year')
    >>> period_unit({"format": "%Y-%m-%d", "unit": "month"}), period_unit({"format": "%d/%m/%Y"})
    ('month', 'quarter')
    """
    fmt = (period_formats(spec) or [""])[0]
    if "%" in fmt:
        return str(spec.get("unit", "quarter"))
    return "quarter" if "{q}" in fmt else "month" if "{m" in fmt else "year"


def describe_period_format(spec: Mapping[str, Any]) -> str:
    """What a period cell should look like, with an example of each format.

    Examples
    --------
    >>> describe_period_format({"format": "FY{yy} Q{q}"})
    "a period like 'FY21 Q2' (format 'FY{yy} Q{q}')"
    >>> describe_period_format({"format": ["%Y-%m-%d", "%d/%m/%Y"]})
    "a period like '2021-03-15' (format '%Y-%m-%d') or '15/03/2021' (format '%d/%m/%Y')"
    """
    examples = []
    for fmt in period_formats(spec):
        example = (pd.Timestamp(2021, 3, 15).strftime(fmt) if "%" in fmt
                   else _PLACEHOLDER.sub(lambda m: _EXAMPLE[m[0]], fmt))
        examples.append(f"{example!r} (format {fmt!r})")
    return "a period like " + " or ".join(examples)


def read_periods(text: pd.Series, spec: Mapping[str, Any]) -> pd.DataFrame:
    """Read period text with a registry ``period`` spec into ``period`` (a label) and ``time``.

    ``spec`` keys:

    ``format``
        one format or a list tried in order. A format with ``%`` is a date format
        (``%Y-%m-%d``, ``%d/%m/%Y``); otherwise it is text with the placeholders of
        :data:`PLACEHOLDERS` (``FY{yy} Q{q}``, ``{yyyy}-Q{q}``, ``{yyyy}``); letter case and
        spacing around the placeholders do not matter.
    ``unit``
        for dates: ``year``, ``quarter`` (default) or ``month``.
    ``fiscal_year_start``
        for dates: the month a fiscal year begins (10 for the US federal year, which is named
        by the calendar year in which it ends); default 1.
    ``label``
        how the period is written in the tidy table, with ``{year}``, ``{quarter}``,
        ``{month}``; default ``{year}-Q{quarter}``, ``{year}-{month:02d}`` or ``{year}``.

    ``time`` is the start of the period as a decimal year (2021.25 for the second quarter).
    A cell that matches no format gets NA in both columns.

    Examples
    --------
    >>> text = pd.Series(["FY21 Q2", "fy21q3", "Q2 2021"])
    >>> read_periods(text, {"format": "FY{yy} Q{q}", "label": "FY{year}-Q{quarter}"})
          period     time
    0  FY2021-Q2  2021.25
    1  FY2021-Q3  2021.50
    2        NaN      NaN
    >>> dates = pd.Series(["2020-10-05", "15/03/2021"])
    >>> read_periods(dates, {"format": ["%Y-%m-%d", "%d/%m/%Y"], "fiscal_year_start": 10})["period"].tolist()
    ['2021-Q1', '2021-Q2']
    """
    codes, uniques = pd.factorize(text)
    parts = _parse(pd.Series(uniques, dtype=str), spec)
    label = spec.get("label") or (
        "{year}-Q{quarter}" if parts["quarter"].notna().any()
        else "{year}-{month:02d}" if parts["month"].notna().any() else "{year}")
    try:
        labels = [None if pd.isna(y) else label.format(year=int(y), quarter=_int(q), month=_int(m))
                  for y, q, m in parts[["year", "quarter", "month"]].itertuples(index=False)]
    except (KeyError, ValueError, TypeError):
        raise DataError([Problem("datasets.yml", None, "period.label", label,
                                 "a label made of {year}, {quarter} and {month}, as the period format gives them")]
                        ) from None
    time = parts["year"] + (parts["quarter"].fillna(1) - 1) / 4 + (parts["month"].fillna(1) - 1) / 12
    return pd.DataFrame({"period": pd.Series(labels, dtype=object).take(codes).to_numpy(),
                         "time": time.to_numpy()[codes]}, index=text.index).astype({"period": "str"})


def _int(value: float) -> int | None:
    return None if pd.isna(value) else int(value)


def _parse(text: pd.Series, spec: Mapping[str, Any]) -> pd.DataFrame:
    """Year, quarter and month (floats, NaN if absent) of each text, by the first matching format."""
    parts = pd.DataFrame(np.nan, index=text.index, columns=["year", "quarter", "month"])
    for fmt in period_formats(spec):
        todo = parts["year"].isna()
        found = _from_date(text[todo], fmt, spec) if "%" in fmt else _from_placeholders(text[todo], fmt)
        parts.update(found[found["year"].between(FIRST_YEAR, LAST_YEAR)])
    return parts


def _from_placeholders(text: pd.Series, fmt: str) -> pd.DataFrame:
    pieces = _PLACEHOLDER.split(fmt)
    pattern = "".join(PLACEHOLDERS.get(p) or re.escape(re.sub(r"\s+", " ", p)).replace(r"\ ", r"\s*")
                      for p in pieces)
    found = text.str.extract(rf"^\s*{pattern}\s*$", flags=re.IGNORECASE)
    out = pd.DataFrame(index=text.index)
    out["year"] = pd.to_numeric(found["year"]) if "year" in found else 2000 + pd.to_numeric(found.get("yy"))
    out["quarter"] = pd.to_numeric(found["quarter"]) if "quarter" in found else np.nan
    out["month"] = pd.to_numeric(found["month"]) if "month" in found else np.nan
    return out.dropna(subset=["year"]).astype(float)


def _from_date(text: pd.Series, fmt: str, spec: Mapping[str, Any]) -> pd.DataFrame:
    dates = pd.to_datetime(text, format=fmt, errors="coerce").dropna()
    start = int(spec.get("fiscal_year_start", 1))
    shifted = (dates.dt.month - start) % 12
    out = pd.DataFrame({"year": dates.dt.year + (dates.dt.month >= start) * (start > 1),
                        "quarter": shifted // 3 + 1, "month": shifted + 1}, index=dates.index)
    unit = spec.get("unit", "quarter")
    if unit != "month":
        out["month"] = np.nan
    if unit == "year":
        out["quarter"] = np.nan
    return out.astype(float)
