"""Read CSV, Excel and Parquet files as text tables whose rows are numbered as in a spreadsheet.

Every cell comes back as text (an empty cell as ``''``), so a validator sees each value as it
stands in the file. The frame's index is the spreadsheet row minus 2 (the record below a header
in row 1 has index 0) and ``frame.attrs["header_row"]`` is the row of the header, so a problem
can always name the row a person would look at; ``frame.attrs["file_columns"]`` is how many
columns the file has.

Tolerant by design, and documented in ``data/README.md``:

- the format comes from the file name (``.csv``/``.tsv``/``.txt``, ``.xlsx``/``.xlsm``,
  ``.parquet``/``.pq``) unless ``read.format`` says otherwise;
- a byte-order mark (UTF-8 or UTF-16) is honoured and dropped; other text must be UTF-8 unless
  ``read.encoding`` names another encoding (no guessing: a wrong guess corrupts names). A
  compressed or binary file named ``.csv`` and UTF-16 without a byte-order mark are named as such;
- the delimiter is ``read.delimiter`` or, if not given, the first of ``, ; TAB |`` with which a
  row holds every column the mapping names;
- the header is the first of the first :data:`HEADER_SEARCH` rows that holds every column the
  mapping names, so title rows above it (common in Excel exports) are skipped; names are
  stripped of surrounding spaces, and a name used twice is an error (in Parquet too). A header
  further down, one split over two rows (merged cells), or mapped columns on another sheet
  than the one read, are each named in one problem;
- ``read.skip_rows: N`` (CSV and Excel) leaves out the first N lines (rows of a sheet) before the
  header is looked for: a preamble that is known, such as the two lines an unzip command left
  above a CSV header, is skipped by configuration and never searched; rows keep their numbers;
- completely blank rows are skipped (they keep their row numbers for the rows below); a CSV
  record with fewer fields than the header is an error, not missing answers;
- an Excel formula without a saved result is named (``attrs["formulas"]``, checked with the
  columns a loader reads) instead of being read as an empty cell;
- a Parquet column that cannot be read as text (a list, a struct, binary data) is left out
  unless the mapping names it, which is an error.

A loader that checks large Parquet files asks for typed chunks (``read_chunks(..., typed=True)``):
an :class:`ArrowChunk` keeps the file's Arrow columns, gives the text of each *distinct* value
of a column (a check of a cell depends on its text alone, so checking the distinct values checks
every cell) and gives the whole text table (:meth:`ArrowChunk.text`) only when a problem has to
be located.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cxlab.errors import DataError, Problem

__all__ = [
    "ArrowChunk",
    "CHUNK_ROWS",
    "DELIMITERS",
    "FORMATS",
    "HEADER_SEARCH",
    "file_format",
    "numbers",
    "whole_numbers",
    "read_chunks",
    "read_table",
]

#: File name endings and the format each one means.
FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".xlsx": "excel", ".xlsm": "excel",
    ".parquet": "parquet", ".pq": "parquet",
}
#: Delimiters tried, in order, when ``read.delimiter`` is not given.
DELIMITERS = (",", ";", "\t", "|")
#: How many rows from the top are searched for the header row.
HEADER_SEARCH = 20
#: Records per chunk when a Parquet file is read in pieces.
CHUNK_ROWS = 1_000_000

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
#: The first bytes of files that are not text, and what to do with each.
_NOT_TEXT = (
    (b"\x1f\x8b", "gzip-compressed data", "decompress it first (gunzip)"),
    (b"PK\x03\x04", "a zip archive (or an Excel workbook)", "unzip it, or name an Excel workbook .xlsx"),
    (b"PAR1", "a Parquet file", "name it .parquet"),
    (b"BZh", "bzip2-compressed data", "decompress it first (bunzip2)"),
    (b"\xfd7zXZ\x00", "xz-compressed data", "decompress it first (unxz)"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.xls)", "save it as .xlsx or CSV"),
    (b"%PDF", "a PDF document", "export the table as CSV"),
)


def file_format(path: Path, shown: str, declared: str | None = None) -> str:
    """The format of a file: ``csv``, ``excel`` or ``parquet``.

    Examples
    --------
    >>> file_format(Path("export.XLSX"), "export.XLSX")
    'excel'
    >>> file_format(Path("export.sav"), "export.sav")
    Traceback (most recent call last):
    ...
    cxlab.errors.DataError: 1 problem in the input data:
      - export.sav: found '.sav', expected a file ending in .csv, .tsv, .txt, .xlsx, .xlsm, .parquet, .pq (or read.format: csv, excel or parquet)
    """
    kind = declared or FORMATS.get(path.suffix.lower())
    if kind not in {"csv", "excel", "parquet"}:
        raise DataError([Problem(shown, None, None, declared or path.suffix,
                                 f"a file ending in {', '.join(FORMATS)} (or read.format: csv, excel or parquet)")])
    return kind


def read_table(path: Path, shown: str, *, find: Sequence[str] = (),
               options: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read a whole file as a text table (see the module notes).

    Parameters
    ----------
    path : Path
        The file.
    shown : str
        How problems name the file (``data/...`` for registered files).
    find : list of str
        The columns the mapping names: they locate the header row and the delimiter.
    options : mapping, optional
        The registry entry's ``read`` options: ``format``, ``encoding``, ``delimiter``,
        ``sheet``, ``skip_rows``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "x.csv").write_bytes(b"\\xef\\xbb\\xbfExport of 2021\\n\\nid;score\\n1;7\\n")
    >>> table = read_table(folder / "x.csv", "x.csv", find=["id", "score"])
    >>> table
      id score
    2  1     7
    >>> table.attrs["header_row"]
    3

    A known preamble is skipped by configuration: the lines are never searched for the header.

    >>> _ = (folder / "y.csv").write_text("Archive: y.zip\\n  inflating: y.csv\\nid,score\\n1,7\\n")
    >>> table = read_table(folder / "y.csv", "y.csv", find=["id"], options={"skip_rows": 2})
    >>> table.attrs["header_row"], table.index.tolist()
    (3, [2])
    """
    return pd.concat(list(read_chunks(path, shown, find=find, options=options)))


