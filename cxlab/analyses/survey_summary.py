"""Any registered respondent survey: one item by entity and period, compared (``survey_summary``).

The report a data set added by configuration alone gets. For the latest period: the item's
level with its interval, each entity against all other respondents and, where there are few
entities, every pair (Welch differences, Hedges' g, Benjamini-Hochberg false discovery rate,
the minimum meaningful difference), the top-two-box share (the share of 1 on a 0/1 item) and,
on a 0-10 item, the net promoter score, per entity. Where the data set has periods, each
entity's course over them and its change from the first to the last period. It uses the
entity, period and weight columns where the registry maps them, and the labels it gives.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlab.analyses.groups import versus_rest
from cxlab.analyses.survey import Survey
from cxlab.data.respondents import item
from cxlab.report import plots
from cxlab.report.blocks import Block, findings_block, note_block, table_block
from cxlab.report.findings import (CHANGE_WORDS, STANDING_WORDS, Finding, course_text, difference_phrase,
                                   estimate_text, fdr_note, p_text, percent_text, points_text, suppression_caveat)
from cxlab.stats import compare
from cxlab.stats.compare import MIN_DIFFERENCE
from cxlab.stats.summary import MIN_N, nps, summarize, top_box

__all__ = ["MAX_PAIRWISE", "SurveySummary", "top_boxes", "run"]

#: With at most this many entities every pair is compared too (6 entities: 15 pairs).
MAX_PAIRWISE = 6
#: Where no entity is mapped, every respondent belongs to this one.
EVERYONE = "all respondents"
#: Where no period is mapped, every respondent belongs to this one.
ONE_PERIOD = "the survey"


@dataclass(frozen=True)
class SurveySummary:
    """What the survey_summary report shows, and the tables behind it."""

    summary: pd.DataFrame
    latest: pd.DataFrame
    versus: pd.DataFrame
    pairs: pd.DataFrame
    changes: pd.DataFrame
    shares: pd.DataFrame
    promoters: pd.DataFrame
    findings: Block
    trend_chart: Block
    latest_chart: Block
    versus_table: Block
    pairs_table: Block
    changes_table: Block
    shares_table: Block
    nps_table: Block
    methods: Block


def top_boxes(scale: tuple[float, float]) -> int | None:
    """How many top points a "top box" share counts on a scale: 1 on 0/1, 2 on 4 to 11 points, else none.

    Examples
    --------
    >>> top_boxes((0, 1)), top_boxes((1, 5)), top_boxes((0, 10)), top_boxes((0, 100))
    (1, 2, 2, None)
    """
    points = scale[1] - scale[0] + 1
    return 1 if points == 2 else 2 if 4 <= points <= 11 else None


def run(*, dataset: str, measure: str | None = None, min_n: int = MIN_N, min_difference: float = MIN_DIFFERENCE,
        responses: pd.DataFrame | None = None) -> SurveySummary:
    """Summarise one rating item of a respondent-level data set by entity and period.

    ``measure`` is a rating item of the data set (default: its first item).

    Examples
    --------
    >>> result = run(dataset="sandiego_2015", measure="Q2_6")
    >>> print(result.findings.text.splitlines()[0])  # doctest: +ELLIPSIS
    - Quality of services provided by the City: ... on a 0-100 scale ...
    """
    survey = Survey.load(dataset, responses)
    measure = item(survey.table, measure)
    scale, weight, periods = survey.scale(measure), survey.weight, survey.periods or [ONE_PERIOD]
    data = survey.table.assign(entity=survey.table.get("entity", EVERYONE),
                               period=survey.table.get("period", ONE_PERIOD))
    summary = summarize(data, value=measure, by=["entity", "period"], weight=weight, min_n=min_n)
    last = periods[-1]
    now = data[data["period"] == last]
    latest = summarize(now, value=measure, by=["entity"], weight=weight, min_n=min_n)
    overall = summarize(now, value=measure, weight=weight, min_n=min_n).iloc[0]
    entities = latest["entity"].nunique()
    versus = (versus_rest(now, value=measure, group="entity", weight=weight, min_n=min_n,
                          min_difference=min_difference) if entities > 1 else pd.DataFrame())
    pairs = (compare.judge_differences(compare.adjust_fdr(compare.gaps(latest, versus="entity")),
                                       min_difference=min_difference)
             if 2 < entities <= MAX_PAIRWISE else pd.DataFrame())
    changes = _changes(summary, periods, min_difference) if len(periods) > 1 else pd.DataFrame()
    boxes = top_boxes(scale)
    shares = (top_box(data, value=measure, by=["entity", "period"], weight=weight, boxes=boxes, min_n=min_n)
              if boxes else pd.DataFrame())
    promoters = (nps(now, value=measure, by=["entity"], weight=weight, min_n=min_n) if scale == (0, 10)
                 else pd.DataFrame())
    words = _Words(survey, measure, last, boxes)
    found = _findings(summary, latest, overall, versus, pairs, changes, shares, promoters, words=words, min_n=min_n,
                      min_difference=min_difference)
    return SurveySummary(
        summary=summary, latest=latest, versus=versus, pairs=pairs, changes=changes, shares=shares,
        promoters=promoters, findings=findings_block(found),
        trend_chart=_trend_chart(summary, words) if len(periods) > 1 else note_block(
            f"The data set has one {survey.unit if survey.periods else 'period'} ({last}), so there is no course over "
            "time to show."),
        latest_chart=plots.estimate_chart(
            latest.rename(columns={"entity": words.entity}), label=words.entity, title=f"{words.label}: {last}",
            reference=overall["mean"], reference_label=EVERYONE,
            marked=latest["entity"].map(versus.set_index("group")["meaningful"]),
            marked_label=f"differs from all others (FDR 5% and at least {points_text(min_difference)})",
            order=survey.table.attrs.get("order", {}).get("entity"))
        if len(versus) else note_block(f"The data set maps no {words.entity} column, so the key findings give the one "
                                       "estimate of all respondents."),
        versus_table=(table_block(_versus_view(versus, words), caption=f"Each {words.entity} against all other "
                                  f"respondents, {last}") if len(versus) else note_block(
            f"The data set has one {words.entity}, so there is nothing to compare it with.")),
        pairs_table=(table_block(_pairs_view(pairs), caption=f"Pairs of {words.entities}, {last}") if len(pairs)
                     else note_block(f"Pairs are compared where there are 3 to {MAX_PAIRWISE} {words.entities}; "
                                     f"this data set has {entities} in {last}.")),
        changes_table=(table_block(_changes_view(changes, words), caption=f"Change from {periods[0]} to {last}")
                       if len(changes) else note_block("With one period there is no change to test.")),
        shares_table=(table_block(_shares_view(shares, words), caption=f"{words.label}: {words.top_box.lower()}")
                      if len(shares) else note_block(f"A {scale[0]:g}-{scale[1]:g} item has too many points for a "
                                                     "top-box share; its mean is shown instead.")),
        nps_table=(table_block(_nps_view(promoters, words), caption=f"Net promoter score by {words.entity}, {last}")
                   if len(promoters) else note_block("The net promoter score needs a 0-10 item; this item is on "
                                                     f"{scale[0]:g}-{scale[1]:g}.")),
        methods=note_block(_methods(words, entities > 1, len(periods) > 1, min_n, min_difference)),
    )


@dataclass(frozen=True)
class _Words:
    """The words a report on one item of one data set uses."""

    survey: Survey
    measure: str
    last: str
    boxes: int | None

    @property
    def label(self) -> str:
        return self.survey.label(self.measure)

    @property
    def entity(self) -> str:
        return self.survey.label("entity") if "entity" in self.survey.table else "group"

    @property
    def entities(self) -> str:
        word = self.entity
        return word[:-1] + "ies" if word.endswith("y") else word + "s"

    @property
    def top_box(self) -> str:
        """What the top-box share counts, with the answer labels the registry gives."""
        high = self.survey.scale(self.measure)[1]
        named = {float(code): text for code, text in
                 ((self.survey.table.attrs.get("value_labels") or {}).get(self.measure) or {}).items()}
        if self.boxes == 1:
            return f"Share answering {named[high]} ({high:g})" if high in named else f"Share answering {high:g}"
        return f"Top-two-box share ({high - 1:g} or {high:g}{f' = {named[high]}' if high in named else ''})"


def _changes(summary: pd.DataFrame, periods: list[str], min_difference: float) -> pd.DataFrame:
    """Each entity's change from the first to the last period (Welch, FDR over entities, the rule)."""
    ends = summary[summary["period"].isin([periods[0], periods[-1]])]
    tested = compare.adjust_fdr(compare.gaps(ends, versus="period", reference=periods[0]))
    return compare.judge_differences(tested, min_difference=min_difference)


