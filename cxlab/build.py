"""Build reports: run each catalog instance with papermill and write reports/<name>.html.

Each report gets a fresh kernel. A report that fails keeps its last good HTML, the build goes on,
and the summary names the failing cell. Files are replaced atomically, so a reader never sees a
half-written report. The executed notebook is kept beside the HTML for audit.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill

from cxlab.catalog import Instance
from cxlab.report import export_html, index_page, provenance, strip_run_metadata

__all__ = ["REPORTS", "Outcome", "atomic_write", "build_one", "build"]

REPORTS = Path(__file__).resolve().parents[1] / "reports"
KERNEL = "python3"


@dataclass(frozen=True)
class Outcome:
    """What happened to one report: ``built`` or ``failed`` (with the cell and the error)."""

    name: str
    status: str
    seconds: float
    cell: int | None = None
    error: str | None = None


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename.

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


def _commit() -> str | None:
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True,
            cwd=Path(__file__).parent, timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if found.returncode != 0:
        return None
    return found.stdout.strip() or None


def build_one(instance: Instance, out_dir: Path, *, build_date: str, commit: str | None) -> Outcome:
    """Run one instance in a fresh kernel and write its HTML and executed notebook."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cxlab-") as work:
        executed = Path(work) / f"{instance.name}.ipynb"
        try:
            nb = papermill.execute_notebook(
                str(instance.notebook), str(executed), parameters=instance.parameters,
                kernel_name=KERNEL, progress_bar=False, log_output=False, record_timing=False,
                cwd=str(instance.notebook.parent),
            )
        except papermill.PapermillExecutionError as err:
            return Outcome(instance.name, "failed", time.perf_counter() - started,
                           cell=err.cell_index, error=f"{err.ename}: {err.evalue}")
        except Exception as err:  # a kernel that dies or will not start fails this report only
            return Outcome(instance.name, "failed", time.perf_counter() - started,
                           error=f"{type(err).__name__}: {err}")
    nb = strip_run_metadata(nb)
    nb.metadata["cxlab"] = provenance(instance, build_date=build_date, commit=commit)
    html = export_html(nb, title=instance.title)
    atomic_write(out_dir / f"{instance.name}.ipynb", nbformat.writes(nb))
    atomic_write(out_dir / f"{instance.name}.html", html)
    return Outcome(instance.name, "built", time.perf_counter() - started)


def build(instances: list[Instance], out_dir: Path = REPORTS) -> list[Outcome]:
    """Build every instance in turn, then the index; a failure does not stop the others."""
    out_dir.mkdir(parents=True, exist_ok=True)
    build_date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = _commit()
    outcomes = [build_one(i, out_dir, build_date=build_date, commit=commit) for i in instances]
    atomic_write(out_dir / "index.html", index_page(instances, out_dir, build_date=build_date))
    return outcomes
