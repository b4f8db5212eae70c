"""Build reports: run the catalog's instances that are out of date and write ``<out>/<name>.html``.

Only reports whose inputs changed are run (:mod:`cxlab.build.uptodate`), in parallel: local worker
processes by default (:class:`~cxlab.build.executors.LocalPool`), or a Dask cluster. Each report gets a
fresh kernel (:mod:`cxlab.build.kernels`). A report that fails keeps its last good HTML and the build
goes on; files are replaced atomically and a lock keeps two builds of one folder apart. The
executed notebook is kept beside the HTML for audit. Ctrl-C stops every kernel, writes nothing
more and re-raises ``KeyboardInterrupt``.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cxlab.build.catalog import Instance
from cxlab.build.lock import build_lock
from cxlab.build.outputs import INDEX, Outcome, Rendered, atomic_write, clean, report_files, state_dir
from cxlab.build.uptodate import Stamps, Status

if TYPE_CHECKING:
    from cxlab.build.executors import DaskPool, LocalPool

__all__ = [
    "REPORTS",
    "BATCH_VARIABLE",
    "Outcome",
    "Progress",
    "atomic_write",
    "batch_environment",
    "now_utc",
    "plan",
    "build_one",
    "build",
    "clean_reports",
]

REPORTS = Path(__file__).resolve().parents[2] / "reports"

#: Set in the environment of every kernel a build starts: notebooks then stay static (no explorer).
BATCH_VARIABLE = "CXLAB_BATCH"


class Progress(Protocol):
    """What a build tells its caller while it runs (the command line shows it with rich)."""

    def waiting(self, message: str) -> None:
        """Another build holds the lock; this one waits."""

    def planned(self, todo: list[Status], fresh: list[Status]) -> None:
        """The reports to build (each with its reasons) and those already up to date."""

    def finished(self, outcome: Outcome) -> None:
        """One report was built or failed."""


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


def now_utc() -> str:
    """The build date as the report footers show it (minutes, UTC).

    Examples
    --------
    >>> now_utc().endswith(" UTC")
    True
    """
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


@contextmanager
def batch_environment() -> Iterator[None]:
    """Mark kernels started inside the block as batch runs, then restore the environment.

    A build started from a notebook in JupyterLab inherits that kernel's Jupyter session; without
    this mark its reports would show the explorers.

    Examples
    --------
    >>> with batch_environment():
    ...     os.environ[BATCH_VARIABLE]
    '1'
    >>> BATCH_VARIABLE in os.environ
    False
    """
    before = os.environ.get(BATCH_VARIABLE)
    os.environ[BATCH_VARIABLE] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ[BATCH_VARIABLE]
        else:
            os.environ[BATCH_VARIABLE] = before


def plan(instances: list[Instance], out_dir: Path = REPORTS, *, force: bool = False) -> list[Status]:
    """Whether each instance is up to date in ``out_dir``, and if not, why; nothing is run.

    Examples
    --------
    >>> import tempfile
    >>> from cxlab.build.catalog import NOTEBOOKS
    >>> report = Instance("demo", NOTEBOOKS / "sector_gap.ipynb", "Demo", "Gaps")
    >>> [s.reasons for s in plan([report], Path(tempfile.mkdtemp()))]
    [('not built yet',)]
    """
    return _plan(Stamps(out_dir), instances, force)


def _plan(stamps: Stamps, instances: list[Instance], force: bool) -> list[Status]:
    statuses = [stamps.status(i) for i in instances]
    if force:
        return [Status(s.instance, s.reasons or ("forced",)) for s in statuses]
    return statuses


def _write(rendered: Rendered, instance: Instance, out_dir: Path, stamps: Stamps) -> None:
    """Write a built report's notebook, then its page, then its stamp; a failure writes nothing."""
    if rendered.outcome.status != "built":
        return
    html, notebook = report_files(out_dir, instance.name)
    atomic_write(notebook, rendered.notebook or "")
    atomic_write(html, rendered.html or "")
    stamps.record(instance, seconds=rendered.outcome.seconds)


