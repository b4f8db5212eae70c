"""Turn an executed notebook into a self-contained HTML report with cxlab's own template.

No code, no prompts, no scripts and nothing fetched from a network: figures are inline, styles
are inline, and the provenance footer comes from the notebook's ``cxlab`` metadata.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import nbformat
from jinja2 import Environment, FileSystemLoader, select_autoescape
from nbconvert import HTMLExporter

import cxlab
from cxlab import registry
from cxlab.blocks import FINDINGS_MIMETYPE
from cxlab.catalog import Instance

__all__ = ["TEMPLATES", "export_html", "strip_run_metadata", "provenance", "headline", "index_page"]

TEMPLATES = Path(str(files("cxlab") / "templates"))


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
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def provenance(instance: Instance, *, build_date: str, commit: str | None) -> dict[str, object]:
    """The ``cxlab`` notebook metadata the report template turns into the provenance footer."""
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
    """The first key finding of an executed report notebook, if it has one."""
    if not executed.exists():
        return None
    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            found = output.get("data", {}).get(FINDINGS_MIMETYPE, {}).get("findings")
            if found:
                return found[0]
    return None


def index_page(instances: list[Instance], out_dir: Path, *, build_date: str) -> str:
    """The HTML of ``index.html``: every report in ``out_dir``, grouped by analysis, with its headline."""
    groups: dict[str, list[dict[str, str | None]]] = {}
    for inst in instances:
        if (out_dir / f"{inst.name}.html").exists():
            groups.setdefault(inst.analysis, []).append(
                {"name": inst.name, "title": inst.title, "headline": headline(out_dir / f"{inst.name}.ipynb")}
            )
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    return env.get_template("index.html.j2").render(
        groups=groups, build_date=build_date, version=cxlab.__version__,
        css=(TEMPLATES / "cxlab_report" / "report.css").read_text(encoding="utf-8"),
    )
