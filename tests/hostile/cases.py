"""Every hostile input of issue 13, each as a case run against the ``cxlab`` command.

A case sets up files in a :class:`~hostile.project.Project`, runs ``cxlab`` as a user would and
returns a :class:`Verdict` with three answers: a clear message (no traceback, and the words a
person needs), nothing written outside the output folder, and no silent wrong result (the exit
code and the checks of what was read, built or left alone). ``tests/test_hostile_inputs.py`` runs
each case as a test; ``tests/hostile/run_hostile.py`` reruns the whole list and prints a table.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import resource
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from tests.hostile.project import TRACEBACK, Project, Run, mounted

__all__ = ["Verdict", "Case", "CASES"]

SURVEY = """id,office,quarter,weight,q1,q2
1,Harbor office,FY22 Q1,1.1,4,5
2,Harbor office,FY22 Q1,0.9,9,3
3,Mesa office,FY22 Q2,1.0,2,9
"""
MAPPING = {"layout": "respondents", "scale": {"min": 1, "max": 5}, "missing_codes": [9],
           "columns": {"respondent_id": "id", "entity": "office", "period": "quarter", "weight": "weight"},
           "period": {"format": "FY{yy} Q{q}"}, "items": ["q1", "q2"]}
SCORES = "index,series,entity,period,score,scale_max,value_type,note,source\n"
SCORE_MAPPING = {"layout": "scores", "scale": {"min": 0, "max": 100},
                 "columns": {k: k for k in ["index", "series", "entity", "period", "score", "scale_max",
                                            "value_type", "note", "source"]}}
A11 = "a11_hisp/mergedcxdata-2023-05-21.csv"


@dataclass
class Verdict:
    """What a case found: the runs, the exit code and words expected, and checks of the result."""

    runs: list[Run]
    code: int | None
    says: tuple[str, ...] = ()
    checks: dict[str, bool] = field(default_factory=dict)

    @property
    def last(self) -> Run:
        """The run the exit code and the words are checked on."""
        return self.runs[-1]

    def clear(self) -> list[str]:
        """What is unclear: a traceback in any run, or words missing from the last run's output."""
        found = [f"traceback in cxlab {' '.join(r.argv)}" for r in self.runs if TRACEBACK in r.output]
        return found + [f"output lacks {w!r}" for w in self.says if w not in self.last.output]

    def contained(self) -> list[str]:
        """Every file written or deleted outside the output folder, by any run."""
        return [f"cxlab {' '.join(r.argv)} changed {p}" for r in self.runs for p in r.escaped]

    def right(self) -> list[str]:
        """A wrong exit code (None: any non-zero) or a failed check of the result."""
        code = self.last.code
        wrong = [] if (code != 0 if self.code is None else code == self.code) else \
            [f"exit code {code}, expected {'non-zero' if self.code is None else self.code}"]
        return wrong + [f"not so: {label}" for label, ok in self.checks.items() if not ok]

    def failures(self) -> list[str]:
        """Everything wrong, with the last run's output when anything is."""
        found = self.clear() + self.contained() + self.right()
        return found + [f"output of the last run:\n{self.last.output}"] if found else []


@dataclass(frozen=True)
class Case:
    """One hostile input: its number in the issue, what it is, and how to run it."""

    number: str
    title: str
    run: Callable[[Project], Verdict]

    @property
    def name(self) -> str:
        """``case_11f_yaml_syntax_error_in_datasets_yml``: the test's name."""
        return f"case_{self.number}_" + re.sub(r"[^a-z0-9]+", "_", self.title.lower()).strip("_")


CASES: list[Case] = []


def case(number: str, title: str) -> Callable[[Callable[[Project], Verdict]], Callable[[Project], Verdict]]:
    """Add the decorated function to :data:`CASES`."""
    def add(run: Callable[[Project], Verdict]) -> Callable[[Project], Verdict]:
        CASES.append(Case(number, title, run))
        return run
    return add


def _check(p: Project, content: bytes | str | Callable[[Path], None], name: str = "survey.csv",
           **changes: object) -> Run:
    """``cxlab data check`` of a file beside a mapping (MAPPING with ``changes``; None drops a key)."""
    folder = p.root / "inbox"
    folder.mkdir(exist_ok=True)
    path = folder / name
    if callable(content):
        content(path)
    else:
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    entry = {k: v for k, v in {**MAPPING, **changes}.items() if v is not None}
    (folder / "mapping.yml").write_text(yaml.safe_dump({"survey": entry}, sort_keys=False), encoding="utf-8")
    return p.cxlab("data", "check", f"inbox/{name}", "--mapping", "inbox/mapping.yml")


