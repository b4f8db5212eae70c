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

__all__ = ["CHANNEL", "COUNTS", "SURVEY", "Scorecard", "comparisons", "elsewhere", "left_out_of", "left_out_view",
           "matched",
           "previous_quarter", "run", "select_service", "year_earlier"]

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


#: Where a service asks: its touchpoint and channel.
CHANNEL = ["touchpoint", "channel"]
#: What makes two records the same survey of a service: the same question asked at the same place.
SURVEY = [*CHANNEL, "question_text"]


def comparisons(latest: str) -> list[tuple[str, str]]:
    """The quarters a scorecard compares the latest one with: ``(label, quarter)``.

    Examples
    --------
    >>> comparisons("FY2023-Q1")
    [('previous quarter', 'FY2022-Q4'), ('a year earlier', 'FY2022-Q1')]
    """
    return [("previous quarter", previous_quarter(latest)), ("a year earlier", year_earlier(latest))]


def matched(rows: pd.DataFrame, latest: str, earlier: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of two quarters split into like-for-like and the rest.

    A service's surveys (touchpoint and channel) come and go between quarters; comparing all of
    one quarter with all of another would measure the change of the mix as if it were a change
    of satisfaction. The like-for-like rows are those of the surveys that asked the driver in
    both quarters; the rest are the surveys that ran in only one of them.

    Examples
    --------
    >>> rows = pd.DataFrame({"period": ["Q1", "Q1", "Q2"], "driver": "satisfaction", "question_text": "sat",
    ...                      "touchpoint": ["web", "phone", "web"], "channel": "any", "n": [10, 20, 30]})
    >>> same, rest = matched(rows, "Q2", "Q1")
    >>> same["touchpoint"].tolist(), rest["touchpoint"].tolist()
    (['web', 'web'], ['phone'])
    """
    pair = rows[rows["period"].isin([latest, earlier])]
    keys = pair[["driver", *SURVEY]].apply(tuple, axis=1)
    periods = pair.groupby(keys)["period"].transform("nunique")
    return pair[periods == 2], pair[periods < 2]


def _changes(rows: pd.DataFrame, latest: str, min_n: int, min_difference: float) -> pd.DataFrame:
    """Latest quarter against the previous quarter and a year earlier, like for like.

    Only surveys that asked the driver in both quarters count (:func:`matched`), and the change
    is measured within each survey and averaged with fixed weights
    (:func:`cxlab.stats.compare.within_strata`), so neither surveys that come and go nor a shift
    of respondents between surveys reads as a change of satisfaction. ``left_now`` and
    ``left_then`` count the respondents of the surveys that ran in only one of the two quarters.
    """
    parts = []
    for label, earlier in comparisons(latest):
        same, rest = matched(rows, latest, earlier)
        if same.empty:
            continue
        survey = same[SURVEY].apply(" / ".join, axis=1)
        summary = summarize_counts(same.assign(survey=survey), counts=COUNTS, by=["driver", "survey", "period"],
                                   min_n=min_n)
        left = rest.groupby(["driver", "period"])["n"].sum().unstack("period")
        gap = compare.within_strata(compare.gaps(summary, versus="period", reference=earlier), strata="survey")
        parts.append(gap.assign(
            comparison=label,
            left_now=gap["driver"].map(left.get(latest, pd.Series(dtype=float))).fillna(0).to_numpy(),
            left_then=gap["driver"].map(left.get(earlier, pd.Series(dtype=float))).fillna(0).to_numpy()))
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
    """Customers, survey offers, respondents and response rate per quarter (records counted once).

    No rate is given where the records state exactly as many customers offered the survey as
    respondents: the offer count then repeats the respondents (a rate of 100% is not believed).
    """
    records = rows.drop_duplicates("record_id")
    volume = records.groupby("period")[["customers", "offered_survey", "respondents"]].sum(min_count=1)
    offered = volume["offered_survey"].where((volume["offered_survey"] > 0)
                                             & (volume["offered_survey"] != volume["respondents"]))
    volume["response_rate"] = volume["respondents"] / offered * 100
    return volume.astype({c: "Int64" for c in ("customers", "offered_survey", "respondents")}).reset_index()


def _rate_finding(volume: pd.DataFrame, latest: str) -> Finding | None:
    """The response rate of the latest quarter that has one, saying why a later one has none."""
    rate = volume.dropna(subset=["response_rate"])
    now = volume[volume["period"] == latest]
    repeated = bool((now["offered_survey"] == now["respondents"]).fillna(False).any())
    text = ""
    if repeated:
        text = (f"In {latest} the records state as many customers offered the survey as respondents "
                f"({int(now['respondents'].iloc[0]):,}), so no response rate can be given. ")
    if len(rate):
        last = rate.iloc[-1]
        which = last["period"] if last["period"] == latest else f"{last['period']}, the latest quarter with both counts"
        text += (f"In {which}, {int(last['respondents']):,} of {int(last['offered_survey']):,} customers offered the "
                 f"survey answered ({percent_text(last['response_rate'])}).")
    if not text:
        return None
    return Finding(text.strip(), "a low response rate can bias scores if those who answer differ from those who do not")


def _names(rows: pd.DataFrame) -> str:
    return ", ".join(DRIVER_LABELS[d].lower() for d in rows["driver"])


def _missing_comparisons(changes: pd.DataFrame, latest: str, rows: pd.DataFrame,
                         left_out: pd.DataFrame) -> list[Finding]:
    """Say why a quarter the scorecard would compare with is not compared."""
    if not (set(rows["period"]) | set(left_out["period"])) - {latest}:
        return [Finding(f"There is no earlier quarter to compare {latest} with, so no change is reported.")]
    compared = set(changes["group_b"]) if len(changes) else set()
    found = []
    for label, earlier in comparisons(latest):
        if earlier in compared:
            continue
        if earlier in set(rows["period"]):
            why = "no survey of this service asked a driver in both quarters"
        elif earlier in set(left_out["period"]):
            why = "its source rows were all left out by the screening (see the table of source rows left out)"
        else:
            why = "the service reported no survey in that quarter"
        found.append(Finding(f"{latest} is not compared with {earlier} ({label}): {why}."))
    return found


def _change_findings(changes: pd.DataFrame, latest: str, min_difference: float) -> list[Finding]:
    found = []
    for label, rows in (changes.groupby("comparison", sort=False) if len(changes) else []):
        earlier = rows["group_b"].iloc[0]
        if rows["p_value"].isna().all():
            found.append(Finding(f"Against {earlier} ({label}), no driver has enough respondents in both quarters "
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
        now, then = int(rows["left_now"].max()), int(rows["left_then"].max())
        mix = ("; the surveys that ran in only one of the two quarters are left out of the comparison (up to "
               f"{now:,} respondents in {latest} and {then:,} in {earlier})" if now or then else "")
        found.append(Finding(f"Against {earlier} ({label}), on the surveys that ran in both quarters: "
                             + "; ".join(parts) + ".", fdr_note(rows, min_difference) + mix))
    return found


def elsewhere(a11: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Quarters in which this service's surveys (agency, touchpoint, channel) appear under another service name.

    The A-11 file's service names are not stable: a survey may move to another service, or a
    service be renamed, between quarters. Only quarters outside the service's own are listed.

    Examples
    --------
    >>> a11 = cxlab.load("a11_hisp")
    >>> tsa = select_service(a11, agency="Department of Homeland Security", service="Contacting the TSA contact center")
    >>> elsewhere(a11, tsa)[["service", "period"]].drop_duplicates().values.tolist()
    [['Getting help from TSA', 'FY2023-Q1']]
    """
    keys = ["agency", *CHANNEL]
    mine = rows[keys].drop_duplicates()
    others = a11[~a11["service"].isin(set(rows["service"])) & ~a11["period"].isin(set(rows["period"]))]
    return others.merge(mine, on=keys)[["service", "period"]].drop_duplicates().sort_values(["period", "service"],
                                                                                          ignore_index=True)


def _elsewhere_finding(moved: pd.DataFrame) -> Finding | None:
    if moved.empty:
        return None
    named = "; ".join(f"{service} ({', '.join(group['period'])})" for service, group in moved.groupby("service"))
    return Finding(f"Some of this service's surveys (the same touchpoint and channel) appear in other quarters under "
                   f"another service name: {named}. Those quarters are not part of this scorecard.",
                   "the A-11 file's service names change between quarters; compare the reports side by side")


def _ranking(now: pd.DataFrame, rows: pd.DataFrame, latest: str) -> Finding | None:
    """Highest and lowest driver of the latest quarter, when every driver was asked on the same surveys."""
    if len(now) < 2:
        return None
    quarter = rows[rows["period"] == latest]
    surveys = quarter.groupby("driver")[CHANNEL].apply(lambda s: frozenset(map(tuple, s.to_numpy())))
    if surveys.loc[now["driver"]].nunique() > 1:
        return Finding(f"In {latest} the drivers were not all asked on the same surveys (touchpoints and channels), "
                       "so they are not ranked against each other.")
    return Finding(f"Highest in {latest}: {now['measure'].iloc[-1].lower()} at {now['mean'].iloc[-1]:.1f}; "
                   f"lowest: {now['measure'].iloc[0].lower()} at {now['mean'].iloc[0]:.1f}.")


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
    changes = _changes(rows, latest, min_n, min_difference)
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
    left_out = left_out_of(a11, agency=agency, service=service) if not keep_flagged else left_out_of(a11.iloc[0:0])
    found.append(_ranking(now, rows, latest))
    found += _change_findings(changes, latest, min_difference)
    found += _missing_comparisons(changes, latest, rows, left_out)
    found.append(_standing_findings(standing, latest, min_difference))
    found.append(_rate_finding(volume, latest))
    caveat = suppression_caveat(summary, min_n)
    if caveat:
        found.append(Finding(caveat))
    found.append(left_out_caveat(left_out, scope="this service"))
    found.append(_elsewhere_finding(elsewhere(a11, rows)))
    quarters = sorted(set(a11["period"]) | set(left_out["period"]))
    first = min(set(summary["period"]) | set(left_out["period"]))
    shown = [q for q in quarters if first <= q <= latest]
    return Scorecard(
        summary=summary, changes=changes, standing=standing, volume=volume,
        findings=findings_block([f for f in found if f is not None]),
        drivers_chart=plots.trend_lines_chart(summary, series="measure", period="period",
                                              title=f"A-11 drivers by quarter: {service}",
                                              periods=shown),
        changes_table=(table_block(_changes_view(_labelled(changes)), caption=f"Change in {latest}, by driver")
                       if len(changes) else note_block(f"No driver is compared with an earlier quarter in {latest}: "
                                                       "the key findings say why.")),
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
    return pd.DataFrame({
        "Driver": changes["measure"], "Compared with": changes["group_b"] + " (" + changes["comparison"] + ")",
        "Respondents compared (now / then)": [f"{a:,} / {b:,}" for a, b in zip(changes["n_a"], changes["n_b"])],
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
        "capped at the record's stated respondents. The records of the service's surveys (touchpoints and "
        "channels) are then pooled in each quarter; means are put on 0-100 ((x - 1) / 4 x 100) with 95% intervals built "
        "on the logit scale, so they stay inside 0-100. A change is measured like for like: only surveys (the same "
        "question at the same touchpoint and channel) that ran in both quarters count, the change is measured within "
        "each survey, and the surveys' changes are averaged with fixed weights (their respondents in both quarters), "
        "so neither surveys that come and go nor a shift of respondents between surveys reads as a change of "
        "satisfaction; the findings say how many respondents that leaves out. Drivers are ranked "
        "against each other only when all were asked on the same surveys. Changes and the comparison with all "
        "other federal services are Welch differences of means; p-values are adjusted with the Benjamini-Hochberg false "
        f"discovery rate (5%) across drivers and comparisons, and a difference is called a rise or a fall "
        f"(above or below) only when it also reaches {points_text(min_difference)}; the chart shows unadjusted 95% intervals and marks the "
        f"differences that count. Cells with fewer than {min_n} respondents are suppressed. Periods are the "
        "file's collection year and quarter, most likely federal fiscal years. Respondents choose to answer, "
        "so scores describe those who answered."
    )
