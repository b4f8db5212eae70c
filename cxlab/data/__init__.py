"""Data: from the files in ``data/`` to validated, screened tidy tables.

The registry (``data/datasets.yml``) and what an entry may say, the readers (CSV, Excel,
Parquet, with spreadsheet row numbers), the pandera schemas, scales and missing codes, periods,
the loaders of every layout, the screening of answer-count rows and the counting of each
respondent once, the A-11 question-to-driver table, crosswalks between data sets' names,
published score series, and ``cxlab data check``.

Imports: nothing else of cxlab but :mod:`cxlab.errors`. Every other part may import this one.
"""

__all__: list[str] = []
