"""One module per kind of report: each assembles the findings, figures and tables of a notebook.

Notebooks stay thin (a parameters cell, one call, prose); what a test should cover lives here.
"""