def _findings(summary: pd.DataFrame, latest: pd.DataFrame, overall: pd.Series, versus: pd.DataFrame,
              pairs: pd.DataFrame, changes: pd.DataFrame, shares: pd.DataFrame, promoters: pd.DataFrame, *,
              words: _Words, min_n: int, min_difference: float) -> list[Finding]:
    last = words.last
    when = f"in {last}" if last != ONE_PERIOD else "in the survey"
    if pd.isna(overall["mean"]):
        return [Finding(f"{words.label}: fewer than {min_n} answers {when}, so nothing is shown.")]
    found = [Finding(f"{words.label}: {estimate_text(overall)} on a 0-100 scale {when} "
                     f"({int(overall['n']):,} respondents).")]
    shown = latest.dropna(subset=["mean"]).sort_values("mean")
    if len(shown) >= 2:
        found.append(Finding(f"Highest {when}: {shown['entity'].iloc[-1]} at {estimate_text(shown.iloc[-1])}; "
                             f"lowest: {shown['entity'].iloc[0]} at {estimate_text(shown.iloc[0])}."))
    if len(versus):
        flagged = versus[versus["meaningful"]]
        found.append(Finding(
            f"Against all other respondents {when}: " + ("; ".join(
                f"{r.group} {'above' if r.diff > 0 else 'below'} ({r.diff:+.1f}, 95% CI {r.ci_low:+.1f} to "
                f"{r.ci_high:+.1f})" for r in flagged.itertuples()) or f"no {words.entity} stands out") + ".",
            fdr_note(versus, min_difference)))
    if len(pairs):
        clear = pairs[pairs["meaningful"]]
        text = (f"{len(clear)} of {len(pairs)} pairs of {words.entities} differ clearly (Welch, false discovery rate "
                f"5%) and by at least {points_text(min_difference)} {when}")
        if len(clear):
            widest = clear.loc[clear["diff"].abs().idxmax()]
            text += (f"; the largest such difference is {widest['group_a']} against {widest['group_b']}: "
                     f"{widest['diff']:+.1f} points (95% CI {widest['ci_low']:+.1f} to {widest['ci_high']:+.1f}; "
                     f"Hedges' g {widest['hedges_g']:.2f})")
        found.append(Finding(text + ".", fdr_note(pairs, min_difference)))
    if len(changes):
        found += _course_findings(summary, changes, words=words, min_difference=min_difference)
    if len(shares):
        overall_share = shares[shares["period"] == last]
        found.append(_share_finding(overall_share, words))
    if len(promoters):
        found.append(_nps_finding(promoters, words))
    caveat = suppression_caveat(summary, min_n)
    if caveat:
        found.append(Finding(caveat))
    return found


