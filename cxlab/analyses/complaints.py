"""Consumer complaints: themes of the narratives, their tone, and how complaints ended (``complaints``).

Built for the CFPB Consumer Complaint Database (``cfpb_complaints``): every complaint counts for
the outcomes; the consumer's own narrative, published only where the consumer consented, feeds
the themes and the tone. Themes (:mod:`cxlab.stats.text_themes`), their shares and outcomes
(:mod:`cxlab.stats.text_outcomes`) and tone (:mod:`cxlab.stats.sentiment`) come from the same functions any
comment data set can use.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import cxlab
from cxlab.data.tablecache import cached, caching, frame_digest
from cxlab.report import numbers, plots
from cxlab.report.blocks import Block, findings_block, note_block, table_block
from cxlab.report.findings import Finding, fdr_note, p_text
from cxlab.report.plots import share_text
from cxlab.stats.sentiment import TONES, sentiment, sentiment_shares
from cxlab.stats.compare import MIN_DIFFERENCE
from cxlab.stats.shares import flag_shares
from cxlab.stats.summary import MIN_N
from cxlab.stats.text_outcomes import SMALL_THEME, theme_outcomes, theme_shares
from cxlab.stats.text_themes import CANDIDATES, EXCERPT_WORDS, MIN_PER_THEME, RUNS, TIE, theme_excerpts, theme_stability, themes

__all__ = ["RELIEF", "TIMELY", "WEAK_STABILITY", "ComplaintsReport", "outcome_flags", "short_name", "run"]

#: ``response`` -> 1 (the company gave relief) or 0 (it closed the complaint with an explanation);
#: other responses (untimely, in progress, closed) are not compared.
RELIEF = {"Closed with monetary relief": 1, "Closed with non-monetary relief": 1, "Closed with explanation": 0}
#: ``timely`` -> 1 (yes) or 0 (no).
TIMELY = {"Yes": 1, "No": 0}
#: Below this stability (mean adjusted Rand index) the themes are called tentative.
WEAK_STABILITY = 0.5
_OUTCOMES = {"relief": "ended with relief", "timely": "got a timely response"}


@dataclass(frozen=True)
class ComplaintsReport:
    """What the complaints report shows, and the tables behind it."""

    complaints: pd.DataFrame
    assigned: pd.DataFrame
    stability: pd.DataFrame
    shares: pd.DataFrame
    outcomes: pd.DataFrame
    tone: pd.DataFrame
    findings: Block
    themes_chart: Block
    themes_table: Block
    excerpts_table: Block
    outcomes_table: Block
    time_chart: Block
    category_table: Block
    tone_chart: Block
    stability_table: Block
    methods: Block
    caveats: Block


def outcome_flags(complaints: pd.DataFrame) -> pd.DataFrame:
    """The complaints with 0/1 columns ``relief`` and ``timely`` (NA where they do not apply).

    Examples
    --------
    >>> rows = pd.DataFrame({"response": ["Closed with monetary relief", "Closed with explanation", "In progress"],
    ...                      "timely": ["Yes", "No", "Yes"]})
    >>> outcome_flags(rows)[["relief", "timely"]]
       relief  timely
    0       1       1
    1       0       0
    2    <NA>       1
    """
    return complaints.assign(relief=complaints["response"].map(RELIEF).astype("Int64"),
                             timely=complaints["timely"].map(TIMELY).astype("Int64"))


def short_name(category: str) -> str:
    """A CFPB product or issue named by the words before its first comma.

    Examples
    --------
    >>> short_name("Credit reporting, credit repair services, or other personal consumer reports")
    'Credit reporting'
    """
    return category.split(",")[0]


def run(*, product: str | None = None, min_n: int = MIN_N, complaints: pd.DataFrame | None = None) -> ComplaintsReport:
    """Themes, tone and outcomes of the complaints about one product (or all of them).

    Examples
    --------
    >>> report = run(product="Mortgage")
    >>> print(report.findings.text.splitlines()[0])  # doctest: +ELLIPSIS
    - 465 complaints about Mortgage ... 129 (27.7%) include the consumer's own narrative. ...
    """
    complaints = cxlab.load("cfpb_complaints") if complaints is None else complaints
    everyone = complaints
    if product is not None:
        products = sorted(complaints["product"].unique())
        if product not in products:
            raise ValueError(f"no product {product!r} in the complaints; allowed: {'; '.join(products)}")
        complaints = complaints[complaints["product"] == product]
    complaints = outcome_flags(complaints.reset_index(drop=True))
    category = "issue" if product else "product"
    narratives = complaints[complaints["has_text"]].reset_index(drop=True)
    stability = theme_stability(narratives, candidates=[k for k in CANDIDATES if k * MIN_PER_THEME <= len(narratives)]
                                or [min(CANDIDATES)])
    k = int(stability.loc[stability["chosen"], "n_themes"].iloc[0])
    assigned = themes(narratives, n_themes=k).merge(
        narratives[["comment_id", "period", category, "relief", "timely"]], on="comment_id")
    assigned[category] = _pooled(assigned[category], min_n)
    shares = theme_shares(assigned, min_n=min_n)
    outcomes = pd.concat([theme_outcomes(assigned, outcome=o, min_n=min_n) for o in _OUTCOMES], ignore_index=True)
    scored = _toned(everyone, narratives).merge(assigned[["comment_id", "theme", "theme_label"]], on="comment_id")
    tone = sentiment_shares(scored, min_n=min_n)
    scope = f"about {product}" if product else "(all products)"
    by_time = theme_shares(assigned, by=["period"], min_n=min_n)
    return ComplaintsReport(
        complaints=complaints, assigned=assigned, stability=stability, shares=shares, outcomes=outcomes, tone=tone,
        findings=findings_block(_findings(complaints, narratives, stability, shares, outcomes, tone, scope=scope,
                                          min_n=min_n)),
        themes_chart=plots.share_chart(_shown(shares), label="theme_label",
                                       title=f"Themes of the narratives: {short_name(product or 'all products')}",
                                       xlabel="Share of narratives (%), with 95% interval"),
        themes_table=table_block(_themes_view(shares, assigned), caption="Themes: size and top terms"),
        excerpts_table=table_block(_excerpts_view(theme_excerpts(assigned, narratives, min_n=min_n)),
                                   caption=f"Typical excerpts of each theme (at most {EXCERPT_WORDS} words)"),
        outcomes_table=table_block(_outcomes_view(outcomes), caption="How complaints in each theme ended, "
                                   "against all other narratives"),
        time_chart=_time_chart(by_time, min_n),
        category_table=table_block(_category_view(theme_shares(assigned, by=[category], min_n=min_n), category),
                                   caption=f"Themes by {category}"),
        tone_chart=plots.share_chart(_tone_by_theme(scored, tone, min_n), label="theme_label", series="measure",
                                     title="Tone of the narratives (VADER), by theme",
                                     xlabel="Share of narratives (%), with 95% interval"),
        stability_table=table_block(_stability_view(stability), caption="Stability of the themes for each "
                                    "number of themes tried"),
        methods=note_block(_methods(min_n)),
        caveats=note_block(_caveats()),
    )


def _pooled(values: pd.Series, min_n: int) -> pd.Series:
    """Categories with fewer than ``min_n`` narratives pooled as ``Other (each under min_n)``."""
    counts = values.value_counts()
    small = values.map(counts) < min_n
    return values.map(short_name).where(~small, f"Other (each under {min_n})")


def _shown(shares: pd.DataFrame) -> pd.DataFrame:
    return shares[shares["theme_label"] != SMALL_THEME]


def _toned(everyone: pd.DataFrame, narratives: pd.DataFrame) -> pd.DataFrame:
    """``narratives`` with their VADER tone, scored once for every text of the data set they come from.

    During a build the scores are kept (:mod:`cxlab.data.tablecache`), so the reports on each
    product read what the first complaints report scored; elsewhere only ``narratives`` are scored.
    """
    if not caching():
        return sentiment(narratives)
    texts = everyone[["comment_id", "text"]]
    scores = cached("sentiment", frame_digest(texts), lambda: sentiment(texts))
    return narratives.merge(scores[["comment_id", "compound", "tone"]], on="comment_id", validate="one_to_one")


def _findings(complaints: pd.DataFrame, narratives: pd.DataFrame, stability: pd.DataFrame, shares: pd.DataFrame,
              outcomes: pd.DataFrame, tone: pd.DataFrame, *, scope: str, min_n: int) -> list[Finding]:
    first, last = complaints["date"].min(), complaints["date"].max()
    found = [Finding(
        f"{len(complaints):,} complaints {scope} in this sample, received by the CFPB from "
        f"{first:%B %Y} to {last:%B %Y}; {len(narratives):,} ({100 * len(narratives) / len(complaints):.1f}%) "
        "include the consumer's own narrative. The complaints are concentrated in "
        f"{complaints['date'].dt.year.mode().iloc[0]} ({100 * (complaints['date'].dt.year == complaints['date'].dt.year.mode().iloc[0]).mean():.0f}%).",
        "complaints are not a statistical sample of customers or of their experiences, and a narrative is "
        "published only where the consumer consented, so neither stands for all customers")]
    ended = flag_shares(complaints, flags=["relief", "timely"], min_n=min_n).set_index("measure")
    if not ended["suppressed"].any():
        found.append(Finding(
            f"Of the {int(ended.loc['relief', 'n']):,} complaints that companies closed either with relief or with an "
            f"explanation only, {share_text(ended.loc['relief'])} were closed with relief (monetary or not); "
            f"{share_text(ended.loc['timely'])} of all {len(complaints):,} complaints got a timely response.",
            "the company reports how it closed a complaint; relief does not show that the complaint was justified"))
    found.append(_themes_finding(narratives, stability, shares))
    for outcome, wording in _OUTCOMES.items():
        found.append(_outcome_finding(outcomes[outcomes["outcome"] == outcome], wording))
    overall = tone.set_index("measure")
    if not overall["suppressed"].any():
        negative, neutral, positive = (share_text(overall.loc[t]) for t in TONES)
        found.append(Finding(
            f"By VADER's general-purpose word list, {negative} of the narratives read negative, {neutral} neutral "
            f"and {positive} positive.",
            "the word list scores words that are routine in complaints, such as credit, please, help and fair, as "
            "positive, so a narrative can read positive without praising anyone; compare groups, and do not read "
            "it as satisfaction"))
    small = int((shares["theme_label"] == SMALL_THEME).sum())
    if small:
        found.append(Finding(f"{small} theme{'s' if small != 1 else ''} with fewer than {min_n} narratives "
                             f"{'are' if small != 1 else 'is'} not shown (privacy and precision)."))
    return found


def _themes_finding(narratives: pd.DataFrame, stability: pd.DataFrame, shares: pd.DataFrame) -> Finding:
    chosen = stability[stability["chosen"]].iloc[0]
    shown = _shown(shares).sort_values("share", ascending=False)
    listed = "; ".join(f"'{r.theme_label}' {numbers.percent(r.share)} ({numbers.interval(r.ci_low, r.ci_high)})"
                       for r in shown.head(3).itertuples())
    caveat = ("a theme is a group of narratives that use similar words, named by its most typical terms; read its "
              "excerpts before giving it a name")
    if chosen["stability"] < WEAK_STABILITY:
        caveat += (f"; runs of the model agree only weakly on these themes (stability {chosen['stability']:.2f}, "
                   f"below {WEAK_STABILITY}), so treat them as tentative")
    tried = stability["n_themes"]
    return Finding(f"The {len(narratives):,} narratives fall into {int(chosen['n_themes'])} themes, the most stable "
                   f"number between {tried.min()} and {tried.max()} (stability {chosen['stability']:.2f} on a scale "
                   f"up to 1). The largest: {listed}.", caveat)


def _outcome_finding(tests: pd.DataFrame, wording: str) -> Finding:
    if tests["p_value"].isna().all():
        return Finding(f"Too few narratives have a known outcome to compare how often each theme {wording}.")
    moved = tests[tests["significant"] & (tests["diff"].abs() >= MIN_DIFFERENCE)]
    caveat = (fdr_note(tests) + "; an association, not an effect of the theme: companies decide the response, and "
              "themes differ in products and companies")
    if moved.empty:
        return Finding(f"No theme's narratives {wording} more or less often than the other narratives by more than "
                       "chance would explain.", caveat)
    parts = [f"'{r.theme_label}' {'more' if r.diff > 0 else 'less'} often ({numbers.percent(r.share)} against "
             f"{numbers.percent(r.share_other)}; {numbers.signed(r.diff)} points, "
             f"{numbers.interval(r.ci_low, r.ci_high, signed_ends=True)})"
             for r in moved.itertuples()]
    return Finding(f"Narratives in some themes {wording} more or less often than the other narratives: "
                   + "; ".join(parts) + ".", caveat)


def _themes_view(shares: pd.DataFrame, assigned: pd.DataFrame) -> pd.DataFrame:
    shown = _shown(shares)
    terms = assigned.drop_duplicates("theme").set_index("theme")["theme_terms"]
    return pd.DataFrame({"Theme": shown["theme_label"], "Narratives": shown["count"], "Share (%)": shown["share"],
                         "95% CI low": shown["ci_low"], "95% CI high": shown["ci_high"],
                         "Top terms": shown["theme"].map(terms)})


def _excerpts_view(excerpts: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Theme": excerpts["theme_label"], "Excerpt": excerpts["excerpt"],
                         "Complaint ID": excerpts["id"].astype(str)})


def _outcomes_view(outcomes: pd.DataFrame) -> pd.DataFrame:
    shown = outcomes[outcomes["theme_label"] != SMALL_THEME]
    view = pd.DataFrame({
        "Theme": shown["theme_label"], "Outcome": shown["outcome"].map({"relief": "relief", "timely": "timely"}),
        "Known outcome": shown["n"], "In the theme (%)": shown["share"], "Other narratives (%)": shown["share_other"],
        "Difference (points)": shown["diff"], "95% CI low": shown["ci_low"], "95% CI high": shown["ci_high"],
        "p (FDR)": shown["p_adjusted"].map(p_text), "Significant": shown["significant"].map({True: "yes", False: "no"}),
        "Note": shown["note"]})
    return view if view["Note"].astype(bool).any() else view.drop(columns="Note")


def _time_chart(by_time: pd.DataFrame, min_n: int) -> Block:
    shown = _shown(by_time)
    matrix = shown.pivot(index="theme_label", columns="period", values="share")
    matrix = matrix.reindex(index=list(dict.fromkeys(shown.sort_values("theme")["theme_label"])))
    matrix = matrix.loc[:, matrix.notna().any()]
    matrix.columns.name = None
    matrix.index.name = "Theme"
    return plots.heatmap_chart(matrix, title=f"Share of narratives in each theme, by quarter (quarters with at least "
                                             f"{min_n} narratives)", row_label="Theme",
                               value_label="Share (%)", kind="shares (%)")


def _category_view(by_category: pd.DataFrame, category: str) -> pd.DataFrame:
    shown = _shown(by_category)
    return pd.DataFrame({category.capitalize(): shown[category], "Theme": shown["theme_label"],
                         "Narratives": shown["n"], "In the theme": shown["count"], "Share (%)": shown["share"],
                         "95% CI low": shown["ci_low"], "95% CI high": shown["ci_high"], "Note": shown["note"]})


def _tone_by_theme(scored: pd.DataFrame, tone: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Tone shares for all narratives, then for each theme that is shown."""
    shown = scored[scored["theme_label"].map(scored["theme_label"].value_counts()) >= min_n]
    by_theme = sentiment_shares(shown.dropna(subset=["theme"]).sort_values("theme"), by=["theme"], min_n=min_n)
    labels = shown.drop_duplicates("theme").set_index("theme")["theme_label"]
    by_theme = by_theme.assign(theme_label=by_theme["theme"].map(labels)).drop(columns="theme")
    return pd.concat([tone.assign(theme_label="All narratives"), by_theme], ignore_index=True)


