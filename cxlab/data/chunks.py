"""A table assembled from the chunks of a large file, each column written once.

A chunk's column is a *piece*: its values and, when the values are those of the column's distinct
cells (a typed Parquet chunk, :class:`cxlab.data.readers.ArrowChunk`), the codes that spread them
over the chunk's records (``None``: one value per record). :func:`stack` builds each column of the
whole table from the pieces of every chunk: a numeric column, nullable or not, is allocated once
at its full length and filled chunk by chunk, so no chunk-sized copy is made and then
concatenated; a text column is concatenated (Arrow strings are not copied again).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["Piece", "spread", "stack"]

Piece = tuple[pd.Series, np.ndarray | None]
"""Values of a chunk's column, and the codes that spread them over its records (or None)."""


def spread(piece: Piece) -> pd.Series:
    """The value of each record of a piece.

    Examples
    --------
    >>> spread((pd.Series([7, None], dtype="Int64"), np.array([0, 1, 0]))).tolist()
    [7, <NA>, 7]
    """
    values, codes = piece
    return values.reset_index(drop=True) if codes is None else pd.Series(values.array.take(codes), name=values.name)


def stack(chunks: Sequence[Mapping[str, Piece]]) -> pd.DataFrame:
    """The table of all chunks, their columns in the order of the first, numbered from 0.

    Equal to ``pd.concat`` of each chunk's spread columns (:func:`spread`), index aside.

    Examples
    --------
    >>> first = {"q": (pd.Series([1, None], dtype="Int64"), np.array([0, 1, 0])),
    ...          "name": (pd.Series(["a", "b", "c"]), None)}
    >>> second = {"q": (pd.Series([5], dtype="Int64"), None), "name": (pd.Series(["d"]), None)}
    >>> stack([first, second])
          q name
    0     1    a
    1  <NA>    b
    2     1    c
    3     5    d
    """
    return pd.DataFrame({name: _stacked([chunk[name] for chunk in chunks]) for name in chunks[0]}, copy=False)


def _stacked(pieces: list[Piece]) -> pd.Series:
    """One column from its pieces: numeric ones filled into one array, others concatenated."""
    first = pieces[0][0]
    masked = isinstance(first.array, (pd.arrays.IntegerArray, pd.arrays.FloatingArray))
    numeric = masked or (isinstance(first.dtype, np.dtype) and first.dtype.kind in "biuf")
    if not numeric or any(values.dtype != first.dtype for values, _ in pieces):
        return pd.concat([spread(piece) for piece in pieces], ignore_index=True)
    numpy_dtype = first.dtype.numpy_dtype if masked else first.dtype
    data = _filled([(values.to_numpy(numpy_dtype, na_value=0), codes) for values, codes in pieces], numpy_dtype)
    if not masked:
        return pd.Series(data, name=first.name, copy=False)
    mask = _filled([(values.isna().to_numpy(), codes) for values, codes in pieces], np.dtype(bool))
    return pd.Series(type(first.array)(data, mask), name=first.name, copy=False)


def _filled(pieces: list[tuple[np.ndarray, np.ndarray | None]], dtype: np.dtype) -> np.ndarray:
    """One array of every record's value: each piece taken by its codes into its own stretch."""
    lengths = [len(values) if codes is None else len(codes) for values, codes in pieces]
    out = np.empty(sum(lengths), dtype)
    start = 0
    for (values, codes), length in zip(pieces, lengths):
        stretch = out[start:start + length]
        if codes is None:
            stretch[:] = values
        else:
            np.take(values, codes, out=stretch)
        start += length
    return out
