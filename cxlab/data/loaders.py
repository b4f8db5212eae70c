"""Load a registered data set into a validated tidy DataFrame: ``cxlab.load(name)``.

Seven layouts, chosen by the registry entry's ``layout`` (keys in ``data/README.md``):

``scores``
    published index points, one row per entity and period (``cx_benchmarks``), or per entity,
    period and measure when one row holds several measures (``fevs_engagement``);
``answer_counts``
    A-11 style: counts of answers at each scale point in numbered question slots, one tidy row
    per record and question (``a11_hisp``);
``counts``
    an answer-count table with one row per cell and question and a count column per scale point;
``respondents``
    one row per respondent with rating items in columns (``sandiego_2015``);
``answers``
    one row per respondent and item (long); reshaped to the same table as ``respondents``;
``comments``
    one row per free-text comment (``cfpb_complaints``), its text scrubbed of personal data;
``a11_respondents``
    the A-11 respondent-level responses of FY2024 onward, joined to their collection details.

Nothing is returned unless the whole file is valid: every problem found is raised together in
one :class:`cxlab.errors.DataError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pyarrow import types as pa_types

from cxlab.data import registry
from cxlab.data.a11_drivers import DRIVERS, normalise_text, reviewed_drivers
from cxlab.data.chunks import Piece, spread, stack
from cxlab.data.entries import A11_DRIVERS, A11_FLAGS, DETAIL_KEYS, check_entry, mapped_columns
from cxlab.data.labels import in_bands, label_problems, label_table
from cxlab.data.metadata import read_only
from cxlab.data.people import count_people
from cxlab.data.periods import parse_periods, period_formats, period_unit, read_periods
from cxlab.data.readers import ArrowChunk, numbers, read_chunks, read_table, whole_numbers
from cxlab.data.registry import FILE_KEYS, Source
from cxlab.data.scales import Scale
from cxlab.data.screening import CHECKS, screen
from cxlab.data.scrub import scrub
from cxlab.data.tablecache import cached, digest
from cxlab.errors import DataError, Problem
from cxlab.data.schemas import (
    ANSWER_COUNTS,
    PERIOD,
    SCORES,
    filled,
    number,
    one_of,
    period_format,
    positive,
    rating,
    raw_problems,
    raw_schema,
    validate_raw,
)

if TYPE_CHECKING:
    import dask.dataframe as dd

__all__ = ["LEFT_OUT_COLUMNS", "MAX_PROBLEMS", "load", "load_source", "excluded", "left_out_of_source", "dictionary",
           "questions", "crosswalk", "crosswalk_of_source"]

#: The columns of :func:`excluded` (and of a loaded answer-count table's ``attrs["flagged"]`` records).
LEFT_OUT_COLUMNS = ["row", "record_id", "agency", "service", "period", "question", "question_text", "driver", "n",
                    "check", "reason"]
#: A large file stops being checked after this many problems (the ones found are all listed).
MAX_PROBLEMS = 10_000
#: Tidy names with a meaning of their own in the generic layouts; other mapped columns stay text.
_SPECIAL = {"respondent_id", "entity", "period", "weight", "item", "value", "question", "total"}


def load(name: str, *, keep_flagged: bool = False, lazy: bool = False) -> pd.DataFrame | dd.DataFrame:
    """Load the registered data set ``name`` as a validated tidy table.

    With ``lazy=True`` a respondent data set of many Parquet files (``file`` a folder or a glob)
    comes as a Dask DataFrame, one partition per file, each validated when it is computed
    (:mod:`cxlab.data.lazy`); :func:`cxlab.summarize` takes it as it is.

    The file's sha256 must match the registry, every column the mapping names must be there,
    and every value must be of the kind expected; otherwise a :class:`cxlab.errors.DataError`
    lists each problem with its file, row and column.

    Answer-count data (the ``answer_counts`` layout) are screened first (:mod:`cxlab.data.screening`):
    rows that cannot be answer distributions are left out unless ``keep_flagged`` is True (then
    their reasons are in the ``flag`` column), and each respondent is counted once per driver
    (:mod:`cxlab.data.people`). ``table.attrs["flagged"]`` holds the flagged rows (as records: the
    screened part of :func:`excluded`).

    Examples
    --------
    >>> scores = load("cx_benchmarks")
    >>> scores.query("series == 'federal_government' and index == 'ACSI' and period == '2019'")[
    ...     ["score", "value_type"]].to_dict("records")
    [{'score': 68.1, 'value_type': 'derived'}]
    >>> a11 = load("a11_hisp")
    >>> a11["driver"].nunique(), bool((a11["n"] <= a11["respondents"].where(a11["respondents"] > 0, a11["n"])).all())
    (7, True)
    >>> load("sandiego_2015").shape[0]
    2477
    """
    if lazy:
        from cxlab.data.lazy import load_lazy

        return load_lazy(name)
    return load_source(registry.source(name), keep_flagged=keep_flagged)


def load_source(source: Source, *, keep_flagged: bool = False) -> pd.DataFrame:
    """Load a data set from its :class:`cxlab.data.registry.Source` (registered or a mapping file).

    Examples
    --------
    >>> folder = registry.data_dir() / "examples"
    >>> survey = load_source(registry.mapping_source(folder / "service_survey.csv",
    ...                                             folder / "service_survey.yml"))
    >>> survey.attrs["items"], survey.attrs["scale"], survey.attrs["order"]["entity"][0]
    (['satisfaction', 'ease', 'trust', 'recommend'], (0.0, 10.0), 'Online service')
    """
    _check(source)
    if not source.registered:
        return _validated(source, keep_flagged)
    for key in FILE_KEYS:
        if key in source.entry:
            source.path(key)  # a file changed since registration is refused, cached or not
    key = digest([source.entry, str(source.folder), keep_flagged])
    return cached("tables", key, lambda: _validated(source, keep_flagged))


def _validated(source: Source, keep_flagged: bool) -> pd.DataFrame:
    """The data set read, checked and made tidy, its metadata read-only (:mod:`cxlab.data.metadata`)."""
    with _tidy_checked(source):
        if source.entry["layout"] == "answer_counts":
            table = _load_answer_counts(source, keep_flagged=keep_flagged)
        else:
            table = _LAYOUTS[source.entry["layout"]](source)
    if source.entry.get("order"):
        table.attrs["order"] = {column: list(values) for column, values in source.entry["order"].items()}
    table.attrs = read_only(table.attrs)
    return table


def questions(name: str, *, keep_flagged: bool = False) -> pd.DataFrame:
    """The usable rows of an answer-count data set one per record and question, as in the file.

    This is the table before each respondent is counted once (:func:`load` gives that one):
    whole counts as the agencies reported them, the stated ``reported_mean``, the question's
    ``driver``, and the screening's ``check`` and ``reason`` (empty unless ``keep_flagged``).
    Use it to audit a number, not to estimate: two questions on one driver count a respondent
    twice here.

    Examples
    --------
    >>> rows = questions("a11_hisp")
    >>> row = rows[(rows["record_id"] == "1") & (rows["question"] == "q1")].iloc[0]
    >>> row["driver"], int(row["count_1"]), int(row["n"]), float(row["reported_mean"])
    ('satisfaction', 2302, 320979, 4.7)
    """
    source = registry.source(name)
    _check(source)
    if source.entry["layout"] != "answer_counts":
        raise ValueError(f"data set {name!r} has layout {source.entry['layout']!r}, not answer_counts")
    table = _answer_count_table(source)
    usable = table["check"].isin(["", *CHECKS]) if keep_flagged else table["check"].eq("")
    return table[usable & table["driver"].notna()].reset_index(drop=True)


def excluded(name: str) -> pd.DataFrame:
    """The rows a loader left out, each with its check and reason (empty for most data sets).

    For answer-count data: every question slot that cannot be used (no text, no answers, a
    text that measures none of the drivers or is not in the reviewed table) and every row the
    screening flagged (``check`` is then a key of :data:`cxlab.data.screening.CHECKS`).

    Examples
    --------
    >>> left_out = excluded("a11_hisp")
    >>> left_out.columns.tolist()
    ['row', 'record_id', 'agency', 'service', 'period', 'question', 'question_text', 'driver', 'n', 'check', 'reason']
    >>> left_out.query("record_id == '121' and question == 'q1'")["reason"].iloc[0]
    'its only non-zero count, 4 at point 4, equals the score it stands for: a score typed into a count cell'
    """
    return left_out_of_source(registry.source(name))


def left_out_of_source(source: Source) -> pd.DataFrame:
    """:func:`excluded` for a :class:`cxlab.data.registry.Source` (registered or a mapping file).

    Examples
    --------
    >>> left_out_of_source(registry.source("cx_benchmarks")).empty
    True
    """
    _check(source)
    if source.entry["layout"] != "answer_counts":
        return pd.DataFrame(columns=LEFT_OUT_COLUMNS)
    with _tidy_checked(source):
        questions = _answer_count_table(source)
    return _left_out(questions[questions["check"] != ""])


def dictionary(name: str) -> pd.DataFrame:
    """The data dictionary of a respondent-level data set: item, text and answer labels.

    Examples
    --------
    >>> d = dictionary("sandiego_2015").set_index("item")
    >>> d.loc["Q15_3", "text"]
    'Overall customer service'
    """
    source = registry.source(name)
    if "dictionary" not in source.entry:
        raise KeyError(f"data set {name!r} has no dictionary file in datasets.yml")
    return _dictionary(source)


def _check(source: Source) -> None:
    problems = check_entry(source.entry, source.registry_file)
    if problems:
        raise DataError(problems)


@contextmanager
def _tidy_checked(source: Source) -> Iterator[None]:
    """Turn a failed check of a tidy table into a problem naming the file, column, value and rule.

    The raw checks catch nearly everything with its row; this catches what only the typed
    values show (an A-11 fiscal year of 1800), so no schema traceback reaches the user.
    """
    try:
        yield
    except pa.errors.SchemaError as err:
        columns = source.entry.get("columns") or {}
        column = str(columns.get(err.column_name, err.column_name))
        values = err.failure_cases["failure_case"].drop_duplicates().tolist()[:5] \
            if isinstance(err.failure_cases, pd.DataFrame) else [err.failure_cases]
        expected = getattr(err.check, "error", None) or str(err.check or "a value of the documented type")
        raise DataError([Problem(source.shown(), None, column, value, expected) for value in values]) from None


def _same_number(ids: pd.Series, shown: str, column: str) -> list[Problem]:
    """Ids written differently that read as one number (``1``, ``01``, ``001``): ids are numbers then.

    Examples
    --------
    >>> [str(p) for p in _same_number(pd.Series(["1", "01", "2", "001"]), "x.csv", "id")]
    ["x.csv, row 3, column 'id': found '01', expected each respondent id written one way: row 2 has '1', the same number", "x.csv, row 5, column 'id': found '001', expected each respondent id written one way: row 2 has '1', the same number"]
    """
    numbered = whole_numbers(ids)
    if numbered is None or pd.api.types.is_integer_dtype(ids.dtype):  # integers have one spelling each
        return []
    spellings = pd.DataFrame({"text": ids, "number": numbered}).drop_duplicates()
    first = spellings.drop_duplicates("number")
    row_of, text_of = (pd.Series(v, index=first["number"]) for v in (first.index.to_numpy(), first["text"].to_numpy()))
    return [Problem(shown, int(i) + 2, column, text, f"each respondent id written one way: row "
                    f"{int(row_of[number]) + 2} has {text_of[number]!r}, the same number")
            for i, text, number in spellings[spellings.duplicated("number")].itertuples()]


def _dictionary(source: Source) -> pd.DataFrame:
    shown = source.shown("dictionary")
    columns = ["question_number", "question_text", "question_responses"]
    raw = read_table(source.path("dictionary"), shown, find=columns)
    validate_raw(raw, raw_schema(dict.fromkeys(columns, [])), shown)
    return raw.rename(
        columns={"question_number": "item", "question_text": "text", "question_responses": "answers"}
    )[["item", "text", "answers"]]


def _read(source: Source) -> tuple[pd.DataFrame, str]:
    shown = source.shown()
    return read_table(source.path(), shown, find=mapped_columns(source.entry),
                      options=source.entry.get("read")), shown


def _load_scores(source: Source) -> pd.DataFrame:
    """Published points: one tidy row per file row, or per file row and measure with ``measures``.

    The columns of :data:`cxlab.data.schemas.SCORES`, then any other mapped column as text in
    the order of the mapping. ``series`` and ``score`` come from ``measures`` when the entry has
    them (``series`` is then the measure's name), and a tidy name in ``constants`` is the same
    for every row. ``attrs["measures"]`` lists the measures and ``attrs["labels"]`` their wording.
    """
    raw, shown = _read(source)
    entry = source.entry
    cols, constants = entry["columns"], entry.get("constants") or {}
    measures = entry.get("measures") or {"score": cols["score"]}
    checks: dict[str, list] = {c: [] for c in cols.values()}
    checks[cols["period"]] = [PERIOD]
    checks.update({c: [number("a number")] for c in measures.values()})
    if "scale_max" in cols:
        checks[cols["scale_max"]] = [positive("a number > 0 (the top of the scale)")]
    if "value_type" in cols:
        checks[cols["value_type"]] = [one_of(["stated", "derived"])]
    validate_raw(raw, raw_schema(checks), shown)
    base = raw.rename(columns={v: k for k, v in cols.items()})[list(cols)].assign(**constants)
    parts = [base.assign(row=raw.index, column=column, score=raw[column],
                         **({"series": name} if "measures" in entry else {}))
             for name, column in measures.items()]
    tidy = pd.concat(parts).sort_values("row", kind="stable", ignore_index=True)
    tidy["score"] = numbers(tidy["score"])
    tidy["scale_max"] = numbers(tidy["scale_max"].astype(str))
    over = tidy[(tidy["score"] < 0) | (tidy["score"] > tidy["scale_max"])]
    if len(over):
        raise DataError([Problem(shown, int(r.row) + 2, r.column, raw.at[r.row, r.column],
                                 f"a score from 0 to the row's top of the scale ({r.scale_max:g})")
                         for r in over.itertuples()])
    tidy["score_100"] = tidy["score"] / tidy["scale_max"] * 100
    tidy = pd.concat([tidy, parse_periods(tidy["period"])], axis=1)
    tidy["note"] = tidy["note"].astype(str)
    scores = SCORES.validate(tidy[list(SCORES.columns)])
    others = [k for k in cols if k not in SCORES.columns]
    table = pd.concat([scores, tidy[others]], axis=1)
    table.attrs.update(measures=list(measures) if "measures" in entry else [],
                       labels=dict(entry.get("labels") or {}), file_columns=raw.attrs["file_columns"])
    return table


def crosswalk(name: str) -> pd.DataFrame:
    """The reviewed crosswalk of a data set: which of its entities each name of another data set belongs to.

    The entry's ``crosswalk`` file has one row per name used by the data set that
    ``crosswalk_of`` names (its ``from`` column), the entity of this data set it belongs to (its
    ``to`` column; empty when there is none) and the ``reason``. Every name appears once, every
    row gives a reason, and every entity named is one this data set has.

    Returns
    -------
    DataFrame
        ``from_entity``, ``entity`` (empty text when there is none), ``reason``, then the file's
        other columns as text. ``attrs["of"]`` is the entry's ``crosswalk_of``
        (``{"data": ..., "column": ...}``).

    Examples
    --------
    >>> agencies = crosswalk("fevs_engagement")
    >>> agencies.attrs["of"]
    {'data': 'a11_hisp', 'column': 'agency'}
    >>> agencies.set_index("from_entity").loc["Internal Revenue Service", "entity"]
    'Department of the Treasury'
    >>> agencies.set_index("from_entity").loc["Department of Veterans Affairs", "entity"]
    ''
    """
    return crosswalk_of_source(registry.source(name))


def crosswalk_of_source(source: Source, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`crosswalk` for a :class:`cxlab.data.registry.Source` (registered or a mapping file).

    ``table`` is the data set as already loaded (it is loaded when not given), for its entities.
    """
    _check(source)
    if "crosswalk" not in source.entry:
        raise KeyError(f"data set {source.entry['name']!r} has no crosswalk in datasets.yml")
    shown, cols = source.shown("crosswalk"), source.entry["crosswalk_columns"]
    raw = read_table(source.path("crosswalk"), shown, find=list(cols.values()))
    validate_raw(raw, raw_schema({cols["from"]: [filled("a name as the other data set writes it")],
                                  cols["to"]: [],
                                  cols["reason"]: [filled("why the name belongs to this entity, or to none")]}), shown)
    names = raw[cols["from"]].str.strip()
    entities = set((load_source(source) if table is None else table)["entity"])
    problems = _repeated(names, shown, cols["from"], "a name")
    problems += [Problem(shown, int(i) + 2, cols["to"], v, "an entity of this data set, or empty for none")
                 for i, v in raw[cols["to"]].str.strip().items() if v and v not in entities]
    if problems:
        raise DataError(problems)
    tidy = raw.apply(lambda c: c.str.strip()).rename(columns={cols["from"]: "from_entity", cols["to"]: "entity",
                                                              cols["reason"]: "reason"})
    table = tidy[["from_entity", "entity", "reason", *(c for c in tidy.columns
                                                        if c not in {"from_entity", "entity", "reason"})]]
    table = table.reset_index(drop=True)
    table.attrs["of"] = dict(source.entry["crosswalk_of"])
    return table


def _load_answer_counts(source: Source, *, keep_flagged: bool = False) -> pd.DataFrame:
    """One row per record and driver, each respondent counted once (see :mod:`cxlab.data.people`)."""
    questions = _answer_count_table(source)
    usable = questions["check"].isin(["", *CHECKS]) if keep_flagged else questions["check"].eq("")
    kept = questions[usable & questions["driver"].notna()]
    counts = [c for c in kept.columns if c.startswith("count_")]
    people = count_people(kept.drop(columns=["check", "reason"]), counts=counts)
    people["flag"] = kept.groupby(["record_id", "driver"], sort=False)["reason"].agg(
        lambda reasons: "; ".join(r for r in reasons if r)).to_numpy() if keep_flagged else ""
    tidy = ANSWER_COUNTS.validate(people[list(ANSWER_COUNTS.columns)])
    tidy.attrs.update(flagged=_left_out(questions[questions["check"].isin(list(CHECKS))]).to_dict("records"),
                      file_columns=questions.attrs["file_columns"])
    return tidy


def _answer_count_table(source: Source) -> pd.DataFrame:
    """One row per record and question slot, with its driver and the screening's ``check`` and ``reason``.

    ``check`` is empty for a usable row, a key of :data:`cxlab.data.screening.CHECKS` for a row the
    screening flagged, or ``no_text``, ``no_answers``, ``not_a_driver``, ``unreviewed`` for a
    row that cannot be used at all.
    """
    raw, shown = _read(source)
    entry = source.entry
    cols, spec = entry["columns"], entry["questions"]
    low, high = entry["scale"]["min"], entry["scale"]["max"]
    points = range(low, high + 1)
    slots = range(1, spec["slots"] + 1)
    count_col = {(s, p): spec["count"].format(slot=s, point=p) for s in slots for p in points}
    checks = {c: [] for c in cols.values()}
    checks[cols["fiscal_year"]] = [number("a year", whole=True)]
    checks[cols["quarter"]] = [one_of(["1", "2", "3", "4"], "a quarter 1-4")]
    for key in ("customers", "offered_survey", "respondents"):
        checks[cols[key]] = [number("a count >= 0 or empty", whole=True, optional=True)]
    for s in slots:
        checks[spec["text"].format(slot=s)] = []
        checks[spec["mean"].format(slot=s)] = [number("a mean or empty", optional=True)]
    for column in count_col.values():
        checks[column] = [number("a count of answers: a whole number >= 0, or empty", whole=True, optional=True)]
    validate_raw(raw, raw_schema(checks), shown)

    base = raw.rename(columns={v: k for k, v in cols.items()})[list(cols)].apply(
        lambda c: c.map(normalise_text))
    base["row"] = raw.index + 2
    base["fiscal_year"] = base["fiscal_year"].astype(float).astype(int)
    base["quarter"] = base["quarter"].astype(int)
    label = entry.get("period", {}).get("label", "{year}-Q{quarter}")
    base["period"] = [label.format(year=y, quarter=q) for y, q in zip(base["fiscal_year"], base["quarter"])]
    base["time"] = base["fiscal_year"] + (base["quarter"] - 1) / 4
    for key in ("customers", "offered_survey", "respondents"):
        base[key] = numbers(base[key]).astype(float)

    long = pd.concat(
        [
            base.assign(
                question=f"q{s}",
                question_text=raw[spec["text"].format(slot=s)].map(normalise_text),
                reported_mean=numbers(raw[spec["mean"].format(slot=s)]).astype(float),
                **{f"count_{p - low + 1}": numbers(raw[count_col[s, p]]).fillna(0).astype(int)
                   for p in points},
            )
            for s in slots
        ],
        ignore_index=True,
    )
    counts = [f"count_{k}" for k in range(1, high - low + 2)]
    long["n"] = long[counts].sum(axis=1)
    empty = {normalise_text(t) for t in spec.get("empty_texts", [""])}
    long = long[(long["n"] > 0) | ~long["question_text"].isin(empty)].reset_index(drop=True)
    empty_text = long["question_text"].isin(empty)
    long = long.join(reviewed_drivers(long["question_text"], _driver_table(source)))
    long.loc[long["n"] == 0, ["check", "reason"]] = ["no_answers", "a question text without any answers"]
    long.loc[empty_text, ["check", "reason"]] = ["no_text", "answer counts without a question text"]
    usable = long["check"].eq("")
    flags = screen(long[usable], counts=counts, points=list(points))
    long.loc[usable, ["check", "reason"]] = flags[["check", "reason"]].to_numpy()
    long.attrs["file_columns"] = raw.attrs["file_columns"]
    return long


def _driver_table(source: Source) -> pd.DataFrame:
    """The reviewed question-to-driver table the entry names (empty if it names none)."""
    columns = ["question_text", "driver", "reason"]
    if "driver_table" not in source.entry:
        return pd.DataFrame(columns=columns)
    shown = source.shown("driver_table")
    table = read_table(source.path("driver_table"), shown, find=columns)
    validate_raw(table, raw_schema({"question_text": [filled("a question text")],
                                    "driver": [one_of(["", *DRIVERS], "a driver or empty")],
                                    "reason": [filled("why the text measures this driver, or none")]}), shown)
    twice = table.index[table["question_text"].map(normalise_text).duplicated()]
    if len(twice):
        raise DataError([Problem(shown, int(i) + 2, "question_text", table.at[i, "question_text"],
                                 "each question text once") for i in twice])
    return table


def _left_out(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`_answer_count_table` that were left out, with what describes them."""
    return rows[LEFT_OUT_COLUMNS].sort_values("row", kind="stable", ignore_index=True)


def _cell_checks(entry: dict[str, Any]) -> dict[str, list]:
    """Checks of every mapped column: required to exist, and checked by what its tidy name means."""
    cols = entry["columns"]
    checks: dict[str, list] = {column: [] for column in cols.values()}
    meaning = {
        "respondent_id": lambda: [filled("a respondent id")],
        "entity": lambda: [filled("a name (not empty)")],
        "period": lambda: [period_format(entry["period"])],
        "weight": lambda: [positive("a weight: a finite number > 0 (a respondent without a weight cannot be used)")],
        "question": lambda: [filled("a question (not empty)")],
        "item": lambda: [filled("an item name (not empty)")],
        "value": lambda: [rating(Scale.from_entry(entry))],
        "total": lambda: [number("the number of answers: a whole number >= 0", whole=True)],
    }
    checks.update({cols[key]: make() for key, make in meaning.items() if key in cols})
    for spec in (entry.get("groups") or {}).values():
        checks[spec["column"]] = [_in_a_band(spec) if "bands" in spec else number("a number code", whole=True,
                                                                                   optional=True)]
    return checks


def _in_a_band(spec: dict[str, Any]) -> pa.Check:
    """A check that a cell of a banded group is empty, one of its missing codes or a number in one of its bands."""
    codes = {str(c) for c in spec.get("missing_codes", [])} | {""}
    bands = "; ".join(f"{label}: {low:g} to {'any higher' if high is None else f'under {high:g}'}"
                      for label, (low, high) in spec["bands"].items())
    return pa.Check(lambda s: s.str.strip().isin(codes) | in_bands(numbers(s), spec["bands"]).notna(),
                    error=f"a number in one of the group's bands ({bands}) or a missing code")


def _cell_columns(raw: pd.DataFrame, entry: dict[str, Any]) -> pd.DataFrame:
    """The tidy columns that describe a respondent or a cell, in the order of the mapping.

    ``entity`` is stripped of spaces, ``period`` becomes ``period`` and ``time``, ``weight`` a
    number; other mapped columns stay text as in the file. ``groups`` become number codes, their
    own missing codes NA (see :func:`_cell_column`).
    """
    out: dict[str, pd.Series] = {}
    for key, column in _cell_keys(entry):
        out.update(_cell_column(key, raw[column], entry))
    return pd.DataFrame(out, index=raw.index)


def _cell_keys(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """The tidy keys of :func:`_cell_columns` with the file column behind each, in their order.

    Examples
    --------
    >>> _cell_keys({"columns": {"respondent_id": "id", "entity": "office", "channel": "via"},
    ...             "groups": {"age": {"column": "AGE"}}})
    [('entity', 'office'), ('channel', 'via'), ('age', 'AGE')]
    """
    mapped = [(key, column) for key, column in entry["columns"].items()
              if key in {"entity", "period", "weight"} or key not in _SPECIAL]
    return mapped + [(key, spec["column"]) for key, spec in (entry.get("groups") or {}).items()]


def _cell_column(key: str, text: pd.Series, entry: dict[str, Any]) -> dict[str, pd.Series]:
    """The tidy column(s) of one key of :func:`_cell_keys` from the text of its file column.

    Examples
    --------
    >>> entry = {"columns": {"period": "wave"}, "period": {"format": "FY{yy} Q{q}"},
    ...          "groups": {"age": {"column": "AGE", "missing_codes": [99]}}}
    >>> _cell_column("period", pd.Series(["FY21 Q2"]), entry)["time"].tolist()
    [2021.25]
    >>> _cell_column("age", pd.Series(["3", "99", ""]), entry)["age"].tolist()
    [3, <NA>, <NA>]
    """
    groups = entry.get("groups") or {}
    if key == "entity":
        return {key: text.str.strip()}
    if key == "period":
        return dict(read_periods(text, entry["period"]).items())
    if key == "weight":
        return {key: numbers(text).astype(float)}
    if key in groups:
        codes = {str(c) for c in groups[key].get("missing_codes", [])}
        return {key: numbers(text.where(~text.str.strip().isin(codes), "")).astype(
            "Float64" if "bands" in groups[key] else "Int64")}
    return {key: text}


def _items(entry: dict[str, Any], names: Iterable[str]) -> list[str]:
    """The item names an entry's ``items`` (a list, or a regular expression) selects from ``names``."""
    spec = entry.get("items")
    if isinstance(spec, list):
        return spec
    names = pd.Series(pd.unique(pd.Series(list(names), dtype=str)))
    return names.tolist() if spec is None else names[names.str.match(spec)].tolist()


def _file_column(entry: dict[str, Any], key: str) -> str:
    """The file's column behind a tidy column of :func:`_cell_columns`."""
    groups = entry.get("groups") or {}
    return groups[key]["column"] if key in groups else entry["columns"]["period" if key == "time" else key]


def _load_respondents(source: Source) -> pd.DataFrame:
    """One row per respondent, items in columns; read in chunks so a large file stays small.

    Without ``columns.respondent_id`` the row number in the file (as in a spreadsheet) is the id.
    A Parquet chunk is checked on its own typed columns (:func:`_typed_part`); only a chunk with
    a problem is read as text, to name every problem with its row and column.
    """
    entry, shown = source.entry, source.shown()
    id_column = entry["columns"].get("respondent_id")
    parts, ids, problems = [], [], []
    listed = entry["items"] if isinstance(entry["items"], list) else []
    for chunk in read_chunks(source.path(), shown, find=mapped_columns(entry) + listed, options=entry.get("read"),
                             typed=True):
        items = _items(entry, list(chunk.columns))
        scales = {item: Scale.from_entry(entry, item) for item in items}
        checks = {**_cell_checks(entry), **{item: [rating(scales[item])] for item in items}}
        part = _typed_part(chunk, entry, scales, checks) if isinstance(chunk, ArrowChunk) else None
        raw = None
        if part is None:
            raw = chunk.text() if isinstance(chunk, ArrowChunk) else chunk
            problems += raw_problems(raw, raw_schema(checks), shown)
        ids.append(_chunk_ids(chunk, raw, id_column))
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem(shown, None, None, None, f"checking stopped after {MAX_PROBLEMS} problems"))
            break
        if not problems:
            parts.append(_text_part(raw, entry, scales) if part is None else part)
    if not items:
        problems.append(Problem(shown, chunk.attrs["header_row"], None, None,
                                f"rating item columns matching {entry['items']!r}"))
    ids = pd.concat(ids) if ids else pd.Series(dtype=str)
    if id_column:
        problems += _repeated(ids, shown, id_column, "a respondent id") + _same_number(ids, shown, id_column)
    if problems:
        raise DataError(problems)
    return _respondent_table(source, ids, stack(parts), items, chunk.attrs)


def _text_part(raw: pd.DataFrame, entry: dict[str, Any], scales: dict[str, Scale]) -> dict[str, Piece]:
    """The tidy columns of a chunk read as text, each one value per record.

    Each item's scores (missing codes and empty cells NA, in the dtype of its scale), then
    :func:`_cell_columns`.
    """
    items = {item: scale.read(raw[item])[0].astype(scale.dtype) for item, scale in scales.items()}
    return {name: (values, None) for name, values in [*items.items(), *_cell_columns(raw, entry).items()]}


def _typed_part(chunk: ArrowChunk, entry: dict[str, Any], scales: dict[str, Scale],
                checks: dict[str, list[pa.Check]]) -> dict[str, Piece] | None:
    """The tidy columns of a typed chunk when every checked cell passes, else None (then read it as text).

    A check of a cell depends on the cell's text alone, so each check runs on the text of a
    column's distinct values, and the tidy values of those are made the way :func:`_text_part`
    makes them from text; their codes spread them over the records (:mod:`cxlab.data.chunks`).
    Two columns are checked as numbers instead, which is what their checks say of numbers: an
    integer id column (no id may be empty, so no null) and a numeric weight column (every
    weight finite and > 0).

    Examples
    --------
    >>> entry = {"columns": {"respondent_id": "id", "weight": "w"}, "scale": {"min": 1, "max": 5},
    ...          "missing_codes": [9], "items": ["q1"]}
    >>> scales = {"q1": Scale.from_entry(entry)}
    >>> checks = {**_cell_checks(entry), "q1": [rating(scales["q1"])]}
    >>> import pyarrow
    >>> chunk = ArrowChunk({"id": pyarrow.array([1, 2]), "w": pyarrow.array([0.5, 2.0]),
    ...                     "q1": pyarrow.array([9, 4])}, start=0, rows=2, file_columns=3)
    >>> part = _typed_part(chunk, entry, scales, checks)
    >>> spread(part["q1"]).tolist(), spread(part["weight"]).tolist()
    ([<NA>, 4], [0.5, 2.0])
    >>> bad = ArrowChunk({"id": pyarrow.array([1, 2]), "w": pyarrow.array([0.5, 0.0]),
    ...                   "q1": pyarrow.array([9, 4])}, start=0, rows=2, file_columns=3)
    >>> _typed_part(bad, entry, scales, checks) is None
    True
    """
    if any(column not in chunk.columns for column in checks):
        return None
    numeric = _numeric_columns(chunk, entry)
    distinct = {column: chunk.distinct_text(column) for column in checks if column not in numeric}
    if not all(numeric.values()) or not all(bool(np.all(check(text).check_output))
                                            for column, (_, text) in distinct.items() for check in checks[column]):
        return None
    out = {item: (scale.read(distinct[item][1])[0].astype(scale.dtype), distinct[item][0])
           for item, scale in scales.items()}
    for key, column in _cell_keys(entry):
        if column in numeric:
            out[key] = (pd.Series(chunk.columns[column].to_numpy(zero_copy_only=False), dtype=float), None)
            continue
        codes, text = distinct.get(column) or chunk.distinct_text(column)
        out.update({name: (values, codes) for name, values in _cell_column(key, text, entry).items()})
    return out


def _numeric_columns(chunk: ArrowChunk, entry: dict[str, Any]) -> dict[str, bool]:
    """An integer id column and a numeric weight column of a chunk, each with whether it passes its check.

    Every other column is checked on the text of its distinct values (:func:`_typed_part`).
    """
    cols, found = entry["columns"], {}
    ids = chunk.columns.get(cols.get("respondent_id"))
    if ids is not None and pa_types.is_integer(ids.type):
        found[cols["respondent_id"]] = ids.null_count == 0
    weights = chunk.columns.get(cols.get("weight"))
    if weights is not None and (pa_types.is_integer(weights.type) or pa_types.is_floating(weights.type)):
        values = weights.to_numpy(zero_copy_only=False).astype(float)
        found[cols["weight"]] = weights.null_count == 0 and bool((np.isfinite(values) & (values > 0)).all())
    return found


def _chunk_ids(chunk: pd.DataFrame | ArrowChunk, raw: pd.DataFrame | None, id_column: str | None) -> pd.Series:
    """The respondent ids of a chunk: integers when a typed id column holds them all, else text.

    Without an id column, a respondent's row number (as text) is its id. ``raw`` is the chunk as
    text when it was read so.
    """
    index = chunk.index
    if not id_column:
        return pd.Series(index + 2, index=index).astype(str)
    if isinstance(chunk, ArrowChunk) and id_column in chunk.columns:
        values = chunk.columns[id_column]
        if pa_types.is_integer(values.type) and values.null_count == 0:
            return pd.Series(values.to_numpy(), index=index, dtype="int64")
        if raw is None:
            codes, text = chunk.distinct_text(id_column)
            return spread((text, codes)).set_axis(index)
    return raw[id_column]


def _load_answers(source: Source) -> pd.DataFrame:
    """One row per respondent and item in the file; the same tidy table as ``respondents``."""
    raw, shown = _read(source)
    entry, cols, scale = source.entry, source.entry["columns"], Scale.from_entry(source.entry)
    validate_raw(raw, raw_schema(_cell_checks(entry)), shown)
    long = pd.concat([raw[cols["respondent_id"]].rename("respondent_id"), raw[cols["item"]].str.strip().rename("item"),
                      scale.read(raw[cols["value"]])[0].rename("value"), _cell_columns(raw, entry)], axis=1)
    items = _items(entry, long["item"])
    long = long[long["item"].isin(items)]
    twice = long.duplicated(["respondent_id", "item"], keep="first")
    problems = [Problem(shown, int(i) + 2, cols["item"], raw.at[i, cols["item"]],
                        f"one answer per respondent and item (respondent {raw.at[i, cols['respondent_id']]!r} "
                        "answered it on an earlier row)") for i in long.index[twice]]
    problems += _same_number(raw[cols["respondent_id"]], shown, cols["respondent_id"])
    described = [k for k in long.columns if k not in {"respondent_id", "item", "value"}]
    first = long.groupby("respondent_id", sort=False)[described].transform("first")
    for key in described:
        column = _file_column(entry, key)
        differs = long.index[(long[key] != first[key]) & long[key].notna()] if key != "time" else []
        problems += [Problem(shown, int(i) + 2, column, raw.at[i, column],
                             f"the same {key} on every row of a respondent") for i in differs]
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.row or 0))
    respondents = pd.Series(pd.unique(long["respondent_id"]))
    wide = long.pivot(index="respondent_id", columns="item", values="value").reindex(index=respondents, columns=items)
    described_rows = long.drop_duplicates("respondent_id").set_index("respondent_id")[described]
    table = pd.concat([wide.astype(scale.dtype), described_rows], axis=1)
    return _respondent_table(source, respondents, table, items, raw.attrs)


