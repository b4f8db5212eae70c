"""Table metadata that pandas shares instead of copying, and that nobody changes by accident.

pandas deep-copies ``DataFrame.attrs`` into the result of nearly every operation (a column, a
filter, a group). A loaded table's attrs (labels, scales, the flagged rows of a screened file)
are read, never changed, so :func:`read_only` turns their dicts and lists into read-only kinds
that ``copy.deepcopy`` hands back as they are: a filter of the A-11 table then costs a tenth of a
millisecond for its attrs instead of ten. They compare equal to ordinary dicts and lists; to
change one, copy it first (``dict(table.attrs["labels"])``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

__all__ = ["ReadOnlyDict", "ReadOnlyList", "read_only"]


def _refuse(*_args: object, **_kwargs: object) -> NoReturn:
    raise TypeError("a loaded table's metadata is read-only; copy it first, e.g. dict(table.attrs['labels'])")


class ReadOnlyDict(dict):
    """A dict that refuses changes and that ``copy.deepcopy`` shares.

    Examples
    --------
    >>> import copy
    >>> labels = ReadOnlyDict({"Q1": "Parks"})
    >>> copy.deepcopy(labels) is labels, labels == {"Q1": "Parks"}
    (True, True)
    >>> labels["Q2"] = "Libraries"
    Traceback (most recent call last):
    ...
    TypeError: a loaded table's metadata is read-only; copy it first, e.g. dict(table.attrs['labels'])
    """

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse

    def __deepcopy__(self, memo: dict[int, Any]) -> ReadOnlyDict:
        return self

    def __reduce__(self) -> tuple[type, tuple[dict]]:
        return ReadOnlyDict, (dict(self),)


class ReadOnlyList(list):
    """A list that refuses changes and that ``copy.deepcopy`` shares.

    Examples
    --------
    >>> import pickle
    >>> items = ReadOnlyList(["Q1", "Q2"])
    >>> pickle.loads(pickle.dumps(items)) == ["Q1", "Q2"]
    True
    >>> items.append("Q3")
    Traceback (most recent call last):
    ...
    TypeError: a loaded table's metadata is read-only; copy it first, e.g. dict(table.attrs['labels'])
    """

    __setitem__ = __delitem__ = __iadd__ = __imul__ = append = clear = extend = insert = pop = remove = _refuse
    reverse = sort = _refuse

    def __deepcopy__(self, memo: dict[int, Any]) -> ReadOnlyList:
        return self

    def __reduce__(self) -> tuple[type, tuple[list]]:
        return ReadOnlyList, (list(self),)


def read_only(value: Any) -> Any:
    """``value`` with every dict and list in it, at any depth, made read-only (others as they are).

    Examples
    --------
    >>> attrs = read_only({"flagged": [{"record": 8, "check": "percent_in_cell"}], "scale": (1, 5)})
    >>> type(attrs["flagged"]).__name__, type(attrs["flagged"][0]).__name__, attrs["scale"]
    ('ReadOnlyList', 'ReadOnlyDict', (1, 5))
    """
    if isinstance(value, Mapping):
        return ReadOnlyDict({key: read_only(item) for key, item in value.items()})
    if isinstance(value, list):
        return ReadOnlyList(read_only(item) for item in value)
    return value
