"""The pages a build writes besides the reports: each report's provenance, and ``index.html``.

The provenance (data files with their sha256, how respondents are identified where a file has no
id column, parameters, notebook, cxlab version, commit, build date) goes into each executed notebook's ``cxlab`` metadata, which the report template turns into
the footer. The index lists every built report of the catalog, grouped by analysis, with its
headline finding.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

import cxlab
from cxlab.build.catalog import Instance
from cxlab.data import registry
from cxlab.report.export import CSP, TEMPLATES, headline

__all__ = ["provenance", "index_page"]


def provenance(instance: Instance, *, build_date: str, commit: str | None) -> dict[str, object]:
    """The ``cxlab`` notebook metadata the report template turns into the provenance footer.

    Paths are relative to the project (``data/...``, ``notebooks/...``), so no report shows
    where it was built or by whom.

    Examples
    --------
    >>> from cxlab.build.catalog import NOTEBOOKS
    >>> inst = Instance(name="demo", notebook=NOTEBOOKS / "sector_gap.ipynb", title="Demo",
    ...                 analysis="Demo", parameters={"index": "ACSI"}, data=("cx_benchmarks",))
    >>> meta = provenance(inst, build_date="2025-01-01", commit=None)
    >>> meta["notebook"], meta["datasets"][0]["files"][0]["file"], len(meta["datasets"][0]["files"][0]["sha256"])
    ('notebooks/sector_gap.ipynb', 'data/cx_benchmarks.csv', 64)
    """
    datasets = []
    for name in instance.data:
        entry = registry.entry(name)
        files = [
            {"file": f"data/{rel}", "sha256": registry.sha256(registry.verified_path(rel, sha))}
            for rel, sha in registry.dataset_files(name).items()
        ]
        datasets.append({"name": name, "licence": entry.get("licence", ""), "files": files, "note": _identity(entry)})
    return {
        "title": instance.title,
        "analysis": instance.analysis,
        "notebook": f"notebooks/{instance.notebook.name}",
        "parameters": instance.parameters,
        "datasets": datasets,
        "cxlab_version": cxlab.__version__,
        "commit": commit,
        "build_date": build_date,
    }


def _identity(entry: dict[str, object]) -> str:
    """How a respondent data set without an id column identifies its respondents (empty for the others).

    Examples
    --------
    >>> _identity({"layout": "respondents", "columns": {"entity": "INDUSTRY"}})
    'Respondents are identified by their row number in the file, which has no respondent id column.'
    >>> _identity({"layout": "respondents", "columns": {"respondent_id": "ID"}})
    ''
    """
    columns = entry.get("columns")
    if entry.get("layout") != "respondents" or not isinstance(columns, dict) or "respondent_id" in columns:
        return ""
    return "Respondents are identified by their row number in the file, which has no respondent id column."


def _script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script.

    Examples
    --------
    >>> _script_hash("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def index_page(instances: list[Instance], out_dir: Path, *, build_date: str) -> str:
    """The HTML of ``index.html``: every report in ``out_dir``, grouped by analysis, with its headline.

    A text box filters the list as one types (an inline script, allowed by its hash and nothing
    else); without scripts the box stays hidden and the whole list shows.

    Examples
    --------
    >>> import tempfile
    >>> html = index_page([], Path(tempfile.mkdtemp()), build_date="today")
    >>> "No reports have been built yet" in html, "script-src &#39;sha256-" in html
    (True, True)
    """
    groups: dict[str, list[dict[str, str | None]]] = {}
    for inst in instances:
        if (out_dir / f"{inst.name}.html").exists():
            groups.setdefault(inst.analysis, []).append(
                {"name": inst.name, "title": inst.title, "headline": headline(out_dir / f"{inst.name}.ipynb")}
            )
    script = (TEMPLATES / "index_filter.js").read_text(encoding="utf-8")
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    return env.get_template("index.html.j2").render(
        groups=groups, build_date=build_date, version=cxlab.__version__,
        css=(TEMPLATES / "cxlab_report" / "report.css").read_text(encoding="utf-8"),
        script=script, csp=f"{CSP}; script-src {_script_hash(script)}",
    )
