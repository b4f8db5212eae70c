"""The catalog of report instances (``notebooks/catalog.yml``): notebook plus parameters.

An entry is one report, or a *matrix*: one report per distinct combination of data columns (one
scorecard per A-11 service, say). Parameters are checked before any kernel starts, against the
notebook's tagged ``parameters`` cell (unknown names, wrong types) and against the data (a value
that is not in the data, such as a misspelt agency); each error lists what is allowed.

An entry without a name (and without a matrix) is named after its notebook and parameter
values (``{notebook: survey_summary, parameters: {dataset: x}}`` is ``survey-summary-x``).

A problem in one entry (its shape, its name, its parameters, a data set it reads that cannot be
used) blocks that entry only: :func:`load_catalog` returns the reports that can be built and the
blocked ones with their reasons. A problem in the file as a whole (no such file, bad YAML,
no ``reports:``) raises :class:`CatalogError`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxlab.data import registry, respondents
from cxlab.build.catalog_checks import entry_problems, file_problems, placeholders
from cxlab.errors import DataError
from cxlab.build.paths import name_problem
from cxlab.data.yamlfile import YamlFile, read_yaml

if TYPE_CHECKING:  # imported where used, so a no-op build starts fast
    import pandas as pd

__all__ = [
    "NOTEBOOKS",
    "CATALOG",
    "parameter_defaults",
    "LOCAL_NAME",
    "Instance",
    "Blocked",
    "Catalog",
    "CatalogError",
    "catalog_files",
    "load_catalog",
    "read_catalog",
    "notebook_parameters",
    "slug",
]

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
CATALOG = NOTEBOOKS / "catalog.yml"
#: Beside ``catalog.yml``: the reports made with an explorer's "Make this a report", read after it.
LOCAL_NAME = "catalog.local.yml"

_TYPES = {"int": int, "float": (int, float), "str": str, "bool": bool, "list": list, "dict": dict}


class CatalogError(ValueError):
    """A catalog (or a catalog entry) that cannot be built as written."""


@dataclass(frozen=True)
class Instance:
    """One report to build: a notebook run with one set of parameters."""

    name: str
    notebook: Path
    title: str
    analysis: str
    parameters: dict[str, Any] = field(default_factory=dict)
    data: tuple[str, ...] = ()


@dataclass(frozen=True)
class Blocked:
    """A catalog entry, or one report of a matrix, that cannot be built as written, and why.

    Examples
    --------
    >>> print(Blocked("scorecard-x", "data set 'a11_hisp' cannot be used"))
    report 'scorecard-x': data set 'a11_hisp' cannot be used
    """

    name: str
    reason: str

    def __str__(self) -> str:
        return f"report {self.name!r}: {self.reason}"


@dataclass(frozen=True)
class Catalog:
    """The reports of a catalog that can be built, and the blocked entries with their reasons."""

    instances: list[Instance]
    blocked: list[Blocked] = field(default_factory=list)


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
    """Read papermill's inferred type name: ``int``, ``Optional[int]``, ``Union[str, list, None]``, ``None`` ...

    Examples
    --------
    >>> _expected("Optional[int]"), _expected("Union[str, list, None]")
    (('int or None', <class 'int'>), ('str, list or None', (<class 'str'>, <class 'list'>)))
    """
    if type_name.startswith("Union[") and type_name.endswith("]"):
        names = [n.strip() for n in type_name[len("Union["):-1].split(",")]
    elif type_name.startswith("Optional[") and type_name.endswith("]"):
        names = [type_name[len("Optional["):-1], "None"]
    else:
        names = [type_name]
    kinds = [_TYPES.get(n.lower()) for n in names if n != "None"]
    wording = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
    if None in kinds or not kinds:
        return wording, None
    return wording, kinds[0] if len(kinds) == 1 else tuple(kinds)


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


def parameter_defaults(path: Path) -> dict[str, Any]:
    """The default value of each parameter a notebook declares (None where it is not a literal).

    Examples
    --------
    >>> parameter_defaults(NOTEBOOKS / "sector_gap.ipynb")["index"]
    'ACSI'
    """
    return {name: _default(spec) for name, spec in notebook_parameters(path).items()}


def _reason(err: Exception) -> str:
    """An error's message on one line (every problem of a DataError, joined)."""
    if isinstance(err, DataError):
        return "; ".join(map(str, err.problems))
    return str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)


