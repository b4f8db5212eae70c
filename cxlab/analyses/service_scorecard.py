"""One federal service's A-11 scorecard: the seven drivers by quarter, changes, standing, volume."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import cxlab
from cxlab.stats import compare
from cxlab.report import plots
from cxlab.report.blocks import Block, findings_block, note_block, table_block
from cxlab.data.a11_drivers import DRIVER_LABELS
from cxlab.stats.compare import MIN_DIFFERENCE
from cxlab.data.loaders import LEFT_OUT_COLUMNS
from cxlab.report.findings import (CHANGE_WORDS, Finding, difference_phrase, estimate_text, fdr_note, left_out_caveat, p_text,
                            percent_text, points_text, suppression_caveat)
from cxlab.stats.summary import MIN_N, summarize_counts

__all__ = ["COUNTS", "Scorecard", "run", "select_service", "previous_quarter", "year_earlier", "left_out_of",
           "left_out_view"]

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
    left_out: pd.DataFrame
    left_out_table: Block
    methods: Block


def select_service(a11: pd.DataFrame, *, agency: str, service: str) -> pd.DataFrame:
    """The A-11 rows of one agency's service; unknown names get the allowed ones listed.

    Examples
    --------
    >>> a11 = cxlab.load("a11_hisp")
    >>> select_service(a11, agency="Department of Veterans Affairs",
    ...                service="Receiving outpatient services")["period"].nunique()
    8
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


def left_out_of(a11: pd.DataFrame, **where: object) -> pd.DataFrame:
    """The screened-out source rows (``a11.attrs["flagged"]``) that match ``where`` (column=value), as a table.

    Examples
    --------
    >>> a11 = cxlab.load("a11_hisp")
    >>> left_out_of(a11, service="Passport Services")["period"].nunique()
    5
    """
    flagged = pd.DataFrame.from_records(a11.attrs.get("flagged", []), columns=LEFT_OUT_COLUMNS)
    for column, value in where.items():
        flagged = flagged[flagged[column] == value]
    return flagged.reset_index(drop=True)


def left_out_view(left_out: pd.DataFrame, *, service: bool) -> pd.DataFrame:
    """The table of screened-out source rows a report shows (with the service where it covers several).

    Examples
    --------
    >>> left_out_view(pd.DataFrame(columns=LEFT_OUT_COLUMNS), service=False)["What was found"].tolist()
    ['no source row was left out by the screening']
    """
    if left_out.empty:
        return pd.DataFrame({"What was found": ["no source row was left out by the screening"]})
    view = pd.DataFrame({"Quarter": left_out["period"], "Service": left_out["service"],
                         "Record": left_out["record_id"], "Question": left_out["question"],
                         "Driver": left_out["driver"].map(DRIVER_LABELS), "Answers": left_out["n"].astype("Int64"),
                         "What was found": left_out["reason"]})
    return view if service else view.drop(columns="Service")


def _changes(summary: pd.DataFrame, latest: str, min_difference: float) -> pd.DataFrame:
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
    tested = compare.adjust_fdr(pd.concat(parts, ignore_index=True))
    return compare.judge_differences(tested, min_difference=min_difference)


def _standing(a11: pd.DataFrame, rows: pd.DataFrame, latest: str, min_n: int, min_difference: float
              ) -> pd.DataFrame:
    """This service against all other federal services in the same quarter, per driver."""
    quarter = a11[a11["period"] == latest]
    mine = quarter.index.isin(rows.index)
    scope = np.where(mine, "this service", "all other services")
    summary = summarize_counts(quarter.assign(scope=scope), counts=COUNTS, by=["driver", "scope"], min_n=min_n)
    gap = compare.gaps(summary, versus="scope", reference="all other services")
    return compare.judge_differences(compare.adjust_fdr(gap), min_difference=min_difference)


def _volume(rows: pd.DataFrame) -> pd.DataFrame:
    """Customers, survey offers, respondents and response rate per quarter (records counted once)."""
    records = rows.drop_duplicates("record_id")
    volume = records.groupby("period")[["customers", "offered_survey", "respondents"]].sum(min_count=1)
    volume["response_rate"] = volume["respondents"] / volume["offered_survey"].where(volume["offered_survey"] > 0) * 100
    return volume.astype({c: "Int64" for c in ("customers", "offered_survey", "respondents")}).reset_index()