def _respondent_table(source: Source, ids: pd.Series, table: pd.DataFrame, items: list[str],
                      read: dict[str, Any]) -> pd.DataFrame:
    """Put the typed ids first, refuse items without any answer, apply labels and bands, say what the table is.

    ``read`` is the ``attrs`` of the file as read (its header row and number of columns).
    ``attrs``: ``items``; ``labels`` (the wording of each item, and what the entity and each
    group are called: the entry's ``labels``, else the name); ``scale`` (the data set's);
    ``scales`` and ``missing_codes`` (each item's); ``missing`` (code: meaning); ``groups``
    (name: its entry); ``respondent_id`` (the file's id column, or None when the row number
    identifies a respondent); ``period_unit`` (``year``, ``quarter``, ``month`` or None);
    ``file_columns``; ``stated_importance``; ``value_labels`` and ``unlabelled``
    (:func:`cxlab.data.labels.label_table`).
    """
    entry, shown = source.entry, source.shown()
    problems = [Problem(shown, read["header_row"], item, None,
                        "at least one answer: every cell is empty or a missing code (leave the item out of items in "
                        "datasets.yml if it was not asked)") for item in items if table[item].isna().all()]
    where = f"{entry.get('name', '?')}."
    problems += [Problem(source.registry_file, None, f"{where}scales.{item}", None, f"an item of the data set ("
                         f"{', '.join(items)})") for item in entry.get("scales") or {} if item not in items]
    stated = entry.get("stated_importance") or {"groups": []}
    problems += [Problem(source.registry_file, None, f"{where}stated_importance.groups", group,
                         f"a group of the data set ({', '.join(entry.get('groups') or {}) or 'none'})")
                 for group in stated["groups"] if group not in (entry.get("groups") or {})]
    problems += label_problems(entry, items, source.registry_file)
    if problems:
        raise DataError(problems)
    numbered = whole_numbers(ids)
    table.index = pd.RangeIndex(len(table))
    table.insert(0, "respondent_id", (ids.astype(str) if numbered is None else numbered).to_numpy())
    wording = dict(entry.get("labels") or {})
    if "dictionary" in entry:
        wording = {**_dictionary(source).set_index("item")["text"].to_dict(), **wording}
    named = [*items, *(["entity"] if "entity" in table else []), *(entry.get("groups") or {})]
    table = label_table(table, entry, items)
    missing = entry.get("missing_codes") or {}
    table.attrs.update(
        items=items, labels={n: wording.get(n, n.replace("_", " ")) for n in named}, scale=Scale.from_entry(entry).bounds,
        scales={i: Scale.from_entry(entry, i).bounds for i in items},
        missing_codes={i: list(Scale.from_entry(entry, i).missing) for i in items},
        missing={str(c): str(missing[c]) if isinstance(missing, dict) else "" for c in missing},
        groups={g: dict(spec) for g, spec in (entry.get("groups") or {}).items()}, respondent_id=entry["columns"].get("respondent_id"),
        period_unit=period_unit(entry["period"]) if "period" in entry["columns"] else None,
        file_columns=read["file_columns"], stated_importance=entry.get("stated_importance"))
    return table


