"""Accessible HTML blocks that notebooks display: findings, tables, figures with alt text.

Every string is escaped, so text from data (an agency named ``<script>``) stays text. Each block
shows as HTML in JupyterLab and in the rendered report, and as plain text elsewhere.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from html import escape

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from cxlab.report import numbers
from cxlab.report.mimetypes import FIGURE_MIMETYPE, FINDINGS_MIMETYPE
from cxlab.report.layout import DPI, text_boxes

__all__ = ["FINDINGS_MIMETYPE", "FIGURE_MIMETYPE", "Block", "unmeasured", "findings_block", "table_block", "figure_block", "note_block"]

#: Whether figures measure their text as they are saved (reports: yes; explorers: no, for speed).
_MEASURE: ContextVar[bool] = ContextVar("cxlab_measure_figures", default=True)
#: A cell that is a web address, and only that, is written out as a source (not linked) that may wrap.
_URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class Block:
    """A fragment of safe HTML with a plain-text twin; notebooks display it as it is.

    ``findings``, when given, travels with the output as JSON so that a build can list a
    report's headline without parsing its HTML; ``figure_text``, the measured text of a figure
    (:func:`cxlab.report.layout.text_boxes`), so that a test can check every figure's layout.
    """

    html: str
    text: str
    findings: tuple[str, ...] = ()
    figure_text: dict[str, object] | None = field(default=None, compare=False)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, object]:
        bundle: dict[str, object] = {"text/html": self.html, "text/plain": self.text}
        if self.findings:
            bundle[FINDINGS_MIMETYPE] = {"findings": list(self.findings)}
        if self.figure_text is not None:
            bundle[FIGURE_MIMETYPE] = self.figure_text
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


def breakable_address(address: str) -> str:
    """An address escaped for HTML, with a line-break opportunity after each ``/``, ``?``, ``&`` and ``-``.

    Examples
    --------
    >>> breakable_address("https://x.org/a-b?c=<d>")
    'https://<wbr>x.org/<wbr>a-<wbr>b?<wbr>c=&lt;d&gt;'
    """
    return "<wbr>".join(escape(part) for part in re.split(r"(?<=[/?&-])(?!/)", address))


def _cell(value: object, write=numbers.number) -> str:
    """A value as escaped table text, written by the shared number formatter (:mod:`cxlab.report.numbers`).

    Examples
    --------
    >>> [_cell(v) for v in (None, float("nan"), "", True, 68.14, "<b>", 1224019, -0.0)]
    ['–', '–', '–', 'yes', '68.1', '&lt;b&gt;', '1,224,019', '0.0']

    A web address (http or https, nothing else) is written out, not linked (a report loads nothing
    and links nowhere), with places where it may wrap:

    >>> _cell("https://example.org/a?b=1&c=2")
    '<span class="source">https://<wbr>example.org/<wbr>a?<wbr>b=1&amp;<wbr>c=2</span>'
    >>> _cell("javascript:alert(1)")
    'javascript:alert(1)'
    """
    text = numbers.cell(value, write)
    if _URL.fullmatch(text):
        return f'<span class="source">{breakable_address(text)}</span>'
    return escape(text)


def table_block(frame: pd.DataFrame, *, caption: str) -> Block:
    """A data table with a caption and real header cells; the first column heads each row.

    Examples
    --------
    >>> b = table_block(pd.DataFrame({"Year": [2019], "Score": [68.1]}), caption="Scores")
    >>> b.html.count("<th ")
    3
    """
    head = "".join(f'<th scope="col">{_cell(c)}</th>' for c in frame.columns)
    formats = [numbers.column_format(c) for c in frame.columns]
    rows = "".join(
        "<tr>"
        + f'<th scope="row">{_cell(row[0], formats[0])}</th>'
        + "".join(f"<td>{_cell(v, f)}</td>" for v, f in zip(row[1:], formats[1:]))
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    html = (
        f'<table class="data"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )
    return Block(html, f"{caption}\n{frame.to_string(index=False)}")


@contextmanager
def unmeasured() -> Iterator[None]:
    """Figures made inside skip measuring their text (one draw less): for explorers, whose figures no test reads.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> with unmeasured():
    ...     block = figure_block(plt.figure(), alt="Empty.", caption="Nothing", data=pd.DataFrame({"x": [1]}))
    >>> block.figure_text is None
    True
    """
    token = _MEASURE.set(False)
    try:
        yield
    finally:
        _MEASURE.reset(token)


def _lay_out(figure: Figure) -> None:
    """Run the figure's layout engine now and fix the result, so that saving draws the figure once.

    With a layout engine, matplotlib's ``savefig`` draws the figure twice: once, without
    rendering, to lay it out, then for the image. The layout alone needs no drawing. The engine
    is then removed, not set to ``"none"``: that leaves a placeholder engine, and ``savefig``
    draws any figure with an engine twice.
    """
    if (engine := figure.get_layout_engine()) is not None:
        engine.execute(figure)
        with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            figure.set_layout_engine(None)  # None takes the rc default engine: none here


def figure_block(figure: Figure, *, alt: str, caption: str, data: pd.DataFrame, png: bytes | None = None) -> Block:
    """A figure as an inline PNG with its alt text, caption, and its data as a table.

    The PNG is the figure's own canvas (no cropping, so text the layout pushed out shows as cut)
    and carries no timestamp or software stamp, so the same figure gives the same bytes. The box
    of every text it draws, measured in the very drawing that made the PNG, travels with the
    block (``figure_text``). ``png``, the figure already
    rendered (by an explorer that updates a figure in place), is used as it is: the figure is
    neither measured, drawn again nor closed.

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
    measured = None
    if png is None:
        figure.set_dpi(DPI)
        _lay_out(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        measured = text_boxes(figure, drawn=True) if _MEASURE.get() else None
        plt.close(figure)
        png = buffer.getvalue()
    width, height = (round(v) for v in figure.bbox.size)
    encoded = base64.b64encode(png).decode("ascii")
    table = table_block(data, caption=f"Data for the figure: {caption}")
    html = (
        f'<figure class="chart"><img src="data:image/png;base64,{encoded}" width="{width}" height="{height}" '
        f'style="max-width: 100%; height: auto" alt="{escape(alt)}">'
        f"<figcaption>{escape(caption)}</figcaption>"
        f"<details><summary>Show the data behind this figure</summary>{table.html}</details></figure>"
    )
    return Block(html, f"[Figure: {alt}]", figure_text=measured)
