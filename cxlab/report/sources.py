"""The sources of published points, listed point by point, with addresses that may wrap on a narrow page."""

from __future__ import annotations

from html import escape

import pandas as pd

from cxlab.report.blocks import Block, breakable_address

__all__ = ["sources_block"]


def sources_block(points: pd.DataFrame, *, source: str = "source", describe: str = "described",
                  heading: str = "Sources, point by point") -> Block:
    """Each distinct source once, with the points it gives (``describe``: one short text per point).

    An address is written out (not linked: a report loads nothing and links nowhere), with places
    where it may wrap on a narrow page; any other source stays text as it is.

    Examples
    --------
    >>> pts = pd.DataFrame({"source": ["https://a.org/x", "https://a.org/x", "FCW, p.12"],
    ...                     "described": ["Interior 2021: 77", "Treasury 2021: 54", "federal 2015: 56.5"]})
    >>> print(sources_block(pts).text)
    Sources, point by point
    - https://a.org/x: Interior 2021: 77; Treasury 2021: 54
    - FCW, p.12: federal 2015: 56.5
    """
    items, lines = [], [heading]
    for where, rows in points.groupby(source, sort=False):
        given = "; ".join(rows[describe])
        shown = breakable_address(where) if where.startswith(("http://", "https://")) else escape(where)
        items.append(f"<li>{escape(given)}: {shown}</li>")
        lines.append(f"- {where}: {given}")
    html = f'<section class="sources" aria-label="{escape(heading)}"><ul>{"".join(items)}</ul></section>'
    return Block(html, "\n".join(lines))