def _load_counts(source: Source) -> pd.DataFrame:
    """An answer-count table: one row per cell and question, a count column per scale point."""
    raw, shown = _read(source)
    entry, cols, scale = source.entry, source.entry["columns"], Scale.from_entry(source.entry)
    points = range(int(scale.low), int(scale.high) + 1)
    columns = {p: entry["counts"].format(point=p) for p in points}
    checks = _cell_checks(entry)
    checks.update({c: [number("a count of answers: a whole number >= 0, or empty", whole=True, optional=True)]
                   for c in columns.values()})
    validate_raw(raw, raw_schema(checks), shown)
    counts = pd.DataFrame({f"count_{p}": numbers(raw[c]).fillna(0).astype("int64") for p, c in columns.items()})
    question = [raw[cols["question"]].str.strip().rename("question")] if "question" in cols else []
    table = pd.concat([*question, _cell_columns(raw, entry), counts], axis=1).assign(n=counts.sum(axis=1))
    if "total" in cols:
        table["total"] = numbers(raw[cols["total"]]).astype("int64")
        wrong = table.index[table["total"] != table["n"]]
        if len(wrong):
            raise DataError([Problem(shown, int(i) + 2, cols["total"], raw.at[i, cols["total"]],
                                     f"the sum of the row's answer counts ({table.at[i, 'n']})") for i in wrong])
    table.attrs.update(scale=(scale.low, scale.high), file_columns=raw.attrs["file_columns"])
    return table.reset_index(drop=True)


