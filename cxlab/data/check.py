"""``cxlab data check``: validate a data set and print every problem, or what was loaded.

``cxlab data check NAME`` checks a registered data set (its entry, the file's sha256, every
value); ``cxlab data check PATH --mapping FILE`` checks a file that is not registered yet with
an entry in a mapping file, and prints the sha256 to register it with. The exit code is 0 when
the data load, 1 when anything is wrong.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxlab.data import registry
from cxlab.errors import DataError, Problem

if TYPE_CHECKING:  # loaded when a check runs, so the cxlab command starts fast
    import pandas as pd

__all__ = ["CheckResult", "add_data_commands", "check", "describe", "describe_left_out"]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a check: every problem found, or the loaded table."""

    source: registry.Source
    problems: list[Problem] = field(default_factory=list)
    table: pd.DataFrame | None = None
    left_out: pd.DataFrame | None = None

    @property
    def ok(self) -> bool:
        """True when the data set loaded without a problem."""
        return not self.problems


def check(target: str, *, mapping: Path | None = None) -> CheckResult:
    """Check a registered data set by name, or a file (``target`` a path) with a mapping file.

    Examples
    --------
    >>> folder = registry.data_dir() / "examples"
    >>> result = check(str(folder / "service_survey.csv"), mapping=folder / "service_survey.yml")
    >>> result.ok, len(result.table)
    (True, 720)
    >>> check("cx_benchmarks").ok, check("fevs_engagement").ok
    (True, True)
    """
    source = registry.mapping_source(Path(target), mapping) if mapping else registry.source(target)
    try:
        from cxlab.data.loaders import crosswalk_of_source, left_out_of_source, load_source

        table = load_source(source)
        if "crosswalk" in source.entry:
            crosswalk_of_source(source, table=table)
        return CheckResult(source, table=table, left_out=left_out_of_source(source))
    except DataError as err:
        return CheckResult(source, problems=err.problems)


def describe(table: pd.DataFrame) -> list[str]:
    """Plain lines on what a loaded table holds: rows and the file's columns, items and scales,
    entities, periods, weights, how respondents are identified, and codes without a label.

    Examples
    --------
    >>> folder = registry.data_dir() / "examples"
    >>> for line in describe(check(str(folder / "service_survey.csv"), mapping=folder / "service_survey.yml").table):
    ...     print(line)
    720 rows; the file has 9 columns
    4 items on 0-10: satisfaction, ease, trust, recommend
    3 entities: North office, Online service, South office
    4 periods: FY2021-Q1, FY2021-Q2, FY2021-Q3, FY2021-Q4
    weights from 0.505 to 1.897
    >>> print(describe(check("sandiego_2015").table)[0])
    2477 rows; the file has 119 columns
    """
    columns = table.attrs.get("file_columns", table.shape[1])
    lines = [f"{len(table)} rows; the file has {_count(columns, 'column')}"]
    if "items" in table.attrs:
        scales = table.attrs.get("scales") or dict.fromkeys(table.attrs["items"], table.attrs["scale"])
        on: dict[tuple[float, float], list[str]] = {}
        for item, scale in scales.items():
            on.setdefault(tuple(scale), []).append(item)
        lines += [f"{_count(len(items), 'item')} on {low:g}-{high:g}: {_some(items)}" for (low, high), items in on.items()]
    for column, word in (("entity", "entity"), ("period", "period")):
        if column in table:
            values = sorted(table[column].dropna().unique())
            lines.append(f"{_count(len(values), word)}: {_some(values)}")
    if "weight" in table:
        lines.append(f"weights from {table['weight'].min():g} to {table['weight'].max():g}")
    if "respondent_id" in table and "items" in table.attrs and not table.attrs.get("respondent_id"):
        lines.append("no respondent id column: each respondent is identified by the row number in the file")
    for column, codes in (table.attrs.get("unlabelled") or {}).items():
        found = ", ".join(f"{code} ({_count(rows, 'row')})" for code, rows in list(codes.items())[:8])
        lines.append(f"{column}: {_count(len(codes), 'code')} without a label, kept as "
                     f"{'it is' if len(codes) == 1 else 'they are'}: {found}{', ...' if len(codes) > 8 else ''}")
    return lines


