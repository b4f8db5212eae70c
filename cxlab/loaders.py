"""Load a registered data set into a validated tidy DataFrame: ``cxlab.load(name)``.

Seven layouts, chosen by the registry entry's ``layout`` (keys in ``data/README.md``):

``scores``
    published index points, one row per entity and period (``cx_benchmarks``);
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

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from cxlab import registry
from cxlab.drivers_a11 import classify_question
from cxlab.entries import A11_DRIVERS, A11_FLAGS, DETAIL_KEYS, check_entry, mapped_columns
from cxlab.errors import DataError, Problem
from cxlab.periods import parse_periods, period_formats, read_periods
from cxlab.readers import numbers, read_chunks, read_table, whole_numbers
from cxlab.registry import Source
from cxlab.scales import Scale
from cxlab.scrub import scrub
from cxlab.schemas import (
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

__all__ = ["MAX_PROBLEMS", "load", "load_source", "excluded", "dictionary"]

#: Largest gap between a file's stated mean and the mean of its own counts that is not suspicious.
MEAN_TOLERANCE = 0.05
#: A large file stops being checked after this many problems (the ones found are all listed).
MAX_PROBLEMS = 10_000
#: Tidy names with a meaning of their own in the generic layouts; other mapped columns stay text.
_SPECIAL = {"respondent_id", "entity", "period", "weight", "item", "value", "question", "total"}


def load(name: str) -> pd.DataFrame:
    """Load the registered data set ``name`` as a validated tidy table.

    The file's sha256 must match the registry, every column the mapping names must be there,
    and every value must be of the kind expected; otherwise a :class:`cxlab.errors.DataError`
    lists each problem with its file, row and column.

    Examples
    --------
    >>> scores = load("cx_benchmarks")
    >>> scores.query("series == 'federal_government' and index == 'ACSI' and period == '2019'")[
    ...     ["score", "value_type"]].to_dict("records")
    [{'score': 68.1, 'value_type': 'derived'}]
    >>> load("a11_hisp")["driver"].nunique()
    7
    >>> load("sandiego_2015").shape[0]
    2477
    """
    return load_source(registry.source(name))


def load_source(source: Source) -> pd.DataFrame:
    """Load a data set from its :class:`cxlab.registry.Source` (registered or a mapping file).

    Examples
    --------
    >>> folder = registry.data_dir() / "examples"
    >>> survey = load_source(registry.mapping_source(folder / "service_survey.csv",
    ...                                             folder / "service_survey.yml"))
    >>> survey.attrs["items"], survey.attrs["scale"]
    (['satisfaction', 'ease', 'trust', 'recommend'], (0.0, 10.0))
    """
    _check(source)
    return _LAYOUTS[source.entry["layout"]](source)


def excluded(name: str) -> pd.DataFrame:
    """The rows a loader left out, each with its reason (empty for most data sets).

    Examples
    --------
    >>> left_out = excluded("a11_hisp")
    >>> sorted(left_out.columns)
    ['n', 'question', 'question_text', 'reason', 'record_id', 'row']
    >>> bool(left_out["reason"].str.contains("scale other than 1-5").any())
    True
    """
    source = registry.source(name)
    _check(source)
    if source.entry["layout"] != "answer_counts":
        return pd.DataFrame(columns=["row", "record_id", "question", "question_text", "n", "reason"])
    return _answer_count_table(source)[1]


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
    raw, shown = _read(source)
    cols = source.entry["columns"]
    checks = {
        cols["period"]: [PERIOD],
        cols["score"]: [number("a number")],
        cols["scale_max"]: [number("a number (the top of the scale)")],
        cols["value_type"]: [one_of(["stated", "derived"])],
    }
    checks.update({cols[k]: [] for k in ("index", "series", "entity", "note", "source")})
    validate_raw(raw, raw_schema(checks), shown)
    tidy = raw.rename(columns={v: k for k, v in cols.items()})[list(cols)]
    tidy["score"] = numbers(tidy["score"])
    tidy["scale_max"] = numbers(tidy["scale_max"])
    over = tidy.index[(tidy["score"] < 0) | (tidy["score"] > tidy["scale_max"])]
    if len(over):
        raise DataError(
            [Problem(shown, int(i) + 2, cols["score"], raw.at[i, cols["score"]],
                     f"a score from 0 to the row's {cols['scale_max']}") for i in over]
        )
    tidy["score_100"] = tidy["score"] / tidy["scale_max"] * 100
    tidy = pd.concat([tidy, parse_periods(tidy["period"])], axis=1)
    return SCORES.validate(tidy[list(SCORES.columns)])


def _load_answer_counts(source: Source) -> pd.DataFrame:
    return _answer_count_table(source)[0]


def _answer_count_table(source: Source) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reshape an answer-count file to one row per record and question, and list what was left out."""
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

    base = raw.rename(columns={v: k for k, v in cols.items()})[list(cols)].apply(lambda c: c.str.strip())
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
                question_text=raw[spec["text"].format(slot=s)].str.strip(),
                reported_mean=numbers(raw[spec["mean"].format(slot=s)]).astype(float),
                **{f"count_{p - low + 1}": numbers(raw[count_col[s, p]]).fillna(0).astype(int)
                   for p in points},
            )
            for s in slots
        ],
        ignore_index=True,
    )
    counts = long[[f"count_{k}" for k in range(1, high - low + 2)]].to_numpy()
    long["n"] = counts.sum(axis=1)
    scores = np.arange(low, high + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        long["count_mean"] = counts @ scores / long["n"]
    empty_text = long["question_text"].isin(spec.get("empty_texts", [""]))
    long = long[(long["n"] > 0) | ~empty_text]
    driver_and_reason = {t: classify_question(t) for t in long["question_text"].unique()}
    long["driver"] = long["question_text"].map(lambda t: driver_and_reason[t][0])
    long["reason"] = long["question_text"].map(lambda t: driver_and_reason[t][1])
    long.loc[empty_text, "reason"] = "answer counts without a question text"
    long.loc[long["n"] == 0, "reason"] = "a question text without any answers"
    mismatch = (long["reported_mean"] - long["count_mean"]).abs() > MEAN_TOLERANCE
    long.loc[mismatch, "reason"] = "the stated mean does not match the answer counts"
    keep = long["driver"].notna() & (long["n"] > 0) & ~empty_text & ~mismatch
    left_out = long.loc[~keep, ["row", "record_id", "question", "question_text", "n", "reason"]]
    tidy = ANSWER_COUNTS.validate(long.loc[keep, list(ANSWER_COUNTS.columns)].reset_index(drop=True))
    return tidy, left_out.sort_values("row", kind="stable", ignore_index=True)


def _cell_checks(entry: dict[str, Any]) -> dict[str, list]:
    """Checks of every mapped column: required to exist, and checked by what its tidy name means."""
    cols = entry["columns"]
    checks: dict[str, list] = {column: [] for column in cols.values()}
    meaning = {
        "respondent_id": lambda: [filled("a respondent id")],
        "entity": lambda: [filled("a name (not empty)")],
        "period": lambda: [period_format(entry["period"])],
        "weight": lambda: [positive("a weight: a number > 0 (a respondent without a weight cannot be used)")],
        "question": lambda: [filled("a question (not empty)")],
        "item": lambda: [filled("an item name (not empty)")],
        "value": lambda: [rating(Scale.from_entry(entry))],
        "total": lambda: [number("the number of answers: a whole number >= 0", whole=True)],
    }
    checks.update({cols[key]: make() for key, make in meaning.items() if key in cols})
    for spec in (entry.get("groups") or {}).values():
        checks[spec["column"]] = [number("a number code", whole=True, optional=True)]
    return checks


def _cell_columns(raw: pd.DataFrame, entry: dict[str, Any]) -> pd.DataFrame:
    """The tidy columns that describe a respondent or a cell, in the order of the mapping.

    ``entity`` is stripped of spaces, ``period`` becomes ``period`` and ``time``, ``weight`` a
    number; other mapped columns stay text as in the file. ``groups`` become number codes, their
    own missing codes NA.
    """
    out: dict[str, pd.Series] = {}
    for key, column in entry["columns"].items():
        if key == "entity":
            out[key] = raw[column].str.strip()
        elif key == "period":
            out.update(read_periods(raw[column], entry["period"]).items())
        elif key == "weight":
            out[key] = numbers(raw[column]).astype(float)
        elif key not in _SPECIAL:
            out[key] = raw[column]
    for key, spec in (entry.get("groups") or {}).items():
        codes = {str(c) for c in spec.get("missing_codes", [])}
        column = raw[spec["column"]]
        out[key] = numbers(column.where(~column.isin(codes), "")).astype("Int64")
    return pd.DataFrame(out, index=raw.index)


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
    """One row per respondent, items in columns; read in chunks so a large file stays small."""
    entry, shown = source.entry, source.shown()
    cols, scale = entry["columns"], Scale.from_entry(entry)
    id_column = cols["respondent_id"]
    parts, ids, problems = [], [], []
    listed = entry["items"] if isinstance(entry["items"], list) else []
    for raw in read_chunks(source.path(), shown, find=mapped_columns(entry) + listed, options=entry.get("read")):
        items = _items(entry, raw.columns)
        checks = {**_cell_checks(entry), **{item: [rating(scale)] for item in items}}
        problems += raw_problems(raw, raw_schema(checks), shown)
        if id_column in raw:
            ids.append(raw[id_column])
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem(shown, None, None, None, f"checking stopped after {MAX_PROBLEMS} problems"))
            break
        if not problems:
            values = pd.DataFrame({item: scale.read(raw[item])[0] for item in items}).astype(scale.dtype)
            parts.append(pd.concat([values, _cell_columns(raw, entry)], axis=1))
    if not items:
        problems.append(Problem(shown, raw.attrs["header_row"], None, None,
                                f"rating item columns matching {entry['items']!r}"))
    ids = pd.concat(ids) if ids else pd.Series(dtype=str)
    repeated = ids[ids.duplicated(keep="first")]
    problems += [Problem(shown, int(i) + 2, id_column, v, "a respondent id not used before")
                 for i, v in repeated.items()]
    if problems:
        raise DataError(problems)
    return _respondent_table(source, ids, pd.concat(parts), items, raw.attrs["header_row"])


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
    return _respondent_table(source, respondents, table, items, raw.attrs["header_row"])


