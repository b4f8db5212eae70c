"""Issue 18: validated tables kept during a build, read-only metadata, and YAML parsed by libyaml.

A kept table must be the table a fresh load gives, a file changed after registration must still
be refused, two processes asking for one table at once must validate it once, and pandas must
share a loaded table's metadata instead of deep-copying it on every operation.
"""

from __future__ import annotations

import copy
import multiprocessing
import pickle
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

import cxlab
from cxlab.data import registry
from cxlab.data.loaders import load_source
from cxlab.data.metadata import ReadOnlyDict, ReadOnlyList
from cxlab.data.tablecache import CACHE_VARIABLE, cached
from cxlab.data.yamlfile import parse_yaml
from cxlab.errors import DataError


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_VARIABLE, str(folder))
    return folder


@pytest.mark.parametrize("name", ["a11_hisp", "sandiego_2015", "cfpb_complaints", "cx_benchmarks"])
def test_a_kept_table_is_the_table_a_fresh_load_gives(name: str, cache: Path, monkeypatch) -> None:
    first, kept = cxlab.load(name), cxlab.load(name)
    monkeypatch.delenv(CACHE_VARIABLE)
    fresh = cxlab.load(name)
    pd.testing.assert_frame_equal(kept, fresh)
    assert kept.attrs == fresh.attrs and first.attrs == fresh.attrs
    assert len(list((cache / "tables").glob("*.pickle"))) == 1


def test_screened_and_kept_rows_are_kept_apart(cache: Path) -> None:
    screened, everything = cxlab.load("a11_hisp"), cxlab.load("a11_hisp", keep_flagged=True)
    assert len(everything) > len(screened)
    assert len(list((cache / "tables").glob("*.pickle"))) == 2


def test_a_file_changed_after_registration_is_refused_though_its_table_is_kept(tmp_path: Path, cache: Path) -> None:
    entry = registry.entry("cx_benchmarks")
    shutil.copy(registry.data_dir() / entry["file"], tmp_path / entry["file"])
    source = registry.Source(dict(entry), tmp_path)
    assert len(load_source(source)) == 87
    with open(tmp_path / entry["file"], "a", encoding="utf-8") as out:
        out.write("\n")
    with pytest.raises(DataError, match="the file changed after registration"):
        load_source(source)


def _count_and_wait(folder: str, marker: str) -> int:
    import os
    import time

    os.environ[CACHE_VARIABLE] = folder

    def compute() -> int:
        with open(marker, "a") as out:
            out.write("x")
        time.sleep(0.5)
        return 42

    return cached("race", "one-key", compute)


def test_two_processes_asking_at_once_compute_once(tmp_path: Path) -> None:
    marker = tmp_path / "computed"
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.starmap(_count_and_wait, [(str(tmp_path / "cache"), str(marker))] * 2)
    assert results == [42, 42] and marker.read_text() == "x"


def test_without_a_build_nothing_is_kept(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    calls = []
    assert [cached("demo", "k", lambda: calls.append(1) or len(calls)) for _ in range(2)] == [1, 2]


def test_loaded_metadata_is_shared_by_derived_tables_and_refuses_changes() -> None:
    a11 = cxlab.load("a11_hisp")
    part = a11[a11["driver"] == "satisfaction"]
    assert part.attrs["flagged"] is a11.attrs["flagged"] and isinstance(part.attrs["flagged"], ReadOnlyList)
    assert isinstance(part.attrs["flagged"][0], ReadOnlyDict) and part.attrs == a11.attrs
    with pytest.raises(TypeError, match="read-only"):
        part.attrs["flagged"].append({})
    with pytest.raises(TypeError, match="read-only"):
        cxlab.load("sandiego_2015").attrs["labels"]["Q2_6"] = "changed"
    assert pickle.loads(pickle.dumps(a11)).attrs == a11.attrs
    assert copy.deepcopy(a11.attrs)["flagged"] is a11.attrs["flagged"]


@pytest.mark.parametrize("path", [registry.data_dir() / "datasets.yml",
                                  Path(__file__).parents[2] / "notebooks" / "catalog.yml"])
def test_libyaml_reads_the_project_files_as_pyyaml_does(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert parse_yaml(text, path.name).data == yaml.load(text, Loader=yaml.SafeLoader)


def test_a_text_parsed_again_is_not_parsed_again_and_gives_every_caller_its_own_data() -> None:
    """The registry and the catalog are read in every report: a text already parsed comes from a
    cache, and a caller that changes its copy changes no other caller's."""
    from cxlab.data.yamlfile import _parsed_once

    text = "survey:\n  columns:\n    district: Q28\n  periods: [2015, 2016]\n"
    first = parse_yaml(text, "datasets.yml")
    hits = _parsed_once.cache_info().hits
    second = parse_yaml(text, "datasets.yml")
    assert _parsed_once.cache_info().hits == hits + 1
    first.data["survey"]["columns"]["district"] = "changed"
    first.data["survey"]["periods"].append(2017)
    assert second.data == parse_yaml(text, "datasets.yml").data == yaml.safe_load(text)
