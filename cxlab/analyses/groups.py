"""A rating across groups of respondents, for any registered respondent data set (``groups``).

Generalised from the San Diego resident groups: the data set, the grouping (the entity or any
group of the registry entry, with its labels or bands, in their order) and the rating item are
parameters. Welch's ANOVA across the groups, Games-Howell pairs, and each group against all
other respondents (Welch, Benjamini-Hochberg, the minimum meaningful difference).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlab.analyses.survey import Survey
from cxlab.data.respondents import group as choose_group
from cxlab.data.respondents import group_values, item
from cxlab.report import plots
from cxlab.report.blocks import Block, findings_block, note_block, table_block
from cxlab.report.findings import STANDING_WORDS, Finding, estimate_text, fdr_note, p_text, points_text, suppression_caveat
from cxlab.stats import compare
from cxlab.stats.compare import MIN_DIFFERENCE
from cxlab.stats.summary import MIN_N, ScaleSpec, item_scale, rescale, summarize

__all__ = ["GroupReport", "levels", "versus_rest", "run"]


@dataclass(frozen=True)
class GroupReport:
    """What the groups report shows, and the tables behind it."""

    summary: pd.DataFrame
    anova: pd.Series
    pairs: pd.DataFrame
    versus: pd.DataFrame
    findings: Block
    groups_chart: Block
    versus_table: Block
    pairs_table: Block
    methods: Block


def levels(column: pd.Series) -> list[object]:
    """The levels of a grouping that occur, in their order (a categorical's), else sorted.

    Examples
    --------
    >>> levels(pd.Series(pd.Categorical(["b", "a", None], categories=["c", "b", "a"])))
    ['b', 'a']
    >>> levels(pd.Series(["b", "a", "b"]))
    ['a', 'b']
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        present = set(column.dropna())
        return [c for c in column.cat.categories if c in present]
    return sorted(column.dropna().unique())


def versus_rest(data: pd.DataFrame, *, value: str, group: str, weight: str | None = None,
                scale: ScaleSpec | None = None, min_n: int = MIN_N,
                min_difference: float = MIN_DIFFERENCE) -> pd.DataFrame:
    """Each group against all other respondents (Welch), with Benjamini-Hochberg control.

    The two sides of each comparison are independent (a group and its complement); with
    ``weight`` both are weighted (Kish's effective n). ``verdict`` and ``meaningful`` say which
    differences count (:func:`cxlab.stats.compare.judge_differences`). Rows follow the order of
    :func:`levels`.

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a"] * 12 + ["b"] * 12, "v": list(range(12)) * 2})
    >>> versus_rest(df, value="v", group="g", scale=(0, 100))[["group", "diff", "p_value"]].round(3).values.tolist()
    [['a', 0.0, 1.0], ['b', 0.0, 1.0]]
    """
    order = levels(data[group])
    columns = [value] + ([weight] if weight else [])
    stacked = pd.concat(
        [data[columns].assign(level=level, side=np.where(data[group] == level, "group", "all others"))
         for level in order], ignore_index=True)
    stacked["level"] = pd.Categorical(stacked["level"], categories=order, ordered=True)
    summary = summarize(stacked, value=value, by=["level", "side"], weight=weight,
                        scale=item_scale(data, value, scale), min_n=min_n)
    gap = compare.adjust_fdr(compare.gaps(summary, versus="side", reference="all others"))
    judged = compare.judge_differences(gap, min_difference=min_difference).rename(columns={"level": "group"})
    return judged.assign(group=judged["group"].astype(object))


def run(*, dataset: str = "sandiego_2015", group: str | None = None, outcome: str | None = None,
        period: str | None = None, min_n: int = MIN_N, min_difference: float = MIN_DIFFERENCE,
        responses: pd.DataFrame | None = None) -> GroupReport:
    """Compare respondents' ratings of ``outcome`` across the levels of ``group``.

    ``group`` is ``entity`` or a group of the data set (default: the entity, else the first
    group); ``outcome`` a rating item (default: the first); ``period`` keeps one period (default:
    every period, pooled).

    Examples
    --------
    >>> report = run(group="own_rent", outcome="Q2_6")
    >>> report.summary["own_rent"].tolist()
    ['Own', 'Rent']
    """
    survey = Survey.load(dataset, responses)
    table = survey.table
    outcome, group = item(table, outcome), choose_group(table, group)
    if period is not None:
        if period not in survey.periods:
            raise ValueError(f"no period {period!r} in {dataset}; the periods: {', '.join(survey.periods) or 'none'}")
        table = table[table["period"] == period]
    data = pd.DataFrame({group: group_values(table, group),
                         "score": rescale(table[outcome].astype(float), scale=survey.scale(outcome))}).dropna()
    if isinstance(data[group].dtype, pd.CategoricalDtype):
        data[group] = data[group].cat.remove_unused_categories()
    summary = summarize(data, value="score", by=[group], scale=(0, 100), min_n=min_n)
    anova = compare.welch_anova(data, value="score", between=group, min_n=min_n).iloc[0]
    pairs = compare.games_howell(data.astype({group: str}), value="score", between=group, min_n=min_n)
    versus = versus_rest(data, value="score", group=group, scale=(0, 100), min_n=min_n,
                         min_difference=min_difference)
    grouping = survey.label(group)
    found = _findings(summary, anova, pairs, versus, group=group, grouping=grouping, what=survey.what(outcome),
                      min_n=min_n, min_difference=min_difference)
    return GroupReport(
        summary=summary, anova=anova, pairs=pairs, versus=versus,
        findings=findings_block(found),
        groups_chart=plots.estimate_chart(
            summary.astype({group: str}), label=group, title=f"{survey.label(outcome)}: by {grouping}",
            xlabel="Score (0-100), with 95% interval (not adjusted for multiple comparisons)",
            reference=data["score"].mean(), reference_label="all respondents",
            marked=summary[group].astype(object).map(versus.set_index("group")["meaningful"]).fillna(False),
            marked_label=f"differs from all other respondents (FDR 5% and at least {points_text(min_difference)})",
            order=_reading_order(data[group])),
        versus_table=table_block(_versus_view(versus), caption="Each group against all other respondents"),
        pairs_table=table_block(_pairs_view(pairs), caption="Pairs of groups (Games-Howell)"),
        methods=note_block(_methods(survey, outcome, group, period, min_n, min_difference)),
    )


def _reading_order(values: pd.Series) -> list[str] | None:
    """Ordered groups (bands, labelled codes) top to bottom as the registry lists them; others by score."""
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.ordered:
        return [str(c) for c in values.cat.categories]
    return None


def _findings(summary, anova, pairs, versus, *, group: str, grouping: str, what: str, min_n: int,
              min_difference: float) -> list[Finding]:
    shown = summary.dropna(subset=["mean"]).sort_values("mean")
    if len(shown) < 2:
        return [Finding(f"Fewer than two groups by {grouping} have {min_n} or more answers, so none can be compared.")]
    found = [Finding(f"Ratings of {what} range from {estimate_text(shown.iloc[0])} ({shown[group].iloc[0]}) to "
                     f"{estimate_text(shown.iloc[-1])} ({shown[group].iloc[-1]}) on a 0-100 scale.")]
    if pd.notna(anova.get("p_value")):
        verdict = "differ more than chance would explain" if anova["p_value"] < 0.05 else "do not differ clearly"
        found.append(Finding(
            f"Across {int(anova['k_groups'])} groups the ratings {verdict} (Welch ANOVA F = {anova['f']:.2f}, "
            f"p = {anova['p_value']:.3g}); group explains {anova['eta_squared'] * 100:.1f}% of the variation "
            "(eta squared).", "a small effect can be significant with many respondents"))
    clear = (pairs[(pairs["p_value"] < 0.05) & (pairs["diff"].abs() >= min_difference)] if "p_value" in pairs
             else pairs.iloc[0:0])
    if len(clear):
        strongest = clear.loc[clear["hedges_g"].abs().idxmax()]
        found.append(Finding(
            f"{len(clear)} of {len(pairs)} pairs of groups differ clearly (Games-Howell, adjusted for all pairs) and by "
            f"at least {points_text(min_difference)}; the largest such difference is "
            f"{strongest['group_a']} against {strongest['group_b']}: {strongest['diff']:+.1f} points "
            f"(Hedges' g {strongest['hedges_g']:.2f}).", "Games-Howell p-values are adjusted for all pairs"))
    flagged = versus[versus["meaningful"]]
    found.append(Finding(
        "Against all other respondents: " + (", ".join(
            f"{r.group} {'above' if r.diff > 0 else 'below'} ({r.diff:+.1f})" for r in flagged.itertuples())
            or "no group stands out") + ".", fdr_note(versus, min_difference)))
    caveat = suppression_caveat(summary, min_n)
    if caveat:
        found.append(Finding(caveat))
    return found


def _versus_view(versus: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Group": versus["group"], "Answers": versus["n_a"], "Difference": versus["diff"],
        "95% CI low": versus["ci_low"], "95% CI high": versus["ci_high"], "Hedges' g": versus["hedges_g"].round(2),
        "p (FDR adjusted)": versus["p_adjusted"].map(p_text),
        "Verdict": versus["verdict"].map(STANDING_WORDS),
        "Note": versus["note"],
    })


