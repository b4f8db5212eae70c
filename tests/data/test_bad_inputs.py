"""A corpus of bad inputs: each gets an error naming the place, or a documented tolerant reading.

Every case builds a tiny file beside a mapping (as ``cxlab data check PATH --mapping FILE``
reads it) from one small, valid agency export. An error case checks the exact problems and that
no table came back (never a partial result); a tolerant case checks what was read. Nothing here
may raise anything but the problems of a check: a bare pandas traceback fails the test.
"""

from __future__ import annotations

import argparse
import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

import cxlab
from cxlab.data.check import CheckResult, add_data_commands, check

GOOD = """ResponseID,Office,Wave,Weight,satisfaction,ease
R1,North office,FY21 Q1,1.2,8,7
R2,North office,FY21 Q1,0.8,99,6
R3,South office,FY21 Q2,1.0,5,98
"""
ENTRY = {
    "layout": "respondents",
    "scale": {"min": 0, "max": 10},
    "missing_codes": {98: "refused", 99: "don't know"},
    "columns": {"respondent_id": "ResponseID", "entity": "Office", "period": "Wave", "weight": "Weight"},
    "period": {"format": "FY{yy} Q{q}", "label": "FY{year}-Q{quarter}"},
    "items": ["satisfaction", "ease"],
}
RATING = "a rating 0-10 or a missing code (98, 99)"


def _run(folder: Path, content: str | bytes | Callable[[Path], None], *, name: str = "export.csv",
         **changes) -> CheckResult:
    """Write the file and a mapping (ENTRY with ``changes``; None removes a key), then check."""
    path = folder / name
    if callable(content):
        content(path)
    else:
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    entry = {k: v for k, v in {**ENTRY, **changes}.items() if v is not None}
    (folder / "mapping.yml").write_text(yaml.safe_dump({"export": entry}, sort_keys=False), encoding="utf-8")
    return check(str(path), mapping=folder / "mapping.yml")


def _problems(result: CheckResult, folder: Path) -> list[str]:
    assert result.table is None, "a check with problems must return no table"
    return [str(p).replace(f"{folder}/", "") for p in result.problems]


def _good(result: CheckResult) -> pd.DataFrame:
    assert result.ok, result.problems
    return result.table


@pytest.fixture
def reference(tmp_path: Path) -> pd.DataFrame:
    folder = tmp_path / "reference"
    folder.mkdir()
    return _good(_run(folder, GOOD))


# --- the file as a whole -------------------------------------------------------------------------

def test_empty_file(tmp_path: Path):
    assert _problems(_run(tmp_path, ""), tmp_path) == ["export.csv: expected a header row and at least one record"]


def test_header_only(tmp_path: Path):
    result = _run(tmp_path, GOOD.splitlines()[0] + "\n")
    assert _problems(result, tmp_path) == ["export.csv, row 2: expected at least one record below the header"]


def test_wrong_delimiter_declared(tmp_path: Path):
    result = _run(tmp_path, GOOD.replace(",", ";"), read={"delimiter": ","})
    assert _problems(result, tmp_path) == [
        "export.csv, row 1: found 'ResponseID;Office;Wave;Weight;satisfaction;ease', expected columns separated "
        "by ','; the header is one column, so the file may use ';': set read: {delimiter: ';'} in datasets.yml"]


def test_semicolons_and_tabs_are_found_when_no_delimiter_is_declared(tmp_path: Path, reference):
    """Tolerant: the delimiter is the first of , ; TAB | with which the header has every mapped column."""
    pd.testing.assert_frame_equal(_good(_run(tmp_path, GOOD.replace(",", ";"))), reference)
    pd.testing.assert_frame_equal(_good(_run(tmp_path, GOOD.replace(",", "\t"), name="x.tsv")), reference)


def test_byte_order_marks_are_dropped(tmp_path: Path, reference):
    """Tolerant: a UTF-8 or UTF-16 BOM (Excel's "CSV UTF-8" and "Unicode text") is honoured."""
    pd.testing.assert_frame_equal(_good(_run(tmp_path, b"\xef\xbb\xbf" + GOOD.encode())), reference)
    pd.testing.assert_frame_equal(_good(_run(tmp_path, GOOD.encode("utf-16"))), reference)


