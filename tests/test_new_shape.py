"""Issue 14, end to end: a respondent file of a shape cxlab had never seen, registered by configuration alone.

The synthetic extract ``data/examples/industry_survey.csv`` (two preamble lines, no id column,
numeric industry codes with labels and one without, 1-10 items with 98/99 codes beside a 0-10,
a 0/1 and a 0-100 item, a year column) is checked with ``cxlab data check``, registered byte for
byte with the sha256 the check printed, and built with the one-line catalog entries of the
README (no name, no measure): ``survey_summary``, ``drivers`` and ``groups``. Every number the
reports state is recomputed here from the raw file with pandas and scipy, and the text must use
the labels.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from scipy import stats

from cxlab.build.catalog import NOTEBOOKS
from cxlab.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "examples"
INDUSTRIES = {1001: "Banking", 2002: "Insurance", 3003: "Telecommunications", 4004: "Utilities", 5005: "5005"}
DRIVERS = ["EXPECT", "QUALITY", "VALUE", "EASE", "STAFF", "WEBSITE"]


def _raw() -> pd.DataFrame:
    """The file as pandas reads it: codes 98/99 made missing on every item but the 0-100 index, labels by hand."""
    raw = pd.read_csv(EXAMPLE / "industry_survey.csv", skiprows=2)
    coded = [c for c in raw.columns if c not in {"YEAR", "INDUSTRY", "REGION", "AGEGRP", "CSI"}]
    raw[coded] = raw[coded].where(~raw[coded].isin([98, 99])).astype(float)
    return raw.assign(industry=raw["INDUSTRY"].map(INDUSTRIES), region=raw["REGION"].map(
        {1: "Northeast", 2: "Midwest", 3: "South", 4: "West"}))


def _logit_interval(x: np.ndarray) -> tuple[float, float]:
    """The 95% interval of a mean on 0-100 built on the logit scale, as the reports' methods describe it."""
    p, se = x.mean() / 100, stats.sem(x) / 100
    half = stats.t.ppf(0.975, len(x) - 1) * se / (p * (1 - p))
    centre = np.log(p / (1 - p))
    return tuple(100 / (1 + np.exp(-(centre + s * half))) for s in (-1, 1))


def _findings(page: BeautifulSoup) -> list[str]:
    return [" ".join(li.get_text().split()) for li in page.select("section.findings li")]


def _interval(low: float, high: float) -> str:
    return f"95% CI {low:.1f} to {high:.1f}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BeautifulSoup]:
    """Register the extract in a copy of data/ (without it) and build the README's one-line entries."""
    root = tmp_path_factory.mktemp("new_shape")
    data = root / "data"
    shutil.copytree(EXAMPLE.parent, data)
    registry = yaml.safe_load((data / "datasets.yml").read_text())
    registry.pop("industry_survey")
    (data / "datasets.yml").write_text(yaml.safe_dump(registry, sort_keys=False))
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("CXLAB_DATA", str(data))
    try:
        return _register_and_build(root, data)
    finally:
        monkeypatch.undo()


def _register_and_build(root: Path, data: Path) -> dict[str, BeautifulSoup]:
    import contextlib
    import io

    before = (data / "examples" / "industry_survey.csv").read_bytes()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["data", "check", str(data / "examples" / "industry_survey.csv"), "--mapping",
                     str(data / "examples" / "industry_survey.yml")])
    assert code == 0, printed.getvalue()
    sha = re.search(r"sha256: ([0-9a-f]{64})", printed.getvalue())[1]
    entry = yaml.safe_load((data / "examples" / "industry_survey.yml").read_text())["industry_survey"]
    registry = yaml.safe_load((data / "datasets.yml").read_text())
    (data / "datasets.yml").write_text(yaml.safe_dump({**registry, "industry_survey": {**entry, "sha256": sha}},
                                                      sort_keys=False))
    notebooks = root / "notebooks"
    notebooks.mkdir()
    for name in ("survey_summary", "drivers", "groups"):
        shutil.copy(NOTEBOOKS / f"{name}.ipynb", notebooks)
    spec = yaml.safe_load((NOTEBOOKS / "catalog.yml").read_text())["notebooks"]
    (notebooks / "catalog.yml").write_text(
        yaml.safe_dump({"notebooks": {k: spec[k] for k in ("survey_summary", "drivers", "groups")}}) + """reports:
  - {notebook: survey_summary, parameters: {dataset: industry_survey}}
  - {notebook: survey_summary, parameters: {dataset: industry_survey, measure: RECOMMEND}}
  - {notebook: drivers, parameters: {dataset: industry_survey, outcome: SATIS, items: "^(EXPECT|QUALITY|VALUE|EASE|STAFF|WEBSITE)$", n_boot: 200}}
  - {notebook: groups, parameters: {dataset: industry_survey, group: entity, outcome: CSI, period: "2015"}}
""")
    out = root / "reports"
    assert main(["build", "--catalog", str(notebooks / "catalog.yml"), "--out", str(out), "--jobs", "1"]) == 0
    assert (data / "examples" / "industry_survey.csv").read_bytes() == before  # byte for byte as published
    return {page.stem: BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser") for page in out.glob("*.html")
            if page.stem != "index"}


