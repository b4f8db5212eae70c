"""The up-to-date check and the build lock, without running a kernel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest
import yaml

import cxlab
from cxlab.build import uptodate
from cxlab.build.batch import build, plan
from cxlab.build.catalog import NOTEBOOKS, Catalog, Instance
from cxlab.build.lock import build_lock
from cxlab.build.outputs import report_files


def _instance(name: str, data: str, notebook: Path = NOTEBOOKS / "sector_gap.ipynb", **parameters) -> Instance:
    return Instance(name, notebook, name.title(), "Test", parameters or {"index": "ACSI"}, (data,))


def _built(out: Path, *instances: Instance) -> None:
    """Pretend each instance was built: outputs on disk and a stamp of their current inputs."""
    out.mkdir(exist_ok=True)
    for instance in instances:
        html, notebook = report_files(out, instance.name)
        html.write_text("<p>built</p>", encoding="utf-8")
        notebook.write_text(nbformat.writes(nbformat.v4.new_notebook()), encoding="utf-8")
        uptodate.Stamps(out).record(instance, seconds=1.0)


def _stale(instances: list[Instance], out: Path) -> dict[str, tuple[str, ...]]:
    return {s.instance.name: s.reasons for s in plan(instances, out) if not s.up_to_date}


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    """A private copy of the sector_gap notebook, to edit."""
    path = tmp_path / "sector_gap.ipynb"
    shutil.copy(NOTEBOOKS / "sector_gap.ipynb", path)
    return path


def test_a_change_to_one_data_file_makes_only_the_reports_reading_it_stale(data_copy: Path, tmp_path: Path):
    reports = [_instance("gap", "cx_benchmarks"), _instance("residents", "sandiego_2015")]
    out = tmp_path / "out"
    _built(out, *reports)
    assert _stale(reports, out) == {}  # data/ copied elsewhere, same bytes: nothing to do
    survey = next((data_copy / "sandiego_2015").glob("*weighted*.csv"))
    survey.write_bytes(survey.read_bytes() + b"\n")
    assert _stale(reports, out) == {"residents": ("data sandiego_2015 changed",)}


def test_a_change_to_a_registry_entry_counts_as_a_change_to_its_data(data_copy: Path, tmp_path: Path):
    reports = [_instance("gap", "cx_benchmarks")]
    out = tmp_path / "out"
    _built(out, *reports)
    registry = data_copy / "datasets.yml"
    registry.write_text(registry.read_text(encoding="utf-8").replace("cx_benchmarks:", "cx_benchmarks:\n  note: x", 1),
                        encoding="utf-8")
    assert _stale(reports, out) == {"gap": ("data cx_benchmarks changed",)}


def test_outputs_of_a_notebook_do_not_count_but_its_source_does(notebook: Path, tmp_path: Path):
    report = _instance("gap", "cx_benchmarks", notebook)
    _built(tmp_path / "out", report)
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    code = next(c for c in nb["cells"]
                if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", []))
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["run by hand\n"]}]
    code["execution_count"] = 7
    nb["metadata"]["widgets"] = {"state": {}}
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    assert _stale([report], tmp_path / "out") == {}
    code["source"] = ["result = None\n"]
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    assert _stale([report], tmp_path / "out") == {"gap": ("notebook changed",)}


def test_parameters_title_and_missing_outputs_each_make_a_report_stale(tmp_path: Path):
    report = _instance("gap", "cx_benchmarks")
    _built(tmp_path, report)
    assert _stale([_instance("gap", "cx_benchmarks", index="Forrester CX Index")], tmp_path) == {
        "gap": ("catalog entry changed",)}
    assert _stale([Instance("gap", report.notebook, "New title", "Test", report.parameters, report.data)],
                  tmp_path) == {"gap": ("catalog entry changed",)}
    (tmp_path / "gap.ipynb").unlink()
    assert _stale([report], tmp_path) == {"gap": ("output missing",)}
    assert _stale([_instance("new", "cx_benchmarks")], tmp_path) == {"new": ("not built yet",)}


def test_cxlab_source_template_and_installed_packages_are_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    report = _instance("gap", "cx_benchmarks")
    _built(tmp_path / "out", report)
    package = tmp_path / "cxlab"
    shutil.copytree(Path(cxlab.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cxlab, "__file__", str(package / "__init__.py"))
    assert _stale([report], tmp_path / "out") == {}
    template = package / "report" / "templates" / "cxlab_report" / "index.html.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _stale([report], tmp_path / "out") == {"gap": ("cxlab source changed",)}
    monkeypatch.setattr(uptodate, "_package_source", lambda: "as stamped")
    monkeypatch.setattr(uptodate, "_installed", lambda: "pandas 9")
    uptodate.Stamps(tmp_path / "out").record(report, seconds=1.0)
    monkeypatch.setattr(uptodate, "_installed", lambda: "pandas 10")
    assert _stale([report], tmp_path / "out") == {"gap": ("installed packages changed",)}


def test_force_rebuilds_what_is_up_to_date_and_a_noop_build_starts_no_kernel(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    reports = [_instance("gap", "cx_benchmarks"), _instance("residents", "sandiego_2015")]
    _built(tmp_path, *reports)
    assert {s.instance.name: s.reasons for s in plan(reports, tmp_path, force=True)} == {
        "gap": ("forced",), "residents": ("forced",)}

    def no_pool(*args, **kwargs):
        raise AssertionError("an up-to-date build started workers")

    monkeypatch.setattr("cxlab.build.batch._pool", no_pool)
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir() if p.is_file()}
    outcomes = build(reports, tmp_path)
    assert [(o.name, o.status) for o in outcomes] == [("gap", "up to date"), ("residents", "up to date")]
    assert (tmp_path / "index.html").exists()  # the index was missing, so it was written
    index_written = (tmp_path / "index.html").stat().st_mtime_ns
    monkeypatch.setattr("cxlab.build.batch.now_utc", lambda: "another day")  # the build date is no input
    build(reports, tmp_path)
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir() if p.is_file()} == {
        **before, "index.html": index_written}


def test_a_second_build_waits_for_the_lock_and_says_who_holds_it(tmp_path: Path):
    events: list[str] = []
    held, release = threading.Event(), threading.Event()

    def first() -> None:
        with build_lock(tmp_path):
            events.append("first has the lock")
            held.set()
            release.wait(10)
            events.append("first lets go")

    def second() -> None:
        with build_lock(tmp_path, on_wait=lambda message: (events.append(message), release.set())):
            events.append("second has the lock")

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(10)
    waiting = threading.Thread(target=second)
    waiting.start()
    waiting.join(20)
    thread.join(20)
    assert events[0] == "first has the lock"
    assert events[1].startswith("build of pid ") and "waiting for it to finish" in events[1]
    assert events[2:] == ["first lets go", "second has the lock"]


def test_a_build_that_died_leaves_no_lock_behind(tmp_path: Path):
    code = "import os, pathlib; from cxlab.build.lock import build_lock\n" \
           f"with build_lock(pathlib.Path({str(tmp_path)!r})): os._exit(9)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 9
    with build_lock(tmp_path, on_wait=pytest.fail):
        assert (tmp_path / ".cxlab-build" / "lock.owner").read_text().startswith("build of pid ")


def test_the_catalog_is_read_again_only_when_something_it_reads_changed(notebook: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch):
    catalog = notebook.parent / "catalog.yml"
    entry = {"name": "gap", "notebook": "sector_gap", "parameters": {"index": "ACSI", "start": 2010, "end": None}}
    catalog.write_text(yaml.safe_dump({"notebooks": {"sector_gap": {"title": "Gaps", "data": ["cx_benchmarks"]}},
                                       "reports": [entry]}), encoding="utf-8")
    out = tmp_path / "out"
    checks = []  # a build starts its kernel template when told the catalog will be checked
    first = uptodate.Stamps(out).catalog(catalog, on_check=lambda: checks.append("first"))
    assert [(i.name, i.parameters, i.data) for i in first.instances] == [
        ("gap", entry["parameters"], ("cx_benchmarks",))]
    reads = []
    monkeypatch.setattr(uptodate, "load_catalog", lambda path: reads.append(path) or Catalog([]))
    assert uptodate.Stamps(out).catalog(catalog, on_check=lambda: checks.append("again")) == first and reads == []
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("ACSI", "Forrester"), encoding="utf-8")
    assert uptodate.Stamps(out).catalog(catalog, on_check=lambda: checks.append("changed")) == Catalog([])
    assert reads == [catalog] and checks == ["first", "changed"]


def test_the_catalogs_checks_validate_each_data_set_once_for_the_whole_build(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch):
    """The tables the catalog's checks validate are kept in the build's table cache: the reports read them."""
    from cxlab.build.catalog import CATALOG
    from cxlab.data import loaders
    from cxlab.data.tablecache import CACHE_VARIABLE, keeping

    file = tmp_path / "a-file"
    file.write_text("mine", encoding="utf-8")
    assert uptodate.Stamps(file).catalog(CATALOG).instances  # a folder that cannot hold a cache: checked all the same
    out = tmp_path / "out"
    uptodate.Stamps(out).catalog(CATALOG)
    assert CACHE_VARIABLE not in os.environ  # kept only while the checks ran
    monkeypatch.setattr(loaders, "_validated", lambda *args: pytest.fail("validated again"))
    with keeping(uptodate.table_cache(out)):
        assert len(cxlab.load("a11_hisp")) > 0  # read from what the checks kept
