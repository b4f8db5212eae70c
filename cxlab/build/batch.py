"""Build reports: run the catalog's instances that are out of date and write ``<out>/<name>.html``.

Only reports whose inputs changed are run (:mod:`cxlab.build.uptodate`), in parallel: local worker
processes by default (:class:`~cxlab.build.executors.LocalPool`), or a Dask cluster. Each report gets a
fresh kernel (:mod:`cxlab.build.kernels`). A report that fails keeps its last good HTML and the build
goes on; files are replaced atomically and a lock keeps two builds of one folder apart. The
executed notebook is kept beside the HTML for audit. Ctrl-C stops every kernel, writes nothing
more and re-raises ``KeyboardInterrupt``.

cxlab writes only files it owns (:mod:`cxlab.build.manifest`): a report whose page or notebook is in the
way of a file cxlab did not write is ``blocked``, and so is the index. A write that fails (a full
disk, a read-only folder, ``--out`` naming a file) stops the build: the reports not yet written
are ``not built``, the index too, and every page written before stays whole.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cxlab.build.catalog import Instance
from cxlab.build.lock import build_lock
from cxlab.build.manifest import ForeignFileError, Manifest
from cxlab.build.outputs import INDEX, Outcome, Rendered, atomic_write, fault_text, report_files, state_dir
from cxlab.build.paths import OutsideError, folder_problem, name_problem
from cxlab.build.uptodate import Stamps, Status, table_cache
from cxlab.data.tablecache import CACHE_VARIABLE, environment_variable, keeping

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
    "local_pool",
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
def batch_environment(out_dir: Path | None = None) -> Iterator[None]:
    """Mark kernels started inside the block as batch runs, then restore the environment.

    A build started from a notebook in JupyterLab inherits that kernel's Jupyter session; without
    this mark its reports would show the explorers. Given ``out_dir``, the kernels also share a
    folder of validated tables there (:mod:`cxlab.data.tablecache`).

    Examples
    --------
    >>> with batch_environment():
    ...     os.environ[BATCH_VARIABLE]
    '1'
    >>> BATCH_VARIABLE in os.environ, CACHE_VARIABLE in os.environ
    (False, False)
    """
    with environment_variable(BATCH_VARIABLE, "1"), keeping(table_cache(out_dir)) if out_dir else nullcontext():
        yield


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


def _write(rendered: Rendered, instance: Instance, out_dir: Path, stamps: Stamps) -> Outcome:
    """Write a built report's notebook, then its page, then its stamp; a failure writes nothing.

    A file in the way that cxlab did not write makes the report ``blocked``; a write that fails
    (a full disk) raises ``OSError``, leaving every file whole.
    """
    outcome = rendered.outcome
    if outcome.status != "built":
        return outcome
    manifest, files = Manifest(out_dir), report_files(out_dir, instance.name)
    try:
        for path in files:
            manifest.claim(path)
    except (ForeignFileError, OutsideError) as err:
        return Outcome(instance.name, "blocked", outcome.seconds, error=str(err))
    for path, text in ((files[1], rendered.notebook or ""), (files[0], rendered.html or "")):
        atomic_write(path, text)
    stamps.record(instance, seconds=outcome.seconds)
    return outcome


def build_one(instance: Instance, out_dir: Path, *, build_date: str, commit: str | None) -> Outcome:
    """Run one instance in a kernel of its own (started by papermill) and write its files."""
    from cxlab.build.render import render

    with batch_environment():
        rendered = render(instance, build_date=build_date, commit=commit)
    if rendered.outcome.status == "built":
        out_dir.mkdir(parents=True, exist_ok=True)
    return _write(rendered, instance, out_dir, Stamps(out_dir))


def _blocked(todo: list[Status], out_dir: Path) -> dict[str, Outcome]:
    """The reports to build that cannot be written: a bad name, or a file cxlab did not write in the way."""
    problems = {s.instance.name: name_problem(s.instance.name) for s in todo}
    owner = {path: name for name, problem in problems.items() if problem is None
             for path in report_files(out_dir, name)}
    for path in Manifest(out_dir).foreign(owner):
        problems[owner[path]] = problems[owner[path]] or str(ForeignFileError(path))
    return {name: Outcome(name, "blocked", 0.0, error=problem) for name, problem in problems.items() if problem}


def _kernel_log(out_dir: Path) -> Path:
    """The build's log of its kernels' own messages, emptied."""
    log = state_dir(out_dir) / "kernels.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("", encoding="utf-8")
    return log


def local_pool(out_dir: Path, notebooks: Iterable[Path], jobs: int | None = None) -> LocalPool:
    """Local workers for a build into ``out_dir``, started now, their kernels importing what
    ``notebooks`` import: started before the build knows what it will run, so that their start-up
    overlaps the catalog's checks. Pass it to :func:`build`, which closes it.

    Examples
    --------
    >>> import tempfile
    >>> from cxlab.build.catalog import NOTEBOOKS
    >>> with local_pool(Path(tempfile.mkdtemp()), [NOTEBOOKS / "sector_gap.ipynb"], jobs=1) as pool:
    ...     type(pool).__name__
    'LocalPool'
    """
    from cxlab.build.executors import default_jobs

    with batch_environment(out_dir):
        return _local_pool(out_dir, notebooks, jobs or default_jobs()).start()


def _local_pool(out_dir: Path, notebooks: Iterable[Path], jobs: int) -> LocalPool:
    """``jobs`` local workers whose kernels import what ``notebooks`` import, logging to the build's state."""
    from cxlab.build.executors import LocalPool
    from cxlab.build.kernels import notebook_imports

    return LocalPool(jobs, preload=notebook_imports(notebooks), log=_kernel_log(out_dir))


