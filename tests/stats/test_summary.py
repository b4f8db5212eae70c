"""Summaries: checked against independent computations on the bundled real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.special import expit

import cxlab
from cxlab.stats.summary import (
    SUMMARY_COLUMNS,
    nps,
    rescale,
    summarize,
    summarize_counts,
    summarize_points,
    top_box,
)

COUNTS = [f"count_{i}" for i in range(1, 6)]
ESTIMATES = ["mean_original", "mean", "sd", "se", "ci_low", "ci_high"]




def expand(counts: np.ndarray) -> np.ndarray:
    """Answer counts at points 1-5 turned back into one answer per respondent."""
    return np.repeat(np.arange(1.0, 6.0), np.asarray(counts, dtype=np.int64))


def assert_every_gap_explained(table: pd.DataFrame, columns: list[str]) -> None:
    """No unexplained NaN: a row with a missing estimate has a note."""
    missing = table[columns].isna().any(axis=1)
    assert (table.loc[missing, "note"].str.len() > 0).all(), table.loc[missing]


def logit_interval(x100: np.ndarray) -> tuple[float, float]:
    """The 95% interval of a 0-100 mean on the logit scale, by hand (scipy's t and expit)."""
    p, se = x100.mean() / 100, stats.sem(x100) / 100
    half = stats.t.ppf(0.975, len(x100) - 1) * se / (p * (1 - p))
    centre = np.log(p / (1 - p))
    return 100 * expit(centre - half), 100 * expit(centre + half)


def test_a11_counts_match_the_expanded_respondents(a11_questions):
    sat = a11_questions[(a11_questions["driver"] == "satisfaction") & (a11_questions["n"] < 50_000)]
    table = summarize_counts(sat, counts=COUNTS, by=["agency_abbr", "period"], min_n=10)
    assert list(table.columns) == ["agency_abbr", "period"] + SUMMARY_COLUMNS
    checked = table[~table["suppressed"]].sample(25, random_state=3)
    for _, cell in checked.iterrows():
        rows = sat[(sat["agency_abbr"] == cell["agency_abbr"]) & (sat["period"] == cell["period"])]
        x = expand(rows[COUNTS].sum().to_numpy())
        x100 = (x - 1) / 4 * 100
        low, high = logit_interval(x100)
        assert cell["n"] == len(x)
        assert cell["mean_original"] == pytest.approx(x.mean(), rel=1e-12)
        assert cell["mean"] == pytest.approx(x100.mean(), rel=1e-12)
        assert cell["sd"] == pytest.approx(x100.std(ddof=1), rel=1e-10)
        assert cell["se"] == pytest.approx(stats.sem(x100), rel=1e-10)
        assert (cell["ci_low"], cell["ci_high"]) == pytest.approx((low, high), rel=1e-10)
        assert cell["basis"] == "answer counts" and cell["has_interval"]


def test_a11_means_agree_with_the_means_the_agencies_reported(a11_questions):
    # The file's point_scale is each record's mean rounded to two decimals.
    table = summarize_counts(a11_questions, counts=COUNTS, by=["record_id", "question"], min_n=1)
    merged = table.merge(a11_questions[["record_id", "question", "reported_mean"]])
    assert len(merged) == len(a11_questions)
    assert (merged["mean_original"] - merged["reported_mean"]).abs().max() <= 0.005 + 1e-9


def test_respondent_summary_matches_pandas_and_scipy_by_district(residents):
    table = summarize(residents, value=["Q15_3", "Q2_6"], by=["district"])
    assert set(table["measure"]) == {"Q15_3", "Q2_6"}
    for (district, item), cell in table.set_index(["district", "measure"]).iterrows():
        x = residents.loc[residents["district"] == district, item].dropna().to_numpy(float)
        x100 = (x - 1) / 4 * 100
        assert cell["n"] == len(x)
        assert cell["mean"] == pytest.approx(x100.mean())
        assert cell["se"] == pytest.approx(stats.sem(x100))
        assert (cell["ci_low"], cell["ci_high"]) == pytest.approx(logit_interval(x100))
        # with hundreds of residents the logit interval is the t interval to the shown precision
        low, high = stats.t.interval(0.95, len(x) - 1, loc=x100.mean(), scale=stats.sem(x100))
        assert abs(cell["ci_low"] - low) < 0.2 and abs(cell["ci_high"] - high) < 0.2


def test_unit_weights_reproduce_the_unweighted_summary(residents):
    plain = summarize(residents, value="Q15_3", by=["district"])
    weighted = summarize(residents.assign(w=1.0), value="Q15_3", by=["district"], weight="w")
    assert (weighted["basis"] == "weighted respondents").all()
    pd.testing.assert_frame_equal(plain.drop(columns="basis"), weighted.drop(columns="basis"))


def test_weighted_summary_by_hand():
    # x = 1 (weight 1) and x = 5 (weight 3): mean 4, Kish n_eff = 16 / 10 = 1.6,
    # variance = (1 * 9 + 3 * 1) / 4 * 1.6 / 0.6 = 8, se = sqrt(8 / 1.6) on the 1-5 scale.
    df = pd.DataFrame({"q": [1, 5], "w": [1.0, 3.0]})
    cell = summarize(df, value="q", weight="w", min_n=0).iloc[0]
    assert cell["mean_original"] == pytest.approx(4.0)
    assert cell["n_eff"] == pytest.approx(1.6)
    assert cell["sd"] == pytest.approx(np.sqrt(8) * 25)
    assert cell["se"] == pytest.approx(np.sqrt(8 / 1.6) * 25)
    half = stats.t.ppf(0.975, 0.6) * np.sqrt(5) * 25 / 100 / (0.75 * 0.25)
    assert cell["ci_high"] == pytest.approx(100 * expit(np.log(3) + half))


def test_published_points_carry_no_invented_interval():
    scores = cxlab.load("cx_benchmarks")
    table = summarize_points(scores, by=["index", "series", "entity", "period"])
    assert np.allclose(table["mean"], scores["score_100"])
    assert table[["n", "se", "ci_low", "ci_high"]].isna().all().all()
    assert not table["has_interval"].any() and not table["suppressed"].any()
    assert (table["basis"] == "published point").all()
    assert table["note"].str.contains("no standard error").all()


def test_published_points_in_one_cell_are_refused():
    pts = pd.DataFrame({"series": ["a", "a"], "score": [1.0, 2.0], "scale_max": 100})
    with pytest.raises(ValueError, match="share a cell"):
        summarize_points(pts, by=["series"])


def test_small_cells_are_suppressed_and_say_so(residents):
    two = residents[residents["district"].isin(["District 1", "District 2"])]
    few = two.assign(district=two["district"].cat.remove_unused_categories()).groupby("district").head(8)
    assert len(few) == 16
    table = summarize(few, value="Q15_3", by=["district"])
    assert table["suppressed"].all()
    assert table[ESTIMATES].isna().all().all()
    assert table["n"].notna().all()  # the size stays visible
    assert table["note"].str.startswith("suppressed").all()
    shares = top_box(few, value="Q15_3", by=["district"])
    assert shares["suppressed"].all() and shares["share"].isna().all()


def test_awkward_cells_each_give_a_row_with_a_reason():
    df = pd.DataFrame({
        "cell": pd.Categorical(["flat"] * 12 + ["one"] + ["blank"] * 3,
                               categories=["flat", "one", "blank", "empty"]),
        "q": [4] * 12 + [2] + [None] * 3,
    })
    table = summarize(df, value="q", by=["cell"], min_n=1).set_index("cell")
    assert list(table.index) == ["flat", "one", "blank", "empty"]
    assert table.loc["flat", "sd"] == 0 and "zero variance" in table.loc["flat", "note"]
    assert table.loc["one", "mean"] == 25 and "one answer" in table.loc["one", "note"]
    assert table.loc["blank", "n"] == 0 and table.loc["blank", "note"] == "no valid answers"
    assert table.loc["empty", "n"] == 0 and table.loc["empty", "note"] == "no valid answers"
    assert_every_gap_explained(table, ESTIMATES)
    nothing = summarize(df.iloc[:0], value="q")
    assert len(nothing) == 1 and nothing.loc[0, "note"] == "no valid answers"


def test_missing_codes_are_never_scores():
    with pytest.raises(ValueError, match="missing codes"):
        summarize(pd.DataFrame({"q": [1, 5, 9]}), value="q")


def test_top_box_wilson_interval_by_hand(residents):
    table = top_box(residents, value="Q15_3")
    x = residents["Q15_3"].dropna().to_numpy(float)
    n, p, z = len(x), np.mean(x >= 4), stats.norm.ppf(0.975)
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    cell = table.iloc[0]
    assert cell["share"] == pytest.approx(100 * p)
    assert (cell["ci_low"], cell["ci_high"]) == pytest.approx((100 * (centre - half),
                                                               100 * (centre + half)))


def test_top_box_from_counts_equals_top_box_of_the_respondents(a11_questions):
    rows = a11_questions[(a11_questions["driver"] == "trust") & (a11_questions["n"].between(50, 5000))].head(30)
    from_counts = top_box(rows, counts=COUNTS, by=["record_id"])
    answers = pd.DataFrame({
        "record_id": np.repeat(rows["record_id"].to_numpy(), rows["n"].to_numpy()),
        "q": np.concatenate([expand(c) for c in rows[COUNTS].to_numpy()]),
    })
    from_rows = top_box(answers, value="q", by=["record_id"])
    cols = ["n", "share", "ci_low", "ci_high"]
    pd.testing.assert_frame_equal(from_counts[cols], from_rows[cols])


def test_nps_by_hand():
    # 6 promoters, 3 detractors, 3 passives: NPS = 100 * (6 - 3) / 12 = 25.
    answers = [10, 9, 9, 10, 9, 10, 7, 8, 8, 0, 6, 3]
    table = nps(pd.DataFrame({"r": answers}), value="r")
    score = np.select([np.array(answers) >= 9, np.array(answers) <= 6], [1, -1], 0)
    cell = table.iloc[0]
    assert (cell["promoters"], cell["detractors"], cell["nps"]) == pytest.approx((50, 25, 25))
    assert cell["se"] == pytest.approx(100 * stats.sem(score))
    assert cell["ci_low"] >= -100 and cell["ci_high"] <= 100
    with pytest.raises(ValueError, match="outside the scale 0-10"):
        nps(pd.DataFrame({"r": [11]}), value="r")


def test_rescale():
    assert rescale(np.array([1, 3, 5]), scale=(1, 5)).tolist() == [0, 50, 100]
    with pytest.raises(ValueError):
        rescale(1, scale=(5, 5))


def test_suppressed_cells_claim_no_interval(residents):
    table = summarize(residents.head(40), value="Q15_3", by=["district"])
    assert table["suppressed"].any()
    assert not table.loc[table["suppressed"], "has_interval"].any()


def test_weights_must_be_positive_where_answers_exist():
    with pytest.raises(ValueError, match="positive"):
        summarize(pd.DataFrame({"q": [1, 2], "w": [1.0, 0.0]}), value="q", weight="w")


@pytest.mark.parametrize("by", [["unit", "wave"], ["wave", "region"], ["region"], []])
@pytest.mark.parametrize("weighted", [False, True])
def test_cells_are_those_of_a_plain_pandas_groupby(by, weighted):
    # Several keys (categorical with an unused category, text, float), missing keys and
    # answers, integer and float items: n, mean and sd per cell as a plain groupby gives them.
    rng = np.random.default_rng(11)
    rows = 600
    df = pd.DataFrame({
        "unit": pd.Categorical(rng.choice(["b", "a", None], rows, p=[0.5, 0.45, 0.05]),
                               categories=["c", "b", "a"]),
        "wave": rng.choice(["w2", "w1", None], rows, p=[0.5, 0.45, 0.05]),
        "region": rng.choice([2.0, 1.0, np.nan], rows, p=[0.5, 0.45, 0.05]),
        "int8": rng.integers(1, 6, rows).astype(np.int8),
        "nullable": pd.array(rng.integers(1, 6, rows), dtype="Int64"),
        "w": rng.uniform(0.5, 2.0, rows),
    })
    df.loc[rng.random(rows) < 0.1, "nullable"] = pd.NA
    df["float"] = df["nullable"].astype("float64")
    weight = "w" if weighted else None
    for item in ["int8", "nullable", "float"]:
        table = summarize(df, value=item, by=by, weight=weight, min_n=0)
        x = df[item].astype("float64")
        w = (df["w"] if weighted else pd.Series(1.0, index=df.index)).where(x.notna())
        parts = pd.DataFrame({"n": x.notna().astype(float), "sw": w, "sw2": w * w,
                              "swx": w * x, "swx2": w * x * x})
        if by:
            sums = parts.join(df[by]).groupby(by, observed=False, dropna=False,
                                              sort=True).sum().reset_index()
        else:
            sums = parts.sum().to_frame().T
        mean = sums["swx"] / sums["sw"]
        n_eff = sums["sw"] ** 2 / sums["sw2"]
        var = (sums["swx2"] / sums["sw"] - mean**2) * n_eff / (n_eff - 1)
        pd.testing.assert_frame_equal(table[by], sums[by])
        assert table["n"].tolist() == sums["n"].astype(int).tolist()
        several = (sums["n"] >= 2).to_numpy()
        np.testing.assert_allclose(table["n_eff"][several], n_eff[several], rtol=1e-12)
        np.testing.assert_allclose(table["mean_original"][several], mean[several], rtol=1e-12)
        np.testing.assert_allclose(table["sd"][several], np.sqrt(var[several]) * 25,
                                   rtol=1e-9)
        assert (table.loc[~several, "note"] != "").all()


def test_integer_answers_are_tallied_in_blocks_as_the_float_path_sums_them():
    # More rows than one block of the tally, a scale below 0, numpy and nullable integers: the
    # answer counts give the cells, n and estimates of the moment sums of the same answers as floats.
    rng = np.random.default_rng(5)
    rows = 3 * 65536 + 17
    df = pd.DataFrame({"unit": pd.Categorical.from_codes(rng.integers(0, 7, rows), list("gfedcba")),
                       "wave": rng.integers(0, 3, rows),
                       "q": rng.integers(-2, 3, rows).astype(np.int16)})
    nullable = df["q"].astype("Int64").mask(rng.random(rows) < 0.05)
    for answers in (df["q"], nullable):
        by = dict(value="q", by=["unit", "wave"], scale=(-2, 2))
        tallied = summarize(df.assign(q=answers), **by)
        summed = summarize(df.assign(q=answers.astype("float64")), **by)
        assert tallied["n"].tolist() == summed["n"].tolist() == df.assign(q=answers).groupby(
            ["unit", "wave"], observed=False)["q"].count().tolist()
        pd.testing.assert_frame_equal(tallied, summed, check_exact=False, rtol=1e-10)


def test_an_interval_far_out_on_the_logit_scale_ends_on_the_scale_without_a_warning():
    """A mean a hair above the floor with a wide standard error: exp overflows, the end is the floor."""
    import warnings

    from cxlab.stats.summary import bounded_interval

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the Dask test of weighted summaries met this as a RuntimeWarning
        low, high = bounded_interval(np.array([0.0001, 99.9999]), np.array([1.0, 1.0]), np.array([50, 50]))
    assert low[0] == 0.0 and high[1] == 100.0
    centre, half = np.log(1e-6 / (1 - 1e-6)), stats.t.ppf(0.975, 50) * 0.01 / (1e-6 * (1 - 1e-6))
    assert high[0] == pytest.approx(100 * expit(centre + half), rel=1e-9)
