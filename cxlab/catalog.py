"""The catalog of report instances (``notebooks/catalog.yml``): notebook plus parameters.

An entry is one report, or a *matrix*: one report per distinct combination of data columns (one
scorecard per A-11 service, say). Parameters are checked before any kernel starts, against the
notebook's tagged ``parameters`` cell (unknown names, wrong types) and against the data (a value
that is not in the data, such as a misspelt agency); each error lists what is allowed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:  # imported where used, so a no-op build starts fast
    import pandas as pd

__all__ = [
    "NOTEBOOKS",
    "CATALOG",
    "Instance",
    "CatalogError",
    "read_catalog",
    "notebook_parameters",
    "slug",
]

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CATALOG = NOTEBOOKS / "catalog.yml"

_TYPES = {"int": int, "float": (int, float), "str": str, "bool": bool, "list": list, "dict": dict}


class CatalogError(ValueError):
    """A catalog entry that cannot be built as written."""


@dataclass(frozen=True)
class Instance:
    """One report to build: a notebook run with one set of parameters."""

    name: str
    notebook: Path
    title: str
    analysis: str
    parameters: dict[str, Any] = field(default_factory=dict)
    data: tuple[str, ...] = ()


def slug(text: str, *, limit: int = 60) -> str:
    """A file-name-safe, lower-case version of ``text``.

    Examples
    --------
    >>> slug("Getting help from TSA (DHS)")
    'getting-help-from-tsa-dhs'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].rstrip("-")


@cache
def _inspect(path: Path, mtime_ns: int) -> dict[str, dict[str, Any]]:
    import papermill

    return {name: dict(spec) for name, spec in papermill.inspect_notebook(str(path)).items()}