def read_chunks(path: Path, shown: str, *, find: Sequence[str] = (),
                options: Mapping[str, Any] | None = None, rows: int | None = None,
                typed: bool = False) -> Iterator[pd.DataFrame | ArrowChunk]:
    """Read a file as text tables of at most ``rows`` records (Parquet) or one table (others).

    ``rows`` defaults to :data:`CHUNK_ROWS`, read when called.

    Each chunk has the index and ``attrs`` described in the module notes. With ``typed``, a
    Parquet file yields :class:`ArrowChunk` objects instead (their ``text()`` is the table
    that would have been yielded); other formats still yield text tables.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "x.parquet"
    >>> pd.DataFrame({"id": [1, 2, 3], "score": [5.0, None, 2.5]}).to_parquet(path)
    >>> [chunk.to_dict("index") for chunk in read_chunks(path, "x.parquet", rows=2)]
    [{0: {'id': '1', 'score': '5'}, 1: {'id': '2', 'score': ''}}, {2: {'id': '3', 'score': '2.5'}}]
    >>> [chunk.start for chunk in read_chunks(path, "x.parquet", rows=2, typed=True)]
    [0, 2]
    """
    options = options or {}
    kind = file_format(path, shown, options.get("format"))
    skip = int(options.get("skip_rows", 0))
    if kind == "parquet":
        if skip:
            raise DataError([Problem(shown, None, "read.skip_rows", skip,
                                     "no skip_rows for a Parquet file (it has no lines above its columns)")])
        chunks = _parquet_chunks(path, shown, rows or CHUNK_ROWS, find)
        yield from chunks if typed else (chunk.text() for chunk in chunks)
        return
    if kind == "csv":
        grid, first_row = _csv_grid(path, shown, find, options)
    else:
        grid = _excel_grid(path, shown, options, find)
        formulas = grid.attrs.get("formulas", {})
        grid = grid.iloc[skip:].reset_index(drop=True)
        grid.attrs["formulas"] = {(row - skip, column): f for (row, column), f in formulas.items() if row >= skip}
        first_row = 1 + skip
    if grid.empty:
        raise DataError([Problem(shown, skip + 1, None, None, f"a header row below the {skip} rows that "
                                 "read.skip_rows leaves out")])
    yield _with_header(grid, shown, find, first_row)


