"""The catalog: parameters are checked against the notebook before any kernel starts."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from cxlab.build.catalog import NOTEBOOKS, CatalogError, read_catalog


def test_notebooks_are_committed_without_outputs_and_with_a_parameters_cell():
    for path in NOTEBOOKS.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert not any(c.outputs or c.execution_count for c in code), path.name
        assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1, path.name


def test_the_bundled_catalog_reads_and_names_its_data():
    instances = read_catalog()
    assert len({i.name for i in instances}) == len(instances) >= 4
    assert all(i.data == ("cx_benchmarks",) for i in instances if i.notebook.name == "sector_gap.ipynb")


def _catalog(tmp_path: Path, parameters: str) -> Path:
    shutil.copy(NOTEBOOKS / "sector_gap.ipynb", tmp_path)
    path = tmp_path / "catalog.yml"
    path.write_text(
        "notebooks:\n  sector_gap: {title: Gap, data: [cx_benchmarks]}\n"
        f"reports:\n  - {{name: r1, notebook: sector_gap, parameters: {parameters}}}\n"
    )
    return path


def test_an_unknown_parameter_lists_the_allowed_ones(tmp_path: Path):
    with pytest.raises(CatalogError, match=r"report 'r1'.*unknown parameter 'federal' \(allowed: end, index, lower, start, upper\)"):
        read_catalog(_catalog(tmp_path, "{federal: x}"))


def test_a_wrong_type_is_named(tmp_path: Path):
    with pytest.raises(CatalogError, match=r"parameter 'start' must be int or None, got str '2015'"):
        read_catalog(_catalog(tmp_path, "{start: '2015'}"))