def test_latin1_text_is_refused_until_its_encoding_is_named(tmp_path: Path):
    text = GOOD.replace("South office", "Bureau de l'Île").encode("latin-1")
    assert _problems(_run(tmp_path, text), tmp_path) == [
        "export.csv, row 4: found 'byte 0xce', expected UTF-8 text: name the file's encoding in "
        "datasets.yml, for example read: {encoding: cp1252}"]
    named = _good(_run(tmp_path, text, read={"encoding": "latin-1"}))
    assert named["entity"].tolist()[-1] == "Bureau de l'Île"


def test_a_ragged_row_names_its_line(tmp_path: Path):
    result = _run(tmp_path, GOOD.replace("R2,North office,FY21 Q1,0.8,", "R2,North office,FY21 Q1,0,8,"))
    assert _problems(result, tmp_path) == [
        "export.csv, row 3: found '7 fields', expected 6 fields as in the header: a stray delimiter or quote?"]


def test_blank_lines_are_skipped_and_rows_keep_their_numbers(tmp_path: Path):
    result = _run(tmp_path, GOOD.replace("R2,", "\nR2,").replace(",5,98", ",55,98"))
    assert _problems(result, tmp_path) == [f"export.csv, row 5, column 'satisfaction': found '55', expected {RATING}"]


def test_a_file_type_cxlab_does_not_read(tmp_path: Path):
    assert _problems(_run(tmp_path, GOOD, name="export.sav"), tmp_path) == [
        "export.sav: found '.sav', expected a file ending in .csv, .tsv, .txt, .xlsx, .xlsm, .parquet, .pq "
        "(or read.format: csv, excel or parquet)"]


# --- the header ----------------------------------------------------------------------------------

def test_missing_column(tmp_path: Path):
    result = _run(tmp_path, GOOD.replace(",Weight", "").replace(",1.2", "").replace(",0.8", "").replace(",1.0", ""))
    assert _problems(result, tmp_path) == ["export.csv, row 1, column 'Weight': expected this column in the header"]


def test_extra_columns_are_ignored(tmp_path: Path, reference):
    """Tolerant: columns the mapping does not name (free text, internal codes) are left out."""
    lines = GOOD.splitlines()
    extra = "\n".join([lines[0] + ",Comment,Internal"] + [line + ",fine,x" for line in lines[1:]]) + "\n"
    pd.testing.assert_frame_equal(_good(_run(tmp_path, extra)), reference)


def test_duplicated_header(tmp_path: Path):
    result = _run(tmp_path, GOOD.replace("Weight,satisfaction,ease", "Weight,satisfaction,satisfaction"))
    assert _problems(result, tmp_path) == [
        "export.csv, row 1, column 'satisfaction': expected a column name used once (it is in the header 2 times)"]


def test_header_names_are_stripped_of_spaces(tmp_path: Path, reference):
    """Tolerant: 'Weight ' in an export is the column Weight."""
    pd.testing.assert_frame_equal(_good(_run(tmp_path, GOOD.replace("Weight,", " Weight ,"))), reference)


def test_excel_title_rows_above_the_header(tmp_path: Path, reference):
    """Tolerant: the header is the first row holding every mapped column; rows keep the sheet's numbers."""

    def workbook(path: Path, bad: bool = False) -> None:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Responses"
        sheet.append(["Customer survey export, generated 2021-10-04"])
        sheet.append([])
        for i, line in enumerate(GOOD.splitlines()):
            cells = [float(c) if c.replace(".", "").isdigit() else c for c in line.split(",")]
            sheet.append(cells[:4] + ["11"] + cells[5:] if bad and i == 2 else cells)
        book.save(path)

    pd.testing.assert_frame_equal(_good(_run(tmp_path, workbook, name="export.xlsx")), reference)
    result = _run(tmp_path, lambda p: workbook(p, bad=True), name="export.xlsx")
    assert _problems(result, tmp_path) == [f"export.xlsx, row 5, column 'satisfaction': found '11', expected {RATING}"]
    wrong_sheet = _run(tmp_path, workbook, name="export.xlsx", read={"sheet": "Sheet9"})
    assert _problems(wrong_sheet, tmp_path) == [
        "export.xlsx, column 'read.sheet': found 'Sheet9', expected one of the workbook's sheets: 'Responses'"]
    [not_a_workbook] = _problems(_run(tmp_path, GOOD, name="export.xlsx"), tmp_path)
    assert not_a_workbook.startswith("export.xlsx: expected a readable Excel workbook")
    pd.testing.assert_frame_equal(_good(_run(tmp_path, workbook, name="export.xlsx", read={"skip_rows": 2})),
                                  reference)


