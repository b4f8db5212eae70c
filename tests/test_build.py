"""Real papermill runs of the catalog's notebooks, rendered to HTML with cxlab's template."""

from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from cxlab.build import build, build_one
from cxlab.catalog import NOTEBOOKS, Instance, read_catalog

CHOSEN = {"acsi-federal-vs-national", "forrester-federal-vs-private-2015-2020"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    out = tmp_path_factory.mktemp("reports")
    instances = [i for i in read_catalog() if i.name in CHOSEN]
    return out, build(instances, out)


def _page(out: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((out / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def test_every_chosen_report_builds_with_html_and_executed_notebook(built):
    out, outcomes = built
    assert {o.name: o.status for o in outcomes} == dict.fromkeys(CHOSEN, "built")
    for name in CHOSEN:
        assert (out / f"{name}.ipynb").exists()


def test_report_html_has_no_code_no_prompts_and_no_scripts(built):
    out, _ = built
    sources = [c.source for c in nbformat.read(NOTEBOOKS / "sector_gap.ipynb", 4).cells if c.cell_type == "code"]
    for name in CHOSEN:
        html = (out / f"{name}.html").read_text(encoding="utf-8")
        page = BeautifulSoup(html, "html.parser")
        assert page.find("script") is None and "require.js" not in html and "mathjax" not in html.lower()
        assert not page.select(".input, .input_area, .prompt, .jp-InputArea")
        text = page.get_text(" ")
        assert "In [" not in text and "Out[" not in text
        for source in sources:
            for line in source.splitlines():
                if line.strip() and not line.startswith("#"):
                    assert line.strip() not in html, f"code line {line!r} leaked into {name}.html"
        assert len(page.find_all("h1")) == 1


def test_acsi_report_shows_the_federal_2019_score_from_the_data(built):
    out, _ = built
    page = _page(out, "acsi-federal-vs-national")
    table = page.find("caption", string=lambda s: s and s.startswith("US federal government: every published")).parent
    row = table.find("th", string="2019").parent
    assert [c.get_text() for c in row.find_all(["th", "td"])][:3] == ["2019", "68.1", "derived"]


def test_forrester_report_states_the_federal_rise_from_2015_to_2020(built):
    out, _ = built
    findings = _page(out, "forrester-federal-vs-private-2015-2020").select_one("section.findings").get_text(" ")
    assert "rose from 56.5 (2015) to 61.1 (2020)" in findings
    assert "no trend in the gap is claimed" in findings


def test_figures_have_alt_text_from_the_data_and_a_data_table(built):
    out, _ = built
    for figure in _page(out, "forrester-federal-vs-private-2015-2020").select("figure.chart"):
        alt = figure.img["alt"]
        assert alt.startswith(("Line chart", "Bar chart")) and any(ch.isdigit() for ch in alt)
        assert figure.select_one("details table th[scope=col]") is not None
        assert figure.img["src"].startswith("data:image/png;base64,")


def test_index_links_every_report_with_its_headline(built):
    out, _ = built
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a["href"] for a in index.find_all("a")}
    assert links == {f"{n}.html" for n in CHOSEN}
    assert "rose from 56.5 (2015) to 61.1 (2020)" in index.get_text(" ")


def test_numbers_come_from_the_data_not_the_notebook(data_copy: Path, tmp_path: Path):
    source = (NOTEBOOKS / "sector_gap.ipynb").read_text()
    assert "56.5" not in source and "61.1" not in source and "68.1" not in source
    csv = data_copy / "cx_benchmarks.csv"
    csv.write_bytes(csv.read_bytes().replace(b"2015,56.5,", b"2015,55.9,"))
    registry = yaml.safe_load((data_copy / "datasets.yml").read_text())
    registry["cx_benchmarks"]["sha256"] = hashlib.sha256(csv.read_bytes()).hexdigest()
    (data_copy / "datasets.yml").write_text(yaml.safe_dump(registry))
    instance = next(i for i in read_catalog() if i.name == "forrester-federal-vs-private-2015-2020")
    outcome = build_one(instance, tmp_path, build_date="today", commit=None)
    assert outcome.status == "built"
    assert "rose from 55.9 (2015) to 61.1 (2020)" in (tmp_path / f"{instance.name}.html").read_text()


def test_a_failing_report_keeps_its_last_good_html_and_names_the_cell(tmp_path: Path):
    broken = nbformat.v4.new_notebook()
    broken.cells = [
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("raise ValueError('no data for this agency')"),
    ]
    broken.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "broken.ipynb"
    nbformat.write(broken, path)
    (tmp_path / "out").mkdir()
    last_good = tmp_path / "out" / "broken.html"
    last_good.write_text("<p>last good</p>")
    instance = Instance(name="broken", notebook=path, title="Broken", analysis="Test")
    outcome = build_one(instance, tmp_path / "out", build_date="today", commit=None)
    assert (outcome.status, outcome.cell) == ("failed", 1)
    assert outcome.error == "ValueError: no data for this agency"
    assert last_good.read_text() == "<p>last good</p>"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["broken.html"]
