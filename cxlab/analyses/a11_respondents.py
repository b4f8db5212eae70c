"""One service's A-11 scorecard from respondent-level responses, FY2024 onward (``a11_respondent_scorecard``).

From FY2024 OMB Circular A-11 Section 280 collects one record per respondent: a satisfaction
question (``question_1``: thumbs up/down, or 1-5), what went well and what did not (one 0/1 flag per
driver, ``positive_*`` and ``negative_*``) and an open answer (``question_4``). This scorecard counts
people, not answers: every share is of the respondents in the cell, with a Wilson interval. The
open answers go through the same theme and tone functions as complaints.

No public file of this shape exists yet: the bundled data set ``a11_respondents_synthetic`` is
made up (``data/examples/make_a11_respondents.py``), and every report built from it says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import cxlab
from cxlab.report import numbers, plots
from cxlab.report.blocks import Block, findings_block, note_block, table_block
from cxlab.data.entries import A11_DRIVERS
from cxlab.report.findings import Finding, difference_phrase, fdr_note
from cxlab.report.plots import share_text
from cxlab.stats.sentiment import sentiment, sentiment_shares
from cxlab.stats.compare import MIN_DIFFERENCE, adjust_fdr, judge_differences
from cxlab.stats.shares import flag_shares, share_difference
from cxlab.stats.summary import MIN_N
from cxlab.stats.text_outcomes import SMALL_THEME, theme_shares
from cxlab.stats.text_themes import CANDIDATES, MIN_PER_THEME, theme_excerpts, theme_stability, themes

__all__ = ["DRIVER_NAMES", "RespondentScorecard", "satisfied", "run"]

#: How the scorecard names each A-11 driver flag.
DRIVER_NAMES = {"effectiveness": "Effectiveness", "ease": "Ease", "efficiency": "Efficiency",
                "transparency": "Transparency", "humanity": "Humanity", "employee": "Employee helpfulness",
                "other": "Other"}


@dataclass(frozen=True)
class RespondentScorecard:
    """What the respondent-level scorecard shows, and the tables behind it."""

    satisfaction: pd.DataFrame
    drivers: pd.DataFrame
    changes: pd.DataFrame
    shares: pd.DataFrame
    findings: Block
    satisfied_chart: Block
    drivers_chart: Block
    drivers_table: Block
    themes_chart: Block
    excerpts_table: Block
    tone_chart: Block
    volume_table: Block
    methods: Block


def satisfied(responses: pd.DataFrame) -> pd.Series:
    """1 when ``question_1`` is a thumbs up (scale 0-1) or a 4 or 5 (scale 1-5), else 0; NA if unanswered.

    Examples
    --------
    >>> thumbs = pd.DataFrame({"question_1": pd.array([1, 0, None], dtype="Int64")})
    >>> thumbs.attrs["scale"] = (0.0, 1.0)
    >>> satisfied(thumbs).tolist()
    [1, 0, <NA>]
    >>> likert = pd.DataFrame({"question_1": pd.array([5, 4, 3], dtype="Int64")})
    >>> likert.attrs["scale"] = (1.0, 5.0)
    >>> satisfied(likert).tolist()
    [1, 1, 0]
    """
    low, high = responses.attrs["scale"]
    top = high if high - low < 4 else high - 1
    return (responses["question_1"] >= top).astype("Int64")


def run(*, service: str, dataset: str = "a11_respondents_synthetic", min_n: int = MIN_N,
        responses: pd.DataFrame | None = None) -> RespondentScorecard:
    """Build the scorecard of one service from respondent-level A-11 responses.

    Examples
    --------
    >>> card = run(service="Applying for benefits")
    >>> print(card.findings.text.splitlines()[0])  # doctest: +ELLIPSIS
    - SYNTHETIC DATA: ...
    """
    responses = cxlab.load(dataset) if responses is None else responses
    services = sorted(responses["service"].unique())
    if service not in services:
        raise ValueError(f"no service {service!r} in {dataset}; allowed: {'; '.join(services)}")
    rows = responses[responses["service"] == service].assign(satisfied=satisfied(responses))
    synthetic = "synthetic" in dataset
    satisfaction = flag_shares(rows, flags=["satisfied"], by=["period"], min_n=min_n)
    drivers = _named(flag_shares(rows, flags=[f"{s}_{d}" for s in ("positive", "negative") for d in A11_DRIVERS],
                                 by=["period"], min_n=min_n))
    latest = satisfaction["period"].max()
    changes = _changes(rows, latest, min_n)
    comments = rows[rows["has_text"]].rename(columns={"respondent_id": "comment_id"}).reset_index(drop=True)
    candidates = [k for k in CANDIDATES if k * MIN_PER_THEME <= len(comments)]
    assigned = themes(comments, n_themes=_chosen(comments, candidates)) if candidates else None
    shares = theme_shares(assigned, min_n=min_n) if assigned is not None else pd.DataFrame()
    scored = sentiment(comments).assign(thumbs=lambda t: t["satisfied"].map({1: "Satisfied", 0: "Not satisfied"}))
    tone = sentiment_shares(scored, by=["thumbs"], min_n=min_n)
    found = _findings(satisfaction, drivers, changes, shares, tone, service=service, latest=latest, min_n=min_n,
                      synthetic=synthetic, comments=len(comments))
    now = drivers[drivers["period"] == latest]
    return RespondentScorecard(
        satisfaction=satisfaction, drivers=drivers, changes=changes, shares=shares,
        findings=findings_block(found),
        satisfied_chart=plots.share_chart(satisfaction, label="period", title=f"Share satisfied by quarter: {service}",
                                          xlabel="Share of respondents satisfied (%), with 95% interval"),
        drivers_chart=plots.share_chart(now, label="driver", series="side",
                                        title=f"What went well and what did not, {latest}",
                                        xlabel="Share of respondents who named it (%), with 95% interval"),
        drivers_table=table_block(_drivers_view(drivers), caption="Share of respondents who named each driver, by "
                                  "quarter (%, with 95% interval)"),
        themes_chart=(plots.share_chart(shares[shares["theme_label"] != SMALL_THEME], label="theme_label",
                                        title=f"Themes of the open answers: {service}",
                                        xlabel="Share of open answers (%), with 95% interval")
                      if len(shares) else note_block("Too few open answers to find themes.")),
        excerpts_table=(table_block(theme_excerpts(assigned, comments, min_n=min_n)[["theme_label", "excerpt"]]
                                    .rename(columns={"theme_label": "Theme", "excerpt": "Excerpt"}),
                                    caption="Typical open answers of each theme")
                        if assigned is not None else note_block("No excerpts: too few open answers.")),
        tone_chart=plots.share_chart(tone, label="thumbs", series="measure",
                                     title="Tone of the open answers (VADER), by satisfaction",
                                     xlabel="Share of open answers (%), with 95% interval"),
        volume_table=table_block(_volume_view(rows), caption="Customers, survey offers and respondents by quarter"),
        methods=note_block(_methods(min_n, synthetic)),
    )


def _chosen(comments: pd.DataFrame, candidates: list[int]) -> int:
    table = theme_stability(comments, candidates=candidates)
    return int(table.loc[table["chosen"], "n_themes"].iloc[0])


def _named(drivers: pd.DataFrame) -> pd.DataFrame:
    """Split ``positive_ease`` into ``side`` (Went well / Did not) and ``driver`` (Ease)."""
    side, _, driver = drivers["measure"].str.partition("_").T.to_numpy()
    return drivers.assign(side=pd.Series(side, index=drivers.index).map({"positive": "Went well",
                                                                           "negative": "Did not go well"}),
                          driver=pd.Series(driver, index=drivers.index).map(DRIVER_NAMES))


def _changes(rows: pd.DataFrame, latest: str, min_n: int) -> pd.DataFrame:
    """Share satisfied in the latest quarter against the previous one and the first one; FDR over both."""
    periods = sorted(rows["period"].unique())
    known = rows.dropna(subset=["satisfied"])
    counts = known.groupby("period")["satisfied"].agg(["sum", "size"])
    found = []
    for label, earlier in (("previous quarter", periods[-2] if len(periods) > 1 else None),
                           ("first quarter", periods[0] if len(periods) > 2 else None)):
        if earlier is None or min(counts.loc[latest, "size"], counts.loc[earlier, "size"]) < min_n:
            continue
        found.append({"comparison": label, "earlier": earlier,
                      **share_difference(int(counts.loc[latest, "sum"]), int(counts.loc[latest, "size"]),
                                         int(counts.loc[earlier, "sum"]), int(counts.loc[earlier, "size"]))})
    table = pd.DataFrame(found, columns=["comparison", "earlier", "share", "share_other", "diff", "ci_low", "ci_high",
                                         "p_value"])
    return adjust_fdr(table)


def _findings(satisfaction: pd.DataFrame, drivers: pd.DataFrame, changes: pd.DataFrame, shares: pd.DataFrame,
              tone: pd.DataFrame, *, service: str, latest: str, min_n: int, synthetic: bool,
              comments: int) -> list[Finding]:
    found = []
    if synthetic:
        found.append(Finding("SYNTHETIC DATA: these responses were made up by a seeded script to show how cxlab reads "
                             "A-11 respondent-level data; no number in this report describes a real service."))
    now = satisfaction[satisfaction["period"] == latest].iloc[0]
    if now["suppressed"]:
        found.append(Finding(f"In {latest}, fewer than {min_n} respondents answered, so no share is shown."))
        return found
    found.append(Finding(f"In {latest}, {share_text(now)} of the {int(now['n']):,} respondents were satisfied with "
                         f"{service}.", "respondents chose to answer, so the share describes those who answered"))
    judged = judge_differences(changes, min_difference=MIN_DIFFERENCE) if len(changes) else changes
    for _, change in judged.iterrows():
        found.append(Finding(
            f"Against {change['earlier']} ({change['comparison']}): {numbers.percent(change['share_other'])} then, "
            f"{numbers.percent(change['share'])} now; the share {difference_phrase(change, min_difference=MIN_DIFFERENCE)}.",
            fdr_note(changes, MIN_DIFFERENCE)))
    current = drivers[(drivers["period"] == latest) & ~drivers["suppressed"] & (drivers["driver"] != "Other")]
    for side, wording in (("Went well", "went well"), ("Did not go well", "did not go well")):
        top = current[current["side"] == side].sort_values("share", ascending=False)
        if len(top):
            found.append(Finding(f"In {latest}, respondents most often named {top['driver'].iloc[0].lower()} as what "
                                 f"{wording}: {share_text(top.iloc[0])} of them."))
    shown = shares[shares["theme_label"] != SMALL_THEME].sort_values("share", ascending=False) if len(shares) else shares
    if len(shown):
        found.append(Finding(f"{comments:,} respondents wrote an open answer; the largest theme, "
                             f"'{shown['theme_label'].iloc[0]}', holds {share_text(shown.iloc[0])} of them.",
                             "themes are groups of answers with similar words, found by a model"))
    negative = tone[(tone["measure"] == "negative") & ~tone["suppressed"]].set_index("thumbs")
    if {"Satisfied", "Not satisfied"} <= set(negative.index):
        found.append(Finding(f"Open answers read negative (VADER) for {share_text(negative.loc['Not satisfied'])} of "
                             f"those not satisfied and {share_text(negative.loc['Satisfied'])} of those satisfied.",
                             "a general-purpose word list, not a measure of satisfaction"))
    hidden = int(satisfaction["suppressed"].sum())
    if hidden:
        found.append(Finding(f"{hidden} quarter{'s' if hidden != 1 else ''} with fewer than {min_n} respondents "
                             "are not shown (privacy and precision)."))
    return found


def _drivers_view(drivers: pd.DataFrame) -> pd.DataFrame:
    """One row per driver and side, one column per quarter: the share with its interval, or why there is none."""
    cell = [f"{numbers.number(r.share)} ({numbers.interval(r.ci_low, r.ci_high)})" if not r.suppressed
            else f"suppressed (n = {numbers.count(r.n)})"
            for r in drivers.itertuples()]
    wide = drivers.assign(cell=cell).pivot(index=["side", "driver"], columns="period", values="cell")
    order = [(side, name) for side in ("Went well", "Did not go well") for name in DRIVER_NAMES.values()]
    wide = wide.reindex(order).reset_index()
    return wide.rename(columns={"side": "Side", "driver": "Driver"}).rename_axis(columns=None)


def _volume_view(rows: pd.DataFrame) -> pd.DataFrame:
    """Volumes per quarter, each collection detail counted once; responses in the file beside them."""
    details = rows.drop_duplicates("detail_id")
    volume = details.groupby("period")[["customers", "offered_survey", "respondents"]].sum(min_count=1)
    volume["in_file"] = rows.groupby("period").size()
    volume["rate"] = volume["respondents"] / volume["offered_survey"].where(volume["offered_survey"] > 0) * 100
    counts = volume[["customers", "offered_survey", "respondents", "in_file"]].round().astype("Int64")
    return pd.DataFrame({"Quarter": volume.index, "Customers": counts["customers"],
                         "Offered the survey": counts["offered_survey"], "Respondents (reported)": counts["respondents"],
                         "Responses in the file": counts["in_file"], "Response rate (%)": volume["rate"]})


def _methods(min_n: int, synthetic: bool) -> str:
    text = (
        "Each response is joined to its collection detail (service, channel, fiscal year, quarter, volumes). "
        "Satisfied means a thumbs up on question 1 (or 4-5 on a 1-5 question 1). Every share is of the respondents "
        "in the quarter (each respondent counts once, whatever they ticked), with a 95% Wilson interval; a change in "
        "the share satisfied is a difference with a 95% Newcombe interval and Fisher's exact test, the two "
        "comparisons adjusted with the Benjamini-Hochberg false discovery rate (5%); a change is a rise or fall when it "
        f"passes that and is at least {MIN_DIFFERENCE:g} point. Open answers (question 4) are "
        "scrubbed of e-mail addresses, web addresses, phone numbers and SSN-like and card-like numbers when the file "
        "is loaded, then grouped into themes with TF-IDF and NMF (the number of themes chosen by stability across "
        "runs, a fixed seed; see the complaints reports for the rule) and scored for tone with vaderSentiment. "
        f"Quarters, drivers and themes with fewer than {min_n} respondents are suppressed. Respondents choose to "
        "answer, so the shares describe those who answered."
    )
    if synthetic:
        text += (" The data are SYNTHETIC: made by data/examples/make_a11_respondents.py from seeded random numbers "
                 "and stock phrases, to show the layout; they describe no real service.")
    return text
