"""Employees and customers: OPM's employee engagement against federal CX, department by department.

Three comparisons, each as far as the data allow and no further:

- across departments: FEVS engagement (the Employee Engagement Index and its three sub-indices)
  against A-11 satisfaction, trust and employee helpfulness of one fiscal year, and against the
  ACSI department scores of the same year where both exist; correlations with Fisher-z and
  bootstrap intervals, the number of departments, and a leave-one-out check;
- across departments over time: the change in engagement against the change in CX between two
  complete fiscal years (the same services in both);
- within A-11: derived importance of the five A-11 drivers for satisfaction and for trust across
  service-quarters (:func:`cxlab.stats.drivers.cell_importance`).

**Fiscal year to FEVS year.** A-11 fiscal year N (October of N-1 to September of N) is matched
with the FEVS that OPM labels N. Only complete fiscal years (all four quarters in the A-11 data)
are used across departments. A-11 agencies are placed in FEVS departments by the reviewed
crosswalk ``data/fevs/a11_fevs_agencies.csv``; an agency without a FEVS department (Veterans
Affairs) is left out of the department comparisons and said to be.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import cxlab
from cxlab.analyses.service_scorecard import COUNTS, left_out_of, left_out_view
from cxlab.data.a11_drivers import DRIVER_LABELS
from cxlab.data.loaders import crosswalk
from cxlab.data.series import select_series
from cxlab.report import numbers, plots
from cxlab.report.blocks import Block, findings_block, note_block, table_block
from cxlab.report.correlations import correlation_finding, correlation_text, interval_words, labelled_scatter, signed
from cxlab.report.findings import LEFT_OUT_WORDS, Finding, p_text
from cxlab.stats import compare
from cxlab.stats.correlate import MIN_PAIRS, correlate, direction, leave_one_out
from cxlab.stats.drivers import cell_importance
from cxlab.stats.summary import MIN_N, summarize_counts

__all__ = ["CX_MEASURES", "DRIVER_ITEMS", "ENGAGEMENT", "EmployeesAndCustomers", "OUTCOMES", "acsi_pairs",
           "change_table", "complete_years", "department_cx", "department_rows", "engagement", "run",
           "service_quarters"]

#: The A-11 measures set against engagement: the two outcomes and employee helpfulness.
CX_MEASURES = ["satisfaction", "trust", "employee"]
#: The FEVS measures of engagement: the index and its three sub-indices.
ENGAGEMENT = ["eei", "eei_leaders_lead", "eei_supervisors", "eei_intrinsic_work_experience"]
#: The two A-11 outcomes whose derived importance is estimated, and the five drivers that explain them.
OUTCOMES = ["satisfaction", "trust"]
DRIVER_ITEMS = ["effectiveness", "ease", "efficiency", "equity", "employee"]
#: The FEVS measures as tables name them.
_SHORT_ENGAGEMENT = {"eei": "EEI", "eei_leaders_lead": "EEI: leaders lead", "eei_supervisors": "EEI: supervisors",
                     "eei_intrinsic_work_experience": "EEI: intrinsic work experience"}
_CAVEAT = ("a correlation across {n} departments, not a cause: it cannot say that engaging employees would change "
           "what customers report; A-11 covers only the services a department reports, while FEVS asks employees "
           "across the whole department")


@dataclass(frozen=True)
class EmployeesAndCustomers:
    """Everything the employees_and_customers report shows, as blocks plus the tables behind them."""

    departments: pd.DataFrame
    correlations: pd.DataFrame
    leave_out: pd.DataFrame
    changes: pd.DataFrame
    change_correlations: pd.DataFrame
    acsi: pd.DataFrame
    importance: pd.DataFrame
    findings: Block
    scatters: tuple[Block, ...]
    correlations_table: Block
    departments_table: Block
    change_scatter: Block
    change_table: Block
    acsi_table: Block
    importance_chart: Block
    importance_table: Block
    coverage_table: Block
    left_out_table: Block
    methods: Block


def complete_years(a11: pd.DataFrame) -> list[int]:
    """The fiscal years with all four quarters in the A-11 data.

    Examples
    --------
    >>> complete_years(cxlab.load("a11_hisp"))
    [2021, 2022]
    """
    quarters = a11.groupby("fiscal_year")["quarter"].nunique()
    return [int(y) for y in quarters[quarters == 4].index]


def department_rows(a11: pd.DataFrame, agencies: pd.DataFrame) -> pd.DataFrame:
    """The A-11 rows with their FEVS ``department`` and its ``short_name``; rows of an agency without one are dropped.

    ``agencies`` is the crosswalk (:func:`cxlab.data.loaders.crosswalk`). An A-11 agency the
    crosswalk lacks is an error that names it: no agency is ever placed by guess.

    Examples
    --------
    >>> rows = department_rows(cxlab.load("a11_hisp"), crosswalk("fevs_engagement"))
    >>> sorted(rows.loc[rows["agency"] == "Internal Revenue Service", "department"].unique())
    ['Department of the Treasury']
    >>> "Department of Veterans Affairs" in set(rows["agency"])
    False
    """
    missing = sorted(set(a11["agency"]) - set(agencies["from_entity"]))
    if missing:
        raise ValueError(f"A-11 agencies without a row in the FEVS crosswalk (data/fevs/a11_fevs_agencies.csv): "
                         f"{', '.join(missing)}; add each with its FEVS department (or none) and the reason")
    placed = agencies[agencies["entity"] != ""].set_index("from_entity")
    rows = a11[a11["agency"].isin(placed.index)]
    return rows.assign(department=rows["agency"].map(placed["entity"]),
                       short_name=rows["agency"].map(placed["short_name"]))


def department_cx(rows: pd.DataFrame, *, years: list[int], measures: list[str] = CX_MEASURES,
                  min_n: int = MIN_N) -> pd.DataFrame:
    """A-11 measures per department and fiscal year: every respondent of its services in the year, pooled.

    Returns the summary table (:func:`cxlab.stats.summary.summarize_counts`) keyed by
    ``department, short_name, fiscal_year, driver``, with ``services`` (how many services gave it)
    and ``agencies`` (the abbreviations of the A-11 agencies pooled).

    Examples
    --------
    >>> rows = department_rows(cxlab.load("a11_hisp"), crosswalk("fevs_engagement"))
    >>> cx = department_cx(rows, years=[2022])
    >>> row = cx[(cx["short_name"] == "Treasury") & (cx["driver"] == "satisfaction")].iloc[0]
    >>> row["agencies"], round(float(row["mean"]), 1)
    ('IRS', 58.6)
    """
    used = rows[rows["fiscal_year"].isin(years) & rows["driver"].isin(measures)]
    keys = ["department", "short_name", "fiscal_year", "driver"]
    summary = summarize_counts(used, counts=COUNTS, by=keys, min_n=min_n)
    summary = summary.dropna(subset=["n"]).reset_index(drop=True)
    described = used.groupby(keys).agg(services=("service", "nunique"),
                                       agencies=("agency_abbr", lambda a: ", ".join(sorted(set(a)))))
    return summary.merge(described.reset_index(), on=keys, how="left")


def engagement(fevs: pd.DataFrame, measures: list[str] = ENGAGEMENT) -> pd.DataFrame:
    """FEVS scores per department and year, one column per measure (governmentwide left out).

    Examples
    --------
    >>> e = engagement(cxlab.load("fevs_engagement"))
    >>> e.set_index(["department", "year"]).loc[("General Services Administration", 2022), "eei"]
    np.float64(82.91)
    """
    picked = fevs[fevs["series"].isin(measures) & (fevs["entity"] != "Governmentwide")]
    wide = picked.pivot_table(index=["entity", "period"], columns="series", values="score").reset_index()
    wide = wide.rename(columns={"entity": "department", "period": "year"}).rename_axis(columns=None)
    wide["year"] = wide["year"].astype(int)
    return wide[["department", "year", *measures]]


def _levels(cx: pd.DataFrame, fevs: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per department with A-11 data in fiscal ``year``: its CX means and its FEVS of the same year."""
    of_year = cx[cx["fiscal_year"] == year]
    means = of_year.pivot_table(index=["department", "short_name"], columns="driver", values="mean").reset_index()
    means = means.rename_axis(columns=None).reindex(columns=["department", "short_name", *CX_MEASURES])
    return means.merge(fevs[fevs["year"] == year].drop(columns="year"), on="department", how="left")


