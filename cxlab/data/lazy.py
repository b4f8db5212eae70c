"""Registered data sets of many Parquet files, read lazily: ``cxlab.load(name, lazy=True)``.

A ``respondents`` entry whose ``file`` is a folder (every ``*.parquet`` in it) or a glob
(``survey/part-*.parquet``) inside the data folder gives a Dask DataFrame with one partition per
file, in the order of the file names. Nothing is read but the first file until the frame is
computed; then each file is read, validated and made tidy on its own by the loader of a single
file (:func:`cxlab.data.loaders.load_source`), so every partition holds what ``cxlab.load``
would give for that file (the same tidy columns, missing codes as NA, labels applied), and a
bad value raises :class:`cxlab.errors.DataError` naming the file, the row (as in a spreadsheet)
and the column.

The entry's ``sha256`` is that of the list of its files (:func:`files_sha256`: one line per file,
``<sha256>  <path in the data folder>``, sorted by path, as ``sha256sum`` writes it), so adding,
removing or changing a file is refused like a changed single file.

Every partition must agree on the columns' types. A labelled or banded group therefore has all
the categories its entry lists (``cxlab.load`` keeps only those that occur), and a code without
a label is an error. The checks of ``cxlab.load`` run file by file: a respondent id used twice
is found within a file, not across files, and an item must have answers in every file. Without
``columns.respondent_id`` the id is the row number in each file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cxlab.data import registry
from cxlab.data.labels import label_columns
from cxlab.data.loaders import load_source
from cxlab.data.registry import REGISTRY_FILE, Source
from cxlab.errors import DataError, Problem

if TYPE_CHECKING:
    import dask.dataframe as dd

__all__ = ["files_sha256", "lazy_source", "load_lazy", "parquet_files"]


def load_lazy(name: str) -> dd.DataFrame:
    """The registered data set ``name`` (a folder or glob of Parquet files) as a Dask DataFrame.

    Examples
    --------
    >>> load_lazy("cx_benchmarks")
    Traceback (most recent call last):
    ...
    cxlab.errors.DataError: 1 problem in the input data:
      - datasets.yml, column 'cx_benchmarks.layout': found 'scores', expected respondents (the only layout read lazily)
    """
    return lazy_source(registry.source(name))


def lazy_source(source: Source) -> dd.DataFrame:
    """:func:`load_lazy` for a :class:`cxlab.data.registry.Source` (registered or a mapping file).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "waves").mkdir()
    >>> for i in range(3):
    ...     pd.DataFrame({"id": [10 * i + 1, 10 * i + 2], "office": ["a", "b"],
    ...                   "q1": [4, 99]}).to_parquet(folder / "waves" / f"part-{i}.parquet")
    >>> entry = {"name": "waves", "file": "waves/", "layout": "respondents", "scale": {"min": 1, "max": 5},
    ...          "missing_codes": [99], "columns": {"respondent_id": "id", "entity": "office"}, "items": ["q1"],
    ...          "sha256": files_sha256(parquet_files(folder, "waves/"), folder)}
    >>> frame = lazy_source(Source(entry, folder))
    >>> frame.npartitions, frame.compute()[["respondent_id", "q1", "entity"]].to_dict("list")
    (3, {'respondent_id': [1, 2, 11, 12, 21, 22], 'q1': [4, None, 4, None, 4, None], 'entity': ['a', 'b', 'a', 'b', 'a', 'b']})
    """
    import dask
    import dask.dataframe as dd

    if source.entry.get("layout") != "respondents":
        raise DataError([Problem(source.registry_file, None, f"{source.entry.get('name')}.layout",
                                 source.entry.get("layout"), "respondents (the only layout read lazily)")])
    files = parquet_files(source.folder, str(source.entry["file"]))
    if source.registered:
        _check_sha256(source, files)
    meta = _meta(source, files[0])
    with dask.config.set({"dataframe.convert-string": False}):  # text keeps the dtype cxlab.load gives it
        return dd.from_map(_partition, files, source=source, types=meta, meta=meta, label="cxlab-load",
                           enforce_metadata=False)


def parquet_files(folder: Path, pattern: str) -> list[Path]:
    """The Parquet files a ``file`` of an entry names: every ``*.parquet`` of a folder, or a glob; sorted.

    Examples
    --------
    >>> parquet_files(registry.data_dir(), "no_such_folder/")
    Traceback (most recent call last):
    ...
    cxlab.errors.DataError: 1 problem in the input data:
      - datasets.yml: found 'no_such_folder/', expected a folder or glob of Parquet files inside the data folder
    """
    base = folder.resolve()
    where = base / pattern
    found = sorted(where.glob("*.parquet")) if where.is_dir() else sorted(base.glob(pattern))
    files = [path for path in found if path.is_file() and path.resolve().is_relative_to(base)]
    if not files:
        raise DataError([Problem(REGISTRY_FILE, None, None, pattern,
                                 "a folder or glob of Parquet files inside the data folder")])
    return files


def files_sha256(files: list[Path], folder: Path) -> str:
    """The sha256 of a list of files: of one ``<sha256>  <relative path>`` line per file, sorted by path.

    Examples
    --------
    >>> files_sha256([registry.data_dir() / "cx_benchmarks.csv"], registry.data_dir())[:12]
    '54778b1e56d5'
    """
    base = folder.resolve()
    lines = sorted(f"{registry.sha256(path)}  {path.resolve().relative_to(base).as_posix()}\n" for path in files)
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def _check_sha256(source: Source, files: list[Path]) -> None:
    expected = str(source.entry.get("sha256") or "").lower()
    actual = files_sha256(files, source.folder)
    if actual != expected:
        raise DataError([Problem(f"data/{source.entry['file']}", None, None, f"sha256 {actual[:12]}...",
                                 f"sha256 {expected[:12] or '(none)'}... as registered in datasets.yml: the files "
                                 "changed after registration (or were added or removed); check them, then update "
                                 "its sha256 (cxlab.data.lazy.files_sha256)")])


def _one_file(source: Source, path: Path) -> Source:
    """The entry as if it named one of its files (read without a hash: the list of files was checked)."""
    return Source({**source.entry, "file": path.name}, path.parent, registered=False,
                  registry_file=source.registry_file)


def _meta(source: Source, first: Path) -> pd.DataFrame:
    """The empty table every partition conforms to: the first file's columns, the entry's categories."""
    table = load_source(_one_file(source, first))
    categories = _listed_categories(source.entry, table.attrs["items"])
    meta = table.iloc[:0].copy()
    for column, listed in categories.items():
        if column in meta:
            meta[column] = meta[column].cat.set_categories(listed)
    meta.attrs = table.attrs
    return meta


def _partition(path: Path, *, source: Source, types: pd.DataFrame) -> pd.DataFrame:
    """One file as a validated tidy table with the dtypes of ``types`` (a code outside its categories is an error)."""
    one = _one_file(source, path)
    table = load_source(one)
    problems = []
    groups = source.entry.get("groups") or {}
    for column, dtype in types.dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype):
            found = table[column].dropna()
            outside = found[~found.isin(dtype.categories)]
            named = groups[column]["column"] if column in groups else column  # as in the file
            problems += [Problem(one.shown(), int(i) + 2, named, value, f"a code with a label in datasets.yml "
                                 f"({', '.join(map(str, dtype.categories))}): a data set read lazily needs every code "
                                 "labelled, so that every file has the same categories")
                         for i, value in outside.head(5).items()]
    if problems:
        raise DataError(problems)
    try:
        return table.astype(types.dtypes.to_dict())
    except (TypeError, ValueError) as err:
        raise DataError([Problem(one.shown(), None, None, None, f"columns of the types of the first file "
                                 f"({err})")]) from None


def _listed_categories(entry: dict[str, Any], items: list[str]) -> dict[str, list[str]]:
    """The categories a labelled or banded group has in every partition: its bands or labels, as listed."""
    listed = {group: list(spec["bands"]) for group, spec in (entry.get("groups") or {}).items() if "bands" in spec}
    for key, columns in label_columns(entry, items).items():
        labels = list(dict.fromkeys(str(label) for label in entry["value_labels"][key].values()))
        listed.update({column: labels for column in columns if column in (entry.get("groups") or {})})
    return listed