def _excel(sheets: dict[str, list[list[object]]], merged: tuple[str, ...] = ()) -> Callable[[Path], None]:
    """What writes a workbook of these sheets (the first one is read) with these merged cells."""
    def write(path: Path) -> None:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        for area in merged:
            book.worksheets[0].merge_cells(area)
        book.save(path)
    return write


ROWS = [line.split(",") for line in SURVEY.splitlines()]


def _build(p: Project, catalog: Path, *more: str, out: str = "out", **popen: object) -> Run:
    return p.cxlab("build", "--catalog", str(catalog.relative_to(p.root)), "--out", out, "--jobs", "1", *more,
                   **popen)


def _claim(p: Project, out: str, name: str, text: str) -> Path:
    """A page an earlier build wrote, as the manifest (README, "Batch build") records it: a last good page."""
    state = p.root / out / ".cxlab-build"
    state.mkdir(parents=True, exist_ok=True)
    (state / "manifest.json").write_text(json.dumps({"files": [name]}), encoding="utf-8")
    path = p.root / out / name
    path.write_text(text, encoding="utf-8")
    return path


# --- 1-2: files outside cxlab's own --------------------------------------------------------------

@case("01", "report names that leave the output folder")
def _names_leaving(p: Project) -> Verdict:
    victim = p.notebooks / "zz_victim.ipynb"
    victim.write_text("the victim", encoding="utf-8")
    catalog = p.catalog("X.yml", [{"name": "../notebooks/zz_victim", "notebook": "tiny"},
                                  {"name": "../../adv_escape/pwned", "notebook": "tiny"},
                                  {"name": "/tmp/cxlab-absolute", "notebook": "tiny"}])
    run = _build(p, catalog, out="reports_alt")
    return Verdict([run], 1, ("blocked ../notebooks/zz_victim:", "blocked ../../adv_escape/pwned:",
                              "expected a report name without a path separator"),
                   {"the victim notebook is untouched": victim.read_text(encoding="utf-8") == "the victim",
                    "nothing was run": "Built 0," in run.output and not (p.base / "adv_escape").exists()})


@case("02", "an index.html and a page cxlab never wrote")
def _foreign_files(p: Project) -> Verdict:
    out = p.root / "mine"
    out.mkdir()
    for name in ("index.html", "tiny-b.html", "notes.txt"):
        (out / name).write_text(f"my own {name}", encoding="utf-8")
    catalog = p.catalog("X.yml", [{"name": "tiny-a", "notebook": "tiny"}, {"name": "tiny-b", "notebook": "tiny"}])
    build = _build(p, catalog, out="mine")
    clean = p.cxlab("clean", "--out", "mine")
    kept = all((out / n).is_file() and (out / n).read_text(encoding="utf-8") == f"my own {n}"
               for n in ("index.html", "tiny-b.html", "notes.txt"))
    return Verdict([build, clean], 0, ("Removed 2 file(s) cxlab wrote",), {
        "build wrote its own report": "built   tiny-a" in build.output,
        "build refused the foreign index and page, naming them and what to do": build.code == 1 and all(
            f"mine/{n} was not written by cxlab, so cxlab will not overwrite it: move or rename it" in build.output
            for n in ("index.html", "tiny-b.html")),
        "the foreign files are intact after build and clean": kept,
        "clean removed what cxlab wrote": sorted(x.name for x in out.iterdir()) == [
            ".cxlab-build", "index.html", "notes.txt", "tiny-b.html"]})


# --- 3-10: silent wrong results ------------------------------------------------------------------

@case("03", "respondent ids 1, 01 and 001")
def _ids(p: Project) -> Verdict:
    run = _check(p, SURVEY.replace("\n2,", "\n01,").replace("\n3,", "\n001,"))
    return Verdict([run], 1, ("row 3, column 'id': found '01', expected each respondent id written one way: "
                              "row 2 has '1', the same number",
                              "row 4, column 'id': found '001', expected each respondent id written one way"))