def _decode(data: bytes, shown: str, encoding: str | None) -> str:
    """Bytes to text: a BOM wins; else the declared encoding, else UTF-8 (strict).

    Compressed or binary files, and UTF-16 without a BOM (NUL bytes), are refused with what they are.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec)
    for magic, what, fix in _NOT_TEXT:
        if data.startswith(magic):
            raise DataError([Problem(shown, None, None, f"{what} (first bytes {data[:len(magic)].hex(' ')})",
                                     f"a CSV text file: {fix}, then check it again")])
    if encoding is None and b"\x00" in data[:65536]:
        nul = data.index(b"\x00")
        order = "utf-16-le" if nul % 2 else "utf-16-be"
        raise DataError([Problem(shown, data.count(b"\n", 0, nul) + 1, None, "byte 0x00",
                                 f"UTF-8 text: the file looks like UTF-16 without a byte-order mark; set read: "
                                 f"{{encoding: {order}}} in datasets.yml")])
    try:
        return data.decode(encoding or "utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise DataError([Problem(shown, line, None, f"byte 0x{data[err.start]:02x}",
                                 f"{encoding or 'UTF-8'} text: name the file's encoding in datasets.yml, "
                                 "for example read: {encoding: cp1252}")]) from None
    except LookupError:
        raise DataError([Problem("datasets.yml", None, "read.encoding", encoding, "a known text encoding")]) from None


def _header_index(rows: Sequence[Sequence[object]], find: Sequence[str]) -> int | None:
    """The first row (0-based) that holds every name in ``find``; None if none does."""
    wanted = set(find)
    for number, row in enumerate(rows[:HEADER_SEARCH]):
        if wanted and wanted <= {str(cell).strip() for cell in row}:
            return number
    return None


def _csv_grid(path: Path, shown: str, find: Sequence[str], options: Mapping[str, Any]
              ) -> tuple[pd.DataFrame, int]:
    """The CSV file's rows from its header on, and the spreadsheet row of the header.

    The first ``read.skip_rows`` lines are left out before the header is looked for.
    """
    text = _decode(path.read_bytes(), shown, options.get("encoding"))
    if not text.strip():
        raise DataError([Problem(shown, None, None, None, "a header row and at least one record")])
    skip = int(options.get("skip_rows", 0))
    lines = text.splitlines()[skip:skip + HEADER_SEARCH]
    if not any(line.strip() for line in lines):
        return pd.DataFrame(), skip + 1
    declared = options.get("delimiter")
    parsed = {d: list(csv.reader(lines, delimiter=d)) for d in ([declared] if declared else DELIMITERS)}
    found = [(d, i) for d, rows in parsed.items() if (i := _header_index(rows, find)) is not None]
    further = text.splitlines()[:HEADER_SEARCH + _FURTHER]
    for d in [] if found else parsed:
        problem = _misplaced_header(_cells(csv.reader(further, delimiter=d)), shown, find, 1)
        if problem is not None:
            raise DataError([problem])
    if found:
        delimiter, header = found[0]
    else:
        header = next(i for i, line in enumerate(lines) if line.strip())
        delimiter = max(parsed, key=lambda d: len(parsed[d][header]))
        cells = parsed[delimiter][header]
        others = [d for d in DELIMITERS if d != delimiter and d in cells[0]]
        if len(cells) == 1 and len(find) > 1 and others:
            raise DataError([Problem(shown, skip + header + 1, None, cells[0][:80],
                                     f"columns separated by {delimiter!r}; the header is one column, so the file "
                                     f"may use {others[0]!r}: set read: {{delimiter: {others[0]!r}}} in datasets.yml")])
    header += skip
    try:
        grid = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, skiprows=header, dtype=str,
                           keep_default_na=False, skip_blank_lines=False, engine="c")
    except pd.errors.ParserError as err:
        match = _FIELDS.search(str(err))
        if not match:
            raise DataError([Problem(shown, None, None, None, f"a readable CSV file ({err})")]) from None
        expected, line, saw = match.groups()
        raise DataError([Problem(shown, int(line) + header, None, f"{saw} fields",
                                 f"{expected} fields as in the header: a stray delimiter or quote?")]) from None
    short = _short_records(text, delimiter, header, grid.shape[1])
    if short:
        raise DataError([Problem(shown, row, None, f"{fields} field{'s' if fields != 1 else ''}",
                                 f"{grid.shape[1]} fields as in the header: a missing delimiter, or a record "
                                 "broken over two lines? (an empty answer still needs its delimiter)")
                         for row, fields in short[:50]])
    return grid.fillna(""), header + 1


def _short_records(text: str, delimiter: str, header: int, width: int) -> list[tuple[int, int]]:
    """The spreadsheet row and field count of each record below the header with fewer fields than it.

    Blank records do not count (blank rows are skipped).

    Examples
    --------
    >>> _short_records("a,b,c\\n1,2,3\\n4,5\\n\\n6,7,\\n", ",", 0, 3)
    [(3, 2)]
    """
    records = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(number + 1, len(record)) for number, record in enumerate(records)
            if number > header and len(record) < width and any(field.strip() for field in record)]


def _excel_grid(path: Path, shown: str, options: Mapping[str, Any], find: Sequence[str]) -> pd.DataFrame:
    """Every row of one sheet (blank rows included, so row numbers match the sheet) as text.

    ``attrs["formulas"]`` holds the formula of each cell whose result was never saved, by
    (row, column) position in the grid. When no sheet is declared and the first one lacks the
    mapped columns while another sheet has them, that sheet is named.
    """
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as err:
        raise DataError([Problem(shown, None, None, None, f"a readable Excel workbook ({err})")]) from None
    names, sheet = book.sheet_names, options.get("sheet", 0)
    if sheet not in names and sheet not in range(len(names)):
        raise DataError([Problem(shown, None, "read.sheet", sheet,
                                 "one of the workbook's sheets: " + ", ".join(map(repr, names)))])
    grid = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object)
    if "sheet" not in options and find and _header_index(grid.head(HEADER_SEARCH).to_numpy().tolist(), find) is None:
        for other in names[1:]:
            top = pd.read_excel(book, sheet_name=other, header=None, dtype=object, nrows=HEADER_SEARCH)
            if _header_index(top.map(_cell_text).to_numpy().tolist(), find) is not None:
                raise DataError([Problem(shown, None, "read.sheet", names[0],
                                         f"the sheet holding the mapped columns: they are on sheet {other!r}; set "
                                         f"read: {{sheet: {other!r}}} in datasets.yml")])
    if grid.empty:
        raise DataError([Problem(shown, None, None, None, "a header row and at least one record")])
    text = grid.map(_cell_text)
    text.attrs["formulas"] = _unsaved_formulas(path, names[sheet] if isinstance(sheet, int) else sheet, grid)
    return text


def _unsaved_formulas(path: Path, sheet: str, grid: pd.DataFrame) -> dict[tuple[int, int], str]:
    """Formula cells of ``sheet`` with no saved result (read as empty in ``grid``), by grid position.

    A workbook written by a program that does not calculate (a script, some exporters) stores
    formulas without their results; such a cell is not an empty answer.
    """
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        found = {}
        for row in book[sheet].iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) != "f":  # empty cells of a read-only sheet have no row
                    continue
                row, column = cell.row - 1, cell.column - 1
                if row < grid.shape[0] and column < grid.shape[1] and _cell_text(grid.iat[row, column]) == "":
                    found[(row, column)] = str(cell.value)
        return found
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """One spreadsheet cell as text: '' if empty, 5 for 5.0, 2021-03-15 for a midnight date."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return str(value)


