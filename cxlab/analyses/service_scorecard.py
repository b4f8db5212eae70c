"""One federal service's A-11 scorecard: the seven drivers by quarter, changes, standing, volume."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import cxlab
from cxlab import compare, plots
from cxlab.blocks import Block, findings_block, note_block, table_block
from cxlab.drivers_a11 import DRIVER_LABELS
from cxlab.findings import Finding, change_word, estimate_text, fdr_note, p_text, suppression_caveat
from cxlab.summary import MIN_N, summarize_counts

__all__ = ["COUNTS", "Scorecard", "run", "select_service", "previous_quarter", "year_earlier"]

COUNTS = [f"count_{k}" for k in range(1, 6)]


@dataclass(frozen=True)
class Scorecard:
    """What the service_scorecard report shows, and the tables behind it."""

    summary: pd.DataFrame
    changes: pd.DataFrame
    standing: pd.DataFrame
    volume: pd.DataFrame
    findings: Block
    drivers_chart: Block
    changes_table: Block
    standing_chart: Block
    volume_table: Block
    methods: Block


def select_service(a11: pd.DataFrame, *, agency: str, service: str) -> pd.DataFrame:
    """The A-11 rows of one agency's service; unknown names get the allowed ones listed.

    Examples
    --------
    >>> a11 = cxlab.load("a11_hisp")
    >>> select_service(a11, agency="Department of Veterans Affairs",
    ...                service="Receiving outpatient services")["period"].nunique()
    9
    >>> select_service(a11, agency="Department of Veteran Affairs", service="x")
    Traceback (most recent call last):
    ...
    ValueError: no agency 'Department of Veteran Affairs' in the A-11 data; allowed: ...
    """
    agencies = sorted(a11["agency"].unique())
    if agency not in agencies:
        raise ValueError(f"no agency {agency!r} in the A-11 data; allowed: {'; '.join(agencies)}")
    of_agency = a11[a11["agency"] == agency]
    services = sorted(of_agency["service"].unique())
    if service not in services:
        raise ValueError(f"no service {service!r} of {agency}; allowed: {'; '.join(services)}")
    return of_agency[of_agency["service"] == service]


def previous_quarter(period: str) -> str:
    """The fiscal quarter before ``FY2022-Q1``-style ``period``.

    Examples
    --------
    >>> previous_quarter("FY2022-Q1"), previous_quarter("FY2022-Q3")
    ('FY2021-Q4', 'FY2022-Q2')
    """
    year, quarter = int(period[2:6]), int(period[-1])
    return f"FY{year - 1}-Q4" if quarter == 1 else f"FY{year}-Q{quarter - 1}"


def year_earlier(period: str) -> str:
    """The same fiscal quarter one year earlier.

    Examples
    --------
    >>> year_earlier("FY2023-Q1")
    'FY2022-Q1'
    """
    return f"FY{int(period[2:6]) - 1}{period[6:]}"


def _labelled(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(measure=table["driver"].map(DRIVER_LABELS))


def _changes(summary: pd.DataFrame, latest: str) -> pd.DataFrame:
    """Latest quarter against the previous quarter and the same quarter a year earlier."""
    parts = []
    for label, earlier in (("previous quarter", previous_quarter(latest)), ("a year earlier", year_earlier(latest))):
        pair = summary[summary["period"].isin([latest, earlier])]
        if pair["period"].nunique() < 2:
            continue
        gap = compare.gaps(pair, versus="period", reference=earlier)
        parts.append(gap.assign(comparison=label))
    if not parts:
        return pd.DataFrame()
    return compare.adjust_fdr(pd.concat(parts, ignore_index=True))


def _standing(a11: pd.DataFrame, rows: pd.DataFrame, latest: str, min_n: int) -> pd.DataFrame:
    """This service against all other federal services in the same quarter, per driver."""
    quarter = a11[a11["period"] == latest]
    mine = quarter.index.isin(rows.index)
    scope = np.where(mine, "this service", "all other services")
    summary = summarize_counts(quarter.assign(scope=scope), counts=COUNTS, by=["driver", "scope"], min_n=min_n)
    gap = compare.gaps(summary, versus="scope", reference="all other services")
    return compare.adjust_fdr(gap)


def _volume(rows: pd.DataFrame) -> pd.DataFrame:
    """Customers, survey offers, respondents and response rate per quarter (records counted once)."""
    records = rows.drop_duplicates("record_id")
    volume = records.groupby("period")[["customers", "offered_survey", "respondents"]].sum(min_count=1)
    volume["response_rate"] = volume["respondents"] / volume["offered_survey"].where(volume["offered_survey"] > 0) * 100
    return volume.reset_index()


def _change_findings(changes: pd.DataFrame, latest: str) -> list[Finding]:
    if changes.empty:
        return [Finding(f"There is no earlier quarter to compare {latest} with, so no change is reported.")]
    found = []
    for label, rows in changes.groupby("comparison", sort=False):
        earlier = rows["group_b"].iloc[0]
        moved = rows[rows["significant"]]
        if rows["p_value"].isna().all():
            found.append(Finding(f"Against {earlier} ({label}), no driver has enough answers in both quarters "
                                 "to be compared."))
        elif moved.empty:
            found.append(Finding(f"Against {earlier} ({label}), no driver changed by more than chance "
                                 "would explain.", fdr_note(rows)))
        else:
            parts = [f"{DRIVER_LABELS[r.driver].lower()} {change_word(r.diff)} by {abs(r.diff):.1f} points "
                     f"(95% CI {r.ci_low:+.1f} to {r.ci_high:+.1f})" for r in moved.itertuples()]
            found.append(Finding(f"Against {earlier} ({label}): " + "; ".join(parts) + ".", fdr_note(rows)))
    return found


def _standing_findings(standing: pd.DataFrame, latest: str) -> Finding:
    if standing["p_value"].isna().all():
        return Finding(f"In {latest}, no driver has enough answers to compare this service with all other "
                       "federal services.")
    above = standing[standing["significant"] & (standing["diff"] > 0)]
    below = standing[standing["significant"] & (standing["diff"] < 0)]
    def names(t: pd.DataFrame) -> str:
        return ", ".join(DRIVER_LABELS[d].lower() for d in t["driver"]) or "none"
    return Finding(f"In {latest}, compared with all other federal services: above on {names(above)}; "
                   f"below on {names(below)}.", fdr_note(standing))


def run(*, agency: str, service: str, min_n: int = MIN_N, a11: pd.DataFrame | None = None) -> Scorecard:
    """Build the scorecard of one service.

    Examples
    --------
    >>> card = run(agency="Department of Veterans Affairs", service="Receiving outpatient services")
    >>> card.summary["period"].max()
    'FY2023-Q1'
    >>> print(card.findings.text.splitlines()[0])  # doctest: +ELLIPSIS
    - In FY2023-Q1, satisfaction with Receiving outpatient services was ...
    """
    a11 = cxlab.load("a11_hisp") if a11 is None else a11
    rows = select_service(a11, agency=agency, service=service)
    summary = _labelled(summarize_counts(rows, counts=COUNTS, by=["period", "driver"], min_n=min_n))
    latest = summary["period"].max()
    changes = _changes(summary, latest)
    standing = _labelled(_standing(a11, rows, latest, min_n))
    volume = _volume(rows)
    now = summary[(summary["period"] == latest)].dropna(subset=["mean"]).sort_values("mean")
    headline = now[now["driver"] == "satisfaction"]
    lead = headline.iloc[0] if len(headline) else (now.iloc[-1] if len(now) else None)
    found = []
    if lead is not None:
        found.append(Finding(
            f"In {latest}, {lead['measure'].lower()} with {service} was {estimate_text(lead)} on a 0-100 scale "
            f"({int(lead['n']):,} answers)."))
    if len(now) >= 2:
        found.append(Finding(f"Highest in {latest}: {now['measure'].iloc[-1].lower()} at {now['mean'].iloc[-1]:.1f}; "
                             f"lowest: {now['measure'].iloc[0].lower()} at {now['mean'].iloc[0]:.1f}."))
    found += _change_findings(changes, latest)
    found.append(_standing_findings(standing, latest))
    rate = volume.dropna(subset=["response_rate"])
    if len(rate):
        last = rate.iloc[-1]
        found.append(Finding(f"In {last['period']}, {int(last['respondents']):,} of {int(last['offered_survey']):,} "
                             f"customers offered the survey answered ({last['response_rate']:.1f}%).",
                             "a low response rate can bias scores if those who answer differ from those who do not"))
    caveat = suppression_caveat(summary, min_n)
    if caveat:
        found.append(Finding(caveat))
    changes_view = pd.DataFrame() if changes.empty else _labelled(changes)
    return Scorecard(
        summary=summary, changes=changes, standing=standing, volume=volume,
        findings=findings_block(found),
        drivers_chart=plots.trend_lines_chart(summary, series="measure", period="period",
                                              title=f"A-11 drivers by quarter: {service}"),
        changes_table=table_block(_changes_view(changes_view), caption=f"Change in {latest}, by driver"),
        standing_chart=plots.estimate_chart(
            standing[standing["group_a"] == "this service"].assign(
                mean=standing["diff"], n=standing["n_a"]),
            label="measure", title=f"{latest}: this service minus all other federal services",
            xlabel="Difference in points (0-100 scale), with 95% interval"),
        volume_table=table_block(_volume_view(volume), caption="Customers, survey offers and respondents by quarter"),
        methods=note_block(_methods(min_n)),
    )


def _changes_view(changes: pd.DataFrame) -> pd.DataFrame:
    if changes.empty:
        return pd.DataFrame({"Driver": [], "Compared with": [], "Change": []})
    return pd.DataFrame({
        "Driver": changes["measure"], "Compared with": changes["group_b"] + " (" + changes["comparison"] + ")",
        "Change": changes["diff"], "95% CI low": changes["ci_low"], "95% CI high": changes["ci_high"],
        "p (FDR adjusted)": changes["p_adjusted"].map(p_text), "Significant": changes["significant"].map({True: "yes", False: "no"}),
        "Note": changes["note"],
    })


def _volume_view(volume: pd.DataFrame) -> pd.DataFrame:
    return volume.rename(columns={"period": "Quarter", "customers": "Customers", "offered_survey": "Offered the survey",
                                  "respondents": "Respondents", "response_rate": "Response rate (%)"})


def _methods(min_n: int) -> str:
    return (
        "Each A-11 question is assigned to one of the seven drivers from its wording (questions that use "
        "another scale or match no driver are left out). Answer counts at points 1-5 are pooled over the "
        "service's touchpoints and channels in each quarter, which gives the exact mean and standard error; "
        "scores are rescaled to 0-100 ((x - 1) / 4 x 100) with 95% t intervals. Changes and the comparison "
        "with all other federal services are Welch differences of means; p-values are adjusted with the "
        "Benjamini-Hochberg false discovery rate (5%) across drivers and comparisons. Cells with fewer than "
        f"{min_n} answers are suppressed. Periods are the file's collection year and quarter, most likely "
        "federal fiscal years. Respondents choose to answer, so scores describe those who answered."
    )
