"""What a catalog file may say: its shape, checked before any entry is expanded or run.

The file must be a mapping with ``notebooks`` (notebook name: its title, data sets and value
rules) and ``reports`` (a non-empty list); a problem there stops the build. A problem in one
entry (no ``notebook:``, a name that is not a plain file name, a ``matrix`` of the wrong shape, a
key cxlab does not read) blocks that entry only, and a problem in a notebook's spec blocks the
entries that use it. Each function returns the problems in words, an empty list when all is well.
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter
from typing import Any

from cxlab.build.paths import name_problem

__all__ = ["ENTRY_KEYS", "MATRIX_KEYS", "NOTEBOOK_KEYS", "RULE_KEYS", "RULE_KINDS", "file_problems", "notebook_problems", "entry_problems",
           "placeholders"]

ENTRY_KEYS = {"name", "notebook", "title", "parameters", "matrix"}
MATRIX_KEYS = {"data", "columns", "parameters", "where", "min_distinct", "min_rows"}
NOTEBOOK_KEYS = {"title", "data", "values"}
RULE_KEYS = {"data", "column", "within", "choices", "data_set", "items", "groups"}
#: What a rule's ``items`` and ``groups`` may ask for: one item or items (a list or a pattern), one group or a
#: filter of groups (``{group: [values]}``).
RULE_KINDS = {"items": {"item", "items"}, "groups": {"group", "filter"}}


def _text_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _unknown(spec: Mapping[str, Any], allowed: set[str], where: str) -> list[str]:
    return [f"unknown key {key!r} in {where} (allowed: {', '.join(sorted(allowed))})"
            for key in spec if key not in allowed]


def file_problems(spec: object) -> list[str]:
    """Problems of the catalog as a whole (any one of them stops the build).

    Examples
    --------
    >>> file_problems({"notebooks": {}, "reports": None})
    ['reports: found None, expected a list of report entries (see the comments in notebooks/catalog.yml)']
    >>> file_problems({"notebooks": {"gap": {"title": "Gaps"}}, "reports": [{"name": "a", "notebook": "gap"}]})
    []
    """
    if not isinstance(spec, Mapping):
        return [f"found {type(spec).__name__} {spec!r:.60}, expected a mapping with notebooks: and reports:"]
    problems = _unknown(spec, {"notebooks", "reports"}, "the catalog")
    if not isinstance(spec.get("notebooks"), Mapping):
        problems.append(f"notebooks: found {spec.get('notebooks')!r:.60}, expected a mapping of notebook names "
                        "to their title, data and values")
    reports = spec.get("reports")
    if not isinstance(reports, list):
        problems.append(f"reports: found {reports!r:.60}, expected a list of report entries (see the comments in "
                        "notebooks/catalog.yml)")
    return problems


def notebook_problems(kind: str, spec: object) -> list[str]:
    """Problems of one notebook's spec under ``notebooks:`` (they block the entries using it).

    Examples
    --------
    >>> notebook_problems("gap", {"title": "Gaps", "data": "cx_benchmarks"})
    ["notebooks.gap.data: found 'cx_benchmarks', expected a list of data set names"]
    """
    where = f"notebooks.{kind}"
    if not isinstance(spec, Mapping):
        return [f"{where}: found {spec!r:.60}, expected a mapping with title, data and values"]
    problems = _unknown(spec, NOTEBOOK_KEYS, where)
    if not isinstance(spec.get("title"), str):
        problems.append(f"{where}.title: found {spec.get('title')!r:.60}, expected the analysis's title as text")
    if not _text_list(spec.get("data", [])):
        problems.append(f"{where}.data: found {spec.get('data')!r:.60}, expected a list of data set names")
    values = spec.get("values", {})
    if not isinstance(values, Mapping):
        return [*problems, f"{where}.values: found {values!r:.60}, expected a mapping of parameter to rule"]
    for key, rule in values.items():
        if not isinstance(rule, Mapping) or not (set(rule) & {"column", "choices", "data_set", "items", "groups"}):
            problems.append(f"{where}.values.{key}: found {rule!r:.60}, expected a rule with column (and data), "
                            "choices, data_set, items or groups")
            continue
        problems += _unknown(rule, RULE_KEYS, f"{where}.values.{key}")
        problems += [f"{where}.values.{key}.{kind}: found {rule[kind]!r:.60}, expected one of "
                     f"{', '.join(sorted(allowed))} (with data: the data set)"
                     for kind, allowed in RULE_KINDS.items()
                     if kind in rule and (rule[kind] not in allowed or "data" not in rule)]
        layouts = rule.get("data_set", True)
        if layouts is not True and not _text_list(layouts):
            problems.append(f"{where}.values.{key}.data_set: found {layouts!r:.60}, expected true or a list of "
                            "layouts")
    return problems


def placeholders(text: str) -> set[str]:
    """The ``{placeholders}`` of a name or title; ValueError when its braces do not pair.

    Examples
    --------
    >>> sorted(placeholders("scorecard-{agency_abbr}-{service}"))
    ['agency_abbr', 'service']
    """
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def _matrix_problems(matrix: object) -> list[str]:
    if not isinstance(matrix, Mapping):
        return [f"matrix: found {matrix!r:.60}, expected a mapping with data, columns and parameters"]
    problems = _unknown(matrix, MATRIX_KEYS, "matrix")
    if not isinstance(matrix.get("data"), str):
        problems.append(f"matrix.data: found {matrix.get('data')!r:.60}, expected a data set name")
    if not _text_list(matrix.get("columns")) or not matrix.get("columns"):
        problems.append(f"matrix.columns: found {matrix.get('columns')!r:.60}, expected a list of column names")
    shapes = {"parameters": (str, "a mapping of notebook parameter to column"),
              "where": (list, "a mapping of column to its allowed values"),
              "min_distinct": (int, "a mapping of column to a whole number")}
    for key, (kind, expected) in shapes.items():
        value = matrix.get(key, {})
        if not isinstance(value, Mapping) or not all(isinstance(v, kind) for v in value.values()):
            problems.append(f"matrix.{key}: found {value!r:.60}, expected {expected}")
    rows = matrix.get("min_rows", 0)
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
        problems.append(f"matrix.min_rows: found {rows!r:.60}, expected a whole number of rows")
    return problems


def entry_problems(raw: object, notebooks: Mapping[str, Any]) -> list[str]:
    """Problems of one report entry of ``reports:`` (they block that entry only).

    Examples
    --------
    >>> entry_problems({"name": "../notebooks/zz_victim", "notebook": "gap"}, {"gap": {"title": "Gaps"}})
    ["name: found '../notebooks/zz_victim', expected a report name without a path separator (letters, digits, '-', '_', '.')"]
    >>> entry_problems({"name": "a", "parameters": {"index": "ACSI"}}, {"gap": {"title": "Gaps"}})
    ['notebook: found None, expected the name of a notebook under notebooks: (known: gap)']
    """
    if not isinstance(raw, Mapping):
        return [f"found {type(raw).__name__} {raw!r:.60}, expected a mapping with name, notebook and parameters"]
    problems = _unknown(raw, ENTRY_KEYS, "the entry")
    name, kind = raw.get("name"), raw.get("notebook")
    if "matrix" in raw:
        problems += _matrix_problems(raw["matrix"])
        if not isinstance(name, str) or not name.strip():
            problems.append(f"name: found {name!r}, expected a name, with {{column}} placeholders for the matrix")
    elif (problem := name_problem(name)) is not None:
        problems.append(f"name: {problem}")
    for key in ("name", "title") if "matrix" in raw else ():
        if isinstance(raw.get(key), str):
            try:
                placeholders(raw[key])
            except ValueError as err:
                problems.append(f"{key}: found {raw[key]!r}, expected {{column}} placeholders in pairs of braces "
                                f"({err})")
    if not isinstance(raw.get("title", ""), str):
        problems.append(f"title: found {raw['title']!r:.60}, expected text")
    if not isinstance(kind, str) or kind not in notebooks:
        problems.append(f"notebook: found {kind!r}, expected the name of a notebook under notebooks: "
                        f"(known: {', '.join(map(str, notebooks))})")
    else:
        problems += notebook_problems(kind, notebooks[kind])
    if not isinstance(raw.get("parameters", {}), Mapping):
        problems.append(f"parameters: found {raw['parameters']!r:.60}, expected a mapping of parameter to value")
    return problems
