"""Value labels and bands: codes in a file become the words a reader knows, in their order.

A registry entry may give ``value_labels: {COLUMN: {code: label}}`` for the entity, a group, any
other mapped column or an item (its answers), naming the column as in the file or by its tidy
name, and ``bands: {LABEL: [LOW, HIGH], ...}`` under a group holding a number (an age, years
lived somewhere): a value belongs to the band with ``LOW <= value < HIGH`` (``HIGH`` null: no
upper end).

When a respondent table is loaded (:func:`label_table`):

- the entity and other mapped text columns show the label of each code (``1001`` or ``1001.0``
  -> ``Manufacturing``); a code without a label keeps its code;
- a labelled or banded group becomes an ordered categorical column whose categories are the
  labels (bands) in the order the entry lists them, then unlabelled codes in numeric order:
  ordinal categories stay in their order in every table;
- an item keeps its numbers (they are scores); its answer labels are kept in
  ``attrs["value_labels"]``.

``attrs["value_labels"]`` maps each labelled tidy column to ``{code: label}`` and
``attrs["unlabelled"]`` each labelled column but the items to ``{code: rows}`` for the codes found
without a label (``cxlab data check`` lists them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cxlab.data.readers import numbers
from cxlab.errors import Problem

__all__ = ["UNLABELLED_COLUMNS", "in_bands", "label_columns", "label_problems", "label_table"]

#: Tidy columns whose values are never codes to label.
UNLABELLED_COLUMNS = ("respondent_id", "period", "time", "weight")


def label_columns(entry: Mapping[str, Any], items: list[str]) -> dict[str, list[str]]:
    """Each ``value_labels`` key of an entry with the tidy columns it labels (none: a key that fits no column).

    A key names a column as in the file (``INDUSTRY``, ``Q28``) or by its tidy name (``entity``,
    ``district``); a file column feeding two groups labels both.

    Examples
    --------
    >>> entry = {"columns": {"entity": "INDUSTRY"}, "groups": {"district": {"column": "Q28"}},
    ...          "value_labels": {"INDUSTRY": {1: "a"}, "district": {1: "b"}, "Q1": {1: "c"}, "nope": {1: "d"}}}
    >>> label_columns(entry, ["Q1"])
    {'INDUSTRY': ['entity'], 'district': ['district'], 'Q1': ['Q1'], 'nope': []}
    """
    columns = {k: v for k, v in (entry.get("columns") or {}).items() if k not in UNLABELLED_COLUMNS}
    groups = entry.get("groups") or {}
    tidy = [*columns, *groups, *items]
    found = {}
    for key in entry.get("value_labels") or {}:
        named = [key] if key in tidy else []
        named += [t for t, file in columns.items() if file == key and t not in named]
        named += [g for g, spec in groups.items() if spec["column"] == key and g not in named]
        found[key] = named
    return found


def label_problems(entry: Mapping[str, Any], items: list[str], file: str) -> list[Problem]:
    """Problems of an entry's ``value_labels`` once its items are known; an empty list when all is well.

    Examples
    --------
    >>> entry = {"name": "x", "columns": {"entity": "INDUSTRY", "period": "YEAR"},
    ...          "groups": {"age": {"column": "AGE", "bands": {"young": [0, 40], "old": [40, None]}}},
    ...          "value_labels": {"YEAR": {2015: "x"}, "age": {1: "x"}}}
    >>> for problem in label_problems(entry, ["Q1"], "datasets.yml"):
    ...     print(problem)
    datasets.yml, column 'x.value_labels.YEAR': expected a column whose codes stand for something: the entity, a group, another mapped column or an item (Q1, INDUSTRY, entity, AGE, age)
    datasets.yml, column 'x.value_labels.age': expected labels or bands, not both: the bands of group 'age' are its labels
    """
    name, groups = entry.get("name", "?"), entry.get("groups") or {}
    columns = {k: v for k, v in (entry.get("columns") or {}).items() if k not in UNLABELLED_COLUMNS}
    allowed = ", ".join(dict.fromkeys([*items, *(str(v) for pair in columns.items() for v in pair[::-1]),
                                       *(str(v) for g, spec in groups.items() for v in (spec["column"], g))]))
    problems = []
    for key, tidy in label_columns(entry, items).items():
        where = f"{name}.value_labels.{key}"
        if not tidy:
            problems.append(Problem(file, None, where, None, "a column whose codes stand for something: the entity, "
                                    f"a group, another mapped column or an item ({allowed})"))
        problems += [Problem(file, None, where, None, f"labels or bands, not both: the bands of group {g!r} are its "
                             "labels") for g in tidy if "bands" in groups.get(g, {})]
        numeric = [g for g in tidy if g in groups or g in items]
        problems += [Problem(file, None, where, code, f"a number code: {numeric[0]!r} holds numbers")
                     for code in entry["value_labels"][key] if numeric and np.isnan(_number(code))]
    return problems


def in_bands(values: pd.Series, bands: Mapping[str, list]) -> pd.Series:
    """The band (label) of each number; NA where a value lies in no band or is missing.

    Examples
    --------
    >>> in_bands(pd.Series([17.0, 18.0, 64.0, 80.0, None]), {"18-34": [18, 35], "35-64": [35, 65],
    ...                                                      "65 or older": [65, None]}).tolist()
    [nan, '18-34', '35-64', '65 or older', nan]
    """
    found = pd.Series(np.nan, index=values.index, dtype=object)
    for label, (low, high) in bands.items():
        inside = (values >= low) & (values < (np.inf if high is None else high))
        found = found.mask(inside & found.isna(), label)
    return found


def label_table(table: pd.DataFrame, entry: Mapping[str, Any], items: list[str]) -> pd.DataFrame:
    """Apply an entry's ``bands`` and ``value_labels`` to a loaded respondent table (see the module notes).

    Examples
    --------
    >>> entry = {"columns": {"entity": "IND"}, "groups": {"size": {"column": "S"}},
    ...          "value_labels": {"IND": {1001: "Manufacturing"}, "S": {2: "large", 1: "small"},
    ...                           "q1": {1: "poor", 5: "good"}}}
    >>> table = pd.DataFrame({"q1": [1, 5, 3], "entity": ["1001", "1001.0", "7"],
    ...                       "size": pd.array([1, 2, 3], dtype="Int64")})
    >>> labelled = label_table(table, entry, ["q1"])
    >>> labelled["entity"].tolist(), labelled["size"].tolist(), list(labelled["size"].cat.categories)
    (['Manufacturing', 'Manufacturing', '7'], ['small', 'large', '3'], ['large', 'small', '3'])
    >>> labelled.attrs["unlabelled"]
    {'entity': {'7': 1}, 'size': {'3': 1}}
    """
    groups = entry.get("groups") or {}
    out = table.copy(deep=False)  # copy-on-write: columns replaced below never touch the caller's
    value_labels: dict[str, dict[object, str]] = {}
    unlabelled: dict[str, dict[str, int]] = {}
    for group, spec in groups.items():
        if "bands" in spec:
            present = in_bands(out[group].astype(float), spec["bands"])
            out[group] = pd.Categorical(present, categories=[b for b in spec["bands"] if (present == b).any()],
                                        ordered=True)
    for key, tidy in label_columns(entry, items).items():
        codes = {k: str(v) for k, v in entry["value_labels"][key].items()}
        for column in tidy:
            value_labels[column] = codes
            if column in items:  # answers are scores: labels of a few points (the ends) are the norm
                continue
            if column in groups:
                out[column], missing = _labelled_codes(out[column], codes)
            else:
                out[column], missing = _labelled_text(out[column], codes)
            if len(missing):
                unlabelled[column] = {_code_text(c): int(n) for c, n in missing.value_counts(sort=False).sort_index()
                                      .items()}
    out.attrs.update(value_labels=value_labels, unlabelled=unlabelled)
    return out


def _number(code: object) -> float:
    """A code as a number (NaN for a code that is not one)."""
    try:
        return float(code)
    except (TypeError, ValueError):
        return np.nan


def _code_text(code: object) -> str:
    """A code as a reader writes it: ``7`` for 7.0."""
    number = _number(code)
    return str(int(number)) if np.isfinite(number) and number == int(number) else str(code)


def _labelled_text(column: pd.Series, codes: Mapping[object, str]) -> tuple[pd.Series, pd.Series]:
    """A text column with each code's label (text or number match), and the codes left without one."""
    text = column.astype(str).str.strip()
    by_text = {str(k).strip(): v for k, v in codes.items()}
    by_number = {_number(k): v for k, v in codes.items() if np.isfinite(_number(k))}
    labels = text.map(by_text).fillna(numbers(text).map(by_number))
    missing = text[labels.isna() & text.ne("") & column.notna()]
    return labels.fillna(column).astype(column.dtype), missing


def _labelled_codes(column: pd.Series, codes: Mapping[object, str]) -> tuple[pd.Series, pd.Series]:
    """Number codes as an ordered categorical of labels (listed order, then unlabelled codes), and the unlabelled."""
    values = column.astype(float)
    by_number = {_number(k): v for k, v in codes.items()}
    present = set(values.dropna())
    missing = values[values.notna() & ~values.isin(list(by_number))]
    extra = {c: _code_text(c) for c in sorted(set(missing))}
    shown = values.map({**by_number, **extra})
    order = [label for code, label in by_number.items() if code in present] + list(extra.values())
    return pd.Series(pd.Categorical(shown, categories=list(dict.fromkeys(order)), ordered=True),
                     index=column.index, name=column.name), missing
