"""Accessible HTML blocks that notebooks display: findings, tables, figures with alt text.

Every string is escaped, so text from data (an agency named ``<script>``) stays text. Each block
shows as HTML in JupyterLab and in the rendered report, and as plain text elsewhere.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from html import escape

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["FINDINGS_MIMETYPE", "Block", "findings_block", "table_block", "figure_block", "note_block"]

#: Output type under which a findings block also carries its sentences (the build reads them).
FINDINGS_MIMETYPE = "application/vnd.cxlab.report.findings+json"


@dataclass(frozen=True)
class Block:
    """A fragment of safe HTML with a plain-text twin; notebooks display it as it is.

    ``findings``, when given, travels with the output as JSON so that a build can list a
    report's headline without parsing its HTML.
    """

    html: str
    text: str
    findings: tuple[str, ...] = ()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, object]:
        bundle: dict[str, object] = {"text/html": self.html, "text/plain": self.text}
        if self.findings:
            bundle[FINDINGS_MIMETYPE] = {"findings": list(self.findings)}
        return bundle

    def __repr__(self) -> str:
        return self.text


def findings_block(findings: list, *, heading: str = "Key findings") -> Block:
    """A list of findings (objects with ``text`` and ``caveat``) as a labelled section.

    Examples
    --------
    >>> from cxlab.report.findings import Finding
    >>> b = findings_block([Finding("Gap of <b>10</b> points.", caveat="Derived value.")])
    >>> "&lt;b&gt;10&lt;/b&gt;" in b.html and "Derived value." in b.html
    True
    """
    items = "".join(
        f"<li>{escape(f.text)}"
        + (f' <span class="caveat">Caveat: {escape(f.caveat)}</span>' if f.caveat else "")
        + "</li>"
        for f in findings
    )
    html = f'<section class="findings" aria-label="{escape(heading)}"><ul>{items}</ul></section>'
    text = "\n".join(f"- {f.text}" + (f" (Caveat: {f.caveat})" if f.caveat else "") for f in findings)
    return Block(html, text, tuple(f.text for f in findings))


def note_block(text: str) -> Block:
    """A paragraph of plain-language text built from data.

    Examples
    --------
    >>> note_block("Agency <x>").html
    '<p class="note">Agency &lt;x&gt;</p>'
    """
    return Block(f'<p class="note">{escape(text)}</p>', text)


def _cell(value: object) -> str:
    """A value as table text: missing or blank as a dash, yes/no for flags, one decimal for floats.

    Examples
    --------
    >>> [_cell(v) for v in (None, float("nan"), "", True, 68.14, "<b>")]
    ['–', '–', '–', 'yes', '68.1', '&lt;b&gt;']
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return escape(str(value))


def table_block(frame: pd.DataFrame, *, caption: str) -> Block:
    """A data table with a caption and real header cells; the first column heads each row.

    Examples
    --------
    >>> b = table_block(pd.DataFrame({"Year": [2019], "Score": [68.1]}), caption="Scores")
    >>> b.html.count("<th ")
    3
    """
    head = "".join(f'<th scope="col">{_cell(c)}</th>' for c in frame.columns)
    rows = "".join(
        "<tr>"
        + f'<th scope="row">{_cell(row[0])}</th>'
        + "".join(f"<td>{_cell(v)}</td>" for v in row[1:])
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    html = (
        f'<table class="data"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )
    return Block(html, f"{caption}\n{frame.to_string(index=False)}")


def figure_block(figure: Figure, *, alt: str, caption: str, data: pd.DataFrame) -> Block:
    """A figure as an inline PNG with its alt text, caption, and its data as a table.

    The PNG carries no timestamp or software stamp, so the same figure gives the same bytes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> b = figure_block(fig, alt="An empty chart.", caption="Nothing",
    ...                  data=pd.DataFrame({"x": [1]}))
    >>> 'alt="An empty chart."' in b.html and "<details>" in b.html
    True
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    table = table_block(data, caption=f"Data for the figure: {caption}")
    html = (
        f'<figure class="chart"><img src="data:image/png;base64,{png}" alt="{escape(alt)}">'
        f"<figcaption>{escape(caption)}</figcaption>"
        f"<details><summary>Show the data behind this figure</summary>{table.html}</details></figure>"
    )
    return Block(html, f"[Figure: {alt}]")
