"""ACSI scores of federal departments, each against the federal and the national ACSI of its year (``departments``).

Only published points: the departments a source happened to name, whole numbers as published,
no interval. A department *leads* in a year when its score is above the federal government's
ACSI score of that year by more than the rounding of a whole number (half a point), *trails*
when it is below by more than that, and is level otherwise; a department that leads (or trails)
in every year it appears, in at least ``min_years`` years, is named with those years.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import cxlab
from cxlab.data.periods import align_by_year
from cxlab.data.series import select_series
from cxlab.report.blocks import Block, findings_block, note_block, table_block
from cxlab.report import numbers
from cxlab.report.dotplots import year_dot_chart
from cxlab.report.findings import NO_INTERVAL, Finding
from cxlab.report.sources import sources_block

__all__ = ["ROUNDING", "Departments", "run", "same_year", "standing"]

#: Department scores are published as whole numbers: a score stands for anything within half a point of it.
ROUNDING = 0.5
_SIDES = {"above": "above", "below": "below", "level": "level within rounding"}


@dataclass(frozen=True)
class Departments:
    """Everything the departments report shows, as displayable blocks plus the tables behind them."""

    points: pd.DataFrame
    standing: pd.DataFrame
    findings: Block
    chart: Block
    standing_table: Block
    points_table: Block
    sources: Block
    methods: Block


def same_year(points: pd.DataFrame, reference: pd.DataFrame, *, name: str) -> pd.DataFrame:
    """Each point beside the ``reference`` series' point of the same calendar year (if any).

    Points are paired by :func:`cxlab.data.periods.align_by_year` (a quarter counts for its year;
    the latest point of a year is used). Adds ``{name}``, ``{name}_period``, ``{name}_derived``,
    ``{name}_difference`` (the point minus the reference) and ``{name}_side``: ``above``,
    ``below`` or ``level`` (within :data:`ROUNDING`), empty without a reference point that year.

    Examples
    --------
    >>> scores = cxlab.load("cx_benchmarks")
    >>> pick = dict(index="ACSI")
    >>> t = same_year(select_series(scores, series="Department of the Treasury", **pick),
    ...               select_series(scores, series="national", **pick), name="national")
    >>> t.loc[t["national"].notna(), ["period", "score", "national", "national_period", "national_side"]].values.tolist()
    [['2015', 55.0, 74.7, '2015-Q1', 'below'], ['2021', 54.0, 73.7, '2021-Q3', 'below'], ['2024', 61.0, 78.0, '2024-Q1', 'below']]
    """
    parts = []
    for _, own in points.groupby("entity", sort=False):
        aligned, _ = align_by_year(own, reference)
        pairs = aligned.set_index("period_left")
        parts.append(own.assign(**{name: own["period"].map(pairs["score_right"]),
                                   f"{name}_period": own["period"].map(pairs["period_right"]),
                                   f"{name}_derived": own["period"].map(pairs["derived"]).astype("boolean")}))
    out = pd.concat(parts) if parts else points.assign(**{name: [], f"{name}_period": [], f"{name}_derived": []})
    out[f"{name}_difference"] = out["score"] - out[name]
    diff = out[f"{name}_difference"]
    out[f"{name}_side"] = pd.Series("", index=out.index).mask(diff > ROUNDING, "above").mask(
        diff < -ROUNDING, "below").mask(diff.abs() <= ROUNDING, "level")
    return out


def standing(points: pd.DataFrame, *, min_years: int = 2, name: str = "federal") -> pd.DataFrame:
    """Per department, the years it is above, below or level with the ``name`` reference, and its pattern.

    ``pattern`` is ``leads in every year`` or ``trails in every year`` (at least ``min_years``
    years, every one on the same side), ``mixed``, or ``named in fewer than 2 years`` (fewer than
    ``min_years``: no pattern can be seen).

    Examples
    --------
    >>> pts = pd.DataFrame({"entity": ["A", "A", "B", "C", "C"], "year": [2015, 2016, 2016, 2015, 2016],
    ...                     "federal_side": ["above", "above", "below", "above", "below"],
    ...                     "federal_difference": [9.0, 10.0, -4.0, 2.0, -1.0]})
    >>> standing(pts)[["entity", "years", "pattern"]].values.tolist()
    [['A', '2015, 2016', 'leads in every year'], ['B', '2016', 'named in fewer than 2 years'], ['C', '2015, 2016', 'mixed']]
    """
    rows = []
    for entity, own in points.groupby("entity", sort=True):
        sides = own[f"{name}_side"]
        by_side = {side: ", ".join(own.loc[sides == side, "year"].astype(str)) for side in _SIDES}
        if len(own) < min_years:
            pattern = f"named in fewer than {min_years} years"
        elif (sides == "above").all():
            pattern = "leads in every year"
        elif (sides == "below").all():
            pattern = "trails in every year"
        else:
            pattern = "mixed"
        rows.append({"entity": entity, "n_years": len(own), "years": ", ".join(own["year"].astype(str)),
                     **by_side, "smallest": own[f"{name}_difference"].abs().min(),
                     "largest": own[f"{name}_difference"].abs().max(), "pattern": pattern})
    return pd.DataFrame(rows, columns=["entity", "n_years", "years", *_SIDES, "smallest", "largest", "pattern"])


def run(
    *, index: str = "ACSI", series: str = "department", federal: str = "federal_government",
    national: str = "national", min_years: int = 2, scores: pd.DataFrame | None = None,
) -> Departments:
    """Departments' published scores by year, against the federal and national scores of the same year.

    Examples
    --------
    >>> result = run()
    >>> print(result.findings.text.splitlines()[1])  # doctest: +ELLIPSIS
    - Departments above the US federal government's ACSI score of the same year in every year they appear (at least 2 years): Department of the Interior in all 6 (2008, 2015, 2016, 2017, 2021, 2022; by 8.3 to 13.6 points)...
    """
    scores = cxlab.load("cx_benchmarks") if scores is None else scores
    pick = dict(index=index)
    departments = select_series(scores, series=series, **pick)
    federal_points = select_series(scores, series=federal, **pick)
    national_points = select_series(scores, series=national, **pick)
    points = same_year(departments, federal_points, name="federal")
    points = same_year(points, national_points, name="national")
    points = points.assign(year=points["period_start"].dt.year).sort_values(["year", "score"], ascending=[True, False],
                                                                             ignore_index=True)
    table = standing(points, min_years=min_years)
    federal_name, national_name = (_name(p, s) for p, s in ((federal_points, federal), (national_points, national)))
    found = _findings(points, table, index=index, min_years=min_years, federal=federal_name, national=national_name)
    by_year = {federal_name: _by_year(points, "federal"), national_name: _by_year(points, "national")}
    short = points.assign(department=_short(points["entity"]))
    return Departments(
        points=points,
        standing=table,
        findings=findings_block(found),
        chart=year_dot_chart(short, label="department", year="year", value="score", references=by_year,
                             title=f"{index} scores of federal departments, as published, by year",
                             summary=_chart_summary(table)),
        standing_table=table_block(_standing_view(table), caption=f"Each department against the {federal_name}'s "
                                                                  f"{index} score of the same year"),
        points_table=table_block(_points_view(points, federal_name, national_name),
                                 caption=f"Every published {index} department score, with the scores of the same year"),
        sources=sources_block(points.assign(described=points["entity"] + " " + points["period"] + ": "
                                            + points["score"].map(numbers.published))),
        methods=note_block(_methods(index, federal_name, national_name, min_years)),
    )


def _name(points: pd.DataFrame, fallback: str) -> str:
    return str(points["entity"].iloc[0]) if len(points) and points["entity"].nunique() == 1 else fallback


def _by_year(points: pd.DataFrame, name: str) -> pd.Series:
    known = points.dropna(subset=[name]).drop_duplicates("year")
    return known.set_index("year")[name]


def _listed(rows: pd.DataFrame, side: str) -> str:
    def by(r) -> str:
        low, high = numbers.number(r.smallest), numbers.number(r.largest)
        return f"by {low} to {high} points" if low != high else f"by {high} points each time"

    return "; ".join(f"{r.entity} in {'both' if r.n_years == 2 else f'all {r.n_years}'} ({r.years}; {by(r)})"
                     for r in rows.sort_values(["n_years", "entity"], ascending=[False, True]).itertuples()) or side


def _and(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def _findings(points: pd.DataFrame, table: pd.DataFrame, *, index: str, min_years: int, federal: str,
              national: str) -> list[Finding]:
    if points.empty:
        return [Finding(f"No {index} department score is in the data.")]
    low, high = points.loc[points["score"].idxmin()], points.loc[points["score"].idxmax()]
    lowest = points[points["score"] == low["score"]]
    per_year = points.groupby("year").size()
    derived = points[points["federal_derived"].fillna(False).astype(bool)].drop_duplicates("year")
    found = [Finding(
        f"The sources name {len(points)} published {index} scores of {points['entity'].nunique()} federal "
        f"departments in {len(per_year)} years from {per_year.index.min()} to {per_year.index.max()}, "
        f"{per_year.min()} to {per_year.max()} departments a year. They range from "
        f"{numbers.published(low['score'])} ({low['entity']}, {_and(lowest['period'].tolist())}) to "
        f"{numbers.published(high['score'])} ({high['entity']}, {high['period']}).",
        "only the departments a source named are present, so a year's departments are not a league table and a "
        f"department missing from a year says nothing about its score; {NO_INTERVAL}")]
    caveat = ("department scores are whole numbers as published, so a department within half a point of the "
              "federal score counts as level"
              + "".join(f"; the {federal}'s {r.year} score ({numbers.number(r.federal)}) is a derived value, not stated"
                        for r in derived.itertuples()))
    above, below = (table[table["pattern"] == p] for p in ("leads in every year", "trails in every year"))
    reference = f"the {federal}'s {index} score of the same year"
    found.append(Finding(f"Departments above {reference} in every year they appear (at least {min_years} years): "
                         + _listed(above, "none") + ".", caveat))
    found.append(Finding(f"Departments below {reference} in every year they appear (at least {min_years} years): "
                         + _listed(below, "none") + ".", caveat))
    mixed = table[table["pattern"] == "mixed"]
    if len(mixed):
        found.append(Finding(f"Departments above {reference} in some years and below or level in others: " + "; ".join(
            f"{entity} (" + ", ".join(f"{_SIDES[r.federal_side]} in {r.year}"
                                      for r in points[points["entity"] == entity].itertuples()) + ")"
            for entity in mixed["entity"]) + ".", caveat))
    few = table[table["pattern"] == f"named in fewer than {min_years} years"]
    if len(few):
        found.append(Finding(f"Departments named in fewer than {min_years} years, so no pattern can be seen: " + "; ".join(
            f"{r.entity} ({r.years}: {next(_SIDES[s] for s in _SIDES if getattr(r, s))})" for r in few.itertuples())
            + "."))
    found.append(_national_finding(points, national=national))
    return found


def _national_finding(points: pd.DataFrame, *, national: str) -> Finding:
    paired = points.dropna(subset=["national"])
    if paired.empty:
        return Finding(f"No year with a department score also has a {national} point, so none can be set against it.")
    years = sorted(paired["year"].unique())
    counts = paired["national_side"].value_counts()
    text = (f"In the {len(years)} years with both a department score and a {national} point "
            f"({', '.join(map(str, years))}), {counts.get('below', 0)} of {len(paired)} department scores are below "
            f"the {national} of the same year")
    for side, words in (("above", "above it"), ("level", "level with it within rounding")):
        rows = paired[paired["national_side"] == side]
        if len(rows):
            text += f"; {words}: " + ", ".join(
                f"{r.entity} {r.year} ({numbers.published(r.score)} against {numbers.number(r.national)})"
                for r in rows.itertuples())
    return Finding(text + ".", f"the {national} covers the whole economy, mostly private companies; its points are "
                               "quarters, each placed in its calendar year")


def _chart_summary(table: pd.DataFrame) -> str:
    parts = [f"{words}: {', '.join(table.loc[table['pattern'] == pattern, 'entity']) or 'none'}."
             for pattern, words in (("leads in every year", "Above the federal line in every year they appear"),
                                    ("trails in every year", "Below it in every year"))]
    return " ".join(parts)


def _standing_view(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Department": table["entity"], "Years named": table["years"],
                         "Above federal": table["above"], "Below federal": table["below"],
                         "Level (within rounding)": table["level"], "Pattern": table["pattern"]})


def _points_view(points: pd.DataFrame, federal: str, national: str) -> pd.DataFrame:
    def difference(values: pd.Series) -> pd.Series:
        return values.map(numbers.signed)

    return pd.DataFrame({
        "Year": points["year"], "Department": _short(points["entity"]), "Score": points["score"].map(numbers.published),
        f"{federal} (same year)": points["federal"].map(numbers.number)
        + points["federal_derived"].map({True: " (derived)", False: ""}),
        "Department minus federal (points)": difference(points["federal_difference"]),
        f"{national} (same year, period)": [f"{numbers.number(v)} ({p})" if pd.notna(v) else numbers.DASH
                                            for v, p in zip(points["national"], points["national_period"])],
        "Department minus national (points)": difference(points["national_difference"])})


def _short(names: pd.Series) -> pd.Series:
    """``Department of the Interior`` as ``Interior``; other names as they are."""
    return names.str.replace(r"^Department of (the )?", "", regex=True)


def _methods(index: str, federal: str, national: str, min_years: int) -> str:
    return (
        f"Scores are the {index}'s published headline figures for federal departments, on its 0-100 scale, as the "
        "press and the publisher named them: only the departments a source named are present, so the data are "
        f"not a complete league table of any year. {NO_INTERVAL.capitalize()}. Each department score is set "
        f"against the {federal}'s {index} score and the {national} of the same calendar year (a quarter counts "
        "for the year it starts in; the latest point of a year is used); a year without such a point has no "
        "reference. Department scores are whole numbers as published, so a department counts as above or below a "
        f"reference only when it differs by more than half a point, and as level otherwise. A department that is "
        f"above (or below) the {federal} in every year it appears, in at least {min_years} years, is named with "
        "those years; a department named in fewer years shows no pattern. Differences between published points "
        "are not tested: no sampling error is published. Every point's source is listed under the table of points."
    )
