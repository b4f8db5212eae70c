"""Screen answer-count rows before anything is estimated.

An answer-count file (the A-11 layout) gives, for each record (one service's touchpoint and
channel in one quarter) and question, the number of answers at each point of the scale. The
counts are typed by hand, and some rows are not answer distributions at all: a score or a
percentage typed into one count cell, percentages in place of counts, a quarter copied forward,
one survey reported under two service names. Estimated as if they were answers, such rows reach
headlines ("lowest: Passport Services at 35.7").

:func:`screen` applies the rules of :data:`CHECKS` and gives every row a ``check`` code and a
``reason`` in plain words (both empty where the row passes). The loader leaves flagged rows out
of every estimate by default (``cxlab.load(name, keep_flagged=True)`` keeps them), and
``cxlab.excluded(name)`` and ``cxlab data check NAME`` list them.

Identical answer distributions count as evidence of copying only for questions with at least
:data:`MIN_EVIDENCE` answers spread over at least three scale points: two small or two
concentrated distributions can agree by chance, two larger and spread ones practically cannot.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["CHECKS", "MIN_EVIDENCE", "MIN_UNANIMOUS", "screen"]

#: The fewest answers (over at least three scale points) for which two identical distributions
#: count as a copy, not chance.
MIN_EVIDENCE = 20
#: The fewest respondents for which all of them in one count cell is not believed.
MIN_UNANIMOUS = 30
#: Largest gap between a stated mean and the mean of the counts that is rounding.
MEAN_TOLERANCE = 0.05
#: The rules, in the order they are applied (a row gets the first that catches it).
CHECKS: dict[str, str] = {
    "score_in_cell": "the only non-zero count equals its own scale point or the stated mean: a score typed "
                     "into a count cell",
    "percent_in_cell": "the only non-zero count is at most 100 while the record states more than twice as many "
                       "respondents (and over 100): a percentage typed into a count cell",
    "respondents_in_cell": f"every one of the record's respondents (at least {MIN_UNANIMOUS}) in one count cell: the number "
                           "of respondents typed into a count cell",
    "mean_mismatch": "the stated mean differs from the mean of the counts by more than 0.05",
    "more_answers": "more answers to one question than the record states respondents (by more than 2% and 2 "
                    "answers; a record that states 0 respondents but holds answers included)",
    "squeezed_scale": "answers at two or more scale points, with an empty point between every two of them, among "
                      "at least 30: a question with fewer answers (yes/no; yes/partly/no) squeezed into the scale",
    "percentages": "at least half of the record's questions add up to 97-103 while the record states more "
                   "respondents: percentages, not counts",
    "copied_question": "two questions of one record that measure different things have the same answer "
                       "distribution: one was copied over the other",
    "repeated_quarter": "the record repeats a record of the same service in another quarter on at least half of "
                        "its questions: a quarter copied forward",
    "same_survey": "the record shares at least half of its questions' answer distributions with a record of "
                   "another service in the same quarter: one survey under two names",
}


def screen(
    rows: pd.DataFrame,
    *,
    counts: Sequence[str],
    points: Sequence[float] | None = None,
    record: str = "record_id",
    unit: Sequence[str] = ("agency", "service"),
    period: str = "period",
    measure: str = "driver",
    question: str = "question",
    mean: str | None = "reported_mean",
    respondents: str | None = "respondents",
) -> pd.DataFrame:
    """Flag the answer-count rows that cannot be taken as answer distributions.

    Parameters
    ----------
    rows : DataFrame
        One row per record and question, with the count columns.
    counts : list of str
        The count columns, lowest scale point first.
    points : list of float, optional
        The scale points of ``counts`` (1, 2, ... by default).
    record : str
        Column identifying a record (all questions of one survey return).
    unit : list of str
        Columns identifying what a record describes (agency and service).
    period : str
        The period column (quarters sort in time order as text: ``FY2022-Q3``).
    measure : str
        What each question measures (its driver); copies between questions that measure the same
        thing are not flagged, since counting each respondent once gives the same estimate.
    question : str
        Column naming the question within a record (used in reasons).
    mean : str, optional
        The mean the file states for the row (``None`` if the file states none).
    respondents : str, optional
        The respondents the record states (0 or missing: not stated).

    Returns
    -------
    DataFrame
        The index of ``rows`` with ``check`` (a key of :data:`CHECKS`) and ``reason`` (what was
        found, in plain words); both ``""`` where the row passes.

    Examples
    --------
    >>> rows = pd.DataFrame({
    ...     "record_id": ["8", "8", "9"], "agency": "DOS", "service": "Passports",
    ...     "period": ["FY2021-Q2", "FY2021-Q2", "FY2021-Q3"], "driver": ["satisfaction", "trust", "trust"],
    ...     "question": ["q1", "q2", "q2"], "c1": [86, 10, 12], "c2": [0, 15, 14], "c3": [0, 30, 33],
    ...     "c4": [0, 20, 25], "c5": [0, 11, 16], "reported_mean": [1.0, 3.08, 3.19],
    ...     "respondents": [2574, 2574, 100]})
    >>> flags = screen(rows, counts=["c1", "c2", "c3", "c4", "c5"])
    >>> flags["check"].tolist()
    ['percent_in_cell', '', '']
    >>> print(flags["reason"].iloc[0])
    its only non-zero count, 86 at point 1, is at most 100 while the record states 2,574 respondents: a percentage typed into a count cell
    """
    c = rows[list(counts)].to_numpy(dtype="float64", na_value=0.0)
    pts = np.arange(1.0, len(counts) + 1) if points is None else np.asarray(points, float)
    n = c.sum(axis=1)
    given = (rows[respondents].to_numpy(dtype="float64", na_value=np.nan) if respondents
             else np.full(len(rows), np.nan))
    stated = np.where(given > 0, given, np.nan)
    check = pd.Series("", index=rows.index, dtype=object)
    reason = pd.Series("", index=rows.index, dtype=object)

    def flag(code: str, hit: np.ndarray | pd.Series, text: pd.Series | str) -> None:
        hit = pd.Series(np.asarray(hit, bool), index=rows.index) & check.eq("")
        check[hit] = code
        reason[hit] = text if isinstance(text, str) else text[hit]

    nonzero = c > 0
    single = nonzero.sum(axis=1) == 1
    at = nonzero.argmax(axis=1)
    value = c[np.arange(len(c)), at]
    point = pts[at]
    said = rows[mean].to_numpy(dtype="float64", na_value=np.nan) if mean else np.full(len(rows), np.nan)
    whole = pd.Series(value).map("{:,.0f}".format).to_numpy()
    where = pd.Series(point).map("{:g}".format).to_numpy()
    stated_text = pd.Series(stated).map(lambda r: f"{r:,.0f}" if r == r else "").to_numpy()
    only = pd.Series("its only non-zero count, " + whole + " at point " + where + ",", index=rows.index)
    flag("score_in_cell", single & ((value == point) | (value == np.round(said))) & ~(value == stated),
         only + " equals the score it stands for: a score typed into a count cell")
    flag("percent_in_cell", single & (value <= 100) & (stated > np.maximum(2 * value, 100)),
         only + " is at most 100 while the record states " + stated_text
         + " respondents: a percentage typed into a count cell")
    flag("respondents_in_cell", single & (value == stated) & (value >= MIN_UNANIMOUS),
         only + " is every one of the record's respondents: the number of respondents typed into a count cell")
    with np.errstate(invalid="ignore", divide="ignore"):
        count_mean = c @ pts / n
    gap = np.abs(said - count_mean)
    flag("mean_mismatch", gap > MEAN_TOLERANCE,
         pd.Series([f"the stated mean {s:g} differs from the mean of the counts, {m:.2f}"
                    for s, m in zip(said, count_mean)], index=rows.index))
    flag("more_answers", n > given * 1.02 + 2,
         pd.Series([f"{a:,.0f} answers to one question while the record states {r:,.0f} respondents"
                    for a, r in zip(n, np.nan_to_num(given))], index=rows.index))
    spaced = (nonzero.sum(axis=1) >= 2) & ~(nonzero[:, :-1] & nonzero[:, 1:]).any(axis=1)
    flag("squeezed_scale", spaced & (n >= 30),
         pd.Series([f"answers only at points {_listed(pts[row])} (none between) among {m:,.0f}: a question with "
                    "fewer answers squeezed into the scale" for row, m in zip(nonzero, n)], index=rows.index))
    _record_checks(rows, c, n, stated, flag, record=record, unit=list(unit), period=period, measure=measure,
                   question=question)
    return pd.DataFrame({"check": check, "reason": reason})


def _listed(points: np.ndarray) -> str:
    """Scale points in words: ``1 and 5``, ``1, 3 and 5``.

    Examples
    --------
    >>> _listed(np.array([1.0, 3.0, 5.0]))
    '1, 3 and 5'
    """
    words = [f"{p:g}" for p in points]
    return ", ".join(words[:-1]) + " and " + words[-1]


def _record_checks(rows: pd.DataFrame, c: np.ndarray, n: np.ndarray, stated: np.ndarray, flag, *, record: str,
                   unit: list[str], period: str, measure: str, question: str) -> None:
    """The rules that compare the questions of a record with each other and with other records."""
    answered = pd.Series(n > 0, index=rows.index)
    hundred = pd.Series((n >= 97) & (n <= 103), index=rows.index).where(answered)
    mostly_hundred = hundred.groupby(rows[record]).transform(lambda s: s.dropna().mean() >= 0.5)
    over = pd.Series(stated > 103, index=rows.index)
    flag("percentages", mostly_hundred.fillna(False).astype(bool) & over,
         "most questions of the record add up to about 100 while the record states "
         + pd.Series(stated, index=rows.index).map(lambda r: f"{r:,.0f}" if r == r else "")
         + " respondents: percentages, not counts")

    key = pd.Series([",".join(f"{v:g}" for v in row) for row in c], index=rows.index)
    evidence = rows.assign(_key=key)[(n >= MIN_EVIDENCE) & ((c > 0).sum(axis=1) >= 3)]
    same = evidence.merge(evidence, on="_key", suffixes=("", "_other"))
    copied = same[(same[record] == same[record + "_other"]) & (same[question] != same[question + "_other"])
                  & (same[measure].fillna("") != same[measure + "_other"].fillna(""))]
    hit = rows.set_index([record, question]).index.isin(copied.set_index([record, question]).index)
    mates = copied.groupby([record, question])[question + "_other"].first()
    flag("copied_question", hit, pd.Series(
        [f"the same answers as {mates.get((r, q), '')} of the same record, which measures something else"
         for r, q in zip(rows[record], rows[question])], index=rows.index))

    pairs = same[same[record] != same[record + "_other"]]
    if pairs.empty:
        return
    shared = pairs.groupby([record, record + "_other"])[question].nunique().rename("shared").reset_index()
    size = evidence.groupby(record)[question].nunique()
    described = rows.drop_duplicates(record).set_index(record)[unit + [period]]
    shared = shared[shared["shared"] * 2 >= shared[record].map(size)]
    for other in (unit, [period]):
        for column in other:
            shared[column] = shared[record].map(described[column])
            shared[column + "_other"] = shared[record + "_other"].map(described[column])
    one_unit = np.logical_and.reduce([shared[c] == shared[c + "_other"] for c in unit])
    later = shared[period] > shared[period + "_other"]
    repeated = shared[one_unit & later]
    _flag_records(rows, flag, "repeated_quarter", repeated, record, size, lambda r: (
        f"repeats {r[period + '_other']} (record {r[record + '_other']}) on {r['shared']} of "
        f"{size[r[record]]} questions: a quarter copied forward"))
    same_period = shared[~one_unit & (shared[period] == shared[period + "_other"])]
    order = unit[-1:] + unit[:-1]  # the service name first, then the rest of the unit
    second = same_period[[tuple(a) > tuple(b) for a, b in zip(
        same_period[order].to_numpy(), same_period[[u + "_other" for u in order]].to_numpy())]]
    _flag_records(rows, flag, "same_survey", second, record, size, lambda r: (
        f"shares {r['shared']} of {size[r[record]]} answer distributions with {r[unit[-1] + '_other']} (record "
        f"{r[record + '_other']}) in the same quarter: one survey under two names, kept under the name that "
        "sorts first"))


def _flag_records(rows: pd.DataFrame, flag, code: str, found: pd.DataFrame, record: str, size: pd.Series,
                  words) -> None:
    """Flag every row of the records in ``found`` (one reason per record, from ``words``)."""
    if found.empty:
        return
    said = {r[record]: words(r) for _, r in found.sort_values("shared", ascending=False).drop_duplicates(record)
            .iterrows()}
    flag(code, rows[record].isin(said), rows[record].map(said).fillna(""))
