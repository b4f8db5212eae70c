"""Issue 14: a respondent file of a new shape registers by configuration alone, byte for byte.

The registry keys ``columns.respondent_id`` (optional), ``value_labels``, ``scales``, group
``bands`` and ``read.skip_rows``, each on a tiny file checked as ``cxlab data check PATH
--mapping FILE`` checks it, and what ``cxlab data check`` prints about the result.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import cxlab
from cxlab.data.check import CheckResult, add_data_commands, check, describe

#: Two preamble lines, no id column, numeric industry codes (5005 has no label), a 1-10 rating,
#: a 0/1 item, a 0-10 item and a 0-100 index on which 98 is a real score.
FILE = """Benchmark extract
made for a test
YEAR,INDUSTRY,REGION,SATIS,RESOLVED,RECOMMEND,CSI
2015,1001,2,8,1,9,98
2015,1001,1,99,0,10,71.5
2015,2002,1,3,98,2,40
2015,5005,3,10,1,7,
2015,2002.0,2,7,1,98,66
"""
ENTRY = {
    "layout": "respondents", "read": {"skip_rows": 2},
    "scale": {"min": 1, "max": 10}, "missing_codes": {98: "don't know", 99: "refused"},
    "scales": {"RESOLVED": {"min": 0, "max": 1}, "RECOMMEND": {"min": 0, "max": 10},
               "CSI": {"min": 0, "max": 100, "whole": False, "missing_codes": []}},
    "columns": {"entity": "INDUSTRY", "period": "YEAR"}, "period": {"format": "{yyyy}"},
    "items": ["SATIS", "RESOLVED", "RECOMMEND", "CSI"],
    "groups": {"region": {"column": "REGION"}},
    "value_labels": {"INDUSTRY": {1001: "Banking", 2002: "Insurance"}, "region": {2: "South", 1: "North"},
                     "SATIS": {1: "very dissatisfied", 10: "very satisfied"}},
}


def _check(folder: Path, content: str = FILE, **changes) -> CheckResult:
    """Write the file and a mapping (ENTRY with ``changes``; None removes a key), then check."""
    (folder / "extract.csv").write_text(content, encoding="utf-8")
    entry = {k: v for k, v in {**ENTRY, **changes}.items() if v is not None}
    (folder / "mapping.yml").write_text(yaml.safe_dump({"extract": entry}, sort_keys=False), encoding="utf-8")
    return check(str(folder / "extract.csv"), mapping=folder / "mapping.yml")


def _problems(result: CheckResult) -> list[str]:
    assert result.table is None
    return [str(p).split(", ", 1)[1] if p.file.endswith("extract.csv") else str(p) for p in result.problems]


def test_without_an_id_column_the_row_number_in_the_file_identifies_a_respondent(tmp_path: Path):
    result = _check(tmp_path)
    assert result.ok, result.problems
    table = result.table
    assert table["respondent_id"].tolist() == [4, 5, 6, 7, 8]  # the header is row 3, below two preamble lines
    assert table.attrs["respondent_id"] is None
    assert "no respondent id column: each respondent is identified by the row number in the file" in describe(table)


def test_numeric_entity_and_group_codes_show_their_labels_and_unlabelled_codes_stay(tmp_path: Path):
    table = _check(tmp_path).table
    assert table["entity"].tolist() == ["Banking", "Banking", "Insurance", "5005", "Insurance"]
    assert list(table["region"].cat.categories) == ["South", "North", "3"]  # the listed order, then the rest
    assert table["region"].cat.ordered
    assert table.attrs["value_labels"]["SATIS"] == {1: "very dissatisfied", 10: "very satisfied"}
    assert table.attrs["unlabelled"] == {"entity": {"5005": 1}, "region": {"3": 1}}
    assert table.attrs["labels"]["entity"] == "entity" and table.attrs["labels"]["region"] == "region"


def test_each_item_is_read_and_rescaled_by_its_own_scale(tmp_path: Path):
    table = _check(tmp_path).table
    assert table.attrs["scales"] == {"SATIS": (1.0, 10.0), "RESOLVED": (0.0, 1.0), "RECOMMEND": (0.0, 10.0),
                                     "CSI": (0.0, 100.0)}
    assert table["CSI"].tolist()[:3] == [98.0, 71.5, 40.0] and pd.isna(table["CSI"].iloc[3])  # 98 is a score here
    assert table["SATIS"].isna().tolist() == [False, True, False, False, False]  # 99 is a code on 1-10
    summary = cxlab.summarize(table, value=table.attrs["items"], min_n=1).set_index("measure")
    by_hand = {"SATIS": np.mean([(8 - 1) / 9, (3 - 1) / 9, (10 - 1) / 9, (7 - 1) / 9]) * 100,
               "RESOLVED": 75.0, "RECOMMEND": np.mean([9, 10, 2, 7]) * 10, "CSI": np.mean([98, 71.5, 40, 66])}
    for item, mean in by_hand.items():
        assert summary.loc[item, "mean"] == pytest.approx(mean)
    assert summary["scale_max"].tolist() == [10.0, 1.0, 10.0, 100.0]


def test_an_item_off_the_data_set_s_scale_is_refused_until_it_has_its_own(tmp_path: Path):
    assert _problems(_check(tmp_path, scales=None))[:2] == [
        "row 5, column 'CSI': found '71.5', expected a rating 1-10 or a missing code (98, 99)",
        "row 5, column 'RESOLVED': found '0', expected a rating 1-10 or a missing code (98, 99)"]
    inside = {**ENTRY["scales"], "CSI": {"min": 0, "max": 100, "whole": False}}
    assert [p.expected for p in _check(tmp_path, scales=inside).problems] == [
        "missing codes outside the item's scale 0-100 (a code that is also a valid score would turn real answers "
        "into missing ones): give the item its own missing_codes, [] if it has none"] * 2


def test_keys_that_name_nothing_are_refused_with_what_they_may_name(tmp_path: Path):
    result = _check(tmp_path, scales={**ENTRY["scales"], "SATISFACTION": {"min": 1, "max": 5}},
                    value_labels={"YEAR": {2015: "x"}, "REGION": {"north": "North"}})
    assert [(p.column, p.expected) for p in result.problems] == [
        ("extract.scales.SATISFACTION", "an item of the data set (SATIS, RESOLVED, RECOMMEND, CSI)"),
        ("extract.value_labels.YEAR", "a column whose codes stand for something: the entity, a group, another "
                                      "mapped column or an item (SATIS, RESOLVED, RECOMMEND, CSI, INDUSTRY, entity, "
                                      "REGION, region)"),
        ("extract.value_labels.REGION", "a number code: 'region' holds numbers")]


def test_bands_put_numbers_in_ordered_groups_and_a_number_outside_them_is_refused(tmp_path: Path):
    bands = {"region": {"column": "REGION", "bands": {"one": [1, 2], "two or more": [2, None]}}}
    table = _check(tmp_path, groups=bands, value_labels=None).table
    assert table["region"].tolist() == ["two or more", "one", "one", "two or more", "two or more"]
    assert list(table["region"].cat.categories) == ["one", "two or more"]
    narrow = {"region": {"column": "REGION", "bands": {"one": [1, 2]}}}
    assert _problems(_check(tmp_path, groups=narrow, value_labels=None)) == [
        f"row {row}, column 'REGION': found '{code}', expected a number in one of the group's bands (one: 1 to "
        "under 2) or a missing code" for row, code in [(4, 2), (7, 3), (8, 2)]]


def _command(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str]:
    from rich.console import Console

    parser = argparse.ArgumentParser(prog="cxlab")
    add_data_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.run(args, Console(highlight=False, soft_wrap=True, width=200)), capsys.readouterr().out


def test_data_check_prints_the_file_s_columns_one_period_and_the_unlabelled_codes(tmp_path: Path, capsys):
    """issue 14, problem 8: "17 columns" for a file of 30, and "1 periods"."""
    _check(tmp_path)
    code, out = _command(["data", "check", str(tmp_path / "extract.csv"), "--mapping", str(tmp_path / "mapping.yml")],
                         capsys)
    assert code == 0
    assert out.splitlines()[1:10] == [
        "  5 rows; the file has 7 columns",
        "  1 item on 1-10: SATIS", "  1 item on 0-1: RESOLVED", "  1 item on 0-10: RECOMMEND", "  1 item on 0-100: CSI",
        "  3 entities: 5005, Banking, Insurance",
        "  1 period: 2015",
        "  no respondent id column: each respondent is identified by the row number in the file",
        "  entity: 1 code without a label, kept as it is: 5005 (1 row)"]
    assert "region: 1 code without a label, kept as it is: 3 (1 row)" in out


def test_summarize_reads_the_table_s_scale_and_says_where_a_scale_came_from():
    """issue 14, problem 7: summarize assumed 1-5 for a loaded 0-10 table and blamed missing codes."""
    survey = cxlab.load("sandiego_2015")[["Q2_6"]].assign(tenfold=lambda t: (t["Q2_6"] - 1) * 2.5)
    survey.attrs.update(scale=(0, 10), scales={"Q2_6": (1, 5)})
    both = cxlab.summarize(survey, value=["Q2_6", "tenfold"]).set_index("measure")
    assert both.loc["tenfold", "mean"] == pytest.approx(both.loc["Q2_6", "mean"])  # one answer, one place on 0-100
    assert (both.loc["tenfold", "scale_min"], both.loc["tenfold", "scale_max"]) == (0, 10)
    with pytest.raises(ValueError, match=r"outside the scale 1-5 \(the default: the table carries no scale; pass "
                                         r"scale=\(low, high\)\)"):
        cxlab.summarize(pd.DataFrame({"q": [0, 10]}), value="q")
    with pytest.raises(ValueError, match=r"outside the scale 0-10 \(the table's scale \(attrs\)\)"):
        cxlab.summarize(survey.assign(tenfold=survey["tenfold"] + 1), value="tenfold")
