"""Validated tables kept on disk during a build, so every report reads a data set validated once.

``cxlab build`` names a folder in the environment variable :data:`CACHE_VARIABLE` (inside the
build's state folder, one per digest of cxlab's source and the installed packages, so it goes
stale exactly when the up-to-date stamps do). There :func:`cached` keeps each result under a key
made from what determines it: for a loaded table, the registry entry (with the sha256 of every
file it reads) and the loading options. The first report that needs a table validates it and
writes it (a lock keeps other workers waiting rather than validating it too); the others read it.
Without the variable (an analyst's session) nothing is kept and everything is computed.

Files are still checked on every load: a registered file whose sha256 no longer matches the
registry is refused before the cache is read.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # imported where a table is hashed, so that checking a build imports no pandas
    import pandas as pd

__all__ = ["CACHE_VARIABLE", "cached", "caching", "digest", "environment_variable", "frame_digest", "keeping"]

#: The environment variable naming the folder the build keeps validated tables in.
CACHE_VARIABLE = "CXLAB_TABLE_CACHE"
_T = TypeVar("_T")


def digest(value: Any) -> str:
    """The sha256 of a JSON-able value (other values by their text), independent of key order.

    Examples
    --------
    >>> digest({"a": 1, "b": [2]}) == digest({"b": [2], "a": 1})
    True
    """
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def caching() -> bool:
    """Whether results are kept (inside a build) or computed every time (an analyst's session).

    Examples
    --------
    >>> caching() == bool(os.environ.get(CACHE_VARIABLE))
    True
    """
    return bool(os.environ.get(CACHE_VARIABLE))


def frame_digest(frame: pd.DataFrame) -> str:
    """The sha256 of a table's values, index and column names.

    Examples
    --------
    >>> import pandas as pd
    >>> one, other = pd.DataFrame({"text": ["a", "b"]}), pd.DataFrame({"text": ["a", "c"]})
    >>> frame_digest(one) == frame_digest(one.copy()), frame_digest(one) == frame_digest(other)
    (True, False)
    """
    import pandas as pd

    hashed = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    return hashlib.sha256(hashed.tobytes() + digest(list(map(str, frame.columns))).encode()).hexdigest()


@contextmanager
def environment_variable(name: str, value: str) -> Iterator[None]:
    """``name`` set to ``value`` inside the block (and in processes started there), as before after it.

    Examples
    --------
    >>> with environment_variable("CXLAB_DEMO", "1"):
    ...     os.environ["CXLAB_DEMO"]
    '1'
    >>> "CXLAB_DEMO" in os.environ
    False
    """
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


def keeping(folder: Path) -> AbstractContextManager[None]:
    """Keep results in ``folder`` inside the block (and in processes started there), then stop.

    Examples
    --------
    >>> import tempfile
    >>> with keeping(Path(tempfile.mkdtemp())):
    ...     caching()
    True
    >>> caching()
    False
    """
    return environment_variable(CACHE_VARIABLE, str(folder.resolve()))


def cached(kind: str, key: str, compute: Callable[[], _T]) -> _T:
    """``compute()``, or the result kept under ``kind``/``key`` in the build's cache folder.

    Examples
    --------
    >>> import tempfile
    >>> os.environ[CACHE_VARIABLE] = tempfile.mkdtemp()
    >>> calls = []
    >>> [cached("demo", "k", lambda: calls.append(1) or len(calls)) for _ in range(2)], len(calls)
    ([1, 1], 1)
    >>> del os.environ[CACHE_VARIABLE]
    """
    if not caching():
        return compute()
    path = Path(os.environ[CACHE_VARIABLE]) / kind / f"{key}.pickle"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.is_file():
            with open(path, "rb") as kept:
                return pickle.load(kept)
        value = compute()
        _write(path, value)
        return value


def _write(path: Path, value: Any) -> None:
    """Write ``value`` next to ``path`` and move it into place, so no reader sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)
