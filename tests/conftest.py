"""Shared fixtures: a private copy of the data folder for tests that damage files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import cxlab

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
def residents() -> pd.DataFrame:
    """The bundled San Diego residents, loaded once."""
    return cxlab.load("sandiego_2015")