def _stability_view(stability: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Number of themes": stability["n_themes"].astype(str),
                         "Stability": stability["stability"].map("{:.2f}".format),
                         "Chosen": stability["chosen"].map({True: "yes", False: "no"})})


def _methods(min_n: int) -> str:
    return (
        "Data: the registered sample of the CFPB Consumer Complaint Database (data/cfpb_complaints). Before anything "
        "else, e-mail addresses, web addresses, phone numbers and SSN-like and card-like numbers in the narratives "
        "are replaced by tags; the CFPB's own redactions (XXXX) stay redactions and, like the tags, amounts and "
        "digits, never count as words. Themes: words and two-word phrases weighted by TF-IDF (English stop words "
        "left out), grouped with non-negative matrix factorisation (scikit-learn NMF, fixed seed, NNDSVDa start); "
        "each narrative belongs to the theme that carries most of its weight, and a theme is named by its top "
        f"terms. The number of themes is chosen by stability: each number from {min(CANDIDATES)} to "
        f"{max(CANDIDATES)} (at most one theme per {MIN_PER_THEME} narratives) is fitted {RUNS} times, each run on "
        "a random 80% of the narratives (NNDSVDar start, seeded); stability is the mean adjusted Rand index between the "
        "groupings of every two runs (1 = the same grouping every time); the most stable number wins, a smaller "
        f"one when within {TIE}. Excerpts: the narratives most typical of a theme (largest share of their weight "
        f"on it; ties by complaint ID), each cut to at most {EXCERPT_WORDS} words from the sentence that holds most "
        "of its top terms. Shares have 95% Wilson intervals. Theme against outcome: the share with relief (of "
        "complaints closed with relief or with an explanation) and the share with a timely response, in a theme "
        "against all other narratives, as a difference with a 95% Newcombe interval and Fisher's exact test; "
        "p-values are adjusted with the Benjamini-Hochberg false discovery rate (5%) over the themes (p (FDR) in the "
        f"table), and a difference is reported when it passes that and is at least {MIN_DIFFERENCE:g} point. Tone: "
        "vaderSentiment's compound score, negative at -0.05 or below, positive at 0.05 or above, neutral between; "
        f"shares with Wilson intervals, never an average score. Themes with fewer than {min_n} narratives, and "
        f"cells (quarters, products, issues) with fewer than {min_n}, are suppressed; products and issues with "
        f"fewer than {min_n} narratives are pooled as Other, and named by the words before their first comma."
    )


def _caveats() -> str:
    return (
        "Complaints are not a statistical sample of consumers or of their experiences: people choose to complain, "
        "and some companies and products draw more complaints than others. Narratives are published only where the "
        "consumer consented (and a consumer may later withdraw consent), so the narratives are a further selection "
        "of the complaints. The companies report how they closed each complaint; relief does not show that a "
        "complaint was justified, and an explanation does not show that it was not. Differences between themes are "
        "associations, not effects. Themes are groups of narratives that use similar words, found by a model; they "
        "are not CFPB's product or issue categories. The tone measure is a general-purpose word list, not a measure "
        "of satisfaction. This file is a sample, most of it from 2019; it does not show how complaints changed over "
        "the years."
    )