def _respondent_table(source: Source, ids: pd.Series, table: pd.DataFrame, items: list[str],
                      header_row: int) -> pd.DataFrame:
    """Put the typed ids first, refuse items without any answer, attach items, labels and scale."""
    unanswered = [item for item in items if table[item].isna().all()]
    if unanswered:
        raise DataError([Problem(source.shown(), header_row, item, None,
                                 "at least one answer: every cell is empty or a missing code (leave the item "
                                 "out of items in datasets.yml if it was not asked)") for item in unanswered])
    numbered = whole_numbers(ids)
    table.index = pd.RangeIndex(len(table))
    table.insert(0, "respondent_id", (ids.astype(str) if numbered is None else numbered).to_numpy())
    labels = source.entry.get("labels") or {}
    if "dictionary" in source.entry:
        labels = _dictionary(source).set_index("item")["text"]
    scale = Scale.from_entry(source.entry)
    table.attrs.update(items=items, labels={i: labels.get(i, i) for i in items}, scale=(scale.low, scale.high))
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
    table.attrs["scale"] = (scale.low, scale.high)
    return table.reset_index(drop=True)


def _repeated(ids: pd.Series, shown: str, column: str, what: str) -> list[Problem]:
    """A problem for every id used on an earlier row."""
    return [Problem(shown, int(i) + 2, column, v, f"{what} not used before")
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
    """The table renumbered from 0, its ``text`` scrubbed (:func:`cxlab.scrub.scrub`)."""
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
    table.attrs.update(categories=list(entry.get("categories", [])), outcomes=list(entry.get("outcomes", [])))
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
    ``negative_<driver>`` of :data:`cxlab.entries.A11_FLAGS` (an empty cell is a box not
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
    table.attrs.update(scale=(scale.low, scale.high), drivers=list(A11_DRIVERS))
    return table


_LAYOUTS = {
    "scores": _load_scores,
    "answer_counts": _load_answer_counts,
    "counts": _load_counts,
    "respondents": _load_respondents,
    "answers": _load_answers,
    "comments": _load_comments,
    "a11_respondents": _load_a11_respondents,
}
