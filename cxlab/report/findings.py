"""Plain-language findings built from the numbers, each with its caveat where one applies.

Policy staff act on what a finding says, so the words follow fixed rules:

- a difference is called a rise or a fall (above or below) only when it passes the false
  discovery rate *and* is at least the minimum meaningful difference
  (:func:`cxlab.stats.compare.judge_differences`); a smaller significant one reads "no meaningful
  change (+0.3; within 1 point)";
- a series of published points (no sampling error) is described by its course: first and last
  point with the peak and the trough between them, never "rose" or "widened" from its ends;
- a trend is claimed only from a fitted slope with its interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlab.report import numbers

__all__ = [
    "CHANGE_WORDS",
    "Finding",
    "NO_INTERVAL",
    "STANDING_WORDS",
    "points_text",
    "difference_phrase",
    "estimate_text",
    "interval_text",
    "p_text",
    "fdr_note",
    "rule_note",
    "suppression_caveat",
    "LEFT_OUT_WORDS",
    "left_out_caveat",
    "percent_text",
    "course_text",
    "series_course",
    "gap_findings",
    "trend_finding",
]

#: The caveat every published headline score carries.
NO_INTERVAL = "published headline scores come without a standard error, so no interval can be given"


#: How a table names each verdict of :func:`cxlab.stats.compare.judge_differences`, for a change over time.
CHANGE_WORDS = {"higher": "rise", "lower": "fall", "small": "no meaningful change", "unclear": "no clear change",
                "untested": "not tested"}
#: The same for a comparison with others (a standing).
STANDING_WORDS = {**CHANGE_WORDS, "higher": "above", "lower": "below", "small": "within the minimum difference",
                  "unclear": "no clear difference"}


def points_text(value: float) -> str:
    """A number of points in words.

    Examples
    --------
    >>> points_text(1), points_text(2.5)
    ('1 point', '2.5 points')
    """
    return f"{value:g} point{'' if value == 1 else 's'}"


@dataclass(frozen=True)
class Finding:
    """One sentence for policy staff, and the caveat that qualifies it (if any)."""

    text: str
    caveat: str | None = None


def interval_text(low: float, high: float, *, signed: bool = False) -> str:
    """A 95% interval as a reader sees it; one narrower than the shown precision says so.

    Examples
    --------
    >>> interval_text(70.1, 74.56), interval_text(-0.4, 1.2, signed=True), interval_text(80.12, 80.14)
    ('95% CI 70.1 to 74.6', '95% CI -0.4 to +1.2', '95% CI +/- <0.1')
    """
    return numbers.interval(low, high, signed_ends=signed)


def estimate_text(row: pd.Series) -> str:
    """A mean with its 95% interval, as policy staff read it.

    Examples
    --------
    >>> estimate_text(pd.Series({"mean": 72.34, "ci_low": 70.1, "ci_high": 74.56}))
    '72.3 (95% CI 70.1 to 74.6)'
    """
    return numbers.estimate(row["mean"], row["ci_low"], row["ci_high"])


def difference_phrase(row: pd.Series, *, min_difference: float, up: str = "rose", down: str = "fell",
                      none: str = "showed") -> str:
    """The words for one judged difference (a row of :func:`cxlab.stats.compare.judge_differences`).

    ``up`` and ``down`` are the verbs for a difference that counts; ``none`` starts the phrase
    for one that does not ("showed no meaningful change").

    Examples
    --------
    >>> row = pd.Series({"diff": 2.34, "ci_low": 1.1, "ci_high": 3.6, "verdict": "higher"})
    >>> difference_phrase(row, min_difference=1)
    'rose by 2.3 points (95% CI +1.1 to +3.6)'
    >>> difference_phrase(pd.Series({"diff": 0.31, "verdict": "small"}), min_difference=1)
    'showed no meaningful change (+0.3; within 1 point)'
    >>> difference_phrase(pd.Series({"diff": -0.8, "ci_low": -2.0, "ci_high": 0.4, "verdict": "unclear"}),
    ...                   min_difference=1)
    'showed no clear change (-0.8, 95% CI -2.0 to +0.4)'
    """
    verdict, diff = row["verdict"], row["diff"]
    if verdict in ("higher", "lower"):
        verb = up if verdict == "higher" else down
        return f"{verb} by {abs(diff):.1f} points ({interval_text(row['ci_low'], row['ci_high'], signed=True)})"
    if verdict == "small":
        return f"{none} no meaningful change ({diff:+.1f}; within {points_text(min_difference)})"
    if verdict == "unclear":
        return f"{none} no clear change ({diff:+.1f}, {interval_text(row['ci_low'], row['ci_high'], signed=True)})"
    return f"{none} no change that can be tested"


def p_text(p: float) -> str:
    """A p-value as a table shows it: three significant digits, ``< 0.001`` below that, ``–`` if none.

    Examples
    --------
    >>> p_text(0.0345), p_text(2e-9), p_text(float("nan"))
    ('0.0345', '< 0.001', '–')
    """
    if pd.isna(p):
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3g}"


def fdr_note(tests: pd.DataFrame, min_difference: float | None = None) -> str:
    """The caveat for a family of tests adjusted with Benjamini-Hochberg (and the 1-point rule).

    Examples
    --------
    >>> fdr_note(pd.DataFrame({"p_value": [0.01, 0.2, None]}))
    '2 comparisons tested together; false discovery rate held at 5% (Benjamini-Hochberg)'
    >>> fdr_note(pd.DataFrame({"p_value": [0.01]}), min_difference=1)
    '1 comparison tested; false discovery rate held at 5% (Benjamini-Hochberg); a difference counts only when it also reaches 1 point on the 0-100 scale'
    """
    count = int(tests["p_value"].notna().sum())
    text = (f"{count} comparison{'s' if count != 1 else ''} tested{' together' if count != 1 else ''}; false "
            "discovery rate held at 5% (Benjamini-Hochberg)")
    if min_difference is not None:
        text += f"; {rule_note(min_difference)}"
    return text


def rule_note(min_difference: float) -> str:
    """The minimum meaningful difference, in the words a caveat uses.

    Examples
    --------
    >>> rule_note(2)
    'a difference counts only when it also reaches 2 points on the 0-100 scale'
    """
    return f"a difference counts only when it also reaches {points_text(min_difference)} on the 0-100 scale"


def suppression_caveat(summary: pd.DataFrame, min_n: int) -> str | None:
    """Say how many cells were suppressed for having fewer than ``min_n`` answers, if any.

    Examples
    --------
    >>> suppression_caveat(pd.DataFrame({"suppressed": [True, False]}), 10)
    '1 of 2 cells had fewer than 10 answers and are not shown (privacy and precision).'
    """
    hidden = int(summary["suppressed"].sum())
    if not hidden:
        return None
    return (f"{hidden} of {len(summary)} cells had fewer than {min_n} answers and are not shown "
            "(privacy and precision).")


#: What each screening rule caught, in a few words (keys of :data:`cxlab.data.screening.CHECKS`).
LEFT_OUT_WORDS = {
    "score_in_cell": "a score typed into a count cell",
    "percent_in_cell": "a percentage typed into a count cell",
    "respondents_in_cell": "the number of respondents typed into a count cell",
    "mean_mismatch": "a stated mean that disagrees with the counts",
    "more_answers": "more answers than the record's respondents",
    "squeezed_scale": "a question with fewer answers (yes/no) squeezed into the 1-5 scale",
    "percentages": "percentages instead of counts",
    "copied_question": "answers copied from another question of the record",
    "repeated_quarter": "a quarter copied forward",
    "same_survey": "one survey reported under two service names",
}


def left_out_caveat(left_out: pd.DataFrame, *, scope: str, by: str = "period") -> Finding | None:
    """Say, rule by rule, which source rows of ``scope`` the screening left out (rows of :func:`cxlab.excluded`).

    Each rule is named with how many rows it caught and where (the values of ``by``: the
    quarters of a service, or the services of a year); the report's table lists every row.

    Examples
    --------
    >>> rows = pd.DataFrame({"period": ["FY2021-Q3", "FY2021-Q3", "FY2022-Q4"],
    ...                      "check": ["score_in_cell", "score_in_cell", "repeated_quarter"]})
    >>> print(left_out_caveat(rows, scope="this service").text)
    3 source rows of this service were left out because they cannot be real answer distributions: 2 with a score typed into a count cell (FY2021-Q3); 1 with a quarter copied forward (FY2022-Q4).
    """
    if left_out.empty:
        return None
    parts = [f"{len(rows)} with {LEFT_OUT_WORDS[check]} ({', '.join(sorted(rows[by].astype(str).unique()))})"
             for check, rows in left_out.groupby("check", sort=False)]
    count = len(left_out)
    verb = "were left out because they cannot be real answer distributions" if count != 1 else (
        "was left out because it cannot be a real answer distribution")
    return Finding(f"{count} source row{'s' if count != 1 else ''} of {scope} {verb}: " + "; ".join(parts) + ".",
                   "the table of source rows left out gives each row and what was found; cxlab.excluded() lists "
                   "them all")


def percent_text(value: float) -> str:
    """A percentage with one decimal; a small positive one is never shown as 0.0%.

    Examples
    --------
    >>> percent_text(17.68), percent_text(0.004), percent_text(0.0)
    ('17.7%', '<0.1%', '0%')
    """
    return numbers.percent(value)


def _derived_caveat(points: pd.DataFrame) -> str | None:
    derived = points[points["value_type"] == "derived"]
    if derived.empty:
        return None
    listed = "; ".join(f"{r.period}: {r.score:.1f} = {r.note}" for r in derived.itertuples())
    return f"derived from other published figures rather than stated in the source ({listed})"


#: A run of years without a published point at least this long is named in a series' course.
LONG_GAP = 5


def course_text(values: pd.Series, labels: pd.Series, *, silent: str = "no point was published") -> str:
    """First and last value; the peak and trough between them (or, for a series that went both ways,
    the range of the points between); and the longest stretch without a point, where it is long.

    ``labels`` name the points (each holds its year: ``2019``, ``FY2021-Q2``); ``silent`` says
    what a long stretch lacks ("no survey was run" for survey periods).

    Examples
    --------
    >>> course_text(pd.Series([71.1, 75.8, 73.7, 78.0]), pd.Series(["1997", "2011-Q4", "2021-Q3", "2024-Q1"]))
    '71.1 (1997) to 78.0 (2024-Q1); between them it ranged from 73.7 (2021-Q3) to 75.8 (2011-Q4); no point was published between 1997 and 2011-Q4'
    >>> course_text(pd.Series([60.2, 58.0, 61.5]), pd.Series(["FY2021-Q1", "FY2021-Q2", "FY2021-Q3"]))
    '60.2 (FY2021-Q1) to 61.5 (FY2021-Q3), with a low of 58.0 (FY2021-Q2) in between'
    """
    values, labels = values.reset_index(drop=True), labels.astype(str).reset_index(drop=True)
    first, last = values.iloc[0], values.iloc[-1]
    text = f"{first:.1f} ({labels.iloc[0]}) to {last:.1f} ({labels.iloc[-1]})"
    high, low = values.max(), values.min()
    extremes = []
    if high > max(first, last):
        extremes.append(f"a high of {high:.1f} ({', '.join(labels[values == high])})")
    if low < min(first, last):
        extremes.append(f"a low of {low:.1f} ({', '.join(labels[values == low])})")
    if extremes:
        text += f", with {' and '.join(extremes)} in between"
    elif len(values) >= 3 and values.diff().max() >= 1 and values.diff().min() <= -1:  # it went both ways
        inner, named = values.iloc[1:-1], labels.iloc[1:-1]
        low, high = inner.min(), inner.max()
        text += (f"; between them it ranged from {low:.1f} ({', '.join(named[inner == low])}) to {high:.1f} "
                 f"({', '.join(named[inner == high])})" if high > low else f"; between them it was {low:.1f}")
    years = labels.str.extract(r"(\d{4})", expand=False).astype(int)
    if len(years) >= 2 and years.diff().max() >= LONG_GAP:
        at = int(years.diff().idxmax())
        text += f"; {silent} between {labels.iloc[at - 1]} and {labels.iloc[at]}"
    return text


def series_course(points: pd.DataFrame, *, name: str, index: str) -> Finding:
    """Where one published series went: its first and last point, with its peak and trough.

    Published headline points carry no sampling error, so no change between them is called a
    rise or a fall; the sentence gives the course and the difference of the last point from the
    first, and names the peak and trough where the series went beyond its ends.

    Examples
    --------
    >>> pts = pd.DataFrame({"period": ["2015", "2016", "2020"], "score": [56.5, 58.0, 61.1],
    ...                     "value_type": "stated", "note": ""})
    >>> series_course(pts, name="US federal average", index="Forrester CX Index").text
    'The US federal average score on the Forrester CX Index went from 56.5 (2015) to 61.1 (2020), +4.6 points over 3 published points.'
    >>> pts = pd.DataFrame({"period": ["2000", "2010", "2024"], "score": [68.6, 63.4, 69.7],
    ...                     "value_type": "stated", "note": ""})
    >>> series_course(pts, name="US federal government", index="ACSI").text
    'The US federal government score on the ACSI went from 68.6 (2000) to 69.7 (2024), with a low of 63.4 (2010) in between; no point was published between 2010 and 2024; +1.1 points over 3 published points.'
    """
    if points.empty:
        return Finding(f"The {name} has no published {index} score in the selected years.")
    values, labels = points["score"].reset_index(drop=True), points["period"].astype(str).reset_index(drop=True)
    delta = values.iloc[-1] - values.iloc[0]
    course = course_text(values, labels)
    joint = "; " if ("between" in course) else ", "
    count = len(points)
    text = (f"The {name} score on the {index} went from {course}{joint}{delta:+.1f} points over {count} published "
            f"point{'s' if count != 1 else ''}.")
    keys = [0, count - 1] + [i for i in range(count) if values[i] in (values.max(), values.min())]
    return Finding(text, _derived_caveat(points.iloc[sorted(set(keys))]))


def gap_findings(
    aligned: pd.DataFrame, trend: pd.Series, *, lower: str, upper: str, index: str, min_points: int
) -> list[Finding]:
    """Findings on the gap between two aligned series: the latest gap, its course, its trend.

    ``trend`` is one row of :func:`cxlab.stats.compare.trend` on the gap series.

    Examples
    --------
    >>> aligned = pd.DataFrame({"year": [2017, 2020, 2021, 2024], "score_left": [69.7, 65.1, 63.4, 69.7],
    ...                         "score_right": [77.0, 75.4, 73.7, 78.0], "gap": [7.3, 10.3, 10.3, 8.3],
    ...                         "derived": False})
    >>> from cxlab.stats.compare import trend
    >>> found = gap_findings(aligned, trend(aligned, value="gap", time="year").iloc[0], lower="federal",
    ...                      upper="national", index="ACSI", min_points=5)
    >>> print(found[1].text)
    The gap went from 7.3 (2017) to 8.3 (2024), with a high of 10.3 (2020, 2021) in between; 4 years have a score in both series.
    """
    if aligned.empty:
        return [Finding(f"No calendar year has an {index} score for both the {lower} and the {upper}, "
                        "so no gap can be computed.")]
    last = aligned.iloc[-1]
    derived_caveat = "at least one side of this gap is a derived value" if last["derived"] else None
    found = [
        Finding(
            f"In {last['year']}, the {lower} scored {last['score_left']:.1f} on the {index} and the "
            f"{upper} {last['score_right']:.1f}: a gap of {last['gap']:.1f} points.",
            "; ".join(c for c in (derived_caveat, NO_INTERVAL) if c),
        )
    ]
    if len(aligned) >= 2:
        course = course_text(aligned["gap"], aligned["year"])
        found.append(Finding(
            f"The gap went from {course}; {len(aligned)} years have a score in both series.",
            "a change of a point or two between published headline scores may be within the indices' own "
            "sampling error, which is not published"))
    found.append(trend_finding(trend, what="the gap", min_points=min_points))
    return found


def trend_finding(trend: pd.Series, *, what: str, min_points: int) -> Finding:
    """Say what a trend fit allows: a slope with its interval, or why no trend is claimed.

    ``trend`` is one row of :func:`cxlab.stats.compare.trend`.

    Examples
    --------
    >>> from cxlab.stats.compare import trend
    >>> row = trend(pd.DataFrame({"time": [2016, 2019, 2020], "diff": [12.0, 11.1, 10.7]})).iloc[0]
    >>> trend_finding(row, what="the gap", min_points=5).text
    'Only 3 years can be compared, and at least 5 are needed to speak of a trend, so no trend in the gap is claimed.'
    """
    n = int(trend["n_points"])
    if not trend["trend_estimated"]:
        return Finding(
            f"Only {n} year{'s' if n != 1 else ''} can be compared, and at least {min_points} are "
            f"needed to speak of a trend, so no trend in {what} is claimed."
        )
    clear = not trend["slope_ci_low"] <= 0 <= trend["slope_ci_high"]
    return Finding(
        f"Across {n} years, the fitted trend in {what} is {trend['slope']:+.2f} points a year (95% CI "
        f"{trend['slope_ci_low']:+.2f} to {trend['slope_ci_high']:+.2f}; Theil–Sen estimate "
        f"{trend['theil_sen_slope']:+.2f})" + ("." if clear else ": the interval includes zero, so there is no "
                                              "clear trend."),
        "the interval treats each published score as exact and the years as independent"
        + ("; it excludes zero" if clear else ""),
    )