def _long_pairs(levels: pd.DataFrame, *, x: list[str], y: list[str]) -> pd.DataFrame:
    """One row per department and pair of measures (``fevs``, ``cx``), with the two values as ``x`` and ``y``."""
    return pd.concat([levels[["department", "short_name"]].assign(fevs=a, cx=b, x=levels[a], y=levels[b])
                      for a in x for b in y], ignore_index=True)


def _leave_out(pairs: pd.DataFrame) -> pd.DataFrame:
    parts = [leave_one_out(rows, x="x", y="y", label="short_name").assign(fevs=fevs, cx=cx)
             for (fevs, cx), rows in pairs.groupby(["fevs", "cx"], sort=False)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["fevs", "cx", "left_out"])


def change_table(rows: pd.DataFrame, fevs: pd.DataFrame, *, start: int, end: int, min_n: int = MIN_N) -> pd.DataFrame:
    """The change in each A-11 measure and in FEVS engagement from fiscal year ``start`` to ``end``, per department.

    Only the services that report a measure in both years count for its change, so a department's
    change is not a change in which services it reports. The CX change has its Welch 95%
    interval (:func:`cxlab.stats.compare.gaps`); FEVS changes are differences of published points.

    Examples
    --------
    >>> rows = department_rows(cxlab.load("a11_hisp"), crosswalk("fevs_engagement"))
    >>> t = change_table(rows, engagement(cxlab.load("fevs_engagement")), start=2021, end=2022)
    >>> t.loc[(t["short_name"] == "GSA")].empty, sorted(t["driver"].unique())
    (True, ['employee', 'satisfaction', 'trust'])
    """
    used = rows[rows["fiscal_year"].isin([start, end]) & rows["driver"].isin(CX_MEASURES)]
    years = used.groupby(["department", "driver", "agency", "service"])["fiscal_year"].nunique()
    both = years[years == 2].reset_index()[["department", "driver", "agency", "service"]]
    kept = used.merge(both, on=["department", "driver", "agency", "service"])
    keys = ["department", "short_name", "driver", "fiscal_year"]
    summary = summarize_counts(kept, counts=COUNTS, by=keys, min_n=min_n).dropna(subset=["n"])
    if summary.empty:
        return pd.DataFrame(columns=["department", "short_name", "driver", "services", "diff", "ci_low", "ci_high",
                                     "n_a", "n_b", "note", *(f"{m}_change" for m in ENGAGEMENT)])
    changed = compare.gaps(summary.reset_index(drop=True), versus="fiscal_year", reference=start)
    changed = changed[changed["note"] == ""].drop(columns=["group_a", "group_b"])
    changed = changed.merge(kept.groupby(["department", "driver"])["service"].nunique().rename("services").reset_index(),
                            on=["department", "driver"])
    ends = fevs[fevs["year"].isin([start, end])].set_index(["department", "year"])
    for m in ENGAGEMENT:
        delta = ends[m].unstack("year")
        changed[f"{m}_change"] = changed["department"].map(delta[end] - delta[start]) if len(delta.columns) == 2 \
            else np.nan
    return changed.reset_index(drop=True)


