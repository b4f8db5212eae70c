"""Loaders: the bundled files load as validated tidy tables; damaged files get clear errors."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import cxlab
from cxlab.data.loaders import questions
from cxlab.data import registry
from cxlab.errors import DataError

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def test_bundled_files_match_the_registry_and_the_shared_originals():
    for name in registry.registry():
        for rel, sha in registry.dataset_files(name).items():
            data = (registry.data_dir() / rel).read_bytes()
            assert hashlib.sha256(data).hexdigest() == sha, rel
            original = SHARED / rel
            if original.exists():  # beside a checkout in CI and on developer machines
                assert original.read_bytes() == data, f"{rel} differs from shared/data"


def test_datasets_lists_every_registered_set_with_licence():
    listed = cxlab.datasets()
    assert listed["name"].tolist() == ["a11_hisp", "a11_respondents_synthetic", "cfpb_complaints", "cx_benchmarks",
                                       "fevs_engagement", "industry_survey", "sandiego_2015"]
    assert listed["licence"].str.len().gt(10).all()


def test_benchmarks_keep_published_values_and_parse_periods():
    scores = cxlab.load("cx_benchmarks")
    assert len(scores) == 87
    fed = scores[(scores["index"] == "ACSI") & (scores["series"] == "federal_government")]
    assert fed.set_index("period").loc["2019", ["score", "value_type"]].tolist() == [68.1, "derived"]
    kinds = scores.set_index("period")["period_kind"]
    assert kinds["2017-Q1"] == "quarter" and kinds["2019-2020"] == "span"
    assert set(kinds) == {"year", "quarter", "span"}
    row = scores.set_index("period").loc["2017-Q1"]
    assert row["period_start"] == pd.Timestamp("2017-01-01") and row["period_end"] == pd.Timestamp("2017-03-31")
    assert (scores["score_100"] == scores["score"] / scores["scale_max"] * 100).all()
    assert set(scores["value_type"]) == {"stated", "derived"}


def test_a11_counts_are_exact_and_every_row_maps_to_a_driver():
    rows = questions("a11_hisp")
    counts = rows[[f"count_{k}" for k in range(1, 6)]].to_numpy()
    assert (rows["n"] == counts.sum(axis=1)).all()
    mean = counts @ np.arange(1, 6) / rows["n"]
    # the file's own rounded means agree with the means of its counts
    assert np.allclose(mean, rows["reported_mean"], atol=0.05)
    assert set(rows["driver"]) == {"satisfaction", "trust", "effectiveness", "ease", "efficiency", "equity", "employee"}
    # 18 agencies in the file; the Department of Education asks only 1-10 (ACSI-style) questions
    assert rows["agency"].nunique() == 17 and rows["period"].nunique() == 9
    assert "Department of Education" not in set(rows["agency"])
    first = rows[(rows["record_id"] == "1") & (rows["question"] == "q1")].iloc[0]
    assert first[["driver", "count_1", "count_5", "n"]].tolist() == ["satisfaction", 2302, 249586, 320979]


def test_a11_rows_that_cannot_be_mapped_are_reported_with_a_reason():
    left_out = cxlab.excluded("a11_hisp")
    medicare = left_out[left_out["question_text"].str.contains("MEDICARE number to a friend")]
    assert not medicare.empty
    assert medicare["reason"].str.contains("another scale").all()
    one_to_ten = left_out[left_out["question_text"].str.contains("scale from 1 to 10")]
    assert not one_to_ten.empty and one_to_ten["reason"].str.contains("another scale").all()
    unmatched = left_out[left_out["question_text"].str.startswith("Please rate the visual appeal")]
    assert (unmatched["check"] == "not_a_driver").all()
    assert (unmatched["reason"] == "asks about a site's visual appeal, which is not one of the seven A-11 drivers").all()
    # nothing is dropped silently: kept + reported = every question slot with a text or answers
    kept = questions("a11_hisp")
    raw = pd.read_csv(registry.data_dir() / "a11_hisp/mergedcxdata-2023-05-21.csv", dtype=str, keep_default_na=False)
    slots = 0
    for q in range(1, 12):
        text = raw[f"attributes_q{q}_text"].str.strip()
        n = sum(pd.to_numeric(raw[f"attributes_q{q}_{p}"].replace("", "0")) for p in range(1, 6))
        slots += int(((n > 0) | ~text.isin(["", "NONE", "None", "none", "No Question", "N/A", "0"])).sum())
    assert len(kept) + len(left_out) == slots


def test_sandiego_dont_know_becomes_missing_and_items_carry_labels():
    sd = cxlab.load("sandiego_2015")
    raw = pd.read_csv(registry.data_dir() / "sandiego_2015/resident_survey_weighted_datasd.csv")
    assert len(sd) == 2477 and sd["respondent_id"].is_unique
    assert sd["Q15_3"].isna().sum() == (raw["Q15_3"] == 9).sum() > 0
    assert sd["Q15_3"].max() == 5
    assert sd.attrs["labels"]["Q15_3"] == "Overall customer service"
    assert "Q4_1" not in sd.attrs["items"]  # rankings, not ratings
    # district 9 is a real council district, not "don't know"
    assert (sd["district"] == "District 9").sum() == (raw["Q28"] == 9).sum() > 0
    assert sd["own_rent"].isna().sum() == (raw["Q23"] == 9).sum()


def test_a_tampered_file_is_refused(data_copy: Path):
    target = data_copy / "cx_benchmarks.csv"
    target.write_bytes(target.read_bytes().replace(b"68.1", b"78.1"))
    with pytest.raises(DataError, match=r"data/cx_benchmarks.csv: found 'sha256 .*changed after registration"):
        cxlab.load("cx_benchmarks")


def _register(data_copy: Path, name: str, path: Path) -> None:
    reg_path = data_copy / "datasets.yml"
    reg = yaml.safe_load(reg_path.read_text())
    reg[name]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    reg_path.write_text(yaml.safe_dump(reg))


def test_a_missing_column_is_named(data_copy: Path):
    target = data_copy / "cx_benchmarks.csv"
    frame = pd.read_csv(target, dtype=str, keep_default_na=False).drop(columns=["value_type"])
    frame.to_csv(target, index=False)
    _register(data_copy, "cx_benchmarks", target)
    with pytest.raises(DataError) as err:
        cxlab.load("cx_benchmarks")
    assert str(err.value.problems[0]) == "data/cx_benchmarks.csv, row 1, column 'value_type': expected this column in the header"


def test_every_bad_value_is_reported_with_row_and_column(data_copy: Path):
    target = data_copy / "a11_hisp/mergedcxdata-2023-05-21.csv"
    frame = pd.read_csv(target, dtype=str, keep_default_na=False)
    frame.loc[4, "attributes_q1_3"] = "-7"
    frame.loc[9, "attributes_collection_quarter"] = "Q5"
    frame.to_csv(target, index=False)
    _register(data_copy, "a11_hisp", target)
    with pytest.raises(DataError) as err:
        cxlab.load("a11_hisp")
    messages = [str(p) for p in err.value.problems]
    assert messages == [
        "data/a11_hisp/mergedcxdata-2023-05-21.csv, row 6, column 'attributes_q1_3': found '-7', "
        "expected a count of answers: a whole number >= 0, or empty",
        "data/a11_hisp/mergedcxdata-2023-05-21.csv, row 11, column 'attributes_collection_quarter': "
        "found 'Q5', expected a quarter 1-4",
    ]


def test_a_rating_out_of_range_names_the_respondent_row(data_copy: Path):
    target = data_copy / "sandiego_2015/resident_survey_weighted_datasd.csv"
    frame = pd.read_csv(target, dtype=str, keep_default_na=False)
    frame.loc[0, "Q3_3"] = "7"
    frame.to_csv(target, index=False)
    _register(data_copy, "sandiego_2015", target)
    with pytest.raises(DataError, match=re.escape("row 2, column 'Q3_3': found '7', expected a rating 1-5 or a missing code (9)")):
        cxlab.load("sandiego_2015")


def test_a_registry_path_may_not_leave_the_data_folder(data_copy: Path):
    reg_path = data_copy / "datasets.yml"
    reg = yaml.safe_load(reg_path.read_text())
    reg["cx_benchmarks"]["file"] = "../../etc/passwd"
    reg_path.write_text(yaml.safe_dump(reg))
    with pytest.raises(DataError, match="expected a path inside the data folder"):
        cxlab.load("cx_benchmarks")


def test_an_unknown_data_set_lists_the_known_ones():
    with pytest.raises(KeyError, match="registered: a11_hisp, a11_respondents_synthetic, cfpb_complaints, cx_benchmarks, fevs_engagement, "
                                 "industry_survey, sandiego_2015"):
        cxlab.load("acsi")


def test_a_parquet_file_read_in_chunks_gives_the_same_table_and_summary_as_csv(tmp_path: Path, monkeypatch):
    """The large-file path (Parquet read and validated in chunks) against the in-memory CSV path."""
    from cxlab.data import readers
    from cxlab.data.loaders import load_source
    from cxlab.stats.summary import summarize

    example = registry.data_dir() / "examples"
    in_memory = load_source(registry.mapping_source(example / "service_survey.csv", example / "service_survey.yml"))
    frame = pd.read_csv(example / "service_survey.csv")
    frame.to_parquet(tmp_path / "service_survey.parquet")
    (tmp_path / "service_survey.yml").write_bytes((example / "service_survey.yml").read_bytes())
    monkeypatch.setattr(readers, "CHUNK_ROWS", 100)  # 720 rows: 8 chunks

    def parquet() -> pd.DataFrame:
        return load_source(registry.mapping_source(tmp_path / "service_survey.parquet", tmp_path / "service_survey.yml"))

    chunked = parquet()
    pd.testing.assert_frame_equal(chunked, in_memory)
    assert chunked.attrs == in_memory.attrs
    by = dict(value=in_memory.attrs["items"], by=["entity", "period"], weight="weight", scale=(0, 10))
    pd.testing.assert_frame_equal(summarize(chunked, **by), summarize(in_memory, **by))
    # problems in later chunks, and an id repeated across chunks, keep their rows
    frame.loc[650, "ResponseID"] = frame.loc[3, "ResponseID"]
    frame.loc[420, "trust"] = 12
    frame.to_parquet(tmp_path / "service_survey.parquet")
    with pytest.raises(DataError) as err:
        parquet()
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [
        (422, "trust", "12"), (652, "ResponseID", "R00004")]


def test_the_worked_example_is_added_by_a_registry_entry_alone(data_copy: Path):
    """data/README.md's example: the mapping file's entry plus its sha256 make a loadable data set."""
    from cxlab.stats.summary import nps, summarize

    entry = yaml.safe_load((data_copy / "examples/service_survey.yml").read_text())["service_survey"]
    entry["sha256"] = registry.sha256(data_copy / entry["file"])
    reg = yaml.safe_load((data_copy / "datasets.yml").read_text())
    (data_copy / "datasets.yml").write_text(yaml.safe_dump({**reg, "service_survey": entry}))
    survey = cxlab.load("service_survey")
    raw = pd.read_csv(data_copy / entry["file"], dtype=str)
    assert len(survey) == 720 and survey["respondent_id"].tolist() == raw["ResponseID"].tolist()
    for item in survey.attrs["items"]:  # 98 and 99 are missing, every other answer is kept as it was
        assert survey[item].isna().sum() == raw[item].isin(["98", "99"]).sum() > 0
        assert survey[item].max() <= 10
    assert survey["period"].unique().tolist() == ["FY2021-Q1", "FY2021-Q2", "FY2021-Q3", "FY2021-Q4"]
    assert survey.loc[survey["period"] == "FY2021-Q2", "time"].unique().tolist() == [2021.25]
    cells = summarize(survey, value="satisfaction", by=["entity", "period"], weight="weight", scale=(0, 10))
    assert len(cells) == 12 and cells["n"].sum() == survey["satisfaction"].notna().sum()
    assert nps(survey, value="recommend", by=["entity"], weight="weight")["nps"].between(-100, 100).all()


def _typed_survey(rows: int = 300) -> pd.DataFrame:
    """A respondent file as an agency's system would write Parquet: typed columns, nulls, codes."""
    rng = np.random.default_rng(3)
    return pd.DataFrame({
        "ResponseID": np.arange(1000, 1000 + rows, dtype="int64"),
        "Office": rng.choice(["North office", "South office", " Online service "], rows),
        "Wave": rng.choice(["FY21 Q1", "fy21 q2"], rows),
        "Weight": rng.uniform(0.3, 3.0, rows),
        "satisfaction": pd.Series(rng.choice([0, 5, 10, 98, 99], rows), dtype="Int8").where(rng.random(rows) > 0.1),
        "ease": rng.choice([1.0, 7.0, 99.0], rows),
        "trust": rng.integers(0, 11, rows).astype("int64"),
        "recommend": rng.integers(0, 11, rows).astype("int16"),
    })


