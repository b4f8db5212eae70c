"""Errors about input data that name the place: file, row, column, value, what was expected."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DataError", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    ``row`` counts as a spreadsheet does: the header is row 1, the first record row 2.

    Examples
    --------
    >>> print(Problem("data/x.csv", 3, "score", "abc", "a number from 0 to 100"))
    data/x.csv, row 3, column 'score': found 'abc', expected a number from 0 to 100
    """

    file: str
    row: int | None
    column: str | None
    value: object
    expected: str

    def __str__(self) -> str:
        place = [self.file]
        if self.row is not None:
            place.append(f"row {self.row}")
        if self.column is not None:
            place.append(f"column '{self.column}'")
        found = "" if self.value is None else f"found {self.value!r}, "
        return f"{', '.join(place)}: {found}expected {self.expected}"


class DataError(ValueError):
    """Raised when input data fail validation; carries every problem found, not only the first.

    Examples
    --------
    >>> err = DataError([Problem("a.csv", 2, "n", "-1", "a count >= 0")])
    >>> print(err)
    1 problem in the input data:
      - a.csv, row 2, column 'n': found '-1', expected a count >= 0
    """

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [f"  - {p}" for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the input data:\n" + "\n".join(lines)
        )