def test_a_known_preamble_is_skipped_by_configuration(tmp_path: Path, reference):
    """read.skip_rows: the lines are left out before the header is looked for; rows keep their numbers.

    The first preamble line here repeats the header (an earlier export's), so a search alone would take it.
    """
    preamble = GOOD.splitlines()[0] + "\n  inflating: export.csv\n"
    assert _problems(_run(tmp_path, preamble + GOOD), tmp_path)[0].startswith("export.csv, row 2")
    pd.testing.assert_frame_equal(_good(_run(tmp_path, preamble + GOOD, read={"skip_rows": 2})), reference)
    bad = _run(tmp_path, preamble + GOOD.replace(",5,98", ",55,98"), read={"skip_rows": 2})
    assert _problems(bad, tmp_path) == [f"export.csv, row 6, column 'satisfaction': found '55', expected {RATING}"]
    assert _problems(_run(tmp_path, preamble, read={"skip_rows": 2}), tmp_path) == [
        "export.csv, row 3: expected a header row below the 2 rows that read.skip_rows leaves out"]
    assert _problems(_run(tmp_path, GOOD, read={"skip_rows": -1}), tmp_path) == [
        "mapping.yml, column 'export.read.skip_rows': found -1, expected a whole number of lines >= 0 above "
        "the header"]
    parquet = _run(tmp_path, lambda p: reference.to_parquet(p), name="export.parquet", read={"skip_rows": 1})
    assert _problems(parquet, tmp_path) == [
        "export.parquet, column 'read.skip_rows': found 1, expected no skip_rows for a Parquet file (it has no "
        "lines above its columns)"]


# --- values --------------------------------------------------------------------------------------

def test_duplicated_respondent_ids(tmp_path: Path):
    assert _problems(_run(tmp_path, GOOD.replace("R3,", "R1,")), tmp_path) == [
        "export.csv, row 4, column 'ResponseID': found 'R1', expected a respondent id not used before"]


def test_text_in_a_numeric_column_and_every_problem_is_listed(tmp_path: Path):
    result = _run(tmp_path, GOOD.replace(",8,7", ",eight,7").replace(",1.0,", ",one,"))
    assert _problems(result, tmp_path) == [
        f"export.csv, row 2, column 'satisfaction': found 'eight', expected {RATING}",
        "export.csv, row 4, column 'Weight': found 'one', expected a weight: a finite number > 0 "
        "(a respondent without a weight cannot be used)"]


def test_scores_out_of_range(tmp_path: Path):
    result = _run(tmp_path, GOOD.replace(",8,7", ",11,-1"))
    assert _problems(result, tmp_path) == [f"export.csv, row 2, column 'ease': found '-1', expected {RATING}",
                                           f"export.csv, row 2, column 'satisfaction': found '11', expected {RATING}"]


def test_two_scales_mixed_in_one_column(tmp_path: Path):
    """A later wave on 0-10 in a column registered as 1-5: every answer above 5 is named."""
    result = _run(tmp_path, GOOD, scale={"min": 1, "max": 5}, missing_codes=[98, 99])
    expected = "a rating 1-5 or a missing code (98, 99)"
    assert _problems(result, tmp_path) == [f"export.csv, row 2, column 'ease': found '7', expected {expected}",
                                           f"export.csv, row 2, column 'satisfaction': found '8', expected {expected}",
                                           f"export.csv, row 3, column 'ease': found '6', expected {expected}"]


def test_a_missing_code_that_is_also_a_score(tmp_path: Path):
    result = _run(tmp_path, GOOD, missing_codes={9: "don't know", 99: "refused"})
    assert _problems(result, tmp_path) == [
        "mapping.yml, column 'export.missing_codes': found '9', expected missing codes outside the scale 0-10: "
        "a code that is also a valid score would turn real answers into missing ones"]