def test_the_one_line_entries_are_named_after_their_notebook_and_parameters(built):
    assert sorted(built) == ["drivers-industry-survey-satis-expect-quality-value-ease-staff-website-200",
                             "groups-industry-survey-entity-csi-2015", "survey-summary-industry-survey",
                             "survey-summary-industry-survey-recommend"]


def test_survey_summary_of_the_first_item_matches_pandas_and_scipy(built):
    page = built["survey-summary-industry-survey"]
    found, raw = _findings(page), _raw()
    last = raw[raw["YEAR"] == 2015].dropna(subset=["SATIS"]).assign(score=lambda t: (t["SATIS"] - 1) / 9 * 100)
    overall = last["score"].to_numpy()
    assert found[0].startswith(f"Overall satisfaction with the company (1-10): {overall.mean():.1f} "
                               f"({_interval(*_logit_interval(overall))}) on a 0-100 scale in 2015 "
                               f"({len(overall):,} respondents).")
    means = last.groupby("industry")["score"].mean().sort_values()
    assert found[1].startswith(f"Highest in 2015: {means.index[-1]} at {means.iloc[-1]:.1f}")
    standing = next(f for f in found if f.startswith("Against all other respondents in 2015:"))
    named = re.findall(r"(\w+) (above|below) \(([+-][\d.]+), 95% CI ([+-][\d.]+) to ([+-][\d.]+)\)", standing)
    assert named
    tests = {}
    for industry, rows in last.groupby("industry"):
        welch = stats.ttest_ind(rows["score"], last.loc[last["industry"] != industry, "score"], equal_var=False)
        tests[industry] = (rows["score"].mean() - last.loc[last["industry"] != industry, "score"].mean(), welch)
    adjusted = dict(zip(tests, stats.false_discovery_control([t.pvalue for _, t in tests.values()])))
    counted = {i for i, (diff, _) in tests.items() if adjusted[i] <= 0.05 and abs(diff) >= 1}
    assert {n[0] for n in named} == counted
    for industry, side, diff, low, high in named:
        ci = tests[industry][1].confidence_interval()
        assert (diff, low, high) == (f"{tests[industry][0]:+.1f}", f"{ci.low:+.1f}", f"{ci.high:+.1f}")
        assert side == ("above" if tests[industry][0] > 0 else "below")
    assert "1001" not in " ".join(found) and "5005" in " ".join(found)  # labels used; the unlabelled code kept


def test_survey_summary_describes_the_years_and_tests_the_change(built):
    page = built["survey-summary-industry-survey"]
    found, raw = _findings(page), _raw()
    scored = raw.dropna(subset=["SATIS"]).assign(score=lambda t: (t["SATIS"] - 1) / 9 * 100)
    utilities = scored[scored["industry"] == "Utilities"].groupby("YEAR")["score"]
    course = next(f for f in found if f.startswith("By year:"))
    assert f"Utilities went from {utilities.mean()[2013]:.1f} (2013) to {utilities.mean()[2015]:.1f} (2015)" in course
    change = next(f for f in found if f.startswith("From 2013 to 2015:"))
    first, last = (utilities.get_group(year).to_numpy() for year in (2013, 2015))
    ci = stats.ttest_ind(last, first, equal_var=False).confidence_interval()
    assert (f"Utilities rose by {last.mean() - first.mean():.1f} points (95% CI {ci.low:+.1f} to {ci.high:+.1f})"
            in change)
    shares = next(f for f in found if f.startswith("Top-two-box share (9 or 10 = very satisfied) in 2015"))
    banking = scored[(scored["YEAR"] == 2015) & (scored["industry"] == "Banking")]["SATIS"]
    assert f"Banking {(banking >= 9).mean() * 100:.1f}%" in shares
    caption = [c.get_text(" ", strip=True) for c in page.select("figcaption")]
    assert "Overall satisfaction with the company (1-10): by year" in caption
    heads = [th.get_text(strip=True) for th in page.select("table thead th")]
    assert "Industry" in heads and "Measure" not in heads
    footer = page.select_one("footer").get_text(" ", strip=True)
    assert "identified by their row number in the file, which has no respondent id column" in footer


