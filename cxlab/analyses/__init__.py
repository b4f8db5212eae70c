"""Analyses: one module per notebook, each assembling the findings, figures and tables it shows.

Notebooks stay thin (a parameters cell, one call, prose); what a test should cover lives here.

Imports: :mod:`cxlab.report`, :mod:`cxlab.stats` and :mod:`cxlab.data`; never :mod:`cxlab.build`
or :mod:`cxlab.explore`.
"""
