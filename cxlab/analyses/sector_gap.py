"""Federal against private satisfaction over time, from published index points (``sector_gap``)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import cxlab
from cxlab.stats import compare
from cxlab.report import plots
from cxlab.report.blocks import Block, findings_block, note_block, table_block
from cxlab.report.findings import NO_INTERVAL, gap_findings, series_course
from cxlab.data.series import select_series, series_gap

__all__ = ["MIN_TREND_POINTS", "SectorGap", "run"]

#: Fewer aligned years than this and no trend is claimed.
MIN_TREND_POINTS = 5


@dataclass(frozen=True)
class SectorGap:
    """Everything the sector_gap report shows, as displayable blocks plus the numbers behind them."""

    aligned: pd.DataFrame
    left_out: pd.DataFrame
    trend: pd.Series
    findings: Block
    scores_chart: Block
    scores_table: Block
    gap_chart: Block
    gap_table: Block
    methods: Block


def run(
    *, index: str, lower: str, upper: str, start: int | None = None, end: int | None = None,
    scores: pd.DataFrame | None = None,
) -> SectorGap:
    """Compare two series of one index (``lower`` usually the federal one) year by year.

    Examples
    --------
    >>> result = run(index="Forrester CX Index", lower="federal_government", upper="private_sector",
    ...              start=2015, end=2020)
    >>> print(result.findings.text.splitlines()[1])  # doctest: +ELLIPSIS
    - The US federal average score on the Forrester CX Index went from 56.5 (2015) to 61.1 (2020)...
    """
    scores = cxlab.load("cx_benchmarks") if scores is None else scores
    pick = dict(index=index, start=start, end=end)
    low, up = select_series(scores, series=lower, **pick), select_series(scores, series=upper, **pick)
    low_name, up_name = (_name(p, s) for p, s in ((low, lower), (up, upper)))
    aligned, left_out = series_gap(scores, lower=lower, upper=upper, **pick)
    trend = compare.trend(aligned, value="gap", time="year", min_points=MIN_TREND_POINTS).iloc[0]
    gap_first, *gap_rest = gap_findings(aligned, trend, lower=low_name, upper=up_name, index=index,
                                        min_points=MIN_TREND_POINTS)
    found = [gap_first, series_course(low, name=low_name, index=index),
             series_course(up, name=up_name, index=index), *gap_rest]
    span = _span(start, end)
    return SectorGap(
        aligned=aligned,
        left_out=left_out,
        trend=trend,
        findings=findings_block(found),
        scores_chart=plots.series_chart({low_name: low, up_name: up}, title=f"{index} scores{span}"),
        scores_table=table_block(_points_table({low_name: low, up_name: up}),
                                 caption=f"Every published {index} point shown{span}, with its source"),
        gap_chart=plots.gap_chart(aligned, title=f"Gap: {up_name} minus {low_name}{span}",
                                  upper=up_name, lower=low_name),
        gap_table=table_block(_left_out_table(left_out, low_name, up_name),
                              caption="Published points not paired with the other series, and why"),
        methods=note_block(_methods(index)),
    )


def _name(points: pd.DataFrame, fallback: str) -> str:
    return str(points["entity"].iloc[0]) if len(points) and points["entity"].nunique() == 1 else fallback


def _span(start: int | None, end: int | None) -> str:
    if start is None and end is None:
        return ""
    return f", {start if start is not None else 'first'} to {end if end is not None else 'latest'}"


def _points_table(series: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every point of each series: period, score, stated or derived, the page it comes from, and notes."""
    return pd.concat([points.assign(series=name) for name, points in series.items()])[
        ["series", "period", "score", "value_type", "source", "note"]].rename(columns={
            "series": "Series", "period": "Period", "score": "Score", "value_type": "Stated or derived",
            "source": "Source", "note": "Note"})


def _left_out_table(left_out: pd.DataFrame, low_name: str, up_name: str) -> pd.DataFrame:
    side = left_out["side"].map({"left": low_name, "right": up_name})
    return pd.DataFrame({"Period": left_out["period"], "Series": side, "Score": left_out["score"],
                         "Reason": left_out["reason"]})


def _methods(index: str) -> str:
    return (
        f"Scores are the {index}'s published headline figures on its 0-100 scale; {NO_INTERVAL}. "
        "Each point is placed in the calendar year in which its period starts (a quarter or a month "
        "counts for its year; a span of years is left out), and where a series has several points in "
        "one year the latest is used. The gap is the second series minus the first in each year both "
        "report. A series or the gap is described by its course: its first and last point with the "
        "highest and lowest between them, never by its ends alone. A trend is fitted by least squares "
        "with a 95% interval and checked with the Theil–Sen estimator, and only with at least "
        f"{MIN_TREND_POINTS} paired years. Values marked "
        "derived were computed from a stated percentage change or gap, not read from the source. "
        "Different indices (ACSI, Forrester) use different methods and are never mixed in one gap."
    )