def _pairs_view(pairs: pd.DataFrame) -> pd.DataFrame:
    if "group_a" not in pairs or pairs["group_a"].isna().all():
        return pd.DataFrame({"Pair": ["none"], "Note": [pairs["note"].iloc[0] if len(pairs) else ""]})
    return pd.DataFrame({
        "Pair": pairs["group_a"] + " - " + pairs["group_b"], "Difference": pairs["diff"],
        "Hedges' g": pairs["hedges_g"].round(2), "p (adjusted)": pairs["p_value"].map(p_text), "Note": pairs["note"],
    })


def _methods(survey: Survey, outcome: str, group: str, period: str | None, min_n: int, min_difference: float) -> str:
    periods = survey.periods
    when = (f"Respondents of {period} only. " if period else
            f"Respondents of every period ({periods[0]} to {periods[-1]}) are pooled. " if len(periods) > 1 else "")
    return " ".join(part for part in (
        survey.provenance_text(weighted=False), when, survey.scales_text([outcome]), survey.group_text(group),
        "Groups are compared with Welch's ANOVA (no equal-variance assumption; eta squared as effect size) and "
        "Games-Howell pairwise tests (adjusted for all pairs; Hedges' g as effect size). Each group is also compared "
        "with all other respondents by a Welch difference of means, with the Benjamini-Hochberg false discovery rate "
        f"held at 5%; a group is called above or below only when the difference also reaches "
        f"{points_text(min_difference)}. The chart shows unadjusted 95% intervals and marks those groups.",
        f"Groups with fewer than {min_n} answers are suppressed.") if part)
