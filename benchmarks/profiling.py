"""Where a benchmarked call spends its time: the functions with the most time of their own.

Shared by the benchmark scripts (run as ``python benchmarks/<name>.py``, so this folder is on
the import path).
"""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable
from pathlib import Path
from typing import Any


def top_functions(call: Callable[..., Any], *args: Any, top: int = 6) -> list[dict[str, Any]]:
    """Run ``call(*args)`` under cProfile; the ``top`` functions by own time, with their share.

    numpy's passes count to the Python function that calls them.

    Examples
    --------
    >>> [entry["function"] for entry in top_functions(sorted, list(range(10)), top=1)]
    ['~:<built-in method builtins.sorted>']
    """
    profiler = cProfile.Profile()
    profiler.runcall(call, *args)
    entries = pstats.Stats(profiler).stats  # (file, line, name) -> (calls, _, own, cumulative, _)
    total = sum(own for _, _, own, _, _ in entries.values()) or 1.0
    ranked = sorted(entries.items(), key=lambda item: -item[1][2])[:top]
    return [{"function": f"{Path(file).name}:{name}", "own_s": own, "share": own / total}
            for (file, _, name), (_, _, own, _, _) in ranked]


def described(entries: list[dict[str, Any]]) -> str:
    """The entries of :func:`top_functions` in one line of Markdown.

    Examples
    --------
    >>> described([{"function": "summary.py:_cells", "own_s": 0.1, "share": 0.5}])
    '`summary.py:_cells` 50%'
    """
    return "; ".join(f"`{e['function']}` {e['share']:.0%}" for e in entries)
