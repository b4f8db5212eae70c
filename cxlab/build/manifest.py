"""Which files of an output folder cxlab wrote: the ownership manifest, and ``clean``.

``<out>/.cxlab-build/manifest.json`` names every file cxlab has written into the output folder
(report pages, executed notebooks, the index). A name is added *before* its file is written, so a
file cxlab wrote is always listed, even when the write was cut short. ``cxlab build`` refuses to
overwrite a file that is not listed (:class:`ForeignFileError` names it and says what to do) and
``cxlab clean`` deletes listed files only. A report built before the manifest existed is
recognised by its stamp (written only after its files), the index by the index stamp. Every path
is checked to lie inside the output folder before it is written or deleted.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

from cxlab.build.outputs import INDEX, INDEX_STAMP, LOCK, STAMPS, STATE, atomic_write
from cxlab.build.paths import inside

__all__ = ["MANIFEST", "ForeignFileError", "Manifest"]

MANIFEST = "manifest.json"


class ForeignFileError(ValueError):
    """A file in the way of a report that cxlab did not write: it is never overwritten."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path} was not written by cxlab, so cxlab will not overwrite it: move or rename it, "
                         "or build into another folder with --out")


class Manifest:
    """The files cxlab wrote in ``out_dir``.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> _ = (out / "index.html").write_text("mine")
    >>> manifest = Manifest(out)
    >>> manifest.claim(out / "index.html")
    Traceback (most recent call last):
    ...
    cxlab.build.manifest.ForeignFileError: .../index.html was not written by cxlab, so cxlab will not overwrite it: move or rename it, or build into another folder with --out
    >>> manifest.claim(out / "a.html"); _ = (out / "a.html").write_text("built")
    >>> manifest.owns(out / "a.html"), manifest.owns(out / "index.html")
    (True, False)
    >>> manifest.clean(), sorted(p.name for p in out.iterdir())
    (1, ['.cxlab-build', 'index.html'])
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / STATE / MANIFEST

    def _name(self, path: Path) -> str:
        """``path`` relative to the output folder, once checked to lie inside it."""
        return inside(self.out_dir, path).resolve().relative_to(self.out_dir.resolve()).as_posix()

    def _listed(self) -> set[str]:
        try:
            return set(json.loads(self.path.read_text(encoding="utf-8"))["files"])
        except (OSError, ValueError, KeyError, TypeError):
            return set()

    def _stamped(self) -> set[str]:
        """Files that a stamp proves cxlab wrote (reports built before the manifest existed)."""
        state = self.out_dir / STATE
        names = {p.stem for p in (state / STAMPS).glob("*.json")}
        found = {f"{name}{suffix}" for name in names for suffix in (".html", ".ipynb")}
        return found | ({INDEX} if (state / INDEX_STAMP).exists() else set())

    def files(self) -> set[str]:
        """The names (relative to the output folder) of every file cxlab wrote there."""
        return self._listed() | self._stamped()

    def owns(self, path: Path) -> bool:
        """Whether cxlab wrote ``path`` (whether or not it still exists)."""
        return self._name(path) in self.files()

    def foreign(self, paths: Iterable[Path]) -> list[Path]:
        """The paths that exist but were not written by cxlab."""
        owned = self.files()
        return [p for p in paths if (p.exists() or p.is_symlink()) and self._name(p) not in owned]

    def claim(self, path: Path) -> None:
        """Record that cxlab is about to write ``path``; refuse a file it did not write.

        Raises
        ------
        ForeignFileError
            ``path`` exists and cxlab did not write it.
        cxlab.build.paths.OutsideError
            ``path`` lies outside the output folder.
        """
        name, listed = self._name(path), self._listed()
        if name in listed:
            return
        if self.foreign([path]):
            raise ForeignFileError(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps({"files": sorted(listed | {name})}, indent=1))

    def clean(self) -> int:
        """Delete every file cxlab wrote and the build state (but the lock); returns how many files went.

        Files cxlab did not write are left alone, whatever their names.
        """
        removed = 0
        for name in sorted(self.files()):
            path = self.out_dir / name
            if path.is_file() and not path.is_symlink():
                inside(self.out_dir, path).unlink()
                removed += 1
        state = self.out_dir / STATE
        for path in state.iterdir() if state.is_dir() else []:
            if path.is_dir():
                shutil.rmtree(inside(self.out_dir, path))
            elif path.name != LOCK:
                inside(self.out_dir, path).unlink()
        return removed
