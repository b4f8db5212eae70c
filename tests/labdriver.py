"""Drive the explorers as an analyst does: `make lab`, then Chromium through JupyterLab's own page.

Used by the browser test of the explorers (``tests/test_explorers_browser.py``) and by the gallery
(``python -m tests.gallery``). JupyterLab is started by ``make lab`` itself (with a free loopback
port, a token, no browser of its own, and settings kept in a temporary folder), so what is
tested is what the README tells analysts to run.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests
from playwright.sync_api import Browser, Locator, Page

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
#: The explorer notebooks and, for each, the controls to change in turn (label, option); the last
#: change must change the findings and the first figure.
EXPLORERS = {
    "sector_gap.ipynb": [("From year", "2010")],
    "service_scorecard.ipynb": [("To quarter (FY)", "FY2022-Q2")],
    "drivers.ipynb": [("Residents by", "Owners and renters"), ("Keep", "Rent")],
}


@dataclass(frozen=True)
class Lab:
    """A JupyterLab server started by ``make lab``."""

    url: str
    token: str
    process: subprocess.Popen
    log: Path

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.url}{path}", headers={"Authorization": f"token {self.token}"},
                                timeout=30, **kwargs)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: JupyterLab settings for a run a program drives: no autosave, no news pop-up over the page, and
#: every cell rendered (not only those in view), so the page can be read as a whole.
_SETTINGS = {"@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": '{"autosave": false}',
             "@jupyterlab/apputils-extension/notification.jupyterlab-settings": '{"fetchNews": "false"}',
             "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": '{"windowingMode": "none"}'}


@contextmanager
def running_lab(home: Path) -> Iterator[Lab]:
    """``make lab`` on a free port with a token, serving a copy of the notebooks; settings live in ``home``.

    The notebooks are copied so that running them never writes outputs into the repository's.
    """
    port, token = _free_port(), secrets.token_hex(16)
    notebooks = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks, ignore=shutil.ignore_patterns("catalog.local.yml"))
    for name, text in _SETTINGS.items():
        (home / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
        (home / "settings" / name).write_text(text)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings")}
    env.pop("CXLAB_BATCH", None)
    extra = (f"--no-browser --ServerApp.port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token} "
             "--LabApp.expose_app_in_browser=True")
    log = home / "lab.log"
    with log.open("w") as out:
        process = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={extra}", f"LAB_DIR={notebooks}"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    lab = Lab(f"http://127.0.0.1:{port}", token, process, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if lab.api("GET", "/api/status").ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"make lab did not start:\n{log.read_text()}")
            time.sleep(0.5)
        yield lab
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # make and the JupyterLab it started, nothing else
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


#: True once the kernel of the notebook in view is idle.
_IDLE = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    return panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel && panel.sessionContext.session.kernel.status === 'idle';
}"""


@dataclass
class Visit:
    """A JupyterLab page and the console errors it logged."""

    page: Page
    errors: list[str] = field(default_factory=list)


def open_lab(browser: Browser, lab: Lab, path: str = "", *, width: int = 1400, height: int = 1000) -> Visit:
    """Open ``/lab/tree/PATH`` (or the server's start page) logged in, recording console errors."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    visit = Visit(page)
    page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    target = f"/lab/tree/{path}?reset&" if path else "/?"  # reset: no tab of an earlier visit comes back
    page.goto(f"{lab.url}{target}token={lab.token}", wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget", timeout=120_000)
    return visit


def run_all(visit: Visit, *, timeout: float = 240) -> Locator:
    """Run every cell of the open notebook; the explorer once it has drawn its figures."""
    page = visit.page
    page.wait_for_function(_IDLE, timeout=timeout * 1000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    explorer = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output .widget-vbox").first
    explorer.locator("figure.chart img").first.wait_for(timeout=timeout * 1000)
    explorer.scroll_into_view_if_needed()
    return explorer


def choose(explorer: Locator, label: str, option: str) -> None:
    """Choose ``option`` in the control labelled ``label``, as a person does."""
    explorer.get_by_label(label, exact=True).select_option(label=option)


def settle(visit: Visit, *, timeout: float = 120) -> None:
    """Wait until the kernel has answered the last change (it shows busy, then idle)."""
    visit.page.wait_for_timeout(300)
    visit.page.wait_for_function(_IDLE, timeout=timeout * 1000)


#: The explorer of the notebook in view, in the page's own terms.
_EXPLORER = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output .widget-vbox"
_NOW = f"""() => {{
    const explorer = document.querySelector("{_EXPLORER}");
    const findings = explorer.querySelector("section.findings");
    const figure = explorer.querySelector("figure.chart img");
    return [findings ? findings.innerText : "", figure ? figure.src : ""];
}}"""


def change(visit: Visit, explorer: Locator, label: str, option: str, *, timeout: float = 60) -> float:
    """Choose ``option`` in the control labelled ``label``; seconds until new findings and a new figure show.

    The time is the page's own clock, from just before the choice to the first frame that shows
    both changed (checked at every animation frame).
    """
    page = visit.page
    page.evaluate(f"() => {{ window.cxlabBefore = ({_NOW})(); window.cxlabStart = performance.now(); }}")
    choose(explorer, label, option)
    waited = page.wait_for_function(f"""() => {{
        const now = ({_NOW})();
        return now[0] !== window.cxlabBefore[0] && now[0] !== "" && now[1] !== window.cxlabBefore[1] && now[1] !== ""
            ? performance.now() - window.cxlabStart : false;
    }}""", polling="raf", timeout=timeout * 1000)
    return waited.json_value() / 1000
