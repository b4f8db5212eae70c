"""All federal A-11 services in one fiscal year: league table, standing, drivers heat map."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import cxlab
from cxlab.stats import compare
from cxlab.report import plots
from cxlab.analyses.service_scorecard import COUNTS, left_out_of, left_out_view
from cxlab.report.blocks import Block, findings_block, note_block, table_block
from cxlab.stats.compare import MIN_DIFFERENCE
from cxlab.data.a11_drivers import DRIVER_LABELS, DRIVERS
from cxlab.report.findings import (STANDING_WORDS, Finding, estimate_text, fdr_note, interval_text, left_out_caveat, p_text,
                            points_text, suppression_caveat)
from cxlab.stats.summary import MIN_N, summarize_counts

__all__ = ["Overview", "run", "against_the_rest", "mean_of_services"]


@dataclass(frozen=True)
class Overview:
    """What the federal_overview report shows, and the tables behind it."""

    league: pd.DataFrame
    overall: pd.Series
    unweighted: pd.Series
    heat: pd.DataFrame
    findings: Block
    league_chart: Block
    standing_table: Block
    heat_chart: Block
    left_out: pd.DataFrame
    left_out_table: Block
    methods: Block


def against_the_rest(rows: pd.DataFrame, *, by: str, min_n: int = MIN_N,
                     min_difference: float = MIN_DIFFERENCE) -> pd.DataFrame:
    """Each ``by`` group against all other groups pooled (its complement), with FDR control.

    The complement's counts are the total minus the group's own, so the two sides are
    independent samples. ``verdict`` and ``meaningful`` say which differences count
    (:func:`cxlab.stats.compare.judge_differences`).

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
    gap = compare.judge_differences(compare.adjust_fdr(compare.gaps(summary, versus="side", reference="all others")),
                                    min_difference=min_difference)
    return gap.rename(columns={by: "group"}).sort_values("group", ignore_index=True)


def mean_of_services(league: pd.DataFrame) -> pd.Series:
    """The plain mean of the services' means (each service counts once), with its 95% interval.

    The services are taken as they are (not as a sample of all services), so the standard error
    is ``sqrt(sum se_i^2) / k`` from each service's own sampling error, with a normal interval.

    Examples
    --------
    >>> league = pd.DataFrame({"mean": [80.0, 60.0, None], "se": [1.0, 2.0, None]})
    >>> mean_of_services(league).round(2).to_dict()
    {'k': 2.0, 'mean': 70.0, 'se': 1.12, 'ci_low': 67.81, 'ci_high': 72.19}
    """
    shown = league.dropna(subset=["mean"])
    k = len(shown)
    mean = shown["mean"].mean()
    se = float(np.sqrt((shown["se"] ** 2).sum()) / k) if k else float("nan")
    half = 1.959963984540054 * se
    return pd.Series({"k": float(k), "mean": mean, "se": se, "ci_low": mean - half, "ci_high": mean + half})


def _latest_year(a11: pd.DataFrame) -> int:
    full = a11.groupby("fiscal_year")["quarter"].nunique()
    return int(full[full == 4].index.max())


