"""Statistics: summaries per cell, comparisons, drivers and reliability.

Summary tables of sufficient statistics (n, mean, sd, se, intervals on 0-100), Welch gaps and
their changes, trends, group tests, false discovery rate and the minimum meaningful difference,
derived importance (across respondents or across cells) and Cronbach's alpha, correlations
across few units with their intervals and a leave-one-out check. Every function takes a DataFrame and returns one with
cxlab's own columns.

Imports: :mod:`cxlab.data` (and :mod:`cxlab.errors`) only.
"""

__all__: list[str] = []
