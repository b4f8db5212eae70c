"""Text statistics against small hand-made texts with known answers, and reproducibility."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import adjusted_rand_score
from statsmodels.stats.proportion import proportion_confint

import cxlab
from cxlab.stats.compare import adjust_fdr
from cxlab.stats.sentiment import sentiment, sentiment_shares
from cxlab.stats.shares import category_shares, flag_shares, share_difference
from cxlab.stats.text_outcomes import SMALL_THEME, theme_outcomes, theme_shares
from cxlab.stats.text_themes import EXCERPT_WORDS, terms, theme_excerpts, theme_stability, themes

TOPICS = {
    "login": ["password", "login", "website", "error", "account", "locked", "reset"],
    "wait": ["hold", "phone", "hours", "waited", "line", "queue", "call"],
    "refund": ["refund", "payment", "money", "check", "fee", "charged", "returned"],
    "mail": ["letter", "mail", "address", "envelope", "postal", "delivered", "sent"],
}


def _texts(count: int, topics: list[str], seed: int = 3) -> pd.DataFrame:
    """``count`` short comments, each drawing its words from one topic (in turn), with the topic kept."""
    rng = np.random.default_rng(seed)
    rows = [(i, topics[i % len(topics)]) for i in range(count)]
    texts = [" ".join(rng.choice(TOPICS[t], 7)) for _, t in rows]
    return pd.DataFrame({"comment_id": [i for i, _ in rows], "text": texts, "topic": [t for _, t in rows]})


@pytest.fixture(scope="module")
def narratives() -> pd.DataFrame:
    complaints = cxlab.load("cfpb_complaints")
    return complaints[complaints["has_text"]].reset_index(drop=True)


def test_themes_recover_the_topics_of_hand_made_texts():
    data = _texts(120, ["login", "wait", "refund", "mail"])
    found = themes(data, n_themes=4)
    assert adjusted_rand_score(data["topic"], found["theme"]) == 1.0
    labels = found.groupby(data["topic"])["theme_label"].first()
    assert "password" in labels["login"] or "login" in labels["login"]
    assert found["theme"].value_counts().tolist() == [30, 30, 30, 30]


@pytest.mark.parametrize("topics", [["login", "wait", "refund"], ["login", "wait", "refund", "mail"]])
def test_the_number_of_themes_chosen_by_stability_is_the_number_of_topics(topics):
    table = theme_stability(_texts(240, topics), candidates=[2, 3, 4, 5, 6])
    assert table.loc[table["chosen"], "n_themes"].tolist() == [len(topics)]
    assert table["stability"].max() > 0.95


def test_themes_without_a_number_use_the_one_stability_chooses():
    data = _texts(160, ["login", "wait", "refund", "mail"])
    found = themes(data)
    assert found.attrs["n_themes"] == 4
    pd.testing.assert_frame_equal(found, themes(data, n_themes=4))


def test_choosing_the_number_of_themes_then_fitting_them_makes_the_term_matrix_once():
    """A report runs the stability table, then the themes, on the same comments: one TF-IDF, not two."""
    from cxlab.stats.text_themes import _term_matrix_of

    data = _texts(200, ["login", "wait", "refund", "mail"], seed=11)
    before = _term_matrix_of.cache_info().misses
    table = theme_stability(data, candidates=[3, 4, 5])
    found = themes(data, n_themes=int(table.loc[table["chosen"], "n_themes"].iloc[0]))
    assert _term_matrix_of.cache_info().misses == before + 1
    _term_matrix_of.cache_clear()  # and the result is the one a fresh computation gives
    pd.testing.assert_frame_equal(found, themes(data, n_themes=found.attrs["n_themes"]))


def test_too_few_comments_to_choose_a_number_of_themes_is_an_error():
    with pytest.raises(ValueError, match="30 comments are too few .* at least 60"):
        theme_stability(_texts(30, ["login", "wait"]))


def test_publisher_redactions_scrub_tags_amounts_and_digits_never_become_terms():
    text = "XXXX XXXX charged {$25.00} on XX/XX/XXXX; call [phone number removed] XXXX 2019 fee"
    assert terms(text) == ["charged", "fee"]


def test_redactions_are_no_theme_word_in_the_complaints(narratives):
    found = themes(narratives, n_themes=3)
    words = {w for label in found["theme_terms"].unique() for term in label.split(", ") for w in term.split()}
    assert words and not any(w.startswith("xx") for w in words)
    assert "web address" not in ", ".join(found["theme_terms"].unique())  # 15 narratives have that tag


def test_themes_are_identical_on_two_runs(narratives):
    stability = [theme_stability(narratives) for _ in range(2)]
    pd.testing.assert_frame_equal(*stability)
    assert stability[0]["n_themes"].tolist() == list(range(3, 11)) and stability[0]["chosen"].sum() == 1
    found = [themes(narratives, n_themes=3) for _ in range(2)]
    pd.testing.assert_frame_equal(*found)
    excerpts = [theme_excerpts(t, narratives) for t in found]
    pd.testing.assert_frame_equal(*excerpts)


def test_many_comments_use_minibatch_nmf_and_still_find_the_topics():
    data = _texts(21_000, ["login", "wait", "refund"], seed=5)
    found = themes(data, n_themes=3)
    assert found.attrs["method"] == "MiniBatchNMF"
    assert adjusted_rand_score(data["topic"], found["theme"]) > 0.99


def test_excerpts_are_short_typical_distinct_and_skip_small_themes(narratives):
    found = themes(narratives, n_themes=3)
    excerpts = theme_excerpts(found, narratives, min_n=10)
    assert excerpts.groupby("theme").size().between(2, 3).all()
    assert excerpts["excerpt"].str.split().str.len().max() <= EXCERPT_WORDS
    assert not excerpts.duplicated(["theme", "excerpt"]).any()
    texts = narratives.set_index("comment_id")["text"].map(lambda t: " ".join(t.split()))
    for row in excerpts.itertuples():
        assert row.excerpt.rstrip("…") in texts[row.id]
        assert found.set_index("comment_id").loc[row.id, "theme"] == row.theme
    largest = int(found["theme"].value_counts().max())
    assert theme_excerpts(found, narratives, min_n=largest + 1).empty


def test_an_excerpt_starts_at_the_sentence_with_most_theme_terms_and_is_cut_at_40_words():
    long = " ".join(["filler"] * 60)
    data = pd.DataFrame({"comment_id": [1], "text": [f"Hello there. The refund fee was charged twice {long}. Bye."]})
    assigned = pd.DataFrame({"comment_id": [1], "theme": [1], "theme_label": "refund", "theme_terms": "refund, fee",
                             "theme_weight": [1.0]})
    (excerpt,) = theme_excerpts(assigned, data, min_n=1)["excerpt"]
    assert excerpt.startswith("The refund fee was charged twice filler") and excerpt.endswith("filler…")
    assert len(excerpt.split()) == EXCERPT_WORDS


def test_sentiment_of_hand_made_texts():
    texts = pd.DataFrame({"text": ["Wonderful, helpful and kind staff. Thank you!", "Terrible. I was cheated and lied to.",
                                   "The office is on the second floor.", "   ", None]})
    scored = sentiment(texts)
    assert scored["tone"].tolist()[:3] == ["positive", "negative", "neutral"]
    assert scored["tone"].iloc[3:].isna().all() and scored["compound"].iloc[3:].isna().all()


def test_sentiment_scores_equal_stock_vader_on_every_narrative_and_on_its_special_cases(narratives):
    """The windowed analyzer (linear time) must give every text exactly the stock analyzer's scores."""
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, SPECIAL_CASES, SentimentIntensityAnalyzer

    phrases = list(SPECIAL_CASES) + [p for p in BOOSTER_DICT if " " in p] + ["never so good", "without doubt good",
                                                                             "not bad", "isn't great", "no good"]
    # each phrase at the start, before and after a lexicon word, and at the end: every index the checks read
    special = [t for p in phrases for t in (p, f"{p} good", f"good {p}", f"it was very {p} good really",
                                            f"GREAT {p}", f"the staff were helpful but {p}")]
    texts = narratives["text"].tolist() + special
    stock = SentimentIntensityAnalyzer()
    expected = [stock.polarity_scores(t)["compound"] if t.strip() else np.nan for t in texts]
    scored = sentiment(pd.DataFrame({"text": texts}))["compound"]
    np.testing.assert_array_equal(scored.to_numpy(), np.array(expected))