def _with_header(grid: pd.DataFrame, shown: str, find: Sequence[str], first_row: int) -> pd.DataFrame:
    """Cut a grid of text at its header row; ``first_row`` is the grid's first spreadsheet row."""
    rows = grid.head(HEADER_SEARCH).to_numpy().tolist()
    header = _header_index(rows, find)
    if header is None:
        cells = _cells(grid.head(HEADER_SEARCH + _FURTHER).to_numpy().tolist())
        problem = _misplaced_header(cells, shown, find, first_row) or _absent_header(cells, shown, find)
        if problem is not None:
            raise DataError([problem])
        header = next((i for i, row in enumerate(rows) if any(str(c).strip() for c in row)), 0)
    header_row = first_row + header
    names = [str(c).strip() or f"unnamed column {i + 1}" for i, c in enumerate(grid.iloc[header])]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DataError([Problem(shown, header_row, n, None, f"a column name used once (it is in the header "
                                 f"{names.count(n)} times)") for n in repeated])
    table = grid.iloc[header + 1:].set_axis(names, axis=1)
    table.index = table.index + first_row - 2
    table = table[(table != "").any(axis=1)]
    if table.empty:
        raise DataError([Problem(shown, header_row + 1, None, None, "at least one record below the header")])
    table.attrs.update(header_row=header_row, file_columns=len(names))
    table.attrs["formulas"] = {(row + first_row - 2, names[column]): formula
                               for (row, column), formula in grid.attrs.get("formulas", {}).items() if row > header}
    return table


