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


RESPONDENT_NOTEBOOKS = ("survey_summary", "drivers", "groups")


def _respondent_catalog(tmp_path: Path, reports: str) -> Path:
    """A catalog of the three respondent notebooks (their specs as bundled) with ``reports``."""
    import yaml

    for name in RESPONDENT_NOTEBOOKS:
        shutil.copy(NOTEBOOKS / f"{name}.ipynb", tmp_path)
    spec = yaml.safe_load((NOTEBOOKS / "catalog.yml").read_text())["notebooks"]
    path = tmp_path / "catalog.yml"
    path.write_text(yaml.safe_dump({"notebooks": {k: spec[k] for k in RESPONDENT_NOTEBOOKS}}) + f"reports:\n{reports}")
    return path


def test_every_parameter_of_a_respondent_analysis_is_checked_against_the_named_data_set(tmp_path: Path):
    """issue 14, problem 4 (and 6): parameters checked against San Diego, or inside the kernel."""
    from cxlab.build.catalog import load_catalog

    catalog = load_catalog(_respondent_catalog(tmp_path, """\
  - {name: s1, notebook: survey_summary, parameters: {dataset: industry_survey, measure: Q2_6}}
  - {name: d1, notebook: drivers, parameters: {dataset: industry_survey, outcome: SATIS, items: Q3}}
  - {name: d2, notebook: drivers, parameters: {dataset: industry_survey, outcome: SATIS, groups: {region: [North]}}}
  - {name: g1, notebook: groups, parameters: {dataset: industry_survey, group: district, outcome: CSI}}
  - {name: g2, notebook: groups, parameters: {dataset: industry_survey, group: region, period: "2016"}}
  - {name: x1, notebook: survey_summary, parameters: {dataset: cx_benchmarks}}
  - {name: ok, notebook: drivers, parameters: {dataset: industry_survey, outcome: SATIS, items: [EASE, STAFF]}}
"""))
    assert [i.name for i in catalog.instances] == ["ok"]
    reasons = {b.name: b.reason for b in catalog.blocked}
    assert reasons["s1"].startswith("survey_summary.ipynb: parameter 'measure' = 'Q2_6' does not fit industry_survey: "
                                    "no rating item 'Q2_6'; the items: SATIS, EXPECT, QUALITY")
    assert "parameter 'items' = 'Q3' does not fit industry_survey: items 'Q3' name no rating item" in reasons["d1"]
    assert ("parameter 'groups' = {'region': ['North']} does not fit industry_survey: group 'region' has no value "
            "'North'; its values: Northeast, Midwest, South, West") in reasons["d2"]
    assert "no group 'district'; the groups: entity, region, age" in reasons["g1"]
    assert "parameter 'period' = '2016' is not in industry_survey (period); allowed: 2013, 2014, 2015" in reasons["g2"]
    assert "parameter 'dataset' = 'cx_benchmarks' is not allowed; allowed: industry_survey, sandiego_2015" \
        in reasons["x1"]  # respondent layouts only


def test_the_readme_s_one_line_entry_builds_and_a_bad_entry_blocks_only_itself(tmp_path: Path, capsys):
    """issue 14, problem 6: the one-line entry failed (no name, then a San Diego default measure)."""
    from cxlab.build.catalog import load_catalog
    from cxlab.cli import main

    path = _respondent_catalog(tmp_path, """\
  - {notebook: survey_summary, parameters: {dataset: industry_survey}}
  - {name: broken, notebook: survey_summary, parameters: {dataset: industry_survey, measure: Q2_6}}
  - {notebook: survey_summary, matrix: {data: industry_survey, columns: [entity]}}
""")
    catalog = load_catalog(path)
    (instance,) = catalog.instances
    assert instance.name == "survey-summary-industry-survey" and instance.parameters == {"dataset": "industry_survey"}
    assert [b.name for b in catalog.blocked] == ["broken", f"entry 3 of {path}"]
    assert "name: found None, expected a name, with {column} placeholders for the matrix" in catalog.blocked[1].reason
    out = tmp_path / "out"
    assert main(["build", "--catalog", str(path), "--out", str(out), "--only", instance.name, "--dry-run"]) == 0
    assert "would build survey-summary-industry-survey: not built yet" in capsys.readouterr().out
    assert main(["build", "--catalog", str(path), "--out", str(out), "--dry-run"]) == 1
    assert "blocked broken: survey_summary.ipynb: parameter 'measure' = 'Q2_6'" in capsys.readouterr().out
