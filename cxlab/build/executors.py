"""Where reports are rendered: a pool of local worker processes, or the workers of a Dask cluster.

Every worker process keeps one :class:`~cxlab.build.kernels.KernelFactory` for its life, so each report
gets a fresh kernel without paying again for kernel start-up and imports. Both pools hand back
:class:`~cxlab.build.render.Rendered` results as reports finish; the build writes them.

The local pool's workers fork from one template the pool starts. The pool stops at once when told
to (Ctrl-C): every worker kills its kernels and exits, and the pool kills the template (and with it
any kernel left). A worker whose build process disappears does the same. A Dask cluster cannot stop a
task that is running, so on Ctrl-C its running reports finish (and their kernels stop) on the
workers, and their results are dropped.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from cxlab.build.catalog import Instance
from cxlab.build.kernels import KernelFactory, Template
from cxlab.build.outputs import Outcome, Rendered
from cxlab.build.render import render
from cxlab.build.uptodate import digest, environment

__all__ = ["LocalPool", "DaskPool", "default_jobs", "render_here"]

_FACTORY: KernelFactory | None = None
_FACTORY_LOCK = threading.Lock()


def default_jobs() -> int:
    """The number of cores this process may use: the local pool's default size.

    Examples
    --------
    >>> default_jobs() >= 1
    True
    """
    return len(os.sched_getaffinity(0))


def _factory(preload: Iterable[str] = (), template: Path | None = None) -> KernelFactory:
    """This process's kernel factory, started on first use and closed when the process exits.

    It forks from the template at ``template`` if given, else from a template of its own.
    """
    global _FACTORY
    with _FACTORY_LOCK:
        if _FACTORY is None:
            _FACTORY = KernelFactory(preload=preload, template=template)
            atexit.register(_FACTORY.close)
        return _FACTORY


#: The cxlab source and installed packages this process started with (its imported code).
_STARTED_WITH = digest(environment())


def _warm(preload: tuple[str, ...]) -> None:
    """Start this worker's kernel template now, so that it imports while reports are submitted."""
    _factory(preload)


def render_here(instance: Instance, build_date: str, commit: str | None, expected: str | None = None) -> Rendered:
    """Render ``instance`` in this process with its kernel factory (runs on a worker).

    ``expected`` is the build's digest of :func:`~cxlab.build.uptodate.environment`: a long-lived
    worker that imported other code refuses the report rather than build it with that code.

    Examples
    --------
    >>> from cxlab.build.catalog import NOTEBOOKS
    >>> report = Instance("demo", NOTEBOOKS / "sector_gap.ipynb", "Demo", "Gaps")
    >>> render_here(report, "today", None, expected="other code").outcome.error
    'this worker runs other cxlab code or packages than the build: restart the workers'
    """
    if expected is not None and expected != _STARTED_WITH:
        error = "this worker runs other cxlab code or packages than the build: restart the workers"
        return Rendered(Outcome(instance.name, "failed", 0.0, error=error))
    return render(instance, build_date=build_date, commit=commit, kernels=_factory())


def _start_local_worker(stop: Any, template: Path) -> None:
    """Initializer of a local worker: fork from the build's template; stop when told or when the build dies."""
    os.setpgid(0, 0)  # a terminal's Ctrl-C reaches the build alone, which stops the workers
    factory, parent = _factory(template=template), os.getppid()

    def watch() -> None:
        while not stop.wait(0.5) and os.getppid() == parent:
            pass
        factory.close()
        os._exit(1)

    threading.Thread(target=watch, name="cxlab-stop", daemon=True).start()


def _lost(instance: Instance, err: BaseException) -> Rendered:
    """The outcome of a report whose worker failed under it (not the notebook's failure)."""
    return Rendered(Outcome(instance.name, "failed", 0.0, error=f"worker lost: {type(err).__name__}: {err}"))


class _Pool(ABC):
    """A pool used as a context manager: leaving it on an exception stops work at once."""

    @abstractmethod
    def map(self, instances: Iterable[Instance], *, build_date: str, commit: str | None) -> Iterator[Rendered]:
        """Render every instance, in the given order; yields each result as it is ready."""

    @abstractmethod
    def close(self, *, abort: bool = False) -> None:
        """Release the workers; with ``abort``, stop the reports still running."""

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self.close(abort=kind is not None)


class LocalPool(_Pool):
    """``jobs`` local worker processes, forking their kernels from one warm template.

    The template imports ``preload`` (the modules the notebooks import) before the first report
    and writes the kernels' log to ``log``. It starts at once; the workers start with the first
    report, or at :meth:`start`.

    Examples
    --------
    >>> from cxlab.build.catalog import NOTEBOOKS
    >>> missing = Instance("missing", NOTEBOOKS / "no-such.ipynb", "Missing", "Demo")
    >>> with LocalPool(1) as pool:
    ...     [r.outcome.status for r in pool.map([missing], build_date="today", commit=None)]
    ['failed']
    """

    def __init__(self, jobs: int, *, preload: tuple[str, ...] = (), log: Path | None = None) -> None:
        self._template = Template(preload=preload, log=log)
        self._jobs = jobs
        context = multiprocessing.get_context("spawn")
        self._stop = context.Event()
        self._pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_local_worker,
                                         initargs=(self._stop, self._template.address))

    def start(self) -> LocalPool:
        """Start every worker now (each takes a moment to import), not with the first report."""
        for _ in range(self._jobs):  # no worker is idle before its start-up ends: each task starts one
            self._pool.submit(os.getpid)
        return self

    def map(self, instances: Iterable[Instance], *, build_date: str, commit: str | None) -> Iterator[Rendered]:
        """Render every instance, in the given order; yields each result as it is ready."""
        futures = {self._pool.submit(render_here, i, build_date, commit): i for i in instances}
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as err:
                yield _lost(futures[future], err)

    def close(self, *, abort: bool = False) -> None:
        """Wait for the workers to exit; with ``abort``, kill running reports first."""
        if abort:
            self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._template.close()


class DaskPool(_Pool):
    """The workers of the Dask cluster at ``address`` (``tcp://host:8786``).

    Workers need the same environment and the project and its data at the same paths as the
    build (a shared file system); ``CXLAB_DATA``, if used, must be set on the workers. A worker
    keeps its warm kernel template from one build to the next, so restart the workers after a
    change to cxlab or the installed packages (a worker that runs other code refuses reports).
    """

    def __init__(self, address: str, *, preload: tuple[str, ...] = ()) -> None:
        from distributed import Client

        self._client = Client(address, set_as_default=False)
        self._client.run(_warm, preload)
        self._futures: list[Any] = []

    def map(self, instances: Iterable[Instance], *, build_date: str, commit: str | None) -> Iterator[Rendered]:
        """Render every instance, in the given order; yields each result as it is ready."""
        from distributed import as_completed as completed

        ordered, expected = list(instances), digest(environment())
        token = uuid.uuid4().hex[:8]
        futures = {
            self._client.submit(render_here, i, build_date, commit, expected, key=f"cxlab-{i.name}-{token}",
                                pure=False, priority=len(ordered) - n): i
            for n, i in enumerate(ordered)
        }
        self._futures = list(futures)
        for future in completed(futures, loop=self._client.loop):
            try:
                yield future.result()
            except Exception as err:
                yield _lost(futures[future], err)

    def close(self, *, abort: bool = False) -> None:
        """Disconnect; with ``abort``, cancel the reports not yet finished."""
        if abort and self._futures:
            self._client.cancel(self._futures)
        self._client.close()
