"""Summaries beyond memory: the Dask path gives the pandas path's summary table, gaps and trends.

The cluster is a real ``distributed.LocalCluster`` of 2 worker processes (1 thread and 1 GiB
each): with processes, every partition is summed in another interpreter, so the functions and
tables that travel are the ones a multi-machine cluster would get. It starts once per module (a
few seconds). The data are synthetic (seeded) respondent rows written to several Parquet files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from cxlab.stats.compare import gaps, trend  # noqa: E402
from cxlab.stats.summary import summarize  # noqa: E402

RTOL = 1e-9
DISTRICTS = pd.CategoricalDtype(["north", "south", "east", "west", "island"])  # "island": no respondents


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="1GiB",
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        yield client


def respondents(rows: int, seed: int) -> pd.DataFrame:
    """Synthetic respondents: a 1-5 item with missing answers (NA), a 0-10 score, weights, and cells that
    are small (suppressed), constant, or have a missing key."""
    rng = np.random.default_rng(seed)
    office = rng.choice(["a", "b", "c", "d"], rows, p=[0.45, 0.45, 0.09, 0.01])  # d: a few rows only
    table = pd.DataFrame({
        "office": office,
        "district": rng.choice(["north", "south", "east", "west"], rows),
        "period": rng.choice(["2021", "2022", "2023", "2024", "2025", "2026"], rows),
        "weight": rng.uniform(0.2, 4.0, rows).round(3),
        "q1": pd.array(rng.integers(1, 6, rows), dtype="Int64"),
        "score": rng.uniform(0, 10, rows).round(2),
    })
    table.loc[rng.random(rows) < 0.1, "q1"] = pd.NA  # missing codes, already set to NA
    table.loc[table["office"] == "c", "score"] = 7.5  # a constant cell: zero variance
    table.loc[rng.random(rows) < 0.01, "office"] = None  # a missing key is a cell of its own
    table["time"] = table["period"].astype(int)
    return table


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("parquet")
    paths = []
    for i, rows in enumerate([3000, 1, 2500, 4000]):  # one file of a single row
        path = folder / f"part-{i}.parquet"
        respondents(rows, seed=i).to_parquet(path)
        paths.append(path)
    return paths


def both(files: list[Path]) -> tuple[object, pd.DataFrame]:
    """The Dask DataFrame of the files, and the pandas table of all their rows with the same dtypes."""
    frame = dd.read_parquet([str(p) for p in files]).astype({"district": DISTRICTS})
    rows = pd.concat([pd.read_parquet(p) for p in files], ignore_index=True)
    return frame, rows.astype(frame.dtypes.to_dict())


@pytest.mark.parametrize("weight", [None, "weight"])
def test_dask_summary_equals_pandas(client, files, weight):
    frame, rows = both(files)
    options = dict(value=["q1", "score"], by=["office", "district", "period"], weight=weight,
                   scale={"q1": (1, 5), "score": (0, 10)})
    result = summarize(frame, **options)
    expected = summarize(rows, **options)
    pd.testing.assert_frame_equal(result, expected, rtol=RTOL)
    assert result["suppressed"].any() and (result["n"] == 0).any()  # office d; the island district
    assert result["note"].str.startswith("all answers equal").any()  # office c's constant score
    assert result["office"].isna().any()


def test_gaps_and_trends_from_the_dask_summary_equal_pandas(client, files):
    frame, rows = both(files)
    options = dict(value="score", by=["office", "period", "time"], weight="weight", scale=(0, 10))
    tables = [summarize(frame, **options), summarize(rows, **options)]
    gap_tables = [gaps(table, versus="office", reference="b") for table in tables]
    pd.testing.assert_frame_equal(*gap_tables, rtol=RTOL)
    pd.testing.assert_frame_equal(*(trend(g, by=["group_a", "group_b"]) for g in gap_tables), rtol=RTOL)
    pd.testing.assert_frame_equal(*(trend(t, value="mean", by=["office"]) for t in tables), rtol=RTOL)


def test_one_cell_without_keys(client, files):
    frame, rows = both(files)
    pd.testing.assert_frame_equal(summarize(frame, value="q1", scale=(1, 5)),
                                  summarize(rows, value="q1", scale=(1, 5)), rtol=RTOL)


def test_a_bad_value_names_column_partition_and_row(client, files, tmp_path):
    bad = respondents(50, seed=9)
    bad.loc[17, "q1"] = 9  # a "don't know" code left in
    bad.to_parquet(tmp_path / "bad.parquet")
    frame = dd.read_parquet([str(files[0]), str(tmp_path / "bad.parquet")])
    with pytest.raises(ValueError, match=r"column 'q1' has 1 values outside the scale 1-5 .* \(in partition \d+, "
                                         r"first at index 17\)"):
        summarize(frame, value="q1", by=["office"], scale=(1, 5))


def test_unknown_categories_are_refused(client, files):
    frame = dd.read_parquet([str(p) for p in files]).astype({"district": "category"})
    with pytest.raises(ValueError, match=r"categories of \['district'\] are unknown"):
        summarize(frame, value="q1", by=["district"], scale=(1, 5))


def test_a_weight_that_is_not_positive_is_named(client, files, tmp_path):
    bad = respondents(50, seed=9)
    bad.loc[5, ["q1", "weight"]] = [3, 0.0]
    bad.to_parquet(tmp_path / "bad.parquet")
    frame = dd.read_parquet([str(files[0]), str(tmp_path / "bad.parquet")])
    with pytest.raises(ValueError, match=r"weight column 'weight' must be positive where answers exist \(in partition "
                                         r"\d+, first at index 5\)"):
        summarize(frame, value="q1", by=["office"], weight="weight", scale=(1, 5))
