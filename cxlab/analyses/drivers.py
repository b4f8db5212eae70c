"""What drives overall satisfaction with city services (San Diego residents), stated and derived."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import cxlab
from cxlab.stats import drivers
from cxlab.report import plots
from cxlab.report.blocks import Block, findings_block, note_block, table_block
from cxlab.report.findings import Finding
from cxlab.stats.summary import MIN_N

__all__ = ["STATED_ITEMS", "STATED_COLUMNS", "DriverReport", "item_block", "stated_importance", "run"]

#: The Q4 questions name, by code 1-15, the Q3 service areas residents see as most important.
STATED_ITEMS = "Q3"
STATED_COLUMNS = [f"important_{k}" for k in range(1, 5)]
EMPLOYEE_ITEMS = "Q15"


@dataclass(frozen=True)
class DriverReport:
    """What the drivers report shows, and the tables behind it."""

    importance: pd.DataFrame
    employee: pd.DataFrame
    alpha: pd.DataFrame
    findings: Block
    importance_chart: Block
    quadrant_chart: Block
    stated_chart: Block
    employee_table: Block
    methods: Block


def item_block(residents: pd.DataFrame, prefix: str) -> list[str]:
    """The rating items of one question block (``Q3`` → Q3_1 … Q3_15), in question order.

    Examples
    --------
    >>> item_block(cxlab.load("sandiego_2015"), "Q15")
    ['Q15_2', 'Q15_3', 'Q15_4']
    """
    found = [i for i in residents.attrs["items"] if i == prefix or i.startswith(f"{prefix}_")]
    if not found:
        blocks = sorted({i.split("_")[0] for i in residents.attrs["items"]}, key=lambda b: int(b[1:]))
        raise ValueError(f"no rating items in block {prefix!r}; allowed: {', '.join(blocks)}")
    return found


def stated_importance(residents: pd.DataFrame) -> pd.DataFrame:
    """Share of residents (who named any) naming each Q3 service among their four most important.

    Examples
    --------
    >>> s = stated_importance(cxlab.load("sandiego_2015")).set_index("item")
    >>> bool(s["stated_share"].between(0, 100).all()), len(s)
    (True, 15)
    """
    named = residents[STATED_COLUMNS]
    answered = named.notna().any(axis=1)
    codes = named[answered].stack().dropna().astype(int)
    share = codes.value_counts().reindex(range(1, 16), fill_value=0) / answered.sum() * 100
    return pd.DataFrame({"item": [f"{STATED_ITEMS}_{c}" for c in share.index], "stated_share": share.to_numpy(),
                         "stated_rank": share.rank(ascending=False, method="min").astype(int).to_numpy()})


def _labelled(table: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    return table.assign(label=table["item"].map(lambda i: f"{labels.get(i, i)} ({i})"))


def run(
    *, outcome: str = "Q2_6", items: str = STATED_ITEMS, min_n: int = MIN_N, n_boot: int = 500,
    residents: pd.DataFrame | None = None,
) -> DriverReport:
    """Derived importance of a block of items for an outcome, against stated importance.

    Examples
    --------
    >>> report = run(n_boot=50)
    >>> report.importance["item"].tolist()[:2]
    ['Q3_1', 'Q3_2']
    """
    residents = cxlab.load("sandiego_2015") if residents is None else residents
    labels = residents.attrs["labels"]
    if outcome not in labels:
        raise ValueError(f"no rating item {outcome!r}; allowed: {', '.join(labels)}")
    candidates = [i for i in item_block(residents, items) if i != outcome]
    derived = drivers.importance(residents, outcome=outcome, items=candidates, n_boot=n_boot, min_n=min_n)
    derived = _labelled(derived, labels)
    if items == STATED_ITEMS:
        derived = derived.merge(stated_importance(residents), on="item", how="left")
    placed = drivers.quadrant(derived)
    employee_items = item_block(residents, EMPLOYEE_ITEMS)
    employee = _labelled(drivers.importance(residents, outcome=outcome, items=employee_items,
                                            n_boot=n_boot, min_n=min_n), labels)
    alpha = drivers.cronbach_alpha(residents, items=employee_items, min_n=min_n)
    what = labels[outcome].lower()
    found = _findings(placed, employee, alpha.iloc[0], what=what, stated=items == STATED_ITEMS)
    shown = placed.assign(mean=placed["importance"], ci_low=placed["importance_ci_low"],
                          ci_high=placed["importance_ci_high"])
    return DriverReport(
        importance=placed, employee=employee, alpha=alpha,
        findings=findings_block(found),
        importance_chart=plots.estimate_chart(shown, label="label", title=f"Derived importance for {what}",
                                              xlabel="Share of explained variance (%), with 95% bootstrap interval"),
        quadrant_chart=plots.scatter_chart(placed, x="performance", y="importance", label="label",
                                           title=f"Importance and performance: {what}",
                                           xlabel="Performance (mean, 0-100)", ylabel="Derived importance (%)",
                                           cuts=(placed["performance"].mean(), placed["importance"].mean())),
        stated_chart=_stated_chart(placed, what) if items == STATED_ITEMS else None,
        employee_table=table_block(_employee_view(employee, alpha.iloc[0]),
                                   caption=f"City employees: derived importance for {what}"),
        methods=note_block(_methods(n_boot, min_n)),
    )


def _stated_chart(placed: pd.DataFrame, what: str) -> Block:
    return plots.scatter_chart(placed, x="stated_share", y="importance", label="label",
                               title=f"Stated against derived importance: {what}",
                               xlabel="Named among the four most important (% of residents)",
                               ylabel="Derived importance (%)")


def _findings(placed: pd.DataFrame, employee: pd.DataFrame, alpha: pd.Series, *, what: str, stated: bool) -> list[Finding]:
    ranked = placed.dropna(subset=["importance"]).sort_values("importance", ascending=False)
    if ranked.empty:
        return [Finding(f"Too few residents answered every item to estimate what goes with {what}.")]
    top = ranked.iloc[0]
    found = [Finding(
        f"Among {int(top['n']):,} residents who rated them all, the {len(ranked)} items together explain "
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
                             "rating is at least a point below the average rating; a correlation across residents, "
                             "so the data cannot show what would change the rating"))
    if stated:
        most = ranked.sort_values("stated_share", ascending=False).iloc[0]
        derived_rank = int(ranked["item"].tolist().index(most["item"]) + 1)
        overlap = ranked[(ranked["importance_ci_high"] >= most["importance_ci_low"])
                         & (ranked["importance_ci_low"] <= most["importance_ci_high"])]
        ranks = [ranked["item"].tolist().index(i) + 1 for i in overlap["item"]]
        found.append(Finding(
            f"Residents most often name {most['label']} among the four most important services "
            f"({most['stated_share']:.0f}% of residents, rank 1), yet it ranks {derived_rank} of {len(ranked)} in "
            f"derived importance for {what} ({most['importance']:.1f}%, 95% CI {most['importance_ci_low']:.1f} to "
            f"{most['importance_ci_high']:.1f}; the intervals of the items ranked {min(ranks)} to {max(ranks)} "
            "overlap it).",
            "stated importance says what residents value; derived importance says what goes with this rating"))
    else:
        found.append(Finding("The survey asked residents to name the most important services only for the Q3 "
                             "service areas, so for these items only derived importance can be shown."))
    if not alpha["suppressed"]:
        found.append(Finding(f"The city-employee items form a reliable scale: Cronbach's alpha "
                             f"{alpha['alpha']:.2f} (95% CI {alpha['ci_low']:.2f} to {alpha['ci_high']:.2f}, "
                             f"n = {int(alpha['n']):,} residents who rated all {int(alpha['n_items'])} employee items).",
                             "Q15_1 (courtesy) is in the dictionary but not in the data; the table's respondents "
                             "are those who also rated the outcome, so they are fewer"))
    return found


def _employee_view(employee: pd.DataFrame, alpha: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({
        "Item": employee["label"], "Respondents": employee["n"], "Performance (0-100)": employee["performance"],
        "Spearman rho": employee["spearman"].round(2), "Importance (%)": employee["importance"],
        "95% CI low": employee["importance_ci_low"], "95% CI high": employee["importance_ci_high"],
        "Scale alpha": f"{alpha['alpha']:.2f}" if not alpha["suppressed"] else alpha["note"],
    })


def _methods(n_boot: int, min_n: int) -> str:
    return (
        "Ratings 1-5 (9 = don't know, treated as missing) are put on 0-100. Derived importance is each item's "
        "share of the outcome's explained variance (Johnson's relative weights), among residents who rated the "
        f"outcome and every item, with 95% percentile intervals from {n_boot} bootstrap resamples (fixed seed); "
        "Spearman correlations are given for the city-employee items (their table). The quadrant cuts both axes at the mean of the items and "
        "names where each item sits (a strong or weak link with the outcome, rated high or low); derived "
        "importance is an association across residents, not a cause, so the quadrant gives no advice. "
        "Stated importance is the share of residents naming a service among their four most important (Q4). "
        f"Cronbach's alpha has Feldt's interval. Fewer than {min_n} complete respondents: no estimate. "
        "The file has no survey weights, so estimates describe the respondents, not necessarily all residents."
    )