def _repeated(ids: pd.Series, shown: str, column: str, what: str) -> list[Problem]:
    """A problem for every id used on an earlier row (integer ids that only rise have none).

    Examples
    --------
    >>> [str(p) for p in _repeated(pd.Series([5, 7, 5]), "x.parquet", "id", "an id")]
    ["x.parquet, row 4, column 'id': found '5', expected an id not used before"]
    """
    if pd.api.types.is_integer_dtype(ids.dtype) and bool(np.all(ids.to_numpy()[1:] > ids.to_numpy()[:-1])):
        return []
    return [Problem(shown, int(i) + 2, column, str(v), f"{what} not used before")
            for i, v in ids[ids.duplicated(keep="first")].items()]


def _typed_ids(ids: pd.Series) -> pd.Series:
    """Ids as int64 when every one is a whole number, else as text."""
    numbered = whole_numbers(ids)
    return ids.astype(str) if numbered is None else numbered


def _dates(text: pd.Series, spec: dict[str, Any]) -> pd.Series:
    """Dates read with the first of the ``period`` spec's date formats that fits each cell."""
    dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for fmt in (f for f in period_formats(spec) if "%" in f):
        dates = dates.fillna(pd.to_datetime(text, format=fmt, errors="coerce"))
    return dates


def _text_columns(raw: pd.DataFrame, text_column: str) -> pd.DataFrame:
    """``text`` (stripped) and ``has_text``; :func:`_scrubbed` then removes personal data."""
    text = raw[text_column].str.strip()
    return pd.DataFrame({"text": text, "has_text": text != ""}, index=raw.index)


