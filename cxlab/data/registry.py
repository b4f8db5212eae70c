"""The data registry: ``data/datasets.yml`` names each data set's files, hashes and mapping.

A file is refused when its bytes no longer match the registered sha256, and a registered path
may not leave the data folder. A key written twice, or an entry that is not a mapping, makes that
entry unusable (``entry`` raises the problem) while the others stay usable; a sha256 is compared
without regard to letter case.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used, so a no-op build starts fast
    import pandas as pd

from cxlab.errors import DataError, Problem
from cxlab.data.yamlfile import read_yaml

__all__ = [
    "FILE_KEYS",
    "Source",
    "data_dir",
    "registry",
    "entry",
    "source",
    "mapping_source",
    "datasets",
    "dataset_files",
    "verified_path",
    "sha256",
]

REGISTRY_FILE = "datasets.yml"
#: The registry key holding the sha256 of each file key.
_HASH_KEYS = {"file": "sha256", "dictionary": "dictionary_sha256", "driver_table": "driver_table_sha256",
              "details": "details_sha256", "crosswalk": "crosswalk_sha256"}
#: The entry keys that name a file a data set reads.
FILE_KEYS = tuple(_HASH_KEYS)
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def data_dir() -> Path:
    """The data folder: ``$CXLAB_DATA`` if set, else ``data/`` beside the package.

    Examples
    --------
    >>> (data_dir() / "datasets.yml").exists()
    True
    """
    return Path(os.environ.get("CXLAB_DATA") or Path(__file__).resolve().parents[2] / "data")


def _shape_problems(name: str, spec: object) -> list[Problem]:
    """Problems that make an entry unusable before it is read: not a mapping, a path or hash not text."""
    if not isinstance(spec, dict):
        return [Problem(REGISTRY_FILE, None, str(name), spec, "a mapping of keys (file, sha256, layout, ...)")]
    return [Problem(REGISTRY_FILE, None, f"{name}.{key}", spec[key], "text")
            for key in ("file", "dictionary", "crosswalk", *_HASH_KEYS.values())
            if spec.get(key) is not None and not isinstance(spec[key], str)]


def _entries(folder: Path | None) -> tuple[dict[str, dict[str, Any]], dict[str, list[Problem]]]:
    """The usable entries of ``datasets.yml`` by name, and the problems of the unusable ones."""
    path = (folder or data_dir()) / REGISTRY_FILE
    if not path.exists():
        raise DataError([Problem(str(path), None, None, None, "a registry file of data sets")])
    parsed = read_yaml(path, REGISTRY_FILE)
    entries = {} if parsed.data is None else parsed.data
    if not isinstance(entries, dict):
        raise DataError([Problem(str(path), None, None, None, "a mapping of data set names")])
    repeated = [r for r in parsed.repeated if len(r.path) == 1]
    if repeated:
        raise DataError([r.problem(REGISTRY_FILE) for r in repeated])
    good, broken = {}, {}
    for name, spec in entries.items():
        problems = [r.problem(REGISTRY_FILE) for r in parsed.repeated_under(name)] + _shape_problems(name, spec)
        if problems:
            broken[str(name)] = problems
        else:
            good[str(name)] = {"name": str(name), **spec}
    return good, broken


def registry(folder: Path | None = None) -> dict[str, dict[str, Any]]:
    """Read ``datasets.yml`` from ``folder`` (default :func:`data_dir`) into a dict by name.

    Entries that cannot be used (a key written twice, not a mapping) are left out; :func:`entry`
    names their problems.

    Examples
    --------
    >>> sorted(registry())
    ['a11_hisp', 'a11_respondents_synthetic', 'cfpb_complaints', 'cx_benchmarks', 'fevs_engagement', 'industry_survey', 'sandiego_2015']
    """
    return _entries(folder)[0]


def entry(name: str, folder: Path | None = None) -> dict[str, Any]:
    """One registry entry; an unknown name gets an error listing the known ones.

    Raises
    ------
    KeyError
        No data set of that name.
    DataError
        The entry cannot be used as written (each problem with its line or key).
    """
    entries, broken = _entries(folder)
    if name in broken:
        raise DataError(broken[name])
    if name not in entries:
        raise KeyError(f"no data set named {name!r}; registered: {', '.join(sorted(entries))}")
    return entries[name]


@dataclass(frozen=True)
class Source:
    """A data set's entry and where its files are.

    A registered data set (``registered=True``) reads files inside the data folder whose sha256
    matches the registry; a mapping being tried out (``cxlab data check PATH --mapping FILE``)
    reads its files beside the data file and checks no hash.

    Examples
    --------
    >>> src = source("cx_benchmarks")
    >>> src.shown(), src.path().name
    ('data/cx_benchmarks.csv', 'cx_benchmarks.csv')
    """

    entry: dict[str, Any]
    folder: Path
    registered: bool = True
    registry_file: str = REGISTRY_FILE

    def path(self, key: str = "file") -> Path:
        """The file named by ``entry[key]`` (``file``, ``dictionary``, ``driver_table``, ``details`` or
        ``crosswalk``), checked if registered."""
        if self.registered:
            return verified_path(self.entry[key], self.entry.get(_HASH_KEYS[key]), self.folder)
        path = self.folder / str(self.entry[key])
        if not path.is_file():
            raise DataError([Problem(self.shown(key), None, None, None, "an existing file")])
        return path

    def shown(self, key: str = "file") -> str:
        """How problems name the file."""
        return f"data/{self.entry[key]}" if self.registered else str(self.folder / str(self.entry[key]))


def source(name: str, folder: Path | None = None) -> Source:
    """The registered data set ``name`` as a :class:`Source`."""
    return Source(entry(name, folder), (folder or data_dir()).resolve())


def mapping_source(path: Path, mapping: Path) -> Source:
    """A data file not yet registered, read with the entry in a mapping file.

    The mapping file holds one entry as in ``datasets.yml``, either bare or under a name; its
    ``file`` is replaced by ``path``, and a ``dictionary`` or ``details`` file is looked for beside ``path``.

    Examples
    --------
    >>> folder = data_dir() / "examples"
    >>> src = mapping_source(folder / "service_survey.csv", folder / "service_survey.yml")
    >>> src.entry["name"], src.registered, src.shown()  # doctest: +ELLIPSIS
    ('service_survey', False, '.../data/examples/service_survey.csv')
    """
    shown = str(mapping)
    parsed = read_yaml(mapping, shown)
    if parsed.repeated:
        raise DataError([r.problem(shown) for r in parsed.repeated])
    spec = parsed.data
    if isinstance(spec, dict) and "layout" not in spec and len(spec) == 1:
        (name, spec), = spec.items()
    else:
        name = path.stem
    if not isinstance(spec, dict):
        raise DataError([Problem(shown, None, None, None, "one registry entry (see data/README.md)")])
    return Source({**spec, "name": name, "file": path.name}, path.resolve().parent, registered=False,
                  registry_file=mapping.name)


def datasets() -> pd.DataFrame:
    """List the registered data sets: name, title, layout, file, licence and source.

    Examples
    --------
    >>> datasets()["name"].tolist()
    ['a11_hisp', 'a11_respondents_synthetic', 'cfpb_complaints', 'cx_benchmarks', 'fevs_engagement', 'industry_survey', 'sandiego_2015']
    """
    columns = ["name", "title", "layout", "file", "licence", "source"]
    rows = [{c: e.get(c) for c in columns} for e in registry().values()]
    import pandas as pd

    return pd.DataFrame(rows, columns=columns).sort_values("name", ignore_index=True)


def dataset_files(name: str, folder: Path | None = None) -> dict[str, str]:
    """The files a data set reads, as ``{relative path: registered sha256}``.

    Examples
    --------
    >>> list(dataset_files("sandiego_2015"))
    ['sandiego_2015/resident_survey_weighted_datasd.csv', 'sandiego_2015/resident_survey_dictionary_datasd.csv']
    """
    e = entry(name, folder)
    return {e[key]: e.get(hashed) for key, hashed in _HASH_KEYS.items() if key in e}


@cache
def _hash_of(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256(path: Path) -> str:
    """The sha256 of a file (cached while its size and modification time stay the same).

    Examples
    --------
    >>> sha256(data_dir() / "cx_benchmarks.csv")[:12]
    '03e607de630f'
    """
    stat = path.stat()
    return _hash_of(path.resolve(), stat.st_size, stat.st_mtime_ns)


def verified_path(relative: str, expected_sha256: str | None, folder: Path | None = None) -> Path:
    """Resolve a registered path inside the data folder and check its bytes against the registry.

    Examples
    --------
    >>> verified_path("../../etc/passwd", None)
    Traceback (most recent call last):
    ...
    cxlab.errors.DataError: 1 problem in the input data:
      - datasets.yml: found '../../etc/passwd', expected a path inside the data folder
    """
    base = (folder or data_dir()).resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base):
        raise DataError([Problem(REGISTRY_FILE, None, None, relative, "a path inside the data folder")])
    shown = f"data/{relative}"
    if not path.is_file():
        raise DataError([Problem(shown, None, None, None, "the file registered in datasets.yml")])
    if expected_sha256 is None:
        raise DataError([Problem(shown, None, None, None, "a sha256 registered in datasets.yml")])
    if not isinstance(expected_sha256, str) or not _SHA256.fullmatch(expected_sha256):
        raise DataError([Problem(REGISTRY_FILE, None, None, expected_sha256,
                                 f"the sha256 of {shown}: 64 hexadecimal digits (cxlab data check prints it)")])
    actual = sha256(path)
    if actual != expected_sha256.lower():
        raise DataError(
            [
                Problem(
                    shown,
                    None,
                    None,
                    f"sha256 {actual[:12]}...",
                    f"sha256 {expected_sha256.lower()[:12]}... as registered in datasets.yml: the file "
                    "changed after registration; check the new file, then update its sha256",
                )
            ]
        )
    return path
