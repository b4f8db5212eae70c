"""The output types under which report blocks carry data besides their HTML (read by the build and tests).

A module of its own so that reading them (the build's index of headlines) imports nothing heavy.
"""

__all__ = ["FIGURE_MIMETYPE", "FINDINGS_MIMETYPE"]

#: Output type under which a findings block also carries its sentences (the build reads them).
FINDINGS_MIMETYPE = "application/vnd.cxlab.report.findings+json"
#: Output type under which a figure carries the box of every text it draws (a layout test reads them).
FIGURE_MIMETYPE = "application/vnd.cxlab.report.figure-text+json"
