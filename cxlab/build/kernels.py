"""Fresh kernels without the start-up cost: each one is forked from a warm template process.

A kernel start and the imports of pandas, seaborn, pingouin and cxlab take about three seconds of
a small report's time. A :class:`KernelFactory` starts one *template* process that makes those
imports once, with every module the notebooks to run import (:func:`notebook_imports`), and
waits; for every report it forks a new process from the template, and that process becomes an
ordinary ipykernel kernel (IPC sockets, heartbeat, interrupts). The template never runs a cell,
so every kernel starts from the same state, and a kernel runs exactly one notebook before it is
stopped: nothing passes from one report to the next. The factory keeps one kernel forked ahead,
so the next report's kernel starts while the current report runs.

One :class:`Template` serves any number of factories, in its own process or in others (the
build's worker processes): each asks it for kernels through its socket, so the imports are made
once per build, and they start before the build has read its catalog.

The template and its kernels form their own process group: a terminal's Ctrl-C does not reach
them (the build stops them), and when the template's owner dies, however it dies, the template
reads end-of-file, and it and every kernel it forked are killed together.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import json
import os
import secrets
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from queue import Empty
from pathlib import Path
from typing import IO, Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.connect import write_connection_file

__all__ = ["PRELOAD", "ForkedKernel", "KernelFactory", "Template", "notebook_imports"]

#: What the template always imports before it forks (the notebooks' own imports come after):
#: the kernel's own modules too, down to the debugger and completer it sets up, so that a forked
#: kernel is ready in about 0.04 s of CPU instead of 0.13 s.
PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.debugger", "IPython.core.debugger", "IPython.core.completerlib",
    "IPython.extensions.storemagic", "pandas", "seaborn", "pingouin", "cxlab",
)

#: The matplotlib backend an ipykernel kernel selects; set before matplotlib is imported.
_INLINE = "module://matplotlib_inline.backend_inline"

#: One thread per kernel for BLAS and OpenMP: the build runs reports side by side instead.
_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def notebook_imports(paths: Iterable[Path]) -> tuple[str, ...]:
    """The modules the code cells of these notebooks import at their top level.

    ``from package import name`` gives ``package`` and ``package.name`` (the name may be a
    module); a cell that is not plain Python (a magic, say) is skipped, and so is a file that is
    not a readable notebook (the build names its problem when it comes to run it).

    Examples
    --------
    >>> from cxlab.build.catalog import NOTEBOOKS
    >>> found = notebook_imports([NOTEBOOKS / "sector_gap.ipynb", NOTEBOOKS / "catalog.yml"])
    >>> "cxlab.analyses.sector_gap" in found, "typing.Optional" in found
    (True, True)
    """
    found: set[str] = set()
    for source in (s for path in set(paths) for s in _code(path)):
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.update([node.module, *(f"{node.module}.{alias.name}" for alias in node.names)])
    return tuple(sorted(found))


def _code(path: Path) -> list[str]:
    """The source of each code cell of the notebook at ``path``; none if it is not a readable notebook."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return ["".join(cell.get("source", "")) for cell in cells if cell.get("cell_type") == "code"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return []


