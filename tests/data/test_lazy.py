"""A registered data set of many Parquet files, read lazily: the same rows and summaries as in memory,
every problem named with its file, row and column.

The data folder is a temporary one (``CXLAB_DATA``) holding a registry of two entries over the same
synthetic (seeded) respondents: ``parts`` (a folder of 3 files, read lazily) and ``whole`` (one
file, read by ``cxlab.load``). Partitions are computed by Dask's default (threaded) scheduler:
the cluster itself is exercised in tests/stats/test_distributed.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import cxlab
from cxlab.data.lazy import files_sha256, parquet_files

ENTRY = {
    "layout": "respondents",
    "scale": {"min": 1, "max": 5},
    "missing_codes": {9: "don't know"},
    "scales": {"score": {"min": 0, "max": 10, "whole": False, "missing_codes": []}},
    "columns": {"respondent_id": "id", "entity": "office", "period": "wave", "weight": "weight"},
    "period": {"format": "FY{yy} Q{q}", "label": "FY{year}-Q{quarter}"},
    "items": ["q1", "score"],
    "groups": {"region": {"column": "REGION"}},
    "value_labels": {"REGION": {1: "North", 2: "South", 3: "Coast"}},
}
ROWS = [400, 1, 700]


def raw(rows: int, seed: int, first_id: int) -> pd.DataFrame:
    """Respondent rows as a survey tool exports them: codes, 9 = don't know."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "id": np.arange(first_id, first_id + rows),
        "office": rng.choice(["Online", "Phone", "Counter"], rows),
        "wave": rng.choice(["FY23 Q1", "FY23 Q2", "FY23 Q3"], rows),
        "weight": rng.uniform(0.5, 2.0, rows).round(3),
        "REGION": rng.choice([1, 2, 3], rows),
        "q1": np.where(rng.random(rows) < 0.1, 9, rng.integers(1, 6, rows)),
        "score": rng.uniform(0, 10, rows).round(1),
    })


def register(folder: Path, parts: list[pd.DataFrame]) -> None:
    (folder / "parts").mkdir(exist_ok=True)
    for i, part in enumerate(parts):
        part.to_parquet(folder / "parts" / f"wave-{i}.parquet")
    pd.concat(parts, ignore_index=True).to_parquet(folder / "whole.parquet")
    files = parquet_files(folder, "parts/")
    registry = {"parts": {**ENTRY, "file": "parts/", "sha256": files_sha256(files, folder)},
                "whole": {**ENTRY, "file": "whole.parquet", "sha256": cxlab.data.registry.sha256(folder / "whole.parquet")}}
    (folder / "datasets.yml").write_text(yaml.safe_dump(registry, sort_keys=False))


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CXLAB_DATA", str(tmp_path))
    starts = np.cumsum([0, *ROWS])
    register(tmp_path, [raw(rows, seed, start) for seed, (rows, start) in enumerate(zip(ROWS, starts))])
    return tmp_path


def test_lazy_rows_equal_the_loaded_rows(data):
    frame = cxlab.load("parts", lazy=True)
    assert frame.npartitions == 3
    lazy, whole = frame.compute().reset_index(drop=True), cxlab.load("whole")
    pd.testing.assert_frame_equal(lazy, whole)
    assert lazy["q1"].isna().any()  # the missing code 9 is NA


@pytest.mark.parametrize("weight", [None, "weight"])
def test_lazy_summary_equals_the_in_memory_one(data, weight):
    options = dict(value=["q1", "score"], by=["entity", "region", "period"], weight=weight)
    pd.testing.assert_frame_equal(cxlab.summarize(cxlab.load("parts", lazy=True), **options),
                                  cxlab.summarize(cxlab.load("whole"), **options), rtol=1e-9)


def test_a_bad_value_names_file_row_and_column(data):
    parts = [raw(5, 0, 1), raw(8, 1, 100), raw(5, 2, 200)]
    parts[1].loc[3, "q1"] = 7  # row 5 of the second file, as in a spreadsheet
    register(data, parts)
    frame = cxlab.load("parts", lazy=True)  # nothing is read but the first file yet
    with pytest.raises(cxlab.DataError, match=r"parts/wave-1\.parquet, row 5, column 'q1': found '7', expected a "
                                              r"rating 1-5 or a missing code \(9\)"):
        cxlab.summarize(frame, value="q1", by=["entity"])


def test_an_unlabelled_code_is_named(data):
    parts = [raw(5, 0, 1), raw(5, 1, 100)]
    parts[1].loc[2, "REGION"] = 4
    register(data, parts)
    with pytest.raises(cxlab.DataError, match=r"wave-1\.parquet, row 4, column 'REGION': found '4', expected a code "
                                              r"with a label"):
        cxlab.load("parts", lazy=True).compute()


def test_a_changed_file_is_refused(data):
    raw(5, 7, 1).to_parquet(data / "parts" / "wave-1.parquet")
    with pytest.raises(cxlab.DataError, match=r"data/parts/: found 'sha256 .*the files changed after registration"):
        cxlab.load("parts", lazy=True)