def notebook_parameters(path: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares in its tagged cell, with their default and type.

    Examples
    --------
    >>> sorted(notebook_parameters(NOTEBOOKS / "sector_gap.ipynb"))
    ['end', 'index', 'lower', 'start', 'upper']
    """
    return _inspect(path, path.stat().st_mtime_ns)


def _expected(type_name: str) -> tuple[str, type | tuple[type, ...] | None]:
    """Read papermill's inferred type name: ``int``, ``Optional[int]``, ``None`` ..."""
    optional = type_name.startswith("Optional[")
    base = type_name[len("Optional["):-1] if optional else type_name
    return (f"{base} or None" if optional else base), _TYPES.get(base.lower())


def _type_problems(declared: dict[str, dict[str, Any]], given: dict[str, Any]) -> list[str]:
    problems = []
    for key, value in given.items():
        if key not in declared:
            problems.append(f"unknown parameter {key!r} (allowed: {', '.join(sorted(declared))})")
            continue
        wording, wanted = _expected(declared[key]["inferred_type_name"])
        wrong_bool = isinstance(value, bool) and wanted is not bool  # True is an int to Python
        if wanted and value is not None and (wrong_bool or not isinstance(value, wanted)):
            problems.append(f"parameter {key!r} must be {wording}, got {type(value).__name__} {value!r}")
    return problems


def _default(spec: dict[str, Any]) -> Any:
    try:
        return ast.literal_eval(spec["default"])
    except (ValueError, SyntaxError):
        return None


class _Data:
    """Loads each data set at most once while a catalog is read."""

    def __init__(self) -> None:
        self._tables: dict[str, pd.DataFrame] = {}

    def __call__(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            from cxlab.loaders import load

            self._tables[name] = load(name)
        return self._tables[name]


def _value_problems(rules: dict[str, dict[str, Any]], values: dict[str, Any], data: _Data) -> list[str]:
    """Check parameters against data columns.

    Each rule names a data set and a column (or several: the value may be in any). A parameter
    is looked up among the rows that match the parameters in its ``within`` list (by default
    every earlier parameter of the same data set), so an agency narrows its services.
    """
    problems, matched = [], {}
    for key, rule in rules.items():
        value = values.get(key)
        if value is None:
            continue
        if "column" not in rule:
            allowed = _named_values(rule, data)
            if value not in allowed:
                problems.append(f"parameter {key!r} = {value!r} is not allowed; allowed: {', '.join(allowed)}")
            continue
        table = data(rule["data"])
        earlier = [k for k in matched if rules[k]["data"] == rule["data"]]
        for other in rule.get("within", earlier):
            table = table[matched[other].reindex(table.index, fill_value=False)] if other in matched else table
        columns = [rule["column"]] if isinstance(rule["column"], str) else list(rule["column"])
        hit = table[columns].eq(value).any(axis=1)
        if not hit.any():
            allowed = sorted(set(table[columns].to_numpy().ravel()), key=str)
            narrowed = "".join(f", {k} = {values[k]!r}" for k in rule.get("within", earlier) if k in matched)
            problems.append(f"parameter {key!r} = {value!r} is not in {rule['data']} ({'/'.join(columns)}"
                            f"{narrowed}); allowed: {', '.join(map(str, allowed))}")
            continue
        matched[key] = hit
    return problems


def _named_values(rule: dict[str, Any], data: _Data) -> list[str]:
    """Allowed values that are not a data column: fixed ``choices``, or a data set's rating items."""
    if "choices" in rule:
        return list(rule["choices"])
    if rule.get("data_set"):
        from cxlab.registry import registry

        return sorted(registry())
    items = data(rule["data"]).attrs["items"]
    if rule.get("items") == "block":
        return list(dict.fromkeys(i.split("_")[0] for i in items))
    return list(items)


def _expand(entry: dict[str, Any], data: _Data) -> list[dict[str, Any]]:
    """One entry per distinct combination of the matrix's columns (with enough data).

    ``matrix`` keys: ``data`` (data set), ``columns`` (whose combinations make the reports),
    ``parameters`` (notebook parameter -> column), ``where`` (column -> allowed values),
    ``min_distinct`` (column -> fewest distinct values a combination must have) and ``min_rows``
    (fewest rows a combination must have, after ``where``).

    Examples
    --------
    >>> from cxlab.catalog import _Data
    >>> entry = {"name": "complaints-{product}", "matrix": {"data": "cfpb_complaints", "columns": ["product"],
    ...          "parameters": {"product": "product"}, "where": {"has_text": [True]}, "min_rows": 250}}
    >>> [e["name"] for e in _expand(entry, _Data())]
    ['complaints-credit-reporting-credit-repair-services-or-other-personal-consumer-re', 'complaints-debt-collection']
    """
    matrix = entry.get("matrix")
    if not matrix:
        return [entry]
    table = data(matrix["data"])
    columns = list(matrix["columns"])
    for column, allowed in matrix.get("where", {}).items():
        table = table[table[column].isin(allowed)]
    for column, least in matrix.get("min_distinct", {}).items():
        counts = table.groupby(columns)[column].transform("nunique")
        table = table[counts >= least]
    if "min_rows" in matrix:
        table = table[table.groupby(columns)[columns[0]].transform("size") >= matrix["min_rows"]]
    combos = table[columns].drop_duplicates().sort_values(columns).to_dict("records")
    entries = []
    for combo in combos:
        chosen = {p: _plain(combo[c]) for p, c in matrix["parameters"].items()}
        entries.append({**entry, "name": slug(entry["name"].format(**combo), limit=80),
                        "title": entry.get("title", "").format(**combo),
                        "parameters": {**entry.get("parameters", {}), **chosen}})
    return entries


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value papermill and YAML expect."""
    return value.item() if hasattr(value, "item") else value


def read_catalog(path: Path = CATALOG) -> list[Instance]:
    """Read, expand and check the catalog; every problem names the report and the parameter.

    Examples
    --------
    >>> instances = read_catalog()
    >>> [i.name for i in instances][:2]
    ['acsi-federal-vs-national', 'acsi-federal-vs-manufacturing']
    >>> len(instances) >= 50
    True
    """
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    local = path.with_name("catalog.local.yml")  # reports made with an explorer's "Make this a report"
    if path.name == "catalog.yml" and local.exists():
        spec["reports"] = spec.get("reports", []) + (yaml.safe_load(local.read_text(encoding="utf-8")) or {}).get("reports", [])
    notebooks = spec.get("notebooks", {})
    data = _Data()
    instances, seen, problems = [], set(), []
    for raw in spec.get("reports", []):
        kind = raw["notebook"]
        if kind not in notebooks:
            raise CatalogError(f"report {raw['name']!r}: no notebook {kind!r} (known: {', '.join(notebooks)})")
        nb_path = path.parent / f"{kind}.ipynb"
        declared = notebook_parameters(nb_path)
        for entry in _expand(raw, data):
            name, given = entry["name"], entry.get("parameters", {})
            if name in seen:
                raise CatalogError(f"report name {name!r} is used twice in {path.name}")
            seen.add(name)
            found = _type_problems(declared, given)
            values = {k: _default(s) for k, s in declared.items()} | given
            if not found:
                found = _value_problems(notebooks[kind].get("values", {}), values, data)
            problems += [f"report {name!r} ({nb_path.name}): {p}" for p in found]
            instances.append(
                Instance(
                    name=name,
                    notebook=nb_path,
                    title=entry.get("title") or notebooks[kind]["title"],
                    analysis=notebooks[kind]["title"],
                    parameters=given,
                    data=tuple(str(d).format(**values) for d in notebooks[kind].get("data", [])),
                )
            )
    if problems:
        raise CatalogError("\n".join(problems))
    return instances
