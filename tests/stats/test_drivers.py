"""Reliability and drivers: checked by hand and against statsmodels and scipy on real data."""

from __future__ import annotations

from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from cxlab.stats.drivers import cronbach_alpha, importance, quadrant

EMPLOYEE = ["Q15_2", "Q15_3", "Q15_4"]  # City employees: knowledge, overall service, responsiveness
COMMUNICATION = ["Q13_1", "Q13_2", "Q13_3", "Q13_4"]  # access, information, outreach, website
OUTCOME = "Q2_6"  # quality of services provided by the City



def hand_alpha(items: pd.DataFrame) -> float:
    x = items.dropna().to_numpy(float)
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def r_squared(x: np.ndarray, y: np.ndarray) -> float:
    return sm.OLS(y, sm.add_constant(x)).fit().rsquared


def test_alpha_of_the_employee_items_by_hand(residents):
    result = cronbach_alpha(residents, items=EMPLOYEE).iloc[0]
    assert result["alpha"] == pytest.approx(hand_alpha(residents[EMPLOYEE]))
    assert result["n"] == len(residents[EMPLOYEE].dropna())
    assert result["ci_low"] < result["alpha"] < result["ci_high"]
    by_district = cronbach_alpha(residents, items=EMPLOYEE, by=["district"])
    assert len(by_district) == 9
    for _, row in by_district.iterrows():
        rows = residents.loc[residents["district"] == row["district"], EMPLOYEE]
        assert row["alpha"] == pytest.approx(hand_alpha(rows))


def test_alpha_of_awkward_cells_says_why():
    few = pd.DataFrame({"a": [1, 2, 3], "b": [2, 3, 4]})
    result = cronbach_alpha(few, items=["a", "b"]).iloc[0]
    assert result["suppressed"] and np.isnan(result["alpha"])
    assert result["note"].startswith("suppressed")
    flat = pd.DataFrame({"a": [3] * 12, "b": [4] * 12})
    assert "undefined" in cronbach_alpha(flat, items=["a", "b"]).loc[0, "note"]
    with pytest.raises(ValueError, match="two items"):
        cronbach_alpha(flat, items=["a"])


def test_relative_weights_add_up_to_the_ols_r_squared(residents):
    result = importance(residents, outcome=OUTCOME, items=COMMUNICATION, n_boot=100)
    complete = residents[COMMUNICATION + [OUTCOME]].dropna().to_numpy(float)
    r2 = r_squared(complete[:, :-1], complete[:, -1])
    assert result["r2"].iloc[0] == pytest.approx(r2)
    assert result["importance"].sum() == pytest.approx(100)
    assert (result["n"] == len(complete)).all()
    rho = stats.spearmanr(complete).correlation[-1, :-1]
    assert np.allclose(result["spearman"], rho)
    performance = (complete[:, :-1].mean(axis=0) - 1) / 4 * 100
    assert np.allclose(result["performance"], performance)
    assert ((result["importance_ci_low"] <= result["importance"])
            & (result["importance"] <= result["importance_ci_high"])).all()
    assert ((result["spearman_ci_low"] <= result["spearman"])
            & (result["spearman"] <= result["spearman_ci_high"])).all()


def test_shapley_shares_match_a_hand_enumeration_of_subsets(residents):
    result = importance(residents, outcome=OUTCOME, items=COMMUNICATION, method="shapley",
                        n_boot=50)
    complete = residents[COMMUNICATION + [OUTCOME]].dropna().to_numpy(float)
    x, y, k = complete[:, :-1], complete[:, -1], len(COMMUNICATION)

    def fit(subset: tuple[int, ...]) -> float:
        return r_squared(x[:, list(subset)], y) if subset else 0.0

    shapley = np.zeros(k)
    for j in range(k):
        others = [i for i in range(k) if i != j]
        for size in range(k):
            weight = factorial(size) * factorial(k - size - 1) / factorial(k)
            for subset in combinations(others, size):
                shapley[j] += weight * (fit(tuple(sorted(subset + (j,)))) - fit(subset))
    assert np.allclose(result["importance"], shapley / shapley.sum() * 100)
    assert result["r2"].iloc[0] == pytest.approx(shapley.sum())
    weights = importance(residents, outcome=OUTCOME, items=COMMUNICATION, n_boot=50)
    assert np.allclose(weights["importance"], result["importance"], atol=3)  # close, not equal


def test_bootstrap_is_reproducible_with_its_seed(residents):
    first = importance(residents, outcome=OUTCOME, items=EMPLOYEE, n_boot=60, seed=7)
    again = importance(residents, outcome=OUTCOME, items=EMPLOYEE, n_boot=60, seed=7)
    other = importance(residents, outcome=OUTCOME, items=EMPLOYEE, n_boot=60, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["importance_ci_low"], other["importance_ci_low"])


def test_importance_of_awkward_data_says_why():
    few = pd.DataFrame({"y": [1, 2, 3, 4], "a": [2, 3, 3, 5], "b": [1, 1, 2, 2]})
    result = importance(few, outcome="y", items=["a", "b"])
    assert result["importance"].isna().all() and result["note"].str.startswith("suppressed").all()
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.integers(1, 6, 40), "flat": 3, "y": rng.integers(1, 6, 40)})
    partly = importance(df, outcome="y", items=["a", "flat"], n_boot=30).set_index("item")
    assert partly.loc["a", "importance"] == pytest.approx(100)
    assert np.isnan(partly.loc["flat", "importance"])
    assert partly.loc["flat", "note"] == "no variance: left out of the model"
    with pytest.raises(ValueError, match="method"):
        importance(df, outcome="y", items=["a"], method="magic")


def test_quadrant_by_hand_and_items_without_values():
    items = pd.DataFrame({"item": ["a", "b", "c", "d", "e"],
                          "importance": [40.0, 30.0, 10.0, 20.0, np.nan],
                          "performance": [50.0, 90.0, 60.0, 80.0, 70.0]})
    result = quadrant(items, split="median")
    assert result["importance_cut"].iloc[0] == 25 and result["performance_cut"].iloc[0] == 70
    assert result["quadrant"].tolist() == ["strong link, rated low", "strong link, rated high",
                                           "weak link, rated low", "weak link, rated high", ""]
    assert result["note"].tolist()[-1].startswith("not placed")
    assert result.loc[:3, "note"].eq("").all()
