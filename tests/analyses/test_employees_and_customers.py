"""Employees and customers: every number against pandas, scipy and statsmodels computed from the inputs."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import DescrStatsW

from cxlab.analyses import employees_and_customers as ec
from cxlab.data import registry

COUNTS = [f"count_{k}" for k in range(1, 6)]
MEASURES = ["satisfaction", "trust", "employee"]
ENGAGEMENT = ["eei", "eei_leaders_lead", "eei_supervisors", "eei_intrinsic_work_experience"]
DRIVERS = ["effectiveness", "ease", "efficiency", "equity", "employee"]


@pytest.fixture(scope="module")
def result() -> ec.EmployeesAndCustomers:
    return ec.run(n_boot=300)


@pytest.fixture(scope="module")
def fevs() -> pd.DataFrame:
    """The FEVS file read with pandas alone, keyed by department name and year."""
    return pd.read_csv(registry.data_dir() / "fevs/fevs_engagement_by_agency.csv").rename(
        columns={"agency": "department"})


@pytest.fixture(scope="module")
def placed(a11) -> pd.DataFrame:
    """A-11 rows with their FEVS department, from the crosswalk file read with pandas."""
    walk = pd.read_csv(registry.data_dir() / "fevs/a11_fevs_agencies.csv", keep_default_na=False)
    walk = walk[walk["fevs_agency"] != ""].set_index("a11_agency")
    rows = a11[a11["agency"].isin(walk.index)]
    return rows.assign(department=rows["agency"].map(walk["fevs_agency"]), short=rows["agency"].map(walk["short_name"]))


def _mean_100(rows: pd.DataFrame) -> pd.Series:
    """Pooled mean on 0-100 of answer counts at points 1-5, and the respondents."""
    counts = rows[COUNTS].sum()
    n = counts.sum()
    return pd.Series({"mean": float((counts.to_numpy() @ (np.arange(5) / 4 * 100)) / n), "n": n})


def _department_means(placed: pd.DataFrame, year: int) -> pd.DataFrame:
    rows = placed[(placed["fiscal_year"] == year) & placed["driver"].isin(MEASURES)]
    means = rows.groupby(["department", "short", "driver"]).apply(_mean_100, include_groups=False).reset_index()
    means = means[means["n"] >= 10]
    return means.pivot(index=["department", "short"], columns="driver", values="mean").reset_index()


def _levels(placed: pd.DataFrame, fevs: pd.DataFrame, year: int) -> pd.DataFrame:
    return _department_means(placed, year).merge(fevs[fevs["year"] == year], on="department")


def test_each_department_pools_every_respondent_of_its_services_and_va_is_left_out(result, placed):
    expected = _department_means(placed, 2022).set_index("department")
    got = result.departments.set_index("department")
    assert sorted(got.index) == sorted(expected.index) and len(got) == 13
    for measure in MEASURES:
        assert got[measure].to_numpy() == pytest.approx(expected.loc[got.index, measure].to_numpy(), nan_ok=True)
    assert "Department of Veterans Affairs" not in set(placed["department"])
    assert set(placed.loc[placed["department"] == "Department of Homeland Security", "agency"]) == {
        "Department of Homeland Security", "U.S. Citizenship and Immigration Services"}
    assert set(placed.loc[placed["department"] == "Department of the Treasury", "agency"]) == {"Internal Revenue Service"}


def test_every_correlation_matches_scipy_and_the_fdr_matches_statsmodels(result, placed, fevs):
    levels = _levels(placed, fevs, 2022)
    table = result.correlations.set_index(["fevs", "cx"])
    assert len(table) == len(ENGAGEMENT) * len(MEASURES)
    for fevs_measure in ENGAGEMENT:
        for measure in MEASURES:
            both = levels[[fevs_measure, measure]].dropna()
            row = table.loc[(fevs_measure, measure)]
            pearson = stats.pearsonr(both[fevs_measure], both[measure])
            ci = pearson.confidence_interval()
            assert row["n"] == len(both)
            assert [row["pearson"], row["pearson_ci_low"], row["pearson_ci_high"], row["pearson_p"]] == pytest.approx(
                [pearson.statistic, ci.low, ci.high, pearson.pvalue])
            assert row["spearman"] == pytest.approx(stats.spearmanr(both[fevs_measure], both[measure]).statistic)
            assert row["pearson_boot_low"] < row["pearson"] < row["pearson_boot_high"]
    adjusted = multipletests(result.correlations["pearson_p"], method="fdr_bh")[1]
    assert result.correlations["p_adjusted"].to_numpy() == pytest.approx(adjusted)


def test_leave_one_out_drops_each_department_in_turn(result, placed, fevs):
    levels = _levels(placed, fevs, 2022).dropna(subset=["satisfaction"])
    loo = result.leave_out[(result.leave_out["fevs"] == "eei") & (result.leave_out["cx"] == "satisfaction")]
    assert sorted(loo["left_out"]) == sorted(levels["short"])
    for row in loo.itertuples():
        rest = levels[levels["short"] != row.left_out]
        assert row.pearson == pytest.approx(stats.pearsonr(rest["eei"], rest["satisfaction"]).statistic)


def test_the_findings_state_each_correlation_its_interval_and_the_number_of_departments(result):
    for measure, words in (("satisfaction", "satisfaction"), ("trust", "trust / confidence"),
                           ("employee", "employee helpfulness")):
        row = result.correlations[(result.correlations["fevs"] == "eei") & (result.correlations["cx"] == measure)].iloc[0]
        finding = next(f for f in result.findings.findings if f"A-11 {words} (FY2022) correlate" in f)
        low, high = row["pearson_ci_low"], row["pearson_ci_high"]
        assert finding.startswith(f"Across {int(row['n'])} departments, FEVS engagement (the EEI, 2022)")
        assert f"r = {row['pearson']:+.2f} (95% CI {low:+.2f} to {high:+.2f}; bootstrap" in finding
        assert ("too few departments to tell" in finding) == (low <= 0 <= high)
    assert "not a cause" in result.findings.text
    assert not re.search(r"\b(rose|fell|improved|declined|drives|causes)\b", " ".join(result.findings.findings[:6]))


def test_change_against_change_uses_the_same_services_in_both_years(result, placed, fevs):
    rows = placed[placed["fiscal_year"].isin([2021, 2022]) & (placed["driver"] == "satisfaction")]
    years = rows.groupby(["agency", "service"])["fiscal_year"].nunique()
    both = years[years == 2].index
    kept = rows.set_index(["agency", "service"]).loc[both].reset_index()
    means = kept.groupby(["department", "fiscal_year"]).apply(_mean_100, include_groups=False)["mean"].unstack()
    change = (means[2022] - means[2021]).rename("cx").reset_index()
    eei = fevs.pivot(index="department", columns="year", values="eei")
    change["eei"] = change["department"].map(eei[2022] - eei[2021])
    got = result.changes[result.changes["driver"] == "satisfaction"].set_index("department")
    assert got["diff"].to_numpy() == pytest.approx(change.set_index("department").loc[got.index, "cx"].to_numpy())
    row = result.change_correlations.set_index("cx").loc["satisfaction"]
    assert row["n"] == len(change) == 11
    assert row["pearson"] == pytest.approx(stats.pearsonr(change["eei"], change["cx"]).statistic)
    assert f"r = {row['pearson']:+.2f}" in next(f for f in result.findings.findings if "the change in FEVS" in f)


def test_acsi_department_scores_meet_fevs_in_too_few_departments(result, fevs):
    raw = pd.read_csv(registry.data_dir() / "cx_benchmarks.csv")
    acsi = raw[(raw["index"] == "ACSI") & (raw["series"] == "department")].assign(year=lambda d: d["period"].astype(int))
    met = acsi.merge(fevs, left_on=["entity", "year"], right_on=["department", "year"])
    assert len(result.acsi) == len(met) == 5 and result.acsi["department"].nunique() == met["entity"].nunique() == 3
    assert sorted(result.acsi["eei"]) == sorted(met["eei"])
    finding = next(f for f in result.findings.findings if f.startswith("ACSI department scores"))
    assert "only 5 department-years of 3 departments" in finding and "too few departments to tell" in finding


def test_derived_importance_across_service_quarters_matches_statsmodels(result, a11):
    cells = a11.groupby(["agency", "service", "period", "driver"]).apply(_mean_100, include_groups=False)
    cells = cells[cells["n"] >= 10].unstack("driver")
    for outcome in ("satisfaction", "trust"):
        complete = cells.dropna(subset=[("mean", c) for c in DRIVERS + [outcome]])
        values = complete["mean"][DRIVERS + [outcome]].to_numpy()
        weights = complete["n"][outcome].to_numpy()
        got = result.importance[(result.importance["outcome"] == outcome)
                                & (result.importance["weighting"] == "respondents")].set_index("item")
        assert (got["cells"] == len(complete)).all()
        assert (got["clusters"] == complete.reset_index()[["agency", "service"]].drop_duplicates().shape[0]).all()
        assert got.loc[DRIVERS, "correlation"].to_numpy() == pytest.approx(
            DescrStatsW(values, weights=weights).corrcoef[-1, :-1])
        fit = sm.WLS(values[:, -1], sm.add_constant(values[:, :-1]), weights=weights).fit()
        assert got["r2"].iloc[0] == pytest.approx(fit.rsquared)
        assert got["importance"].sum() == pytest.approx(100)
        plain = result.importance[(result.importance["outcome"] == outcome)
                                  & (result.importance["weighting"] == "each cell once")].set_index("item")
        assert plain.loc[DRIVERS, "correlation"].to_numpy() == pytest.approx(
            np.corrcoef(values, rowvar=False)[-1, :-1])
    employee = result.importance[(result.importance["item"] == "employee")
                                 & (result.importance["weighting"] == "respondents")].set_index("outcome")
    finding = next(f for f in result.findings.findings if f.startswith("Within A-11"))
    for outcome in ("satisfaction", "trust"):
        row = employee.loc[outcome]
        assert (f"for {outcome}, {row['importance']:.1f}% (95% CI {row['importance_ci_low']:.1f} to "
                f"{row['importance_ci_high']:.1f}) of the explained variation") in finding


def test_va_is_left_out_and_said_to_be(result):
    coverage = next(f for f in result.findings.findings if "departments have A-11 data in FY2022" in f)
    assert "Department of Veterans Affairs is left out of every department comparison" in coverage
    assert "All Employee Survey" in coverage
    assert "Internal Revenue Service as Department of the Treasury" in coverage


def test_an_agency_missing_from_the_crosswalk_is_named_never_guessed(a11):
    renamed = a11.assign(agency=a11["agency"].replace({"Department of Labor": "Department of Labour"}))
    with pytest.raises(ValueError, match="A-11 agencies without a row in the FEVS crosswalk .*: Department of Labour"):
        ec.run(a11=renamed, n_boot=10)


def test_a_fiscal_year_that_is_not_complete_lists_the_complete_ones(a11):
    with pytest.raises(ValueError, match="FY2023 is not a complete fiscal year of the A-11 data; allowed: 2021, 2022"):
        ec.run(fiscal_year=2023, a11=a11, n_boot=10)
    with pytest.raises(ValueError, match="change_from must be a complete fiscal year before FY2021; allowed: none"):
        ec.run(fiscal_year=2021, change_from=2022, a11=a11, n_boot=10)
