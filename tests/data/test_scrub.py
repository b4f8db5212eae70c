"""Personal data is scrubbed before anything is modelled or shown, down to the built report."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

import cxlab
from cxlab.build.batch import build_one
from cxlab.build.catalog import NOTEBOOKS, Instance
from cxlab.data.scrub import TAGS, scrub, scrub_text

#: One piece of each kind of personal data, as it might be written, and the tag that replaces it.
PLANTED = {
    "jane.doe+cfpb@example-mail.com": TAGS["email"],
    "https://www.example.org/account?id=8841": TAGS["url"],
    "myclaims.example.net/case/77": TAGS["url"],
    "4111 1111 1111 1111": TAGS["card"],
    "5500-0000-0000-0004": TAGS["card"],
    "123-45-6789": TAGS["ssn"],
    "987654321": TAGS["ssn"],
    "(202) 555-0147": TAGS["phone"],
    "+1 415.555.0199": TAGS["phone"],
}


@pytest.mark.parametrize("value", sorted(PLANTED))
def test_each_kind_of_personal_data_becomes_its_tag(value: str):
    scrubbed, count = scrub_text(f"Please reach me via {value}, thanks.")
    assert scrubbed == f"Please reach me via {PLANTED[value]}, thanks." and count == 1


def test_redactions_amounts_dates_and_short_numbers_stay():
    text = "On XX/XX/XXXX XXXX XXXX took {$1200.00} and {$25.00}; account ending 1234, ZIP 330XX, 2019, 30 days."
    assert scrub_text(text) == (text, 0)


def test_scrub_keeps_other_columns_and_counts_each_row():
    data = pd.DataFrame({"id": [1, 2], "text": ["call 202-555-0147 or a@b.gov", "nothing here"]})
    out = scrub(data)
    assert out["id"].tolist() == [1, 2] and out["scrubbed"].tolist() == [2, 0]
    assert data["text"].iloc[0] == "call 202-555-0147 or a@b.gov", "the input is not changed"


def _plant(folder: Path) -> None:
    """Write every planted value before, between and after the sentences of every narrative; re-register the file."""
    path = folder / "cfpb_complaints" / "complaints_sample.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    preamble, body = lines[:2], "".join(lines[2:])
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    sentence = "Reach me at " + ", ".join(PLANTED) + ". "
    for row in rows:
        text = row["Consumer complaint narrative"]
        if text:
            row["Consumer complaint narrative"] = sentence + re.sub(r"(?<=[.!?]) ", " " + sentence, text) + " " + sentence
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text("".join(preamble) + buffer.getvalue(), encoding="utf-8")
    registry_path = folder / "datasets.yml"
    registry = yaml.safe_load(registry_path.read_text(encoding="utf-8"))
    registry["cfpb_complaints"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    registry_path.write_text(yaml.safe_dump(registry, sort_keys=False), encoding="utf-8")


def _fragments(value: str) -> list[str]:
    """The value, its digits, and the dotted parts of an address (``jane.doe+cfpb``, ``www.example.org``)."""
    digits = re.sub(r"\D", "", value)
    return [value] + ([digits] if len(digits) >= 7 else []) + [p for p in re.split(r"[@/?]", value) if "." in p]


def test_planted_personal_data_reaches_no_table_and_no_report(data_copy: Path, tmp_path: Path):
    _plant(data_copy)
    complaints = cxlab.load("cfpb_complaints")
    narratives = complaints[complaints["has_text"]]
    assert (narratives["scrubbed"] >= len(PLANTED)).all()
    instance = Instance(name="planted", notebook=NOTEBOOKS / "complaints.ipynb", title="Planted", analysis="Complaints",
                        parameters={}, data=("cfpb_complaints",))
    outcome = build_one(instance, tmp_path, build_date="today", commit=None)
    assert outcome.status == "built", outcome.error
    html = (tmp_path / "planted.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    shown = [html, page.get_text(" "), " ".join(img["alt"] for img in page.find_all("img")),
             " ".join(t.get_text(" ") for t in page.select("figure details table")),
             " ".join(t.get_text(" ") for t in page.find_all("table")),
             (tmp_path / "planted.ipynb").read_text(encoding="utf-8")]
    leaks = [f for value in PLANTED for f in _fragments(value) if any(f in text for text in shown)]
    assert leaks == []
    excerpts = page.find("caption", string=re.compile("Typical excerpts")).find_parent("table").get_text(" ")
    assert TAGS["email"] in excerpts and TAGS["phone"] in excerpts, "the planted sentences reached the excerpts, scrubbed"
