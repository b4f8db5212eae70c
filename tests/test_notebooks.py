"""Every analysis notebook runs in a real kernel (papermill) with its defaults and an edge case."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cxlab.build.batch import build_one
from cxlab.build.catalog import NOTEBOOKS, Instance

CASES = {
    "scorecard-default": ("service_scorecard", {}, "satisfaction with Receiving outpatient services was"),
    "scorecard-single-quarter": ("service_scorecard", {"agency": "Department of Homeland Security",
                                                       "service": "Getting help from TSA"},
                                 "There is no earlier quarter to compare FY2023-Q1 with"),
    "overview-default": ("federal_overview", {}, "federal services in FY2022, satisfaction was"),
    "drivers-default": ("drivers", {"n_boot": 100}, "Respondents most often name Police services (Q3_11)"),
    "groups-default": ("groups", {}, "Across 9 groups the ratings"),
    "groups-below-min-n": ("groups", {"group": "tenure", "outcome": "Q2_6", "min_n": 400},
                           "2 of 4 cells had fewer than 400 answers"),
    "survey-default": ("survey_summary", {}, "Against all other respondents in the survey:"),
    "complaints-one-product": ("complaints", {"product": "Credit card or prepaid card"},
                               "478 complaints about Credit card or prepaid card in this sample"),
    "a11-respondents-default": ("a11_respondent_scorecard", {}, "SYNTHETIC DATA: these responses were made up"),
    "departments-default": ("departments", {}, "Department of the Interior in all 6 (2008, 2015, 2016, 2017, 2021, "
                                               "2022"),
    "employees-default": ("employees_and_customers", {"n_boot": 200},
                          "Across 13 departments, FEVS engagement (the EEI, 2022) and A-11 satisfaction (FY2022)"),
    "employees-first-complete-year": ("employees_and_customers", {"fiscal_year": 2021, "n_boot": 100},
                                      "The A-11 data hold no complete fiscal year before FY2021"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_notebook_runs_and_its_report_opens_with_findings(case: str, tmp_path: Path):
    notebook, parameters, expected = CASES[case]
    instance = Instance(name=case, notebook=NOTEBOOKS / f"{notebook}.ipynb", title=case, analysis=notebook,
                        parameters=parameters, data=())
    outcome = build_one(instance, tmp_path, build_date="today", commit=None)
    assert outcome.status == "built", outcome.error
    page = BeautifulSoup((tmp_path / f"{case}.html").read_text(encoding="utf-8"), "html.parser")
    headings = [h.get_text(strip=True) for h in page.find_all("h2")]
    assert headings[0] == "Key findings" and "Methods and caveats" in headings
    assert expected in " ".join(page.select_one("section.findings").get_text(" ").split())  # glossary links split text
    assert "Traceback" not in page.get_text() and "Error" not in page.get_text(" ")


def test_a_data_set_added_by_registry_entry_alone_becomes_a_report(data_copy: Path, tmp_path: Path):
    """The worked example of data/README.md, from entry to finished report."""
    import hashlib

    import yaml

    from cxlab.build.catalog import read_catalog

    entry = yaml.safe_load((data_copy / "examples" / "service_survey.yml").read_text())["service_survey"]
    entry["sha256"] = hashlib.sha256((data_copy / entry["file"]).read_bytes()).hexdigest()
    registry = yaml.safe_load((data_copy / "datasets.yml").read_text())
    (data_copy / "datasets.yml").write_text(yaml.safe_dump({**registry, "service_survey": entry}))
    catalog = tmp_path / "notebooks" / "catalog.yml"
    catalog.parent.mkdir()
    (catalog.parent / "survey_summary.ipynb").write_bytes((NOTEBOOKS / "survey_summary.ipynb").read_bytes())
    catalog.write_text(
        "notebooks:\n  survey_summary: {title: Survey, data: ['{dataset}'], values: {dataset: {data_set: true}}}\n"
        "reports:\n  - {name: example, notebook: survey_summary, parameters: {dataset: service_survey, measure: recommend}}\n")
    (instance,) = read_catalog(catalog)
    assert instance.data == ("service_survey",)
    outcome = build_one(instance, tmp_path, build_date="today", commit=None)
    assert outcome.status == "built", outcome.error
    page = BeautifulSoup((tmp_path / "example.html").read_text(encoding="utf-8"), "html.parser")
    findings = " ".join(item.get_text() for item in page.select("section.findings li"))  # glossary links inside
    assert "How likely are you to recommend this service to someone? (0-10)" in findings
    assert "Net promoter score in FY2021-Q4" in findings
    assert "examples/service_survey.csv" in page.select_one("footer").get_text(" ")
