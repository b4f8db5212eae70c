"""Real builds: the command line with a local pool, a Dask cluster, and papermill's own kernels.

One command-line build (two real reports and one broken notebook, two workers) is shared by most
tests; a Dask build and single papermill runs of the same reports check that every way of
building gives the same page.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup
from distributed import LocalCluster

from cxlab.build.batch import build, build_one
from cxlab.build.catalog import NOTEBOOKS, Instance, read_catalog
from cxlab.cli import main
from cxlab.build.manifest import Manifest

CHOSEN = {"acsi-federal-vs-national", "forrester-federal-vs-private-2015-2020"}
CATALOG = {
    "notebooks": {
        "sector_gap": {"title": "Federal vs private customer satisfaction", "data": ["cx_benchmarks"]},
        "broken": {"title": "Broken on purpose"},
    },
    "reports": [
        {"name": "acsi-federal-vs-national", "notebook": "sector_gap", "title": "ACSI federal vs national",
         "parameters": {"index": "ACSI", "lower": "federal_government", "upper": "national"}},
        {"name": "forrester-federal-vs-private-2015-2020", "notebook": "sector_gap", "title": "Forrester 2015-2020",
         "parameters": {"index": "Forrester CX Index", "lower": "federal_government", "upper": "private_sector",
                        "start": 2015, "end": 2020}},
        {"name": "broken", "notebook": "broken", "title": "Broken"},
    ],
}
LAST_GOOD = "<p>last good</p>"
#: What kernels print on their own; none of it belongs in the build's output.
NOISE = ("without encryption", "KeyboardInterrupt", "Traceback", "IPKernelApp", "WARNING")


def _broken_notebook(path: Path) -> None:
    broken = nbformat.v4.new_notebook()
    broken.cells = [
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("raise ValueError('no data for this agency')"),
    ]
    broken.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(broken, path)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog of two real reports and a broken one, and its output folder with a last good page."""
    root = tmp_path_factory.mktemp("project")
    shutil.copy(NOTEBOOKS / "sector_gap.ipynb", root)
    _broken_notebook(root / "broken.ipynb")
    (root / "catalog.yml").write_text(yaml.safe_dump(CATALOG), encoding="utf-8")
    (root / "out").mkdir()
    Manifest(root / "out").claim(root / "out" / "broken.html")  # a last good page an earlier build wrote
    (root / "out" / "broken.html").write_text(LAST_GOOD, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(project: Path) -> tuple[Path, subprocess.CompletedProcess]:
    """``cxlab build`` of the project's catalog with two workers, as a user runs it."""
    command = [sys.executable, "-m", "cxlab.cli", "build", "--catalog", str(project / "catalog.yml"),
               "--out", str(project / "out"), "--jobs", "2"]
    return project / "out", subprocess.run(command, capture_output=True, text=True, timeout=900)


def _instances(project: Path) -> list[Instance]:
    return read_catalog(project / "catalog.yml")


def _page(out: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((out / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def _without_build_date(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    return re.sub(r'<p class="build-date">.*?</p>', "", re.sub(r", commit <code>\w+</code>", "", html))


def test_the_build_writes_each_page_and_notebook_and_names_the_failing_cell(built):
    out, run = built
    assert run.returncode == 1, run.stdout + run.stderr
    for name in CHOSEN:
        assert (out / f"{name}.html").exists() and (out / f"{name}.ipynb").exists()
        assert (out / ".cxlab-build" / "stamps" / f"{name}.json").exists()
    assert "Built 2, up to date 0, failed 1 in" in run.stdout
    assert "broken: cell 1: ValueError: no data for this agency" in run.stdout


def test_a_failed_report_keeps_its_last_good_page_and_no_half_written_file_is_left(built):
    out, _ = built
    assert (out / "broken.html").read_text(encoding="utf-8") == LAST_GOOD
    assert not (out / "broken.ipynb").exists()
    assert not (out / ".cxlab-build" / "stamps" / "broken.json").exists()
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_kernel_messages_stay_out_of_the_build_output(built):
    _, run = built
    shown = run.stdout + run.stderr
    assert [word for word in NOISE if word in shown] == [], shown


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
    table = page.find("caption", string=lambda s: s and s.startswith("Every published ACSI point")).parent
    rows = [[c.get_text() for c in r.find_all(["th", "td"])] for r in table.select("tbody tr")]
    assert [r[:4] for r in rows if r[:2] == ["US federal government", "2019"]] == [
        ["US federal government", "2019", "68.1", "derived"]]


def test_forrester_report_states_the_federal_course_from_2015_to_2020(built):
    out, _ = built
    findings = _page(out, "forrester-federal-vs-private-2015-2020").select_one("section.findings").get_text(" ")
    assert "went from 56.5 (2015) to 61.1 (2020)" in findings
    assert "no trend in the gap is claimed" in findings


def test_figures_have_alt_text_from_the_data_and_a_data_table(built):
    out, _ = built
    for figure in _page(out, "forrester-federal-vs-private-2015-2020").select("figure.chart"):
        alt = figure.img["alt"]
        assert alt.startswith(("Line chart", "Bar chart")) and any(ch.isdigit() for ch in alt)
        assert figure.select_one("details table th[scope=col]") is not None
        assert figure.img["src"].startswith("data:image/png;base64,")


def test_index_links_every_report_with_a_page_and_its_headline(built):
    out, _ = built
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a["href"]: a for a in index.find_all("a") if a["href"].endswith(".html")}
    assert set(links) == {f"{n}.html" for n in CHOSEN | {"broken"}}
    headline = links["forrester-federal-vs-private-2015-2020.html"].find_next("span", class_="headline")
    assert "61.1" in headline.get_text()  # the report's first finding, from its executed notebook


def test_a_rebuild_with_nothing_changed_runs_nothing_and_writes_nothing(built, project, monkeypatch):
    out, _ = built
    everything = _instances(project)
    good = [i for i in everything if i.name in CHOSEN]
    monkeypatch.setattr("cxlab.build.batch._pool", lambda *a, **k: pytest.fail("an up-to-date build started workers"))
    before = {p: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}
    outcomes = build(good, out, index=everything)
    assert {o.name: o.status for o in outcomes} == dict.fromkeys(CHOSEN, "up to date")
    assert {p: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()} == before


def test_list_and_dry_run_say_what_is_up_to_date_and_why_not(built, project, capsys):
    out, _ = built
    where = ["--catalog", str(project / "catalog.yml"), "--out", str(out)]
    assert main(["list", *where]) == 0
    listed = capsys.readouterr().out
    rows = {line.split()[0]: " ".join(line.split()[1:]) for line in listed.splitlines()[:-1]}
    assert rows == {"acsi-federal-vs-national": "sector_gap.ipynb up to date",
                    "forrester-federal-vs-private-2015-2020": "sector_gap.ipynb up to date",
                    "broken": "broken.ipynb to build: not built yet"}
    assert "3 reports: 2 up to date, 1 to build." in listed
    assert main(["build", "--dry-run", *where]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "would build broken: not built yet", f"2 up to date, 1 to build in {out}."]


def test_clean_removes_the_reports_index_and_state_and_nothing_else(built, project, tmp_path, capsys):
    out, _ = built
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    (copy / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["clean", "--catalog", str(project / "catalog.yml"), "--out", str(copy)]) == 0
    assert "Removed 6 file(s)" in capsys.readouterr().out
    assert sorted(p.name for p in copy.iterdir()) == [".cxlab-build", "notes.txt"]
    assert sorted(p.name for p in (copy / ".cxlab-build").iterdir()) == ["lock"]


def test_a_kernel_from_the_pool_gives_the_same_page_as_a_kernel_papermill_starts(built, project, tmp_path):
    out, _ = built
    instance = next(i for i in _instances(project) if i.name == "acsi-federal-vs-national")
    assert build_one(instance, tmp_path, build_date="another day", commit=None).status == "built"
    assert _without_build_date(tmp_path / f"{instance.name}.html") == _without_build_date(out / f"{instance.name}.html")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A Dask cluster of one worker process with two threads, started for this module."""
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster:
        yield cluster.scheduler_address


def test_a_dask_cluster_builds_the_same_pages_as_the_local_pool(built, project, scheduler, tmp_path):
    out, _ = built
    good = [i for i in _instances(project) if i.name in CHOSEN]
    outcomes = build(good, tmp_path, scheduler=scheduler)
    assert {o.name: o.status for o in outcomes} == dict.fromkeys(CHOSEN, "built")
    for name in CHOSEN:
        assert _without_build_date(tmp_path / f"{name}.html") == _without_build_date(out / f"{name}.html"), name


def test_numbers_come_from_the_data_not_the_notebook(project: Path, data_copy: Path, tmp_path: Path):
    source = (NOTEBOOKS / "sector_gap.ipynb").read_text()
    assert "56.5" not in source and "61.1" not in source and "68.1" not in source
    csv = data_copy / "cx_benchmarks.csv"
    csv.write_bytes(csv.read_bytes().replace(b"2015,56.5,", b"2015,55.9,"))
    registry = yaml.safe_load((data_copy / "datasets.yml").read_text())
    registry["cx_benchmarks"]["sha256"] = hashlib.sha256(csv.read_bytes()).hexdigest()
    (data_copy / "datasets.yml").write_text(yaml.safe_dump(registry))
    instance = next(i for i in _instances(project) if i.name == "forrester-federal-vs-private-2015-2020")
    outcome = build_one(instance, tmp_path, build_date="today", commit=None)
    assert outcome.status == "built"
    assert "went from 55.9 (2015) to 61.1 (2020)" in (tmp_path / f"{instance.name}.html").read_text()


def test_a_failing_report_keeps_its_last_good_html_and_names_the_cell(tmp_path: Path):
    path = tmp_path / "broken.ipynb"
    _broken_notebook(path)
    (tmp_path / "out").mkdir()
    last_good = tmp_path / "out" / "broken.html"
    last_good.write_text(LAST_GOOD)
    instance = Instance(name="broken", notebook=path, title="Broken", analysis="Test")
    outcome = build_one(instance, tmp_path / "out", build_date="today", commit=None)
    assert (outcome.status, outcome.cell) == ("failed", 1)
    assert outcome.error == "ValueError: no data for this agency"
    assert last_good.read_text() == LAST_GOOD
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["broken.html"]


def test_build_processes_skip_the_iri_grammars_and_still_validate_notebooks():
    """cxlab.build keeps jsonschema from compiling rfc3987_syntax's grammars; notebooks are still validated."""
    probe = """
import sys
import cxlab.build
import nbformat
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
nbformat.validate(nb)
nb.cells[0]["cell_type"] = "no such type"
try:
    nbformat.validate(nb)
except nbformat.ValidationError:
    print("refused", sys.modules.get("rfc3987_syntax", "absent"))
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["refused", "None"]

