"""Report: numbers turned into what a policy reader sees.

Plain-language findings with their caveats, accessible HTML blocks (findings, tables, figures
with alt text and their data), figures in a colour-blind-safe palette, correlations in honest
words, sources point by point, and the export of an executed notebook to a self-contained HTML
page (with its templates).

Imports: :mod:`cxlab.stats` and :mod:`cxlab.data` only.
"""

__all__: list[str] = []