def acsi_pairs(scores: pd.DataFrame, fevs: pd.DataFrame) -> pd.DataFrame:
    """ACSI department scores beside FEVS engagement of the same department and year, where both exist.

    Departments are matched by name as both sources write it; years by calendar year.

    Examples
    --------
    >>> t = acsi_pairs(cxlab.load("cx_benchmarks"), engagement(cxlab.load("fevs_engagement")))
    >>> t[["department", "year", "acsi"]].values.tolist()[:2]
    [['Department of the Interior', 2021, 77.0], ['Department of the Treasury', 2021, 54.0]]
    """
    acsi = select_series(scores, index="ACSI", series="department")
    acsi = acsi.assign(year=acsi["period_start"].dt.year)[["entity", "year", "score", "value_type"]]
    acsi = acsi.rename(columns={"entity": "department", "score": "acsi"})
    return acsi.merge(fevs, on=["department", "year"]).sort_values(["year", "department"], ignore_index=True)


def service_quarters(a11: pd.DataFrame, *, min_n: int = MIN_N) -> pd.DataFrame:
    """Each service-quarter's mean of every A-11 driver (0-100) and its respondents per driver.

    One row per agency, service and quarter: the driver means (``satisfaction``, ``trust``, ...),
    ``n_<driver>`` (respondents, each counted once per driver) and ``service_key`` (agency and
    service, the cluster of the bootstrap). Cells under ``min_n`` respondents are left empty.

    Examples
    --------
    >>> cells = service_quarters(cxlab.load("a11_hisp"))
    >>> len(cells), cells["service_key"].nunique()
    (182, 42)
    """
    summary = summarize_counts(a11, counts=COUNTS, by=["agency", "service", "period", "driver"], min_n=min_n)
    summary = summary.dropna(subset=["n"])
    means = summary.pivot_table(index=["agency", "service", "period"], columns="driver", values="mean")
    counts = summary.pivot_table(index=["agency", "service", "period"], columns="driver", values="n")
    cells = means.join(counts.add_prefix("n_")).reset_index().rename_axis(columns=None)
    return cells.assign(service_key=cells["agency"] + ": " + cells["service"])


def _importance(cells: pd.DataFrame, *, n_boot: int, seed: int) -> pd.DataFrame:
    parts = []
    for outcome in OUTCOMES:
        for weight in (f"n_{outcome}", None):
            found = cell_importance(cells, outcome=outcome, items=DRIVER_ITEMS, cluster="service_key", weight=weight,
                                    n_boot=n_boot, seed=seed)
            used = cells.dropna(subset=DRIVER_ITEMS + [outcome])
            weights = used.groupby("service_key")[f"n_{outcome}"].sum()
            parts.append(found.assign(outcome=outcome, respondents=weights.sum(), first=used["period"].min(),
                                      last=used["period"].max(), largest=weights.idxmax(),
                                      largest_share=weights.max() / weights.sum() * 100))
    return pd.concat(parts, ignore_index=True)


