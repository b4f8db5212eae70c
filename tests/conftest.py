"""Shared fixtures: a private copy of the data folder for tests that damage files, the loaded data
sets, the built catalog, and Chromium for the browser tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import cxlab
from tests.labdriver import ARGS, CHROMIUM

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/ that cxlab reads instead of the real one (via CXLAB_DATA)."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setenv("CXLAB_DATA", str(copy))
    return copy


@pytest.fixture(scope="session")
def scores() -> pd.DataFrame:
    """The bundled published index points, loaded once (tests must not change them)."""
    return cxlab.load("cx_benchmarks")


@pytest.fixture(scope="session")
def a11() -> pd.DataFrame:
    """The bundled A-11 answer counts, loaded once."""
    return cxlab.load("a11_hisp")


@pytest.fixture(scope="session")
def a11_questions() -> pd.DataFrame:
    """The bundled A-11 rows one per record and question (whole counts, before people are counted once)."""
    from cxlab.data.loaders import questions

    return questions("a11_hisp")


@pytest.fixture(scope="session")
def residents() -> pd.DataFrame:
    """The bundled San Diego residents, loaded once."""
    return cxlab.load("sandiego_2015")


def _sample(instances: list) -> list:
    """Every report, or the first report of each notebook with ``CXLAB_BROWSER_SAMPLE=1``."""
    if os.environ.get("CXLAB_BROWSER_SAMPLE") != "1":
        return instances
    firsts: dict[Path, object] = {}
    for instance in instances:
        firsts.setdefault(instance.notebook, instance)
    return list(firsts.values())


@pytest.fixture(scope="session")
def built_catalog(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """The whole catalog built once per test session (the browser audit and the statistical review read it).

    ``CXLAB_BROWSER_SAMPLE=1`` builds only the first report of each notebook, for a quick run.
    """
    from cxlab.build.batch import build
    from cxlab.build.catalog import read_catalog

    out = tmp_path_factory.mktemp("reports")
    instances = _sample(read_catalog())
    failed = [o for o in build(instances, out) if o.status != "built"]
    assert not failed, failed
    return out, instances


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright; a missing browser fails, never skips."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash .ci/install-browser` (the browser tests never skip)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()