def _course_findings(summary: pd.DataFrame, changes: pd.DataFrame, *, words: _Words,
                     min_difference: float) -> list[Finding]:
    """Each entity's course over the periods, and its tested change from the first to the last."""
    unit = words.survey.unit
    courses = []
    for entity, rows in summary.dropna(subset=["mean"]).groupby("entity", sort=True):
        rows = rows.set_index("period").reindex(words.survey.periods).dropna(subset=["mean"])
        if len(rows) >= 2:
            courses.append(f"{entity} went from {course_text(rows['mean'], pd.Series(rows.index), silent='no survey')}")
    first, last = changes["group_b"].iloc[0], changes["group_a"].iloc[0]
    tested = changes[changes["p_value"].notna()]
    text = "; ".join(f"{r['entity']} {difference_phrase(r, min_difference=min_difference)}"
                     for _, r in tested.iterrows())
    return [Finding(f"By {unit}: " + ("; ".join(courses) or f"no {words.entity} has two periods with enough "
                                      "answers") + ".",
                    "a course describes the estimates; only the tested change below says whether a difference counts"),
            Finding(f"From {first} to {last}: {text or f'no {words.entity} has enough answers in both'}.",
                    fdr_note(changes, min_difference))]


def _share_finding(shares: pd.DataFrame, words: _Words) -> Finding:
    shown = shares.dropna(subset=["share"]).sort_values("share")
    if shown.empty:
        return Finding(f"{words.top_box}: too few answers in {words.last} to show.")
    text = "; ".join(f"{r.entity} {percent_text(r.share)} ({r.ci_low:.1f} to {r.ci_high:.1f})"
                     for r in shown.iloc[::-1].itertuples())
    return Finding(f"{words.top_box} in {words.last}, with 95% intervals: {text}.",
                   "Wilson intervals; shares of respondents who answered the item")


def _nps_finding(promoters: pd.DataFrame, words: _Words) -> Finding:
    shown = promoters.dropna(subset=["nps"]).sort_values("nps", ascending=False)
    if shown.empty:
        return Finding(f"Net promoter score: too few answers in {words.last} to show.")
    text = "; ".join(f"{r.entity} {r.nps:+.0f} ({r.ci_low:+.0f} to {r.ci_high:+.0f})" for r in shown.itertuples())
    return Finding(f"Net promoter score in {words.last} (promoters 9-10 minus detractors 0-6, with 95% intervals): "
                   f"{text}.", "NPS is meant for a likelihood-to-recommend item")


