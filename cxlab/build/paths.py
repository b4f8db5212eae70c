"""Report names and output paths: a name is a plain file name, and cxlab writes only inside ``--out``.

A report's name becomes ``<out>/<name>.html``, ``<out>/<name>.ipynb`` and a stamp, so a name is
refused unless it is a plain file name: letters, digits, ``-``, ``_`` and ``.``, not starting with
a dot, at most :data:`MAX_NAME` characters, and not ``index`` (the index page's own name). Every
path cxlab writes or deletes is resolved (links followed) and checked to lie inside the output
folder, so even a name that slipped past the catalog cannot leave it.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["MAX_NAME", "OutsideError", "name_problem", "inside", "folder_problem"]

#: The longest report name (file systems allow 255 bytes; the stamp adds ``.json``).
MAX_NAME = 120
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
#: Names whose files would be the index page's.
_RESERVED = {"index"}


class OutsideError(ValueError):
    """A path that cxlab was about to write or delete lies outside the output folder."""


def name_problem(name: object) -> str | None:
    """What is wrong with a report name, in words, or None for a good name.

    Examples
    --------
    >>> name_problem("scorecard-va-outpatient_2.1") is None
    True
    >>> name_problem("../notebooks/zz_victim")
    "found '../notebooks/zz_victim', expected a report name without a path separator (letters, digits, '-', '_', '.')"
    >>> name_problem(".hidden")
    "found '.hidden', expected a report name that does not start with a dot"
    >>> name_problem("Fees $5")
    "found 'Fees $5', expected a report name of letters, digits, '-', '_' and '.' only"
    """
    if not isinstance(name, str) or not name.strip():
        return f"found {name!r}, expected a report name (letters, digits, '-', '_', '.')"
    if "/" in name or "\\" in name or Path(name).is_absolute():
        return f"found {name!r}, expected a report name without a path separator (letters, digits, '-', '_', '.')"
    if name.startswith("."):
        return f"found {name!r}, expected a report name that does not start with a dot"
    if not _NAME.fullmatch(name):
        return f"found {name!r}, expected a report name of letters, digits, '-', '_' and '.' only"
    if len(name) > MAX_NAME:
        return f"found a name of {len(name)} characters, expected a report name of at most {MAX_NAME}"
    if name.lower() in _RESERVED:
        return f"found {name!r}, expected a report name other than {name.lower()!r} (the index page's name)"
    return None


def inside(folder: Path, path: Path) -> Path:
    """``path`` if, resolved, it lies inside ``folder`` (also resolved); else :class:`OutsideError`.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> inside(out, out / "a.html") == out / "a.html"
    True
    >>> inside(out, out / ".." / "a.html")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxlab.build.paths.OutsideError: refused to touch .../a.html: it is outside the output folder ...
    """
    root = folder.resolve()
    if not path.resolve().is_relative_to(root) or path.resolve() == root:
        raise OutsideError(f"refused to touch {path}: it is outside the output folder {folder}")
    return path


def folder_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot be an output folder (it is a file, or below one), or None.

    Examples
    --------
    >>> import tempfile
    >>> file = Path(tempfile.mkdtemp()) / "notes.txt"; _ = file.write_text("mine")
    >>> folder_problem(file)  # doctest: +ELLIPSIS
    '... is a file, expected a folder for the reports (give --out a folder)'
    >>> folder_problem(file.parent / "new") is None
    True
    """
    for path in (folder, *folder.parents):
        if path.exists():
            return None if path.is_dir() else (f"{path} is a file, expected a folder for the reports "
                                               "(give --out a folder)")
    return None
