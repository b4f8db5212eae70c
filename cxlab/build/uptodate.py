"""Is a report up to date? A digest of everything its page depends on, compared with a stamp.

A report's inputs are its catalog entry (name, title, parameters, data sets), its notebook's
source without outputs, the bytes of every file of every data set it reads together with their
registry entries, cxlab's own source (the report template included) and the installed
distributions. The build date is not an input. A stamp records the inputs of the last good build
in ``<out>/.cxlab-build/stamps/<name>.json``; it is written after the report's files, so a report
that failed or was interrupted is never stamped. Each input is hashed once per check, however
many reports share it.

The expanded, checked catalog is kept there too (``catalog.json``), with a digest of everything
reading it depends on (the catalog file and ``catalog.local.yml`` beside it, the notebooks beside
it, ``datasets.yml`` and every registered data set, cxlab and the installed packages): while that
digest holds, the catalog is not read again. It is only a cache: a folder it cannot be written to
(read-only, a file in the way) just means the catalog is read every time.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import site
import sys
import sysconfig
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import cxlab
from cxlab.data import registry
from cxlab.data.tablecache import digest, keeping
from cxlab.build.catalog import Blocked, Catalog, CatalogError, Instance, catalog_files, load_catalog
from cxlab.errors import DataError
from cxlab.build.outputs import INDEX, INDEX_STAMP, STAMPS, STATE, atomic_write, report_files
from cxlab.build.paths import inside

__all__ = ["Status", "Stamps", "digest", "environment", "table_cache"]


@dataclass(frozen=True)
class Status:
    """Whether one report is up to date, and if not, why (``reasons``)."""

    instance: Instance
    reasons: tuple[str, ...] = ()

    @property
    def up_to_date(self) -> bool:
        """True when nothing the report depends on changed since its last good build."""
        return not self.reasons


def _notebook_source(path: Path) -> str:
    """The digest of a notebook's cells without outputs, counts, ids or run metadata.

    A notebook that cannot be read has a digest too (of its error): running it then fails and says why.
    """
    try:
        nb = json.loads(path.read_bytes())
    except (OSError, ValueError) as err:
        return digest({"unreadable": str(err)})
    cells = [
        (c["cell_type"], "".join(c["source"]), c.get("metadata", {}).get("tags", []))
        for c in nb["cells"]
    ]
    return digest({"kernelspec": nb.get("metadata", {}).get("kernelspec", {}).get("name"), "cells": cells})


def _package_source() -> str:
    """The digest of every file of the cxlab package (modules and templates)."""
    root = Path(cxlab.__file__).parent
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return digest({str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files})


def environment() -> dict[str, str]:
    """The digests of cxlab's source and of the installed distributions, as this process sees them.

    Examples
    --------
    >>> sorted(environment())
    ['cxlab source', 'installed packages']
    """
    return {"cxlab source": _package_source(), "installed packages": _installed()}


def _installed() -> str:
    """The digest of the Python version and every distribution installed in the environment."""
    folders = {Path(sysconfig.get_path(kind)) for kind in ("purelib", "platlib")}
    folders |= {Path(p) for p in site.getsitepackages()}
    found = sorted(d.name for folder in folders if folder.is_dir() for d in folder.iterdir()
                   if d.suffix in (".dist-info", ".egg-info"))
    return digest({"python": sys.version, "distributions": found})


def table_cache(out_dir: Path) -> Path:
    """The folder of validated tables for builds into ``out_dir`` with this cxlab and these packages.

    One folder per digest of :func:`environment`, so the tables go stale exactly when the stamps
    do; folders of other environments are removed.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> table_cache(out).relative_to(out).parts[:2]
    ('.cxlab-build', 'tables')
    """
    folder = out_dir / STATE / "tables"
    current = folder / digest(environment())[:16]
    for stale in folder.iterdir() if folder.is_dir() else []:
        if stale != current and stale.is_dir():
            shutil.rmtree(inside(out_dir, stale))
    current.mkdir(parents=True, exist_ok=True)
    return current


class Stamps:
    """The stamps of the reports in ``out_dir``, and the current inputs they are checked against.

    Examples
    --------
    >>> import tempfile
    >>> from cxlab.build.catalog import NOTEBOOKS
    >>> out = Path(tempfile.mkdtemp())
    >>> report = Instance("demo", NOTEBOOKS / "sector_gap.ipynb", "Demo", "Gaps", {"index": "ACSI"},
    ...                   ("cx_benchmarks",))
    >>> Stamps(out).status(report).reasons
    ('not built yet',)
    >>> for path in report_files(out, "demo"): _ = path.write_text("built")
    >>> Stamps(out).record(report, seconds=1.5)
    >>> Stamps(out).status(report).up_to_date, Stamps(out).seconds("demo")
    (True, 1.5)
    >>> moved = Instance("demo", report.notebook, "Demo", "Gaps", {"index": "Forrester CX Index"},
    ...                  ("cx_benchmarks",))
    >>> Stamps(out).status(moved).reasons
    ('catalog entry changed',)
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.folder = out_dir / STATE / STAMPS
        self._notebooks: dict[Path, str] = {}
        self._data: dict[str, str] = {}

    @cached_property
    def _environment(self) -> dict[str, str]:
        return environment()

    def _dataset(self, name: str) -> str:
        if name not in self._data:
            try:
                paths = [registry.data_dir() / rel for rel in registry.dataset_files(name)]
                content = {"entry": registry.entry(name),
                           "files": [registry.sha256(p) if p.is_file() else f"missing {p.name}" for p in paths]}
            except (KeyError, DataError) as err:
                content = {"unavailable": str(err)}
            self._data[name] = digest(content)
        return self._data[name]

    def inputs(self, instance: Instance) -> dict[str, str]:
        """The digest of each input of ``instance``, by the name a stale report's reason uses."""
        if instance.notebook not in self._notebooks:
            self._notebooks[instance.notebook] = _notebook_source(instance.notebook)
        entry = {"name": instance.name, "notebook": instance.notebook.name, "title": instance.title,
                 "analysis": instance.analysis, "parameters": instance.parameters, "data": instance.data}
        return {
            "catalog entry": digest(entry),
            "notebook": self._notebooks[instance.notebook],
            **{f"data {name}": self._dataset(name) for name in instance.data},
            **self._environment,
        }

    def _catalog_key(self, path: Path) -> str:
        """The digest of everything reading the catalog at ``path`` depends on."""
        try:
            files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in catalog_files(path)}
        except OSError as err:
            raise CatalogError(f"{path}: expected a readable catalog file ({err.strerror or err})") from None
        notebooks = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.parent.glob("*.ipynb"))}
        try:
            names = list(registry.registry())
            listing = hashlib.sha256((registry.data_dir() / registry.REGISTRY_FILE).read_bytes()).hexdigest()
        except (OSError, DataError) as err:
            names, listing = [], str(err)
        return digest({"catalog": files, "notebooks": notebooks, "registry": listing,
                       "data": {name: self._dataset(name) for name in names}, **self._environment})

    def catalog(self, path: Path, *, on_check: Callable[[], object] | None = None) -> Catalog:
        """``load_catalog(path)``, or the result of the last read if nothing it reads changed.

        ``on_check`` is called first when the catalog must be read and checked again (its checks
        read the data sets, which takes seconds): a build starts its kernels' imports then.
        """
        key = self._catalog_key(path)
        cache = self.out_dir / STATE / "catalog.json"
        try:
            stored = json.loads(cache.read_text(encoding="utf-8"))
            if stored["key"] == key:
                return Catalog([Instance(**{**i, "notebook": Path(i["notebook"]), "data": tuple(i["data"])})
                                for i in stored["instances"]], [Blocked(**b) for b in stored["blocked"]])
        except (OSError, ValueError, KeyError, TypeError):
            pass
        if on_check is not None:
            on_check()
        with self._keeping_tables():  # the tables its checks validate then serve the build's reports
            catalog = load_catalog(path)
        try:
            text = json.dumps({"key": key, "instances": [{**vars(i), "notebook": str(i.notebook)}
                                                         for i in catalog.instances],
                               "blocked": [vars(b) for b in catalog.blocked]})
            cache.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(cache, text)
        except (TypeError, OSError):  # a parameter JSON cannot hold exactly, or no room: read it every time
            pass
        return catalog

    def _keeping_tables(self) -> AbstractContextManager[None]:
        """Keep validated tables in this folder's table cache, if it can have one."""
        try:
            return keeping(table_cache(self.out_dir))
        except OSError:  # the folder is a file, or cannot be written: the build will say so
            return nullcontext()

    def _read(self, name: str) -> dict[str, Any] | None:
        try:
            return json.loads((self.folder / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def status(self, instance: Instance) -> Status:
        """Compare the report's current inputs and outputs with its stamp."""
        stamp = self._read(instance.name)
        if stamp is None:
            return Status(instance, ("not built yet",))
        if not all(p.exists() for p in report_files(self.out_dir, instance.name)):
            return Status(instance, ("output missing",))
        now, then = self.inputs(instance), stamp.get("inputs", {})
        return Status(instance, tuple(f"{key} changed" for key in sorted(now.keys() | then.keys())
                                      if now.get(key) != then.get(key)))

    def record(self, instance: Instance, *, seconds: float) -> None:
        """Stamp ``instance`` as built from its current inputs (call after writing its files)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = {"inputs": self.inputs(instance), "seconds": round(seconds, 3)}
        path = inside(self.out_dir, self.folder / f"{instance.name}.json")
        atomic_write(path, json.dumps(stamp, indent=1, sort_keys=True))

    def seconds(self, name: str) -> float | None:
        """How long the last good build of report ``name`` took, if it was ever built."""
        stamp = self._read(name)
        return stamp.get("seconds") if stamp else None

    def names(self) -> list[str]:
        """Every report stamped in this folder, including those the catalog no longer names."""
        return sorted(p.stem for p in self.folder.glob("*.json"))

    def _index_inputs(self, instances: list[Instance]) -> str:
        listed = {i.name: (self._read(i.name) or {}).get("inputs") for i in instances
                  if report_files(self.out_dir, i.name)[0].exists()}
        return digest({"reports": listed, **self._environment})

    @property
    def _index_stamp(self) -> Path:
        return self.out_dir / STATE / INDEX_STAMP

    def index_up_to_date(self, instances: list[Instance]) -> bool:
        """Whether ``index.html`` lists exactly these reports, each as last stamped."""
        if not (self.out_dir / INDEX).exists() or not self._index_stamp.exists():
            return False
        return self._index_stamp.read_text(encoding="utf-8") == self._index_inputs(instances)

    def record_index(self, instances: list[Instance]) -> None:
        """Stamp the index as written for these reports (call after writing it)."""
        atomic_write(self._index_stamp, self._index_inputs(instances))