def run(
    *, fiscal_year: int | None = None, change_from: int | None = None, min_n: int = MIN_N, n_boot: int = 2000,
    seed: int = 0, keep_flagged: bool = False, a11: pd.DataFrame | None = None, fevs: pd.DataFrame | None = None,
    scores: pd.DataFrame | None = None,
) -> EmployeesAndCustomers:
    """Employee engagement against customer experience, department by department, and drivers within A-11.

    ``fiscal_year`` (default: the latest complete one) is matched with the FEVS of the same
    number; ``change_from`` (default: the complete fiscal year before it) starts the changes.

    Examples
    --------
    >>> result = run(n_boot=200)
    >>> print(result.findings.text.splitlines()[0])  # doctest: +ELLIPSIS
    - Across 13 departments, FEVS engagement (the EEI, 2022) and A-11 satisfaction (FY2022) correlate at r = +0.13 ...
    """
    a11 = cxlab.load("a11_hisp", keep_flagged=keep_flagged) if a11 is None else a11
    fevs = cxlab.load("fevs_engagement") if fevs is None else fevs
    scores = cxlab.load("cx_benchmarks") if scores is None else scores
    agencies = crosswalk("fevs_engagement")
    years = complete_years(a11)
    year = years[-1] if fiscal_year is None else fiscal_year
    if year not in years:
        raise ValueError(f"FY{year} is not a complete fiscal year of the A-11 data; allowed: "
                         f"{', '.join(map(str, years))}")
    earlier = [y for y in years if y < year]
    start = (earlier[-1] if earlier else None) if change_from is None else change_from
    if start is not None and (start not in years or start >= year):
        raise ValueError(f"change_from must be a complete fiscal year before FY{year}; allowed: "
                         f"{', '.join(map(str, earlier)) or 'none'}")
    rows = department_rows(a11, agencies)
    wide = engagement(fevs)
    cx = department_cx(rows, years=[year], min_n=min_n)
    levels = _levels(cx, wide, year)
    pairs = _long_pairs(levels, x=ENGAGEMENT, y=CX_MEASURES)
    correlations = compare.adjust_fdr(correlate(pairs, x="x", y="y", by=["fevs", "cx"], n_boot=n_boot, seed=seed),
                                      p="pearson_p")
    leave_out = _leave_out(pairs)
    changes = change_table(rows, wide, start=start, end=year, min_n=min_n) if start is not None else None
    change_pairs = (changes.assign(x=changes["eei_change"], y=changes["diff"], cx=changes["driver"])
                    if changes is not None else pd.DataFrame(columns=["short_name", "cx", "x", "y"]))
    change_correlations = correlate(change_pairs, x="x", y="y", by=["cx"], n_boot=n_boot, seed=seed)
    acsi = acsi_pairs(scores, wide)
    cells = service_quarters(a11, min_n=min_n)
    importance = _importance(cells, n_boot=n_boot, seed=seed)
    labels = fevs.attrs.get("labels", {})
    found = _findings(correlations, leave_out, change_correlations, change_pairs, acsi, importance, levels,
                      a11=a11, agencies=agencies, year=year, start=start, labels=labels)
    return EmployeesAndCustomers(
        departments=levels, correlations=correlations, leave_out=leave_out,
        changes=changes if changes is not None else pd.DataFrame(), change_correlations=change_correlations,
        acsi=acsi, importance=importance,
        findings=findings_block(found),
        scatters=_scatters(levels, correlations, year),
        correlations_table=table_block(_correlations_view(correlations, leave_out),
                                       caption=f"FEVS {year} engagement against A-11 measures of FY{year}, across "
                                               "departments"),
        departments_table=table_block(_departments_view(cx, levels, year),
                                      caption=f"Each department's A-11 measures in FY{year} and FEVS engagement in "
                                              f"{year}"),
        change_scatter=_change_scatter(change_pairs, change_correlations, start, year),
        change_table=table_block(_changes_view(changes), caption=f"Changes from FY{start} to FY{year}, per department"
                                 if start is not None else "Changes: no earlier complete fiscal year"),
        acsi_table=table_block(_acsi_view(acsi), caption="ACSI department scores beside FEVS engagement of the "
                                                         "same department and year"),
        importance_chart=_importance_chart(importance),
        importance_table=table_block(_importance_view(importance), caption="Derived importance of the five A-11 "
                                     "drivers across service-quarters"),
        coverage_table=table_block(_coverage_view(agencies, a11), caption="Which FEVS department each A-11 "
                                                                                "agency belongs to, and why"),
        left_out_table=table_block(left_out_view(left_out_of(a11), service=True),
                                   caption="A-11 source rows left out by the screening, and why"),
        methods=note_block(_methods(year, start, n_boot, min_n)),
    )


def _what(fevs: str, cx: str, year: int, labels: dict[str, str]) -> str:
    engaged = "the EEI" if fevs == "eei" else labels.get(fevs, fevs)
    return f"FEVS engagement ({engaged}, {year}) and A-11 {DRIVER_LABELS[cx].lower()} (FY{year})"