def test_a_refusal_code_not_declared(tmp_path: Path):
    result = _run(tmp_path, GOOD.replace(",98", ",97"))
    assert _problems(result, tmp_path) == [f"export.csv, row 4, column 'ease': found '97', expected {RATING}"]


def test_missing_codes_never_become_scores(reference):
    assert reference["satisfaction"].tolist()[1] is pd.NA and reference["ease"].tolist()[2] is pd.NA
    assert reference["satisfaction"].max() == 8


def test_an_all_missing_column(tmp_path: Path):
    result = _run(tmp_path, GOOD.replace(",7\n", ",\n").replace(",6\n", ",99\n"))
    assert _problems(result, tmp_path) == [
        "export.csv, row 1, column 'ease': expected at least one answer: every cell is empty or a missing code "
        "(leave the item out of items in datasets.yml if it was not asked)"]


def test_whole_numbers_written_as_decimals_are_read(tmp_path: Path, reference):
    """Tolerant: '8.0' (a float column exported by pandas or SPSS) is the rating 8; 8.5 is not."""
    pd.testing.assert_frame_equal(_good(_run(tmp_path, GOOD.replace(",8,7", ",8.0,7.0"))), reference)
    assert _problems(_run(tmp_path, GOOD.replace(",8,7", ",8.5,7")), tmp_path) == [
        f"export.csv, row 2, column 'satisfaction': found '8.5', expected {RATING}"]


def test_missing_or_zero_weights(tmp_path: Path):
    result = _run(tmp_path, GOOD.replace(",1.2,", ",,").replace(",0.8,", ",0,"))
    weight = "expected a weight: a finite number > 0 (a respondent without a weight cannot be used)"
    assert _problems(result, tmp_path) == [f"export.csv, row 2, column 'Weight': found '', {weight}",
                                           f"export.csv, row 3, column 'Weight': found '0', {weight}"]


def test_a_name_containing_markup_stays_text(tmp_path: Path):
    """Tolerant: names are data; the reports escape them (issue 6). Nothing is dropped or changed."""
    names = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>']
    text = GOOD.replace("North office", names[0]).replace("South office", '"""><img src=x onerror=alert(1)>"')
    assert _good(_run(tmp_path, text))["entity"].unique().tolist() == names


def test_an_empty_entity_name(tmp_path: Path):
    assert _problems(_run(tmp_path, GOOD.replace("South office", "  ")), tmp_path) == [
        "export.csv, row 4, column 'Office': found '  ', expected a name (not empty)"]


# --- periods -------------------------------------------------------------------------------------

def test_quarters_as_text(tmp_path: Path):
    """Tolerant of case and spacing ('fy21q2'); other wording is named with an example of the format."""
    result = _run(tmp_path, GOOD.replace("R2,North office,FY21 Q1", "R2,North office,second quarter 2021")
                  .replace("FY21 Q2", "fy21q2"))
    assert _problems(result, tmp_path) == [
        "export.csv, row 3, column 'Wave': found 'second quarter 2021', expected a period like 'FY21 Q2' "
        "(format 'FY{yy} Q{q}')"]


def test_dates_in_several_formats(tmp_path: Path):
    """Tolerant of the formats listed, tried in order; a date in none of them is named."""
    dated = GOOD.replace("FY21 Q1,1.2", "2020-10-15,1.2").replace("FY21 Q1,0.8", "15/02/2021,0.8")
    period = {"format": ["%Y-%m-%d", "%d/%m/%Y"], "fiscal_year_start": 10, "label": "FY{year}-Q{quarter}"}
    result = _run(tmp_path, dated.replace("FY21 Q2", "03/15/2021"), period=period)
    assert _problems(result, tmp_path) == [
        "export.csv, row 4, column 'Wave': found '03/15/2021', expected a period like '2021-03-15' "
        "(format '%Y-%m-%d') or '15/03/2021' (format '%d/%m/%Y')"]
    table = _good(_run(tmp_path, dated.replace("FY21 Q2", "2021-01-31"), period=period))
    assert table["period"].tolist() == ["FY2021-Q1", "FY2021-Q2", "FY2021-Q2"]


