"""The comments and A-11 respondent-level layouts: read by configuration, validated, scrubbed."""

from __future__ import annotations

import runpy
import shutil
from pathlib import Path

import pandas as pd
import yaml

import cxlab
from cxlab.data.check import check
from cxlab.data.entries import A11_FLAGS, check_entry
from cxlab.data.registry import data_dir, registry

EXAMPLES = data_dir() / "examples"


def test_the_cfpb_sample_loads_whole_with_its_preamble_skipped_by_the_registry():
    entry = registry()["cfpb_complaints"]
    assert entry["read"] == {"skip_rows": 2}
    lines = (data_dir() / entry["file"]).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Archive:") and lines[2].startswith("Date received,Product")
    complaints = cxlab.load("cfpb_complaints")
    assert len(complaints) == 6623 and complaints["comment_id"].is_unique
    assert int(complaints["has_text"].sum()) == 1532
    assert complaints["product"].value_counts().iloc[0] == 3503
    assert complaints.loc[complaints["comment_id"] == 3571115, ["period", "timely"]].values.tolist() == [["2020-Q1",
                                                                                                          "Yes"]]
    assert complaints["text"].str.contains("XXXX").sum() > 1000, "CFPB's redactions stay redactions"
    assert complaints.attrs == {"categories": ["product", "issue", "company", "state"],
                                "outcomes": ["response", "timely"], "file_columns": 18}


def _comments(folder: Path, text: str, **entry) -> cxlab.data.check.CheckResult:
    (folder / "c.csv").write_text(text, encoding="utf-8")
    spec = {"layout": "comments", "columns": {"comment_id": "ID", "text": "Comment", "date": "Date", "office": "Office"},
            "period": {"format": "%d/%m/%Y", "unit": "quarter"}, **entry}
    (folder / "c.yml").write_text(yaml.safe_dump({"c": spec}), encoding="utf-8")
    return check(str(folder / "c.csv"), mapping=folder / "c.yml")


def test_a_comment_file_is_scrubbed_when_it_is_loaded(tmp_path: Path):
    result = _comments(tmp_path, "ID,Comment,Date,Office\n1,Mail me at a.b@c.org or 202-555-0147,05/01/2024,North\n"
                                 "2,,06/04/2024,South\n")
    assert result.ok, result.problems
    table = result.table
    assert table["text"].tolist() == ["Mail me at [email removed] or [phone number removed]", ""]
    assert table[["has_text", "scrubbed", "period", "office"]].values.tolist() == [[True, 2, "2024-Q1", "North"],
                                                                                   [False, 0, "2024-Q2", "South"]]
    assert table["date"].tolist() == [pd.Timestamp("2024-01-05"), pd.Timestamp("2024-04-06")]


def test_a_comment_file_with_a_repeated_id_a_bad_date_or_an_unknown_category_is_refused(tmp_path: Path):
    result = _comments(tmp_path, "ID,Comment,Date,Office\n1,fine,05/01/2024,North\n1,again,2024-13-01,South\n")
    assert [str(p).replace(f"{tmp_path}/", "") for p in result.problems] == [
        "c.csv, row 3, column 'Date': found '2024-13-01', expected a period like '15/03/2021' (format '%d/%m/%Y')"]
    repeated = _comments(tmp_path, "ID,Comment,Date,Office\n1,fine,05/01/2024,North\n1,again,06/01/2024,South\n")
    assert [p.expected for p in repeated.problems] == ["a comment id not used before"]
    unknown = _comments(tmp_path, "ID,Comment,Date,Office\n1,fine,05/01/2024,North\n", categories=["branch"])
    assert [p.expected for p in unknown.problems] == ["a list of tidy names that columns maps"]


