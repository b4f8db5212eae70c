"""Run one report instance in a fresh kernel and render its page, in memory.

Rendering never writes the report: the caller (the build, in one process) writes what comes
back, so a report rendered on another machine is written exactly like one rendered here.
"""

from __future__ import annotations

import time

import nbformat
import papermill
from nbclient.exceptions import DeadKernelError

from cxlab.build.catalog import Instance
from cxlab.build.kernels import KernelFactory
from cxlab.build.outputs import Outcome, Rendered
from cxlab.build.pages import provenance
from cxlab.report.export import export_html, strip_run_metadata

__all__ = ["KERNEL", "START_TIMEOUT", "render"]

KERNEL = "python3"
#: Seconds a new kernel may take to answer; papermill's 60 s trips on a loaded machine.
START_TIMEOUT = 300


def _execute(instance: Instance, kernels: KernelFactory | None, started: list[int]) -> nbformat.NotebookNode:
    """Papermill's run of the notebook, in a kernel of ``kernels`` or in one papermill starts.

    The index of each cell is appended to ``started`` as it starts, so a kernel that dies can be
    placed in its cell.
    """
    folder = instance.notebook.parent
    kernel = kernels.kernel(folder) if kernels is not None else None
    try:
        return papermill.execute_notebook(
            str(instance.notebook), None, parameters=instance.parameters, kernel_name=KERNEL,
            progress_bar=False, log_output=False, record_timing=False, start_timeout=START_TIMEOUT,
            cwd=str(folder) if kernel is None else None, km=kernel,
            on_cell_execute=lambda cell, cell_index: started.append(cell_index),
        )
    finally:
        if kernel is not None:
            kernel.shutdown_kernel()


def render(instance: Instance, *, build_date: str, commit: str | None,
           kernels: KernelFactory | None = None) -> Rendered:
    """Run ``instance`` in a new kernel (forked from ``kernels`` if given) and render its page.

    A failure is an outcome, not an exception: the failing cell (its index in the executed
    notebook, the injected parameters cell counted) and the error. A kernel that dies (killed,
    out of memory) is placed in the cell it was running.

    Examples
    --------
    >>> from pathlib import Path
    >>> missing = Instance("missing", Path("no-such.ipynb"), "Missing", "Demo")
    >>> rendered = render(missing, build_date="today", commit=None)
    >>> rendered.outcome.status, rendered.outcome.error.split(":")[0], rendered.html
    ('failed', 'FileNotFoundError', None)
    """
    started, cells = time.perf_counter(), []
    try:
        nb = strip_run_metadata(_execute(instance, kernels, cells))
        nb.metadata["cxlab"] = provenance(instance, build_date=build_date, commit=commit)
        html = export_html(nb, title=instance.title)
    except papermill.PapermillExecutionError as err:
        return Rendered(Outcome(instance.name, "failed", time.perf_counter() - started,
                                cell=err.cell_index, error=f"{err.ename}: {err.evalue}"))
    except DeadKernelError:
        where = "while this cell ran" if cells else "before any cell ran"
        return Rendered(Outcome(instance.name, "failed", time.perf_counter() - started,
                                cell=cells[-1] if cells else None,
                                error=f"the kernel died {where} (it was killed, or ran out of memory)"))
    except Exception as err:  # a kernel that dies, data that changed: this report fails, no other
        return Rendered(Outcome(instance.name, "failed", time.perf_counter() - started,
                                error=f"{type(err).__name__}: {err}"))
    outcome = Outcome(instance.name, "built", time.perf_counter() - started)
    return Rendered(outcome, html, nbformat.writes(nb))
