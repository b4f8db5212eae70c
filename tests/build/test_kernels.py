"""Kernels forked from a warm template are fresh, and Ctrl-C leaves no kernel and no half-written file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
import yaml
from nbclient import NotebookClient

from cxlab.build.catalog import NOTEBOOKS
from cxlab.build.kernels import KernelFactory, Template, notebook_imports
from cxlab.build.manifest import Manifest

PROBE = """
import os, sys
import numpy as np
print(sorted(m for m in ("pandas", "seaborn", "pingouin", "cxlab.analyses.sector_gap") if m in sys.modules))
print(os.getcwd(), "left_behind" in dir(), np.random.randint(1 << 30))
left_behind = True
"""


def _run(factory: KernelFactory, folder: Path) -> tuple[list[str], int]:
    """Run the probe in a new kernel of ``factory``; its printed lines and the kernel's pid."""
    kernel = factory.kernel(folder)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)])
    try:
        NotebookClient(nb, km=kernel, timeout=120, startup_timeout=300).execute()
    finally:
        kernel.shutdown_kernel()
    assert not kernel.is_alive()
    return nb.cells[0].outputs[0]["text"].splitlines(), kernel.pid


def test_every_kernel_is_a_new_process_with_the_imports_done_and_nothing_else(tmp_path):
    factory = KernelFactory(preload=notebook_imports([NOTEBOOKS / "sector_gap.ipynb"]))
    try:
        first, first_pid = _run(factory, tmp_path)
        second, second_pid = _run(factory, tmp_path)
        template = psutil.Process(factory.template_pid)
        family = [template, *template.children(recursive=True)]
    finally:
        factory.close()
    imported = "['cxlab.analyses.sector_gap', 'pandas', 'pingouin', 'seaborn']"
    assert first[0] == second[0] == imported
    folder, left_behind, first_draw = first[1].split()
    assert (folder, left_behind) == (str(tmp_path), "False")
    assert second[1].split()[:2] == [str(tmp_path), "False"]  # the first kernel's variable is not there
    assert second[1].split()[2] != first_draw  # each kernel seeds numpy afresh, as a new process does
    assert first_pid != second_pid
    assert len(family) == 2  # the template and the kernel forked ahead: used kernels are gone
    gone, alive = psutil.wait_procs(family, timeout=10)
    assert alive == []  # closing the factory ended the template and every kernel


SLOW = """
from pathlib import Path
import time
Path(marker).touch()
time.sleep(300)
"""


@pytest.fixture
def slow_project(tmp_path: Path) -> Path:
    """A catalog of two reports that sleep for minutes once they have touched a marker file."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("marker = ''", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(SLOW),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "slow.ipynb")
    catalog = {"notebooks": {"slow": {"title": "Slow"}},
               "reports": [{"name": f"slow-{n}", "notebook": "slow",
                            "parameters": {"marker": str(tmp_path / f"started-{n}")}} for n in (1, 2)]}
    (tmp_path / "catalog.yml").write_text(yaml.safe_dump(catalog), encoding="utf-8")
    (tmp_path / "out").mkdir()
    Manifest(tmp_path / "out").claim(tmp_path / "out" / "slow-1.html")  # a last good page an earlier build wrote
    (tmp_path / "out" / "slow-1.html").write_text("<p>last good</p>", encoding="utf-8")
    return tmp_path


def test_ctrl_c_stops_every_kernel_and_leaves_only_whole_files(slow_project: Path):
    out = slow_project / "out"
    command = [sys.executable, "-m", "cxlab.cli", "build", "--catalog", str(slow_project / "catalog.yml"),
               "--out", str(out), "--jobs", "2"]
    build = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 600
        while not all((slow_project / f"started-{n}").exists() for n in (1, 2)):
            assert build.poll() is None and time.monotonic() < deadline, "the reports never started"
            time.sleep(0.2)
        family = psutil.Process(build.pid).children(recursive=True)
        kernels = [p for p in family if "cxlab.build.kernels" in " ".join(p.cmdline())]
        templates = [p for p in kernels if p.ppid() == build.pid]
        assert len(templates) == 1 and len(kernels) >= 3  # one template, two running kernels (and spares)
        workers = [p for p in family if p.ppid() == build.pid and "spawn_main" in " ".join(p.cmdline())]
        checked = (out / ".cxlab-build" / "catalog.json").stat().st_mtime
        assert len(workers) == 2  # started before the catalog's checks ended, to overlap them:
        assert max(p.create_time() for p in [*templates, *workers]) < checked
        os.killpg(build.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
        shown, _ = build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert build.returncode == 130, shown
    last = shown.strip().splitlines()[-1]
    assert last.startswith("Interrupted: 0 report(s) built and kept; no report is half-written"), shown
    assert "Traceback" not in shown and "KeyboardInterrupt" not in shown, shown
    gone, alive = psutil.wait_procs(family, timeout=10)
    assert alive == []
    assert sorted(p.name for p in out.iterdir()) == [".cxlab-build", "slow-1.html"]
    assert (out / "slow-1.html").read_text(encoding="utf-8") == "<p>last good</p>"
    assert not (out / ".cxlab-build" / "stamps").exists()


def test_a_forked_kernels_client_is_ready_without_waiting_and_a_dead_kernel_is_an_error(tmp_path):
    """jupyter_client's own wait sleeps 0.4 s a kernel; a killed kernel must still fail fast, not hang."""
    import asyncio

    with KernelFactory() as factory:
        kernel = factory.kernel(tmp_path)
        client = kernel.client()
        client.start_channels()
        started = time.monotonic()
        asyncio.run(client.wait_for_ready(timeout=60))
        assert time.monotonic() - started < 5
        kernel.shutdown_kernel()
        dead = factory.kernel(tmp_path)
        os.kill(dead.pid, signal.SIGKILL)
        dead.wait(5)
        late = dead.client()
        late.start_channels(hb=False)  # a heartbeat thread still starting when the channels stop warns
        with pytest.raises(RuntimeError, match="the kernel died before it was ready"):
            asyncio.run(late.wait_for_ready(timeout=60))
        dead.shutdown_kernel()



def test_factories_share_one_template_and_each_stops_only_its_own_kernels(tmp_path):
    """The build's workers fork from one template: its imports are made once per build."""
    with Template() as template:
        first, second = (KernelFactory(template=template.address, ahead=False) for _ in range(2))
        mine, theirs = first.kernel(tmp_path), second.kernel(tmp_path)
        assert psutil.Process(mine.pid).ppid() == psutil.Process(theirs.pid).ppid() == template.pid
        first.close()
        mine.wait(5)
        assert not mine.is_alive() and theirs.is_alive()
    theirs.wait(5)
    assert not theirs.is_alive() and not template.folder.exists()
    with pytest.raises(RuntimeError, match="the kernel template is gone"):
        second.kernel(tmp_path)


def test_a_file_that_is_not_a_notebook_adds_no_imports(tmp_path):
    """A build preloads what every notebook beside its catalog imports; a broken one is passed over."""
    (tmp_path / "broken.ipynb").write_text("not JSON", encoding="utf-8")
    (tmp_path / "odd.ipynb").write_text('{"cells": [{"cell_type": "code"}, 3]}', encoding="utf-8")
    assert notebook_imports([tmp_path / "broken.ipynb", tmp_path / "odd.ipynb", tmp_path / "missing.ipynb",
                             NOTEBOOKS / "sector_gap.ipynb"]) == notebook_imports([NOTEBOOKS / "sector_gap.ipynb"])
