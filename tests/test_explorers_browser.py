"""The explorers in a real JupyterLab, in Chromium, as an analyst uses them.

``make lab`` starts JupyterLab; Playwright opens each explorer notebook, runs every cell, changes
a control and checks that the findings and the figure changed on screen, that every control's
label shows whole, and that the browser console logged no error. A missing browser fails.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.labdriver import EXPLORERS, Lab, change, choose, open_lab, run_all, running_lab, settle


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with running_lab(tmp_path_factory.mktemp("lab")) as server:
        yield server


def test_make_lab_opens_the_sector_gap_notebook(lab: Lab, browser: Browser) -> None:
    visit = open_lab(browser, lab)
    title = visit.page.evaluate("() => window.jupyterapp.shell.currentWidget.title.label")
    assert title == "sector_gap.ipynb"
    visit.page.context.close()


@pytest.mark.parametrize("notebook", list(EXPLORERS))
def test_an_explorer_follows_its_controls_without_console_errors(lab: Lab, browser: Browser, notebook: str) -> None:
    visit = open_lab(browser, lab, notebook)
    try:
        explorer = run_all(visit)
        labels = explorer.locator("label.widget-label")
        for k in range(labels.count()):  # every label shows whole: nothing cut with an ellipsis
            fits = labels.nth(k).evaluate("e => e.scrollWidth <= e.clientWidth + 1")
            assert fits, labels.nth(k).inner_text()
        *first, (label, option) = EXPLORERS[notebook]
        for earlier in first:
            choose(explorer, *earlier)
            settle(visit)
        seconds = change(visit, explorer, label, option)
        print(f"{notebook}: {label} -> {option} showed on screen in {seconds * 1000:.0f} ms")
        assert explorer.locator("[role=alert]").count() == 0
        assert visit.errors == []
    finally:
        lab.api("DELETE", f"/api/sessions/{_session(lab, notebook)}")
        visit.page.context.close()


def _session(lab: Lab, notebook: str) -> str:
    return next(s["id"] for s in lab.api("GET", "/api/sessions").json() if s["path"].endswith(notebook))
