"""pandera schemas: checks on the raw files (every problem, with its row) and on the tidy tables.

Raw files are read as text, so a value that is not a number is reported as it stands in the file
rather than lost in a failed conversion.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import pandera.pandas as pa

from cxlab.data.a11_drivers import DRIVERS
from cxlab.errors import DataError, Problem
from cxlab.data.periods import FIRST_YEAR, LAST_YEAR, PERIOD_PATTERN, describe_period_format, is_period, read_periods
from cxlab.data.readers import numbers
from cxlab.data.scales import Scale

__all__ = [
    "number",
    "one_of",
    "filled",
    "positive",
    "rating",
    "period_format",
    "raw_schema",
    "raw_problems",
    "validate_raw",
    "PERIOD",
    "SCORES",
    "ANSWER_COUNTS",
]

NUMBER = r"^-?\d+(\.\d+)?$"
#: A whole number >= 0 of at most 15 digits: larger ones are not counts or years, and lose
#: precision as floats (``99999999999999999999`` would become a negative year).
WHOLE = r"^\d{1,15}(\.0+)?$"


def number(expected: str, *, whole: bool = False, optional: bool = False) -> pa.Check:
    """A check that text is a number (or a whole number >= 0); ``optional`` also allows ''.

    Examples
    --------
    >>> number("a count", whole=True).error
    'a count'
    """
    pattern = WHOLE if whole else NUMBER
    if optional:
        pattern = f"^$|{pattern}"
    return pa.Check.str_matches(pattern, error=expected)


def one_of(values: list[str], expected: str | None = None) -> pa.Check:
    """A check that text is one of ``values``.

    Examples
    --------
    >>> one_of(["stated", "derived"]).error
    "one of 'stated', 'derived'"
    """
    return pa.Check.isin(values, error=expected or "one of " + ", ".join(map(repr, values)))


def filled(expected: str) -> pa.Check:
    """A check that a cell is not empty (nor only spaces).

    Examples
    --------
    >>> filled("an agency name").error
    'an agency name'
    """
    return pa.Check(lambda s: s.str.strip() != "", error=expected)


def positive(expected: str) -> pa.Check:
    """A check that a cell is a finite number above 0 (an empty cell, ``inf`` or ``1e400`` fails).

    Examples
    --------
    >>> positive("a weight > 0")(pd.DataFrame({"w": ["1.5", "0", "", "inf", "1e400"]})["w"]).check_output.tolist()
    [True, False, False, False, False]
    """
    return pa.Check(lambda s: numbers(s).between(0, float("inf"), inclusive="neither"), error=expected)


def rating(scale: Scale) -> pa.Check:
    """A check that a cell is empty, a missing code or a score on ``scale``.

    Examples
    --------
    >>> rating(Scale(1, 5, ("9",))).error
    'a rating 1-5 or a missing code (9)'
    """
    return pa.Check(lambda s: scale.read(s)[1], error=scale.expected)


def period_format(spec: Mapping[str, Any]) -> pa.Check:
    """A check that a cell is a period in one of the formats of a ``period`` spec.

    Examples
    --------
    >>> period_format({"format": "FY{yy} Q{q}"}).error
    "a period like 'FY21 Q2' (format 'FY{yy} Q{q}')"
    """
    return pa.Check(lambda s: read_periods(s, spec)["time"].notna(), error=describe_period_format(spec))


def raw_schema(checks: dict[str, list[pa.Check]]) -> pa.DataFrameSchema:
    """A schema of text columns, each required and checked by its own list of checks."""
    return pa.DataFrameSchema({c: pa.Column(str, list(v), nullable=False) for c, v in checks.items()})


def validate_raw(frame: pd.DataFrame, schema: pa.DataFrameSchema, shown: str) -> None:
    """Validate a raw text frame; raise :class:`DataError` listing every failing cell.

    Rows are numbered as in a spreadsheet (header = row 1), columns by their name in the file.

    Examples
    --------
    >>> schema = raw_schema({"score": [number("a number")]})
    >>> validate_raw(pd.DataFrame({"score": ["1", "x"]}), schema, "data/s.csv")
    Traceback (most recent call last):
    ...
    cxlab.errors.DataError: 1 problem in the input data:
      - data/s.csv, row 3, column 'score': found 'x', expected a number
    """
    problems = raw_problems(frame, schema, shown)
    if problems:
        raise DataError(problems)


def raw_problems(frame: pd.DataFrame, schema: pa.DataFrameSchema, shown: str) -> list[Problem]:
    """Every failing cell of a raw text frame as a :class:`Problem` (see :func:`validate_raw`).

    The header's row is ``frame.attrs["header_row"]`` (1 unless a reader found title rows).

    Excel formulas without a saved result in a checked column (``frame.attrs["formulas"]``, see
    :mod:`cxlab.data.readers`) are problems too: such a cell is not an empty answer.

    Examples
    --------
    >>> raw_problems(pd.DataFrame({"score": ["1"]}), raw_schema({"id": []}), "s.csv")
    [Problem(file='s.csv', row=1, column='id', value=None, expected='this column in the header')]
    """
    formulas = [Problem(shown, int(index) + 2, column, formula, "a value: the workbook keeps this formula without "
                        "its result (it was written by a program that does not calculate); open and save it in a "
                        "spreadsheet program, or paste the values")
                for (index, column), formula in sorted(frame.attrs.get("formulas", {}).items())
                if column in schema.columns]
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cells = {(p.row, p.column) for p in formulas}
        found = [p for p in _problems(err.failure_cases, shown, frame.attrs.get("header_row", 1))
                 if (p.row, p.column) not in cells]
        return sorted(found + formulas, key=lambda p: (p.row or 0, p.column or ""))
    return formulas


def _problems(cases: pd.DataFrame, shown: str, header_row: int) -> list[Problem]:
    problems = []
    for case in cases.itertuples(index=False):
        if case.check == "column_in_dataframe":
            problems.append(Problem(shown, header_row, str(case.failure_case), None, "this column in the header"))
        elif case.index is None or pd.isna(case.index):
            problems.append(Problem(shown, None, case.column, None, str(case.check)))
        else:
            problems.append(
                Problem(shown, int(case.index) + 2, case.column, case.failure_case, str(case.check))
            )
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


#: The check on a period label (see :func:`cxlab.data.periods.parse_period`).
PERIOD = pa.Check(
    lambda s: s.map(is_period).astype(bool),
    error=f"a period: year (2019), quarter (2019-Q1), month (2019-03) or span (2019-2020), with years "
          f"{FIRST_YEAR}-{LAST_YEAR} and a span ending after it starts",
)

SCORES = pa.DataFrameSchema(
    {
        "index": pa.Column(str),
        "series": pa.Column(str),
        "entity": pa.Column(str),
        "period": pa.Column(str, pa.Check.str_matches(PERIOD_PATTERN)),
        "period_kind": pa.Column(str, pa.Check.isin(["year", "quarter", "month", "span"])),
        "period_start": pa.Column("datetime64[ns]"),
        "period_end": pa.Column("datetime64[ns]"),
        "time": pa.Column(float),
        "score": pa.Column(float, pa.Check.ge(0)),
        "scale_max": pa.Column(float, pa.Check.gt(0)),
        "score_100": pa.Column(float, pa.Check.in_range(0, 100)),
        "value_type": pa.Column(str, pa.Check.isin(["stated", "derived"])),
        "note": pa.Column(str),
        "source": pa.Column(str),
    },
    strict=True,
    coerce=True,
)

ANSWER_COUNTS = pa.DataFrameSchema(
    {
        "record_id": pa.Column(str),
        "agency": pa.Column(str),
        "agency_abbr": pa.Column(str),
        "provider": pa.Column(str),
        "service": pa.Column(str),
        "channel": pa.Column(str),
        "touchpoint": pa.Column(str),
        "fiscal_year": pa.Column(int, pa.Check.in_range(FIRST_YEAR, LAST_YEAR,
                                                        error=f"a fiscal year from {FIRST_YEAR} to {LAST_YEAR}")),
        "quarter": pa.Column(int, pa.Check.in_range(1, 4)),
        "period": pa.Column(str),
        "time": pa.Column(float),
        "driver": pa.Column(str, pa.Check.isin(list(DRIVERS))),
        "questions": pa.Column(str),
        "question_text": pa.Column(str),
        **{f"count_{k}": pa.Column(float, pa.Check.ge(0)) for k in range(1, 6)},
        "n": pa.Column(float, pa.Check.gt(0)),
        "answers": pa.Column(int, pa.Check.gt(0)),
        "customers": pa.Column(float, nullable=True),
        "offered_survey": pa.Column(float, nullable=True),
        "respondents": pa.Column(float, nullable=True),
        "flag": pa.Column(str),
    },
    strict=True,
    coerce=True,
)