@pytest.mark.parametrize("damage", [
    None,
    {"Weight": 0.0}, {"Weight": np.nan}, {"Weight": np.inf}, {"Weight": None},
    {"ease": 7.5}, {"ease": 11.0}, {"satisfaction": 12}, {"Wave": "FY21 Q5"}, {"Office": "  "},
    {"ResponseID": 1003},  # an id used on an earlier row, ids no longer rising
])
def test_a_typed_parquet_file_gives_the_table_and_problems_of_its_text(tmp_path: Path, monkeypatch, damage):
    """Checked on its typed columns, a Parquet file gives exactly what the same cells as text give (CSV)."""
    from cxlab.data import readers
    from cxlab.data.loaders import load_source

    monkeypatch.setattr(readers, "CHUNK_ROWS", 70)  # 300 rows: 5 chunks, damage in the third
    frame = _typed_survey()
    if damage:
        (column, value), = damage.items()
        frame[column] = frame[column].astype(object) if value is None else frame[column]
        frame.loc[[150, 220], column] = value
    frame.to_parquet(tmp_path / "survey.parquet")
    text = readers.read_table(tmp_path / "survey.parquet", "survey.parquet")
    text.to_csv(tmp_path / "survey.csv", index=False)
    example = registry.data_dir() / "examples" / "service_survey.yml"

    def load(name: str):
        try:
            return load_source(registry.mapping_source(tmp_path / name, example))
        except DataError as err:
            return [(p.row, p.column, p.value, p.expected) for p in err.problems]

    if damage is None:  # every chunk is checked on its typed columns, none read as text
        monkeypatch.setattr(readers.ArrowChunk, "text", lambda chunk: pytest.fail("a valid chunk was read as text"))
    typed, as_text = load("survey.parquet"), load("survey.csv")
    if damage is None:
        pd.testing.assert_frame_equal(typed, as_text)
        assert typed.attrs == as_text.attrs and typed["respondent_id"].dtype == "int64"
    else:
        assert typed == as_text and {row for row, *_ in typed} == {152, 222}


def test_text_ids_in_parquet_keep_one_spelling_per_number(tmp_path: Path):
    from cxlab.data.loaders import load_source

    frame = _typed_survey(20).assign(ResponseID=[f"{i}" for i in range(20)])
    frame.loc[7, "ResponseID"] = "03"
    frame.to_parquet(tmp_path / "survey.parquet")
    with pytest.raises(DataError) as err:
        load_source(registry.mapping_source(tmp_path / "survey.parquet",
                                            registry.data_dir() / "examples" / "service_survey.yml"))
    assert [(p.row, p.value) for p in err.value.problems] == [(9, "03")]