def _count(number: int, word: str) -> str:
    """A count with its word, in the plural unless it is 1 (entity -> entities).

    Examples
    --------
    >>> _count(1, "period"), _count(3, "entity"), _count(0, "row")
    ('1 period', '3 entities', '0 rows')
    """
    plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{number:,} {word if number == 1 else plural}"


def describe_left_out(left_out: pd.DataFrame) -> list[str]:
    """Plain lines on the rows a loader left out: every screened row with its reason, then a count of the rest.

    Examples
    --------
    >>> lines = describe_left_out(check("a11_hisp").left_out)
    >>> print(lines[0])  # doctest: +ELLIPSIS
    245 rows screened out (left out of every estimate; cxlab.load(NAME, keep_flagged=True) keeps them):
    >>> print(lines[-1])
    368 question slots not used: 291 measure none of the drivers, 70 have no answers, 7 have answers but no text
    """
    from cxlab.data.screening import CHECKS

    screened = left_out[left_out["check"].isin(list(CHECKS))]
    lines = []
    if len(screened):
        lines.append(f"{len(screened)} rows screened out (left out of every estimate; "
                     "cxlab.load(NAME, keep_flagged=True) keeps them):")
        lines += [f"  row {r.row}, record {r.record_id}, {r.question} ({r.service}, {r.period}): {r.reason}"
                  for r in screened.itertuples()]
    unreviewed = left_out[left_out["check"] == "unreviewed"].drop_duplicates("question_text")
    if len(unreviewed):
        lines.append(f"{len(unreviewed)} question texts are not in the reviewed table of question drivers:")
        lines += [f"  {r.question_text!r}: {r.reason}" for r in unreviewed.itertuples()]
    rest = left_out[~left_out["check"].isin(list(CHECKS))]
    if len(rest):
        kinds = {"not_a_driver": "measure none of the drivers", "no_answers": "have no answers",
                 "no_text": "have answers but no text", "unreviewed": "are not in the reviewed table"}
        counts = rest["check"].value_counts()
        lines.append(f"{len(rest)} question slots not used: "
                     + ", ".join(f"{counts[k]} {words}" for k, words in kinds.items() if k in counts))
    return lines


def _some(values: list, most: int = 8) -> str:
    return ", ".join(map(str, values[:most])) + (", ..." if len(values) > most else "")


def add_data_commands(commands: Any) -> None:
    """Add ``data check`` to the ``cxlab`` command's subparsers (``commands``).

    Each parser's ``run`` default takes the parsed arguments and a ``rich`` console and returns
    the exit code, as the other ``cxlab`` commands do.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="cxlab")
    >>> add_data_commands(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["data", "check", "cx_benchmarks"])
    >>> args.target, args.mapping
    ('cx_benchmarks', None)
    """
    data = commands.add_parser("data", help="check data sets: cxlab data check NAME | PATH --mapping FILE")
    actions = data.add_subparsers(dest="data_command", required=True)
    checking = actions.add_parser("check", help="validate a data set and print every problem")
    checking.add_argument("target", help="a registered data set's name, or a file's path with --mapping")
    checking.add_argument("--mapping", type=Path, help="a YAML file with the file's registry entry")
    checking.set_defaults(run=_run_check)


def _run_check(args: argparse.Namespace, console: Any) -> int:
    result = check(args.target, mapping=args.mapping)
    name = result.source.entry["name"]
    if not result.ok:
        count = len(result.problems)
        console.print(f"{name}: {count} problem{'s' if count != 1 else ''}", markup=False)
        for problem in result.problems:
            console.print(f"  - {problem}", markup=False)
        return 1
    console.print(f"{name}: no problems", markup=False)
    for line in describe(result.table) + describe_left_out(result.left_out):
        console.print(f"  {line}", markup=False)
    if not result.source.registered:
        digest = registry.sha256(result.source.path())
        console.print(f"  to register it, give datasets.yml the entry with sha256: {digest}", markup=False)
    return 0
