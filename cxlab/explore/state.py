"""What the explorers compute, with no widget in sight: driver cells and report entries.

A driver explorer must answer within a blink even on a million respondents. So the respondents
are read once: per cell of the resident groups (district x own/rent x tenure x age), the
complete answers to the outcome and the items are reduced to their sufficient statistics
(count, sums, cross-products, taken around the overall mean for accuracy). A selection of groups
then only adds up the cells it covers and turns the sums into a correlation matrix, from which
Johnson's relative weights follow exactly as in :func:`cxlab.stats.drivers.importance`.

"Make this a report" writes the explorer's selection as a catalog entry: checked against the
notebook's parameters and the data exactly as ``cxlab build`` checks ``catalog.yml``, then
appended (as text, so comments stay) to ``notebooks/catalog.local.yml``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from cxlab.stats import drivers
from cxlab.analyses.resident_groups import GROUPS, resident_group
from cxlab.build.batch import REPORTS, Outcome, build_one, now_utc
from cxlab.build.catalog import CATALOG, Instance, load_catalog, parameter_defaults, read_catalog, slug
from cxlab.stats.drivers import _relative_weights_of
from cxlab.stats.summary import MIN_N, rescale

__all__ = [
    "LOCAL_CATALOG",
    "NOT_STATED",
    "SelectionError",
    "DriverCells",
    "driver_cells",
    "driver_view",
    "report_entry",
    "same_report",
    "check_entry",
    "append_entry",
    "make_report",
]

#: Set (to anything) and explorers show nothing, even in JupyterLab: batch runs set it.
#: Reports made from explorers; ``cxlab build`` reads them after ``catalog.yml``.
LOCAL_CATALOG = CATALOG.with_name("catalog.local.yml")
#: Group label of a resident who did not answer the grouping question.
NOT_STATED = "not stated"

_LOCAL_HEADER = (
    "# Reports made in JupyterLab with an explorer's \"Make this a report\" button.\n"
    "# Same format as the reports list of catalog.yml; `cxlab build` reads both.\n"
    "reports:\n"
)


class SelectionError(ValueError):
    """A selection an explorer cannot show; the message says why, in plain words."""


@dataclass(frozen=True)
class DriverCells:
    """Sufficient statistics of complete respondents, one row per cell of the groups.

    ``sums`` and ``cross`` are taken around ``centre``; the last column is the outcome.
    """

    outcome: str
    items: tuple[str, ...]
    keys: pd.DataFrame
    n: np.ndarray
    sums: np.ndarray
    cross: np.ndarray
    centre: np.ndarray
    scale: tuple[float, float]

    def levels(self, group: str) -> list[str]:
        """The labels of one grouping that occur among complete respondents."""
        return sorted(self.keys[group].unique())

    def combine(self, where: Mapping[str, Collection[str]]) -> tuple[int, np.ndarray, np.ndarray]:
        """Count, means and covariance matrix of the respondents in the selected groups.

        ``where`` maps a grouping to the labels kept; a grouping not named keeps every label.
        """
        keep = np.ones(len(self.keys), bool)
        for group, labels in where.items():
            keep &= self.keys[group].isin(list(labels)).to_numpy()
        n = int(self.n[keep].sum())
        sums, cross = self.sums[keep].sum(axis=0), self.cross[keep].sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = sums / n
            cov = (cross - n * np.outer(mean, mean)) / (n - 1)
        return n, mean + self.centre, cov


def driver_cells(
    residents: pd.DataFrame, *, outcome: str, items: Sequence[str],
    groups: Sequence[str] = tuple(GROUPS), scale: tuple[float, float] = (1, 5),
) -> DriverCells:
    """Reduce respondents who answered the outcome and every item to per-cell sums.

    Examples
    --------
    >>> import cxlab
    >>> residents = cxlab.load("sandiego_2015")
    >>> cells = driver_cells(residents, outcome="Q2_6", items=["Q3_1", "Q3_2"])
    >>> int(cells.n.sum()) == len(residents[["Q2_6", "Q3_1", "Q3_2"]].dropna())
    True
    >>> cells.levels("own_rent")
    ['Own', 'Rent', 'not stated']
    """
    columns = [*items, outcome]
    values = residents[columns].astype("float64").to_numpy(na_value=np.nan)
    complete = ~np.isnan(values).any(axis=1)
    labels = pd.DataFrame({g: resident_group(residents, g) for g in groups})[complete].fillna(NOT_STATED)
    grouped = labels.groupby(list(groups), sort=True)
    code = grouped.ngroup().to_numpy()
    keys = grouped.size().reset_index()[list(groups)]
    x = values[complete]
    centre = x.mean(axis=0) if len(x) else np.zeros(len(columns))
    x = x - centre
    order = np.argsort(code, kind="stable")
    n = np.bincount(code, minlength=len(keys))
    bounds = np.r_[0, np.cumsum(n)]
    sorted_x = x[order]
    parts = [sorted_x[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    return DriverCells(
        outcome=outcome, items=tuple(items), keys=keys, n=n,
        sums=np.array([p.sum(axis=0) for p in parts]).reshape(len(keys), len(columns)),
        cross=np.array([p.T @ p for p in parts]).reshape(len(keys), len(columns), len(columns)),
        centre=centre, scale=scale,
    )


def driver_view(
    cells: DriverCells, *, where: Mapping[str, Collection[str]] | None = None,
    labels: Mapping[str, str] | None = None, min_n: int = MIN_N,
) -> pd.DataFrame:
    """Derived importance and performance of each item, placed in the quadrant, for a selection.

    The numbers are those of :func:`cxlab.stats.drivers.importance` (relative weights, item means on
    0-100) for the same respondents, with Pearson's r in place of the bootstrapped Spearman
    correlation; the quadrant is :func:`cxlab.stats.drivers.quadrant`.

    Raises
    ------
    SelectionError
        Fewer than ``min_n`` complete respondents in the selection, or no variance to explain.

    Examples
    --------
    >>> import cxlab
    >>> residents = cxlab.load("sandiego_2015")
    >>> cells = driver_cells(residents, outcome="Q2_6", items=["Q3_1", "Q3_2", "Q3_3"])
    >>> view = driver_view(cells, where={"own_rent": ["Rent"]})
    >>> float(view["importance"].sum().round(6)), view["quadrant"].ne("").all()
    (100.0, np.True_)
    >>> driver_view(cells, where={"own_rent": []})
    Traceback (most recent call last):
    ...
    cxlab.explore.state.SelectionError: only 0 residents in this selection answered Q2_6 and every item; at least 10 are needed
    """
    n, mean, cov = cells.combine(where or {})
    if n < max(min_n, 3):
        raise SelectionError(f"only {n} residents in this selection answered {cells.outcome} and every item; "
                             f"at least {max(min_n, 3)} are needed")
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    used = np.r_[sd[:-1] > 0, True]
    if sd[-1] == 0 or used.sum() < 2:
        raise SelectionError(f"the {n} residents in this selection give {cells.outcome} or every item the same "
                             "rating, so there is no variance to explain")
    corr = cov[np.ix_(used, used)] / np.outer(sd[used], sd[used])
    weights = _relative_weights_of(corr)
    items = [i for i, ok in zip(cells.items, used) if ok]
    names = labels or {}
    table = pd.DataFrame({
        "item": items, "label": [f"{names.get(i, i)} ({i})" for i in items], "n": n,
        "performance": rescale(mean[:-1][used[:-1]], scale=cells.scale), "pearson": corr[-1, :-1],
        "importance": weights / weights.sum() * 100, "r2": weights.sum(), "note": "",
    })
    return drivers.quadrant(table)


def report_entry(notebook: str, parameters: Mapping[str, Any], *, name: str | None = None,
                 title: str | None = None) -> dict[str, Any]:
    """A catalog entry for ``notebook`` run with ``parameters`` (None values left out).

    Examples
    --------
    >>> report_entry("sector_gap", {"index": "ACSI", "lower": "federal_government",
    ...                             "upper": "national", "start": 2010, "end": None})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'name': 'sector-gap-acsi-federal-government-national-2010', 'notebook': 'sector_gap',
     'title': 'sector_gap: ACSI, federal_government, national, 2010',
     'parameters': {'index': 'ACSI', 'lower': 'federal_government', 'upper': 'national', 'start': 2010}}
    """
    given = {k: v for k, v in parameters.items() if v is not None}
    shown = ", ".join(str(v) for v in given.values())
    return {"name": name or slug(f"{notebook} {shown}", limit=80), "notebook": notebook,
            "title": title or f"{notebook}: {shown}", "parameters": given}


def _entries(path: Path) -> list[dict[str, Any]]:
    """The report entries written in a catalog file, as written (none if there is no file)."""
    if not path.exists():
        return []
    return list((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("reports") or [])


def _names(path: Path) -> set[str]:
    return {entry["name"] for entry in _entries(path)}


def same_report(entry: Mapping[str, Any], *, catalog: Path = CATALOG, local: Path = LOCAL_CATALOG) -> str | None:
    """The name of a report of the catalogs that runs the same notebook with the same parameters, if any.

    Parameters left out count as their notebook defaults, so ``{"min_n": 10}`` and ``{}`` are the
    same report; matrix entries of the catalog are compared one report at a time.

    Examples
    --------
    >>> same_report({"notebook": "sector_gap", "parameters": {"index": "ACSI", "lower": "federal_government",
    ...                                                      "upper": "national", "start": None}})
    'acsi-federal-vs-national'
    >>> same_report({"notebook": "sector_gap", "parameters": {"index": "ACSI", "start": 2010}}) is None
    True
    """
    defaults = parameter_defaults(catalog.parent / f"{entry['notebook']}.ipynb")
    wanted = {**defaults, **entry["parameters"]}
    written = [(raw["name"], raw.get("notebook"), raw.get("parameters") or {}) for raw in _entries(local)]
    for name, notebook, parameters in [(i.name, i.notebook.stem, i.parameters) for i in load_catalog(catalog).instances
                                       ] + written:
        if notebook == entry["notebook"] and {**defaults, **parameters} == wanted:
            return name
    return None


def check_entry(entry: Mapping[str, Any], *, catalog: Path = CATALOG, local: Path = LOCAL_CATALOG) -> Instance:
    """Check an entry as ``cxlab build`` would (parameters, data values, a name not yet used, a new report).

    Raises
    ------
    cxlab.build.catalog.CatalogError
        A parameter the notebook does not declare, of the wrong type, or not in the data.
    SelectionError
        A report of that name exists already, or one that shows the same selection.
    """
    if entry["name"] in _names(catalog) | _names(local):
        raise SelectionError(f"a report named {entry['name']!r} exists already; choose another name")
    twin = same_report(entry, catalog=catalog, local=local)
    if twin is not None:
        raise SelectionError(f"the catalog has this report already, as {twin!r}: `cxlab build --only {twin}` "
                             "builds it; change the selection to make a new one")
    spec = yaml.safe_load(catalog.read_text(encoding="utf-8"))
    handle, probe = tempfile.mkstemp(dir=catalog.parent, prefix=".cxlab-check-", suffix=".yml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            yaml.safe_dump({"notebooks": spec["notebooks"], "reports": [dict(entry)]}, out, sort_keys=False)
        return read_catalog(Path(probe))[0]
    finally:
        Path(probe).unlink(missing_ok=True)


def append_entry(entry: Mapping[str, Any], *, local: Path = LOCAL_CATALOG) -> None:
    """Append ``entry`` to the reports list of ``local`` as text (its comments stay as written)."""
    text = yaml.safe_dump([dict(entry)], sort_keys=False, allow_unicode=True)
    indented = "".join(f"  {line}" for line in text.splitlines(keepends=True))
    with local.open("a", encoding="utf-8") as out:
        if out.tell() == 0:
            out.write(_LOCAL_HEADER)
        out.write(indented)


def make_report(entry: Mapping[str, Any], *, build: bool = False, catalog: Path = CATALOG,
                local: Path = LOCAL_CATALOG, out_dir: Path = REPORTS) -> Outcome | None:
    """Check ``entry``, append it to the local catalog and, if asked, build its report now.

    Examples
    --------
    >>> local = Path(tempfile.mkdtemp()) / "catalog.local.yml"
    >>> entry = report_entry("sector_gap", {"index": "ACSI", "lower": "federal_government",
    ...                                     "upper": "national", "start": 2010})
    >>> make_report(entry, local=local)
    >>> print(local.read_text().splitlines()[-1].strip())
    start: 2010
    >>> make_report(entry, local=local)
    Traceback (most recent call last):
    ...
    cxlab.explore.state.SelectionError: a report named 'sector-gap-acsi-federal-government-national-2010' exists already; choose another name
    """
    instance = check_entry(entry, catalog=catalog, local=local)
    append_entry(entry, local=local)
    if not build:
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    return build_one(instance, out_dir, build_date=now_utc(), commit=None)