def _scrubbed(table: pd.DataFrame) -> pd.DataFrame:
    """The table renumbered from 0, its ``text`` scrubbed (:func:`cxlab.data.scrub.scrub`)."""
    return scrub(table.reset_index(drop=True))


def _load_comments(source: Source) -> pd.DataFrame:
    """One row per comment: id, scrubbed text, date and period, the other mapped columns as text.

    Columns: ``comment_id`` (integers when every id is a whole number), ``text`` (stripped, with
    personal data replaced by tags before anything else sees it), ``has_text`` (a complaint
    without a narrative is kept: its categories and outcomes still count), ``date``, ``period``
    and ``time`` (when ``columns.date`` is mapped, read with the entry's ``period`` spec), then
    every other mapped column as stripped text, and ``scrubbed`` (replacements per row).
    ``attrs`` holds ``categories`` and ``outcomes``: the tidy names the entry lists.

    Examples
    --------
    >>> complaints = load("cfpb_complaints")
    >>> len(complaints), int(complaints["has_text"].sum()), complaints["period"].min()
    (6623, 1532, '2015-Q2')
    """
    raw, shown = _read(source)
    entry, cols = source.entry, source.entry["columns"]
    checks: dict[str, list] = {column: [] for column in cols.values()}
    checks[cols["comment_id"]] = [filled("a comment id")]
    if "date" in cols:
        checks[cols["date"]] = [period_format(entry["period"])]
    validate_raw(raw, raw_schema(checks), shown)
    ids = raw[cols["comment_id"]].str.strip()
    problems = _repeated(ids, shown, cols["comment_id"], "a comment id")
    if problems:
        raise DataError(problems)
    parts = [pd.DataFrame({"comment_id": _typed_ids(ids)}), _text_columns(raw, cols["text"])]
    if "date" in cols:
        parts += [_dates(raw[cols["date"]], entry["period"]).rename("date"),
                  read_periods(raw[cols["date"]], entry["period"])]
    others = [key for key in cols if key not in {"comment_id", "text", "date"}]
    parts.append(pd.DataFrame({key: raw[cols[key]].str.strip() for key in others}, index=raw.index))
    table = _scrubbed(pd.concat(parts, axis=1))
    table.attrs.update(categories=list(entry.get("categories", [])), outcomes=list(entry.get("outcomes", [])),
                       file_columns=raw.attrs["file_columns"])
    return table


