"""One build at a time per output folder: a lock file beside the reports.

The lock is an operating-system file lock (``filelock``), so it goes with the process that holds
it, however that process ends: a crashed build never blocks the next one. A second build waits,
and says who it is waiting for.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from cxlab.build.outputs import LOCK, state_dir

__all__ = ["build_lock"]


def _holder(owner: Path) -> str:
    try:
        return owner.read_text(encoding="utf-8").strip()
    except OSError:
        return "another build"


@contextmanager
def build_lock(out_dir: Path, *, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the build lock of ``out_dir``; if another build holds it, call ``on_wait`` and wait.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> with build_lock(out):
    ...     (out / ".cxlab-build" / "lock.owner").read_text().startswith("build of pid")
    True
    """
    folder = state_dir(out_dir)
    lock, owner = FileLock(folder / LOCK), folder / f"{LOCK}.owner"
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait(f"{_holder(owner)} is writing to {out_dir}; waiting for it to finish (Ctrl-C to stop)")
        lock.acquire()
    try:
        started = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        owner.write_text(f"build of pid {os.getpid()} on {socket.gethostname()}, started {started}",
                         encoding="utf-8")
        yield
    finally:
        owner.unlink(missing_ok=True)
        lock.release()