#: How many rows below :data:`HEADER_SEARCH` are looked at to say where a misplaced header is.
_FURTHER = 1000


def _cells(rows: Sequence[Sequence[object]]) -> list[set[str]]:
    return [{str(c).strip() for c in row} for row in rows]


def _misplaced_header(cells: list[set[str]], shown: str, find: Sequence[str], first_row: int) -> Problem | None:
    """A header below the rows searched, or split over two rows (merged cells), as one problem; else None.

    ``cells`` holds the cell texts of each row from ``first_row`` on.
    """
    wanted = list(dict.fromkeys(find))
    lower = next((i for i, row in enumerate(cells[HEADER_SEARCH:]) if wanted and set(wanted) <= row), None)
    if lower is not None:
        return Problem(shown, first_row + HEADER_SEARCH + lower, None, None,
                       f"the header within the first {HEADER_SEARCH} rows (title rows above it are skipped up to "
                       "there): this row holds every mapped column; delete some of the rows above it")
    top = cells[:HEADER_SEARCH]
    held = [sum(name in row for name in wanted) for row in top]
    best = max(range(len(top)), key=held.__getitem__, default=0)
    elsewhere = {name: first_row + i for name in wanted if top and name not in top[best]
                 for i, row in enumerate(top) if name in row}
    if not held or not held[best] or not elsewhere:
        return None
    listed = ", ".join(f"{name!r} (row {row})" for name, row in elsewhere.items())
    return Problem(shown, first_row + best, None, None,
                   f"one header row naming every mapped column, but {listed} are on other rows: a header split "
                   "over two rows, or merged header cells? Make one row name every column")


def _absent_header(cells: list[set[str]], shown: str, find: Sequence[str]) -> Problem | None:
    """One problem when no mapped column is near the top at all (wrong file, sheet or encoding); else None."""
    wanted = list(dict.fromkeys(find))
    if not wanted or any(name in row for row in cells[:HEADER_SEARCH] for name in wanted):
        return None
    return Problem(shown, None, None, None,
                   f"a header row with the mapped columns ({', '.join(wanted[:8])}{', ...' if len(wanted) > 8 else ''})"
                   f" within the first {HEADER_SEARCH} rows, but none of them is there: is it the right file, sheet "
                   "and encoding?")


@dataclass(frozen=True)
class ArrowChunk:
    """Records of a Parquet file as its own Arrow columns, numbered as in a spreadsheet.

    ``columns`` holds the columns that can be read as text (see the module notes), ``start``
    the index of the first record (its spreadsheet row minus 2), ``rows`` the number of records
    and ``file_columns`` how many columns the file has.

    Examples
    --------
    >>> chunk = ArrowChunk({"score": pa.array([7, None, 7], pa.int8())}, start=10, rows=3, file_columns=1)
    >>> codes, text = chunk.distinct_text("score")
    >>> codes.tolist(), text.tolist()
    ([0, 1, 0], ['7', ''])
    >>> chunk.text().to_dict("index")
    {10: {'score': '7'}, 11: {'score': ''}, 12: {'score': '7'}}
    """

    columns: Mapping[str, pa.Array]
    start: int
    rows: int
    file_columns: int

    @property
    def index(self) -> pd.RangeIndex:
        """The records' index: spreadsheet row minus 2."""
        return pd.RangeIndex(self.start, self.start + self.rows)

    @property
    def attrs(self) -> dict[str, int]:
        """``header_row`` and ``file_columns``, as a text chunk's ``attrs`` has them."""
        return {"header_row": 1, "file_columns": self.file_columns}

    def text(self) -> pd.DataFrame:
        """Every cell as text, as :func:`read_chunks` gives a chunk (with its ``attrs``)."""
        table = pd.DataFrame({name: _arrow_text(values) for name, values in self.columns.items()})
        table = table.set_axis(self.index)
        table.attrs.update(self.attrs)
        return table

    def distinct_text(self, name: str) -> tuple[np.ndarray, pd.Series]:
        """Each record's place among the distinct values of a column, and their text ('' for none)."""
        encoded = pc.dictionary_encode(self.columns[name], null_encoding="encode")
        return encoded.indices.to_numpy(zero_copy_only=False), _arrow_text(encoded.dictionary)