def run(
    *, fiscal_year: int | None = None, measure: str = "satisfaction", min_n: int = MIN_N,
    min_difference: float = MIN_DIFFERENCE, keep_flagged: bool = False, a11: pd.DataFrame | None = None,
) -> Overview:
    """Compare every service on one driver in one fiscal year (latest complete year by default).

    ``min_difference`` is the smallest difference (points on 0-100) called above or below;
    ``keep_flagged`` keeps the source rows the screening flagged (left out by default).

    Examples
    --------
    >>> view = run(fiscal_year=2022, measure="trust")
    >>> print(view.findings.text.splitlines()[0])  # doctest: +ELLIPSIS
    - Across ... federal services in FY2022, trust / confidence was ... as the plain average ...
    """
    a11 = cxlab.load("a11_hisp", keep_flagged=keep_flagged) if a11 is None else a11
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
    unweighted = mean_of_services(league)
    standing = against_the_rest(of_measure, by="label", min_n=min_n, min_difference=min_difference)
    heat = summarize_counts(rows, counts=COUNTS, by=["label", "driver"], min_n=min_n)
    matrix = heat.pivot(index="label", columns="driver", values="mean").reindex(columns=list(DRIVERS))
    matrix = matrix.rename(columns=DRIVER_LABELS).rename_axis(index="Service")
    shown = league.dropna(subset=["mean"]).sort_values("mean")
    above = standing[standing["verdict"] == "higher"]
    below = standing[standing["verdict"] == "lower"]
    small = standing[standing["verdict"] == "small"]
    biggest = of_measure.groupby("label")["n"].sum().sort_values(ascending=False)
    found = [
        Finding(f"Across {len(shown)} federal services in FY{year}, {label.lower()} was "
                f"{estimate_text(overall)} on a 0-100 scale pooling all {int(overall['n']):,} respondents, and "
                f"{unweighted['mean']:.1f} ({interval_text(unweighted['ci_low'], unweighted['ci_high'])}) as the "
                "plain average of the services' own scores, each service counting once.",
                f"the pooled figure weighs services by their respondents: {biggest.index[0]} alone has "
                f"{biggest.iloc[0] / biggest.sum() * 100:.0f}% of them; the plain average's interval reflects the "
                "sampling error of these services' own scores, not how other services would score, and the services "
                "that report differ from year to year" if len(biggest) else None),
        Finding(f"{len(above)} services scored above all other services pooled and {len(below)} below by at least "
                f"{points_text(min_difference)}"
                + (f"; {len(small)} differ by less than that, which is no meaningful difference" if len(small) else "")
                + "; the rest cannot be told apart from them.",
                fdr_note(standing, min_difference) + (
                    f"; \"all other services pooled\" is dominated by the largest services ({_largest(biggest)}), so a "
                    "service can be below them and still above the plain average of the services" if len(biggest) > 2
                    else "")),
    ]
    if len(shown) >= 2:
        found.append(Finding(f"Highest: {shown['label'].iloc[-1]} at {estimate_text(shown.iloc[-1])}; lowest: "
                             f"{shown['label'].iloc[0]} at {estimate_text(shown.iloc[0])}."))
    caveat = suppression_caveat(league, min_n)
    if caveat:
        found.append(Finding(caveat))
    left_out = _left_out_in_year(a11, year) if not keep_flagged else left_out_of(a11.iloc[0:0])
    found.append(left_out_caveat(left_out, scope=f"FY{year}", by="service"))
    marked = league["label"].map(standing.set_index("group")["meaningful"]).fillna(False)
    return Overview(
        league=league, overall=overall, unweighted=unweighted, heat=matrix,
        findings=findings_block([f for f in found if f is not None]),
        league_chart=plots.estimate_chart(
            league, label="label", title=f"{label}, FY{year}, by service",
            xlabel="Score (0-100), with 95% interval (not adjusted for multiple comparisons)",
            reference={"all respondents pooled": overall["mean"], "average of the services": unweighted["mean"]},
            marked=marked, marked_label=f"differs from all other services (FDR 5% and at least "
                                        f"{points_text(min_difference)})"),
        standing_table=table_block(_standing_view(standing), caption=f"{label}, FY{year}: each service against all others"),
        heat_chart=plots.heatmap_chart(matrix, title=f"A-11 drivers by service, FY{year}", row_label="Service"),
        left_out=left_out,
        left_out_table=table_block(left_out_view(left_out, service=True),
                                   caption=f"Source rows of FY{year} left out by the screening, and why"),
        methods=note_block(_methods(min_n, min_difference)),
    )


def _largest(respondents: pd.Series) -> str:
    """The two services with the most respondents and their share of all: ``A and B hold 63% of respondents``."""
    top = respondents.iloc[:2]
    return f"{' and '.join(top.index)} hold {top.sum() / respondents.sum() * 100:.0f}% of the respondents"


def _left_out_in_year(a11: pd.DataFrame, year: int) -> pd.DataFrame:
    flagged = left_out_of(a11)
    return flagged[flagged["period"].str.startswith(f"FY{year}-")].reset_index(drop=True)


def _standing_view(standing: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Service": standing["group"], "Respondents": standing["n_a"], "Difference": standing["diff"],
        "95% CI low": standing["ci_low"], "95% CI high": standing["ci_high"],
        "p (FDR adjusted)": standing["p_adjusted"].map(p_text), "Verdict": standing["verdict"].map(STANDING_WORDS),
        "Note": standing["note"],
    })


def _methods(min_n: int, min_difference: float) -> str:
    return (
        "Each question is assigned to a driver by a reviewed table of every question wording; source rows "
        "that cannot be real answer distributions are left out and listed in the findings. Each respondent "
        "counts once per driver (several questions of one record on the same driver are averaged, capped at "
        "the record's respondents). Answer counts are then pooled per service over the fiscal year's quarters "
        "and its touchpoints and channels; means are put on 0-100 with 95% intervals built on the logit scale "
        "(they stay inside 0-100). Two federal figures are given: all respondents pooled (services with many "
        "respondents weigh most) and the plain average of the services' scores (each service once; its "
        "interval comes from the services' own sampling errors). Each service is compared with all other "
        "services pooled (its complement, so the two samples are independent) by a Welch difference of means; "
        "the Benjamini-Hochberg procedure holds the false discovery rate at 5% across services, and a "
        f"service is called above or below only when the difference also reaches {points_text(min_difference)}. The chart shows unadjusted 95% intervals and marks the "
        f"services whose difference counts. Cells with fewer than {min_n} respondents are suppressed. "
        "Services ask differently worded questions and survey different customers through different "
        "channels: differences between services reflect that too, not only the service itself. A service's "
        "drivers may come from different surveys (ease asked on its web site, employee helpfulness on its phone "
        "line), so its row of the heat map is not a like-for-like profile."
    )
