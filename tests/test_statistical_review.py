"""A statistical review of every built report of the catalog, as a careful reader would do it.

Every level and percentage lies within 0-100, every interval contains its estimate, and every
sentence that says a score rose, fell, improved or declined, or a gap widened or narrowed, is
backed by a tested change that passes the report's rule: an interval that excludes zero and a
difference of at least the minimum meaningful difference (1 point on 0-100 in the catalog).
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

MIN_DIFFERENCE = 1.0
NUMBER = r"-?\d[\d,]*(?:\.\d+)?"
#: A level: an unsigned estimate (a difference is always written with its sign) and its interval.
LEVEL = re.compile(rf"(?<![\w+.-])(\d[\d,]*(?:\.\d+)?) \(95% CI ({NUMBER}) to ({NUMBER})\)")
SIGNED = re.compile(rf"(?<![\w.])([+-]?{NUMBER}) \(95% CI ([+-]{NUMBER}) to ([+-]{NUMBER})\)")
PERCENT = re.compile(rf"(?<![\w.])({NUMBER})%")
CHANGE = re.compile(r"\b(rose|fell|widened|narrowed|improved|declined)\b")
BACKED = re.compile(rf"\b(?:rose|fell|widened|narrowed|improved|declined) by ({NUMBER}) points \(95% CI "
                    rf"([+-]{NUMBER}) to ([+-]{NUMBER})\)")


def number(text: str) -> float:
    return float(text.replace(",", ""))


@pytest.fixture(scope="module")
def pages(built_catalog) -> dict[str, BeautifulSoup]:
    out, instances = built_catalog
    return {i.name: BeautifulSoup((out / f"{i.name}.html").read_text(encoding="utf-8"), "html.parser")
            for i in instances}


def sentences(page: BeautifulSoup) -> list[str]:
    """The report's words a reader meets: findings with caveats, notes, captions and alt text."""
    found = [li.get_text(" ", strip=True) for li in page.select("section.findings li")]
    found += [p.get_text(" ", strip=True) for p in page.select("p.note")]
    found += [img.get("alt", "") for img in page.select("img")]
    return found


def test_the_whole_built_catalog_is_reviewed(pages: dict[str, BeautifulSoup], built_catalog):
    assert len(pages) == len(built_catalog[1]) > 0
    assert all(page.select("section.findings li") for page in pages.values())


def test_every_level_and_its_interval_lie_within_0_100(pages):
    problems = []
    for name, page in pages.items():
        for text in sentences(page):
            for match in LEVEL.finditer(text):
                estimate, low, high = (number(g) for g in match.groups())
                if not (0 <= low <= estimate <= high <= 100):
                    problems.append(f"{name}: {match.group(0)}")
    assert not problems, problems


def test_every_difference_lies_within_its_interval(pages):
    problems = []
    for name, page in pages.items():
        for text in sentences(page):
            for match in SIGNED.finditer(text):
                estimate, low, high = (number(g) for g in match.groups())
                if not low <= estimate <= high:
                    problems.append(f"{name}: {match.group(0)}")
    assert not problems, problems


def test_every_percentage_lies_within_0_100(pages):
    problems = [f"{name}: {m.group(0)}" for name, page in pages.items() for text in sentences(page)
                for m in PERCENT.finditer(text) if not 0 <= number(m.group(1)) <= 100]
    assert not problems, problems


def test_table_columns_of_levels_stay_within_0_100(pages):
    problems = []
    for name, page in pages.items():
        for table in page.select("table"):
            heads = [th.get_text(strip=True) for th in table.select("thead th")]
            levels = [i for i, h in enumerate(heads)
                      if "(0-100)" in h or h.endswith("(%)") or h in {"Mean (0-100)", "Score"}]
            for row in table.select("tbody tr"):
                cells = row.find_all(["th", "td"])
                for i in levels:
                    value = cells[i].get_text(strip=True).replace(",", "")
                    if re.fullmatch(NUMBER, value) and not 0 <= float(value) <= 100:
                        problems.append(f"{name}: {heads[i]} = {value}")
    assert not problems, problems


def test_every_change_word_is_backed_by_a_change_that_counts(pages):
    problems = []
    for name, page in pages.items():
        for text in sentences(page):
            for clause in re.split(r"[;.] ", text):
                if not CHANGE.search(clause):
                    continue
                backed = BACKED.search(clause)
                if backed is None:
                    problems.append(f"{name}: no tested change behind {clause!r}")
                    continue
                size, low, high = (number(g) for g in backed.groups())
                if size < MIN_DIFFERENCE or low <= 0 <= high:
                    problems.append(f"{name}: {backed.group(0)} does not pass the rule")
    assert not problems, problems


def test_no_report_names_a_change_from_a_series_ends_alone(pages):
    sector = [page for name, page in pages.items() if name.startswith(("acsi-", "forrester-"))]
    assert sector
    for page in sector:
        text = " ".join(sentences(page))
        assert "went from" in text and not CHANGE.search(text)
