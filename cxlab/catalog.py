"""The catalog of report instances (``notebooks/catalog.yml``): notebook plus parameters.

Parameters are checked against the notebook's tagged ``parameters`` cell before any kernel
starts: an unknown name or a value of the wrong type gets an error that lists what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import papermill
import yaml

__all__ = ["NOTEBOOKS", "CATALOG", "Instance", "CatalogError", "read_catalog", "notebook_parameters"]

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


def notebook_parameters(path: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares in its tagged cell, with their default and type.

    Examples
    --------
    >>> sorted(notebook_parameters(NOTEBOOKS / "sector_gap.ipynb"))
    ['end', 'index', 'lower', 'start', 'upper']
    """
    return {name: dict(spec) for name, spec in papermill.inspect_notebook(str(path)).items()}


def _expected(type_name: str) -> tuple[str, type | tuple[type, ...] | None]:
    """Read papermill's inferred type name: ``int``, ``Optional[int]``, ``None`` ..."""
    optional = type_name.startswith("Optional[")
    base = type_name[len("Optional["):-1] if optional else type_name
    return (f"{base} or None" if optional else base), _TYPES.get(base.lower())


def _check_parameters(name: str, path: Path, given: dict[str, Any]) -> None:
    declared = notebook_parameters(path)
    problems = []
    for key, value in given.items():
        if key not in declared:
            problems.append(f"unknown parameter {key!r} (allowed: {', '.join(sorted(declared))})")
            continue
        wording, wanted = _expected(declared[key]["inferred_type_name"])
        wrong_bool = isinstance(value, bool) and wanted is not bool  # True is an int to Python
        if wanted and value is not None and (wrong_bool or not isinstance(value, wanted)):
            problems.append(f"parameter {key!r} must be {wording}, got {type(value).__name__} {value!r}")
    if problems:
        raise CatalogError(f"report {name!r} ({path.name}): " + "; ".join(problems))


def read_catalog(path: Path = CATALOG) -> list[Instance]:
    """Read and check the catalog; every problem names the report and the parameter.

    Examples
    --------
    >>> [i.name for i in read_catalog()][:2]
    ['acsi-federal-vs-national', 'acsi-federal-vs-manufacturing']
    """
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    notebooks = spec.get("notebooks", {})
    instances, seen = [], set()
    for entry in spec.get("reports", []):
        name, kind = entry["name"], entry["notebook"]
        if name in seen:
            raise CatalogError(f"report name {name!r} is used twice in {path.name}")
        seen.add(name)
        if kind not in notebooks:
            raise CatalogError(f"report {name!r}: no notebook {kind!r} (known: {', '.join(notebooks)})")
        nb_path = path.parent / f"{kind}.ipynb"
        parameters = entry.get("parameters", {})
        _check_parameters(name, nb_path, parameters)
        instances.append(
            Instance(
                name=name,
                notebook=nb_path,
                title=entry.get("title", notebooks[kind]["title"]),
                analysis=notebooks[kind]["title"],
                parameters=parameters,
                data=tuple(notebooks[kind].get("data", [])),
            )
        )
    return instances