def _findings(correlations: pd.DataFrame, leave_out: pd.DataFrame, change_correlations: pd.DataFrame,
              change_pairs: pd.DataFrame, acsi: pd.DataFrame, importance: pd.DataFrame, levels: pd.DataFrame, *,
              a11: pd.DataFrame, agencies: pd.DataFrame, year: int, start: int | None,
              labels: dict[str, str]) -> list[Finding]:
    found = []
    for cx in CX_MEASURES:
        row = correlations[(correlations["fevs"] == "eei") & (correlations["cx"] == cx)].iloc[0]
        loo = leave_out[(leave_out["fevs"] == "eei") & (leave_out["cx"] == cx)]
        found.append(correlation_finding(row, what=_what("eei", cx, year, labels), leave_out=loo,
                                         caveat=_CAVEAT.format(n=int(row["n"]))))
    found.append(_family_finding(correlations, year, labels))
    found.append(_change_finding(change_correlations, change_pairs, start, year))
    found.append(_acsi_finding(acsi))
    found += _importance_findings(importance)
    found.append(_coverage_finding(agencies, a11, levels, year))
    left_out = left_out_of(a11)
    if len(left_out):
        found.append(Finding(f"{len(left_out)} source rows of the A-11 file were left out of every estimate because "
                             "they cannot be real answer distributions (" + "; ".join(
                                 f"{count} with {LEFT_OUT_WORDS[check]}" for check, count
                                 in left_out["check"].value_counts(sort=False).items()) + ").",
                             "the table of source rows left out gives each row and what was found"))
    return found


def _family_finding(correlations: pd.DataFrame, year: int, labels: dict[str, str]) -> Finding:
    tested = correlations.dropna(subset=["pearson"])
    clear = tested[[direction(lo, hi) != "unclear" for lo, hi in zip(tested["pearson_ci_low"], tested["pearson_ci_high"])]]
    strongest = tested.loc[tested["pearson"].abs().idxmax()] if len(tested) else None
    def count(k: int) -> str:
        return "none has" if k == 0 else f"{k} {'has' if k == 1 else 'have'}"

    text = (f"Of the {len(tested)} pairs of a FEVS engagement measure (the EEI and its three sub-indices, {year}) with an "
            f"A-11 measure (satisfaction, trust, employee helpfulness, FY{year}), {count(len(clear))} a 95% interval "
            f"that excludes zero before any adjustment, and {count(int(tested['significant'].sum()))} a significant "
            f"correlation after holding the false discovery rate at 5% across all {len(tested)}.")
    if strongest is not None:
        text += (f" The largest in size pairs “{labels.get(strongest['fevs'], strongest['fevs'])}” with "
                 f"{DRIVER_LABELS[strongest['cx']].lower()}: {correlation_text(strongest)}.")
    return Finding(text, "with this many pairs, one interval in twenty would exclude zero by chance alone")


def _change_finding(change_correlations: pd.DataFrame, change_pairs: pd.DataFrame, start: int | None,
                    year: int) -> Finding:
    if start is None:
        return Finding(f"The A-11 data hold no complete fiscal year before FY{year}, so no change can be compared.")
    row = change_correlations[change_correlations["cx"] == "satisfaction"]
    if row.empty:
        return Finding(f"No department has A-11 satisfaction from the same services in FY{start} and FY{year}.")
    row = row.iloc[0]
    loo = leave_one_out(change_pairs[change_pairs["cx"] == "satisfaction"], x="x", y="y", label="short_name")
    finding = correlation_finding(row, what=f"the change in FEVS engagement (the EEI, {start} to {year}) and the "
                                            f"change in A-11 satisfaction (FY{start} to FY{year}, the same services)",
                                  leave_out=loo,
                                  caveat=_CAVEAT.format(n=int(row["n"])) + "; one change per department, so a single "
                                         "unusual year weighs heavily")
    return finding


def _acsi_finding(acsi: pd.DataFrame) -> Finding:
    if acsi.empty:
        return Finding("No ACSI department score falls in a year and department that FEVS covers, so none can be "
                       "set against engagement.")
    departments = acsi["department"].unique()
    listed = "; ".join(f"{r.department} {r.year}: ACSI {numbers.published(r.acsi)}, EEI {numbers.number(r.eei)}"
                       for r in acsi.itertuples())
    latest = acsi.sort_values("year").drop_duplicates("department", keep="last")
    enough = len(latest) >= MIN_PAIRS
    text = (f"ACSI department scores and FEVS engagement meet in only {len(acsi)} department-years of "
            f"{len(departments)} departments ({listed})")
    if not enough:
        text += f": too few departments to tell whether the two go together (at least {MIN_PAIRS} are needed)."
    else:
        row = correlate(latest, x="eei", y="acsi").iloc[0]
        text += f"; across the {int(row['n'])} departments' latest such year, {correlation_text(row)}."
    return Finding(text, "only the departments an ACSI source named are present; ACSI and FEVS are matched by "
                         "calendar year and department name")


