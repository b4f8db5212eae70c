"""A private copy of the project in which the ``cxlab`` command runs as a user runs it.

The copy holds the package, the notebooks and the data; ``cxlab`` runs in a subprocess that
imports the copy (``PYTHONPATH``) and reads the copy's data (``CXLAB_DATA``). Every run is
watched: the files of the whole temporary folder are compared before and after, and any change
outside the run's output folder is reported as an escape.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[2]
#: What a Python traceback starts with: a hostile input must never show one.
TRACEBACK = "Traceback (most recent call last)"

__all__ = ["ROOT", "TRACEBACK", "Run", "Project", "mounted"]


@dataclass(frozen=True)
class Run:
    """One run of the ``cxlab`` command: its arguments, exit code, output and escaped writes."""

    argv: tuple[str, ...]
    code: int
    output: str
    escaped: tuple[str, ...] = ()


def _notebook(path: Path, *cells: str) -> None:
    """Write a notebook whose first cell is the parameters cell."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(cells[0], metadata={"tags": ["parameters"]}),
                *(nbformat.v4.new_code_cell(c) for c in cells[1:])]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@dataclass
class Project:
    """A copy of the project under ``base/project``; ``base`` also receives anything that escapes."""

    base: Path
    root: Path = field(init=False)

    def __post_init__(self) -> None:
        self.root = self.base / "project"
        skip = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "catalog.local.yml")
        for part in ("cxlab", "notebooks", "data"):
            shutil.copytree(ROOT / part, self.root / part, ignore=skip)
        _notebook(self.notebooks / "tiny.ipynb", 'label = "tiny"', 'print("a report for", label)')
        _notebook(self.notebooks / "killed.ipynb", "pause = 0", "ready = True",
                  "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")

    @property
    def notebooks(self) -> Path:
        """The copy's notebooks folder (with ``tiny`` and ``killed`` added)."""
        return self.root / "notebooks"

    @property
    def data(self) -> Path:
        """The copy's data folder, which every run reads."""
        return self.root / "data"

    def catalog(self, name: str, reports: list[Any], notebooks: dict[str, Any] | None = None) -> Path:
        """Write a catalog beside the notebooks: ``tiny``, ``killed`` and ``sector_gap`` plus ``notebooks``."""
        spec = {"notebooks": {"tiny": {"title": "Tiny"}, "killed": {"title": "Killed"},
                              "sector_gap": {"title": "Gaps", "data": ["cx_benchmarks"]}, **(notebooks or {})},
                "reports": reports}
        path = self.notebooks / name
        path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
        return path

    def register(self, name: str, relative: str, content: bytes, entry: dict[str, Any]) -> None:
        """Put a file in the data folder and register it in ``datasets.yml`` with its sha256."""
        path = self.data / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        spec = {name: {**entry, "file": relative, "sha256": hashlib.sha256(content).hexdigest()}}
        with (self.data / "datasets.yml").open("a", encoding="utf-8") as out:
            out.write("\n" + yaml.safe_dump(spec, sort_keys=False))

    def rehash(self, relative: str, before: bytes) -> None:
        """Register the new bytes of a data file (its sha256 in ``datasets.yml``) after a change."""
        registry = self.data / "datasets.yml"
        old, new = (hashlib.sha256(b).hexdigest() for b in (before, (self.data / relative).read_bytes()))
        registry.write_text(registry.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    def environment(self) -> dict[str, str]:
        """The environment of every run: the copy's package and data, no bytecode written."""
        return {**os.environ, "PYTHONPATH": str(self.root), "CXLAB_DATA": str(self.data),
                "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "250"}

    def _state(self) -> dict[str, str]:
        found = {}
        for path in self.base.rglob("*"):
            if "__pycache__" in path.parts:
                continue
            relative = path.relative_to(self.base).as_posix()
            if path.is_symlink() or not path.is_file():
                found[relative] = "folder" if path.is_dir() else "link"
            else:
                found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
        return found

    def _outputs(self, argv: tuple[str, ...]) -> list[Path]:
        """The output folder of a run (``--out`` or the default ``reports/``) and a file given as one."""
        given = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--out"]
        return [(self.root / given[-1]).resolve() if given else self.root / "reports"]

    def cxlab(self, *argv: str, timeout: float = 900, start: Callable[[subprocess.Popen], None] | None = None,
              **popen: Any) -> Run:
        """Run ``cxlab ARGV`` in the copy; ``start`` may act on the process while it runs (Ctrl-C)."""
        before = self._state()
        process = subprocess.Popen([sys.executable, "-m", "cxlab.cli", *argv], cwd=self.root,
                                   env=self.environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, **popen)
        try:
            if start is not None:
                start(process)
            output, _ = process.communicate(timeout=timeout)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        after, outs = self._state(), self._outputs(argv)
        changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
        escaped = sorted(p for p in changed
                         if not any((self.base / p).resolve().is_relative_to(out) for out in outs))
        return Run(tuple(argv), process.returncode, output, tuple(escaped))


@contextmanager
def mounted(folder: Path, size: str, *, read_only: bool = False) -> Iterator[bool]:
    """A small tmpfs at ``folder`` (as root); yields False where this machine cannot mount one.

    Read-only, it holds whatever ``folder`` held before (copied in first).
    """
    folder.mkdir(parents=True, exist_ok=True)
    keep = folder.with_name(folder.name + ".before")
    shutil.copytree(folder, keep)
    attempt = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True)
    if attempt.returncode != 0:
        shutil.rmtree(keep)
        yield False
        return
    try:
        shutil.copytree(keep, folder, dirs_exist_ok=True)
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)
        yield True
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)
        shutil.rmtree(keep)