def _parquet_chunks(path: Path, shown: str, rows: int, find: Sequence[str] = ()) -> Iterator[ArrowChunk]:
    """Record batches of a Parquet file, numbered as if a header were row 1."""
    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as err:
        raise DataError([Problem(shown, None, None, None, f"a readable Parquet file ({err})")]) from None
    if source.metadata.num_rows == 0:
        raise DataError([Problem(shown, 2, None, None, "at least one record")])
    names = source.schema_arrow.names
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DataError([Problem(shown, 1, n, None, f"a column name used once (the file has {names.count(n)} "
                                 "columns of that name)") for n in repeated])
    readable = {field.name for field in source.schema_arrow if _as_text(field.type)}
    unreadable = [field for field in source.schema_arrow if field.name in find and field.name not in readable]
    if unreadable:
        raise DataError([Problem(shown, 1, field.name, f"a column of type {field.type}",
                                 "a column of text, numbers or dates") for field in unreadable[:1]])
    start = 0
    for batch in source.iter_batches(batch_size=rows):
        columns = {name: values for name, values in zip(names, batch.columns) if name in readable}
        yield ArrowChunk(columns, start, batch.num_rows, len(names))
        start += batch.num_rows


def _as_text(kind: pa.DataType) -> bool:
    """Whether values of an Arrow type can be read as text."""
    try:
        _arrow_text(pa.array([], type=kind))
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return False
    return True


def _arrow_text(values: pa.Array) -> pd.Series:
    """A typed column as text: whole floats without '.0', dates as 2021-03-15, nulls as ''."""
    if pa.types.is_timestamp(values.type):
        days = pc.cast(values, pa.date32())
        if pc.all(pc.equal(pc.cast(days, values.type), values)).as_py() is not False:
            values = days
    return pc.fill_null(pc.cast(values, pa.string()), "").to_pandas()


def numbers(text: pd.Series) -> pd.Series:
    """Text cells as floats: NaN for an empty cell or one that is not a number.

    Arrow's parser does the work (fast on millions of cells); cells it refuses (surrounding
    spaces, words) go through :func:`pandas.to_numeric`.

    Examples
    --------
    >>> numbers(pd.Series(["5", " 7.5 ", "", "x", "1e3"])).tolist()
    [5.0, 7.5, nan, nan, 1000.0]
    """
    cells = pa.array(text, type=pa.large_string())
    try:
        parsed = pc.cast(pc.if_else(pc.equal(cells, ""), None, cells), pa.float64())
        return pd.Series(parsed.to_numpy(zero_copy_only=False), index=text.index)
    except pa.ArrowInvalid:
        stripped = text.str.strip()
        return pd.to_numeric(stripped.where(stripped != ""), errors="coerce").astype("float64")


def whole_numbers(text: pd.Series) -> pd.Series | None:
    """Text cells as int64 when every cell is a whole number written without decimals, else None.

    Integers (ids read from a typed Parquet column) are whole numbers already.

    Examples
    --------
    >>> whole_numbers(pd.Series(["12", "9007199254740993"])).tolist()
    [12, 9007199254740993]
    >>> whole_numbers(pd.Series(["12", "R13"])) is None
    True
    >>> whole_numbers(pd.Series([12, 13], dtype="int32")).dtype
    dtype('int64')
    """
    if pd.api.types.is_integer_dtype(text.dtype) and not pd.api.types.is_extension_array_dtype(text.dtype):
        return text.astype("int64")
    try:
        parsed = pc.cast(pa.array(text, type=pa.large_string()), pa.int64())
    except pa.ArrowInvalid:
        return None
    return pd.Series(parsed.to_numpy(zero_copy_only=False), index=text.index, dtype="int64")