def test_the_synthetic_a11_responses_join_their_collection_details():
    responses = cxlab.load("a11_respondents_synthetic")
    details = pd.read_csv(EXAMPLES / "a11_collection_details.csv")
    assert len(responses) == len(pd.read_csv(EXAMPLES / "a11_respondents.csv"))
    assert responses.groupby("detail_id").size().to_dict() == {
        str(k): v for k, v in details.set_index("id")["volume_of_respondents"].items()}
    assert set(responses["period"]) == {"FY2024-Q1", "FY2024-Q2", "FY2024-Q3", "FY2024-Q4", "FY2025-Q1"}
    assert responses[A11_FLAGS].isin([0, 1]).all().all() and set(responses["question_1"]) == {0, 1}
    assert "synthetic" in registry()["a11_respondents_synthetic"]["title"].lower()


def test_the_synthetic_generator_is_seeded_and_gives_the_committed_files(tmp_path: Path):
    script = runpy.run_path(str(EXAMPLES / "make_a11_respondents.py"))
    script["main"](tmp_path)
    for name in ("a11_respondents.csv", "a11_collection_details.csv"):
        assert (tmp_path / name).read_bytes() == (EXAMPLES / name).read_bytes(), name


def _a11_copy(folder: Path, responses: str | None = None, **entry) -> cxlab.data.check.CheckResult:
    for name in ("a11_respondents.csv", "a11_collection_details.csv"):
        shutil.copy(EXAMPLES / name, folder / name)
    if responses is not None:
        (folder / "a11_respondents.csv").write_text(responses, encoding="utf-8")
    spec = {k: v for k, v in registry()["a11_respondents_synthetic"].items()
            if k not in {"name", "sha256", "details_sha256"}}
    spec.update(file="a11_respondents.csv", details="a11_collection_details.csv", **entry)
    (folder / "a11.yml").write_text(yaml.safe_dump({"a11": spec}), encoding="utf-8")
    return check(str(folder / "a11_respondents.csv"), mapping=folder / "a11.yml")


def test_a11_responses_with_an_unknown_collection_or_a_bad_flag_are_refused(tmp_path: Path):
    lines = (EXAMPLES / "a11_respondents.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[1], cells[5] = "999", "2"
    result = _a11_copy(tmp_path, "\n".join([lines[0], ",".join(cells), *lines[2:5]]) + "\n")
    assert sorted((p.row, p.column, p.value) for p in result.problems) == [
        (2, "positive_efficiency", "2")]
    cells[5] = "1"
    result = _a11_copy(tmp_path, "\n".join([lines[0], ",".join(cells), *lines[2:5]]) + "\n")
    assert [(p.row, p.column, p.value, p.expected) for p in result.problems] == [
        (2, "cx_collection_detail_id", "999", "a collection detail id of " + str(tmp_path / "a11_collection_details.csv"))]


def test_a11_responses_on_a_five_point_question_1(tmp_path: Path):
    text = (EXAMPLES / "a11_respondents.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    five = [lines[0]] + [",".join([c[0], c[1], "5" if c[2] == "1" else "2", *c[3:]])
                         for c in (line.split(",", 3) for line in lines[1:])]
    result = _a11_copy(tmp_path, "\n".join(five) + "\n", scale={"min": 1, "max": 5})
    assert result.ok, result.problems[:3]
    assert set(result.table["question_1"]) == {2, 5} and result.table.attrs["scale"] == (1.0, 5.0)
    wrong = _a11_copy(tmp_path, "\n".join(five) + "\n")
    assert wrong.problems and wrong.problems[0].expected == "a rating 0-1"


def test_an_a11_entry_names_its_details_columns():
    entry = {k: v for k, v in registry()["a11_respondents_synthetic"].items()}
    del entry["details_columns"]["quarter"]
    assert [str(p) for p in check_entry(entry)] == [
        "datasets.yml, column 'a11_respondents_synthetic.details_columns.quarter': expected a column of the file "
        "for the tidy column 'quarter'"]
    no_details = {k: v for k, v in entry.items() if k not in {"details", "details_columns"}}
    assert [p.expected for p in check_entry(no_details)] == ["this key: layout 'a11_respondents' needs it"] * 2
