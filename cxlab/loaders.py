"""Load a registered data set into a validated tidy DataFrame: ``cxlab.load(name)``.

Three layouts, chosen by the registry entry's ``layout``:

``scores``
    published index points, one row per entity and period (``cx_benchmarks``);
``answer_counts``
    counts of answers at each scale point, one row per record and question (``a11_hisp``);
``respondents``
    one row per respondent with rating items in columns (``sandiego_2015``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cxlab import registry
from cxlab.drivers_a11 import classify_question
from cxlab.errors import DataError, Problem
from cxlab.periods import parse_periods
from cxlab.schemas import ANSWER_COUNTS, PERIOD, SCORES, number, one_of, raw_schema, validate_raw

__all__ = ["load", "excluded", "dictionary", "read_text_table"]

#: Largest gap between a file's stated mean and the mean of its own counts that is not suspicious.
MEAN_TOLERANCE = 0.05


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
    entry = registry.entry(name)
    loader = _LAYOUTS.get(entry.get("layout"))
    if loader is None:
        raise DataError(
            [Problem("datasets.yml", None, f"{name}.layout", entry.get("layout"),
                     "one of " + ", ".join(sorted(_LAYOUTS)))]
        )
    return loader(entry)


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
    entry = registry.entry(name)
    if entry.get("layout") != "answer_counts":
        return pd.DataFrame(columns=["row", "record_id", "question", "question_text", "n", "reason"])
    return _answer_count_table(entry)[1]


def dictionary(name: str) -> pd.DataFrame:
    """The data dictionary of a respondent-level data set: item, text and answer labels.

    Examples
    --------
    >>> d = dictionary("sandiego_2015").set_index("item")
    >>> d.loc["Q15_3", "text"]
    'Overall customer service'
    """
    entry = registry.entry(name)
    if "dictionary" not in entry:
        raise KeyError(f"data set {name!r} has no dictionary file in datasets.yml")
    path = registry.verified_path(entry["dictionary"], entry.get("dictionary_sha256"))
    raw = read_text_table(path, f"data/{entry['dictionary']}")
    schema = raw_schema({"question_number": [], "question_text": [], "question_responses": []})
    validate_raw(raw, schema, f"data/{entry['dictionary']}")
    return raw.rename(
        columns={"question_number": "item", "question_text": "text", "question_responses": "answers"}
    )[["item", "text", "answers"]]


def read_text_table(path: Path, shown: str) -> pd.DataFrame:
    """Read a CSV file as text (no conversion, empty cells as ''), with errors that name the file.

    Examples
    --------
    >>> read_text_table(registry.data_dir() / "cx_benchmarks.csv", "data/cx_benchmarks.csv").shape
    (42, 9)
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise DataError([Problem(shown, None, None, None, "a header row and at least one record")]) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise DataError([Problem(shown, None, None, None, f"readable UTF-8 CSV ({err})")]) from None
    if frame.empty:
        raise DataError([Problem(shown, 2, None, None, "at least one record below the header")])
    return frame


def _read(entry: dict[str, Any]) -> tuple[pd.DataFrame, str]:
    path = registry.verified_path(entry["file"], entry.get("sha256"))
    shown = f"data/{entry['file']}"
    return read_text_table(path, shown), shown


def _to_number(text: pd.Series) -> pd.Series:
    return pd.to_numeric(text.replace("", np.nan))


def _load_scores(entry: dict[str, Any]) -> pd.DataFrame:
    raw, shown = _read(entry)
    cols = entry["columns"]
    checks = {
        cols["period"]: [PERIOD],
        cols["score"]: [number("a number")],
        cols["scale_max"]: [number("a number (the top of the scale)")],
        cols["value_type"]: [one_of(["stated", "derived"])],
    }
    checks.update({cols[k]: [] for k in ("index", "series", "entity", "note", "source")})
    validate_raw(raw, raw_schema(checks), shown)
    tidy = raw.rename(columns={v: k for k, v in cols.items()})[list(cols)]
    tidy["score"] = _to_number(tidy["score"])
    tidy["scale_max"] = _to_number(tidy["scale_max"])
    over = tidy.index[(tidy["score"] < 0) | (tidy["score"] > tidy["scale_max"])]
    if len(over):
        raise DataError(
            [Problem(shown, int(i) + 2, cols["score"], raw.at[i, cols["score"]],
                     f"a score from 0 to the row's {cols['scale_max']}") for i in over]
        )
    tidy["score_100"] = tidy["score"] / tidy["scale_max"] * 100
    tidy = pd.concat([tidy, parse_periods(tidy["period"])], axis=1)
    return SCORES.validate(tidy[list(SCORES.columns)])



def _load_answer_counts(entry: dict[str, Any]) -> pd.DataFrame:
    return _answer_count_table(entry)[0]


def _answer_count_table(entry: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reshape an answer-count file to one row per record and question, and list what was left out."""
    raw, shown = _read(entry)
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
        base[key] = _to_number(base[key]).astype(float)

    long = pd.concat(
        [
            base.assign(
                question=f"q{s}",
                question_text=raw[spec["text"].format(slot=s)].str.strip(),
                reported_mean=_to_number(raw[spec["mean"].format(slot=s)]).astype(float),
                **{f"count_{p - low + 1}": _to_number(raw[count_col[s, p]]).fillna(0).astype(int)
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


def _load_respondents(entry: dict[str, Any]) -> pd.DataFrame:
    raw, shown = _read(entry)
    cols = entry["columns"]
    low, high = entry["scale"]["min"], entry["scale"]["max"]
    missing = {str(k) for k in entry.get("missing_codes") or {}}
    items = [c for c in raw.columns if pd.Series([c]).str.match(entry["items"]).iloc[0]]
    allowed = [str(v) for v in range(low, high + 1)] + sorted(missing) + [""]
    expected = f"a rating {low}-{high}" + (f" or a missing code ({', '.join(sorted(missing))})" if missing else "")
    groups = entry.get("groups") or {}
    checks = {cols["respondent_id"]: [number("a respondent id (whole number)", whole=True)]}
    checks.update({c: [one_of(allowed, expected)] for c in items})
    checks.update({cols[k]: [] for k in cols if k != "respondent_id"})
    checks.update({g["column"]: [number("a number code", whole=True, optional=True)] for g in groups.values()})
    validate_raw(raw, raw_schema(checks), shown)
    ids = raw[cols["respondent_id"]]
    repeated = raw.index[ids.duplicated(keep="first")]
    if len(repeated):
        raise DataError([Problem(shown, int(i) + 2, cols["respondent_id"], ids[i], "a respondent id not used before")
                         for i in repeated])
    if not items:
        raise DataError([Problem(shown, 1, None, None, f"rating item columns matching {entry['items']!r}")])

    tidy = pd.DataFrame({"respondent_id": ids.astype(int)})
    for item in items:
        tidy[item] = _to_number(raw[item].where(~raw[item].isin(missing), "")).astype("Int64")
    for key, column in cols.items():
        if key != "respondent_id":
            tidy[key] = raw[column]
    for key, spec in groups.items():
        codes = {str(c) for c in spec.get("missing_codes", [])}
        tidy[key] = _to_number(raw[spec["column"]].where(~raw[spec["column"]].isin(codes), "")).astype("Int64")
    if "dictionary" in entry:
        labels = dictionary(entry["name"]).set_index("item")["text"]
        tidy.attrs["labels"] = {i: labels.get(i, i) for i in items}
    tidy.attrs["items"] = items
    return tidy


_LAYOUTS = {
    "scores": _load_scores,
    "answer_counts": _load_answer_counts,
    "respondents": _load_respondents,
}