def test_a_period_column_without_a_format(tmp_path: Path):
    assert _problems(_run(tmp_path, GOOD, period=None), tmp_path) == [
        "mapping.yml, column 'export.period': expected a period spec with a format, for example "
        "{format: 'FY{yy} Q{q}'}"]


# --- the registry entry --------------------------------------------------------------------------

def test_a_typo_in_the_entry_and_a_backwards_scale(tmp_path: Path):
    result = _run(tmp_path, GOOD, missing_code=[98], scale={"min": 10, "max": 0})
    assert _problems(result, tmp_path) == [
        "mapping.yml, column 'export.missing_code': expected a key cxlab reads for layout 'respondents' "
        "(see data/README.md)",
        "mapping.yml, column 'export.scale': found {'min': 10, 'max': 0}, expected a scale whose max is above its min"]


def test_an_unknown_layout(tmp_path: Path):
    assert _problems(_run(tmp_path, GOOD, layout="wide"), tmp_path) == [
        "mapping.yml, column 'export.layout': found 'wide', expected one of a11_respondents, answer_counts, answers, "
        "comments, counts, respondents, scores"]


def _register(data: Path, entry: dict, sha: str | None) -> None:
    path = data / "datasets.yml"
    registry = yaml.safe_load(path.read_text())
    registry["export"] = {**ENTRY, **entry, "sha256": sha}
    path.write_text(yaml.safe_dump(registry))


def test_a_registry_path_leaving_the_data_folder(data_copy: Path):
    _register(data_copy, {"file": "../../etc/passwd"}, None)
    assert [str(p) for p in check("export").problems] == [
        "datasets.yml: found '../../etc/passwd', expected a path inside the data folder"]


def test_a_file_changed_after_registration(data_copy: Path):
    path = data_copy / "examples" / "export.csv"
    path.write_text(GOOD)
    _register(data_copy, {"file": "examples/export.csv"}, hashlib.sha256(GOOD.encode()).hexdigest())
    assert check("export").ok and len(cxlab.load("export")) == 3
    path.write_text(GOOD.replace("8", "9"))
    [problem] = check("export").problems
    assert str(problem).startswith("data/examples/export.csv: found 'sha256 ")
    assert problem.expected.endswith("the file changed after registration; check the new file, then update its sha256")


# --- other formats and layouts -------------------------------------------------------------------

def test_parquet_gives_the_same_table_and_the_same_problems_as_csv(tmp_path: Path, reference):
    frame = pd.read_csv(io.StringIO(GOOD))
    pd.testing.assert_frame_equal(_good(_run(tmp_path, frame.to_parquet, name="export.parquet")), reference)
    frame.loc[2, "ease"] = 12
    assert _problems(_run(tmp_path, frame.to_parquet, name="export.parquet"), tmp_path) == [
        f"export.parquet, row 4, column 'ease': found '12', expected {RATING}"]


def test_an_unreadable_parquet_file(tmp_path: Path):
    [problem] = _problems(_run(tmp_path, GOOD, name="export.parquet"), tmp_path)
    assert problem.startswith("export.parquet: expected a readable Parquet file")


LONG = """id,office,wave,weight,question,answer
R1,North office,FY21 Q1,1.2,satisfaction,8
R1,North office,FY21 Q1,1.2,ease,7
R2,North office,FY21 Q1,0.8,satisfaction,99
R2,North office,FY21 Q1,0.8,ease,6
R3,South office,FY21 Q2,1.0,satisfaction,5
R3,South office,FY21 Q2,1.0,ease,98
"""
LONG_ENTRY = {"layout": "answers", "columns": {"respondent_id": "id", "entity": "office", "period": "wave",
                                                "weight": "weight", "item": "question", "value": "answer"}}


def test_long_answers_give_the_same_table_as_wide_rows(tmp_path: Path, reference):
    pd.testing.assert_frame_equal(_good(_run(tmp_path, LONG, **LONG_ENTRY)), reference)


