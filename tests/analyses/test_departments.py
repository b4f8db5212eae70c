"""The departments report: every department point against the federal and national ACSI of its year, from the raw file."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cxlab.analyses import departments
from cxlab.data import registry
from cxlab.report.findings import NO_INTERVAL


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """cx_benchmarks.csv read with pandas alone: ACSI rows, each with its calendar year."""
    table = pd.read_csv(registry.data_dir() / "cx_benchmarks.csv")
    table = table[table["index"] == "ACSI"].copy()
    table["year"] = table["period"].str[:4].astype(int)
    table["span"] = table["period"].str.fullmatch(r"\d{4}-\d{4}")
    return table


@pytest.fixture(scope="module")
def result() -> departments.Departments:
    return departments.run()


def _reference(raw: pd.DataFrame, series: str) -> pd.Series:
    """The series' score per calendar year: the latest point of a year (periods sort in time within a year)."""
    points = raw[(raw["series"] == series) & ~raw["span"]].sort_values("period")
    return points.groupby("year")["score"].last()


def test_every_department_point_has_the_federal_and_national_score_of_its_year(raw, result):
    own = raw[raw["series"] == "department"]
    assert len(result.points) == len(own) == 29
    federal, national = _reference(raw, "federal_government"), _reference(raw, "national")
    merged = result.points.merge(own[["entity", "year", "score", "source"]], on=["entity", "year"],
                                 suffixes=("", "_raw"), validate="one_to_one")
    assert (merged["score"] == merged["score_raw"]).all() and (merged["source"] == merged["source_raw"]).all()
    assert merged["federal"].tolist() == merged["year"].map(federal).tolist()
    assert merged["national"].fillna(-1).tolist() == merged["year"].map(national).fillna(-1).tolist()
    assert sorted(merged.loc[merged["national"].notna(), "year"].unique()) == [2015, 2017, 2021, 2024]
    difference = merged["score"] - merged["federal"]
    side = difference.map(lambda d: "above" if d > 0.5 else "below" if d < -0.5 else "level")
    assert (side == merged["federal_side"]).all()
    assert merged.loc[merged["federal_derived"].astype(bool), "year"].unique().tolist() == [2016]


def test_leaders_and_trailers_are_named_with_their_years_and_margins(raw, result):
    own = raw[raw["series"] == "department"].assign(federal=lambda d: d["year"].map(_reference(raw, "federal_government")))
    own["gap"] = own["score"] - own["federal"]
    patterns = {}
    for entity, rows in own.groupby("entity"):
        if len(rows) < 2:
            patterns[entity] = "named in fewer than 2 years"
        elif (rows["gap"] > 0.5).all():
            patterns[entity] = "leads in every year"
        elif (rows["gap"] < -0.5).all():
            patterns[entity] = "trails in every year"
        else:
            patterns[entity] = "mixed"
    assert result.standing.set_index("entity")["pattern"].to_dict() == patterns
    assert patterns["Department of the Interior"] == "leads in every year"
    assert patterns["Department of the Treasury"] == "trails in every year"
    text = " ".join(result.findings.findings)
    for entity in ("Department of the Interior", "Department of the Treasury"):
        rows = own[own["entity"] == entity].sort_values("year")
        years = ", ".join(rows["year"].astype(str))
        margin = f"by {rows['gap'].abs().min():.1f} to {rows['gap'].abs().max():.1f} points"
        assert f"{entity} in all {len(rows)} ({years}; {margin})" in text
    leads = next(f for f in result.findings.findings if f.startswith("Departments above"))
    trails = next(f for f in result.findings.findings if f.startswith("Departments below"))
    assert [e for e, p in patterns.items() if p == "leads in every year" and e not in leads] == []
    assert [e for e, p in patterns.items() if p == "trails in every year" and e not in trails] == []
    assert "Department of the Treasury" not in leads and "Department of the Interior" not in trails


def test_the_national_finding_counts_the_points_below_it(raw, result):
    own = raw[raw["series"] == "department"].assign(national=lambda d: d["year"].map(_reference(raw, "national")))
    paired = own.dropna(subset=["national"])
    below = int((paired["score"] - paired["national"] < -0.5).sum())
    finding = result.findings.findings[-1]
    assert f"{below} of {len(paired)} department scores are below the National ACSI of the same year" in finding
    assert "Department of Justice 2017 (81 against 77.0)" in finding


def test_published_points_carry_no_interval_and_cite_their_sources_point_by_point(raw, result):
    first = result.findings.text.splitlines()[0]
    assert "only the departments a source named are present" in first and NO_INTERVAL in first
    assert "95% CI" not in result.findings.text
    assert re.search(r"29 published ACSI scores of 12 federal departments in 9 years from 2008 to 2025", first)
    own = raw[raw["series"] == "department"]
    lines = result.sources.text.splitlines()[1:]
    assert len(lines) == own["source"].nunique()
    for row in own.itertuples():
        line = next(line for line in lines if line.startswith(f"- {row.source}: "))
        assert f"{row.entity} {row.period}: {row.score:g}" in line


def test_more_years_needed_names_no_pattern():
    strict = departments.run(min_years=7)
    assert set(strict.standing["pattern"]) == {"named in fewer than 7 years"}
    assert "Departments above the US federal government's ACSI score of the same year in every year they appear " \
           "(at least 7 years): none." in strict.findings.findings
