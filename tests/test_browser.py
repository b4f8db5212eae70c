"""Built reports and their index, opened in headless Chromium with every network request blocked.

Each page must make no request outside its own file, log no console error, and pass axe-core
(WCAG 2.0/2.1 A and AA, and best practice) with zero violations. A missing browser fails these
tests; it never skips them (``.ci/install-browser`` installs it).

The reports are built once per module from the catalog: every report (``CXLAB_BROWSER_SAMPLE=1``
takes only the first report of each notebook, for a quick run while developing).
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, Page

from cxlab.build.batch import build_one
from cxlab.build.catalog import NOTEBOOKS, Instance
from cxlab.build.pages import index_page
from cxlab.report.export import headline

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
MAX_BYTES = 1_500_000
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'


@dataclass
class Visit:
    """What one page did while it was open."""

    url: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)


def _open(browser: Browser, path: Path, *, scripts: bool = True) -> tuple[Page, Visit]:
    """Open ``path`` with every request but the file itself aborted, and record what happened."""
    visit = Visit(path.resolve().as_uri())
    context = browser.new_context(java_script_enabled=scripts)

    def route(handle) -> None:
        visit.requests.append(handle.request.url)
        if handle.request.url == visit.url:
            handle.continue_()
        else:
            visit.blocked.append(handle.request.url)
            handle.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: visit.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: visit.console_errors.append(str(error)))
    page.on("dialog", lambda d: (visit.dialogs.append(d.message), d.dismiss()))
    page.goto(visit.url, wait_until="load")
    return page, visit


def _axe(page: Page) -> list[str]:
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    found = Axe().run(page, options=options).response["violations"]
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})" for v in found]


@pytest.fixture(scope="module")
def built(built_catalog: tuple[Path, list[Instance]]) -> tuple[Path, list[Instance]]:
    return built_catalog


@pytest.fixture(scope="module")
def visits(browser: Browser, built) -> dict[str, Visit]:
    """Every built report and the index, each opened once and checked with axe."""
    out, _ = built
    found = {}
    for path in sorted(out.glob("*.html")):
        page, visit = _open(browser, path)
        visit.violations = _axe(page)
        page.context.close()
        found[path.name] = visit
    return found


def test_every_report_and_the_index_were_opened(built, visits):
    _, instances = built
    assert sorted(visits) == sorted([f"{i.name}.html" for i in instances] + ["index.html"])


def test_no_request_leaves_the_file(visits):
    assert {name: v.blocked for name, v in visits.items() if v.blocked} == {}
    assert all(v.requests == [v.url] for v in visits.values())


def test_no_console_errors(visits):
    assert {name: v.console_errors for name, v in visits.items() if v.console_errors} == {}


def test_axe_finds_no_violations(visits):
    assert {name: v.violations for name, v in visits.items() if v.violations} == {}


def _without_inline_data(html: str) -> str:
    """The page without inline images and web addresses (a source's address may hold /home)."""
    return re.sub(r"https?://[^\s\"'<>]+", "URL", re.sub(r"data:[^\"']*", "data:", html))


def _leaks(html: str) -> list[str]:
    """Absolute local paths or the user's name in a page (inline images left out)."""
    text = _without_inline_data(html)
    user = re.escape(getpass.getuser())
    patterns = [r"/work\b", r"/root\b", r"/home\b", r"/tmp\b", re.escape(str(Path.home())),
                rf"[/\\@]{user}\b", rf"\b{user}@"]
    return [p for p in patterns if re.search(p, text)]


def test_reports_are_small_self_contained_and_name_no_local_path(built):
    out, instances = built
    for path in [out / f"{i.name}.html" for i in instances] + [out / "index.html"]:
        html = path.read_text(encoding="utf-8")
        assert path.stat().st_size <= MAX_BYTES, (path.name, path.stat().st_size)
        assert _leaks(html) == [], path.name
        assert re.search(r"""\bsrc=["']?(https?:)?//|<link[^>]*href=["']?(https?:)?//""", html) is None, path.name


def test_report_structure_findings_figures_methods_provenance(built):
    out, instances = built
    for instance in instances:
        page = BeautifulSoup((out / f"{instance.name}.html").read_text(encoding="utf-8"), "html.parser")
        assert [h.get_text() for h in page.find_all("h1")] == [instance.title]
        first = page.main.find(["section", "figure", "table"])
        assert first.name == "section" and "findings" in first["class"], instance.name
        for img in page.find_all("img"):
            figure = img.find_parent("figure", class_="chart")
            assert figure is not None and figure.select_one("details table thead th[scope=col]"), instance.name
            assert any(ch.isdigit() for ch in img["alt"]), img["alt"]
        assert all(th.get_text(strip=True) for th in page.find_all("th")), instance.name
        assert page.find(["h2", "h3"], string=re.compile("Methods")) is not None
        footer = page.find("footer").get_text(" ", strip=True)
        for dataset in instance.data:
            assert re.search(rf"Data set {dataset} .*sha256 [0-9a-f]{{12}}…", footer), footer
        assert "Parameters" in footer and "cxlab" in footer and "Built on" in footer


def test_index_lists_every_report_by_analysis_with_its_headline(built):
    out, instances = built
    page = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    for instance in instances:
        item = page.find("a", href=f"{instance.name}.html").find_parent("li")
        assert item.find_parent("section").h2.get_text() == instance.analysis
        assert item.select_one(".headline").get_text(strip=True), instance.name


def test_index_filters_by_text_without_network(browser, built):
    out, instances = built
    texts = [f"{i.analysis} {i.title} {headline(out / f'{i.name}.ipynb')}".lower() for i in instances]
    word = next(w for w in re.findall(r"[a-z]{4,}", texts[-1]) if w not in texts[0])
    expected = sum(word in text for text in texts)
    page, visit = _open(browser, out / "index.html")
    items = page.locator("section.analysis li")
    page.get_by_label("Filter reports").fill(word.upper())
    assert sum(items.nth(k).is_visible() for k in range(items.count())) == expected < len(instances)
    assert page.get_by_role("status").inner_text() == f"{expected} of {len(instances)} reports shown"
    page.get_by_label("Filter reports").fill("no report has this zzqx")
    assert not page.locator("section.analysis").first.is_visible()
    assert page.get_by_role("status").inner_text() == f"0 of {len(instances)} reports shown"
    page.get_by_label("Filter reports").fill("")
    assert all(items.nth(k).is_visible() for k in range(items.count()))
    assert visit.blocked == [] and visit.console_errors == []
    page.context.close()


def test_index_without_scripts_lists_everything(browser, built):
    out, instances = built
    page, _ = _open(browser, out / "index.html", scripts=False)
    assert page.locator("section.analysis li:visible").count() == len(instances)
    assert not page.get_by_label("Filter reports").is_visible()
    page.context.close()


def test_print_shows_the_data_behind_every_figure(browser, built):
    out, instances = built
    page, _ = _open(browser, out / f"{instances[0].name}.html")
    tables = page.locator("figure details table")
    assert tables.count() > 0 and not tables.first.is_visible()
    page.emulate_media(media="print")
    assert all(tables.nth(k).is_visible() for k in range(tables.count()))
    assert not page.locator("details summary").first.is_visible()
    page.context.close()


def _strip_build_date(html: str) -> str:
    return re.sub(r'<p class="build-date">.*?</p>', "", html)


def test_same_inputs_give_the_same_html(built, tmp_path: Path):
    out, instances = built
    again = build_one(instances[0], tmp_path, build_date="another day", commit=None)
    assert again.status == "built", again
    first = (out / f"{instances[0].name}.html").read_text(encoding="utf-8")
    second = (tmp_path / f"{instances[0].name}.html").read_text(encoding="utf-8")
    assert _strip_build_date(re.sub(r", commit <code>\w+</code>", "", first)) == _strip_build_date(second)


def _with_markup_in_names(data: Path) -> None:
    """Rename the Forrester federal and private series' entities to markup, and re-register the file."""
    path = data / "cx_benchmarks.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    names = {"US federal average": SCRIPT, "US private sector average": ATTRIBUTE}
    for row in rows:
        row["entity"] = names.get(row["entity"], row["entity"])
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    registry_path = data / "datasets.yml"
    registry = yaml.safe_load(registry_path.read_text(encoding="utf-8"))
    registry["cx_benchmarks"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    registry_path.write_text(yaml.safe_dump(registry, sort_keys=False), encoding="utf-8")


def test_markup_in_data_never_runs_and_stays_visible_text(browser, data_copy: Path, tmp_path: Path):
    _with_markup_in_names(data_copy)
    instance = Instance(
        name="markup", notebook=NOTEBOOKS / "sector_gap.ipynb", title=SCRIPT, analysis=ATTRIBUTE,
        parameters={"index": "Forrester CX Index", "lower": "federal_government", "upper": "private_sector"},
        data=("cx_benchmarks",),
    )
    outcome = build_one(instance, tmp_path, build_date="today", commit=None)
    assert outcome.status == "built", outcome
    (tmp_path / "index.html").write_text(index_page([instance], tmp_path, build_date="today"), encoding="utf-8")
    for name in ("markup.html", "index.html"):
        page, visit = _open(browser, tmp_path / name)
        assert (visit.dialogs, visit.console_errors, visit.blocked) == ([], [], []), name
        assert page.locator("img[src='x'], [onerror]").count() == 0, name
        assert page.locator("script").count() == (name == "index.html"), "only the index's own filter"
        shown = page.locator("main").inner_text()
        assert SCRIPT in shown and ATTRIBUTE in shown, name
        page.context.close()
    assert _leaks((tmp_path / "markup.html").read_text(encoding="utf-8")) == []


def _printed_pages(browser, path: Path, tmp_path: Path) -> list[list[str]]:
    """The lines of text of each page of ``path`` printed to PDF on Letter paper (pdftotext)."""
    page, _ = _open(browser, path)
    pdf = tmp_path / f"{path.stem}.pdf"
    page.pdf(path=str(pdf), format="Letter")
    page.context.close()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[line.strip() for line in chunk.splitlines() if line.strip()] for chunk in text.split("\f")[:-1]]


#: A Letter page less Chromium's default margins, and the printed width a figure is scaled to (CSS px).
_PAGE_HEIGHT, _PAGE_WIDTH = (11 - 0.8) * 96, (8.5 - 0.8) * 96


def _before_a_giant(heading) -> bool:
    """True when the heading introduces a figure taller than a printed page: nothing can keep them together."""
    following = heading.find_next(["img", "h2", "h3"])
    if following is None or following.name != "img" or not following.get("height"):
        return False
    return int(following["height"]) * min(1, _PAGE_WIDTH / int(following["width"])) > _PAGE_HEIGHT


def test_printed_headings_stay_with_what_follows_and_the_last_page_is_not_nearly_empty(browser, built, tmp_path):
    out, instances = built
    firsts = {}
    for instance in instances:
        firsts.setdefault(instance.notebook, instance)
    for instance in firsts.values():
        path = out / f"{instance.name}.html"
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        headings = {h.get_text(strip=True) for h in soup.find_all(["h2", "h3"]) if not _before_a_giant(h)}
        pages = _printed_pages(browser, path, tmp_path)
        assert len(pages) > 1, instance.name
        stranded = [(k + 1, lines[-1]) for k, lines in enumerate(pages[:-1]) if lines and lines[-1] in headings]
        assert stranded == [], (instance.name, stranded)
        full = max(len(lines) for lines in pages)
        assert len(pages[-1]) >= 0.15 * full, (instance.name, len(pages[-1]), full)