def _share(row: pd.Series) -> str:
    """A driver's share of the explained variation with its interval: ``38.2% (95% CI 30.1 to 45.0)``."""
    interval = numbers.interval(row["importance_ci_low"], row["importance_ci_high"])
    return f"{numbers.percent(row['importance'])} ({interval})"


def _importance_findings(importance: pd.DataFrame) -> list[Finding]:
    emp = importance[(importance["item"] == "employee") & (importance["weighting"] == "respondents")].set_index("outcome")
    plain = importance[(importance["item"] == "employee") & (importance["weighting"] != "respondents")].set_index(
        "outcome")
    first = emp.iloc[0]
    if pd.isna(first["importance"]):
        return [Finding(f"Too few service-quarters report all five A-11 drivers to estimate derived importance "
                        f"({first['note']}).")]
    ranks = {o: int(importance[(importance["outcome"] == o) & (importance["weighting"] == "respondents")]
                    .sort_values("importance", ascending=False)["item"].tolist().index("employee")) + 1
             for o in OUTCOMES}
    parts = [f"for {o}, {_share(emp.loc[o])} of the explained variation, rank {ranks[o]} of "
             f"{len(DRIVER_ITEMS)} (correlation {signed(emp.loc[o, 'correlation'])}, 95% CI "
             f"{interval_words(emp.loc[o], 'correlation_ci')}; each service-quarter once: "
             f"{numbers.percent(plain.loc[o, 'importance'])})" for o in OUTCOMES]
    top = importance[(importance["outcome"] == OUTCOMES[0]) & (importance["weighting"] == "respondents")].nlargest(
        2, "importance")
    overall = Finding(
        f"The five drivers together account for {numbers.percent(first['r2'] * 100, 0)} of the variation in "
        f"{OUTCOMES[0]} between service-quarters (R² = {numbers.number(first['r2'], 2)}, "
        f"{numbers.interval(first['r2_ci_low'], first['r2_ci_high'], decimals=2)}); "
        "the largest shares are " + " and ".join(
            f"{DRIVER_LABELS[r['item']].lower()} ({_share(r)})" for _, r in top.iterrows()) + ".",
        "averages of whole service-quarters move together far more closely than one respondent's answers do, so "
        "an R² this high says little about any one customer")
    employee = Finding(
        f"Within A-11, the closest test these data allow of the claim that frontline employees drive customer "
        f"experience: across {int(first['cells'])} service-quarters ({first['first']} to {first['last']}) of "
        f"{int(first['clusters'])} services that report all five drivers, employee helpfulness holds, with the other "
        "four drivers beside it, " + "; ".join(parts) + ".",
        "an association between service-quarter averages weighted by respondents, not between a respondent's own "
        "answers (A-11 publishes no respondent's answers to two questions together) and not a cause; "
        f"{first['largest']} alone holds {numbers.percent(first['largest_share'], 0)} of the respondents' weight, "
        "which is why the figures with each service-quarter once are given beside them")
    return [employee, overall]


def _coverage_finding(agencies: pd.DataFrame, a11: pd.DataFrame, levels: pd.DataFrame, year: int) -> Finding:
    left = agencies[agencies["entity"] == ""]
    other = agencies[(agencies["entity"] != "") & (agencies["entity"] != agencies["from_entity"])]
    respondents = a11.loc[a11["agency"].isin(left["from_entity"]) & (a11["fiscal_year"] == year)
                          & (a11["driver"] == "satisfaction"), "n"].sum()
    no_rows = sorted(set(agencies.loc[agencies["entity"] != "", "from_entity"]) - set(a11["agency"]))
    text = (f"{len(levels)} departments have A-11 data in FY{year}: " + ", ".join(sorted(levels["short_name"])) + ". "
            + " ".join(f"{r.from_entity} is left out of every department comparison; its crosswalk row says: "
                       f"{r.reason}." for r in left.itertuples())
            + (f" Its {numbers.count(respondents)} FY{year} satisfaction respondents are in no department figure."
               if respondents else "")
            + " Counted under a FEVS department of another name: "
            + "; ".join(f"{r.from_entity} as {r.entity}" for r in other.itertuples()) + ".")
    if no_rows:
        text += f" Mapped but without usable A-11 rows: {', '.join(no_rows)}."
    return Finding(text, "a department's A-11 figure pools every respondent of its reporting services, so large "
                         "services weigh most; the table of the crosswalk gives every agency's reason")