def _trend_chart(summary: pd.DataFrame, words: _Words) -> Block:
    unit = words.survey.unit
    return plots.trend_lines_chart(summary, series="entity", period="period", title=f"{words.label}: by {unit}",
                                   periods=words.survey.periods, xlabel=unit.capitalize(),
                                   series_label=(words.entity.capitalize(), words.entities))


def _versus_view(versus: pd.DataFrame, words: _Words) -> pd.DataFrame:
    return pd.DataFrame({
        words.entity.capitalize(): versus["group"], "Respondents": versus["n_a"], "Score (0-100)": versus["mean_a"],
        "All others (0-100)": versus["mean_b"], "Difference": versus["diff"], "95% CI low": versus["ci_low"],
        "95% CI high": versus["ci_high"], "Hedges' g": versus["hedges_g"].round(2),
        "p (FDR adjusted)": versus["p_adjusted"].map(p_text), "Verdict": versus["verdict"].map(STANDING_WORDS),
        "Note": versus["note"]})


def _pairs_view(pairs: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Pair": pairs["group_a"].astype(str) + " - " + pairs["group_b"].astype(str), "Difference": pairs["diff"],
        "95% CI low": pairs["ci_low"], "95% CI high": pairs["ci_high"], "Hedges' g": pairs["hedges_g"].round(2),
        "p (FDR adjusted)": pairs["p_adjusted"].map(p_text), "Verdict": pairs["verdict"].map(STANDING_WORDS),
        "Note": pairs["note"]})


def _changes_view(changes: pd.DataFrame, words: _Words) -> pd.DataFrame:
    return pd.DataFrame({
        words.entity.capitalize(): changes["entity"], "From (0-100)": changes["mean_b"], "To (0-100)": changes["mean_a"],
        "Change": changes["diff"], "95% CI low": changes["ci_low"], "95% CI high": changes["ci_high"],
        "p (FDR adjusted)": changes["p_adjusted"].map(p_text), "Verdict": changes["verdict"].map(CHANGE_WORDS),
        "Note": changes["note"]})


def _shares_view(shares: pd.DataFrame, words: _Words) -> pd.DataFrame:
    return pd.DataFrame({words.entity.capitalize(): shares["entity"], "Period": shares["period"],
                         "Respondents": shares["n"], "Share (%)": shares["share"],
                         "95% CI low": shares["ci_low"], "95% CI high": shares["ci_high"], "Note": shares["note"]})


def _nps_view(promoters: pd.DataFrame, words: _Words) -> pd.DataFrame:
    return pd.DataFrame({words.entity.capitalize(): promoters["entity"], "Respondents": promoters["n"],
                         "Promoters (%)": promoters["promoters"], "Detractors (%)": promoters["detractors"],
                         "NPS": promoters["nps"].round(0), "95% CI low": promoters["ci_low"].round(0),
                         "95% CI high": promoters["ci_high"].round(0), "Note": promoters["note"]})


def _methods(words: _Words, compared: bool, over_time: bool, min_n: int, min_difference: float) -> str:
    survey, measure, boxes = words.survey, words.measure, words.boxes
    weighted = survey.weight is not None
    parts = [survey.provenance_text(weighted=True), survey.scales_text([measure]),
             "Means have 95% intervals built on the logit scale (they stay inside 0-100)."]
    if compared:
        parts.append(
            f"In the latest period each {words.entity} is compared with all other respondents, and, where there are 3 "
            f"to {MAX_PAIRWISE} {words.entities}, every pair, by Welch differences of means ("
            f"{'weighted, with Kish standard errors; ' if weighted else ''}Hedges' g as effect size); each family of "
            "tests holds the Benjamini-Hochberg false discovery rate at 5%, and a difference is called above or below "
            f"only when it also reaches {points_text(min_difference)}.")
    if over_time:
        parts.append(f"Over the {survey.unit}s each {words.entity} is described by its course (first and last "
                     "estimate, with the highest and lowest between them); the change from the first to the last is "
                     "a Welch difference with the same false discovery rate, and is called a rise or a fall only when "
                     f"it also reaches {points_text(min_difference)}.")
    if boxes:
        parts.append(f"The {words.top_box[:1].lower()}{words.top_box[1:]} has Wilson intervals.")
    if survey.scale(measure) == (0, 10):
        parts.append("The net promoter score is the share of 9-10 answers minus the share of 0-6 answers, with an "
                     "interval that stays between -100 and 100.")
    parts.append(f"Cells with fewer than {min_n} answers are suppressed.")
    return " ".join(parts)
