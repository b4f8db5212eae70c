"""What goes with an overall rating, for any registered respondent data set (``drivers``).

Derived importance (relative weights with bootstrap intervals, Spearman correlations) of a list
or pattern of items for an outcome item, the importance-performance quadrant, the items'
internal consistency (Cronbach's alpha), and stated importance where the registry entry says
which questions name the most important items (``stated_importance``: San Diego's Q4). An
optional filter keeps some groups of respondents. Derived importance is a correlation across
respondents, never a cause.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from cxlab.analyses.survey import Survey
from cxlab.data.respondents import item, items as choose_items, kept
from cxlab.report import plots
from cxlab.report.blocks import Block, findings_block, note_block, table_block
from cxlab.report.findings import Finding
from cxlab.stats import drivers
from cxlab.stats.summary import MIN_N

__all__ = ["DriverReport", "item_block", "stated_importance", "run"]


#: Small counts in words, as a sentence writes them.
_WORDS = dict(enumerate(["none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]))


@dataclass(frozen=True)
class DriverReport:
    """What the drivers report shows, and the tables behind it."""

    importance: pd.DataFrame
    alpha: pd.DataFrame
    findings: Block
    importance_chart: Block
    quadrant_chart: Block
    stated_chart: Block
    items_table: Block
    methods: Block


def item_block(residents: pd.DataFrame, prefix: str) -> list[str]:
    """The rating items of one question block (``Q3`` -> Q3_1 ... Q3_15), in question order (the explorer's choice).

    Examples
    --------
    >>> import cxlab
    >>> item_block(cxlab.load("sandiego_2015"), "Q15")
    ['Q15_2', 'Q15_3', 'Q15_4']
    """
    found = [i for i in residents.attrs["items"] if i == prefix or i.startswith(f"{prefix}_")]
    if not found:
        blocks = sorted({i.split("_")[0] for i in residents.attrs["items"]}, key=lambda b: int(b[1:]))
        raise ValueError(f"no rating items in block {prefix!r}; allowed: {', '.join(blocks)}")
    return found


def stated_importance(table: pd.DataFrame) -> pd.DataFrame:
    """Share of respondents (who named any) naming each item among the most important, and its rank.

    The registry entry's ``stated_importance`` names the groups whose codes name items
    (``item: "Q3_{code}"``); an empty table when it has none.

    Examples
    --------
    >>> import cxlab
    >>> s = stated_importance(cxlab.load("sandiego_2015")).set_index("item")
    >>> bool(s["stated_share"].between(0, 100).all()), len(s), s["stated_rank"].idxmin()
    (True, 15, 'Q3_11')
    """
    spec = table.attrs.get("stated_importance")
    if not spec:
        return pd.DataFrame(columns=["item", "stated_share", "stated_rank"])
    named = table[spec["groups"]].astype("Int64")
    answered = named.notna().any(axis=1)
    codes = named[answered].stack().dropna().astype(int)
    share = codes.value_counts().sort_index() / answered.sum() * 100
    share.index = [spec["item"].format(code=c) for c in share.index]
    share = share[share.index.isin(table.attrs["items"])]
    return pd.DataFrame({"item": share.index, "stated_share": share.to_numpy(),
                         "stated_rank": share.rank(ascending=False, method="min").astype(int).to_numpy()})


def _labelled(table: pd.DataFrame, survey: Survey) -> pd.DataFrame:
    return table.assign(label=table["item"].map(lambda i: f"{survey.label(i)} ({i})"))


def run(
    *, dataset: str = "sandiego_2015", outcome: str | None = None, items: str | Sequence[str] | None = None,
    groups: Mapping[str, Sequence[object]] | None = None, min_n: int = MIN_N, n_boot: int = 500,
    responses: pd.DataFrame | None = None,
) -> DriverReport:
    """Derived importance of ``items`` for ``outcome``, against stated importance where the data have it.

    ``outcome`` is a rating item (default: the first); ``items`` a list of items or a pattern
    matched at the start of their names (``Q3`` gives Q3_1 ... Q3_15; default: every other
    item); ``groups`` keeps only some respondents (``{"own_rent": ["Rent"]}``).

    Examples
    --------
    >>> report = run(outcome="Q2_6", items="Q3", n_boot=50)
    >>> report.importance["item"].tolist()[:2]
    ['Q3_1', 'Q3_2']
    """
    survey = Survey.load(dataset, responses)
    outcome = item(survey.table, outcome)
    candidates = choose_items(survey.table, items, leave_out=[outcome])
    chosen = survey.table[kept(survey.table, groups)]
    derived = _labelled(drivers.importance(chosen, outcome=outcome, items=candidates, n_boot=n_boot, min_n=min_n),
                        survey)
    stated = stated_importance(chosen)
    has_stated = derived["item"].isin(stated["item"]).any()
    if has_stated:
        derived = derived.merge(stated, on="item", how="left")
    placed = drivers.quadrant(derived)
    alpha = drivers.cronbach_alpha(chosen, items=candidates, min_n=min_n) if len(candidates) >= 2 else None
    what = survey.what(outcome)
    who = "respondents" + "".join(f" ({survey.label(g)}: {', '.join(map(str, v))})" for g, v in (groups or {}).items())
    found = _findings(placed, alpha, what=what, who=who, stated=has_stated, survey=survey)
    shown = placed.assign(mean=placed["importance"], ci_low=placed["importance_ci_low"],
                          ci_high=placed["importance_ci_high"])
    return DriverReport(
        importance=placed, alpha=alpha if alpha is not None else pd.DataFrame(),
        findings=findings_block(found),
        importance_chart=plots.estimate_chart(shown, label="label", title=f"Derived importance for {what}",
                                              xlabel="Share of explained variance (%), with 95% bootstrap interval"),
        quadrant_chart=plots.scatter_chart(placed, x="performance", y="importance", label="label",
                                           title=f"Importance and performance: {what}",
                                           xlabel="Performance (mean, 0-100)", ylabel="Derived importance (%)",
                                           cuts=(placed["performance"].mean(), placed["importance"].mean())),
        stated_chart=_stated_chart(placed, what) if has_stated else note_block(_no_stated(survey)),
        items_table=table_block(_items_view(placed), caption=f"Each item: derived importance for {what}"),
        methods=note_block(_methods(survey, outcome, candidates, groups, n_boot, min_n, has_stated)),
    )


def _no_stated(survey: Survey) -> str:
    spec = survey.table.attrs.get("stated_importance")
    if not spec:
        return (f"The registry entry of {survey.name} names no question on which items matter most to respondents, "
                "so only derived importance can be shown.")
    return (f"The survey asks respondents to name the most important items only among {spec['item'].format(code='*')}, "
            "so for these items only derived importance can be shown.")


def _stated_chart(placed: pd.DataFrame, what: str) -> Block:
    return plots.scatter_chart(placed, x="stated_share", y="importance", label="label",
                               title=f"Stated against derived importance: {what}",
                               xlabel="Named among the most important (% of respondents)",
                               ylabel="Derived importance (%)")


def _findings(placed: pd.DataFrame, alpha: pd.DataFrame | None, *, what: str, who: str, stated: bool,
              survey: Survey) -> list[Finding]:
    ranked = placed.dropna(subset=["importance"]).sort_values("importance", ascending=False)
    if ranked.empty:
        return [Finding(f"Too few {who} answered every item to estimate what goes with {what}.")]
    top = ranked.iloc[0]
    found = [Finding(
        f"Among {int(top['n']):,} {who} who rated them all, the {len(ranked)} items together explain "
        f"{top['r2'] * 100:.0f}% of the variation in ratings of {what} (R² = {top['r2']:.2f}). The item that goes "
        f"with it most strongly is {top['label']}, with {top['importance']:.1f}% of that explained variation "
        f"(95% CI {top['importance_ci_low']:.1f} to {top['importance_ci_high']:.1f}).",
        "derived importance shows association, not cause: it does not say that improving an item would raise "
        "the rating")]
    # clearly in the corner: the importance interval lies above the cut, the rating a point or more below it
    focus = ranked[(ranked["quadrant"] == "strong link, rated low")
                   & (ranked["importance_ci_low"] > ranked["importance_cut"])
                   & (ranked["performance"] <= ranked["performance_cut"] - 1)]
    if len(focus):
        found.append(Finding(f"Items that clearly go with {what} more strongly than the average item yet are rated "
                             f"below the average item ({ranked['performance_cut'].iloc[0]:.1f}): " + "; ".join(
                                 f"{r.label} (performance {r.performance:.1f})" for r in focus.itertuples()) + ".",
                             "clearly: the item's importance interval lies above the average importance and its "
                             "rating is at least a point below the average rating; a correlation across respondents, "
                             "so the data cannot show what would change the rating"))
    if stated:
        most = ranked.sort_values("stated_share", ascending=False).iloc[0]
        derived_rank = int(ranked["item"].tolist().index(most["item"]) + 1)
        overlap = ranked[(ranked["importance_ci_high"] >= most["importance_ci_low"])
                         & (ranked["importance_ci_low"] <= most["importance_ci_high"])]
        ranks = [ranked["item"].tolist().index(i) + 1 for i in overlap["item"]]
        count = len(survey.table.attrs["stated_importance"]["groups"])
        found.append(Finding(
            f"Respondents most often name {most['label']} among the {_WORDS.get(count, count)} most important "
            f"({most['stated_share']:.0f}% of respondents, rank 1), yet it ranks {derived_rank} of {len(ranked)} in "
            f"derived importance for {what} ({most['importance']:.1f}%, 95% CI {most['importance_ci_low']:.1f} to "
            f"{most['importance_ci_high']:.1f}; the intervals of the items ranked {min(ranks)} to {max(ranks)} "
            "overlap it).",
            "stated importance says what respondents value; derived importance says what goes with this rating"))
    else:
        found.append(Finding(_no_stated(survey)))
    if alpha is not None and not alpha["suppressed"].iloc[0]:
        row = alpha.iloc[0]
        found.append(Finding(f"The {int(row['n_items'])} items go together with a Cronbach's alpha of {row['alpha']:.2f} "
                             f"(95% CI {row['ci_low']:.2f} to {row['ci_high']:.2f}, n = {int(row['n']):,} respondents "
                             "who rated every item).",
                             "alpha says how consistently the items vary together; it is a scale's reliability only "
                             "where the items are meant to measure one thing"))
    return found


def _items_view(placed: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Item": placed["label"], "Respondents": placed["n"], "Performance (0-100)": placed["performance"],
        "Spearman rho": placed["spearman"].round(2), "Importance (%)": placed["importance"],
        "95% CI low": placed["importance_ci_low"], "95% CI high": placed["importance_ci_high"],
        "Quadrant": placed["quadrant"], "Note": placed["note"],
    })


def _methods(survey: Survey, outcome: str, candidates: list[str], groups: Mapping | None, n_boot: int, min_n: int,
             stated: bool) -> str:
    kept_text = ("Only respondents with " + "; ".join(f"{survey.label(g)} {', '.join(map(str, v))}"
                                                   for g, v in groups.items()) + " are used. ") if groups else ""
    stated_text = ("Stated importance is the share of respondents (of those who named any) naming an item among the "
                   "most important. " if stated else "")
    return (
        f"{survey.provenance_text(weighted=False)} {kept_text}{survey.scales_text([outcome, *candidates])} "
        "Derived importance is each item's share of the outcome's explained variance (Johnson's relative weights), "
        "among respondents who rated the outcome and every item, with 95% percentile intervals from "
        f"{n_boot} bootstrap resamples (fixed seed); Spearman correlations are in the items' table. The quadrant cuts "
        "both axes at the mean of the items and names where each item sits (a strong or weak link with the outcome, "
        "rated high or low); derived importance is an association across respondents, not a cause, so the quadrant "
        f"gives no advice. {stated_text}Cronbach's alpha has Feldt's interval. Fewer than {min_n} complete "
        "respondents: no estimate."
    )
