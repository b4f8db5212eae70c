"""Explore: ipywidgets explorers in JupyterLab, on the same functions the reports use.

``from cxlab.explore import GapExplorer, ServiceExplorer, DriverExplorer`` (formerly
``cxlab.widgets``), and :func:`explore`, which a notebook calls to show the explorer of its
analysis. The explorers' fast state (prepared totals) lives in :mod:`cxlab.explore.state`.

Imports: :mod:`cxlab.analyses` and everything below it, and :mod:`cxlab.build` (to check and
build the report an explorer hands over).
"""

from cxlab.explore.widgets import DriverExplorer, GapExplorer, ServiceExplorer, explore

__all__ = ["DriverExplorer", "GapExplorer", "ServiceExplorer", "explore"]
