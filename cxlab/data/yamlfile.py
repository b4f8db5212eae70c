"""Read the YAML files a person writes (``datasets.yml``, catalogs, mappings) without silent surprises.

PyYAML keeps the last of two equal keys in a mapping (``district: Q28`` then ``district: ZIP``)
without a word. :func:`read_yaml` finds every key written twice, with its line and the path of
keys leading to it, so the caller can refuse exactly the entry it belongs to; a syntax error
becomes a :class:`~cxlab.errors.DataError` naming the line.
"""

from __future__ import annotations

import functools
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cxlab.errors import DataError, Problem

__all__ = ["Repeated", "YamlFile", "read_yaml", "parse_yaml"]

#: libyaml's parser where PyYAML was built with it (about ten times faster), else PyYAML's own.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Repeated:
    """A key written twice in one mapping: the keys leading to it, and both lines (1-based)."""

    path: tuple[Any, ...]
    line: int
    first_line: int

    def problem(self, shown: str) -> Problem:
        """This repetition as a :class:`~cxlab.errors.Problem` of file ``shown``."""
        return Problem(f"{shown}, line {self.line}", None, ".".join(map(str, self.path)), None,
                       f"each key once in a mapping: {self.path[-1]!r} is also on line {self.first_line}, and "
                       "only one of the two would be read; delete the one you do not mean")


@dataclass(frozen=True)
class YamlFile:
    """The data of a YAML file and every key written twice in it."""

    data: Any
    repeated: tuple[Repeated, ...] = ()

    def repeated_under(self, *prefix: Any) -> list[Repeated]:
        """The repeated keys inside the part of the file reached by the keys ``prefix``."""
        return [r for r in self.repeated if r.path[:len(prefix)] == prefix and len(r.path) > len(prefix)]


def _repeated(node: yaml.Node, path: tuple[Any, ...]) -> list[Repeated]:
    """Every key written twice in ``node`` and below it."""
    found: list[Repeated] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark)
            if name in first:
                found.append(Repeated((*path, name), key.start_mark.line + 1, first[name]))
            first.setdefault(name, key.start_mark.line + 1)
            found += _repeated(value, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value):
            found += _repeated(item, (*path, number))
    return found


def parse_yaml(text: str, shown: str) -> YamlFile:
    """Parse YAML text (see :func:`read_yaml`).

    Examples
    --------
    >>> parsed = parse_yaml("survey:\\n  columns:\\n    district: Q28\\n    district: ZIP\\n", "datasets.yml")
    >>> print(parsed.repeated[0].problem("datasets.yml"))
    datasets.yml, line 4, column 'survey.columns.district': expected each key once in a mapping: 'district' is also on line 3, and only one of the two would be read; delete the one you do not mean
    >>> parse_yaml("reports: [a, b\\n", "catalog.yml")
    Traceback (most recent call last):
    ...
    cxlab.errors.DataError: 1 problem in the input data:
      - catalog.yml, line 2: expected valid YAML (while parsing a flow sequence, expected ',' or ']', but got '<stream end>' at column 1)
    """
    pickled, repeated = _parsed_once(text, shown)
    return YamlFile(pickle.loads(pickled), repeated)


@functools.lru_cache(maxsize=16)
def _parsed_once(text: str, shown: str) -> tuple[bytes, tuple[Repeated, ...]]:
    """The data of ``text`` (pickled: every caller gets its own copy) and its repeated keys.

    A build reads the registry and the catalog again in every report; a text already parsed is
    not parsed again (a copy costs a fiftieth of a parse).
    """
    try:
        node, data = _parsed(text, _FAST_LOADER)
    except yaml.YAMLError:  # parsed again by PyYAML itself, whose messages say more
        node, data = _explained(text, shown)
    return pickle.dumps(data), tuple(_repeated(node, ())) if node is not None else ()


def _parsed(text: str, loader_class: type) -> tuple[yaml.Node | None, Any]:
    """The node tree of ``text`` and the data built from it, parsed once."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _explained(text: str, shown: str) -> tuple[yaml.Node | None, Any]:
    """Parse ``text`` with PyYAML's own parser; bad YAML becomes a located :class:`DataError`."""
    try:
        return _parsed(text, yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{shown}, line {mark.line + 1}" if mark else shown
        context = f"{err.context}, " if err.context else ""
        raise DataError([Problem(where, None, None, None, f"valid YAML ({context}{err.problem}"
                                 + (f" at column {mark.column + 1})" if mark else ")"))]) from None
    except yaml.YAMLError as err:
        raise DataError([Problem(shown, None, None, None, f"valid YAML ({err})")]) from None


def read_yaml(path: Path, shown: str | None = None) -> YamlFile:
    """Read a YAML file; a missing or unreadable file, or bad YAML, is a located :class:`DataError`.

    ``shown`` is how problems name the file (default: ``path``).
    """
    shown = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError([Problem(shown, None, None, None, "an existing file")]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise DataError([Problem(shown, None, None, None, f"a readable UTF-8 text file ({err})")]) from None
    return parse_yaml(text, shown)
