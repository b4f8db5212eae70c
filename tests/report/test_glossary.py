"""The glossary of every built report: exactly the terms the report uses, each linked at its first use."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from cxlab.report.glossary import TERMS, add_glossary, terms_in

_SKIPPED = ("h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre", "summary")


@pytest.fixture(scope="module")
def pages(built_catalog) -> dict[str, BeautifulSoup]:
    out, instances = built_catalog
    return {i.name: BeautifulSoup((out / f"{i.name}.html").read_text(encoding="utf-8"), "html.parser")
            for i in instances}


def _body_text(page: BeautifulSoup) -> str:
    """The page's main text as the glossary scans it: headings and the glossary itself left out."""
    main = BeautifulSoup(str(page.main), "html.parser")
    for tag in main.select(".glossary, " + ", ".join(t for t in _SKIPPED if t != "a")):
        tag.decompose()
    return main.get_text(" ")


def test_every_report_explains_exactly_the_terms_it_uses(pages) -> None:
    assert all(page.select_one("section.glossary") for page in pages.values()), "a report without a glossary"
    for name, page in pages.items():
        listed = [dt["id"].removeprefix("term-") for dt in page.select(".glossary dt")]
        used = [t.key for t in terms_in(_body_text(page))]
        assert sorted(listed) == sorted(used), name
        assert all(dd.get_text(strip=True).endswith(".") for dd in page.select(".glossary dd")), name


def _linkable_strings(page: BeautifulSoup) -> list:
    """The main content's text nodes in reading order, as the glossary may link them."""
    return [s for s in page.main.find_all(string=True)
            if not s.find_parent(["h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "summary"])
            and not s.find_parent(class_="glossary")
            and (s.parent.name != "a" or "term" in (s.parent.get("class") or []))]


def test_each_term_is_linked_once_at_its_first_use(pages) -> None:
    for name, page in pages.items():
        strings = _linkable_strings(page)
        for dt in page.select(".glossary dt"):
            links = page.select(f'main a[href="#{dt["id"]}"]')
            assert len(links) == 1, (name, dt["id"])
            term = next(t for t in TERMS if f"term-{t.key}" == dt["id"])
            first = next(s for s in strings if re.search(term.pattern, str(s)))
            assert first.parent is links[0], (name, term.key, str(first))


def test_the_glossary_comes_last_in_the_main_content_and_headings_stay_in_order(pages) -> None:
    for name, page in pages.items():
        sections = page.main.find_all(["section", "h2"], recursive=True)
        assert sections[-2].name == "section" and "glossary" in sections[-2]["class"], name
        assert page.main.find_all("h2")[-1].get_text() == "Glossary", name


def test_linking_never_touches_attributes_headings_or_existing_links() -> None:
    page = ('<main><h2>Games-Howell</h2><p title="Games-Howell">See <a href="#x">Games-Howell</a>.</p>'
            "<p>Games-Howell pairs.</p></main>")
    linked = add_glossary(page)
    assert linked.count('href="#term-games-howell"') == 1
    assert '<h2>Games-Howell</h2><p title="Games-Howell">See <a href="#x">Games-Howell</a>.</p>' in linked
    assert '<p><a class="term" href="#term-games-howell">Games-Howell</a> pairs.</p>' in linked