def test_sentiment_shares_are_shares_with_wilson_intervals_never_a_mean():
    scored = pd.DataFrame({"tone": ["negative"] * 13 + ["neutral"] * 2 + ["positive"] * 5, "group": "all"})
    table = sentiment_shares(scored, by=["group"])
    assert table["measure"].tolist() == ["negative", "neutral", "positive"]
    assert table["share"].sum() == pytest.approx(100)
    low, high = proportion_confint(13, 20, method="wilson")
    assert table[["ci_low", "ci_high"]].iloc[0].tolist() == pytest.approx([100 * low, 100 * high])
    assert "compound" not in table.columns and "mean" not in table.columns


def test_flag_and_category_shares_match_statsmodels_and_suppress_small_cells():
    rows = pd.DataFrame({"cell": ["a"] * 25 + ["b"] * 6, "flag": [1] * 9 + [0] * 16 + [1, 1, 0, 0, 0, 0]})
    table = flag_shares(rows, flags=["flag"], by=["cell"])
    low, high = proportion_confint(9, 25, method="wilson")
    assert table.loc[0, ["n", "count", "share"]].tolist() == [25, 9, 36.0]
    assert table.loc[0, ["ci_low", "ci_high"]].tolist() == pytest.approx([100 * low, 100 * high])
    assert table.loc[1, "suppressed"] and np.isnan(table.loc[1, "share"])
    categories = category_shares(rows.assign(kind=rows["flag"].map({1: "yes", 0: "no"})), column="kind", by=["cell"])
    assert categories.loc[categories["cell"] == "a", "share"].sum() == pytest.approx(100)


