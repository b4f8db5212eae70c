"""Correlations across few units, and derived importance across cells: against independent computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.weightstats import DescrStatsW

from cxlab.stats.correlate import correlate, direction, leave_one_out
from cxlab.stats.drivers import cell_importance, importance

Z = stats.norm.ppf(0.975)


@pytest.fixture
def units() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    x = rng.normal(70, 5, 14)
    return pd.DataFrame({"unit": [f"u{i}" for i in range(14)], "x": x, "y": 0.6 * x + rng.normal(0, 4, 14)})


def test_pearson_and_spearman_with_fisher_intervals_match_hand_formulas(units: pd.DataFrame):
    row = correlate(units, x="x", y="y", n_boot=200).iloc[0]
    n = len(units)
    r = units["x"].corr(units["y"])
    rho = units["x"].corr(units["y"], method="spearman")
    assert row["n"] == n and row["pearson"] == pytest.approx(r) and row["spearman"] == pytest.approx(rho)
    half = Z / np.sqrt(n - 3)
    assert [row["pearson_ci_low"], row["pearson_ci_high"]] == pytest.approx(
        np.tanh(np.arctanh(r) + np.array([-half, half])))
    half_s = Z * np.sqrt(1.06 / (n - 3))  # Fieller, Hartley and Pearson (1957)
    assert [row["spearman_ci_low"], row["spearman_ci_high"]] == pytest.approx(
        np.tanh(np.arctanh(rho) + np.array([-half_s, half_s])))
    for value, p in ((r, row["pearson_p"]), (rho, row["spearman_p"])):  # t test of a correlation
        t = value * np.sqrt((n - 2) / (1 - value ** 2))
        assert p == pytest.approx(2 * stats.t.sf(abs(t), n - 2))


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_bootstrap_intervals_agree_with_pingouin(units: pd.DataFrame, method: str):
    row = correlate(units, x="x", y="y", n_boot=4000, seed=3).iloc[0]
    ci = pg.compute_bootci(units["x"].to_numpy(), units["y"].to_numpy(), func=method, paired=True, method="per",
                           n_boot=4000, seed=11, decimals=6)
    assert row[f"{method}_boot_low"] == pytest.approx(ci[0], abs=0.05)
    assert row[f"{method}_boot_high"] == pytest.approx(ci[1], abs=0.05)
    assert row["degenerate"] == 0


def test_by_groups_and_too_few_units_say_why():
    data = pd.DataFrame({"pair": ["a"] * 6 + ["b"] * 3, "x": [1, 2, 3, 4, 5, 6, 1, 2, 3],
                         "y": [2, 1, 4, 3, 6, 5, 1, 2, None]})
    table = correlate(data, x="x", y="y", by=["pair"], n_boot=100).set_index("pair")
    assert table.loc["a", "pearson"] == pytest.approx(np.corrcoef([1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5])[0, 1])
    assert table.loc["b", "n"] == 2 and np.isnan(table.loc["b", "pearson"])
    assert table.loc["b", "note"] == "2 units with both values, fewer than 5: no correlation"
    flat = correlate(data.assign(x=1), x="x", y="y", by=["pair"], n_boot=100)
    assert flat.loc[0, "note"] == "no spread in one of the two measures: no correlation"


def test_resamples_without_spread_are_counted_and_left_out():
    data = pd.DataFrame({"x": [1, 1, 1, 1, 1, 2], "y": [1, 2, 3, 4, 5, 6]})
    row = correlate(data, x="x", y="y", n_boot=500).iloc[0]
    # a resample misses the single 2 with probability (5/6)^6 = 33%
    assert 0.25 * 500 < row["degenerate"] < 0.42 * 500
    assert row["pearson_boot_low"] <= row["pearson"] <= row["pearson_boot_high"]


def test_leave_one_out_matches_pandas_and_names_the_unit_that_carries_the_result():
    data = pd.DataFrame({"unit": list("abcdefg"), "x": [1, 2, 3, 4, 5, 6, 20], "y": [3, 1, 2, 5, 4, 3, 20]})
    loo = leave_one_out(data, x="x", y="y", label="unit").set_index("left_out")
    for unit, row in loo.iterrows():
        rest = data[data["unit"] != unit]
        assert row["pearson"] == pytest.approx(rest["x"].corr(rest["y"]))
        assert row["spearman"] == pytest.approx(rest["x"].corr(rest["y"], method="spearman"))
        half = Z / np.sqrt(len(rest) - 3)
        assert row["pearson_ci_low"] == pytest.approx(np.tanh(np.arctanh(row["pearson"]) - half))
    full = data["x"].corr(data["y"])
    assert direction(*np.tanh(np.arctanh(full) + np.array([-1, 1]) * Z / 2)) == "positive"
    assert loo.index[loo["changes"]].tolist() == ["g"] and loo.loc["g", "direction"] == "unclear"
    assert leave_one_out(data.head(5), x="x", y="y", label="unit").empty


@pytest.fixture
def cells() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"service": np.repeat([f"s{i}" for i in range(12)], 4),
                          "ease": rng.uniform(40, 90, 48), "speed": rng.uniform(40, 90, 48),
                          "staff": rng.uniform(40, 90, 48), "respondents": rng.integers(1, 6, 48)})
    frame["satisfied"] = 0.5 * frame["ease"] + 0.2 * frame["speed"] + 0.1 * frame["staff"] + rng.normal(0, 4, 48)
    return frame


def test_cell_importance_weights_cells_by_respondents_like_repeated_rows(cells: pd.DataFrame):
    items = ["ease", "speed", "staff"]
    got = cell_importance(cells, outcome="satisfied", items=items, cluster="service", weight="respondents",
                          n_boot=200).set_index("item")
    weighted = DescrStatsW(cells[items + ["satisfied"]].to_numpy(), weights=cells["respondents"].to_numpy())
    assert got["correlation"].to_numpy() == pytest.approx(weighted.corrcoef[-1, :-1])
    # the same cells repeated once per respondent, through the respondent-level function
    repeated = cells.loc[cells.index.repeat(cells["respondents"])]
    plain = importance(repeated, outcome="satisfied", items=items, n_boot=10).set_index("item")
    assert got["importance"].to_numpy() == pytest.approx(plain["importance"].to_numpy())
    # the relative weights add up to the R-squared of the weighted regression
    fit = sm.WLS(cells["satisfied"], sm.add_constant(cells[items]), weights=cells["respondents"]).fit()
    assert got["r2"].iloc[0] == pytest.approx(fit.rsquared)
    assert got["importance"].sum() == pytest.approx(100)
    assert (got["cells"] == 48).all() and (got["clusters"] == 12).all() and (got["weighting"] == "respondents").all()
    for column in ("correlation", "importance", "r2"):
        assert (got[f"{column}_ci_low"] <= got[column]).all() and (got[column] <= got[f"{column}_ci_high"]).all()


def test_cell_importance_with_uncorrelated_items_is_each_items_squared_correlation():
    ease, speed = np.array([1.0, -1, 1, -1] * 6), np.array([1.0, 1, -1, -1] * 6)  # orthogonal, mean 0
    frame = pd.DataFrame({"service": np.repeat(list("abcdef"), 4), "ease": ease, "speed": speed,
                          "satisfied": 2 * ease + speed + np.tile([0.5, -0.5, -0.5, 0.5], 6)})
    got = cell_importance(frame, outcome="satisfied", items=["ease", "speed"], cluster="service", n_boot=50)
    r = [np.corrcoef(frame[c], frame["satisfied"])[0, 1] for c in ("ease", "speed")]
    assert got["r2"].iloc[0] == pytest.approx(sum(v ** 2 for v in r))
    assert got["importance"].tolist() == pytest.approx([v ** 2 / sum(w ** 2 for w in r) * 100 for v in r])
    assert got["weighting"].iloc[0] == "each cell once"


def test_cell_importance_resamples_whole_clusters(cells: pd.DataFrame):
    """The interval against a hand-written cluster bootstrap (its own random numbers, so within a tolerance)."""
    items = ["ease", "speed", "staff"]
    got = cell_importance(cells, outcome="satisfied", items=items, cluster="service", weight="respondents",
                          n_boot=2000, seed=1).set_index("item")
    rng = np.random.default_rng(99)
    by_service = [(part[items + ["satisfied"]].to_numpy(), part["respondents"].to_numpy())
                  for _, part in cells.groupby("service")]
    draws = []
    for _ in range(2000):
        picked = [by_service[i] for i in rng.integers(0, len(by_service), len(by_service))]
        values, weights = np.vstack([v for v, _ in picked]), np.concatenate([w for _, w in picked])
        draws.append(DescrStatsW(values, weights=weights).corrcoef[-1, 0])
    assert got.loc["ease", "correlation_ci_low"] == pytest.approx(np.percentile(draws, 2.5), abs=0.04)
    assert got.loc["ease", "correlation_ci_high"] == pytest.approx(np.percentile(draws, 97.5), abs=0.04)


def test_cell_importance_with_too_few_cells_says_so(cells: pd.DataFrame):
    got = cell_importance(cells.head(8), outcome="satisfied", items=["ease", "speed"], cluster="service")
    assert got["importance"].isna().all()
    assert got["note"].iloc[0] == ("8 complete cells in 2 clusters: too few (at least 20 cells in 3 clusters, each "
                                   "measure varying, are needed)")
