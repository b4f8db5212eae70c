"""What the built catalog says where the data changed: the ACSI series to 2025, departments, employees and customers."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

import cxlab


@pytest.fixture(scope="module")
def page(built_catalog):
    out, instances = built_catalog
    names = {i.name for i in instances}

    def read(name: str) -> BeautifulSoup:
        assert name in names, f"{name} is not in the built catalog"
        return BeautifulSoup((out / f"{name}.html").read_text(encoding="utf-8"), "html.parser")

    return read


def test_the_federal_vs_national_acsi_report_ends_in_2025_at_70_4(page):
    federal = cxlab.load("cx_benchmarks").query("index == 'ACSI' and series == 'federal_government'")
    last = federal.sort_values("period").iloc[-1]
    assert (last["period"], last["score"]) == ("2025", 70.4)
    report = page("acsi-federal-vs-national")
    findings = report.select_one("section.findings").get_text(" ", strip=True)
    assert "The US federal government score on the ACSI went from 68.6 (1999) to 70.4 (2025)" in findings
    table = next(t for t in report.select("table.data") if "Every published ACSI point" in t.caption.get_text())
    rows = [[c.get_text(strip=True) for c in r.find_all(["th", "td"])] for r in table.select("tbody tr")]
    shown = [r[1:3] for r in rows if r[0] == "US federal government"]
    assert shown[-1] == ["2025", "70.4"] and len(shown) == len(federal) == 26
    assert "from 1999 to 2025" in report.select_one("figure.chart img")["alt"]


def test_the_departments_report_names_the_leaders_and_trailers(page):
    findings = page("departments-acsi").select_one("section.findings").get_text(" ", strip=True)
    assert "Department of the Interior in all 6 (2008, 2015, 2016, 2017, 2021, 2022;" in findings
    assert "Department of the Treasury in all 6 (2014, 2015, 2016, 2021, 2022, 2024;" in findings
    assert "only the departments a source named are present" in findings


def test_the_employees_report_states_the_correlation_its_interval_and_the_number_of_departments(page):
    findings = [li.get_text(" ", strip=True) for li in page("employees-and-customers-fy2022").select(
        "section.findings li")]
    first = re.match(r"Across (\d+) departments, FEVS engagement \(the EEI, 2022\) and A-11 satisfaction \(FY2022\) "
                     r"correlate at r = ([+-]?\d\.\d\d) \(95% CI ([+-]?\d\.\d\d) to ([+-]?\d\.\d\d);", findings[0])
    assert first, findings[0]
    n, r, low, high = int(first[1]), *(float(g) for g in first.groups()[1:])
    assert n == 13 and low <= r <= high
    assert ("too few departments to tell" in findings[0]) == (low <= 0 <= high)