def test_share_difference_is_newcombe_from_two_wilson_intervals_and_fisher():
    got = share_difference(30, 50, 20, 60)
    (l1, u1), (l2, u2) = proportion_confint(30, 50, method="wilson"), proportion_confint(20, 60, method="wilson")
    p1, p2 = 30 / 50, 20 / 60
    low = p1 - p2 - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = p1 - p2 + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    assert [got["diff"], got["ci_low"], got["ci_high"]] == pytest.approx([100 * (p1 - p2), 100 * low, 100 * high])
    assert got["p_value"] == pytest.approx(stats.fisher_exact([[30, 20], [20, 40]]).pvalue)


def test_theme_shares_suppress_small_themes_and_hide_their_label():
    assigned = pd.DataFrame({"theme": [1] * 30 + [2] * 15 + [3] * 4, "period": ["Q1", "Q2"] * 24 + ["Q1"],
                             "theme_label": ["fees"] * 30 + ["login"] * 15 + ["secret words"] * 4})
    overall = theme_shares(assigned)
    assert overall["theme_label"].tolist() == ["fees", "login", SMALL_THEME]
    assert overall["share"].iloc[:2].sum() + 4 / 49 * 100 == pytest.approx(100)
    assert overall.loc[2, "suppressed"] and np.isnan(overall.loc[2, "share"])
    by_period = theme_shares(assigned, by=["period"])
    assert "secret words" not in set(by_period["theme_label"])
    assert by_period.groupby("period")["n"].first().to_dict() == {"Q1": 25, "Q2": 24}


def test_theme_outcomes_test_each_theme_against_the_rest_with_fdr():
    rng = np.random.default_rng(4)
    themes_ = np.repeat([1, 2, 3, 4], [60, 50, 40, 5])
    relief = np.r_[rng.random(60) < 0.6, rng.random(50) < 0.2, rng.random(40) < 0.25, [1, 0, 1, 0, 1]].astype(int)
    assigned = pd.DataFrame({"theme": themes_, "theme_label": [f"t{t}" for t in themes_], "relief": relief})
    assigned.loc[[0, 70], "relief"] = pd.NA
    table = theme_outcomes(assigned, outcome="relief")
    known = assigned.dropna(subset=["relief"])
    inside = known["theme"] == 1
    expected = share_difference(int(known.loc[inside, "relief"].sum()), int(inside.sum()),
                                int(known.loc[~inside, "relief"].sum()), int((~inside).sum()))
    assert table.loc[0, ["diff", "ci_low", "ci_high", "p_value"]].tolist() == pytest.approx(
        [expected[k] for k in ("diff", "ci_low", "ci_high", "p_value")])
    assert table.loc[3, "theme_label"] == SMALL_THEME and np.isnan(table.loc[3, "p_value"])
    adjusted = adjust_fdr(table.iloc[:3][["p_value"]])["p_adjusted"]
    assert table["p_adjusted"].iloc[:3].tolist() == pytest.approx(adjusted.tolist())
    assert table.loc[0, "significant"] and table.loc[0, "diff"] > 0