def _a11_details(source: Source) -> pd.DataFrame:
    """The collection details an A-11 response joins to, one row per collection detail id."""
    shown, cols = source.shown("details"), source.entry["details_columns"]
    raw = read_table(source.path("details"), shown, find=list(cols.values()), options=source.entry.get("read"))
    checks: dict[str, list] = {column: [] for column in cols.values()}
    checks[cols["detail_id"]] = [filled("a collection detail id")]
    checks[cols["fiscal_year"]] = [number("a fiscal year", whole=True)]
    checks[cols["quarter"]] = [one_of(["1", "2", "3", "4"], "a quarter 1-4")]
    for key in ("customers", "offered_survey", "respondents"):
        checks[cols[key]] = [number("a count >= 0 or empty", whole=True, optional=True)]
    validate_raw(raw, raw_schema(checks), shown)
    ids = raw[cols["detail_id"]].str.strip()
    problems = _repeated(ids, shown, cols["detail_id"], "a collection detail id")
    if problems:
        raise DataError(problems)
    details = pd.DataFrame({key: raw[cols[key]].str.strip() for key in DETAIL_KEYS})
    details["fiscal_year"] = numbers(details["fiscal_year"]).astype(int)
    details["quarter"] = numbers(details["quarter"]).astype(int)
    label = source.entry.get("period", {}).get("label", "FY{year}-Q{quarter}")
    details.insert(6, "period", [label.format(year=y, quarter=q)
                                 for y, q in zip(details["fiscal_year"], details["quarter"])])
    details.insert(7, "time", details["fiscal_year"] + (details["quarter"] - 1) / 4)
    for key in ("customers", "offered_survey", "respondents"):
        details[key] = numbers(details[key]).astype(float)
    return details