def _pool(jobs: int | None, scheduler: str | None, out_dir: Path, todo: list[Instance]) -> LocalPool | DaskPool:
    """Workers for ``todo``, whose kernels import what its notebooks import before they start."""
    from cxlab.build.executors import DaskPool, default_jobs
    from cxlab.build.kernels import notebook_imports

    if scheduler:
        return DaskPool(scheduler, preload=notebook_imports(i.notebook for i in todo))
    return _local_pool(out_dir, (i.notebook for i in todo), max(1, min(jobs or default_jobs(), len(todo))))


def _write_index(listed: list[Instance], out_dir: Path, stamps: Stamps, build_date: str) -> Outcome | None:
    """Write ``index.html`` listing the reports whose pages cxlab wrote, if it changed; None when done.

    An ``index.html`` that cxlab did not write is left alone: the outcome says so.
    """
    from cxlab.build.pages import index_page

    manifest = Manifest(out_dir)
    owned = manifest.files()
    listed = [i for i in listed if name_problem(i.name) is None and report_files(out_dir, i.name)[0].name in owned]
    if stamps.index_up_to_date(listed):
        return None
    try:
        manifest.claim(out_dir / INDEX)
    except ForeignFileError as err:
        return Outcome(INDEX, "blocked", 0.0, error=str(err))
    atomic_write(out_dir / INDEX, index_page(listed, out_dir, build_date=build_date))
    stamps.record_index(listed)
    return None


def build(
    instances: list[Instance],
    out_dir: Path = REPORTS,
    *,
    jobs: int | None = None,
    force: bool = False,
    scheduler: str | None = None,
    index: list[Instance] | None = None,
    progress: Progress | None = None,
    pool: LocalPool | None = None,
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
    pool : LocalPool, optional
        Local workers started earlier (:func:`local_pool`), used instead of a pool of its own
        and closed when the reports are done. The caller closes it if the build never comes to run.

    Returns
    -------
    list of Outcome
        One per instance, in order; then one for ``index.html`` if it could not be written.

    Examples
    --------
    >>> import tempfile
    >>> build([], Path(tempfile.mkdtemp()))
    []
    >>> file = Path(tempfile.mkdtemp()) / "notes.txt"; _ = file.write_text("mine")
    >>> [(o.name, o.status) for o in build([Instance("a", Path("a.ipynb"), "A", "Demo")], file)]
    [('a', 'not built'), ('index.html', 'not built')]
    """
    outcomes: dict[str, Outcome] = {}
    stopped = folder_problem(out_dir)
    if stopped is None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            with build_lock(out_dir, on_wait=progress.waiting if progress else None):
                _build_locked(instances, out_dir, outcomes, jobs=jobs, force=force, scheduler=scheduler,
                              listed=instances if index is None else index, progress=progress, pool=pool)
        except OSError as err:
            stopped = fault_text(err)
    if stopped is not None and instances:
        outcomes[INDEX] = Outcome(INDEX, "not built", 0.0, error=stopped)
    results = [outcomes.get(i.name) or Outcome(i.name, "not built", 0.0, error=stopped) for i in instances]
    return results + [outcomes[INDEX]] if INDEX in outcomes else results


def _build_locked(instances: list[Instance], out_dir: Path, outcomes: dict[str, Outcome], *, jobs: int | None,
                  force: bool, scheduler: str | None, listed: list[Instance], progress: Progress | None,
                  pool: LocalPool | None) -> None:
    """The build itself, under the lock: ``outcomes`` fills up as reports finish (so a fault keeps them)."""
    stamps, build_date = Stamps(out_dir), now_utc()
    statuses = _plan(stamps, instances, force)
    blocked = _blocked([s for s in statuses if not s.up_to_date], out_dir)
    todo = [s for s in statuses if not s.up_to_date and s.instance.name not in blocked]
    if progress:
        progress.planned(todo, [s for s in statuses if s.up_to_date])
    outcomes.update({s.instance.name: Outcome(s.instance.name, "up to date", 0.0) for s in statuses if s.up_to_date})
    outcomes.update(blocked)
    for outcome in _run([s.instance for s in todo], out_dir, stamps, jobs=jobs, scheduler=scheduler,
                        build_date=build_date, pool=pool):
        outcomes[outcome.name] = outcome
        if progress:
            progress.finished(outcome)
    if instances and (refused := _write_index(listed, out_dir, stamps, build_date)) is not None:
        outcomes[INDEX] = refused


def _run(todo: list[Instance], out_dir: Path, stamps: Stamps, *, jobs: int | None, scheduler: str | None,
         build_date: str, pool: LocalPool | None) -> Iterator[Outcome]:
    """Render ``todo``, longest first (as last built), writing each report as it comes back."""
    if not todo:
        return
    by_name = {i.name: i for i in todo}
    longest_first = sorted(todo, key=lambda i: -(stamps.seconds(i.name) or float("inf")))
    with batch_environment(out_dir), pool or _pool(jobs, scheduler, out_dir, longest_first) as pool:
        for rendered in pool.map(longest_first, build_date=build_date, commit=_commit()):
            yield _write(rendered, by_name[rendered.outcome.name], out_dir, stamps)


def clean_reports(out_dir: Path = REPORTS) -> int:
    """Remove every file cxlab wrote in ``out_dir`` and the build state; returns how many files went.

    Files cxlab did not write stay, whatever their names (see :mod:`cxlab.build.manifest`).

    Examples
    --------
    >>> import tempfile
    >>> clean_reports(Path(tempfile.mkdtemp()))
    0
    """
    with build_lock(out_dir):
        return Manifest(out_dir).clean()
