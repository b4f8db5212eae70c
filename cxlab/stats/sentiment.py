"""Tone of free text with vaderSentiment, reported as shares negative / neutral / positive.

VADER (Hutto and Gilbert, 2014) scores a text from -1 (most negative) to +1 (most positive) with a
lexicon and rules; the lexicon ships inside the vaderSentiment package, so nothing is downloaded.
A text is *negative* at a compound score of -0.05 or below, *positive* at +0.05 or above and
*neutral* in between (the thresholds VADER's authors recommend). cxlab reports the three shares
with Wilson intervals, never an average compound score: an average hides whether a group is
split or lukewarm.

VADER's lexicon is general-purpose: words that are routine in complaints, such as *credit*,
*please*, *help* and *fair* (as in the Fair Credit Reporting Act), count as positive, so a
complaint can score positive without praising anyone. Compare groups with the same kind of text;
do not read a share positive as a share satisfied.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import pandas as pd

from cxlab.stats.shares import category_shares
from cxlab.stats.summary import MIN_N

__all__ = ["TONES", "THRESHOLD", "sentiment", "sentiment_shares"]

#: The three tones, in the order reports show them.
TONES = ["negative", "neutral", "positive"]
#: A compound score at or beyond +-THRESHOLD is positive or negative.
THRESHOLD = 0.05


@cache
def _analyzer():
    """VADER's analyzer, with its two look-around checks shown only the words they read.

    VADER's negation and idiom checks read at most three words before a lexicon word and two
    after it, but lower-case every word of the text each time they are called: a text of n words
    costs n x n. Shown the window ``words[i - 3:i + 3]`` (they are called only from the fourth
    word on for the reads that reach three back), they return the same valence, and a 3,000-word
    complaint is scored in linear time. ``tests/stats/test_text.py`` checks that every bundled
    narrative, and each of VADER's special phrases placed anywhere, gets the same score from both.
    """
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    def around(words: list[str], i: int) -> tuple[list[str], int]:
        """The words a check reads about word ``i``, and where word ``i`` is among them."""
        first = max(0, i - 3)
        return words[first:i + 3], i - first

    class WindowedAnalyzer(SentimentIntensityAnalyzer):
        @staticmethod
        def _negation_check(valence, words_and_emoticons, start_i, i):
            window, at = around(words_and_emoticons, i)
            return SentimentIntensityAnalyzer._negation_check(valence, window, start_i, at)

        @staticmethod
        def _special_idioms_check(valence, words_and_emoticons, i):
            return SentimentIntensityAnalyzer._special_idioms_check(valence, *around(words_and_emoticons, i))

    return WindowedAnalyzer()


def sentiment(data: pd.DataFrame, *, text: str = "text") -> pd.DataFrame:
    """A copy of ``data`` with each text's VADER ``compound`` score and its ``tone``.

    Parameters
    ----------
    data : DataFrame
        Rows with a text column.
    text : str
        The text column; rows with an empty or missing text get NaN and NA.

    Returns
    -------
    DataFrame
        ``data`` with ``compound`` (-1 to 1) and ``tone`` (``negative``, ``neutral`` or
        ``positive``; see :data:`THRESHOLD`).

    Examples
    --------
    >>> texts = pd.DataFrame({"text": ["The staff were wonderful and kind.", "I was charged twice. Terrible.",
    ...                                "The form has three pages.", ""]})
    >>> sentiment(texts)[["compound", "tone"]]
       compound      tone
    0    0.7964  positive
    1   -0.5994  negative
    2    0.0000   neutral
    3       NaN       NaN
    """
    values = data[text].fillna("").astype(str)
    score = np.array([_analyzer().polarity_scores(v)["compound"] if v.strip() else np.nan for v in values])
    tone = np.select([score <= -THRESHOLD, score >= THRESHOLD, np.abs(score) < THRESHOLD],
                     ["negative", "positive", "neutral"], default="")
    return data.assign(compound=score, tone=pd.Series(tone, index=data.index).replace("", np.nan))


def sentiment_shares(scored: pd.DataFrame, *, by: Sequence[str] = (), min_n: int = MIN_N) -> pd.DataFrame:
    """Shares negative, neutral and positive per cell, with 95% Wilson intervals.

    Parameters
    ----------
    scored : DataFrame
        The output of :func:`sentiment` (rows without a tone are left out).
    by : list of str
        Columns that define a cell.
    min_n : int
        Cells with fewer texts are suppressed.

    Returns
    -------
    DataFrame
        A share table (:mod:`cxlab.stats.shares`) with ``measure`` the tone, in the order of :data:`TONES`.

    Examples
    --------
    >>> scored = pd.DataFrame({"tone": ["negative"] * 8 + ["positive"] * 4})
    >>> sentiment_shares(scored)[["measure", "n", "count", "share", "ci_low", "ci_high"]].round(1)
        measure   n  count  share  ci_low  ci_high
    0  negative  12      8   66.7    39.1     86.2
    1   neutral  12      0    0.0     0.0     24.2
    2  positive  12      4   33.3    13.8     60.9
    """
    return category_shares(scored, column="tone", by=by, categories=TONES, min_n=min_n)
