"""Every built page as a reader reads it: no negative zero, no NaN and no code name in its words or tables,
and no table without rows."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

#: What a reader must never meet: a negative zero (-0.0, -0, −0.00), a NaN, a parameter's code name.
UNREADABLE = re.compile(r"(?<![\w.])[-−]0(\.0+)?(?![\d.])|\b(NaN|nan|min_n|min_difference|keep_flagged)\b")


def _reader_text(html: str) -> str:
    """The words a reader sees or hears: the page's text and every image's alt text (not the image data)."""
    page = BeautifulSoup(html, "html.parser")
    alts = [img.get("alt", "") for img in page.find_all("img")]
    for tag in page.find_all(["img", "style", "script"]):
        tag.decompose()
    return " ".join([page.get_text(" "), *alts])


def test_the_check_finds_what_it_looks_for() -> None:
    shown = _reader_text('<p>Change -0.0 points; n = NaN</p><img src="data:image/png;base64,NaN" alt="min_n = 10">'
                         "<td>−0</td><td>-0.05</td><td>0.0</td><td>-0.04</td>")
    assert [m.group(0) for m in UNREADABLE.finditer(shown)] == ["-0.0", "NaN", "−0", "min_n"]


def test_no_page_shows_a_negative_zero_a_nan_or_a_code_name(built_catalog) -> None:
    out, instances = built_catalog
    found = {}
    for instance in instances:
        shown = _reader_text((out / f"{instance.name}.html").read_text(encoding="utf-8"))
        hits = [shown[max(0, m.start() - 40):m.end() + 10] for m in UNREADABLE.finditer(shown)]
        if hits:
            found[instance.name] = hits[:3]
    assert found == {}


def test_no_page_shows_a_table_without_rows(built_catalog) -> None:
    """A table of headers alone tells a reader nothing (six scorecards showed one where no quarter compared)."""
    out, instances = built_catalog
    empty = {}
    for instance in instances:
        page = BeautifulSoup((out / f"{instance.name}.html").read_text(encoding="utf-8"), "html.parser")
        captions = [t.caption.get_text() if t.caption else "" for t in page.select("table") if not t.select("tbody tr")]
        if captions:
            empty[instance.name] = captions
    assert empty == {}
