"""Explorers driven programmatically: set controls, check the numbers they show.

Every expected number comes from an independent route: the series table, answer counts
expanded to respondents, or cxlab.stats.drivers.importance on the same residents.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml

import cxlab
from cxlab.stats import drivers
from cxlab.explore import state as explorer_state, widgets
from cxlab.analyses.drivers import item_block
from cxlab.analyses.resident_groups import resident_group
from cxlab.build.catalog import CATALOG, NOTEBOOKS, read_catalog
from cxlab.data.series import series_gap
from cxlab.report.blocks import FINDINGS_MIMETYPE

VA, OUTPATIENT = "Department of Veterans Affairs", "Receiving outpatient services"





@pytest.fixture(scope="module")
def gap(scores: pd.DataFrame) -> widgets.GapExplorer:
    return widgets.GapExplorer(index="Forrester CX Index", lower="federal_government", upper="private_sector",
                               scores=scores)


@pytest.fixture(scope="module")
def card(a11: pd.DataFrame) -> widgets.ServiceExplorer:
    return widgets.ServiceExplorer(agency=VA, service=OUTPATIENT, a11=a11)


@pytest.fixture(scope="module")
def driver(residents: pd.DataFrame) -> widgets.DriverExplorer:
    return widgets.DriverExplorer(outcome="Q2_6", items="Q3", residents=residents)


def test_public_names_are_all_defined() -> None:
    for module in (widgets, explorer_state):
        assert sorted(module.__all__) == sorted(set(module.__all__))
        assert all(hasattr(module, name) for name in module.__all__)


def test_gap_explorer_shows_the_gap_of_each_year(gap: widgets.GapExplorer, scores: pd.DataFrame) -> None:
    with gap.holding():
        gap.start.value, gap.end.value = 2015, 2020
    aligned, _ = series_gap(scores, index="Forrester CX Index", lower="federal_government",
                            upper="private_sector", start=2015, end=2020)
    assert gap.message.value == ""
    assert "went from 56.5 (2015) to 61.1 (2020)" in gap.panes["findings"].value
    for value in aligned["gap"]:
        assert f"<td>{value:.1f}</td>" in gap.panes["gap_chart"].value
    gap.end.value = 2016
    assert "2020" not in gap.panes["gap_chart"].value.split("<details>")[1]


def _values(control) -> list:
    return [o[1] if isinstance(o, tuple) else o for o in control.options]


def test_gap_explorer_series_follow_the_index(gap: widgets.GapExplorer) -> None:
    with gap.holding():
        gap.index.value = "ACSI"
        gap.start.value, gap.end.value = 2015, 2016
    assert "national" in _values(gap.lower) and "Manufacturing/Durables" in _values(gap.upper)
    assert gap.upper.value == "private_sector"  # ACSI has one too: the choice is kept
    assert "No year from 2015 to 2016 has a point in both series" in gap.message.value
    with gap.holding():
        gap.upper.value, gap.start.value, gap.end.value = "Manufacturing/Durables", 2019, 2019
    assert gap.parameters()["index"] == "ACSI" and gap.message.value == ""
    assert "<td>68.1</td>" in gap.panes["gap_chart"].value and "<td>78.3</td>" in gap.panes["gap_chart"].value


def test_gap_explorer_shows_display_names_once_each(scores: pd.DataFrame) -> None:
    gap = widgets.GapExplorer(scores=scores)
    for index in sorted(scores["index"].unique()):
        gap.index.value = index
        labels = [label for label, _ in gap.lower.options]
        entities = set(scores.loc[scores["index"] == index, "entity"])
        assert sorted(labels) == sorted(entities), index  # every entity once, never a code such as national
    gap.index.value = "ACSI"
    assert ("National ACSI", "national") in gap.upper.options


def test_a_change_of_index_never_compares_a_series_with_itself_and_keeps_the_years(scores: pd.DataFrame) -> None:
    explorer = widgets.GapExplorer(index="ACSI", lower="federal_government", upper="national", start=2016, end=2019,
                                   scores=scores)
    explorer.index.value = "Forrester CX Index"
    assert explorer.lower.value != explorer.upper.value
    assert (explorer.lower.label, explorer.upper.label) == ("US federal average", "US private sector average")
    assert (explorer.start.value, explorer.end.value) == (2016, 2019)
    assert "a gap of 0.0 points" not in explorer.panes["findings"].value and explorer.message.value == ""
    explorer.index.value = "ACSI"
    assert (explorer.start.value, explorer.end.value) == (2016, 2019)


def test_empty_year_range_gives_a_message_not_a_traceback(gap: widgets.GapExplorer) -> None:
    with gap.holding():
        gap.start.value, gap.end.value = 2020, 2016
    assert "The year range is empty: 2020 is after 2016" in gap.message.value
    assert all(pane.value == "" for pane in gap.panes.values())
    with gap.holding():
        gap.start.value, gap.end.value = 2015, 2021
    assert gap.message.value == "" and gap.panes["findings"].value


def _expanded_mean(rows: pd.DataFrame) -> float:
    """Mean on 0-100 of the counts written out as one answer per respondent."""
    answers = np.repeat(np.arange(1, 6), rows[[f"count_{k}" for k in range(1, 6)]].sum().astype(int).to_numpy())
    return float((answers.mean() - 1) / 4 * 100)


def test_service_explorer_scorecard_for_a_quarter_range(card: widgets.ServiceExplorer, a11: pd.DataFrame) -> None:
    with card.holding():
        card.first.value, card.last.value = "FY2021-Q3", "FY2022-Q2"
    rows = a11[(a11["service"] == OUTPATIENT) & (a11["period"] == "FY2022-Q2") & (a11["driver"] == "satisfaction")]
    findings = card.panes["findings"].value
    assert f"In FY2022-Q2, satisfaction with {OUTPATIENT} was {_expanded_mean(rows):.1f}" in findings
    chart_data = card.panes["drivers_chart"].value.split("<details>")[1]
    assert "FY2022-Q2" in chart_data and "FY2022-Q3" not in chart_data and "FY2021-Q2" not in chart_data
    with card.holding():
        card.first.value, card.last.value = "FY2021-Q1", "FY2023-Q1"


def test_service_volume_does_not_depend_on_the_drivers(card: widgets.ServiceExplorer, a11: pd.DataFrame) -> None:
    everything = card.panes["volume_table"].value
    card.drivers.value = ("satisfaction",)
    assert card.panes["volume_table"].value == everything
    card.drivers.value = tuple(widgets.DRIVERS)
    records = a11[(a11["service"] == OUTPATIENT) & (a11["period"] == "FY2021-Q4")].drop_duplicates("record_id")
    assert f"<td>{int(records['customers'].sum()):,}</td>" in everything


def test_service_list_follows_the_agency(card: widgets.ServiceExplorer, a11: pd.DataFrame) -> None:
    card.agency.value = "Department of Homeland Security"
    assert set(card.service.options) == set(a11.loc[a11["agency"] == "Department of Homeland Security", "service"])
    of_service = a11[(a11["agency"] == card.agency.value) & (a11["service"] == card.service.value)]
    assert (card.first.value, card.last.value) == (of_service["period"].min(), of_service["period"].max())
    assert card.message.value == "" and card.service.value in card.panes["findings"].value
    with card.holding():
        card.agency.value, card.service.value = VA, OUTPATIENT


def test_service_without_data_for_a_driver_gives_a_message(a11: pd.DataFrame) -> None:
    service = "Passport Services"
    assert "trust" not in set(a11.loc[a11["service"] == service, "driver"])
    explorer = widgets.ServiceExplorer(agency="Department of State", service=service, a11=a11)
    explorer.drivers.value = ("trust",)
    assert f"{service} has no A-11 answers on trust / confidence" in explorer.message.value
    assert all(pane.value == "" for pane in explorer.panes.values())
    explorer.drivers.value = ("trust", "satisfaction")
    assert "no A-11 answers on trust / confidence" in explorer.message.value
    assert "satisfaction with Passport Services" in explorer.panes["findings"].value


def test_driver_explorer_matches_the_report_function(driver: widgets.DriverExplorer, residents: pd.DataFrame) -> None:
    with driver.holding():
        driver.group.value = "own_rent"
        driver.levels.value = ("Rent",)
    renters = residents[resident_group(residents, "own_rent") == "Rent"]
    items = [i for i in item_block(residents, "Q3") if i != "Q2_6"]
    expected = drivers.importance(renters, outcome="Q2_6", items=items, n_boot=10).set_index("item")
    shown = driver.numbers().set_index("item")
    assert int(shown["n"].iloc[0]) == int(expected["n"].iloc[0]) < len(residents)
    np.testing.assert_allclose(shown["importance"], expected.loc[shown.index, "importance"], rtol=1e-9)
    np.testing.assert_allclose(shown["performance"], expected.loc[shown.index, "performance"], rtol=1e-9)
    top = shown["importance"].idxmax()
    assert f"{shown.loc[top, 'importance']:.1f}% of the explained variation" in driver.panes["findings"].value
    assert (f"Among the {int(shown['n'].iloc[0]):,} residents selected (owners and renters: Rent) who rated"
            in driver.panes["findings"].value)
    assert "own_rent" not in driver.panes["findings"].value


def test_driver_explorer_bad_selections_give_messages(driver: widgets.DriverExplorer) -> None:
    driver.levels.value = ()
    assert "Choose at least one group of residents by owners and renters." in driver.message.value
    driver.min_n = 10**6
    driver.levels.value = ("Own",)
    assert "at least 1000000 are needed" in driver.message.value
    assert all(pane.value == "" for pane in driver.panes.values())
    driver.min_n = 10
    driver.outcome.value = "Q2_7"  # a new outcome: levels refill, every group kept
    assert driver.levels.value == driver.levels.options and driver.message.value == ""


def test_make_this_a_report_writes_a_checked_entry(gap: widgets.GapExplorer, tmp_path: Path) -> None:
    local = tmp_path / "catalog.local.yml"
    with gap.holding():
        gap.index.value, gap.upper.value = "Forrester CX Index", "private_sector"
        gap.start.value, gap.end.value = 2016, 2020
    gap.report_name.value = "forrester-2016-2020"
    assert gap.make_report(local=local) is None
    entry = yaml.safe_load(local.read_text())["reports"][0]
    assert entry["name"] == "forrester-2016-2020"
    assert entry["parameters"] == {"index": "Forrester CX Index", "lower": "federal_government",
                                   "upper": "private_sector", "start": 2016, "end": 2020}
    assert "Added report 'forrester-2016-2020'" in gap.report_status.value
    assert entry["title"] == "Forrester CX Index, 2016 to 2020: US federal average against US private sector average"
    gap.make_report(local=local)
    assert "exists already" in gap.report_status.value and len(yaml.safe_load(local.read_text())["reports"]) == 1
    assert not gap.report_button.disabled and gap.report_button.description == "Make this a report"


def test_a_report_the_catalog_has_already_is_refused_with_its_name(scores: pd.DataFrame, tmp_path: Path) -> None:
    explorer = widgets.GapExplorer(index="Forrester CX Index", lower="federal_government", upper="private_sector",
                                   start=2015, end=2020, scores=scores)
    explorer.report_name.value = "another-name"
    assert explorer.make_report(local=tmp_path / "catalog.local.yml") is None
    assert "as &#x27;forrester-federal-vs-private-2015-2020&#x27;" in explorer.report_status.value
    assert not (tmp_path / "catalog.local.yml").exists()


def test_the_button_is_busy_while_it_works(gap: widgets.GapExplorer) -> None:
    seen = []
    with gap.busy("Building"):
        seen.append((gap.report_button.disabled, gap.report_button.description, gap.report_status.value))
    assert seen == [(True, "Working…", '<p role="status" aria-busy="true">Building</p>')]
    assert not gap.report_button.disabled


def test_a_report_entry_with_a_value_not_in_the_data_is_refused(tmp_path: Path) -> None:
    entry = explorer_state.report_entry("sector_gap", {"index": "ACSI", "lower": "federal_goverment"})
    with pytest.raises(cxlab.build.catalog.CatalogError, match="federal_goverment"):
        explorer_state.make_report(entry, local=tmp_path / "catalog.local.yml")
    assert not (tmp_path / "catalog.local.yml").exists()


def test_build_reads_the_local_catalog(tmp_path: Path) -> None:
    spec = yaml.safe_load(CATALOG.read_text())
    (tmp_path / "catalog.yml").write_text(yaml.safe_dump({"notebooks": spec["notebooks"], "reports": []}))
    shutil.copy(NOTEBOOKS / "sector_gap.ipynb", tmp_path)
    entry = explorer_state.report_entry("sector_gap", {"index": "ACSI", "lower": "federal_government",
                                                       "upper": "national", "start": 2010})
    explorer_state.append_entry(entry, local=tmp_path / "catalog.local.yml")
    assert [(i.name, i.parameters) for i in read_catalog(tmp_path / "catalog.yml")] == [(entry["name"], entry["parameters"])]


def test_make_this_a_report_can_build_it(scores: pd.DataFrame, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JPY_SESSION_NAME", "sector_gap.ipynb")  # as when the button is pressed in JupyterLab
    explorer = widgets.GapExplorer(index="ACSI", lower="federal_government", upper="national", start=2015,
                                   end=2020, scores=scores)
    outcome = explorer.make_report(build=True, local=tmp_path / "catalog.local.yml", out_dir=tmp_path)
    assert outcome is not None and outcome.status == "built", outcome
    name = "sector-gap-acsi-federal-government-national-2015-2020"
    html = (tmp_path / f"{name}.html").read_text()
    assert "2015 to 2020" in html and "<input" not in html and "Dropdown" not in html
    executed = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
    explorer_cell = next(c for c in executed.cells if "explore(" in c.source)
    # a batch run: the explorer stays out of the report, which shows the findings in its place
    assert [set(o["data"]) for o in explorer_cell.outputs] == [{"text/html", "text/plain", FINDINGS_MIMETYPE}]
    assert "Built " in explorer.report_status.value


def test_explore_only_in_a_jupyter_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert widgets.explore("sector_gap", index="ACSI") is None
    monkeypatch.setenv("JPY_SESSION_NAME", "sector_gap.ipynb")
    assert isinstance(widgets.explore("sector_gap", index="ACSI"), widgets.GapExplorer)
    monkeypatch.setenv(widgets.BATCH_VARIABLE, "1")
    assert widgets.explore("sector_gap", index="ACSI") is None