@case("04", "a weight of inf or 1e400")
def _weights(p: Project) -> Verdict:
    run = _check(p, SURVEY.replace(",1.1,", ",inf,").replace(",0.9,", ",1e400,"))
    weight = "expected a weight: a finite number > 0"
    return Verdict([run], 1, (f"row 2, column 'weight': found 'inf', {weight}",
                              f"row 3, column 'weight': found '1e400', {weight}"))


@case("05", "a key written twice in datasets.yml")
def _repeated_key(p: Project) -> Verdict:
    p.register("survey", "inbox/survey.csv", SURVEY.encode(), MAPPING)
    registry = p.data / "datasets.yml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace("    entity: office\n", "    entity: office\n    entity: quarter\n"),
                        encoding="utf-8")
    bad, good = p.cxlab("data", "check", "survey"), p.cxlab("data", "check", "cx_benchmarks")
    return Verdict([good, bad], 2, ("column 'survey.columns.entity': expected each key once in a mapping: "
                                    "'entity' is also on line",),
                   {"the other data sets still load": good.code == 0})


@case("06", "a Parquet column name used twice")
def _parquet_twice(p: Project) -> Verdict:
    frame = pd.read_csv(io.StringIO(SURVEY), dtype=str)
    table = pa.Table.from_arrays([pa.array(frame[c]) for c in frame.columns] + [pa.array(frame["q2"])],
                                 names=[*frame.columns, "q1"])
    run = _check(p, lambda path: pq.write_table(table, path), name="survey.parquet")
    return Verdict([run], 1, ("row 1, column 'q1': expected a column name used once (the file has 2 columns "
                              "of that name)",))


@case("07", "a CSV row with fewer fields than the header")
def _short_row(p: Project) -> Verdict:
    run = _check(p, SURVEY.replace("0.9,9,3", "0.9,9"))
    return Verdict([run], 1, ("row 3: found '5 fields', expected 6 fields as in the header",))


@case("08", "Excel formulas without a saved result")
def _formulas(p: Project) -> Verdict:
    rows = [*ROWS[:2], [*ROWS[2][:4], "=2+2", ROWS[2][5]], *ROWS[3:]]
    run = _check(p, _excel({"Responses": rows}), name="survey.xlsx")
    return Verdict([run], 1, ("row 3, column 'q1': found '=2+2', expected a value: the workbook keeps this "
                              "formula without its result",))


