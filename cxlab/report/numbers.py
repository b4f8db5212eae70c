"""One way to write a number, for tables, sentences and alt text alike.

Policy staff read the same figure in a finding, in a table and in a figure's description, so
each is written by the same functions:

- counts of people or things are integers with thousands separators (``8,348,464``, never
  ``8,348,464.0`` or ``8348464``);
- estimates have one decimal (effect sizes and correlations two), and a value that rounds to
  zero is ``0.0``, never ``-0.0``;
- a 95% interval narrower than the shown precision reads ``95% CI +/- <0.1``, never
  ``80.1 to 80.1``;
- a percentage that rounds to zero but is not zero reads ``<0.1%``; one that is zero reads
  ``0%``.

Table columns pick their format from their header (:func:`column_format`): a count column
(``Respondents``, ``Customers``...) shows integers, an effect-size column (``Hedges' g``,
``Spearman rho``...) two decimals, any other number one decimal.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable

__all__ = [
    "DASH",
    "missing",
    "count",
    "number",
    "signed",
    "interval",
    "percent",
    "estimate",
    "label",
    "published",
    "column_format",
    "cell",
]

#: What a table shows where there is no value.
DASH = "–"

#: Headers of columns that hold counts of people or things (shown as integers).
_COUNT_HEADER = re.compile(
    r"^(n|respondents.*|customers|offered the survey|answers|narratives|comments|complaints|records|"
    r"residents|with it|in the theme|responses in the file|known outcome|count|rows|points)$", re.IGNORECASE)
#: Headers of columns whose whole numbers are names, not amounts (years, ids): no separators.
_LABEL_HEADER = re.compile(r"year|period|quarter|\bid\b|record", re.IGNORECASE)
#: Headers of columns that hold effect sizes or correlations (shown with two decimals).
_TWO_DECIMALS = re.compile(r"hedges|spearman|pearson|\brho\b|alpha|eta|r²|\bg\b", re.IGNORECASE)


def missing(value: object) -> bool:
    """True for None, NaN, NA and blank text: a value a reader should see as a dash.

    Examples
    --------
    >>> [missing(v) for v in (None, float("nan"), "", " ", 0, "x")]
    [True, True, True, True, False, False]
    """
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(value != value) or str(value) == "<NA>"
    except (TypeError, ValueError):  # pd.NA refuses to be a bool
        return True


def count(value: object) -> str:
    """A count as an integer with thousands separators (rounded if it came as a float).

    Examples
    --------
    >>> count(8348464.0), count(1224019), count(12.6), count(float("nan"))
    ('8,348,464', '1,224,019', '13', '–')
    """
    if missing(value):
        return DASH
    return f"{int(round(float(value))):,}"


def number(value: object, decimals: int = 1) -> str:
    """A number with ``decimals`` decimals and thousands separators; never ``-0.0``.

    Examples
    --------
    >>> number(68.14), number(-0.04), number(-0.338, 2), number(1234.56), number(None)
    ('68.1', '0.0', '-0.34', '1,234.6', '–')
    """
    if missing(value):
        return DASH
    text = f"{float(value):,.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


def signed(value: object, decimals: int = 1) -> str:
    """A difference with its sign (``+2.3``, ``-0.8``); one that rounds to zero is ``0.0``.

    Examples
    --------
    >>> signed(2.34), signed(-0.8), signed(-0.04), signed(0.0)
    ('+2.3', '-0.8', '0.0', '0.0')
    """
    text = number(value, decimals)
    if text == DASH or text.startswith("-") or float(text.replace(",", "")) == 0:
        return text
    return f"+{text}"


def interval(low: float, high: float, *, signed_ends: bool = False, decimals: int = 1) -> str:
    """A 95% interval as a reader sees it; one narrower than the shown precision says so.

    Examples
    --------
    >>> interval(70.1, 74.56), interval(-0.4, 1.2, signed_ends=True), interval(80.12, 80.14)
    ('95% CI 70.1 to 74.6', '95% CI -0.4 to +1.2', '95% CI +/- <0.1')
    >>> interval(-0.02, 0.4, signed_ends=True)
    '95% CI 0.0 to +0.4'
    """
    if missing(low) or missing(high):
        return "no interval"
    if high - low < 10 ** -decimals:
        return f"95% CI +/- <{10 ** -decimals:.{decimals}f}"
    write = signed if signed_ends else number
    return f"95% CI {write(low, decimals)} to {write(high, decimals)}"


def percent(value: object, decimals: int = 1) -> str:
    """A percentage: one decimal, ``<0.1%`` for a small positive one, ``0%`` for none at all.

    Examples
    --------
    >>> percent(17.68), percent(0.004), percent(0.0), percent(99.99), percent(100)
    ('17.7%', '<0.1%', '0%', '>99.9%', '100.0%')
    """
    if missing(value):
        return DASH
    value = float(value)
    smallest = 10 ** -decimals
    if value == 0:
        return "0%"
    if 0 < value < smallest / 2:
        return f"<{smallest:.{decimals}f}%"
    if 100 - smallest / 2 <= value < 100:
        return f">{100 - smallest:.{decimals}f}%"
    return f"{number(value, decimals)}%"


def estimate(value: float, low: float, high: float, *, signed_value: bool = False) -> str:
    """An estimate with its interval: ``72.3 (95% CI 70.1 to 74.6)``, differences signed.

    Examples
    --------
    >>> estimate(72.34, 70.1, 74.56), estimate(2.34, 1.1, 3.6, signed_value=True)
    ('72.3 (95% CI 70.1 to 74.6)', '+2.3 (95% CI +1.1 to +3.6)')
    """
    write = signed if signed_value else number
    return f"{write(value)} ({interval(low, high, signed_ends=signed_value)})"


def label(value: object) -> str:
    """A whole number that names something (a year, an id) as written, without separators.

    Examples
    --------
    >>> label(2019), label(2019.0), label(7.5)
    ('2019', '2019', '7.5')
    """
    if missing(value):
        return DASH
    as_float = float(value)
    return str(int(as_float)) if as_float.is_integer() else number(value)


def published(value: object) -> str:
    """A published score as its source wrote it: a whole number without decimals, any other with one.

    Examples
    --------
    >>> published(77.0), published(66.34), published(None)
    ('77', '66.3', '–')
    """
    if missing(value):
        return DASH
    return number(value, 0 if float(value).is_integer() else 1)


def column_format(header: object) -> Callable[[object], str]:
    """How a table column with this header writes its numbers: counts, labels, two decimals or one.

    Examples
    --------
    >>> column_format("Respondents")(2135115.0), column_format("Hedges' g")(-0.338), column_format("Gap")(9.0)
    ('2,135,115', '-0.34', '9.0')
    >>> column_format("Year")(2019)
    '2019'
    """
    name = str(header).strip()
    if _LABEL_HEADER.search(name):
        return label
    if _COUNT_HEADER.match(name):
        return count
    if _TWO_DECIMALS.search(name):
        return lambda value: number(value, 2)
    return number


def cell(value: object, write: Callable[[object], str] = number) -> str:
    """A table cell's text (not yet escaped): a dash if missing, yes/no for flags, numbers by ``write``.

    Integers are written as counts (with separators) unless the column writes labels.

    Examples
    --------
    >>> [cell(v) for v in (None, float("nan"), "", True, 68.14, 1224019, "x", -0.0)]
    ['–', '–', '–', 'yes', '68.1', '1,224,019', 'x', '0.0']
    >>> cell(2019, label)
    '2019'
    """
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if missing(value):
        return DASH
    if isinstance(value, numbers.Integral):
        return label(value) if write is label else count(value)
    if isinstance(value, numbers.Real) and math.isfinite(float(value)):
        return write(value)
    return str(value)