class _ForkedKernelClient(AsyncKernelClient):
    """A client of a forked kernel: it asks the kernel's process whether it is alive, and is ready
    as soon as the kernel answers on both the shell and the IOPub channel.

    jupyter_client's own client, without a kernel manager, first waits for the heartbeat (0.2 s
    of sleep: its first check comes before the heartbeat thread has run), and once ready waits
    0.2 s more for IOPub to fall quiet; messages left on IOPub are harmless, as nbclient reads
    only those that answer its own requests.
    """

    kernel: ForkedKernel

    async def _async_is_alive(self) -> bool:
        return self.kernel.is_alive()

    is_alive = _async_is_alive

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Return once the kernel has answered a ``kernel_info`` request and IOPub has reached us.

        An IOPub subscription made a moment earlier may miss the first request's messages, so
        the request is repeated until one arrives.
        """
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while time.monotonic() < deadline:
            if not self.kernel.is_alive():
                raise RuntimeError("the kernel died before it was ready")
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
                if reply["msg_type"] == "kernel_info_reply":
                    await self.iopub_channel.get_msg(timeout=0.05)
                    self._handle_kernel_info_reply(reply)
                    return
            except Empty:
                continue
        raise RuntimeError(f"the kernel did not answer within {timeout} s")


class ForkedKernel:
    """One running kernel forked from the template, in the shape nbclient expects of a manager.

    Pass it as ``km`` to ``papermill.execute_notebook`` or ``nbclient.NotebookClient``: it hands
    out a connected client and can be interrupted, checked and shut down.
    """

    has_kernel = True

    def __init__(self, pid: int, connection_file: Path, cwd: Path) -> None:
        self.pid = pid
        self.connection_file = connection_file
        self.cwd = cwd
        self._clients: list[AsyncKernelClient] = []

    def client(self) -> AsyncKernelClient:
        """A client connected to this kernel's sockets (closed when the kernel shuts down)."""
        kc = _ForkedKernelClient(connection_file=str(self.connection_file))
        kc.kernel = self
        kc.load_connection_file()
        self._clients.append(kc)
        return kc

    def is_alive(self) -> bool:
        """Whether the kernel's process still runs (a killed one waiting to be reaped does not)."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except FileNotFoundError:
            return False
        return stat.rpartition(")")[2].split()[0] != "Z"

    def interrupt_kernel(self) -> None:
        """Interrupt the running cell, as a notebook's stop button does."""
        if self.is_alive():
            os.kill(self.pid, signal.SIGINT)

    def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        """Stop the kernel at once (it holds nothing worth keeping) and wait until it is gone."""
        for kc in self._clients:
            kc.stop_channels()
        if self.is_alive():
            os.kill(self.pid, signal.SIGKILL)
        self.wait(5)
        self.cleanup_resources()

    def wait(self, seconds: float) -> None:
        """Wait up to ``seconds`` for the kernel's process to end and be reaped."""
        deadline = time.monotonic() + seconds
        while Path(f"/proc/{self.pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.01)

    def cleanup_resources(self, restart: bool = False) -> None:
        """Remove the kernel's connection file and socket files."""
        sockets = self.connection_file.parent.glob(f"{self.connection_file.stem}-*")
        for path in [self.connection_file, *sockets]:
            path.unlink(missing_ok=True)


class Template:
    """The warm template process: it imports once, then forks a kernel for every request on its socket.

    Parameters
    ----------
    preload : iterable of str
        Modules the template imports after :data:`PRELOAD` (see :func:`notebook_imports`).
    log : Path, optional
        File that receives the kernels' own log lines (default: discarded), so that messages
        such as a kernel's shutdown notice stay out of the build's progress output.

    The socket listens from the start, so a request made while the template still imports waits
    for it. :meth:`close` kills the template and every kernel forked from it.

    Examples
    --------
    >>> with Template() as template, KernelFactory(template=template.address) as factory:
    ...     factory.kernel(Path.cwd()).is_alive()
    True
    """

    def __init__(self, *, preload: Iterable[str] = (), log: Path | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="cxlab-kernels-"))
        self.address = self.folder / "template.sock"
        self._closing, self._closed = threading.Lock(), False
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener, \
                open(log, "a", encoding="utf-8") if log else open(os.devnull, "w") as stderr:
            listener.bind(str(self.address))
            listener.listen(64)
            self._process = subprocess.Popen(
                [sys.executable, "-m", "cxlab.build.kernels", str(self.folder), str(listener.fileno()),
                 *PRELOAD, *preload],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr, pass_fds=(listener.fileno(),),
                process_group=0, env=_template_env(),
            )

    @property
    def pid(self) -> int:
        """The process id of the template (its process group holds every kernel forked from it)."""
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        """The template's exit code once it has ended, else None."""
        return self._process.poll()

    def close(self) -> None:
        """Kill the template and every kernel forked from it; safe to call from any thread, and again.

        Only the first call kills: once the template is reaped its process id may be another's.
        """
        with self._closing:
            if self._closed:
                return
            self._closed = True
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._process.wait()
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Template:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class KernelFactory:
    """Fresh kernels forked from a warm :class:`Template`: the one at ``template``, or its own.

    Parameters
    ----------
    preload, log
        For a template of its own (see :class:`Template`); ignored with ``template``.
    ahead : bool
        Keep one kernel forked ahead of demand (the next report's kernel starts while the
        current one runs).
    template : Path, optional
        The address of a running template (:attr:`Template.address`), shared with other factories.

    Examples
    --------
    >>> with KernelFactory() as factory:
    ...     kernel = factory.kernel(Path.cwd())
    ...     kernel.is_alive()
    True
    >>> kernel.is_alive()
    False
    """

    def __init__(self, *, preload: Iterable[str] = (), log: Path | None = None, ahead: bool = True,
                 template: Path | None = None) -> None:
        self._own = Template(preload=preload, log=log) if template is None else None
        self._address = template if template is not None else self._own.address
        self._ahead = ahead
        self._spare: ForkedKernel | None = None
        self._forked: list[ForkedKernel] = []
        self._lock = threading.Lock()

    @property
    def template_pid(self) -> int | None:
        """The process id of the factory's own template (None when it uses a shared one)."""
        return self._own.pid if self._own is not None else None

    def kernel(self, cwd: Path) -> ForkedKernel:
        """A new kernel whose working folder is ``cwd``; the caller shuts it down after use."""
        with self._lock:
            spare, self._spare = self._spare, None
            if spare is None or spare.cwd != cwd or not spare.is_alive():
                if spare is not None:
                    spare.shutdown_kernel()
                spare = self._fork(cwd)
            if self._ahead:
                self._spare = self._fork(cwd)
            return spare

    def _fork(self, cwd: Path) -> ForkedKernel:
        self._forked = [k for k in self._forked if k.is_alive()]
        name = f"kernel-{secrets.token_hex(4)}"
        connection_file = self._address.parent / f"{name}.json"
        request = json.dumps({"connection_file": str(connection_file), "cwd": str(cwd)}) + "\n"
        try:
            write_connection_file(
                str(connection_file), ip=str(self._address.parent / name), key=secrets.token_hex(16).encode(),
                transport="ipc",
            )
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.connect(str(self._address))
                connection.sendall(request.encode())
                with connection.makefile(encoding="utf-8") as replies:
                    reply = replies.readline()
        except OSError:  # no template listens there any more (its folder may be gone too)
            reply = ""
        if not reply:
            connection_file.unlink(missing_ok=True)
            exited = self._own.returncode if self._own is not None else None
            raise RuntimeError("the kernel template is gone"
                               + (f" (it exited with code {exited})" if exited is not None else ""))
        self._forked.append(ForkedKernel(json.loads(reply)["pid"], connection_file, cwd))
        return self._forked[-1]

    def close(self) -> None:
        """Kill every kernel this factory forked (and its own template); safe to call from any thread."""
        for kernel in [k for k in self._forked if k.is_alive()]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(kernel.pid, signal.SIGKILL)
        if self._own is not None:
            self._own.close()
        for kernel in list(self._forked):
            kernel.wait(5)
            kernel.cleanup_resources()

    def __enter__(self) -> KernelFactory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _template_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", _INLINE)
    for name in _THREADS:
        env.setdefault(name, "1")
    return env


