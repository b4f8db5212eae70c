"""Build: the batch regeneration of every report (``cxlab build``, ``list``, ``clean``).

The catalog of report instances (matrix expansion, parameters checked before any kernel
starts), up-to-date stamps, the executors (a local process pool or a Dask cluster), pre-imported
kernel templates and a fresh kernel per report, rendering, outputs written atomically, the lock,
progress, and the pages a build writes besides the reports (provenance, index).

Imports: :mod:`cxlab.report` and :mod:`cxlab.data`; an analysis only by name, through the
catalog's notebooks, never as a module.
"""

import sys

__all__: list[str] = []

# papermill and nbconvert import nbformat, which imports jsonschema, whose format checkers import
# rfc3987_syntax when it is installed (JupyterLab's jupyter-events asks for it): that compiles 38
# Lark grammars, 2.7 s of CPU in every build process, for an "iri" format no notebook schema uses.
# Marked absent before jsonschema loads, it is skipped (jsonschema leaves out a checker whose
# module cannot be imported): in a process that imports cxlab.build (the build's processes, and a
# kernel showing the explorers' build panel), a jsonschema FormatChecker does not check "iri".
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
