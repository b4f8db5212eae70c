"""What a reader sees, as pictures: one report of every kind (on screen and printed) and every explorer.

``make gallery`` (or ``python -m tests.gallery FOLDER``) builds the first report of each notebook
of the catalog, takes a full-page screenshot of each in Chromium at a laptop's width, prints each
to PDF and turns the pages into pictures (with poppler's ``pdftoppm``), then starts ``make lab``
and takes a screenshot of each explorer after running its notebook. Everything goes into FOLDER
(``gallery/``, not committed); nothing is checked here: the tests check, the gallery shows.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Locator, sync_playwright

from cxlab.build.batch import build
from cxlab.build.catalog import read_catalog
from tests.labdriver import ARGS, CHROMIUM, EXPLORERS, Visit, change, choose, open_lab, run_all, running_lab, settle

#: A laptop's browser window: the report's text column shows at its full width.
VIEWPORT = {"width": 1280, "height": 900}


def one_of_each_kind() -> list:
    """The first report of each notebook of the catalog."""
    firsts: dict[Path, object] = {}
    for instance in read_catalog():
        firsts.setdefault(instance.notebook, instance)
    return list(firsts.values())


def report_pictures(browser: Browser, page_file: Path, out: Path) -> list[Path]:
    """A full-page screenshot of a report and a picture of each printed page."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(page_file.resolve().as_uri(), wait_until="load")
    made = [out / f"{page_file.stem}.png"]
    page.screenshot(path=str(made[0]), full_page=True)
    pdf = out / "print" / f"{page_file.stem}.pdf"
    pdf.parent.mkdir(exist_ok=True)
    page.pdf(path=str(pdf), format="Letter")
    page.close()
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)
        made += sorted(pdf.parent.glob(f"{page_file.stem}-*.png"))
    return made


def whole(visit: Visit, explorer: Locator, path: Path) -> Path:
    """A screenshot of the whole explorer: the window made tall enough to hold it."""
    height = int(explorer.bounding_box()["height"])
    visit.page.set_viewport_size({"width": VIEWPORT["width"], "height": min(height + 400, 12000)})
    explorer.scroll_into_view_if_needed()
    explorer.screenshot(path=str(path))
    visit.page.set_viewport_size(VIEWPORT)
    return path


def explorer_pictures(browser: Browser, out: Path) -> list[Path]:
    """A screenshot of each explorer after its notebook ran, and after a control changed."""
    made = []
    with tempfile.TemporaryDirectory() as home, running_lab(Path(home)) as lab:
        for notebook, steps in EXPLORERS.items():
            visit = open_lab(browser, lab, notebook, width=VIEWPORT["width"], height=VIEWPORT["height"])
            explorer = run_all(visit)
            made.append(whole(visit, explorer, out / f"explorer-{Path(notebook).stem}.png"))
            *first, last = steps
            for step in first:
                choose(explorer, *step)
                settle(visit)
            change(visit, explorer, *last)
            made.append(whole(visit, explorer, out / f"explorer-{Path(notebook).stem}-changed.png"))
            visit.page.context.close()
    return made


def main(folder: str = "gallery") -> None:
    out = Path(folder)
    out.mkdir(exist_ok=True)
    instances = one_of_each_kind()
    failed = [o for o in build(instances, out / "reports") if o.status != "built"]
    if failed:
        raise SystemExit(f"could not build: {failed}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        made = [p for i in instances for p in report_pictures(browser, out / "reports" / f"{i.name}.html", out)]
        made += explorer_pictures(browser, out)
        browser.close()
    print(f"{len(made)} pictures in {out}/:")
    for path in made:
        print(f"  {path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