def _import(name: str) -> None:
    """Import a module now; a name that is not a module (``from typing import Optional``) is passed over."""
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name != name:  # a module that is there but needs one that is not
            print(f"cxlab.build.kernels: could not preload {name}: {err!r}", file=sys.stderr)
    except Exception as err:  # the notebook that needs it will show the real error
        print(f"cxlab.build.kernels: could not preload {name}: {err!r}", file=sys.stderr)


def _run_kernel(request: dict[str, Any]) -> None:
    """In a forked child: become a kernel on the requested sockets; never returns."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.chdir(request["cwd"])
        if "numpy" in sys.modules:  # a fresh process draws a fresh seed; so does a forked one
            sys.modules["numpy"].random.seed()
        from ipykernel.kernelapp import IPKernelApp
        from traitlets.config import Config

        config = Config({"HistoryManager": {"enabled": False}})  # parallel kernels, one sqlite file
        app = IPKernelApp.instance(config=config, connection_file=request["connection_file"],
                                   parent_handle=os.getppid())
        app.initialize([])
        app.start()
    finally:
        os._exit(0)


def _serve(folder: Path, listener: socket.socket, modules: list[str], owner: IO[bytes]) -> None:
    """The template's loop: import ``modules``, then fork a kernel for each request on ``listener``.

    A request is one line of JSON on a connection of its own; the reply, the kernel's process id.
    When the owner goes (end of ``owner``, its pipe), the kernels' socket folder goes, and then
    the template and every kernel it forked.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in modules:
        _import(name)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels that exit are reaped at once (after imports)
    events = selectors.DefaultSelector()
    events.register(listener, selectors.EVENT_READ)
    events.register(owner, selectors.EVENT_READ)
    while all(key.fileobj is listener for key, _ in events.select()):
        connection, _ = listener.accept()
        with connection:
            try:
                with connection.makefile(encoding="utf-8") as requests:
                    request = json.loads(requests.readline())
            except (OSError, ValueError):  # a factory that went away mid-request
                continue
            pid = os.fork()
            if pid == 0:
                listener.close()
                connection.close()
                _run_kernel(request)
            with contextlib.suppress(OSError):
                connection.sendall((json.dumps({"pid": pid}) + "\n").encode())
    shutil.rmtree(folder, ignore_errors=True)
    os.killpg(0, signal.SIGKILL)


if __name__ == "__main__":  # pragma: no cover - the template process
    _serve(Path(sys.argv[1]), socket.socket(fileno=int(sys.argv[2])), sys.argv[3:], sys.stdin.buffer)