def _load_a11_respondents(source: Source) -> pd.DataFrame:
    """A-11 respondent-level responses (FY2024 onward) joined to their collection details.

    One row per response: ``respondent_id``, ``detail_id``, the collection's ``provider``,
    ``service``, ``channel``, ``fiscal_year``, ``quarter``, ``period`` (``FY2024-Q1``), ``time``,
    ``customers``, ``offered_survey`` and ``respondents``; ``question_1`` on the entry's scale
    (0-1 for thumbs down/up, or 1-5); the fourteen 0/1 flags ``positive_<driver>`` and
    ``negative_<driver>`` of :data:`cxlab.data.entries.A11_FLAGS` (an empty cell is a box not
    ticked: 0); ``text`` (``question_4``, scrubbed), ``has_text`` and ``scrubbed``. A response
    whose collection detail is not in the details file is refused. ``attrs``: ``scale``,
    ``drivers``.

    Examples
    --------
    >>> responses = load("a11_respondents_synthetic")
    >>> responses.attrs["scale"], responses["period"].min()
    ((0.0, 1.0), 'FY2024-Q1')
    """
    raw, shown = _read(source)
    entry, cols, scale = source.entry, source.entry["columns"], Scale.from_entry(source.entry)
    checks: dict[str, list] = {column: [] for column in cols.values()}
    checks[cols["respondent_id"]] = [filled("a respondent id")]
    checks[cols["detail_id"]] = [filled("a collection detail id")]
    checks[cols["question_1"]] = [rating(scale)]
    checks.update({flag: [one_of(["0", "1", ""], "0 or 1 (or empty: not ticked)")] for flag in A11_FLAGS})
    validate_raw(raw, raw_schema(checks), shown)
    details = _a11_details(source)
    detail_ids = raw[cols["detail_id"]].str.strip()
    problems = _repeated(raw[cols["respondent_id"]].str.strip(), shown, cols["respondent_id"], "a respondent id")
    problems += [Problem(shown, int(i) + 2, cols["detail_id"], v, f"a collection detail id of {source.shown('details')}")
                 for i, v in detail_ids[~detail_ids.isin(details["detail_id"])].items()]
    if problems:
        raise DataError(problems)
    flags = pd.DataFrame({flag: numbers(raw[flag]).fillna(0).astype("Int64") for flag in A11_FLAGS})
    table = pd.concat([
        pd.DataFrame({"respondent_id": _typed_ids(raw[cols["respondent_id"]].str.strip()),
                      "detail_id": detail_ids}),
        details.set_index("detail_id").reindex(detail_ids.to_numpy()).set_axis(raw.index),
        scale.read(raw[cols["question_1"]])[0].astype(scale.dtype).rename("question_1"),
        flags, _text_columns(raw, cols["text"]),
    ], axis=1)
    table = _scrubbed(table)
    table.attrs.update(scale=(scale.low, scale.high), drivers=list(A11_DRIVERS), file_columns=raw.attrs["file_columns"])
    return table


_LAYOUTS = {
    "scores": _load_scores,
    "counts": _load_counts,
    "respondents": _load_respondents,
    "answers": _load_answers,
    "comments": _load_comments,
    "a11_respondents": _load_a11_respondents,
}
