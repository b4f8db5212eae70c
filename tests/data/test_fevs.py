"""FEVS engagement: several published measures per row (``measures``), and the A-11 crosswalk."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import cxlab
from cxlab.data import registry
from cxlab.data.check import check
from cxlab.data.entries import check_entry
from cxlab.data.loaders import crosswalk
from cxlab.errors import DataError

MEASURES = ["eei", "eei_leaders_lead", "eei_supervisors", "eei_intrinsic_work_experience", "global_satisfaction_index"]


def _raw(name: str) -> pd.DataFrame:
    return pd.read_csv(registry.data_dir() / name, dtype=str, keep_default_na=False)


def _rewrite(data_copy: Path, key: str, frame: pd.DataFrame) -> None:
    """Write ``frame`` over the FEVS entry's ``key`` file and register its new sha256."""
    reg_path = data_copy / "datasets.yml"
    reg = yaml.safe_load(reg_path.read_text())
    entry = reg["fevs_engagement"]
    frame.to_csv(data_copy / entry[key], index=False)
    entry[{"file": "sha256", "crosswalk": "crosswalk_sha256"}[key]] = hashlib.sha256(
        (data_copy / entry[key]).read_bytes()).hexdigest()
    reg_path.write_text(yaml.safe_dump(reg))


def test_every_published_value_becomes_one_tidy_row_per_agency_year_and_measure():
    fevs = cxlab.load("fevs_engagement")
    raw = _raw("fevs/fevs_engagement_by_agency.csv")
    assert len(fevs) == len(raw) * len(MEASURES) == 400
    assert fevs.attrs["measures"] == MEASURES
    assert fevs.attrs["labels"]["eei"] == "Employee Engagement Index"
    long = raw.melt(id_vars=["year", "agency", "agency_code", "respondents"], value_vars=MEASURES,
                    var_name="series", value_name="value")
    merged = fevs.merge(long, left_on=["entity", "period", "series"], right_on=["agency", "year", "series"],
                        validate="one_to_one")
    assert len(merged) == 400
    assert (merged["score"] == merged["value"].astype(float)).all()
    assert np.allclose(merged["score_100"], merged["score"]) and (merged["scale_max"] == 100).all()
    assert (merged["agency_code_x"] == merged["agency_code_y"]).all()
    assert (merged["respondents_x"] == merged["respondents_y"]).all()
    assert set(fevs["index"]) == {"FEVS"} and set(fevs["value_type"]) == {"stated"}
    assert fevs["period_kind"].eq("year").all() and sorted(fevs["period"].unique()) == [str(y) for y in range(2019, 2024)]
    # OPM's published governmentwide EEI, 68 72 71 71 72, to the nearest point
    gov = fevs[(fevs["entity"] == "Governmentwide") & (fevs["series"] == "eei")].sort_values("period")
    assert gov["score"].round().tolist() == [68, 72, 71, 71, 72]
    assert "Department of Veterans Affairs" not in set(fevs["entity"])


def test_the_crosswalk_covers_every_a11_agency_in_the_file_and_names_only_fevs_agencies():
    agencies = crosswalk("fevs_engagement")
    of = agencies.attrs["of"]
    assert of == {"data": "a11_hisp", "column": "agency"}
    a11_file = _raw("a11_hisp/mergedcxdata-2023-05-21.csv")["attributes_organization_name"].str.strip()
    assert set(agencies["from_entity"]) == set(a11_file) and len(agencies) == a11_file.nunique() == 18
    # every agency the loaded A-11 table uses (the analyses' input) is there too
    assert set(cxlab.load("a11_hisp")[of["column"]]) <= set(agencies["from_entity"])
    fevs = set(cxlab.load("fevs_engagement")["entity"])
    mapped = agencies[agencies["entity"] != ""]
    assert set(mapped["entity"]) <= fevs and len(set(mapped["entity"])) == 15 == len(fevs - {"Governmentwide"})
    assert agencies["reason"].str.len().gt(10).all()
    to = agencies.set_index("from_entity")["entity"]
    assert to["Internal Revenue Service"] == "Department of the Treasury"
    assert to["U.S. Citizenship and Immigration Services"] == "Department of Homeland Security"
    assert to["US Fish and Wildlife"] == "Department of the Interior"
    assert to["Department of Veterans Affairs"] == ""
    va = agencies.set_index("from_entity").loc["Department of Veterans Affairs", "reason"]
    assert "All Employee Survey" in va and "never filled in" in va
    assert check("fevs_engagement").ok


