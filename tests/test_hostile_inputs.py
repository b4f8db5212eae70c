"""Issue 13's hostile inputs, one test per case, each a real run of the ``cxlab`` command.

The cases live in ``tests/hostile/cases.py`` so that ``tests/hostile/run_hostile.py`` reruns the
very same list; each test fails with everything its case found wrong (a traceback, a write outside
the output folder, a wrong exit code or result) and the output of the run.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import pytest

from tests.hostile.cases import CASES, Case
from tests.hostile.project import Project

matplotlib.use("Agg")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case: Case, tmp_path: Path):
    failures = case.run(Project(tmp_path)).failures()
    assert not failures, "\n".join(failures)


def test_case_10_dollar_signs_stay_text_in_figures():
    """Matplotlib would read "$5 and $" as mathtext: the text must come out as written."""
    import matplotlib.pyplot as plt

    from cxlab.report.plots import use_style

    svg = io.StringIO()
    with matplotlib.rc_context():
        use_style()
        figure, axes = plt.subplots()
        axes.set_title("Fees $5 and $10 office")
        axes.set_xlabel("Cost $^{ and $ office")
        plt.rcParams["svg.fonttype"] = "none"
        figure.savefig(svg, format="svg")
        plt.close(figure)
    assert "Fees $5 and $10 office" in svg.getvalue() and "Cost $^{ and $ office" in svg.getvalue()
