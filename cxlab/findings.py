"""Plain-language findings built from the numbers, each with its caveat where one applies."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = [
    "Finding",
    "NO_INTERVAL",
    "change_word",
    "estimate_text",
    "p_text",
    "fdr_note",
    "suppression_caveat",
    "series_change",
    "gap_findings",
    "trend_finding",
]

#: The caveat every published headline score carries.
NO_INTERVAL = "published headline scores come without a standard error, so no interval can be given"


@dataclass(frozen=True)
class Finding:
    """One sentence for policy staff, and the caveat that qualifies it (if any)."""

    text: str
    caveat: str | None = None


def change_word(delta: float, *, up: str = "rose", down: str = "fell", same: str = "stayed level") -> str:
    """The verb for a change: ``rose``, ``fell`` or ``stayed level`` (within 0.05).

    Examples
    --------
    >>> change_word(4.6), change_word(-0.2), change_word(0.01)
    ('rose', 'fell', 'stayed level')
    """
    return up if delta >= 0.05 else down if delta <= -0.05 else same


def estimate_text(row: pd.Series) -> str:
    """A mean with its 95% interval, as policy staff read it.

    Examples
    --------
    >>> estimate_text(pd.Series({"mean": 72.34, "ci_low": 70.1, "ci_high": 74.56}))
    '72.3 (95% CI 70.1 to 74.6)'
    """
    return f"{row['mean']:.1f} (95% CI {row['ci_low']:.1f} to {row['ci_high']:.1f})"


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


def fdr_note(tests: pd.DataFrame) -> str:
    """The caveat for a family of tests adjusted with Benjamini-Hochberg.

    Examples
    --------
    >>> fdr_note(pd.DataFrame({"p_value": [0.01, 0.2, None]}))
    '2 comparisons tested together; false discovery rate held at 5% (Benjamini-Hochberg)'
    """
    count = int(tests["p_value"].notna().sum())
    return (f"{count} comparison{'s' if count != 1 else ''} tested together; false discovery rate held at "
            "5% (Benjamini-Hochberg)")


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


def _derived_caveat(points: pd.DataFrame) -> str | None:
    derived = points[points["value_type"] == "derived"]
    if derived.empty:
        return None
    listed = "; ".join(f"{r.period}: {r.score:.1f} = {r.note}" for r in derived.itertuples())
    return f"derived from other published figures rather than stated in the source ({listed})"


def series_change(points: pd.DataFrame, *, name: str, index: str) -> Finding:
    """How one published series moved from its first to its last point in the range.

    Examples
    --------
    >>> pts = pd.DataFrame({"period": ["2015", "2016", "2020"], "score": [56.5, 58.0, 61.1],
    ...                     "value_type": "stated", "note": ""})
    >>> series_change(pts, name="US federal average", index="Forrester CX Index").text
    'The US federal average score on the Forrester CX Index rose from 56.5 (2015) to 61.1 (2020), by 4.6 points over 3 published points.'
    """
    if points.empty:
        return Finding(f"The {name} has no published {index} score in the selected years.")
    first, last = points.iloc[0], points.iloc[-1]
    delta = last["score"] - first["score"]
    text = (
        f"The {name} score on the {index} {change_word(delta)} from {first['score']:.1f} "
        f"({first['period']}) to {last['score']:.1f} ({last['period']})"
    )
    if change_word(delta) != "stayed level":
        text += f", by {abs(delta):.1f} points"
    text += f" over {len(points)} published point{'s' if len(points) != 1 else ''}."
    return Finding(text, _derived_caveat(points.iloc[[0, -1]]))


def gap_findings(
    aligned: pd.DataFrame, trend: pd.Series, *, lower: str, upper: str, index: str, min_points: int
) -> list[Finding]:
    """Findings on the gap between two aligned series: the latest gap, its change, its trend.

    ``trend`` is one row of :func:`cxlab.compare.trend` on the gap series.
    """
    if aligned.empty:
        return [Finding(f"No calendar year has an {index} score for both the {lower} and the {upper}, "
                        "so no gap can be computed.")]
    last = aligned.iloc[-1]
    derived_caveat = (
        "at least one side of this gap is a derived value" if last["derived"] else None
    )
    found = [
        Finding(
            f"In {last['year']}, the {lower} scored {last['score_left']:.1f} on the {index} and the "
            f"{upper} {last['score_right']:.1f}: a gap of {last['gap']:.1f} points.",
            "; ".join(c for c in (derived_caveat, NO_INTERVAL) if c),
        )
    ]
    if len(aligned) >= 2:
        first = aligned.iloc[0]
        change = last["gap"] - first["gap"]
        verb = change_word(change, up="widened", down="narrowed", same="stayed about the same")
        found.append(
            Finding(
                f"Between {first['year']} and {last['year']} the gap {verb}, from {first['gap']:.1f} "
                f"to {last['gap']:.1f} points ({len(aligned)} years with a score in both series).",
                "a change of a point or two between published headline scores may be within the "
                "indices' own sampling error, which is not published",
            )
        )
    found.append(trend_finding(trend, what="the gap", min_points=min_points))
    return found


def trend_finding(trend: pd.Series, *, what: str, min_points: int) -> Finding:
    """Say what a trend fit allows: a slope with its interval, or why no trend is claimed.

    ``trend`` is one row of :func:`cxlab.compare.trend`.

    Examples
    --------
    >>> from cxlab.compare import trend
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
    return Finding(
        f"Across {n} years, {what} changed by {trend['slope']:+.2f} points a year (95% CI "
        f"{trend['slope_ci_low']:+.2f} to {trend['slope_ci_high']:+.2f}; Theil–Sen estimate "
        f"{trend['theil_sen_slope']:+.2f}).",
        "the interval treats each published score as exact and the years as independent; "
        + ("it includes zero, so the data do not show a clear trend"
           if trend["slope_ci_low"] <= 0 <= trend["slope_ci_high"] else "it excludes zero"),
    )
