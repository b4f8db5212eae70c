"""cxlab: a research workbench for public-sector customer experience (CX).

Load real public data in one line, then compare, trend and explain satisfaction scores:

>>> import cxlab
>>> cxlab.datasets()["name"].tolist()
['a11_hisp', 'cx_benchmarks', 'sandiego_2015']
>>> scores = cxlab.load("cx_benchmarks")
"""

from importlib import metadata as _metadata

from cxlab.errors import DataError, Problem
from cxlab.loaders import dictionary, excluded, load
from cxlab.registry import datasets

try:
    __version__ = _metadata.version("cxlab")
except _metadata.PackageNotFoundError:  # pragma: no cover - a source tree without install
    __version__ = "0+unknown"

__all__ = ["DataError", "Problem", "__version__", "datasets", "dictionary", "excluded", "load"]