class _Data:
    """Loads each data set at most once while a catalog is read, and says which cannot be used."""

    def __init__(self) -> None:
        self._tables: dict[str, pd.DataFrame] = {}
        self._problems: dict[str, str | None] = {}

    def __call__(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            from cxlab.data.loaders import load

            self._tables[name] = load(name)
        return self._tables[name]

    def problem(self, name: str) -> str | None:
        """Why data set ``name`` cannot be read (unknown, a file missing or changed), or None."""
        if name not in self._problems:
            try:
                for relative, sha in registry.dataset_files(name).items():
                    registry.verified_path(relative, sha)
                self._problems[name] = None
            except (KeyError, DataError) as err:
                self._problems[name] = f"data set {name!r} cannot be used: {_reason(err)}"
        return self._problems[name]


def _value_problems(rules: dict[str, dict[str, Any]], values: dict[str, Any], data: _Data) -> list[str]:
    """Check parameters against data columns and data sets.

    Each rule names a data set (``data``; ``"{dataset}"`` takes it from a parameter) and a
    column (or several: the value may be in any), or what a respondent data set offers
    (``items``, ``groups``), or fixed ``choices``, or a registered data set (``data_set``). A
    parameter with a column rule is looked up among the rows that match the parameters in its
    ``within`` list (by default every earlier parameter of the same data set), so an agency
    narrows its services. A rule whose data set cannot be used is left to the data set's own
    problem, reported once.
    """
    problems, matched, named = [], {}, {}
    for key, rule in rules.items():
        value = values.get(key)
        if "data" in rule:
            rule = named[key] = {**rule, "data": str(rule["data"]).format(**values)}
            if data.problem(rule["data"]) is not None:
                continue
        if value is None and not {"items", "groups"} & set(rule):
            continue
        if {"items", "groups"} & set(rule):
            problem = _respondent_problem(key, rule, value, data)
            problems += [problem] if problem else []
            continue
        if "column" not in rule:
            allowed = _named_values(rule, data)
            if value not in allowed:
                problems.append(f"parameter {key!r} = {value!r} is not allowed; allowed: {', '.join(allowed)}")
            continue
        table = data(rule["data"])
        columns = [rule["column"]] if isinstance(rule["column"], str) else list(rule["column"])
        absent = [c for c in columns if c not in table.columns]
        if absent:
            problems.append(f"the rule for parameter {key!r} names column {', '.join(map(repr, absent))}, which "
                            f"{rule['data']} does not have (columns: {', '.join(map(str, table.columns))})")
            continue
        earlier = [k for k in matched if named[k]["data"] == rule["data"]]
        for other in rule.get("within", earlier):
            table = table[matched[other].reindex(table.index, fill_value=False)] if other in matched else table
        hit = table[columns].eq(value).any(axis=1)
        if not hit.any():
            allowed = sorted(set(table[columns].to_numpy().ravel()), key=str)
            narrowed = "".join(f", {k} = {values[k]!r}" for k in rule.get("within", earlier) if k in matched)
            problems.append(f"parameter {key!r} = {value!r} is not in {rule['data']} ({'/'.join(columns)}"
                            f"{narrowed}); allowed: {', '.join(map(str, allowed))}")
            continue
        matched[key] = hit
    return problems


#: What a rule's ``items`` or ``groups`` asks of a parameter, and the function that checks it.
_RESPONDENT_RULES = {("items", "item"): respondents.item, ("items", "items"): respondents.items,
                     ("groups", "group"): respondents.group, ("groups", "filter"): respondents.kept}


def _respondent_problem(key: str, rule: dict[str, Any], value: Any, data: _Data) -> str | None:
    """A parameter naming an item, items, a group or a filter of groups, checked against the data set's table."""
    kind = ("items", rule["items"]) if "items" in rule else ("groups", rule["groups"])
    try:
        table = respondents.respondent_table(data(rule["data"]), rule["data"])
        _RESPONDENT_RULES[kind](table, value)
    except (ValueError, TypeError) as err:
        return f"parameter {key!r} = {value!r} does not fit {rule['data']}: {err}"
    return None


def _named_values(rule: dict[str, Any], data: _Data) -> list[str]:
    """Allowed values that are not a data column: fixed ``choices``, or registered data sets (of some layouts)."""
    if "choices" in rule:
        return list(rule["choices"])
    layouts = rule["data_set"]
    return sorted(name for name, spec in registry.registry().items()
                  if layouts is True or spec.get("layout") in layouts)


def _expand(entry: Mapping[str, Any], data: _Data) -> list[dict[str, Any]]:
    """One entry per distinct combination of the matrix's columns (with enough data).

    ``matrix`` keys: ``data`` (data set), ``columns`` (whose combinations make the reports),
    ``parameters`` (notebook parameter -> column), ``where`` (column -> allowed values),
    ``min_distinct`` (column -> fewest distinct values a combination must have) and ``min_rows``
    (fewest rows a combination must have, after ``where``). Names made from data are slugified.
    A column the data set lacks, or a matrix that gives no report, is a :class:`CatalogError`.

    Examples
    --------
    >>> entry = {"name": "complaints-{product}", "matrix": {"data": "cfpb_complaints", "columns": ["product"],
    ...          "parameters": {"product": "product"}, "where": {"has_text": [True]}, "min_rows": 250}}
    >>> [e["name"] for e in _expand(entry, _Data())]
    ['complaints-credit-reporting-credit-repair-services-or-other-personal-consumer-re', 'complaints-debt-collection']
    """
    matrix = entry.get("matrix")
    if not matrix:
        return [dict(entry)]
    table = data(matrix["data"])
    columns = list(matrix["columns"])
    used = [*columns, *matrix.get("parameters", {}).values(), *matrix.get("where", {}), *matrix.get("min_distinct", {})]
    absent = [c for c in dict.fromkeys(used) if c not in table.columns]
    if absent:
        raise CatalogError(f"matrix column {', '.join(map(repr, absent))} is not in {matrix['data']}; its columns: "
                           f"{', '.join(map(str, table.columns))}")
    named = (placeholders(entry["name"]) | placeholders(entry.get("title", ""))) - set(columns)
    if named:
        raise CatalogError(f"name or title uses {', '.join('{' + n + '}' for n in sorted(named))}, which is not "
                           f"one of the matrix columns ({', '.join(columns)})")
    for column, allowed in matrix.get("where", {}).items():
        table = table[table[column].isin(allowed)]
    for column, least in matrix.get("min_distinct", {}).items():
        counts = table.groupby(columns)[column].transform("nunique")
        table = table[counts >= least]
    if "min_rows" in matrix:
        table = table[table.groupby(columns)[columns[0]].transform("size") >= matrix["min_rows"]]
    combos = table[columns].drop_duplicates().sort_values(columns).to_dict("records")
    if not combos:
        raise CatalogError(f"the matrix gives no report: no combination of {', '.join(columns)} in "
                           f"{matrix['data']} passes its where, min_distinct and min_rows")
    return [{**entry, "name": slug(entry["name"].format(**combo), limit=80),
             "title": entry.get("title", "").format(**combo),
             "parameters": {**entry.get("parameters", {}),
                            **{p: _plain(combo[c]) for p, c in matrix.get("parameters", {}).items()}}}
            for combo in combos]


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value papermill and YAML expect."""
    return value.item() if hasattr(value, "item") else value


def _shown(path: Path) -> str:
    """How problems name a catalog file: relative to the project when it is inside it."""
    try:
        return path.resolve().relative_to(NOTEBOOKS.parent).as_posix()
    except ValueError:
        return str(path)


def catalog_files(path: Path) -> list[Path]:
    """The catalog file and, for ``catalog.yml``, the local catalog beside it if there is one.

    Examples
    --------
    >>> [p.name for p in catalog_files(NOTEBOOKS / "elsewhere.yml")]
    ['elsewhere.yml']
    """
    local = path.with_name(LOCAL_NAME)
    return [path, local] if path.name == "catalog.yml" and local.exists() else [path]


@dataclass(frozen=True)
class _Entry:
    """One report entry as written, with the keys written twice in it and where it stands."""

    raw: object
    repeated: list[str]
    where: str

    @property
    def label(self) -> str:
        """The entry's name, or its place in the catalog when it has no usable name."""
        name = self.raw.get("name") if isinstance(self.raw, Mapping) else None
        return name if isinstance(name, str) and name.strip() else self.where

    def blocked(self, reason: str) -> Blocked:
        """This entry blocked for ``reason``, which says where the entry stands."""
        return Blocked(self.label, reason if self.label == self.where else f"{self.where}: {reason}")


def _listed(parsed: YamlFile, reports: list[object], shown: str) -> list[_Entry]:
    return [_Entry(raw, [str(r.problem(shown)) for r in parsed.repeated_under("reports", n)],
                   f"entry {n + 1} of {shown}") for n, raw in enumerate(reports)]


def _entries(path: Path) -> tuple[Mapping[str, Any], list[_Entry], list[Blocked]]:
    """The notebooks, the report entries (each with its keys written twice) and a broken local catalog.

    A problem of the main file as a whole raises :class:`CatalogError`.
    """
    shown = _shown(path)
    try:
        main = read_yaml(path, shown)
    except DataError as err:
        raise CatalogError(_reason(err)) from None
    stray = [r for r in main.repeated if r.path[0] != "reports" or len(r.path) < 3]
    problems = [f"{shown}: {p}" for p in file_problems(main.data)] + [str(r.problem(shown)) for r in stray]
    if problems:
        raise CatalogError("\n".join(problems))
    entries, blocked = _listed(main, main.data["reports"], shown), []
    for local in catalog_files(path)[1:]:
        try:
            extra = read_yaml(local, _shown(local))
            reports = extra.data.get("reports") if isinstance(extra.data, Mapping) else None
            if not isinstance(reports, list):
                raise CatalogError(f"{_shown(local)}: found {reports!r:.60}, expected reports: with a list of entries")
        except (DataError, CatalogError) as err:
            blocked.append(Blocked(local.name, _reason(err)))
            continue
        entries += _listed(extra, reports, _shown(local))
    if not entries and not blocked:
        raise CatalogError(f"{shown}: reports: found no entry, expected at least one report (see the comments in "
                           "notebooks/catalog.yml)")
    return main.data["notebooks"], entries, blocked


def _instances(raw: Mapping[str, Any], spec: Mapping[str, Any], folder: Path, data: _Data
               ) -> tuple[list[Instance], list[Blocked]]:
    """The reports of one checked entry (several for a matrix), and those of them that are blocked."""
    nb_path = folder / f"{raw['notebook']}.ipynb"
    if not nb_path.is_file():
        raise CatalogError(f"notebook file {nb_path.name} is missing from {folder}")
    try:
        declared = notebook_parameters(nb_path)
    except Exception as err:  # papermill and nbformat raise many kinds for a damaged notebook
        raise CatalogError(f"cannot read the parameters cell of {nb_path.name}: {type(err).__name__}: {err}") from None
    made, refused = [], []
    for entry in _expand(raw, data):
        name, given = entry["name"], entry.get("parameters") or {}
        if (problem := name_problem(name)) is not None:
            refused.append(Blocked(name or raw["name"], f"the name the matrix made: {problem}"))
            continue
        found = _type_problems(declared, given)
        values = {k: _default(s) for k, s in declared.items()} | given
        if not found:
            found = _value_problems(spec.get("values", {}), values, data)
        try:
            datasets = tuple(str(d).format(**values) for d in spec.get("data", []))
        except (KeyError, IndexError, ValueError) as err:
            found.append(f"data: {spec['data']!r} names a parameter the notebook does not have ({_reason(err)})")
            datasets = ()
        found += [p for d in datasets if (p := data.problem(d))]
        if found:
            refused.append(Blocked(name, f"{nb_path.name}: " + "; ".join(found)))
            continue
        made.append(Instance(name=name, notebook=nb_path, title=entry.get("title") or spec["title"],
                             analysis=spec["title"], parameters=given, data=datasets))
    return made, refused


def _named(raw: object) -> object:
    """An entry that gives no name (nor a matrix) named after its notebook and parameter values.

    Examples
    --------
    >>> _named({"notebook": "survey_summary", "parameters": {"dataset": "industry_survey"}})["name"]
    'survey-summary-industry-survey'
    >>> _named({"name": "mine", "notebook": "survey_summary"})["name"]
    'mine'
    """
    if not isinstance(raw, Mapping) or "name" in raw or "matrix" in raw or not isinstance(raw.get("notebook"), str):
        return raw
    given = raw.get("parameters") or {}
    values = [str(v) for v in given.values()] if isinstance(given, Mapping) else []
    return {**raw, "name": slug(" ".join([raw["notebook"], *values]), limit=80)}


def load_catalog(path: Path = CATALOG) -> Catalog:
    """Read, expand and check the catalog; a bad entry blocks only its own reports.

    Examples
    --------
    >>> catalog = load_catalog()
    >>> [i.name for i in catalog.instances][:2], catalog.blocked
    (['acsi-federal-vs-national', 'acsi-federal-vs-manufacturing'], [])
    """
    notebooks, entries, blocked = _entries(path)
    data, instances, seen = _Data(), [], {}
    for listed in entries:
        entry = _Entry(_named(listed.raw), listed.repeated, listed.where)
        problems = entry.repeated + entry_problems(entry.raw, notebooks)
        if problems:
            blocked.append(entry.blocked("; ".join(problems)))
            continue
        try:
            made, refused = _instances(entry.raw, notebooks[entry.raw["notebook"]], path.parent, data)
        except (CatalogError, DataError) as err:
            blocked.append(entry.blocked(_reason(err)))
            continue
        blocked += refused
        for instance in made:
            if instance.name in seen:
                blocked.append(Blocked(instance.name, f"{entry.where}: the name is used twice in the catalog "
                                                      f"(also {seen[instance.name]}); give one another name"))
                continue
            seen[instance.name] = entry.where
            instances.append(instance)
    return Catalog(instances, blocked)


def read_catalog(path: Path = CATALOG) -> list[Instance]:
    """Read, expand and check the catalog; every problem names the report and the parameter.

    Unlike :func:`load_catalog`, any blocked entry raises :class:`CatalogError` listing them all.

    Examples
    --------
    >>> instances = read_catalog()
    >>> [i.name for i in instances][:2]
    ['acsi-federal-vs-national', 'acsi-federal-vs-manufacturing']
    >>> len(instances) >= 50
    True
    """
    catalog = load_catalog(path)
    if catalog.blocked:
        raise CatalogError("\n".join(map(str, catalog.blocked)))
    return catalog.instances
