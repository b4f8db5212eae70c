"""The complaints and A-11 respondent-level analyses: findings state the numbers of their tables."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

import cxlab
from cxlab.analyses import a11_respondents, complaints
from cxlab.stats.text_outcomes import SMALL_THEME

CARDS = "Credit card or prepaid card"


@pytest.fixture(scope="module")
def loaded() -> pd.DataFrame:
    return cxlab.load("cfpb_complaints")


@pytest.fixture(scope="module")
def cards(loaded) -> complaints.ComplaintsReport:
    return complaints.run(product=CARDS, complaints=loaded)


def _blocks(report) -> list:
    return [v for v in vars(report).values() if hasattr(v, "html")]


def test_the_complaints_report_is_identical_on_two_runs(loaded, cards):
    again = complaints.run(product=CARDS, complaints=loaded)
    assert [b.html for b in _blocks(again)] == [b.html for b in _blocks(cards)]


def test_the_findings_state_scope_outcomes_and_themes_of_their_tables(cards, loaded):
    rows = loaded[loaded["product"] == CARDS]
    first, relief, themes = cards.findings.findings[:3]
    assert first.startswith(f"{len(rows):,} complaints about {CARDS} in this sample")
    assert f"{int(rows['has_text'].sum()):,} ({100 * rows['has_text'].mean():.1f}%) include" in first
    closed = rows["response"].isin(complaints.RELIEF)
    count = int(rows.loc[closed, "response"].map(complaints.RELIEF).sum())
    low, high = proportion_confint(count, int(closed.sum()), method="wilson")
    assert (f"Of the {int(closed.sum()):,} complaints that companies closed either with relief or with an explanation "
            f"only, {100 * count / closed.sum():.1f}% (95% CI {100 * low:.1f} to {100 * high:.1f}) were closed with relief"
            ) in relief
    chosen = cards.stability[cards.stability["chosen"]].iloc[0]
    assert f"fall into {int(chosen['n_themes'])} themes" in themes
    largest = cards.shares.sort_values("share", ascending=False).iloc[0]
    assert f"'{largest['theme_label']}' {largest['share']:.1f}%" in themes


def test_an_unknown_product_lists_the_products(loaded):
    with pytest.raises(ValueError, match="no product 'Mortgages'.*allowed: .*Mortgage;"):
        complaints.run(product="Mortgages", complaints=loaded)


def test_themes_under_min_n_are_suppressed_everywhere(loaded):
    report = complaints.run(product="Mortgage", min_n=25, complaints=loaded)
    sizes = report.assigned.groupby("theme_label").size()
    small = sizes[sizes < 25].index.tolist()
    assert small, "this case needs a theme under min_n"
    assert f"{len(small)} theme" in report.findings.text
    for block in _blocks(report):
        assert not any(label in block.html for label in small), block.html[:80]
    assert (report.shares["theme_label"] == SMALL_THEME).sum() == len(small)


def test_outcome_flags_map_cfpb_responses():
    rows = pd.DataFrame({"response": ["Closed with non-monetary relief", "Untimely response", "Closed with explanation"],
                         "timely": ["No", "Yes", "Yes"]})
    flags = complaints.outcome_flags(rows)
    assert flags["relief"].isna().tolist() == [False, True, False] and flags["relief"].dropna().tolist() == [1, 0]
    assert flags["timely"].tolist() == [0, 1, 1]


@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    return cxlab.load("a11_respondents_synthetic")


def test_the_synthetic_a11_file_yields_a_scorecard_labelled_synthetic(responses):
    card = a11_respondents.run(service="Renewing a permit", responses=responses)
    first, share = card.findings.findings[:2]
    assert first.startswith("SYNTHETIC DATA")
    latest = responses[(responses["service"] == "Renewing a permit") & (responses["period"] == "FY2025-Q1")]
    count, n = int(latest["question_1"].sum()), len(latest)
    low, high = proportion_confint(count, n, method="wilson")
    assert share.startswith(f"In FY2025-Q1, {100 * count / n:.1f}% (95% CI {100 * low:.1f} to {100 * high:.1f}) of "
                            f"the {n:,} respondents were satisfied with Renewing a permit")
    named = card.drivers[(card.drivers["period"] == "FY2025-Q1") & (card.drivers["measure"] == "positive_ease")]
    assert named[["n", "count"]].values.tolist() == [[n, int(latest["positive_ease"].sum())]]
    assert len(card.drivers) == 14 * 5 and "SYNTHETIC" in card.methods.text


def test_an_a11_scorecard_on_a_five_point_question_counts_4_and_5_as_satisfied(responses):
    five = responses.assign(question_1=responses["question_1"].map({1: 4, 0: 2}).astype("Int64"))
    five.attrs = {**responses.attrs, "scale": (1.0, 5.0)}
    thumbs = a11_respondents.run(service="Applying for benefits", responses=responses)
    likert = a11_respondents.run(service="Applying for benefits", responses=five)
    pd.testing.assert_frame_equal(thumbs.satisfaction, likert.satisfaction)


def test_an_unknown_a11_service_lists_the_services(responses):
    with pytest.raises(ValueError, match=re.escape("allowed: Applying for benefits; Renewing a permit")):
        a11_respondents.run(service="Passports", responses=responses)


def test_a_build_scores_tone_once_for_all_products_and_gives_the_same_shares(loaded, tmp_path, monkeypatch):
    """In a build the tone of every narrative is scored once and kept; a product's shares must not change."""
    from cxlab.data.tablecache import CACHE_VARIABLE

    alone = complaints.run(product="Mortgage", complaints=loaded)
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path))
    for _ in range(2):
        kept = complaints.run(product="Mortgage", complaints=loaded)
        pd.testing.assert_frame_equal(kept.tone, alone.tone)
        assert kept.findings.text == alone.findings.text
    assert len(list((tmp_path / "sentiment").glob("*.pickle"))) == 1
