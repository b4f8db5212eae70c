"""Any registered respondent survey: one item by entity and period, with intervals (``survey_summary``).

The report for a data set added by configuration alone: it needs only the tidy respondent table
(``entity``, ``period`` and ``weight`` are used when the registry maps them).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import cxlab
from cxlab.stats import compare
from cxlab.report import plots
from cxlab.report.blocks import Block, findings_block, note_block, table_block
from cxlab.stats.compare import MIN_DIFFERENCE
from cxlab.report.findings import Finding, difference_phrase, estimate_text, fdr_note, points_text, suppression_caveat
from cxlab.stats.summary import MIN_N, nps, summarize, top_box

__all__ = ["SurveySummary", "run"]


@dataclass(frozen=True)
class SurveySummary:
    """What the survey_summary report shows, and the tables behind it."""

    summary: pd.DataFrame
    latest: pd.DataFrame
    findings: Block
    trend_chart: Block
    latest_chart: Block
    shares_table: Block
    methods: Block


def run(*, dataset: str, measure: str | None = None, min_n: int = MIN_N, min_difference: float = MIN_DIFFERENCE,
        responses: pd.DataFrame | None = None) -> SurveySummary:
    """Summarise one rating item of a respondent-level data set by entity and period.

    Examples
    --------
    >>> result = run(dataset="sandiego_2015", measure="Q2_6")
    >>> print(result.findings.text.splitlines()[0])  # doctest: +ELLIPSIS
    - Quality of services provided by the City: ... on a 0-100 scale ...
    """
    responses = cxlab.load(dataset) if responses is None else responses
    items, labels = responses.attrs["items"], responses.attrs.get("labels", {})
    measure = items[0] if measure is None else measure
    if measure not in items:
        raise ValueError(f"no rating item {measure!r} in {dataset}; allowed: {', '.join(items)}")
    scale = tuple(responses.attrs.get("scale", (1, 5)))
    data = responses.assign(entity=responses.get("entity", "all respondents"),
                            period=responses.get("period", "all periods"))
    weight = "weight" if "weight" in data else None
    by = ["entity", "period"]
    summary = summarize(data, value=measure, by=by, weight=weight, scale=scale, min_n=min_n)
    latest_period = sorted(data["period"].dropna().unique())[-1]
    now = data[data["period"] == latest_period]
    latest = summarize(now, value=measure, by=["entity"], weight=weight, scale=scale, min_n=min_n)
    overall = summarize(now, value=measure, weight=weight, scale=scale, min_n=min_n).iloc[0]
    shares = top_box(data, value=measure, by=by, weight=weight, scale=scale, min_n=min_n)
    label = labels.get(measure, measure)
    found = _findings(summary, latest, overall, label=label, period=latest_period, min_n=min_n,
                      min_difference=min_difference)
    if scale == (0, 10):
        score = nps(now, value=measure, weight=weight, min_n=min_n).iloc[0]
        if pd.notna(score["nps"]):
            found.append(Finding(f"Net promoter score in {latest_period}: {score['nps']:+.0f} (95% CI "
                                 f"{score['ci_low']:+.0f} to {score['ci_high']:+.0f}).",
                                 "NPS is meant for a likelihood-to-recommend item"))
    return SurveySummary(
        summary=summary, latest=latest,
        findings=findings_block(found),
        trend_chart=plots.trend_lines_chart(summary, series="entity", period="period", title=f"{label}: by period"),
        latest_chart=plots.estimate_chart(latest, label="entity", title=f"{label}: {latest_period}",
                                          reference=overall["mean"], reference_label="all respondents",
                                          order=responses.attrs.get("order", {}).get("entity")),
        shares_table=table_block(_shares_view(shares), caption=f"{label}: top-two-box share"),
        methods=note_block(_methods(dataset, scale, weight, min_n, min_difference)),
    )


def _findings(summary: pd.DataFrame, latest: pd.DataFrame, overall: pd.Series, *, label: str, period: str,
              min_n: int, min_difference: float) -> list[Finding]:
    if pd.isna(overall["mean"]):
        return [Finding(f"{label}: fewer than {min_n} answers in {period}, so nothing is shown.")]
    found = [Finding(f"{label}: {estimate_text(overall)} on a 0-100 scale in {period} "
                     f"({int(overall['n']):,} respondents).")]
    shown = latest.dropna(subset=["mean"]).sort_values("mean")
    if len(shown) >= 2:
        found.append(Finding(f"Highest in {period}: {shown['entity'].iloc[-1]} at {estimate_text(shown.iloc[-1])}; "
                             f"lowest: {shown['entity'].iloc[0]} at {estimate_text(shown.iloc[0])}."))
    periods = sorted(summary["period"].unique())
    if len(periods) >= 2:
        change = compare.judge_differences(compare.adjust_fdr(compare.gaps(
            summary[summary["period"].isin([periods[0], periods[-1]])], versus="period", reference=periods[0])),
            min_difference=min_difference)
        text = "; ".join(f"{r['entity']} {difference_phrase(r, min_difference=min_difference)}"
                         for _, r in change[change["p_value"].notna()].iterrows())
        found.append(Finding(f"From {periods[0]} to {periods[-1]}: {text or 'no entity has enough answers in both'}.",
                             fdr_note(change, min_difference)))
    caveat = suppression_caveat(summary, min_n)
    if caveat:
        found.append(Finding(caveat))
    return found


def _shares_view(shares: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Entity": shares["entity"], "Period": shares["period"], "Respondents": shares["n"],
                         "Top-two-box share (%)": shares["share"], "95% CI low": shares["ci_low"],
                         "95% CI high": shares["ci_high"], "Note": shares["note"]})


def _methods(dataset: str, scale: tuple, weight: str | None, min_n: int, min_difference: float) -> str:
    weighting = ("Estimates are weighted; standard errors use Kish's effective sample size. " if weight
                 else "The data have no weights. ")
    return (
        f"Data set {dataset}, ratings on {scale[0]:g}-{scale[1]:g} put on 0-100; missing codes are never scores. "
        + weighting
        + "Means have 95% intervals built on the logit scale (they stay inside 0-100); top-two-box shares have "
        "Wilson intervals. Changes between the first and last period are Welch differences with the "
        "Benjamini-Hochberg false discovery rate held at 5%, and a change is called a rise or a fall only when it "
        f"also reaches {points_text(min_difference)}. "
        f"Cells with fewer than {min_n} answers are suppressed."
    )