def test_long_answers_twice_for_one_item_or_disagreeing_rows(tmp_path: Path):
    twice = LONG.replace("R2,North office,FY21 Q1,0.8,ease", "R2,North office,FY21 Q1,0.8,satisfaction")
    assert _problems(_run(tmp_path, twice, **LONG_ENTRY), tmp_path) == [
        "export.csv, row 5, column 'question': found 'satisfaction', expected one answer per respondent and item "
        "(respondent 'R2' answered it on an earlier row)"]
    moved = LONG.replace("R3,South office,FY21 Q2,1.0,ease", "R3,North office,FY21 Q2,1.0,ease")
    assert _problems(_run(tmp_path, moved, **LONG_ENTRY), tmp_path) == [
        "export.csv, row 7, column 'office': found 'North office', expected the same entity on every row of a "
        "respondent"]


COUNTS = """Service,Quarter,Question,Answers,n1,n2,n3,n4,n5
Permits,FY21 Q1,Satisfied with the service,10,1,2,3,2,2
Permits,FY21 Q2,Satisfied with the service,12,0,1,3,4,4
"""
COUNTS_ENTRY = {"layout": "counts", "scale": {"min": 1, "max": 5}, "missing_codes": None, "items": None,
                "columns": {"entity": "Service", "period": "Quarter", "question": "Question", "total": "Answers"},
                "counts": "n{point}"}


def test_an_answer_count_table(tmp_path: Path):
    table = _good(_run(tmp_path, COUNTS, **COUNTS_ENTRY))
    assert table.columns.tolist() == ["question", "entity", "period", "time", "count_1", "count_2", "count_3",
                                      "count_4", "count_5", "n", "total"]
    assert table["n"].tolist() == [10, 12] and table["period"].tolist() == ["FY2021-Q1", "FY2021-Q2"]


def test_negative_counts(tmp_path: Path):
    assert _problems(_run(tmp_path, COUNTS.replace(",0,1,3", ",-3,1,3"), **COUNTS_ENTRY), tmp_path) == [
        "export.csv, row 3, column 'n1': found '-3', expected a count of answers: a whole number >= 0, or empty"]


def test_counts_not_adding_up_to_the_stated_answers(tmp_path: Path):
    assert _problems(_run(tmp_path, COUNTS.replace(",12,", ",15,"), **COUNTS_ENTRY), tmp_path) == [
        "export.csv, row 3, column 'Answers': found '15', expected the sum of the row's answer counts (12)"]


# --- the command ---------------------------------------------------------------------------------

def _command(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str]:
    from rich.console import Console

    parser = argparse.ArgumentParser(prog="cxlab")
    add_data_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code = args.run(args, Console(highlight=False, soft_wrap=True, width=200))
    return code, capsys.readouterr().out


def test_data_check_prints_every_problem_and_exits_non_zero(tmp_path: Path, capsys):
    _run(tmp_path, GOOD.replace(",8,7", ",11,-1").replace("R3,", "R1,"))
    code, out = _command(["data", "check", str(tmp_path / "export.csv"), "--mapping", str(tmp_path / "mapping.yml")],
                         capsys)
    assert code == 1
    assert out.splitlines()[0] == "export: 3 problems"
    assert f"row 2, column 'satisfaction': found '11', expected {RATING}" in out
    assert "row 4, column 'ResponseID': found 'R1', expected a respondent id not used before" in out


def test_data_check_of_a_good_file_describes_it_and_gives_its_sha256(tmp_path: Path, capsys):
    _run(tmp_path, GOOD)
    code, out = _command(["data", "check", str(tmp_path / "export.csv"), "--mapping", str(tmp_path / "mapping.yml")],
                         capsys)
    assert code == 0
    assert out.splitlines()[:3] == ["export: no problems", "  3 rows; the file has 6 columns",
                                    "  2 items on 0-10: satisfaction, ease"]
    assert hashlib.sha256(GOOD.encode()).hexdigest() in out


def test_data_check_of_every_bundled_data_set(capsys):
    for name in ["cx_benchmarks", "a11_hisp", "sandiego_2015"]:
        assert _command(["data", "check", name], capsys)[0] == 0


def test_the_cxlab_command_has_data_check(tmp_path: Path, capsys):
    from cxlab.cli import main

    _run(tmp_path, GOOD.replace(",8,7", ",11,7"))
    assert main(["data", "check", str(tmp_path / "export.csv"), "--mapping", str(tmp_path / "mapping.yml")]) == 1
    assert f"row 2, column 'satisfaction': found '11', expected {RATING}" in capsys.readouterr().out
    assert main(["data", "check", "cx_benchmarks"]) == 0
