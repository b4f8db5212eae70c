"""The build's outputs: what became of each report, and how and where it is written.

A report is ``<name>.html`` plus the executed ``<name>.ipynb``, replaced atomically; the build's
own state (stamps, lock, kernel log) lives in ``.cxlab-build/`` inside the same folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["STATE", "LOCK", "INDEX", "Outcome", "Rendered", "atomic_write", "state_dir", "report_files", "clean"]

STATE = ".cxlab-build"
LOCK = "lock"
INDEX = "index.html"


@dataclass(frozen=True)
class Outcome:
    """What happened to one report: ``built``, ``up to date`` or ``failed`` (with cell and error)."""

    name: str
    status: str
    seconds: float
    cell: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class Rendered:
    """A report's outcome and, when it was built, its page and executed notebook (JSON text)."""

    outcome: Outcome
    html: str | None = None
    notebook: str | None = None


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename.

    A reader sees the old file or the new one, never a part; an interruption leaves no temporary
    file behind.

    Examples
    --------
    >>> target = Path(tempfile.mkdtemp()) / "a.html"
    >>> atomic_write(target, "<p>ok</p>"); target.read_text()
    '<p>ok</p>'
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def state_dir(out_dir: Path) -> Path:
    """The build's state folder inside ``out_dir``, created on first use.

    Examples
    --------
    >>> state_dir(Path(tempfile.mkdtemp())).name
    '.cxlab-build'
    """
    path = out_dir / STATE
    path.mkdir(parents=True, exist_ok=True)
    return path


def report_files(out_dir: Path, name: str) -> tuple[Path, Path]:
    """The HTML page and the executed notebook of report ``name``.

    Examples
    --------
    >>> [p.name for p in report_files(Path("reports"), "acsi")]
    ['acsi.html', 'acsi.ipynb']
    """
    return out_dir / f"{name}.html", out_dir / f"{name}.ipynb"


def clean(out_dir: Path, names: list[str]) -> int:
    """Remove the reports ``names``, the index and the build state; returns how many files went.

    The lock file stays (a build waiting on it must not lose it); anything else in ``out_dir``
    is left alone.

    Examples
    --------
    >>> out = Path(tempfile.mkdtemp()); (out / "a.html").write_text("a"); (out / "notes.txt").write_text("n")
    1
    1
    >>> clean(out, ["a"]), sorted(p.name for p in out.iterdir())
    (1, ['notes.txt'])
    """
    removed = 0
    for path in [*(p for name in names for p in report_files(out_dir, name)), out_dir / INDEX]:
        if path.is_file():
            path.unlink()
            removed += 1
    state = out_dir / STATE
    for path in state.iterdir() if state.is_dir() else []:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.name != LOCK:
            path.unlink()
    return removed