def _names(rows: pd.DataFrame) -> str:
    return ", ".join(DRIVER_LABELS[d].lower() for d in rows["driver"])


def _change_findings(changes: pd.DataFrame, latest: str, min_difference: float) -> list[Finding]:
    if changes.empty:
        return [Finding(f"There is no earlier quarter to compare {latest} with, so no change is reported.")]
    found = []
    for label, rows in changes.groupby("comparison", sort=False):
        earlier = rows["group_b"].iloc[0]
        if rows["p_value"].isna().all():
            found.append(Finding(f"Against {earlier} ({label}), no driver has enough answers in both quarters "
                                 "to be compared."))
            continue
        moved = rows[rows["meaningful"]]
        parts = [f"{DRIVER_LABELS[r['driver']].lower()} {difference_phrase(r, min_difference=min_difference)}"
                 for _, r in moved.iterrows()]
        small = rows[rows["verdict"] == "small"]
        if len(small):
            parts.append(f"{_names(small)} moved by less than {points_text(min_difference)} "
                         f"({', '.join(f'{d:+.1f}' for d in small['diff'])}): no meaningful change")
        rest = rows[rows["verdict"] == "unclear"]
        if len(rest):
            parts.append(f"{_names(rest)}: no clear change")
        found.append(Finding(f"Against {earlier} ({label}): " + "; ".join(parts) + ".",
                             fdr_note(rows, min_difference)))
    return found


def _standing_findings(standing: pd.DataFrame, latest: str, min_difference: float) -> Finding:
    if standing["p_value"].isna().all():
        return Finding(f"In {latest}, no driver has enough answers to compare this service with all other "
                       "federal services.")
    above = standing[standing["verdict"] == "higher"]
    below = standing[standing["verdict"] == "lower"]
    small = standing[standing["verdict"] == "small"]
    text = (f"In {latest}, compared with all other federal services: above on {_names(above) or 'none'}; "
            f"below on {_names(below) or 'none'}")
    if len(small):
        text += f"; within {points_text(min_difference)} on {_names(small)}"
    return Finding(text + ".", fdr_note(standing, min_difference))


def run(*, agency: str, service: str, min_n: int = MIN_N, min_difference: float = MIN_DIFFERENCE,
        keep_flagged: bool = False, a11: pd.DataFrame | None = None) -> Scorecard:
    """Build the scorecard of one service.

    Parameters
    ----------
    agency, service : str
        The service, as named in the A-11 data.
    min_n : int
        Cells with fewer respondents are suppressed.
    min_difference : float
        The smallest change (points on 0-100) called a rise or a fall.
    keep_flagged : bool
        Keep the source rows the screening flagged (see :mod:`cxlab.data.screening`); left out by default.
    a11 : DataFrame, optional
        The loaded A-11 table (``cxlab.load("a11_hisp")`` by default).

    Examples
    --------
    >>> card = run(agency="Department of Veterans Affairs", service="Receiving outpatient services")
    >>> card.summary["period"].max()
    'FY2023-Q1'
    >>> print(card.findings.text.splitlines()[0])  # doctest: +ELLIPSIS
    - In FY2023-Q1, satisfaction with Receiving outpatient services was ...
    """
    a11 = cxlab.load("a11_hisp", keep_flagged=keep_flagged) if a11 is None else a11
    rows = select_service(a11, agency=agency, service=service)
    summary = _labelled(summarize_counts(rows, counts=COUNTS, by=["period", "driver"], min_n=min_n))
    latest = summary["period"].max()
    changes = _changes(summary, latest, min_difference)
    standing = _labelled(_standing(a11, rows, latest, min_n, min_difference))
    volume = _volume(rows)
    now = summary[(summary["period"] == latest)].dropna(subset=["mean"]).sort_values("mean")
    headline = now[now["driver"] == "satisfaction"]
    lead = headline.iloc[0] if len(headline) else (now.iloc[-1] if len(now) else None)
    found = []
    if lead is not None:
        found.append(Finding(
            f"In {latest}, {lead['measure'].lower()} with {service.rstrip('.')} was {estimate_text(lead)} on a 0-100 scale "
            f"({int(lead['n']):,} respondents)."))
    if len(now) >= 2:
        found.append(Finding(f"Highest in {latest}: {now['measure'].iloc[-1].lower()} at {now['mean'].iloc[-1]:.1f}; "
                             f"lowest: {now['measure'].iloc[0].lower()} at {now['mean'].iloc[0]:.1f}."))
    found += _change_findings(changes, latest, min_difference)
    found.append(_standing_findings(standing, latest, min_difference))
    rate = volume.dropna(subset=["response_rate"])
    if len(rate):
        last = rate.iloc[-1]
        found.append(Finding(f"In {last['period']}, {int(last['respondents']):,} of {int(last['offered_survey']):,} "
                             f"customers offered the survey answered ({percent_text(last['response_rate'])}).",
                             "a low response rate can bias scores if those who answer differ from those who do not"))
    caveat = suppression_caveat(summary, min_n)
    if caveat:
        found.append(Finding(caveat))
    left_out = left_out_of(a11, agency=agency, service=service) if not keep_flagged else left_out_of(a11.iloc[0:0])
    found.append(left_out_caveat(left_out, scope="this service"))
    changes_view = pd.DataFrame() if changes.empty else _labelled(changes)
    return Scorecard(
        summary=summary, changes=changes, standing=standing, volume=volume,
        findings=findings_block([f for f in found if f is not None]),
        drivers_chart=plots.trend_lines_chart(summary, series="measure", period="period",
                                              title=f"A-11 drivers by quarter: {service}",
                                              periods=left_out["period"].tolist()),
        changes_table=table_block(_changes_view(changes_view), caption=f"Change in {latest}, by driver"),
        standing_chart=plots.estimate_chart(
            standing.assign(mean=standing["diff"], n=standing["n_a"]),
            label="measure", title=f"{latest}: this service minus all other federal services",
            xlabel="Difference in points (0-100 scale), with 95% interval (not adjusted for multiple comparisons)",
            marked=standing["meaningful"], signed=True,
            marked_label=f"counts as a difference (FDR 5% and at least {points_text(min_difference)})"),
        volume_table=table_block(_volume_view(volume), caption="Customers, survey offers and respondents by quarter"),
        left_out=left_out,
        left_out_table=table_block(left_out_view(left_out, service=False),
                                   caption="Source rows of this service left out by the screening, and why"),
        methods=note_block(_methods(min_n, min_difference)),
    )


