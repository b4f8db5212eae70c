"""The report template, blocks and figures, rendered without a kernel: structure, escaping, colour.

The same checks on reports that papermill really ran, and in a real browser, are in
test_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from matplotlib.colors import to_hex, to_rgba

from cxlab.report import plots
from cxlab.report.blocks import findings_block, note_block, table_block
from cxlab.build.catalog import Instance
from cxlab.report.findings import Finding
from cxlab.build.pages import index_page
from cxlab.report.export import CSP, TEMPLATES, export_html

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
HASH = "03e607de630f581839bf6cab35c9390426ce017a560ddf5d3126029339309837"


def _aligned() -> pd.DataFrame:
    return pd.DataFrame({
        "year": [2019, 2020, 2021], "period_left": ["2019", "2020", "2021"],
        "period_right": ["2019-Q1", "2020-Q2", "2021"], "score_left": [60.0, 61.5, 62.0],
        "score_right": [70.0, 70.5, 73.0], "gap": [10.0, 9.0, 11.0], "derived": [False, True, False],
    })


def _points(scores: list[float], value_type: str = "stated") -> pd.DataFrame:
    years = range(2018, 2018 + len(scores))
    return pd.DataFrame({"period": [str(y) for y in years], "period_start": pd.to_datetime([f"{y}-01-01" for y in years]),
                         "score": scores, "value_type": value_type})


def _shown(block) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data=block._repr_mimebundle_())


def _notebook(*, title: str, lower: str, upper: str) -> nbformat.NotebookNode:
    """An executed report notebook as the build makes it: prose, blocks, a pandas table, noise."""
    frame = pd.DataFrame({"Score": [61.5, 70.5]}, index=pd.Index([lower, upper], name=None))
    cell = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("How far do federal services trail the private sector?"),
        cell("result = run(index='ACSI')", outputs=[
            nbformat.v4.new_output("stream", name="stderr", text="UserWarning in /root/cxlab/x.py"),
            nbformat.v4.new_output("display_data", data={"application/javascript": "alert(2)"}),
        ]),
        nbformat.v4.new_markdown_cell("## Key findings"),
        cell("result.findings", outputs=[_shown(findings_block(
            [Finding(f"{lower} trails {upper} by 9.0 points.", caveat=f"{upper} is derived.")]))]),
        nbformat.v4.new_markdown_cell("## The gap, year by year\n\n### Per year"),
        cell("result.gap_chart", outputs=[_shown(plots.gap_chart(
            _aligned(), title=f"Gap: {upper} minus {lower}", upper=upper, lower=lower))]),
        cell("frame", outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/html": frame._repr_html_(), "text/plain": "frame"},
            execution_count=3)]),
        cell("print('done')", outputs=[nbformat.v4.new_output("stream", name="stdout", text="done\n")]),
        nbformat.v4.new_markdown_cell("## Methods and caveats"),
        cell("result.methods", outputs=[_shown(note_block(f"Scores of {lower} as published."))]),
    ]
    nb.metadata["cxlab"] = {
        "title": title, "analysis": f"Gaps of {lower}", "notebook": "notebooks/sector_gap.ipynb",
        "parameters": {"lower": lower, "start": 2019},
        "datasets": [{"name": "cx_benchmarks", "licence": f"quoted from {upper}",
                      "files": [{"file": "data/cx_benchmarks.csv", "sha256": HASH}]}],
        "cxlab_version": "0.1.0", "commit": "91099fa9a17b", "build_date": "2025-01-02 03:04 UTC",
    }
    return nb


@pytest.fixture(scope="module")
def page() -> BeautifulSoup:
    html = export_html(_notebook(title="ACSI: federal <b>vs</b> national", lower="Federal",
                                 upper="National"), title="fallback title")
    return BeautifulSoup(html, "html.parser")


def _levels(page: BeautifulSoup) -> list[int]:
    return [int(h.name[1]) for h in page.find_all(re.compile(r"^h[1-6]$"))]


def test_no_code_prompts_scripts_stderr_or_external_references(page):
    html = str(page)
    assert page.find("script") is None and "alert(2)" not in html
    assert "result.findings" not in html and "run(index=" not in html and "print(" not in html
    assert "In [" not in page.get_text() and "Out[" not in page.get_text()
    assert "/root" not in html and "UserWarning" not in html, "stderr reached the report"
    assert page.find(string=re.compile("done")) is not None, "stdout is shown"
    for tag in page.find_all(src=True) + page.find_all(href=True):
        assert (tag.get("src") or tag.get("href")).startswith(("data:", "#term-")), tag
    assert "url(" not in html and "@import" not in html


def test_page_language_title_landmarks_and_security_policy(page):
    assert page.html["lang"] == "en"
    assert page.title.get_text() == "ACSI: federal <b>vs</b> national"
    assert page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"] == CSP
    assert [t.name for t in page.body.find_all(recursive=False)] == ["header", "main", "footer"]


def test_one_h1_from_the_metadata_and_headings_in_order(page):
    assert [h.get_text() for h in page.find_all("h1")] == ["ACSI: federal <b>vs</b> national"]
    levels = _levels(page)
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels


def test_key_findings_come_before_figures_and_tables(page):
    order = [t.name for t in page.main.find_all(["section", "figure", "table"])]
    assert order[0] == "section" and page.main.find("section")["class"] == ["findings"]


def test_no_empty_header_cells_even_from_pandas(page):
    assert page.find("table", class_="dataframe") is not None
    for th in page.find_all("th"):
        assert th.get_text(strip=True), f"empty header cell in {th.parent}"


def test_figure_has_alt_text_from_its_data_and_its_data_as_a_table(page):
    figure = page.find("figure", class_="chart")
    assert figure.img["src"].startswith("data:image/png;base64,")
    alt = figure.img["alt"]
    assert "3 years from 2019 to 2021" in alt and "from 9.0 to 11.0" in alt and "rising from 10.0 to 11.0" in alt
    table = figure.find("details").find("table")
    assert table.caption.get_text().startswith("Data for the figure")
    assert [th["scope"] for th in table.thead.find_all("th")] == ["col"] * 7
    assert [td.get_text() for td in table.tbody.find_all("tr")[1].find_all("td")][-1] == "yes"


def test_provenance_footer(page):
    footer = page.find("footer").get_text(" ", strip=True)
    for expected in ("Data set cx_benchmarks", "data/cx_benchmarks.csv", f"sha256 {HASH[:12]}",
                     'lower = "Federal"', "start = 2019", "notebooks/sector_gap.ipynb", "cxlab 0.1.0",
                     "commit 91099fa9a17b", "Built on 2025-01-02 03:04 UTC."):
        assert expected in footer, expected
    assert HASH not in footer


def test_text_from_data_stays_text_in_every_place():
    nb = _notebook(title=SCRIPT, lower=SCRIPT, upper=ATTRIBUTE)
    html = export_html(nb, title=SCRIPT)
    page = BeautifulSoup(html, "html.parser")
    assert page.find("script") is None and not page.find_all("img", src="x")
    assert not page.find_all(attrs={"onerror": True})
    assert page.h1.get_text() == SCRIPT and page.title.get_text() == SCRIPT
    places = {"section.findings": (SCRIPT, ATTRIBUTE), "figcaption": (SCRIPT, ATTRIBUTE),
              "details caption": (SCRIPT, ATTRIBUTE), "details thead": (SCRIPT, ATTRIBUTE),
              "table.dataframe": (SCRIPT, ATTRIBUTE), "p.note": (SCRIPT,), ".kicker": (SCRIPT,),
              "footer": (f'lower = "{SCRIPT}"', ATTRIBUTE)}
    for selector, texts in places.items():
        shown = page.select_one(selector).get_text()
        assert all(t in shown for t in texts), (selector, shown)
    alt = page.find("figure").img["alt"]
    assert SCRIPT in alt and ATTRIBUTE in alt


def test_the_same_notebook_gives_the_same_bytes():
    first = export_html(_notebook(title="T", lower="A", upper="B"), title="T")
    second = export_html(_notebook(title="T", lower="A", upper="B"), title="T")
    assert first == second
    for png in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", first):
        chunks = base64.b64decode(png)[:4096]
        assert b"tIME" not in chunks and b"Software" not in chunks, "the PNG carries a time or software stamp"


def test_the_exporter_kept_between_pages_gives_each_page_as_a_fresh_one_would():
    from cxlab.report import export

    first, second = _notebook(title="T", lower="A", upper="B"), _notebook(title="U", lower="C", upper="D")
    export._exporter.cache_clear()
    alone = export_html(second, title="U")
    export._exporter.cache_clear()
    export_html(first, title="T")
    assert export_html(second, title="U") == alone


def test_a_page_is_the_document_nbconverts_html_exporter_makes():
    """The exporter without BeautifulSoup pass gives the page nbconvert's HTMLExporter
    gives with the same template and options: the same document, only written more plainly."""
    from nbconvert import HTMLExporter

    from cxlab.report import export

    nb, resources = _notebook(title="T", lower="A", upper="B"), {"metadata": {"name": "T"}, "csp": CSP}
    configured = export._exporter.__wrapped__  # a fresh exporter, configured as the pages' one
    nbconverts = HTMLExporter.from_notebook_node(configured(), nb, resources=dict(resources))[0]
    ours = configured().from_notebook_node(nb, resources=dict(resources))[0]
    assert str(BeautifulSoup(ours, features="html.parser")) == nbconverts
    assert 'id="Key-findings"' not in ours and "<h2>Key findings</h2>" in ours


def test_a_figure_laid_out_once_is_the_image_matplotlib_saves():
    """figure_block runs the layout engine itself, so saving draws once: the PNG must not change."""
    import io

    import matplotlib.pyplot as plt

    from cxlab.report.blocks import figure_block
    from cxlab.report.layout import DPI

    def drawn() -> plt.Figure:
        fig, ax = plt.subplots(figsize=(8, 3), layout="constrained")
        ax.barh(["a long label for the first bar", "second"], [3, 5])
        ax.set_title("Scores by service")
        fig.colorbar(ax.scatter([1, 2], [0, 1], c=[0, 1]), ax=ax, location="top", label="share")
        return fig

    reference = drawn()
    reference.set_dpi(DPI)
    buffer = io.BytesIO()
    reference.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(reference)
    figure, draws = drawn(), []
    figure.canvas.mpl_connect("draw_event", lambda event: draws.append(event))
    block = figure_block(figure, alt="Bars.", caption="Bars", data=pd.DataFrame({"x": [1]}))
    assert len(draws) == 1, "saving drew the figure again to lay it out"
    encoded = re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", block.html).group(1)
    assert base64.b64decode(encoded) == buffer.getvalue()


def test_palette_colours_stand_out_on_white_and_text_colours_read_well():
    assert len(set(plots.PALETTE)) == len(plots.PALETTE) == len(set(plots.MARKERS))
    assert all(plots.contrast_ratio(c) >= 3 for c in plots.PALETTE), "WCAG 1.4.11: 3:1 for graphics"
    css = (TEMPLATES / "cxlab_report" / "report.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))
    for text in ("ink", "muted", "accent"):
        for background in ("#ffffff", colours["bg-soft"]):
            assert plots.contrast_ratio(colours[text], background) >= 4.5, (text, background)


def _data_colours(figure) -> set[str]:
    """The colours of what a figure draws from data: lines, markers, bars, points, whiskers.

    Colour-mapped artists (a heat map's cells, in the sequential, colour-blind-safe cividis) and
    colour bars are left out: their colours come from the map, not the palette.
    """
    found = []
    for ax in [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]:
        for line in ax.lines:
            found += [line.get_color(), line.get_markerfacecolor(), line.get_markeredgecolor()]
        for patch in ax.patches:
            found += [patch.get_facecolor(), patch.get_edgecolor()]
        for points in ax.collections:
            if points.get_array() is None:
                found += list(points.get_facecolors()) + list(points.get_edgecolors())
    return {to_hex(c) for c in found if to_rgba(c)[3] > 0}


def _estimates(labels: list[str], column: str) -> pd.DataFrame:
    mean = [60.0 + 3 * k for k in range(len(labels))]
    return pd.DataFrame({column: labels, "period": "2021-Q1", "n": 40, "mean": mean,
                         "ci_low": [m - 2 for m in mean], "ci_high": [m + 2 for m in mean], "note": ""})


CHARTS = {
    "series_chart": lambda: plots.series_chart(
        {f"S{k}": _points([60 + k, 61, 63], "derived" if k % 2 else "stated") for k in range(7)}, title="S"),
    "gap_chart": lambda: plots.gap_chart(_aligned(), title="G", upper="B", lower="A"),
    "estimate_chart": lambda: plots.estimate_chart(
        _estimates(["a", "b", "c"], "service"), label="service", title="E", reference=62.0),
    "trend_lines_chart": lambda: plots.trend_lines_chart(
        pd.concat([_estimates([f"m{k}" for k in range(7)], "measure").assign(period=q) for q in ("Q1", "Q2")]),
        series="measure", period="period", title="T"),
    "heatmap_chart": lambda: plots.heatmap_chart(
        pd.DataFrame({"Q1": [60.0, 70.0], "Q2": [65.0, None]}, index=["a", "b"]), title="H", row_label="Row"),
    "share_chart": lambda: plots.share_chart(
        pd.DataFrame({"theme": ["a", "a", "b", "b"], "side": ["x", "y", "x", "y"], "n": 40, "count": [10, 20, 5, 8],
                      "share": [25.0, 50.0, 12.5, 20.0], "ci_low": [14.0, 35.0, 5.0, 10.0],
                      "ci_high": [40.0, 65.0, 26.0, 35.0], "note": ""}), label="theme", series="side", title="P"),
    "scatter_chart": lambda: plots.scatter_chart(
        pd.DataFrame({"item": ["a", "b"], "x": [0.2, 0.4], "y": [60.0, 70.0]}), x="x", y="y", label="item",
        title="Q", xlabel="Importance", ylabel="Score", cuts=(0.3, 65.0)),
}


def test_every_figure_draws_with_the_palette_only(monkeypatch):
    assert sorted(CHARTS) == sorted(n for n in plots.__all__ if n.endswith("_chart")), "a chart is untested"
    drawn: dict[str, set[str]] = {}
    real = plots.figure_block

    def spy(figure, **kwargs):
        drawn[kwargs["caption"]] = _data_colours(figure)
        return real(figure, **kwargs)

    monkeypatch.setattr(plots, "figure_block", spy)
    for draw in CHARTS.values():
        draw()
    allowed = {c.lower() for c in plots.PALETTE} | {"#ffffff", plots.GAP_COLOUR, plots.EMPTY_FILL}
    assert len(drawn) == len(CHARTS) and all(c <= allowed for c in drawn.values()), drawn
    assert drawn["S"] - {"#ffffff"} == drawn["T"] == {c.lower() for c in plots.PALETTE}


def test_more_series_than_colours_is_refused():
    with pytest.raises(ValueError, match="split the figure"):
        plots.styles(len(plots.PALETTE) + 1)


def test_table_header_cells_are_never_empty():
    block = table_block(pd.DataFrame({"": ["", "x"], "Flag": [True, None]}), caption="<c>")
    page = BeautifulSoup(block.html, "html.parser")
    assert all(th.get_text(strip=True) for th in page.find_all("th"))
    assert page.caption.get_text() == "<c>"
    assert [td.get_text() for td in page.find_all("td")] == ["yes", "–"]


def _executed(path: Path, headline: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(outputs=[_shown(findings_block([Finding(headline)]))]))
    nbformat.write(nb, path)


def test_index_groups_reports_by_analysis_with_headlines_and_a_hashed_script(tmp_path: Path):
    specs = [("a-1", "Gap <one>", "Sector gap", "Gap of 8 points."),
             ("b-1", SCRIPT, "Scorecard", ATTRIBUTE),
             ("a-2", "Gap two", "Sector gap", "Gap of 9 points."),
             ("c-1", "Not built", "Scorecard", "never shown")]
    instances = [Instance(name=n, notebook=tmp_path / "x.ipynb", title=t, analysis=a) for n, t, a, _ in specs]
    for name, _, _, found in specs[:3]:
        (tmp_path / f"{name}.html").write_text("<p>report</p>")
        _executed(tmp_path / f"{name}.ipynb", found)
    html = index_page(instances, tmp_path, build_date="2025-01-02")
    page = BeautifulSoup(html, "html.parser")
    sections = page.find_all("section", class_="analysis")
    assert [s.h2.get_text() for s in sections] == ["Sector gap", "Scorecard"]
    assert [[a["href"] for a in s.find_all("a")] for s in sections] == [["a-1.html", "a-2.html"], ["b-1.html"]]
    assert [s.get_text() for s in page.select(".headline")] == ["Gap of 8 points.", "Gap of 9 points.", ATTRIBUTE]
    assert page.find("a", href="b-1.html").get_text() == SCRIPT
    assert len(page.find_all("script")) == 1 and not page.find_all("img")
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert policy == f"{CSP}; script-src 'sha256-{digest}'"
    assert page.find("label", attrs={"for": "filter"}) is not None and page.find("form").has_attr("hidden")
