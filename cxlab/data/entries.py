"""What a registry entry may say, layout by layout; every mistake in an entry as a Problem.

A data set is added to ``data/datasets.yml`` without code, so a typo in the entry
(``missing_code:``, a scale running backwards, a missing code that is also a valid score) must be
caught before any file is read, with the key it concerns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from cxlab.errors import Problem
from cxlab.data.periods import PLACEHOLDERS, period_formats
from cxlab.data.readers import FORMATS
from cxlab.data.scales import Scale

__all__ = ["A11_DRIVERS", "A11_FLAGS", "CROSSWALK_KEYS", "DETAIL_KEYS", "LAYOUTS", "TIDY_KEYS", "check_entry",
           "mapped_columns", "score_keys"]

_Report = Callable[[str, object, str], Problem]

_COMMON = {"name", "title", "file", "sha256", "licence", "source", "layout", "scale", "missing_codes",
           "columns", "read", "order", "crosswalk", "crosswalk_sha256", "crosswalk_columns", "crosswalk_of"}
#: The layouts, each with the keys it requires and the ones it may have besides the common ones.
LAYOUTS: dict[str, dict[str, set[str]]] = {
    "scores": {"required": {"scale"}, "optional": {"measures", "constants", "labels"}},
    "answer_counts": {"required": {"scale", "questions"}, "optional": {"period", "driver_table", "driver_table_sha256"}},
    "respondents": {"required": {"scale", "items"}, "optional": {"groups", "period", "dictionary", "dictionary_sha256",
                                                                 "labels", "value_labels", "scales", "stated_importance"}},
    "answers": {"required": {"scale"}, "optional": {"items", "period", "labels", "value_labels"}},
    "counts": {"required": {"scale", "counts"}, "optional": {"period"}},
    "comments": {"required": set(), "optional": {"period", "categories", "outcomes"}},
    "a11_respondents": {"required": {"scale", "details", "details_columns"}, "optional": {"details_sha256", "period"}},
}
#: Tidy names that ``columns`` must map, per layout (other names are kept as text).
TIDY_KEYS = {
    "scores": ["index", "series", "entity", "period", "score", "scale_max", "value_type", "note", "source"],
    "answer_counts": ["record_id", "agency", "agency_abbr", "provider", "service", "channel", "touchpoint",
                      "fiscal_year", "quarter", "customers", "offered_survey", "respondents"],
    "respondents": [],  # no respondent_id: the row number in the file identifies a respondent
    "answers": ["respondent_id", "item", "value"],
    "counts": [],
    "comments": ["comment_id", "text"],
    "a11_respondents": ["respondent_id", "detail_id", "question_1", "text"],
}
#: Tidy names that ``crosswalk_columns`` must map: the other data set's name, this one's (or empty), and why.
CROSSWALK_KEYS = ["from", "to", "reason"]
#: Tidy names that ``details_columns`` must map (the A-11 collection details a response joins to).
DETAIL_KEYS = ["detail_id", "provider", "service", "channel", "fiscal_year", "quarter", "customers",
               "offered_survey", "respondents"]
#: The drivers of the FY2024 A-11 respondent-level questions 2 (what went well) and 3 (what did not).
A11_DRIVERS = ["effectiveness", "ease", "efficiency", "transparency", "humanity", "employee", "other"]
#: The 0/1 columns an ``a11_respondents`` file holds, named as OMB's Touchpoints names them.
A11_FLAGS = [f"{sign}_{driver}" for sign in ("positive", "negative") for driver in A11_DRIVERS]
_READ = {"format", "encoding", "delimiter", "sheet", "skip_rows"}
_PERIOD = {"format", "unit", "fiscal_year_start", "label"}


def _text(value: object) -> bool:
    return isinstance(value, str)


def _texts(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _mapping_of(check: Callable[[object], bool]) -> Callable[[object], bool]:
    return lambda value: isinstance(value, Mapping) and all(check(v) for v in value.values())


def _band(value: object) -> bool:
    """``[low, high]`` (``high`` may be null: no upper end), a band of a numeric group."""
    return (isinstance(value, list) and len(value) == 2 and _number(value[0])
            and (value[1] is None or (_number(value[1]) and value[1] > value[0])))


def _group(value: object) -> bool:
    return (isinstance(value, Mapping) and isinstance(value.get("column"), str)
            and isinstance(value.get("missing_codes", []), list)
            and _mapping_of(_band)(value.get("bands", {})) and not set(value) - {"column", "missing_codes", "bands"})


def _item_scale(value: object) -> bool:
    return (isinstance(value, Mapping) and _number(value.get("min")) and _number(value.get("max"))
            and isinstance(value.get("whole", True), bool) and isinstance(value.get("missing_codes", []), list)
            and not set(value) - {"min", "max", "whole", "missing_codes"})


def _stated(value: object) -> bool:
    return (isinstance(value, Mapping) and set(value) == {"groups", "item"} and _texts(value["groups"])
            and isinstance(value["item"], str) and "{code}" in value["item"])


#: The type every key (and key inside a key) must have, and the words for it.
_SHAPES: dict[str, tuple[Callable[[object], bool], str]] = {
    **dict.fromkeys(["file", "title", "licence", "source", "layout", "counts", "dictionary"], (_text, "text")),
    **dict.fromkeys(["sha256", "dictionary_sha256"], (lambda v: v is None or _text(v), "text")),
    "scale": (lambda v: isinstance(v, Mapping) and _number(v.get("min")) and _number(v.get("max"))
              and isinstance(v.get("whole", True), bool), "{min: NUMBER, max: NUMBER} (and whole: true or false)"),
    "missing_codes": (lambda v: isinstance(v, list | Mapping) and all(_number(c) or _text(c) for c in v),
                      "a list of codes, or {code: meaning}"),
    "columns": (_mapping_of(_text), "a mapping of tidy names to the file's column names (as text: quote a name "
                                    "that looks like a number)"),
    "read": (lambda v: isinstance(v, Mapping) and all(_text(v[k]) for k in ("format", "encoding") if k in v)
             and isinstance(v.get("sheet", 0), str | int), "a mapping with format, encoding, delimiter or sheet"),
    "period": (lambda v: isinstance(v, Mapping) and _texts(v.get("format", "")) and _text(v.get("label", ""))
               and _text(v.get("unit", "")) and isinstance(v.get("fiscal_year_start", 1), int),
               "a period spec: format (text or a list), label, unit (text), fiscal_year_start (a month 1-12)"),
    "groups": (_mapping_of(_group), "a mapping of group name to {column: NAME, missing_codes: [CODES]} (and "
                                    "bands: {LABEL: [LOW, HIGH], ...} for a number such as an age; HIGH may be null)"),
    "labels": (_mapping_of(_text), "a mapping of item (or group, or entity) to its wording"),
    "value_labels": (_mapping_of(lambda codes: isinstance(codes, Mapping) and bool(codes)
                                 and all(_text(v) or _number(v) for v in codes.values())),
                     "a mapping of column to {code: label} (the column's name in the file, or its tidy name)"),
    "scales": (_mapping_of(_item_scale), "a mapping of item to its own scale: {min: NUMBER, max: NUMBER} (and "
                                         "whole: true or false, missing_codes: [CODES])"),
    "stated_importance": (_stated, "{groups: [GROUP, ...], item: 'NAME{code}'}: the groups whose codes name the "
                                   "items respondents called most important"),
    "order": (_mapping_of(lambda v: isinstance(v, list) and all(_text(x) for x in v)),
              "a mapping of a column to its values in reading order (a list of text)"),
    "items": (_texts, "a list of column names or one regular expression"),
    "questions": (lambda v: isinstance(v, Mapping), "a mapping describing the question slots"),
    "measures": (lambda v: _mapping_of(_text)(v) and len(v) > 0,
                 "a mapping of measure names to the file's columns holding them (at least one)"),
    "constants": (_mapping_of(lambda v: _text(v) or _number(v)),
                  "a mapping of tidy names to one value (text or a number) for every row"),
    "crosswalk": (_text, "text"),
    "crosswalk_sha256": (lambda v: v is None or _text(v), "text"),
    "crosswalk_columns": (_mapping_of(_text), "a mapping of from, to and reason to the crosswalk file's columns"),
    "crosswalk_of": (lambda v: isinstance(v, Mapping) and _text(v.get("data")) and _text(v.get("column")),
                     "{data: DATA SET, column: TIDY COLUMN}: whose names the crosswalk's from column holds"),
}


def mapped_columns(entry: Mapping[str, Any]) -> list[str]:
    """The file's column names that an entry's ``columns`` and ``groups`` name.

    Examples
    --------
    >>> mapped_columns({"columns": {"respondent_id": "ID"}, "groups": {"age": {"column": "Q20"}}})
    ['ID', 'Q20']
    """
    groups = [g["column"] for g in (entry.get("groups") or {}).values() if isinstance(g, Mapping)]
    return [str(c) for c in (entry.get("columns") or {}).values()] + groups


def score_keys(entry: Mapping[str, Any]) -> list[str]:
    """The tidy names a ``scores`` entry's ``columns`` must map: those no ``measures`` or ``constants`` give.

    With ``measures`` each named file column holds one measure, so ``series`` (the measure's name)
    and ``score`` come from them; a tidy name in ``constants`` has one value for every row.

    Examples
    --------
    >>> score_keys({"measures": {"eei": "eei"}, "constants": {"index": "FEVS", "value_type": "stated"}})
    ['entity', 'period', 'scale_max', 'note', 'source']
    """
    given = set(entry.get("constants") or {}) | ({"series", "score"} if entry.get("measures") else set())
    return [k for k in TIDY_KEYS["scores"] if k not in given]


def check_entry(entry: Mapping[str, Any], file: str = "datasets.yml") -> list[Problem]:
    """Every problem in one registry entry; an empty list when the entry can be used.

    Examples
    --------
    >>> entry = {"name": "x", "file": "x.csv", "layout": "respondents", "items": ["q1"],
    ...          "scale": {"min": 1, "max": 10}, "missing_codes": [9, 99],
    ...          "columns": {"respondent_id": "id"}, "missing_code": [98]}
    >>> for problem in check_entry(entry):
    ...     print(problem)
    datasets.yml, column 'x.missing_code': expected a key cxlab reads for layout 'respondents' (see data/README.md)
    datasets.yml, column 'x.missing_codes': found '9', expected missing codes outside the scale 1-10: a code that is also a valid score would turn real answers into missing ones
    """
    name = entry.get("name", "?")
    layout = entry.get("layout")

    def problem(key: str, value: object, expected: str) -> Problem:
        return Problem(file, None, f"{name}.{key}", value, expected)

    shapes = [problem(key, entry[key], f"{expected}") for key, (fits, expected) in _SHAPES.items()
              if key in entry and not fits(entry[key])]
    if shapes:
        return shapes
    if layout not in LAYOUTS:
        return [problem("layout", layout, "one of " + ", ".join(sorted(LAYOUTS)))]
    spec = LAYOUTS[layout]
    problems = [problem(k, None, f"a key cxlab reads for layout {layout!r} (see data/README.md)")
                for k in entry if k not in _COMMON | spec["required"] | spec["optional"]]
    problems += [problem(k, None, f"this key: layout {layout!r} needs it")
                 for k in sorted({"file", "columns"} | spec["required"]) if k not in entry]
    columns = entry.get("columns")
    problems += _check_columns(columns, "columns", score_keys(entry) if layout == "scores" else TIDY_KEYS[layout],
                               problem)
    if layout == "scores":
        problems += _check_score_sources(entry, problem)
    if "crosswalk" in entry:
        problems += _check_columns(entry.get("crosswalk_columns", {}), "crosswalk_columns", CROSSWALK_KEYS, problem)
        problems += [problem(k, None, "this key: a crosswalk needs it") for k in ("crosswalk_of",) if k not in entry]
    if layout == "a11_respondents":
        problems += _check_columns(entry.get("details_columns"), "details_columns", DETAIL_KEYS, problem)
    problems += _check_scale(entry, problem)
    problems += _check_read(entry.get("read"), problem)
    dated = {"respondents": "period", "answers": "period", "counts": "period", "comments": "date"}
    if layout in dated and isinstance(columns, Mapping) and dated[layout] in columns:
        problems += _check_period(entry.get("period"), problem)
    items = entry.get("items")
    if isinstance(items, str):
        try:
            re.compile(items)
        except re.error as err:
            problems.append(problem("items", items, f"a regular expression ({err})"))
    elif items is not None and not (isinstance(items, list) and all(isinstance(i, str) for i in items)):
        problems.append(problem("items", items, "a list of column names or one regular expression"))
    for key in ("categories", "outcomes"):
        named = entry.get(key, [])
        if not isinstance(named, list) or not all(isinstance(columns, Mapping) and n in columns for n in named):
            problems.append(problem(key, named, "a list of tidy names that columns maps"))
    if layout == "counts" and "{point}" not in str(entry.get("counts", "{point}")):
        problems.append(problem("counts", entry["counts"], "a column name with {point}, such as 'n_{point}'"))
    return problems


def _check_columns(columns: object, key: str, wanted: list[str], problem: _Report) -> list[Problem]:
    """A mapping of tidy names to the file's columns that holds every name in ``wanted``."""
    if columns is None:
        return []
    if not isinstance(columns, Mapping):
        return [problem(key, columns, "a mapping of tidy names to the file's column names")]
    return [problem(f"{key}.{k}", None, f"a column of the file for the tidy column {k!r}")
            for k in wanted if k not in columns]


def _check_score_sources(entry: Mapping[str, Any], problem: _Report) -> list[Problem]:
    """Each tidy score column comes from one place: ``columns``, ``constants`` or ``measures``."""
    columns, constants = entry.get("columns") or {}, entry.get("constants") or {}
    fixed = {"entity", "period", "score"} | ({"series"} if entry.get("measures") else set())
    allowed = [k for k in TIDY_KEYS["scores"] if k not in fixed]
    problems = [problem(f"constants.{k}", constants[k], "a tidy name of the scores layout that may be the same "
                        "for every row: " + ", ".join(allowed)) for k in constants if k not in allowed]
    given = {k: "constants" for k in constants if k in allowed}
    given.update(dict.fromkeys(("series", "score") if entry.get("measures") else (), "measures"))
    problems += [problem(f"columns.{k}", columns[k], f"no column: {k} is given by {given[k]}")
                 for k in columns if k in given]
    if constants.get("value_type", "stated") not in ("stated", "derived"):
        problems.append(problem("constants.value_type", constants["value_type"], "stated or derived"))
    if not isinstance(constants.get("scale_max", 1), int | float) or constants.get("scale_max", 1) <= 0:
        problems.append(problem("constants.scale_max", constants["scale_max"], "a number > 0 (the top of the scale)"))
    return problems


def _check_scale(entry: Mapping[str, Any], problem: _Report) -> list[Problem]:
    spec = entry.get("scale")
    try:
        scale = Scale.from_entry(entry)
    except (KeyError, TypeError, ValueError):
        return [] if spec is None else [problem("scale", spec, "{min: NUMBER, max: NUMBER}")]
    if not scale.high > scale.low:
        return [problem("scale", spec, "a scale whose max is above its min")]
    problems = [problem("missing_codes", code, f"missing codes outside the scale {scale.low:g}-{scale.high:g}: a "
                        "code that is also a valid score would turn real answers into missing ones")
                for code in scale.codes_inside()]
    for item in entry.get("scales") or {}:
        own = Scale.from_entry(entry, item)
        if not own.high > own.low:
            problems.append(problem(f"scales.{item}", entry["scales"][item], "a scale whose max is above its min"))
        problems += [problem(f"scales.{item}", code, f"missing codes outside the item's scale {own.low:g}-{own.high:g}"
                             " (a code that is also a valid score would turn real answers into missing ones): give "
                             "the item its own missing_codes, [] if it has none") for code in own.codes_inside()]
    return problems


def _check_read(read: object, problem: _Report) -> list[Problem]:
    if read is None:
        return []
    if not isinstance(read, Mapping):
        return [problem("read", read, "a mapping with format, encoding, delimiter, sheet or skip_rows")]
    problems = [problem(f"read.{k}", None, "one of " + ", ".join(sorted(_READ))) for k in read if k not in _READ]
    if "format" in read and read["format"] not in set(FORMATS.values()):
        problems.append(problem("read.format", read["format"], "csv, excel or parquet"))
    if "delimiter" in read and (not isinstance(read["delimiter"], str) or len(read["delimiter"]) != 1):
        problems.append(problem("read.delimiter", read["delimiter"], "one character"))
    skip = read.get("skip_rows", 0)
    if isinstance(skip, bool) or not isinstance(skip, int) or skip < 0:
        problems.append(problem("read.skip_rows", skip, "a whole number of lines >= 0 above the header"))
    return problems


def _check_period(period: object, problem: _Report) -> list[Problem]:
    if not isinstance(period, Mapping) or not period_formats(period):
        return [problem("period", period, "a period spec with a format, for example {format: 'FY{yy} Q{q}'}")]
    problems = [problem(f"period.{k}", None, "one of " + ", ".join(sorted(_PERIOD))) for k in period if k not in _PERIOD]
    for fmt in period_formats(period):
        if "%" not in fmt and "{yyyy}" not in fmt and "{yy}" not in fmt:
            problems.append(problem("period.format", fmt, "a date format (%Y-%m-%d) or a text format with a "
                                    "year: one of " + ", ".join(PLACEHOLDERS)))
    if period.get("unit", "quarter") not in {"year", "quarter", "month"}:
        problems.append(problem("period.unit", period["unit"], "year, quarter or month"))
    if period.get("fiscal_year_start", 1) not in range(1, 13):
        problems.append(problem("period.fiscal_year_start", period["fiscal_year_start"], "a month 1-12"))
    return problems