def _scatters(levels: pd.DataFrame, correlations: pd.DataFrame, year: int) -> tuple[Block, ...]:
    """One labelled scatter per A-11 measure against the EEI (each its own figure, measured on its own)."""
    blocks = []
    for cx in CX_MEASURES:
        row = correlations[(correlations["fevs"] == "eei") & (correlations["cx"] == cx)].iloc[0]
        summary = (f"Pearson {correlation_text(row)} across {int(row['n'])} departments." if not row["note"]
                   else row["note"] + ".")
        blocks.append(labelled_scatter(
            levels, x="eei", y=cx, label="short_name",
            title=f"FEVS Employee Engagement Index {year} and A-11 {DRIVER_LABELS[cx].lower()} FY{year}",
            xlabel=f"Employee Engagement Index {year} (% positive)",
            ylabel=f"{DRIVER_LABELS[cx]} FY{year} (mean, 0-100)", summary=summary))
    return tuple(blocks)


def _change_scatter(change_pairs: pd.DataFrame, change_correlations: pd.DataFrame, start: int | None,
                    year: int) -> Block:
    if start is None or change_correlations.empty:
        return note_block("No change can be shown: no earlier complete fiscal year.")
    shown = change_pairs[change_pairs["cx"] == "satisfaction"]
    row = change_correlations[change_correlations["cx"] == "satisfaction"].iloc[0]
    return labelled_scatter(shown, x="x", y="y", label="short_name",
                            title=f"Change in engagement and in satisfaction, {start} to {year}",
                            xlabel=f"Change in EEI, {start} to {year} (points)",
                            ylabel=f"Change in A-11 satisfaction, FY{start} to FY{year} (points)",
                            summary=(f"Pearson {correlation_text(row)} across {int(row['n'])} departments."
                                     if not row["note"] else row["note"] + "."))


def _importance_chart(importance: pd.DataFrame) -> Block:
    shown = importance[importance["weighting"] == "respondents"]
    shown = shown.assign(label=shown["outcome"].str.capitalize() + ": " + shown["item"].map(DRIVER_LABELS),
                         mean=shown["importance"], ci_low=shown["importance_ci_low"],
                         ci_high=shown["importance_ci_high"], n=shown["respondents"])
    return plots.estimate_chart(shown, label="label", title="Derived importance across service-quarters, weighted "
                                "by respondents", xlabel="Share of explained variation (%), 95% bootstrap interval")


def _correlations_view(correlations: pd.DataFrame, leave_out: pd.DataFrame) -> pd.DataFrame:
    carriers = leave_out[leave_out["changes"]].groupby(["fevs", "cx"])["left_out"].agg(", ".join)
    ordered = correlations.assign(order=correlations["fevs"].map(ENGAGEMENT.index),
                                  cx_order=correlations["cx"].map(CX_MEASURES.index)).sort_values(["order", "cx_order"])
    shown = ordered["pearson"].notna()
    return pd.DataFrame({
        "FEVS measure": ordered["fevs"].map(_SHORT_ENGAGEMENT),
        "A-11 measure": ordered["cx"].map(DRIVER_LABELS), "Departments": ordered["n"],
        "Pearson r (95% CI, Fisher z)": [f"{signed(r['pearson'])} ({interval_words(r, 'pearson_ci')})" if ok
                                         else r["note"] for (_, r), ok in zip(ordered.iterrows(), shown)],
        "Bootstrap 95% CI": [interval_words(r, "pearson_boot") if ok else "–"
                             for (_, r), ok in zip(ordered.iterrows(), shown)],
        "Spearman rho": ordered["spearman"].map(lambda v: signed(v) if pd.notna(v) else "–"),
        "p (FDR adjusted)": ordered["p_adjusted"].map(p_text),
        "Carried by": [carriers.get(k, "no single department") if ok else "–"
                       for k, ok in zip(zip(ordered["fevs"], ordered["cx"]), shown)]})


def _departments_view(cx: pd.DataFrame, levels: pd.DataFrame, year: int) -> pd.DataFrame:
    cells = cx.set_index(["department", "driver"])

    def cell(department: str, measure: str, column: str) -> object:
        return cells.loc[(department, measure), column] if (department, measure) in cells.index else None

    def estimate(department: str, measure: str) -> str:
        row = cells.loc[(department, measure)] if (department, measure) in cells.index else None
        if row is None or pd.isna(row["mean"]):
            return "–"
        return f"{numbers.number(row['mean'])} ({numbers.number(row['ci_low'])} to {numbers.number(row['ci_high'])})"

    view = pd.DataFrame({"Department": levels["short_name"],
                         "A-11 agencies": [cell(d, "satisfaction", "agencies") or "–" for d in levels["department"]],
                         "Services": [cell(d, "satisfaction", "services") for d in levels["department"]],
                         "Respondents (satisfaction)": [cell(d, "satisfaction", "n") for d in levels["department"]]})
    for m in CX_MEASURES:
        view[f"{DRIVER_LABELS[m]}, 0-100 (95% CI)"] = [estimate(d, m) for d in levels["department"]]
    view[f"EEI {year} (% positive)"] = levels["eei"]
    return view


