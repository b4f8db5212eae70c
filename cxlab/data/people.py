"""Count people, not answers: one answer distribution per record and driver.

An A-11 record may ask several questions that measure the same driver (two satisfaction
questions, say). Adding their counts would count each respondent twice and make every interval
too narrow. :func:`count_people` gives each record one distribution per driver instead:

- the **average** of the questions' answer distributions (count by count), so the mean is the
  answer-weighted mean of the questions' means and the record counts as many people as answered
  one question on average;
- **scaled down to the record's stated respondents** where it still holds more answers than that
  (by up to 2%: more is flagged by :mod:`cxlab.data.screening`), so no record counts more people than
  it surveyed.

The averaged distribution's spread is at least that of each respondent's average over the
questions (a mixture is never narrower), so the standard error that follows is conservative.
Counts may therefore be fractional; a summary rounds ``n`` for display.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["count_people"]


def count_people(
    rows: pd.DataFrame,
    *,
    counts: Sequence[str],
    by: Sequence[str] = ("record_id", "driver"),
    respondents: str | None = "respondents",
    question: str = "question",
    text: str = "question_text",
) -> pd.DataFrame:
    """One row per ``by`` group (record and driver), each respondent counted once.

    Parameters
    ----------
    rows : DataFrame
        One row per record and question, with answer counts.
    counts : list of str
        The count columns, lowest scale point first.
    by : list of str
        What one respondent answers once: the record and the driver.
    respondents : str, optional
        The respondents each record states (0 or missing: not stated); no group counts more.
    question, text : str
        Columns naming each question and holding its wording; the output joins them.

    Returns
    -------
    DataFrame
        The first row's other columns for each group, then ``questions`` (the questions merged,
        space-separated), ``question_text`` (their wordings, `` | ``-separated), the averaged and
        capped ``counts``, ``answers`` (all answers before counting people) and ``n`` (people).

    Examples
    --------
    >>> rows = pd.DataFrame({"record_id": ["597", "597", "598"], "driver": "satisfaction",
    ...                      "question": ["q1", "q3", "q1"], "question_text": ["sat", "sat too", "sat"],
    ...                      "c1": [404, 237, 65], "c2": [41, 58, 36], "c3": [65, 88, 46], "c4": [164, 127, 104],
    ...                      "c5": [468, 632, 406], "respondents": [1124.0, 1124.0, 657.0]})
    >>> people = count_people(rows, counts=["c1", "c2", "c3", "c4", "c5"])
    >>> people[["record_id", "questions", "answers", "n"]]
      record_id questions  answers       n
    0       597     q1 q3     2284  1124.0
    1       598        q1      657   657.0
    >>> float(people["n"].sum()) <= float(rows.drop_duplicates("record_id")["respondents"].sum())
    True
    """
    counts, by = list(counts), list(by)
    answers = rows[counts].sum(axis=1)
    grouped = rows.assign(_answers=answers).groupby(by, sort=False, dropna=False)
    mean_counts = grouped[counts].mean()
    first = grouped.first().drop(columns=counts + ["_answers", question, text], errors="ignore")
    table = first.assign(
        questions=grouped[question].agg(" ".join),
        question_text=grouped[text].agg(" | ".join),
        answers=grouped["_answers"].sum(),
    )
    average = mean_counts.sum(axis=1).to_numpy()
    cap = (table[respondents].to_numpy(dtype="float64", na_value=np.nan) if respondents
           else np.full(len(table), np.nan))
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(cap > 0, np.minimum(1.0, cap / average), 1.0)
    people = mean_counts.mul(factor, axis=0)
    n = np.where(factor < 1, cap, people.sum(axis=1))  # exactly the respondents where capped
    return pd.concat([table, people], axis=1).assign(n=n).reset_index()
