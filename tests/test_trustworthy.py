"""Trustworthy findings: source rows screened, people counted once, intervals on the scale,
only changes that matter called changes, series described by their course.

Each test names the problem a reader met before (see the README's "Statistics": screening,
respondents and answers, intervals on bounded scales, meaningful change) and fails without its fix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

import cxlab
from cxlab.analyses import drivers, federal_overview, sector_gap, service_scorecard, survey_summary
from cxlab.build.catalog import read_catalog
from cxlab.data.a11_drivers import classify_question, normalise_text
from cxlab.data.loaders import questions
from cxlab.data.screening import CHECKS, screen
from cxlab.stats.summary import summarize_counts

COUNTS = [f"count_{k}" for k in range(1, 6)]
PASSPORTS = dict(agency="Department of State", service="Passport Services")
VA = dict(agency="Department of Veterans Affairs", service="Receiving outpatient services")


@pytest.fixture(scope="module")
def left_out() -> pd.DataFrame:
    return cxlab.excluded("a11_hisp")


def caught(left_out: pd.DataFrame, check: str) -> set[tuple[str, str]]:
    rows = left_out[left_out["check"] == check]
    return set(zip(rows["record_id"], rows["question"]))


# 1. Rows that are not answer distributions -------------------------------------------------------

def test_a_score_typed_into_one_count_cell_is_left_out(left_out):
    rows = left_out[left_out["check"] == "score_in_cell"]
    assert set(rows["service"]) == {"Passport Services"} and len(rows) == 20
    # [0, 0, 0, 4, 0] in a record of 2,296 respondents; [0, 0, 3, 0, 0] in one of 7,590
    assert {("121", "q1"), ("421", "q1"), ("121", "q4")} <= caught(left_out, "score_in_cell")


def test_a_percentage_typed_into_one_count_cell_is_left_out(left_out):
    # [86, 0, 0, 0, 0] with a stated mean of 1.00 in a record of 2,574 respondents
    assert caught(left_out, "percent_in_cell") == {("8", "q1"), ("8", "q3"), ("8", "q4"), ("8", "q7"), ("21", "q1")}


def test_percentages_instead_of_counts_are_left_out(left_out):
    rows = left_out[left_out["check"] == "percentages"]
    assert set(rows["service"]) == {"Reserving a campsite on Recreation.gov", "Applying for disaster assistance"}
    # one typed 130 for 13 makes a question add up to 215: the record's other questions still show percentages
    assert {("546", "q2"), ("596", "q1")} <= caught(left_out, "percentages")
    # a record of 98 respondents whose questions add up to 98 is a real distribution
    assert not (left_out["record_id"] == "195").any()


def test_more_answers_than_respondents_is_left_out(left_out, a11_questions):
    assert {("437", "q1"), ("672", "q1"), ("340", "q1")} <= caught(left_out, "more_answers")
    assert ("196", "q1") in caught(left_out, "more_answers")  # 67 answers in a record that states 0 respondents
    kept = a11_questions[a11_questions["respondents"] > 0]
    assert (kept["n"] <= kept["respondents"] * 1.02 + 2).all()


def test_a_question_with_fewer_answers_squeezed_into_the_scale_is_left_out(left_out):
    # Medicare [27781, 0, 0, 46819, 0]; Healthcare.gov "satisfied with how long it took" [23365, 0, 0, 0, 153639];
    # Healthcare.gov "Were you able to successfully ...?" (yes / partly / no) [292, 0, 497, 0, 5478] in FY2023-Q1
    assert {("28", "q3"), ("234", "q5"), ("24", "q3"), ("616", "q3")} <= caught(left_out, "squeezed_scale")


def test_a_question_copied_over_another_is_left_out(left_out):
    assert {("426", "q5"), ("426", "q6"), ("648", "q5"), ("648", "q6"), ("403", "q4"), ("403", "q5")} <= caught(
        left_out, "copied_question")


def test_a_quarter_copied_forward_is_left_out(left_out):
    rows = left_out[left_out["check"] == "repeated_quarter"]
    assert set(rows["record_id"]) == {"569", "584", "585"}  # VA outpatient and Healthcare.gov, FY2022-Q4
    assert (rows["period"] == "FY2022-Q4").all()
    va = rows[rows["record_id"] == "569"]["reason"].iloc[0]
    assert va == "repeats FY2022-Q3 (record 505) on 6 of 7 questions: a quarter copied forward"


def test_one_survey_under_two_service_names_is_counted_once(left_out, a11):
    rows = left_out[left_out["check"] == "same_survey"]
    assert set(rows["record_id"]) == {"423", "526", "562", "607", "227"}
    iim = "Managing Individual Indian Monies (IIM) accounts"
    assert set(rows.loc[rows["record_id"] != "227", "service"]) == {iim}
    assert iim not in set(a11["service"])  # every IIM quarter was the beneficiary-services survey
    instances = read_catalog()
    assert not any(i.parameters.get("service") == iim for i in instances)


def test_a_stated_mean_that_disagrees_and_all_respondents_in_one_cell_are_flagged():
    rows = pd.DataFrame({"record_id": ["1", "2", "3"], "agency": "A", "service": ["s", "t", "u"], "period": "FY2021-Q1",
                         "driver": "satisfaction", "question": "q1", "c1": [10, 0, 0], "c2": [10, 0, 0],
                         "c3": [10, 0, 0], "c4": [10, 0, 0], "c5": [10, 250, 7], "reported_mean": [3.6, 5.0, 5.0],
                         "respondents": [50, 250, 7]})
    flags = screen(rows, counts=["c1", "c2", "c3", "c4", "c5"])
    assert flags["check"].tolist() == ["mean_mismatch", "respondents_in_cell", ""]  # 7 of 7 all at 5 is believable


def test_flagged_rows_are_kept_only_when_asked(a11):
    kept = cxlab.load("a11_hisp", keep_flagged=True)
    assert len(kept) > len(a11) and (a11["flag"] == "").all()
    passports = kept[(kept["service"] == "Passport Services") & (kept["period"] == "FY2021-Q3")]
    assert passports["flag"].str.contains("a score typed into a count cell").all()


def test_the_fy2021_overview_no_longer_ranks_passport_services_on_typed_scores(a11):
    view = federal_overview.run(fiscal_year=2021, a11=a11)
    text = " ".join(view.findings.findings)
    assert "Passport Services (DOS) at 35.7" not in text
    # every FY2021 Passport row was a typed score or percentage: no cell of 1 or 5 in the heat map
    assert "Passport Services (DOS)" not in view.heat.index and view.heat.stack().min() > 20
    assert "Source rows of FY2021 left out" in view.left_out_table.html
    assert any("with a score typed into a count cell (Passport Services)" in f for f in view.findings.findings)


def test_the_passport_scorecard_has_no_zero_cells_and_no_line_across_missing_quarters(a11):
    card = service_scorecard.run(**PASSPORTS, a11=a11)
    shown = card.summary.dropna(subset=["mean"])
    assert (shown["mean"] > 0).all() and not shown["note"].str.contains("zero variance").any()
    # FY2021-Q2 to FY2022-Q3 held only typed scores and percentages: those quarters are gaps, not zeros
    assert set(card.summary["period"]) == {"FY2022-Q4", "FY2023-Q1"}


# 2. The reviewed mapping of questions to drivers ------------------------------------------------

def test_every_question_text_of_the_file_is_in_the_reviewed_table():
    raw = pd.read_csv(cxlab.data.registry.data_dir() / "a11_hisp/mergedcxdata-2023-05-21.csv", dtype=str,
                      keep_default_na=False)
    table = pd.read_csv(cxlab.data.registry.data_dir() / "a11_hisp/question_drivers.csv", dtype=str, keep_default_na=False)
    texts = {normalise_text(t) for s in range(1, 12) for t in raw[f"attributes_q{s}_text"]}
    texts -= {"", "NONE", "None", "none", "No Question", "N/A", "0"}
    assert texts == set(table["question_text"])
    assert table["reason"].str.len().gt(5).all()


def test_satisfaction_wording_beats_an_office_named_trust(a11_questions):
    trust_office = a11_questions[a11_questions["question_text"].str.contains("from the Trust Beneficiary Call Center")]
    assert len(trust_office) and (trust_office["driver"] == "satisfaction").all()
    assert classify_question("I am satisfied with the service I received from the Trust Beneficiary Call Center")[0] == \
        "satisfaction"
    card = service_scorecard.run(agency="Department of the Interior",
                                 service="Contacting the Trust Beneficiary contact center")
    assert card.findings.findings[0].startswith("In FY2022-Q1, satisfaction with Contacting the Trust Beneficiary")


def test_time_wording_beats_satisfied(a11_questions):
    hhs = a11_questions[a11_questions["question_text"].str.contains("satisfied with how long it took",
                                                                    case=False)]
    assert (hhs["driver"] == "efficiency").all()
    assert classify_question("Are you satisfied with how long it took you to get through?")[0] == "efficiency"


def test_a_text_missing_from_the_table_is_reported_never_classified(data_copy):
    import hashlib

    import yaml

    table = data_copy / "a11_hisp/question_drivers.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    table.write_text("".join(line for line in lines if not line.startswith("My need was addressed.,")),
                     encoding="utf-8")
    registry = yaml.safe_load((data_copy / "datasets.yml").read_text())
    registry["a11_hisp"]["driver_table_sha256"] = hashlib.sha256(table.read_bytes()).hexdigest()
    (data_copy / "datasets.yml").write_text(yaml.safe_dump(registry))
    left = cxlab.excluded("a11_hisp")
    unreviewed = left[(left["question_text"] == "My need was addressed.") & (left["n"] > 0)]
    assert len(unreviewed) > 100 and (unreviewed["check"] == "unreviewed").all()
    assert unreviewed["reason"].str.contains("the wording rules propose: effectiveness").all()
    assert "My need was addressed." not in set(questions("a11_hisp")["question_text"])


# 3. People, not answers -------------------------------------------------------------------------

def test_two_questions_on_one_driver_count_each_respondent_once(a11, a11_questions):
    # Healthcare.gov FY2023-Q1: two questions on the representative, 174,651 and 175,008 answers
    rows = a11_questions[(a11_questions["record_id"] == "617") & (a11_questions["driver"] == "employee")]
    assert rows["question"].tolist() == ["q7", "q10"] and rows["n"].sum() == 349_659
    person = a11[(a11["record_id"] == "617") & (a11["driver"] == "employee")].iloc[0]
    assert person["n"] == pytest.approx(rows["n"].mean()) and person["answers"] == 349_659
    assert person["n"] <= person["respondents"] == 199_607
    # the mean is that of the two questions' answers together
    together = rows[COUNTS].sum().to_numpy()
    assert person[COUNTS].to_numpy(float) @ np.arange(1, 6) / person["n"] == pytest.approx(
        together @ np.arange(1, 6) / together.sum())


def test_a_record_never_counts_more_people_than_it_surveyed(a11):
    # Passport Services FY2023-Q1 by phone: 1,142 answers to q1 from a record of 1,124 respondents
    person = a11[(a11["record_id"] == "597") & (a11["driver"] == "satisfaction")].iloc[0]
    assert person["answers"] == 1142 and person["n"] == 1124 == person["respondents"]
    known = a11[a11["respondents"] > 0]
    assert (known["n"] <= known["respondents"]).all()


def test_no_scorecard_shows_more_respondents_than_the_quarter_had(a11):
    for instance in read_catalog():
        if instance.notebook.stem != "service_scorecard":
            continue
        rows = service_scorecard.select_service(a11, agency=instance.parameters["agency"],
                                                service=instance.parameters["service"])
        records = rows.drop_duplicates("record_id")
        known = records.groupby("period")["respondents"].agg(lambda r: r.sum() if (r > 0).all() else np.inf)
        cells = summarize_counts(rows, counts=COUNTS, by=["period", "driver"], min_n=0)
        assert (cells["n"].astype(float) <= cells["period"].map(known) + 1e-9).all(), instance.name


# 5. Intervals on the scale ----------------------------------------------------------------------

def test_every_a11_cell_keeps_its_interval_inside_0_100(a11):
    cells = summarize_counts(a11, counts=COUNTS, by=["service", "period", "driver"], min_n=1)
    cells = cells[cells["has_interval"]]
    assert cells["ci_low"].between(0, 100).all() and cells["ci_high"].between(0, 100).all()
    assert ((cells["ci_low"] <= cells["mean"]) & (cells["mean"] <= cells["ci_high"])).all()


def test_a_small_cell_near_the_top_stays_below_100(a11):
    card = service_scorecard.run(agency="Department of Labor",
                                 service="Seeking reapproval for maintaining VPP-level safety systems", a11=a11)
    top = card.summary.dropna(subset=["mean"]).sort_values("mean").iloc[-1]
    assert top["mean"] > 90 and top["ci_high"] < 100


# 6. Significant is not meaningful ----------------------------------------------------------------

def test_no_change_under_one_point_is_called_a_rise_or_a_fall(a11):
    card = service_scorecard.run(**VA, a11=a11)
    small = card.changes[card.changes["p_adjusted"].lt(0.05) & card.changes["diff"].abs().lt(1)]
    assert len(small) >= 3  # hundreds of thousands of respondents: tiny moves are significant
    text = " ".join(card.findings.findings)
    for row in small.itertuples():
        assert f"by {abs(row.diff):.1f} points" not in text
    assert "no meaningful change" in text and "no meaningful change" in card.changes_table.html


# 7. Framing ---------------------------------------------------------------------------------------

def test_series_are_described_by_their_course(scores):
    report = sector_gap.run(index="ACSI", lower="federal_government", upper="national", scores=scores)
    text = " ".join(report.findings.findings)
    assert "went from 68.6 (1999) to 70.4 (2025), with a high of 72.3 (2006) and a low of 63.4 (2021)" in text
    assert "widened" not in text and "narrowed" not in text and " rose " not in text
    assert "with a high of 10.8 (2015) and a low of 7.3 (2017) in between" in text


def test_pooled_and_plain_federal_averages_are_shown_side_by_side(a11):
    view = federal_overview.run(fiscal_year=2021, a11=a11)
    first = view.findings.findings[0]
    plain = view.league["mean"].dropna().mean()
    assert f"pooling all {int(view.overall['n']):,} respondents" in first
    assert f"and {plain:.1f} (95% CI" in first and "as the plain average of the services' own scores" in first
    assert view.overall["mean"] - plain > 4  # the pooled figure leans on the largest services


def test_driver_findings_stay_correlational(residents):
    text = " ".join(drivers.run(outcome="Q2_6", items="Q3", n_boot=50, responses=residents).findings.findings).lower()
    for advice in ("concentrate", "strongest driver", "focus on", "should", "moves this rating"):
        assert advice not in text
    assert "goes with it most strongly" in text


def test_the_standing_chart_marks_exactly_what_the_sentence_names(a11):
    card = service_scorecard.run(agency="Department of Labor",
                                 service="Seeking reapproval for maintaining VPP-level safety systems", a11=a11)
    marked = set(card.standing.loc[card.standing["meaningful"], "measure"])
    sentence = next(f for f in card.findings.findings if "compared with all other federal services" in f)
    for measure in card.standing["measure"]:
        assert (measure.lower() in sentence.split(";")[0] + sentence.split(";")[1]) == (measure in marked)
    assert "not adjusted for multiple comparisons" in card.standing_chart.text


# 8. survey_summary ------------------------------------------------------------------------------

def test_survey_summary_shows_top_two_box_as_a_percentage(residents):
    result = survey_summary.run(dataset="sandiego_2015", measure="Q2_6", responses=residents)
    table = BeautifulSoup(result.shares_table.html, "html.parser")
    heads = [th.get_text() for th in table.select("thead th")]
    rows = [[cell.get_text() for cell in tr.find_all(["th", "td"])] for tr in table.select("tbody tr")]
    shown = {row[heads.index("Council district")]: float(row[heads.index("Share (%)")]) for row in rows}
    answered = residents.dropna(subset=["Q2_6"])
    expected = (answered["Q2_6"] >= 4).groupby(answered["entity"]).mean() * 100
    assert shown == {district: pytest.approx(share, abs=0.05) for district, share in expected.items()}
    assert table.caption.get_text() == "Quality of services provided by the City: top-two-box share (4 or 5)"


# Second review: mixes of surveys, renamed quarters, ranks and courses ------------------------------

def test_a_change_is_measured_within_the_surveys_not_from_a_shifting_mix(a11):
    # TSA contact center, FY2022-Q4 against FY2021-Q4: the e-mail survey (scores near 50) grew from 330 to
    # 10,330 respondents while the phone survey (near 90) shrank; pooled, satisfaction "fell" by about 21 points
    card = service_scorecard.run(agency="Department of Homeland Security", service="Contacting the TSA contact center",
                                 a11=a11)
    rows = service_scorecard.select_service(a11, agency="Department of Homeland Security",
                                            service="Contacting the TSA contact center")
    sat = rows[rows["driver"] == "satisfaction"]
    per = {}
    for (touchpoint, channel, text, period), cell in sat.groupby(["touchpoint", "channel", "question_text", "period"]):
        c = cell[COUNTS].sum().to_numpy(float)
        per.setdefault((touchpoint, channel, text), {})[period] = (c.sum(), (c @ np.arange(5) / c.sum()) * 25)
    both = {k: v for k, v in per.items() if {"FY2022-Q4", "FY2021-Q4"} <= set(v)}
    weights = {k: v["FY2022-Q4"][0] + v["FY2021-Q4"][0] for k, v in both.items()}
    by_hand = sum(weights[k] * (v["FY2022-Q4"][1] - v["FY2021-Q4"][1]) for k, v in both.items()) / sum(weights.values())
    pooled = (summarize_counts(sat[sat["period"] == "FY2022-Q4"], counts=COUNTS)["mean"].iloc[0]
              - summarize_counts(sat[sat["period"] == "FY2021-Q4"], counts=COUNTS)["mean"].iloc[0])
    change = card.changes[(card.changes["group_b"] == "FY2021-Q4") & (card.changes["driver"] == "satisfaction")].iloc[0]
    assert change["diff"] == pytest.approx(by_hand, rel=1e-9)
    assert pooled < -20 and abs(change["diff"]) < 5
    assert "satisfaction fell by 21" not in " ".join(card.findings.findings)


def test_surveys_that_ran_in_one_quarter_only_are_left_out_of_the_change(a11):
    card = service_scorecard.run(agency="Department of Veterans Affairs",
                                 service="Contacting the Benefits Administration contact center", a11=a11)
    year = card.changes[(card.changes["group_b"] == "FY2022-Q1") & (card.changes["driver"] == "satisfaction")].iloc[0]
    assert year["verdict"] == "higher"  # pooled, the quarter's mix made it a fall of 10.8 points
    sentence = next(f for f in card.findings.findings if f.startswith("Against FY2022-Q1"))
    assert "on the surveys that ran in both quarters" in sentence and "satisfaction rose by" in sentence
    assert "the surveys that ran in only one of the two quarters are left out" in card.findings.html


def test_drivers_asked_on_different_surveys_are_not_ranked(a11):
    card = service_scorecard.run(agency="U.S. Department of Health & Human Services",
                                 service="Asking About Medicare Benefits", a11=a11)
    text = " ".join(card.findings.findings)
    assert "not ranked against each other" in text and "Highest in" not in text


def test_a_quarter_left_out_or_missing_is_named_not_silently_skipped(a11):
    card = service_scorecard.run(**VA, a11=a11)
    assert ("FY2023-Q1 is not compared with FY2022-Q4 (previous quarter): its source rows were all left out by the "
            "screening") in " ".join(card.findings.findings)
    quarters = card.drivers_chart.html.split("<details>")[1]
    assert "FY2022-Q4" not in quarters  # no estimate in the data table ...
    assert "FY2022-Q3" in quarters


def test_no_response_rate_from_an_offer_count_that_repeats_the_respondents(a11):
    card = service_scorecard.run(agency="Department of Veterans Affairs",
                                 service="Contacting the Benefits Administration contact center", a11=a11)
    text = " ".join(card.findings.findings)
    assert "state as many customers offered the survey as respondents (15,334), so no response rate" in text
    assert "(100.0%)" not in text and "the latest quarter with both counts" in text


def test_a_series_that_went_both_ways_names_its_range_and_its_silent_years(scores):
    report = sector_gap.run(index="ACSI", lower="federal_government", upper="national", scores=scores)
    national = next(f for f in report.findings.findings if f.startswith("The National ACSI"))
    assert "between them it ranged from 73.7 (2021-Q3) to 77.8 (2023-Q4)" in national
    assert "no point was published between 1997 and 2011-Q4" in national


def test_group_pairs_are_counted_as_clear_differences(residents):
    from cxlab.analyses import groups

    report = groups.run(group="tenure", outcome="Q2_6", responses=residents)
    sentence = next((f for f in report.findings.findings if "pairs of groups" in f), "")
    assert "differ clearly (Games-Howell, adjusted for all pairs) and by at least 1 point" in sentence


def test_the_drivers_corner_lists_only_items_clearly_in_it(residents):
    report = drivers.run(outcome="Q2_6", items="Q3", n_boot=200, responses=residents)
    placed = report.importance
    listed = next((f for f in report.findings.findings if f.startswith("Items that clearly go with")), "")
    for row in placed.itertuples():
        clear = (row.quadrant == "strong link, rated low" and row.importance_ci_low > row.importance_cut
                 and row.performance <= row.performance_cut - 1)
        assert (f"{row.label} (performance" in listed) == clear, row.label


def test_a_service_renamed_between_quarters_is_named(a11):
    card = service_scorecard.run(agency="Department of Homeland Security", service="Contacting the TSA contact center",
                                 a11=a11)
    sentence = next(f for f in card.findings.findings if "another service name" in f)
    assert "Getting help from TSA (FY2023-Q1)" in sentence
