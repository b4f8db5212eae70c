"""Build: the batch regeneration of every report (``cxlab build``, ``list``, ``clean``).

The catalog of report instances (matrix expansion, parameters checked before any kernel
starts), up-to-date stamps, the executors (a local process pool or a Dask cluster), pre-imported
kernel templates and a fresh kernel per report, rendering, outputs written atomically, the lock,
progress, and the pages a build writes besides the reports (provenance, index).

Imports: :mod:`cxlab.report` and :mod:`cxlab.data`; an analysis only by name, through the
catalog's notebooks, never as a module.
"""

__all__: list[str] = []
