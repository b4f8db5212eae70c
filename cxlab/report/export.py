"""Turn an executed notebook into a self-contained HTML report with cxlab's own template.

No code, no prompts, no scripts and nothing fetched from a network: figures are inline, styles
are inline, and the provenance footer comes from the notebook's ``cxlab`` metadata. Each page
carries a content security policy that forbids every load from outside the file, so a mistake
shows up as a console error (which the browser tests count) instead of a request.
"""

from __future__ import annotations

import functools
import json
import re
from importlib.resources import files
from pathlib import Path

from typing import TYPE_CHECKING

from cxlab.report.mimetypes import FINDINGS_MIMETYPE
from cxlab.report.glossary import add_glossary

if TYPE_CHECKING:  # nbformat and nbconvert are imported where a page is made: a no-op build needs neither
    import nbformat
    from cxlab.report.exporter import PlainHTMLExporter

__all__ = [
    "TEMPLATES",
    "CSP",
    "export_html",
    "no_empty_headers",
    "json_text",
    "strip_run_metadata",
    "headline",
]

TEMPLATES = Path(str(files("cxlab.report") / "templates"))

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
    >>> import nbformat
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

    The technical terms the page uses are linked at their first use to a glossary at the end of
    its main content (:func:`cxlab.report.glossary.add_glossary`).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(metadata={"cxlab": {"title": "Demo <1>"}})
    >>> nb.cells.append(nbformat.v4.new_code_cell("print('hi')", outputs=[
    ...     nbformat.v4.new_output("stream", name="stdout", text="hi")]))
    >>> html = export_html(nb, title="Demo <1>")
    >>> "<h1>Demo &lt;1&gt;</h1>" in html, "print(" in html, "<script" in html
    (True, False, False)
    """
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}, "csp": CSP})
    return add_glossary(body)


@functools.cache
def _exporter() -> PlainHTMLExporter:
    """The one exporter of this process: its templates are compiled once, not for every page.

    The notebook is validated once, after all preprocessors (nbconvert's default: after each).
    """
    from cxlab.report.exporter import PlainHTMLExporter

    return PlainHTMLExporter(
        template_name="cxlab_report",
        optimistic_validation=True,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        filters={"no_empty_headers": no_empty_headers, "json_text": json_text},
    )


def headline(executed: Path) -> str | None:
    """The first key finding of an executed report notebook, if it has one.

    Examples
    --------
    >>> import tempfile
    >>> from cxlab.report.blocks import findings_block
    >>> from cxlab.report.findings import Finding
    >>> import nbformat
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
    for cell in json.loads(executed.read_text(encoding="utf-8")).get("cells", []):
        for output in cell.get("outputs", []):
            found = output.get("data", {}).get(FINDINGS_MIMETYPE, {}).get("findings")
            if found:
                return found[0]
    return None
