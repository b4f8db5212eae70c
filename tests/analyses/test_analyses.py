"""The analyses behind the notebooks: findings sentences state the numbers of their tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from scipy import stats
from scipy.special import expit

from cxlab.analyses import drivers, federal_overview, groups, sector_gap, service_scorecard
from cxlab.build.catalog import read_catalog
from cxlab.report.findings import interval_text

VA = dict(agency="Department of Veterans Affairs", service="Receiving outpatient services")
COUNTS = [f"count_{k}" for k in range(1, 6)]




def _findings(block) -> list[str]:
    return list(block.findings)


def test_the_catalog_yields_at_least_50_reports_with_one_scorecard_per_service_with_two_quarters(a11):
    instances = read_catalog()
    assert len(instances) >= 50
    scorecards = {(i.parameters["agency"], i.parameters["service"]) for i in instances
                  if i.notebook.name == "service_scorecard.ipynb"}
    quarters = a11.groupby(["agency", "service"])["period"].nunique()
    assert scorecards == set(quarters[quarters >= 2].index)


def test_scorecard_headline_is_the_exact_mean_of_the_latest_quarter(a11):
    card = service_scorecard.run(**VA, a11=a11)
    rows = service_scorecard.select_service(a11, **VA)
    latest = rows[(rows["period"] == "FY2023-Q1") & (rows["driver"] == "satisfaction")]
    counts = latest[COUNTS].sum().to_numpy(float)  # one satisfaction question per record: whole counts
    assert (counts == counts.round()).all()
    answers = np.repeat(np.arange(1, 6), counts.astype(int))
    x100 = (answers - 1) / 4 * 100
    p, se = x100.mean() / 100, stats.sem(x100) / 100
    half = stats.t.ppf(0.975, len(x100) - 1) * se / (p * (1 - p))
    low, high = (100 * expit(np.log(p / (1 - p)) + s * half) for s in (-1, 1))
    first = _findings(card.findings)[0]
    assert first == (f"In FY2023-Q1, satisfaction with Receiving outpatient services was {x100.mean():.1f} "
                     f"({interval_text(low, high)}) on a 0-100 scale ({len(answers):,} respondents).")


def test_scorecard_changes_compare_the_right_quarters_and_control_fdr(a11):
    card = service_scorecard.run(**VA, a11=a11)
    # FY2022-Q4 repeats FY2022-Q3 and is left out: only the year-earlier comparison remains
    assert set(card.changes["group_b"]) == {"FY2022-Q1"}
    assert (card.changes["group_a"] == "FY2023-Q1").all()
    counted = card.changes[card.changes["meaningful"]]
    assert len(counted) and (counted["p_adjusted"] <= 0.05).all() and (counted["diff"].abs() >= 1).all()
    for row in counted.itertuples():
        assert f"by {abs(row.diff):.1f} points (95% CI {row.ci_low:+.1f} to {row.ci_high:+.1f})" in " ".join(
            _findings(card.findings))


def test_a_service_with_a_single_quarter_says_no_change_can_be_reported(a11):
    card = service_scorecard.run(agency="Department of Homeland Security", service="Getting help from TSA", a11=a11)
    assert card.changes.empty
    assert "There is no earlier quarter to compare FY2023-Q1 with, so no change is reported." in _findings(card.findings)
    assert "<table" not in card.changes_table.html  # no table of headers alone
    assert "No driver is compared with an earlier quarter in FY2023-Q1" in card.changes_table.text


def test_a_service_below_min_n_is_suppressed_and_says_so(a11):
    card = service_scorecard.run(agency="Department of Labor",
                                 service="Applying for VPP recognition for exemplary safety systems", a11=a11)
    assert card.summary["suppressed"].all() and card.summary["mean"].isna().all()
    assert any("had fewer than 10 answers and are not shown" in f for f in _findings(card.findings))


def test_a_misspelt_agency_lists_the_allowed_ones(a11):
    with pytest.raises(ValueError, match="no agency 'Department of Veteran Affairs'.*allowed: .*Department of Veterans Affairs"):
        service_scorecard.run(agency="Department of Veteran Affairs", service="x", a11=a11)


def test_overview_pools_the_year_and_compares_each_service_with_its_complement(a11):
    view = federal_overview.run(fiscal_year=2022, measure="satisfaction", a11=a11)
    rows = a11[(a11["fiscal_year"] == 2022) & (a11["driver"] == "satisfaction")]
    counts = rows[COUNTS].sum().to_numpy()
    mean = (counts @ np.arange(1, 6) / counts.sum() - 1) / 4 * 100
    assert _findings(view.findings)[0].startswith(
        f"Across {view.league['mean'].notna().sum()} federal services in FY2022, satisfaction was {mean:.1f} ")
    standing = federal_overview.against_the_rest(rows.assign(label=rows["service"]), by="label")
    assert (standing["n_a"] + standing["n_b"] == counts.sum()).all()


def test_drivers_names_the_stated_most_important_service_and_its_derived_rank(residents):
    report = drivers.run(dataset="sandiego_2015", outcome="Q2_6", items="Q3", n_boot=100, responses=residents)
    stated = drivers.stated_importance(residents).sort_values("stated_share", ascending=False).iloc[0]
    assert stated["item"] == "Q3_11"  # police services
    ranked = report.importance.sort_values("importance", ascending=False)["item"].tolist()
    sentence = next(f for f in _findings(report.findings) if f.startswith("Respondents most often name"))
    assert "among the four most important" in sentence
    assert f"({stated['stated_share']:.0f}% of respondents, rank 1), yet it ranks {ranked.index('Q3_11') + 1} of 15" \
        in sentence


def test_drivers_without_stated_importance_say_so(residents):
    report = drivers.run(dataset="sandiego_2015", outcome="Q2_7", items="Q6", n_boot=50, responses=residents)
    assert "only derived importance can be shown" in report.stated_chart.text
    assert any("name the most important items only among Q3_*" in f for f in _findings(report.findings))


def test_drivers_keep_only_the_groups_asked_for(residents):
    renters = drivers.run(dataset="sandiego_2015", outcome="Q2_6", items="Q15", groups={"own_rent": ["Rent"]},
                          n_boot=20, responses=residents)
    complete = residents[residents["own_rent"] == "Rent"][["Q2_6", "Q15_2", "Q15_3", "Q15_4"]].dropna()
    assert (renters.importance["n"] == len(complete)).all()
    assert _findings(renters.findings)[0].startswith(f"Among {len(complete):,} respondents (owners and renters: Rent)")
    with pytest.raises(ValueError, match="group 'own_rent' has no value 'Renters'; its values: Own, Rent"):
        drivers.run(dataset="sandiego_2015", outcome="Q2_6", items="Q15", groups={"own_rent": ["Renters"]},
                    n_boot=20, responses=residents)


def test_groups_anova_and_range_match_the_tables(residents):
    report = groups.run(dataset="sandiego_2015", group="district", outcome="Q2_6", responses=residents)
    shown = report.summary.sort_values("mean")
    first = _findings(report.findings)[0]
    assert f"{shown['mean'].iloc[0]:.1f}" in first and shown["district"].iloc[0] in first
    scores = pd.DataFrame({"g": residents["district"].astype(str),
                           "score": (residents["Q2_6"].astype(float) - 1) / 4 * 100})
    separate = [g["score"].to_numpy() for _, g in scores.dropna().groupby("g")]
    assert report.anova["k_groups"] == len(separate) == 9
    n, m, v = (np.array([f(x) for x in separate]) for f in (len, np.mean, lambda x: np.var(x, ddof=1)))
    w, k = n / v, len(separate)  # Welch's F by its formula
    lam = ((1 - w / w.sum()) ** 2 / (n - 1)).sum()
    welch = (w * (m - (w * m).sum() / w.sum()) ** 2).sum() / (k - 1) / (1 + 2 * (k - 2) / (k ** 2 - 1) * lam)
    assert report.anova["f"] == pytest.approx(welch)


def test_groups_keep_the_order_of_ordinal_bands(residents):
    report = groups.run(dataset="sandiego_2015", group="tenure", outcome="Q2_6", responses=residents)
    assert report.summary["tenure"].astype(str).tolist() == ["under 5 years", "5-9 years", "10-19 years",
                                                             "20 years or more"]
    assert report.versus["group"].tolist() == report.summary["tenure"].astype(str).tolist()


def test_a_group_below_min_n_is_left_out_and_named(residents):
    report = groups.run(dataset="sandiego_2015", group="tenure", outcome="Q2_6", min_n=400, responses=residents)
    assert report.summary["suppressed"].sum() == 2
    assert any("2 of 4 cells had fewer than 400 answers" in f for f in _findings(report.findings))


def test_survey_summary_with_one_period_shows_no_course_and_describes_no_change(residents):
    """issue 14, problem 5: a 'By period' chart of one point per series, methods on a change between periods."""
    from cxlab.analyses import survey_summary

    result = survey_summary.run(dataset="sandiego_2015", measure="Q2_6", responses=residents)
    assert "one period (the survey), so there is no course over time" in result.trend_chart.text
    assert result.changes.empty and "first to the last" not in result.methods.text
    assert "Over the" not in result.methods.text and "each council district is compared" in result.methods.text
    assert result.pairs.empty and "this data set has 9 in the survey" in result.pairs_table.text
    assert len(result.versus) == 9 and result.promoters.empty


def test_survey_summary_compares_weighted_entities_with_kish_standard_errors():
    """Each office against all others in the latest quarter of the weighted example, recomputed by hand."""
    from cxlab.analyses import survey_summary
    from cxlab.data import registry
    from cxlab.data.loaders import load_source

    folder = registry.data_dir() / "examples"
    survey = load_source(registry.mapping_source(folder / "service_survey.csv", folder / "service_survey.yml"))
    result = survey_summary.run(dataset="service_survey", measure="trust", responses=survey)
    last = survey[(survey["period"] == "FY2021-Q4")].dropna(subset=["trust"])

    def cell(rows: pd.DataFrame) -> tuple[float, float, float]:
        w, x = rows["weight"].to_numpy(), rows["trust"].to_numpy(float) * 10
        n_eff = w.sum() ** 2 / (w ** 2).sum()
        mean = (w * x).sum() / w.sum()
        var = (w * (x - mean) ** 2).sum() / w.sum() * n_eff / (n_eff - 1)
        return mean, var / n_eff, n_eff

    row = result.versus.set_index("group").loc["Online service"]
    (ma, va, na), (mb, vb, nb) = (cell(last[last["entity"] == "Online service"]),
                                  cell(last[last["entity"] != "Online service"]))
    df = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1))
    half = stats.t.ppf(0.975, df) * np.sqrt(va + vb)
    assert (row["diff"], row["ci_low"], row["ci_high"]) == pytest.approx((ma - mb, ma - mb - half, ma - mb + half))
    assert "weighted, with Kish standard errors" in result.methods.text
    assert set(result.pairs["group_a"]) | set(result.pairs["group_b"]) == {"North office", "Online service",
                                                                           "South office"}
def test_sector_gap_lists_every_published_point_with_its_source(scores) -> None:
    result = sector_gap.run(index="ACSI", lower="federal_government", upper="national", scores=scores)
    rows = BeautifulSoup(result.scores_table.html, "html.parser").select("tbody tr")
    shown = {(r.th.get_text(), r.find_all("td")[0].get_text()): r for r in rows}
    for series in ("federal_government", "national"):
        points = scores[(scores["index"] == "ACSI") & (scores["series"] == series)]
        name = points["entity"].iloc[0]
        assert len(points) > 5
        for point in points.itertuples():
            row = shown[(name, point.period)]
            cells = row.find_all("td")
            assert cells[2].get_text() == point.value_type and cells[3].get_text() == point.source
    assert len(rows) == sum(len(scores[(scores["index"] == "ACSI") & (scores["series"] == s)])
                            for s in ("federal_government", "national"))