def test_a_bad_crosswalk_row_is_named_with_its_row(data_copy: Path):
    frame = _raw("fevs/a11_fevs_agencies.csv")
    frame.loc[1, "reason"] = ""
    frame.loc[2, "fevs_agency"] = "Department of Educaton"
    frame.loc[3, "a11_agency"] = frame.loc[0, "a11_agency"]
    _rewrite(data_copy, "crosswalk", frame)
    with pytest.raises(DataError) as err:
        crosswalk("fevs_engagement")
    assert [str(p) for p in err.value.problems] == [
        "data/fevs/a11_fevs_agencies.csv, row 3, column 'reason': found '', expected why the name belongs to this "
        "entity, or to none"]
    frame.loc[1, "reason"] = "the same department"
    _rewrite(data_copy, "crosswalk", frame)
    with pytest.raises(DataError) as err:
        crosswalk("fevs_engagement")
    assert [str(p) for p in err.value.problems] == [
        "data/fevs/a11_fevs_agencies.csv, row 5, column 'a11_agency': found 'Department of Agriculture', expected "
        "a name not used before",
        "data/fevs/a11_fevs_agencies.csv, row 4, column 'fevs_agency': found 'Department of Educaton', expected an "
        "entity of this data set, or empty for none"]
    assert not check("fevs_engagement").ok


def test_a_changed_crosswalk_is_refused(data_copy: Path):
    target = data_copy / "fevs/a11_fevs_agencies.csv"
    target.write_bytes(target.read_bytes().replace(b"Treasury", b"Treasure"))
    with pytest.raises(DataError, match="a11_fevs_agencies.csv: found 'sha256 .*changed after registration"):
        crosswalk("fevs_engagement")


def test_a_measure_that_is_not_a_number_or_off_the_scale_is_named(data_copy: Path):
    frame = _raw("fevs/fevs_engagement_by_agency.csv")
    frame.loc[0, "eei_supervisors"] = "n/a"
    _rewrite(data_copy, "file", frame)
    with pytest.raises(DataError) as err:
        cxlab.load("fevs_engagement")
    assert [str(p) for p in err.value.problems] == [
        "data/fevs/fevs_engagement_by_agency.csv, row 2, column 'eei_supervisors': found 'n/a', expected a number"]
    frame.loc[0, "eei_supervisors"] = "75.51"
    frame.loc[3, "eei"] = "101.5"
    _rewrite(data_copy, "file", frame)
    with pytest.raises(DataError) as err:
        cxlab.load("fevs_engagement")
    assert [str(p) for p in err.value.problems] == [
        "data/fevs/fevs_engagement_by_agency.csv, row 5, column 'eei': found '101.5', expected a score from 0 to "
        "the row's top of the scale (100)"]


def test_entry_mistakes_with_measures_and_constants_are_named():
    entry = dict(registry.entry("fevs_engagement"))
    assert check_entry(entry) == []
    wrong = {**entry, "constants": {**entry["constants"], "value_type": "guessed", "entity": "x"},
             "columns": {**entry["columns"], "score": "eei"}}
    assert [str(p) for p in check_entry(wrong)] == [
        "datasets.yml, column 'fevs_engagement.constants.entity': found 'x', expected a tidy name of the scores "
        "layout that may be the same for every row: index, scale_max, value_type, note, source",
        "datasets.yml, column 'fevs_engagement.columns.score': found 'eei', expected no column: score is given by "
        "measures",
        "datasets.yml, column 'fevs_engagement.constants.value_type': found 'guessed', expected stated or derived"]
    bare = {k: v for k, v in entry.items() if k not in ("constants", "crosswalk_of")}
    assert [str(p) for p in check_entry(bare)] == [
        "datasets.yml, column 'fevs_engagement.columns.index': expected a column of the file for the tidy column "
        "'index'",
        "datasets.yml, column 'fevs_engagement.columns.scale_max': expected a column of the file for the tidy column "
        "'scale_max'",
        "datasets.yml, column 'fevs_engagement.columns.value_type': expected a column of the file for the tidy "
        "column 'value_type'",
        "datasets.yml, column 'fevs_engagement.columns.note': expected a column of the file for the tidy column "
        "'note'",
        "datasets.yml, column 'fevs_engagement.columns.source': expected a column of the file for the tidy column "
        "'source'",
        "datasets.yml, column 'fevs_engagement.crosswalk_of': expected this key: a crosswalk needs it"]
    assert [str(p) for p in check_entry({**entry, "measures": {}})] == [
        "datasets.yml, column 'fevs_engagement.measures': found {}, expected a mapping of measure names to the "
        "file's columns holding them (at least one)"]
