"""All federal A-11 services in one fiscal year: league table, standing, drivers heat map."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import cxlab
from cxlab import compare, plots
from cxlab.analyses.service_scorecard import COUNTS
from cxlab.blocks import Block, findings_block, note_block, table_block
from cxlab.drivers_a11 import DRIVER_LABELS, DRIVERS
from cxlab.findings import Finding, estimate_text, fdr_note, p_text, suppression_caveat
from cxlab.summary import MIN_N, summarize_counts

__all__ = ["Overview", "run", "against_the_rest"]


@dataclass(frozen=True)
class Overview:
    """What the federal_overview report shows, and the tables behind it."""

    league: pd.DataFrame
    overall: pd.Series
    heat: pd.DataFrame
    findings: Block
    league_chart: Block
    standing_table: Block
    heat_chart: Block
    methods: Block


def against_the_rest(rows: pd.DataFrame, *, by: str, min_n: int = MIN_N) -> pd.DataFrame:
    """Each ``by`` group against all other groups pooled (its complement), with FDR control.

    The complement's counts are the total minus the group's own, so the two sides are
    independent samples.

    Examples
    --------
    >>> rows = pd.DataFrame({"service": ["a", "b", "c"], "count_1": [5, 1, 2], "count_2": [5, 2, 2],
    ...                      "count_3": [5, 3, 2], "count_4": [5, 4, 2], "count_5": [5, 20, 2]})
    >>> t = against_the_rest(rows, by="service")
    >>> t[["group", "n_a", "n_b"]].values.tolist()
    [['a', 25, 40], ['b', 30, 35], ['c', 10, 55]]
    """
    own = rows.groupby(by)[COUNTS].sum()
    rest = own.sum() - own
    both = pd.concat([own.assign(side="group"), rest.assign(side="all others")]).reset_index()
    summary = summarize_counts(both, counts=COUNTS, by=[by, "side"], min_n=min_n)
    gap = compare.gaps(summary, versus="side", reference="all others")
    return compare.adjust_fdr(gap).rename(columns={by: "group"}).sort_values("group", ignore_index=True)


def _latest_year(a11: pd.DataFrame) -> int:
    full = a11.groupby("fiscal_year")["quarter"].nunique()
    return int(full[full == 4].index.max())


def run(
    *, fiscal_year: int | None = None, measure: str = "satisfaction", min_n: int = MIN_N,
    a11: pd.DataFrame | None = None,
) -> Overview:
    """Compare every service on one driver in one fiscal year (latest complete year by default).

    Examples
    --------
    >>> view = run(fiscal_year=2022, measure="trust")
    >>> print(view.findings.text.splitlines()[0])  # doctest: +ELLIPSIS
    - Across ... federal services in FY2022, trust / confidence averaged ...
    """
    a11 = cxlab.load("a11_hisp") if a11 is None else a11
    if measure not in DRIVERS:
        raise ValueError(f"no driver {measure!r}; allowed: {', '.join(DRIVERS)}")
    year = _latest_year(a11) if fiscal_year is None else fiscal_year
    years = sorted(a11["fiscal_year"].unique())
    if year not in years:
        raise ValueError(f"no fiscal year {year} in the A-11 data; allowed: {', '.join(map(str, years))}")
    rows = a11[a11["fiscal_year"] == year].assign(label=lambda d: d["service"] + " (" + d["agency_abbr"] + ")")
    label = DRIVER_LABELS[measure]
    of_measure = rows[rows["driver"] == measure]
    league = summarize_counts(of_measure, counts=COUNTS, by=["label"], min_n=min_n)
    overall = summarize_counts(of_measure, counts=COUNTS, min_n=min_n).iloc[0]
    standing = against_the_rest(of_measure, by="label", min_n=min_n)
    heat = summarize_counts(rows, counts=COUNTS, by=["label", "driver"], min_n=min_n)
    matrix = heat.pivot(index="label", columns="driver", values="mean").reindex(columns=list(DRIVERS))
    matrix = matrix.rename(columns=DRIVER_LABELS).rename_axis(index="Service")
    shown = league.dropna(subset=["mean"]).sort_values("mean")
    above = standing[standing["significant"] & (standing["diff"] > 0)]
    below = standing[standing["significant"] & (standing["diff"] < 0)]
    found = [
        Finding(f"Across {len(shown)} federal services in FY{year}, {label.lower()} averaged "
                f"{estimate_text(overall)} on a 0-100 scale, pooling {int(overall['n']):,} answers.",
                "services with many answers weigh more in the pooled figure"),
        Finding(f"{len(above)} services scored above all other services pooled and {len(below)} below; "
                f"the rest cannot be told apart from them.", fdr_note(standing)),
    ]
    if len(shown) >= 2:
        found.append(Finding(f"Highest: {shown['label'].iloc[-1]} at {estimate_text(shown.iloc[-1])}; lowest: "
                             f"{shown['label'].iloc[0]} at {estimate_text(shown.iloc[0])}."))
    caveat = suppression_caveat(league, min_n)
    if caveat:
        found.append(Finding(caveat))
    return Overview(
        league=league, overall=overall, heat=matrix,
        findings=findings_block(found),
        league_chart=plots.estimate_chart(league, label="label", title=f"{label}, FY{year}, by service",
                                          reference=overall["mean"], reference_label="all services pooled"),
        standing_table=table_block(_standing_view(standing), caption=f"{label}, FY{year}: each service against all others"),
        heat_chart=plots.heatmap_chart(matrix, title=f"A-11 drivers by service, FY{year}", row_label="Service"),
        methods=note_block(_methods(min_n)),
    )


def _standing_view(standing: pd.DataFrame) -> pd.DataFrame:
    flag = standing["significant"].map({True: "yes", False: "no"})
    return pd.DataFrame({
        "Service": standing["group"], "Answers": standing["n_a"], "Difference": standing["diff"],
        "95% CI low": standing["ci_low"], "95% CI high": standing["ci_high"],
        "p (FDR adjusted)": standing["p_adjusted"].map(p_text), "Significant": flag, "Note": standing["note"],
    })


def _methods(min_n: int) -> str:
    return (
        "Answer counts at points 1-5 are pooled per service over the fiscal year's quarters and over its "
        "touchpoints and channels; means and 95% intervals are exact from the counts and put on 0-100. "
        "Each service is compared with all other services pooled (its complement, so the two samples are "
        "independent) by a Welch difference of means, and the Benjamini-Hochberg procedure holds the false "
        f"discovery rate at 5% across services. Cells with fewer than {min_n} answers are suppressed. "
        "Services ask differently worded questions and survey different customers through different "
        "channels: differences between services reflect that too, not only the service itself."
    )
