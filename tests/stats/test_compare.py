"""Comparisons: checked against scipy, statsmodels and pingouin on the bundled real data."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

from cxlab.stats.compare import (
    GAP_COLUMNS,
    _quiet_pingouin,
    adjust_fdr,
    gap_change,
    gaps,
    games_howell,
    mann_whitney,
    trend,
    welch_anova,
)
from cxlab.stats.summary import rescale, summarize, summarize_counts, summarize_points

COUNTS = [f"count_{i}" for i in range(1, 6)]
PINGOUIN_NAMES = {"p_val", "p-val", "pval", "CI95", "CI95%", "p_unc", "p_corr", "hedges", "T",
                  "dof", "U_val", "RBC", "CLES", "A", "B", "ddof1", "ddof2", "np2", "F"}


@pytest.fixture(scope="module")
def small_a11(a11_questions: pd.DataFrame) -> pd.DataFrame:
    """Satisfaction rows small enough to expand into single answers."""
    return a11_questions[(a11_questions["driver"] == "satisfaction") & (a11_questions["n"] < 20_000)]


@pytest.fixture(scope="module")
def rated(residents: pd.DataFrame) -> pd.DataFrame:
    """Residents with their overall customer-service rating (Q15_3) on 0-100 as ``q``, districts as text '1' ... '9'."""
    return residents.assign(q=rescale(residents["Q15_3"].astype("Float64"), scale=(1, 5)),
                            district=residents["district"].astype(str).str.removeprefix("District "))


def respondents(small_a11: pd.DataFrame, agency: str, period: str) -> np.ndarray:
    """The expanded answers of one agency in one period, on 0-100."""
    counts = small_a11.loc[(small_a11["agency_abbr"] == agency) & (small_a11["period"] == period), COUNTS].sum()
    return (np.repeat(np.arange(5.0), counts.to_numpy(dtype=np.int64))) * 25


def test_welch_gaps_from_counts_match_scipy_and_pingouin_on_respondents(small_a11):
    table = summarize_counts(small_a11, counts=COUNTS, by=["period", "agency_abbr"])
    result = gaps(table, versus="agency_abbr", reference="DOC")
    assert list(result.columns) == ["period", "measure"] + GAP_COLUMNS
    tested = result[result["has_interval"]]
    assert len(tested) > 50
    for _, row in tested.sample(12, random_state=1).iterrows():
        x = respondents(small_a11, row["group_a"], row["period"])
        y = respondents(small_a11, "DOC", row["period"])
        ref = stats.ttest_ind(x, y, equal_var=False)
        ci = ref.confidence_interval(0.95)
        assert row["diff"] == pytest.approx(x.mean() - y.mean(), rel=1e-10)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high), rel=1e-8)
        assert row["t"] == pytest.approx(ref.statistic, rel=1e-8)
        assert row["df"] == pytest.approx(ref.df, rel=1e-8)
        assert row["p_value"] == pytest.approx(ref.pvalue, rel=1e-6, abs=1e-300)
        assert row["hedges_g"] == pytest.approx(pg.compute_effsize(x, y, eftype="hedges"),
                                                rel=1e-8)


def test_all_pairs_of_districts_match_scipy(rated):
    table = summarize(rated, value="Q15_3", by=["district"])
    result = gaps(table, versus="district")
    assert len(result) == 9 * 8 / 2
    assert (result["group_a"] < result["group_b"]).all()
    row = result[(result["group_a"] == "3") & (result["group_b"] == "7")].iloc[0]
    x = rated.loc[rated["district"] == "3", "q"].dropna().to_numpy(float)
    y = rated.loc[rated["district"] == "7", "q"].dropna().to_numpy(float)
    ci = stats.ttest_ind(x, y, equal_var=False).confidence_interval()
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high))


def test_gap_notes_explain_every_missing_interval():
    summary = pd.concat([
        summarize(pd.DataFrame({"g": ["big"] * 20 + ["small"] * 4 + ["flat"] * 12,
                                "q": [1, 2, 3, 4, 5] * 4 + [3] * 4 + [4] * 12}),
                  value="q", by=["g"]),
        summarize(pd.DataFrame({"g": ["flat2"] * 12, "q": [4] * 12}), value="q", by=["g"]),
    ], ignore_index=True)
    result = gaps(summary, versus="g", reference="flat").set_index("group_a")
    assert result.loc["small", "suppressed"] and np.isnan(result.loc["small", "diff"])
    assert result.loc["small", "note"].startswith("suppressed")
    assert result.loc["big", "has_interval"] and result.loc["big", "note"] == ""
    assert result.loc["flat2", "diff"] == 0 and "no variance" in result.loc["flat2", "note"]
    with pytest.raises(ValueError, match=r"reference 'nowhere' is not a level of 'g'; its levels: big, flat, flat2, small"):
        gaps(summary, versus="g", reference="nowhere")


def test_a_reference_is_read_as_the_column_s_own_type_and_compared_with_the_others_only():
    """issue 14, problem 7: an integer reference of text entity codes gave an all-NaN table with a self-comparison."""
    data = pd.DataFrame({"entity": ["5001"] * 12 + ["5002"] * 12, "q": [1, 2, 3, 4, 5, 4] * 2 + [5, 5, 4, 4, 3, 5] * 2})
    summary = summarize(data, value="q", by=["entity"])
    result = gaps(summary, versus="entity", reference=5001)
    assert result[["group_a", "group_b"]].values.tolist() == [["5002", "5001"]]
    x, y = (data.loc[data["entity"] == e, "q"].to_numpy(float) for e in ("5002", "5001"))
    welch = stats.ttest_ind((x - 1) * 25, (y - 1) * 25, equal_var=False)
    assert result.loc[0, "p_value"] == pytest.approx(welch.pvalue) and result.loc[0, "note"] == ""
    numbered = summarize(data.assign(entity=data["entity"].astype(int)), value="q", by=["entity"])
    assert gaps(numbered, versus="entity", reference="5001")["diff"].tolist() == result["diff"].tolist()
    with pytest.raises(ValueError, match="cannot be one: 'entity' holds numbers"):
        gaps(numbered, versus="entity", reference="Manufacturing")


def test_published_points_give_a_difference_without_interval(scores: pd.DataFrame):
    forrester = scores[scores["index"] == "Forrester CX Index"]
    table = summarize_points(forrester, by=["period", "series"])
    result = gaps(table, versus="series", reference="private_sector")
    both = result.dropna(subset=["diff"])
    assert set(both["period"]) == {"2016", "2018", "2019", "2020", "2021"}
    assert both.loc[both["period"] == "2019", "diff"].iloc[0] == pytest.approx(59.7 - 70.8)
    assert both[["se", "ci_low", "ci_high", "p_value"]].isna().all().all()
    assert (both["note"] == "published points: difference without interval").all()
    assert not result["has_interval"].any()


def test_change_of_a_gap_against_two_separate_scipy_tests(small_a11):
    table = summarize_counts(small_a11, counts=COUNTS, by=["period", "agency_abbr"])
    result = gaps(table, versus="agency_abbr", reference="DOC")
    change = gap_change(result, start="FY2021-Q3", end="FY2022-Q3")
    row = change.set_index("group_a").loc["VA"]
    parts = []
    for period in ("FY2021-Q3", "FY2022-Q3"):
        ref = stats.ttest_ind(respondents(small_a11, "VA", period), respondents(small_a11, "DOC", period),
                              equal_var=False)
        diff = ref.statistic * (ref.confidence_interval().high - ref.confidence_interval().low) / (
            2 * stats.t.ppf(0.975, ref.df))
        parts.append((diff, diff / ref.statistic, ref.df))
    (d1, se1, df1), (d2, se2, df2) = parts
    se = np.hypot(se1, se2)
    dof = (se1**2 + se2**2) ** 2 / (se1**4 / df1 + se2**4 / df2)
    assert row["change"] == pytest.approx(d2 - d1, rel=1e-8)
    assert row["se"] == pytest.approx(se, rel=1e-8)
    assert row["ci_low"] == pytest.approx(d2 - d1 - stats.t.ppf(0.975, dof) * se, rel=1e-8)
    no_start = change[change["diff_start"].isna()]
    assert (no_start["note"].str.len() > 0).all()


def test_trend_matches_scipy_theil_sen_and_statsmodels_ols(scores: pd.DataFrame):
    fed = scores[(scores["index"] == "ACSI") & (scores["series"] == "federal_government")]
    result = trend(fed, value="score", time="time").iloc[0]
    ts = stats.theilslopes(fed["score"], fed["time"], alpha=0.95)
    ols = sm.OLS(fed["score"].to_numpy(), sm.add_constant(fed["time"].to_numpy())).fit()
    assert result["n_points"] == len(fed) and result["trend_estimated"]
    assert result["theil_sen_slope"] == pytest.approx(ts.slope)
    assert (result["theil_sen_low"], result["theil_sen_high"]) == pytest.approx(
        (ts.low_slope, ts.high_slope))
    assert result["slope"] == pytest.approx(ols.params[1])
    assert (result["slope_ci_low"], result["slope_ci_high"]) == pytest.approx(
        tuple(ols.conf_int()[1]))
    assert result["p_value"] == pytest.approx(ols.pvalues[1])


def test_no_trend_is_claimed_from_too_few_points(scores: pd.DataFrame):
    result = trend(scores, value="score", time="time", by=["index", "series"])
    private = result[(result["index"] == "ACSI") & (result["series"] == "private_sector")]
    assert len(private) == 1 and not private["trend_estimated"].any() and private["slope"].isna().all()
    assert private["note"].str.contains("fewer than 5, no trend claimed").all()
    single = trend(pd.DataFrame({"time": [2020.0], "diff": [-5.0]}))
    assert single.loc[0, "note"] == "1 points: fewer than 5, no trend claimed"
    same_time = trend(pd.DataFrame({"time": [2020.0] * 6, "diff": np.arange(6.0)}))
    assert "same time" in same_time.loc[0, "note"]


def test_welch_anova_and_games_howell_match_pingouin(rated):
    data = rated[["district", "q"]].dropna().astype({"q": float})
    anova = welch_anova(data, value="q", between="district").iloc[0]
    direct = pg.welch_anova(data=data, dv="q", between="district").iloc[0]
    assert anova["f"] == pytest.approx(direct["F"])
    assert anova["p_value"] == pytest.approx(direct["p_unc"])
    assert anova["k_groups"] == 9 and anova["note"] == ""
    pairs = games_howell(data, value="q", between="district")
    direct = pg.pairwise_gameshowell(data=data, dv="q", between="district")
    assert len(pairs) == 36
    assert np.allclose(pairs["p_value"], direct["pval"])
    assert np.allclose(pairs["diff"], direct["diff"])
    assert np.allclose(pairs["hedges_g"], direct["hedges"])


def test_group_tests_leave_out_small_groups_and_say_so(rated):
    data = rated[["district", "q"]].dropna()
    data = pd.concat([data[data["district"] != "9"], data[data["district"] == "9"].head(5)])
    anova = welch_anova(data, value="q", between="district").iloc[0]
    assert anova["k_groups"] == 8 and "['9']" in anova["note"]
    lone = welch_anova(data[data["district"].isin(["1", "9"])], value="q", between="district")
    assert np.isnan(lone.loc[0, "f"]) and "fewer than 2 groups" in lone.loc[0, "note"]
    flat = pd.DataFrame({"g": ["a"] * 10 + ["b"] * 10, "q": [3.0] * 10 + [4.0] * 10})
    assert "zero variance" in games_howell(flat, value="q", between="g").loc[0, "note"]


def test_benjamini_hochberg_matches_statsmodels(rated):
    table = gaps(summarize(rated, value=["Q15_3", "Q2_6"], by=["district"]),
                 versus="district")
    table.loc[3, "p_value"] = np.nan
    result = adjust_fdr(table, by=["measure"])
    for _, family in result.groupby("measure"):
        have = family["p_value"].notna()
        reject, adjusted, _, _ = multipletests(family.loc[have, "p_value"], method="fdr_bh")
        assert np.allclose(family.loc[have, "p_adjusted"], adjusted)
        assert (family.loc[have, "significant"] == reject).all()
    assert np.isnan(result.loc[3, "p_adjusted"]) and not result.loc[3, "significant"]


def test_mann_whitney_matches_scipy(rated):
    result = mann_whitney(rated, value="Q15_3", between="district", groups=("1", "5")).iloc[0]
    x = rated.loc[rated["district"] == "1", "Q15_3"].dropna().to_numpy(float)
    y = rated.loc[rated["district"] == "5", "Q15_3"].dropna().to_numpy(float)
    ref = stats.mannwhitneyu(x, y, alternative="two-sided")
    assert result["u"] == ref.statistic and result["p_value"] == pytest.approx(ref.pvalue)
    assert result["rank_biserial"] == pytest.approx(2 * ref.statistic / (len(x) * len(y)) - 1)
    assert result["median_a"] == np.median(x)
    small = mann_whitney(rated.head(30), value="Q15_3", between="district", groups=("1", "5"))
    assert small.loc[0, "note"].startswith("suppressed") and np.isnan(small.loc[0, "u"])


def test_no_dependency_column_names_leak(rated):
    data = rated[["district", "q"]].dropna()
    tables = [
        welch_anova(data, value="q", between="district"),
        games_howell(data, value="q", between="district"),
        mann_whitney(data, value="q", between="district", groups=("1", "2")),
        trend(pd.DataFrame({"time": np.arange(6.0), "diff": np.arange(6.0) ** 2})),
        gaps(summarize(rated, value="Q15_3", by=["district"]), versus="district"),
    ]
    for table in tables:
        assert not PINGOUIN_NAMES & set(table.columns), table.columns


def test_only_pandas4_warnings_from_pingouin_are_silenced():
    pandas4 = getattr(pd.errors, "Pandas4Warning", None)
    if pandas4 is None:
        pytest.skip("this pandas has no Pandas4Warning")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with _quiet_pingouin():
            warnings.warn_explicit("from pingouin", pandas4, "parametric.py", 1,
                                   module="pingouin.parametric")
            warnings.warn_explicit("from elsewhere", pandas4, "mine.py", 1, module="mine")
            warnings.warn("another kind", DeprecationWarning)
    assert [str(w.message) for w in seen] == ["from elsewhere", "another kind"]


def test_weighted_gaps_use_the_design_effect():
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"g": np.repeat(["a", "b"], 200), "q": rng.integers(1, 6, 400),
                       "w": rng.uniform(0.2, 3.0, 400)})
    summary = summarize(df, value="q", by=["g"], weight="w")
    row = gaps(summary, versus="g", reference="b").iloc[0]
    se_a, se_b = summary["se"]
    ne_a, ne_b = summary["n_eff"]
    assert row["se"] == pytest.approx(np.hypot(se_a, se_b))
    assert row["df"] == pytest.approx((se_a**2 + se_b**2) ** 2
                                      / (se_a**4 / (ne_a - 1) + se_b**4 / (ne_b - 1)))
    assert ne_a < 200 and ne_b < 200


def test_trend_of_a_gap_series_from_the_a11_counts(small_a11):
    table = summarize_counts(small_a11, counts=COUNTS, by=["period", "time", "agency_abbr"])
    series = gaps(table, versus="agency_abbr", reference="DOC")
    result = trend(series, value="diff", time="time", by=["group_a"]).set_index("group_a")
    va = series[series["group_a"] == "VA"].dropna(subset=["diff"])
    assert result.loc["VA", "n_points"] == len(va) >= 5
    assert result.loc["VA", "theil_sen_slope"] == pytest.approx(
        stats.theilslopes(va["diff"], va["time"]).slope)
    short = result[result["n_points"] < 5]
    assert not short.empty and short["slope"].isna().all() and not short["trend_estimated"].any()