def _changes_view(changes: pd.DataFrame | None) -> pd.DataFrame:
    if changes is None:
        return pd.DataFrame({"What was found": ["no complete fiscal year before this one to compare with"]})
    if changes.empty:
        return pd.DataFrame({"What was found": ["no department has A-11 data from the same services in both years"]})
    return pd.DataFrame({
        "Department": changes["short_name"], "A-11 measure": changes["driver"].map(DRIVER_LABELS),
        "Services in both years": changes["services"],
        "Change (points)": changes["diff"].map(lambda v: signed(v, 1)),
        "95% CI": [f"{signed(lo, 1)} to {signed(hi, 1)}" for lo, hi in zip(changes["ci_low"], changes["ci_high"])],
        "Change in EEI (points)": changes["eei_change"].map(lambda v: signed(v, 1) if pd.notna(v) else "–")})


def _acsi_view(acsi: pd.DataFrame) -> pd.DataFrame:
    if acsi.empty:
        return pd.DataFrame({"What was found": ["no ACSI department score in a FEVS year and department"]})
    return pd.DataFrame({"Department": acsi["department"], "Year": acsi["year"],
                         "ACSI score": acsi["acsi"].map(numbers.published), "EEI (% positive)": acsi["eei"]})


def _importance_view(importance: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Outcome": importance["outcome"].map(DRIVER_LABELS), "Driver": importance["item"].map(DRIVER_LABELS),
        "Weighting": importance["weighting"].map({"respondents": "by respondents",
                                                  "each cell once": "each service-quarter once"}),
        "Correlation (95% CI)": [f"{signed(r['correlation'])} ({interval_words(r, 'correlation_ci')})"
                                 if pd.notna(r["correlation"]) else r["note"] for _, r in importance.iterrows()],
        "Importance (%)": importance["importance"], "95% CI low": importance["importance_ci_low"],
        "95% CI high": importance["importance_ci_high"], "R² of the five": importance["r2"]})


def _coverage_view(agencies: pd.DataFrame, a11: pd.DataFrame) -> pd.DataFrame:
    used = set(a11["agency"])
    return pd.DataFrame({"A-11 agency": agencies["from_entity"],
                         "FEVS department": agencies["entity"].replace("", "none: left out"),
                         "Usable A-11 rows": agencies["from_entity"].map(lambda a: "yes" if a in used else "no"),
                         "Reason": agencies["reason"]})


def _methods(year: int, start: int | None, n_boot: int, min_n: int) -> str:
    return (
        f"Departments. A-11 agencies are placed in FEVS departments by a reviewed crosswalk (the table above): the "
        "IRS counts as the Department of the Treasury, USCIS with Homeland Security and the Fish and Wildlife Service "
        "with Interior, since FEVS reports whole departments; Veterans Affairs takes no part in FEVS and is left out "
        "of every department comparison. A department's A-11 measure is the mean on 0-100 of every respondent of "
        f"its services in the fiscal year, each respondent counted once per measure (cells under {min_n} "
        "respondents are not shown). Matching rule: A-11 fiscal year N (October of N-1 to September of N) is set "
        "against the FEVS that OPM labels N; the file does not give the months in which FEVS was fielded, so the "
        "two need not cover the same months. Only complete fiscal years (all four quarters in the A-11 data) are "
        f"used; FY{year} is the one shown" + (f", and changes run from FY{start}" if start is not None else "")
        + ". Correlations: Pearson's r with a Fisher-z 95% interval and Spearman's rho with a Fisher-z interval of "
        f"variance 1.06/(n-3), each with a percentile bootstrap interval ({n_boot} resamples of departments, fixed "
        "seed); p-values of the 12 pairs are adjusted together (Benjamini-Hochberg). A leave-one-out check repeats "
        "each correlation without each department in turn: a department carries a result when leaving it out alone "
        "changes what the Fisher-z interval says (positive, negative, or unclear). An "
        "interval that includes zero means the departments are too few to tell. Changes: only the services that "
        "report a measure in both years count, with a Welch interval; FEVS changes are differences of published "
        "points. Derived importance within A-11: A-11 publishes answer counts per question for each service, "
        "touchpoint and quarter, never a respondent's answers to two questions together, so importance cannot be "
        "estimated across respondents. Instead each service-quarter (the records of one service in one quarter, "
        "pooled) gives its mean of each driver; the correlations between these means are computed across service-quarters, each "
        "weighted by its respondents to the outcome (and, beside it, each once), and Johnson's relative weights "
        "share their R² among the five drivers (effectiveness, ease, efficiency, equity, employee helpfulness; "
        "satisfaction and trust are the two outcomes, so neither explains the other). Only service-quarters with "
        f"all five drivers and the outcome count; intervals come from {n_boot} bootstrap resamples of whole services "
        "with all their quarters, because the quarters of one service are not independent. These are correlations: "
        "none says what would change if employees were engaged differently."
    )
