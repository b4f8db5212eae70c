"""The build's outputs: what became of each report, and how and where it is written.

A report is ``<name>.html`` plus the executed ``<name>.ipynb``, replaced atomically; the build's
own state (stamps, lock, kernel log, the manifest of files cxlab wrote) lives in ``.cxlab-build/``
inside the same folder.
"""

from __future__ import annotations

import errno
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["STATE", "LOCK", "INDEX", "STAMPS", "INDEX_STAMP", "STATUSES", "Outcome", "Rendered", "atomic_write",
           "fault_text", "state_dir", "report_files"]

STATE = ".cxlab-build"
LOCK = "lock"
INDEX = "index.html"
#: Inside the state folder: one stamp per report built, and the index's stamp.
STAMPS = "stamps"
INDEX_STAMP = "index.stamp"
#: What can become of a report: ``blocked`` (not run: its catalog entry, its data or a file in its
#: way is wrong) and ``not built`` (the build stopped before it, on a full disk say) besides the
#: obvious three.
STATUSES = ("built", "up to date", "failed", "blocked", "not built")


@dataclass(frozen=True)
class Outcome:
    """What happened to one report (one of :data:`STATUSES`), with the failing cell and the error."""

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

    A reader sees the old file or the new one, never a part; an interruption or a failed write
    (a full disk) leaves no temporary file behind, and an ``OSError`` names ``path`` itself.

    Examples
    --------
    >>> target = Path(tempfile.mkdtemp()) / "a.html"
    >>> atomic_write(target, "<p>ok</p>"); target.read_text()
    '<p>ok</p>'
    """
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise OSError(err.errno, err.strerror, str(path)) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as err:
        Path(temporary).unlink(missing_ok=True)
        raise OSError(err.errno, err.strerror, str(path)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_HINTS = {
    errno.ENOSPC: "free some space and build again",
    errno.EDQUOT: "free some space and build again",
    errno.EROFS: "make the folder writable, or give --out another folder",
    errno.EACCES: "make the folder writable, or give --out another folder",
    errno.EPERM: "make the folder writable, or give --out another folder",
}


def fault_text(err: OSError) -> str:
    """A write that failed, in words: the file, the cause and what to do.

    Examples
    --------
    >>> fault_text(OSError(errno.ENOSPC, "No space left on device", "reports/a.html"))
    'could not write reports/a.html: no space left on device; free some space and build again'
    """
    where = f" {err.filename}" if err.filename else ""
    cause = (err.strerror or str(err)).lower()
    hint = _HINTS.get(err.errno or 0)
    return f"could not write{where}: {cause}" + (f"; {hint}" if hint else "")


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
