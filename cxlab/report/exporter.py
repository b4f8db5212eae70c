"""nbconvert's HTML exporter without its last pass, for pages made from cxlab's own template.

nbconvert's ``HTMLExporter`` parses every page it has rendered again with BeautifulSoup, to give
images without alt text a placeholder and make notebook cells focusable, and writes the page out
anew: about half the cost of a page. cxlab's report template gives every image its alt text and
has no notebook cells, so that pass changes nothing but how the page is written. This exporter
keeps everything else of ``HTMLExporter`` (its configuration, output priorities and markdown
rendering) and returns the template's page as rendered. This module imports nbconvert: it is
imported only where a page is made.
"""

from __future__ import annotations

from typing import Any

from nbconvert import HTMLExporter
from nbconvert.exporters import TemplateExporter
from nbformat import NotebookNode

__all__ = ["PlainHTMLExporter"]


class PlainHTMLExporter(HTMLExporter):
    """``HTMLExporter`` that returns the rendered template as it is (no BeautifulSoup pass).

    For templates that show no code (nbconvert's code highlighting is not set up).

    Examples
    --------
    >>> import nbformat
    >>> from cxlab.report.export import TEMPLATES, json_text, no_empty_headers
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Key findings")])
    >>> exporter = PlainHTMLExporter(template_name="cxlab_report", extra_template_basedirs=[str(TEMPLATES)],
    ...                              exclude_anchor_links=True,
    ...                              filters={"no_empty_headers": no_empty_headers, "json_text": json_text})
    >>> page, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": "Demo"}, "csp": ""})
    >>> "<h2>Key findings</h2>" in page
    True
    """

    def from_notebook_node(self, nb: NotebookNode, resources: dict[str, Any] | None = None,
                           **kw: Any) -> tuple[str, dict[str, Any]]:
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)