@case("09", "a catalog.local.yml added after a build")
def _local_catalog(p: Project) -> Verdict:
    folder = p.root / "local"
    folder.mkdir()
    (folder / "tiny.ipynb").write_bytes((p.notebooks / "tiny.ipynb").read_bytes())
    spec = {"notebooks": {"tiny": {"title": "Tiny"}}, "reports": [{"name": "tiny-a", "notebook": "tiny"}]}
    (folder / "catalog.yml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    first = p.cxlab("list", "--catalog", "local/catalog.yml", "--out", "out")
    local = {"reports": [{"name": "made-in-lab", "notebook": "tiny", "parameters": {"label": "lab"}}]}
    (folder / "catalog.local.yml").write_text(yaml.safe_dump(local), encoding="utf-8")
    later = p.cxlab("build", "--only", "made-in-lab", "--dry-run", "--catalog", "local/catalog.yml", "--out", "out")
    return Verdict([first, later], 0, ("would build made-in-lab: not built yet",),
                   {"the first listing had one report": "1 reports: 0 up to date, 1 to build." in first.output})


@case("10", "dollar signs in an entity name")
def _dollars(p: Project) -> Verdict:
    names = ["Fees $5 and $10 office", "Cost $^{ and $ office"]
    rows = [f"{n},{names[n % 2]},FY22 Q{1 + n % 4 // 2},1.0,{1 + n % 5},{1 + n * 3 % 5}" for n in range(1, 61)]
    survey = "\n".join([SURVEY.splitlines()[0], *rows]) + "\n"
    p.register("dollars", "inbox/dollars.csv", survey.encode(), {**MAPPING, "title": "Dollars"})
    catalog = p.catalog("X.yml", [{"name": "dollars", "notebook": "survey_summary",
                                   "parameters": {"dataset": "dollars", "measure": "q1"}}],
                        {"survey_summary": {"title": "Survey", "data": ["{dataset}"]}})
    run = _build(p, catalog)
    page = p.root / "out" / "dollars.html"
    shown = page.read_text(encoding="utf-8") if page.exists() else ""
    return Verdict([run], 0, ("built   dollars",), {"the page shows the names as written": all(
        name in shown for name in names)})


# --- 11: tracebacks instead of messages ----------------------------------------------------------

def _scores(p: Project, rows: str) -> Run:
    return _check(p, SCORES + rows, name="scores.csv", **{**dict.fromkeys(MAPPING), **SCORE_MAPPING})


@case("11a", "scores with the years 0000 and 1000")
def _years(p: Project) -> Verdict:
    run = _scores(p, "ACSI,federal,US,0000,68,100,stated,,x\nACSI,federal,US,1000,69,100,stated,,x\n")
    period = ("expected a period: year (2019), quarter (2019-Q1), month (2019-03) or span (2019-2020), with years "
              "1900-2100")
    return Verdict([run], 1, (f"row 2, column 'period': found '0000', {period}",
                              f"row 3, column 'period': found '1000', {period}"))


@case("11b", "scores with the spans 2021-2019 and 2020-2020")
def _spans(p: Project) -> Verdict:
    run = _scores(p, "ACSI,federal,US,2021-2019,68,100,stated,,x\nACSI,federal,US,2020-2020,69,100,stated,,x\n")
    return Verdict([run], 1, ("row 2, column 'period': found '2021-2019'", "row 3, column 'period': found '2020-2020'",
                              "a span ending after it starts"))


@case("11c", "scale_max 0 with a score of 0")
def _scale_zero(p: Project) -> Verdict:
    run = _scores(p, "ACSI,federal,US,2019,0,0,stated,,x\n")
    return Verdict([run], 1, ("row 2, column 'scale_max': found '0', expected a number > 0 (the top of the scale)",))


@case("11d", "A-11 fiscal years 1800 and 99999999999999999999")
def _fiscal_years(p: Project) -> Verdict:
    path = p.data / A11
    before = path.read_bytes()
    frame = pd.read_csv(io.BytesIO(before), dtype=str, keep_default_na=False)
    runs = []
    for year in ("1800", "99999999999999999999"):
        frame["attributes_collection_year"] = year
        path.write_bytes(frame.to_csv(index=False).encode())
        p.rehash(A11, before)
        before = path.read_bytes()
        runs.append(p.cxlab("data", "check", "a11_hisp"))
    return Verdict(runs, 1, ("column 'attributes_collection_year': found '99999999999999999999', expected a year",),
                   {"1800 is named with the years allowed": runs[0].code == 1 and
                    "column 'attributes_collection_year': found 1800, expected a fiscal year from 1900 to 2100"
                    in runs[0].output})


@case("11e", "Parquet columns of type list, struct and binary")
def _nested(p: Project) -> Verdict:
    frame = pd.read_csv(io.StringIO(SURVEY), dtype=str)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    extra = table.append_column("tags", pa.array([[1], [2, 3], []])).append_column(
        "where", pa.array([{"x": 1}, {"x": 2}, {"x": 3}])).append_column("blob", pa.array([b"\xff", b"", b"a"]))
    tolerated = _check(p, lambda path: pq.write_table(extra, path), name="survey.parquet")
    mapped = _check(p, lambda path: pq.write_table(extra, path), name="survey.parquet", items=["q1", "tags"])
    return Verdict([tolerated, mapped], 1, ("row 1, column 'tags': found 'a column of type list<",
                                            "expected a column of text, numbers or dates"),
                   {"extra columns the mapping does not name are left out": tolerated.code == 0
                    and "survey: no problems" in tolerated.output})


@case("11f", "a YAML syntax error in datasets.yml")
def _registry_syntax(p: Project) -> Verdict:
    registry = p.data / "datasets.yml"
    registry.write_text(registry.read_text(encoding="utf-8") + "\nbroken: [unclosed\n", encoding="utf-8")
    run = p.cxlab("data", "check", "cx_benchmarks")
    return Verdict([run], 2, ("datasets.yml, line", "expected valid YAML"))


@case("11g", "entries of the wrong type in datasets.yml")
def _registry_types(p: Project) -> Verdict:
    p.register("survey", "inbox/survey.csv", SURVEY.encode(), {**MAPPING, "columns": ["id", "office"]})
    with (p.data / "datasets.yml").open("a", encoding="utf-8") as out:
        out.write("\njust_text: a data set\n")
    runs = [p.cxlab("data", "check", name) for name in ("cx_benchmarks", "just_text", "survey")]
    return Verdict(runs, 1, ("column 'survey.columns': found ['id', 'office'], expected a mapping of tidy names",), {
        "the other data sets still load": runs[0].code == 0,
        "an entry that is not a mapping is named": "column 'just_text': found 'a data set', expected a mapping of "
                                                   "keys" in runs[1].output})


@case("11h", "a YAML syntax error in a catalog")
def _catalog_syntax(p: Project) -> Verdict:
    (p.notebooks / "X.yml").write_text("notebooks:\n  tiny: {title: Tiny\nreports: []\n", encoding="utf-8")
    run = _build(p, p.notebooks / "X.yml")
    return Verdict([run], 2, ("notebooks/X.yml, line 3: expected valid YAML",))


@case("11i", "catalog entries of the wrong type")
def _catalog_types(p: Project) -> Verdict:
    catalog = p.catalog("X.yml", ["just a string", {"name": "tiny-a", "notebook": "tiny", "parameters": [1, 2]},
                                  {"name": "tiny-b", "notebook": "tiny", "title": ["x"]},
                                  {"name": 5, "notebook": "tiny"}])
    run = _build(p, catalog)
    return Verdict([run], 1, ("blocked entry 1 of notebooks/X.yml: found str 'just a string', expected a mapping",
                              "blocked tiny-a: entry 2 of notebooks/X.yml: parameters: found [1, 2], expected a "
                              "mapping",
                              "blocked tiny-b: entry 3 of notebooks/X.yml: title: found ['x'], expected text",
                              "blocked entry 4 of notebooks/X.yml: name: found 5, expected a report name"))


@case("11j", "a matrix that expands to no report")
def _empty_matrix(p: Project) -> Verdict:
    catalog = p.catalog("X.yml", [{"name": "card-{service}", "notebook": "service_scorecard", "matrix": {
        "data": "a11_hisp", "columns": ["agency", "service"], "parameters": {"agency": "agency", "service": "service"},
        "where": {"agency": ["No such agency"]}}}], {"service_scorecard": {"title": "Cards", "data": ["a11_hisp"]}})
    run = _build(p, catalog)
    return Verdict([run], 1, ("blocked card-{service}: entry 1 of notebooks/X.yml: the matrix gives no report: no "
                              "combination of agency, service in a11_hisp passes its where, min_distinct and min_rows",))


@case("11k", "a report name containing a slash")
def _slash(p: Project) -> Verdict:
    run = _build(p, p.catalog("X.yml", [{"name": "federal/overview", "notebook": "tiny"}]))
    return Verdict([run], 1, ("blocked federal/overview: entry 1 of notebooks/X.yml: name: found 'federal/overview', "
                              "expected a report name without a path separator",),
                   {"no folder was made for it": not (p.root / "out" / "federal").exists()})


@case("11l", "a missing notebook file")
def _missing_notebook(p: Project) -> Verdict:
    run = _build(p, p.catalog("X.yml", [{"name": "ghost", "notebook": "ghost"}], {"ghost": {"title": "Ghost"}}))
    return Verdict([run], 1, ("blocked ghost: entry 1 of notebooks/X.yml: notebook file ghost.ipynb is missing",))


@case("11m", "a missing --catalog file")
def _missing_catalog(p: Project) -> Verdict:
    run = _build(p, p.notebooks / "nowhere.yml")
    return Verdict([run], 2, ("notebooks/nowhere.yml: expected a readable catalog file",))


@case("11n", "reports: empty")
def _no_reports(p: Project) -> Verdict:
    empty = _build(p, p.catalog("X.yml", []))
    (p.notebooks / "Y.yml").write_text("notebooks: {tiny: {title: Tiny}}\nreports:\n", encoding="utf-8")
    null = _build(p, p.notebooks / "Y.yml")
    return Verdict([empty, null], 2, ("reports: found None, expected a list of report entries",),
                   {"an empty list is named too": "reports: found no entry, expected at least one report"
                    in empty.output and empty.code == 2})


@case("11o", "a read-only output folder")
def _read_only(p: Project) -> Verdict:
    catalog = p.catalog("X.yml", [{"name": "tiny-a", "notebook": "tiny"}])
    page = _claim(p, "out", "tiny-a.html", "last good")
    with mounted(p.root / "out", "1m", read_only=True) as real:
        if not real:  # no tmpfs here: a folder without write permission (effective for users other than root)
            (p.root / "out").chmod(0o555)
        run = _build(p, catalog, "--force")
        intact = page.read_text(encoding="utf-8") == "last good"
        if not real:
            (p.root / "out").chmod(0o755)
    return Verdict([run], 1, ("Built 0, up to date 0, failed 0, not built 2", "The build stopped: could not write",
                              "not built tiny-a"), {"the last good page is intact": intact})


@case("11p", "a full disk")
def _full_disk(p: Project) -> Verdict:
    big = {"label": "a long report " * 5000}  # pages of about 70 KB
    catalog = p.catalog("X.yml", [{"name": "tiny-a", "notebook": "tiny", "parameters": big},
                                  {"name": "tiny-b", "notebook": "tiny", "parameters": big}])
    out = p.root / "out"
    with mounted(out, "256k") as real:
        page = _claim(p, "out", "tiny-a.html", "last good")
        if real:  # leave 24 KB: room for the lock and the logs, none for a page
            free = os.statvfs(out).f_bavail * os.statvfs(out).f_frsize
            (out / "filler").write_bytes(b"\0" * max(0, free - 24 * 1024))
            run = _build(p, catalog, "--force")
        else:  # no tmpfs here: a real limit on file size instead (EFBIG rather than ENOSPC)
            run = _build(p, catalog, "--force", preexec_fn=lambda: resource.setrlimit(
                resource.RLIMIT_FSIZE, (24 * 1024, resource.RLIM_INFINITY)))
        leftovers = [x.name for x in out.rglob("*.tmp")]
        intact = page.read_text(encoding="utf-8") == "last good"
    return Verdict([run], 1, ("The build stopped: could not write", "not built index.html"),
                   {"the last good page is intact": intact, "no partial file is left": leftovers == []})


@case("11q", "--out naming a file")
def _out_file(p: Project) -> Verdict:
    (p.root / "notes.txt").write_text("my notes", encoding="utf-8")
    run = _build(p, p.catalog("X.yml", [{"name": "tiny-a", "notebook": "tiny"}]), out="notes.txt")
    return Verdict([run], 1, ("notes.txt is a file, expected a folder for the reports (give --out a folder)",
                              "not built tiny-a"),
                   {"the file is intact": (p.root / "notes.txt").read_text(encoding="utf-8") == "my notes"})


@case("11r", "Ctrl-C while the build plans")
def _ctrl_c(p: Project) -> Verdict:
    def interrupt(process) -> None:  # once the catalog's checks have begun (they make the table cache first)
        deadline = time.monotonic() + 120
        while not (p.root / "out" / ".cxlab-build" / "tables").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGINT)

    # typed at a terminal, a command starts with Ctrl-C at its default, even when this suite runs as a
    # background job (which starts with SIGINT ignored, and so would every process it starts)
    run = p.cxlab("build", "--out", "out", timeout=300, start=interrupt, start_new_session=True,
                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    return Verdict([run], 130, ("Interrupted: cxlab stopped; no file is half-written.",),
                   {"no report was written": not list((p.root / "out").glob("*.html"))})


# --- 12: unclear messages ------------------------------------------------------------------------

@case("12a", "UTF-16 without a byte-order mark")
def _utf16(p: Project) -> Verdict:
    run = _check(p, SURVEY.encode("utf-16-le"))
    return Verdict([run], 1, ("row 1: found 'byte 0x00', expected UTF-8 text: the file looks like UTF-16 without "
                              "a byte-order mark; set read: {encoding: utf-16-le}",))


@case("12b", "a gzipped file named .csv")
def _gzip(p: Project) -> Verdict:
    run = _check(p, gzip.compress(SURVEY.encode()))
    return Verdict([run], 1, ("found 'gzip-compressed data (first bytes 1f 8b)', expected a CSV text file: "
                              "decompress it first (gunzip)",))


@case("12c", "Excel data on the second sheet")
def _second_sheet(p: Project) -> Verdict:
    run = _check(p, _excel({"Cover": [["Survey export, see the next sheet"]], "Data": ROWS}), name="survey.xlsx")
    return Verdict([run], 1, ("column 'read.sheet': found 'Cover', expected the sheet holding the mapped columns: "
                              "they are on sheet 'Data'; set read: {sheet: 'Data'}",))


@case("12d", "Excel header cells merged over two rows")
def _merged(p: Project) -> Verdict:
    header = [["id", "office", "quarter", "weight", "Ratings", None], [None, None, None, None, "q1", "q2"]]
    merged = ("A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1")
    run = _check(p, _excel({"Responses": header + ROWS[1:]}, merged), name="survey.xlsx")
    return Verdict([run], 1, ("row 1: expected one header row naming every mapped column, but 'q1' (row 2), "
                              "'q2' (row 2) are on other rows",))


@case("12e", "a header below row 20")
def _low_header(p: Project) -> Verdict:
    run = _check(p, "".join(f"Export note {n}\n" for n in range(1, 25)) + SURVEY)
    return Verdict([run], 1, ("row 25: expected the header within the first 20 rows",))


@case("12f", "a catalog entry without notebook:")
def _no_notebook(p: Project) -> Verdict:
    run = _build(p, p.catalog("X.yml", [{"name": "orphan", "parameters": {"label": "x"}}]))
    return Verdict([run], 1, ("blocked orphan: entry 1 of notebooks/X.yml: notebook: found None, expected the name "
                              "of a notebook under notebooks:",))


@case("12g", "a misspelt matrix column")
def _misspelt(p: Project) -> Verdict:
    catalog = p.catalog("X.yml", [{"name": "card-{service}", "notebook": "service_scorecard", "matrix": {
        "data": "a11_hisp", "columns": ["agencyy", "service"],
        "parameters": {"agency": "agencyy", "service": "service"}}}],
        {"service_scorecard": {"title": "Cards", "data": ["a11_hisp"]}})
    run = _build(p, catalog)
    return Verdict([run], 1, ("blocked card-{service}: entry 1 of notebooks/X.yml: matrix column 'agencyy' is not in "
                              "a11_hisp; its columns: record_id, agency,",))


@case("12h", "an upper-case sha256 in the registry")
def _upper_sha(p: Project) -> Verdict:
    registry = p.data / "datasets.yml"
    text = registry.read_text(encoding="utf-8")
    sha = re.search(r"cx_benchmarks:.*?sha256: ([0-9a-f]{64})", text, re.S)[1]
    registry.write_text(text.replace(sha, sha.upper()), encoding="utf-8")
    run = p.cxlab("data", "check", "cx_benchmarks")
    return Verdict([run], 0, ("cx_benchmarks: no problems",))


@case("12i", "a kernel killed in the middle of a report")
def _killed(p: Project) -> Verdict:
    run = _build(p, p.catalog("X.yml", [{"name": "killed", "notebook": "killed"}]))
    return Verdict([run], 1, ("failed  killed: cell 2: the kernel died while this cell ran (it was killed, or ran "
                              "out of memory)",))


@case("12j", "a changed data file and a bad entry block only their own reports")
def _isolation(p: Project) -> Verdict:
    before = (p.data / "cx_benchmarks.csv").read_bytes()
    (p.data / "cx_benchmarks.csv").write_bytes(before.replace(b"2015,56.5,", b"2015,55.9,"))
    catalog = p.catalog("X.yml", [
        {"name": "gap", "notebook": "sector_gap", "parameters": {"index": "ACSI"}},
        {"name": "bad/name", "notebook": "tiny"}, {"name": "tiny-a", "notebook": "tiny"}])
    everything = _build(p, catalog)
    only = _build(p, catalog, "--only", "tiny-a")
    return Verdict([everything, only], 0, ("All 1 reports are up to date",), {
        "the full build built the good report": "built   tiny-a" in everything.output,
        "the full build listed both blocked entries and exited 1": everything.code == 1 and all(
            w in everything.output for w in ("Built 1, up to date 0, failed 0, blocked 2", "blocked bad/name:",
                                             "blocked gap: sector_gap.ipynb: data set 'cx_benchmarks' cannot be used: "
                                             "data/cx_benchmarks.csv: found 'sha256")),
        "--only a report that never reads the data says nothing of it": "cx_benchmarks" not in only.output})