def test_the_net_promoter_score_of_a_0_10_item_per_industry(built):
    found, raw = _findings(built["survey-summary-industry-survey-recommend"]), _raw()
    banking = raw[(raw["YEAR"] == 2015) & (raw["industry"] == "Banking")]["RECOMMEND"].dropna()
    score = ((banking >= 9).mean() - (banking <= 6).mean()) * 100
    sentence = next(f for f in found if f.startswith("Net promoter score in 2015"))
    assert f"Banking {score:+.0f} (" in sentence


def _relative_weights(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson's relative weights from the correlations, written out."""
    r = np.corrcoef(np.column_stack([x, y]), rowvar=False)
    rxx, rxy = r[:-1, :-1], r[:-1, -1]
    values, vectors = np.linalg.eigh(rxx)
    half = vectors @ np.diag(np.sqrt(values)) @ vectors.T
    beta = np.linalg.solve(half, rxy)
    return (half ** 2) @ (beta ** 2)


def test_drivers_match_relative_weights_and_spearman_by_hand(built):
    page = built["drivers-industry-survey-satis-expect-quality-value-ease-staff-website-200"]
    found = _findings(page)
    complete = _raw()[DRIVERS + ["SATIS"]].dropna()
    weights = _relative_weights(complete[DRIVERS].to_numpy(), complete["SATIS"].to_numpy())
    top = DRIVERS[int(np.argmax(weights))]
    assert found[0].startswith(f"Among {len(complete):,} respondents who rated them all, the 6 items together explain "
                               f"{weights.sum() * 100:.0f}% of the variation in ratings of overall satisfaction with "
                               f"the company (1-10) (R² = {weights.sum():.2f}).")
    label = {"QUALITY": "Quality of products and services (1-10)", "VALUE": "Value for money (1-10)"}[top]
    assert f"most strongly is {label} ({top}), with {weights.max() / weights.sum() * 100:.1f}%" in found[0]
    table = page.find("caption", string=re.compile("Each item: derived importance")).find_parent("table")
    heads = [th.get_text(strip=True) for th in table.select("thead th")]
    rows = {tr.find_all(["th", "td"])[0].get_text(strip=True): tr.find_all(["th", "td"]) for tr in table.select("tbody tr")}
    for item in DRIVERS:
        row = next(cells for name, cells in rows.items() if name.endswith(f"({item})"))
        rho = stats.spearmanr(complete[item], complete["SATIS"]).statistic
        assert float(row[heads.index("Spearman rho")].get_text()) == pytest.approx(rho, abs=0.05)  # as shown
        assert float(row[heads.index("Performance (0-100)")].get_text()) == pytest.approx(
            ((complete[item] - 1) / 9 * 100).mean(), abs=0.05)
    assert "names no question on which items matter most to respondents" in " ".join(found)


def test_groups_by_industry_match_welch_by_hand_and_name_the_industries(built):
    found, raw = _findings(built["groups-industry-survey-entity-csi-2015"]), _raw()
    rows = raw[raw["YEAR"] == 2015].dropna(subset=["CSI"])
    separate = {name: g["CSI"].to_numpy() for name, g in rows.groupby("industry")}
    low, high = min(separate, key=lambda k: separate[k].mean()), max(separate, key=lambda k: separate[k].mean())
    assert found[0] == (f"Ratings of satisfaction index (0-100) range from {separate[low].mean():.1f} "
                        f"({_interval(*_logit_interval(separate[low]))}) ({low}) to {separate[high].mean():.1f} "
                        f"({_interval(*_logit_interval(separate[high]))}) ({high}) on a 0-100 scale.")
    n, m, v = (np.array([f(x) for x in separate.values()]) for f in (len, np.mean, lambda x: np.var(x, ddof=1)))
    w, k = n / v, len(separate)
    lam = ((1 - w / w.sum()) ** 2 / (n - 1)).sum()
    welch = (w * (m - (w * m).sum() / w.sum()) ** 2).sum() / (k - 1) / (1 + 2 * (k - 2) / (k ** 2 - 1) * lam)
    assert f"Across {k} groups the ratings differ more than chance would explain (Welch ANOVA F = {welch:.2f}" in found[1]
    versus = next(f for f in found if f.startswith("Against all other respondents:"))
    diff = separate["Telecommunications"].mean() - rows.loc[rows["industry"] != "Telecommunications", "CSI"].mean()
    assert f"Telecommunications below ({diff:+.1f})" in versus
