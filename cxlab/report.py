"""Turn an executed notebook into a self-contained HTML report with cxlab's own template.

No code, no prompts, no scripts and nothing fetched from a network: figures are inline, styles
are inline, and the provenance footer comes from the notebook's ``cxlab`` metadata. Each page
carries a content security policy that forbids every load from outside the file, so a mistake
shows up as a console error (which the browser tests count) instead of a request.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from importlib.resources import files
from pathlib import Path

import nbformat
from jinja2 import Environment, FileSystemLoader, select_autoescape
from nbconvert import HTMLExporter

import cxlab
from cxlab import registry
from cxlab.blocks import FINDINGS_MIMETYPE
from cxlab.catalog import Instance

__all__ = [
    "TEMPLATES",
    "CSP",
    "export_html",
    "no_empty_headers",
    "json_text",
    "strip_run_metadata",
    "provenance",
    "headline",
    "index_page",
]

TEMPLATES = Path(str(files("cxlab") / "templates"))

#: The content security policy of every page: inline styles and ``data:`` images, nothing else.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_EMPTY_HEADER = re.compile(r"<th(\s[^>]*)?>(?:\s|&nbsp;|&#160;)*</th>")


def no_empty_headers(html: str) -> str:
    """Turn empty header cells (the corner cell of a pandas table) into empty data cells.

    A header cell that heads nothing confuses screen readers (axe: ``empty-table-header``).

    Examples
    --------
    >>> no_empty_headers('<tr><th></th><th>a</th><th class="blank level0" >&nbsp;</th></tr>')
    '<tr><td></td><th>a</th><td class="blank level0" ></td></tr>'
    """
    return _EMPTY_HEADER.sub(lambda m: f"<td{m.group(1) or ''}></td>", html)


def json_text(value: object) -> str:
    """A parameter's value as a reader sees it written: JSON, not escaped for a script.

    Examples
    --------
    >>> json_text("<b>"), json_text(None), json_text([2015, "x"])
    ('"<b>"', 'null', '[2015, "x"]')
    """
    return json.dumps(value, ensure_ascii=False)


def strip_run_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove what differs between two runs of the same notebook (timings, papermill state).

    Cell ids become their position, so the same notebook gives the same bytes.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(metadata={"papermill": {"duration": 1.0}})
    >>> nb.cells.append(nbformat.v4.new_code_cell("1", metadata={"execution": {"iopub.status.busy": "x"}}))
    >>> clean = strip_run_metadata(nb)
    >>> "papermill" in clean.metadata, dict(clean.cells[0].metadata), clean.cells[0].id
    (False, {}, 'cell-0')
    """
    nb.metadata.pop("papermill", None)
    for number, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell["id"] = f"cell-{number}"
    return nb


def export_html(nb: nbformat.NotebookNode, *, title: str) -> str:
    """Render an executed notebook as report HTML (no input cells, no prompts, no anchor links).

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(metadata={"cxlab": {"title": "Demo <1>"}})
    >>> nb.cells.append(nbformat.v4.new_code_cell("print('hi')", outputs=[
    ...     nbformat.v4.new_output("stream", name="stdout", text="hi")]))
    >>> html = export_html(nb, title="Demo <1>")
    >>> "<h1>Demo &lt;1&gt;</h1>" in html, "print(" in html, "<script" in html
    (True, False, False)
    """
    exporter = HTMLExporter(
        template_name="cxlab_report",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        filters={"no_empty_headers": no_empty_headers, "json_text": json_text},
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}, "csp": CSP})
    return body


def provenance(instance: Instance, *, build_date: str, commit: str | None) -> dict[str, object]:
    """The ``cxlab`` notebook metadata the report template turns into the provenance footer.

    Paths are relative to the project (``data/...``, ``notebooks/...``), so no report shows
    where it was built or by whom.

    Examples
    --------
    >>> from cxlab.catalog import NOTEBOOKS
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
        datasets.append({"name": name, "licence": entry.get("licence", ""), "files": files})
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


def headline(executed: Path) -> str | None:
    """The first key finding of an executed report notebook, if it has one.

    Examples
    --------
    >>> import tempfile
    >>> from cxlab.blocks import findings_block
    >>> from cxlab.findings import Finding
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
    ...     "display_data", data=findings_block([Finding("Gap of 8 points.")])._repr_mimebundle_())]))
    >>> path = Path(tempfile.mkdtemp()) / "demo.ipynb"
    >>> nbformat.write(nb, path)
    >>> headline(path), headline(path.with_name("missing.ipynb"))
    ('Gap of 8 points.', None)
    """
    if not executed.exists():
        return None
    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            found = output.get("data", {}).get(FINDINGS_MIMETYPE, {}).get("findings")
            if found:
                return found[0]
    return None


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