def _changes_view(changes: pd.DataFrame) -> pd.DataFrame:
    if changes.empty:
        return pd.DataFrame({"Driver": [], "Compared with": [], "Change": []})
    return pd.DataFrame({
        "Driver": changes["measure"], "Compared with": changes["group_b"] + " (" + changes["comparison"] + ")",
        "Change": changes["diff"], "95% CI low": changes["ci_low"], "95% CI high": changes["ci_high"],
        "p (FDR adjusted)": changes["p_adjusted"].map(p_text), "Verdict": changes["verdict"].map(CHANGE_WORDS),
        "Note": changes["note"],
    })


def _volume_view(volume: pd.DataFrame) -> pd.DataFrame:
    return volume.rename(columns={"period": "Quarter", "customers": "Customers", "offered_survey": "Offered the survey",
                                  "respondents": "Respondents", "response_rate": "Response rate (%)"})


def _methods(min_n: int, min_difference: float) -> str:
    return (
        "Each A-11 question is assigned to one of the seven drivers by a reviewed table of every question "
        "wording in the file (questions that use another scale or measure none of the drivers are left out). "
        "Source rows that cannot be real answer distributions (a score or a percentage typed into one count "
        "cell, percentages instead of counts, more answers than respondents, a yes/no question squeezed into "
        "the scale, a quarter copied forward, one survey under two service names) are left out and listed "
        "in the findings. Where several questions of one record measure the same driver, each respondent "
        "counts once: the record's distribution is the average of those questions' answer distributions, "
        "capped at the record's stated respondents. The records of the service's touchpoints and channels "
        "are then pooled in each quarter; means are put on 0-100 ((x - 1) / 4 x 100) with 95% intervals built "
        "on the logit scale, so they stay inside 0-100. Changes and the comparison with all other federal "
        "services are Welch differences of means; p-values are adjusted with the Benjamini-Hochberg false "
        f"discovery rate (5%) across drivers and comparisons, and a difference is called a rise or a fall "
        f"(above or below) only when it also reaches {points_text(min_difference)}; the chart shows unadjusted 95% intervals and marks the "
        f"differences that count. Cells with fewer than {min_n} respondents are suppressed. Periods are the "
        "file's collection year and quarter, most likely federal fiscal years. Respondents choose to answer, "
        "so scores describe those who answered."
    )
