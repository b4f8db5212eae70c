"""Satisfaction across groups of residents (San Diego): districts, own/rent, tenure, age."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import cxlab
from cxlab.stats import compare
from cxlab.report import plots
from cxlab.report.blocks import Block, findings_block, note_block, table_block
from cxlab.stats.compare import MIN_DIFFERENCE
from cxlab.report.findings import STANDING_WORDS, Finding, estimate_text, fdr_note, p_text, points_text, suppression_caveat
from cxlab.stats.summary import MIN_N, rescale, summarize

__all__ = ["GROUPS", "GroupReport", "resident_group", "versus_rest", "run"]

#: How each grouping is formed from the loaded columns.
GROUPS: dict[str, str] = {
    "district": "council district (Q28)",
    "own_rent": "owners and renters (Q23)",
    "tenure": "years lived in San Diego (Q21)",
    "age": "age (Q20)",
}
_BINS = {
    "tenure": ([0, 5, 10, 20, 200], ["under 5 years", "5-9 years", "10-19 years", "20 years or more"]),
    "age": ([18, 35, 55, 65, 200], ["18-34", "35-54", "55-64", "65 or older"]),
}


@dataclass(frozen=True)
class GroupReport:
    """What the resident_groups report shows, and the tables behind it."""

    summary: pd.DataFrame
    anova: pd.Series
    pairs: pd.DataFrame
    versus: pd.DataFrame
    findings: Block
    groups_chart: Block
    versus_table: Block
    pairs_table: Block
    methods: Block


def resident_group(residents: pd.DataFrame, group: str) -> pd.Series:
    """The group of each resident as labelled text (missing where unknown).

    Examples
    --------
    >>> residents = cxlab.load("sandiego_2015")
    >>> resident_group(residents, "own_rent").value_counts().index.tolist()
    ['Own', 'Rent']
    >>> resident_group(residents, "income")
    Traceback (most recent call last):
    ...
    ValueError: no grouping 'income'; allowed: district, own_rent, tenure, age
    """
    if group not in GROUPS:
        raise ValueError(f"no grouping {group!r}; allowed: {', '.join(GROUPS)}")
    if group == "district":
        return ("District " + residents["district"].astype(str)).rename(group)
    if group == "own_rent":
        return residents["own_rent"].map({1: "Own", 2: "Rent"}).astype("str").where(residents["own_rent"].notna()).rename(group)
    column = {"tenure": "years_in_city", "age": "age"}[group]
    edges, labels = _BINS[group]
    binned = pd.cut(residents[column].astype(float), bins=edges, labels=labels, right=False)
    return binned.astype("str").where(binned.notna()).rename(group)


def versus_rest(data: pd.DataFrame, *, value: str, group: str, min_n: int = MIN_N,
                min_difference: float = MIN_DIFFERENCE) -> pd.DataFrame:
    """Each group against all other respondents (Welch), with Benjamini-Hochberg control.

    ``verdict`` and ``meaningful`` say which differences count (:func:`cxlab.stats.compare.judge_differences`).

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a"] * 12 + ["b"] * 12, "v": list(range(12)) * 2})
    >>> versus_rest(df, value="v", group="g")[["group", "diff", "p_value"]].round(3).values.tolist()
    [['a', 0.0, 1.0], ['b', 0.0, 1.0]]
    """
    levels = sorted(data[group].dropna().unique())
    stacked = pd.concat(
        [data.assign(level=level, side=np.where(data[group] == level, "group", "all others")) for level in levels],
        ignore_index=True,
    )
    summary = summarize(stacked, value=value, by=["level", "side"], scale=(0, 100), min_n=min_n)
    gap = compare.adjust_fdr(compare.gaps(summary, versus="side", reference="all others"))
    return compare.judge_differences(gap, min_difference=min_difference).rename(columns={"level": "group"})


def run(*, group: str = "district", outcome: str = "Q2_6", min_n: int = MIN_N,
        min_difference: float = MIN_DIFFERENCE, residents: pd.DataFrame | None = None) -> GroupReport:
    """Compare residents' ratings of ``outcome`` across the levels of ``group``.

    Examples
    --------
    >>> report = run(group="own_rent")
    >>> report.summary["own_rent"].tolist()
    ['Own', 'Rent']
    """
    residents = cxlab.load("sandiego_2015") if residents is None else residents
    labels = residents.attrs["labels"]
    if outcome not in labels:
        raise ValueError(f"no rating item {outcome!r}; allowed: {', '.join(labels)}")
    data = pd.DataFrame({group: resident_group(residents, group),
                         "score": rescale(residents[outcome].astype(float), scale=(1, 5))}).dropna()
    summary = summarize(data, value="score", by=[group], scale=(0, 100), min_n=min_n)
    anova = compare.welch_anova(data, value="score", between=group, min_n=min_n).iloc[0]
    pairs = compare.games_howell(data, value="score", between=group, min_n=min_n)
    versus = versus_rest(data, value="score", group=group, min_n=min_n, min_difference=min_difference)
    what = labels[outcome].lower()
    found = _findings(summary, anova, pairs, versus, group=group, what=what, min_n=min_n,
                      min_difference=min_difference)
    return GroupReport(
        summary=summary, anova=anova, pairs=pairs, versus=versus,
        findings=findings_block(found),
        groups_chart=plots.estimate_chart(
            summary, label=group, title=f"{labels[outcome]}: by {GROUPS[group]}",
            xlabel="Score (0-100), with 95% interval (not adjusted for multiple comparisons)",
            reference=data["score"].mean(), reference_label="all residents",
            marked=summary[group].map(versus.set_index("group")["meaningful"]).fillna(False),
            marked_label=f"differs from all other residents (FDR 5% and at least {points_text(min_difference)})",
            order=_BINS[group][1] if group in _BINS else None),
        versus_table=table_block(_versus_view(versus), caption="Each group against all other residents"),
        pairs_table=table_block(_pairs_view(pairs), caption="Pairs of groups (Games-Howell)"),
        methods=note_block(_methods(min_n, min_difference)),
    )


def _findings(summary, anova, pairs, versus, *, group: str, what: str, min_n: int,
              min_difference: float) -> list[Finding]:
    shown = summary.dropna(subset=["mean"]).sort_values("mean")
    if len(shown) < 2:
        return [Finding(f"Fewer than two groups of {GROUPS[group]} have {min_n} or more answers, so none can be "
                        "compared.")]
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
            f"{len(clear)} of {len(pairs)} pairs of groups differ by at least {points_text(min_difference)} (Games-Howell); the largest difference is "
            f"{strongest['group_a']} against {strongest['group_b']}: {strongest['diff']:+.1f} points "
            f"(Hedges' g {strongest['hedges_g']:.2f}).", "Games-Howell p-values are adjusted for all pairs"))
    flagged = versus[versus["meaningful"]]
    found.append(Finding(
        "Against all other residents: " + (", ".join(
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


def _methods(min_n: int, min_difference: float) -> str:
    return (
        "Ratings 1-5 (9 = don't know, treated as missing) are put on 0-100. Groups are compared with Welch's "
        "ANOVA (no equal-variance assumption; eta squared as effect size) and Games-Howell pairwise tests "
        "(adjusted for all pairs; Hedges' g as effect size). Each group is also compared with all other "
        "residents by a Welch difference of means, with the Benjamini-Hochberg false discovery rate held at 5%; "
        f"a group is called above or below only when the difference also reaches {points_text(min_difference)}. The chart shows unadjusted 95% intervals and marks those groups. "
        f"Groups with fewer than {min_n} answers are suppressed. Tenure and age are grouped into bands; 99 codes "
        "(no answer) are missing. The file has no survey weights, so estimates describe the respondents."
    )