def build_one(instance: Instance, out_dir: Path, *, build_date: str, commit: str | None) -> Outcome:
    """Run one instance in a kernel of its own (started by papermill) and write its files."""
    from cxlab.build.render import render

    with batch_environment():
        rendered = render(instance, build_date=build_date, commit=commit)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write(rendered, instance, out_dir, Stamps(out_dir))
    return rendered.outcome


def _pool(jobs: int | None, scheduler: str | None, out_dir: Path, todo: list[Instance]) -> LocalPool | DaskPool:
    """Workers for ``todo``, whose kernels import what its notebooks import before they start."""
    from cxlab.build.executors import DaskPool, LocalPool, default_jobs
    from cxlab.build.kernels import notebook_imports

    preload = notebook_imports(i.notebook for i in todo)
    if scheduler:
        return DaskPool(scheduler, preload=preload)
    log = state_dir(out_dir) / "kernels.log"
    log.write_text("", encoding="utf-8")
    return LocalPool(max(1, min(jobs or default_jobs(), len(todo))), preload=preload, log=log)


def _write_index(listed: list[Instance], out_dir: Path, stamps: Stamps, build_date: str) -> None:
    from cxlab.build.pages import index_page

    atomic_write(out_dir / INDEX, index_page(listed, out_dir, build_date=build_date))
    stamps.record_index(listed)


def build(
    instances: list[Instance],
    out_dir: Path = REPORTS,
    *,
    jobs: int | None = None,
    force: bool = False,
    scheduler: str | None = None,
    index: list[Instance] | None = None,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Build the instances that are out of date, then the index; returns an outcome per instance.

    Parameters
    ----------
    instances : list of Instance
        The reports to bring up to date.
    out_dir : Path
        Where the reports go (default ``reports/``).
    jobs : int, optional
        Local worker processes (default: one per core). Ignored with ``scheduler``.
    force : bool
        Build every instance, up to date or not.
    scheduler : str, optional
        Address of a Dask scheduler to render on instead of local processes.
    index : list of Instance, optional
        The reports ``index.html`` lists (default ``instances``).
    progress : Progress, optional
        Told about waiting, the plan and each report as it finishes.

    Examples
    --------
    >>> import tempfile
    >>> build([], Path(tempfile.mkdtemp()))
    []
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(out_dir, on_wait=progress.waiting if progress else None):
        stamps = Stamps(out_dir)
        statuses = _plan(stamps, instances, force)
        todo = [s.instance for s in statuses if not s.up_to_date]
        if progress:
            progress.planned([s for s in statuses if not s.up_to_date], [s for s in statuses if s.up_to_date])
        outcomes = {i.name: Outcome(i.name, "up to date", 0.0) for i in instances}
        build_date = now_utc()
        for outcome in _run(todo, out_dir, stamps, jobs=jobs, scheduler=scheduler, build_date=build_date):
            outcomes[outcome.name] = outcome
            if progress:
                progress.finished(outcome)
        listed = instances if index is None else index
        if instances and not stamps.index_up_to_date(listed):
            _write_index(listed, out_dir, stamps, build_date)
    return [outcomes[i.name] for i in instances]


def _run(todo: list[Instance], out_dir: Path, stamps: Stamps, *, jobs: int | None, scheduler: str | None,
         build_date: str) -> Iterator[Outcome]:
    """Render ``todo``, longest first (as last built), writing each report as it comes back."""
    if not todo:
        return
    by_name = {i.name: i for i in todo}
    longest_first = sorted(todo, key=lambda i: -(stamps.seconds(i.name) or float("inf")))
    with batch_environment(), _pool(jobs, scheduler, out_dir, longest_first) as pool:
        for rendered in pool.map(longest_first, build_date=build_date, commit=_commit()):
            _write(rendered, by_name[rendered.outcome.name], out_dir, stamps)
            yield rendered.outcome


def clean_reports(instances: list[Instance], out_dir: Path = REPORTS) -> int:
    """Remove the reports of ``instances`` and of every earlier build, the index and the build state.

    Examples
    --------
    >>> import tempfile
    >>> clean_reports([], Path(tempfile.mkdtemp()))
    0
    """
    with build_lock(out_dir):
        return clean(out_dir, sorted({i.name for i in instances} | set(Stamps(out_dir).names())))
