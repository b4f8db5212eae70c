"""Make industry_survey.csv: a SYNTHETIC benchmark extract of a shape cxlab had never seen.

Not a real survey: seeded random numbers shaped like a respondent-level satisfaction extract
from another source. Two preamble lines above the header; no respondent-id column; a YEAR
column; industries as numeric codes (1001 ... 4004, and a few rows of 5005, a code the
extract's codebook does not name); region and age band as codes (9 = no answer); seven
1-10 ratings with 98 = don't know and 99 = refused; a 0-10 likelihood to recommend; a 0/1
"problem resolved" item (98/99 as well); and a 0-100 index with one decimal, on which 98 and 99
are real scores and an empty cell is missing. Run from the repository root:
python data/examples/make_industry_survey.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

#: Industry code: (share of respondents, level of satisfaction, change per year).
INDUSTRIES = {1001: (0.30, 0.45, 0.0), 2002: (0.25, 0.1, 0.0), 3003: (0.25, -0.45, 0.0), 4004: (0.18, -0.2, 0.3),
              5005: (0.02, 0.0, 0.0)}
YEARS = [2013, 2014, 2015]
PER_YEAR = 800
#: The 1-10 drivers: how strongly each goes with overall satisfaction, how often it is not known, and its level.
DRIVERS = {"EXPECT": (0.2, 0.02, -0.1), "QUALITY": (0.55, 0.01, 0.2), "VALUE": (0.4, 0.03, -0.35),
           "EASE": (0.3, 0.02, 0.15), "STAFF": (0.25, 0.06, 0.35), "WEBSITE": (0.1, 0.12, -0.25)}
HEADER = ["YEAR", "INDUSTRY", "REGION", "AGEGRP", "SATIS", *DRIVERS, "RECOMMEND", "RESOLVED", "CSI"]
PREAMBLE = ["Customer satisfaction benchmark: respondent extract (SYNTHETIC illustration; not real data)",
            "Made by data/examples/make_industry_survey.py from seeded random numbers"]


def _rating(rng: np.random.Generator, latent: np.ndarray, low: int, high: int, unknown: float) -> list[int]:
    """Latent scores on a low-high rating scale, with 98 (don't know) and 99 (refused) mixed in."""
    middle, spread = (low + high) / 2, (high - low) / 5
    answers = np.clip(np.rint(middle + spread * latent), low, high).astype(int)
    codes = rng.choice([98, 99], size=len(answers), p=[0.8, 0.2])
    return np.where(rng.random(len(answers)) < unknown, codes, answers).tolist()


def main(path: Path = Path(__file__).with_name("industry_survey.csv"), seed: int = 14) -> None:
    rng = np.random.default_rng(seed)
    codes = list(INDUSTRIES)
    shares = np.array([INDUSTRIES[c][0] for c in codes])
    rows = []
    for step, year in enumerate(YEARS):
        industry = rng.choice(codes, size=PER_YEAR, p=shares / shares.sum())
        level = np.array([INDUSTRIES[c][1] + INDUSTRIES[c][2] * step for c in industry])
        person = level + rng.normal(0, 1, PER_YEAR)
        drivers = {name: 0.8 * person + rng.normal(0, 0.6, PER_YEAR) for name in DRIVERS}
        overall = sum(weight * drivers[name] for name, (weight, _, _) in DRIVERS.items()) / 1.4
        overall = overall + rng.normal(0, 0.45, PER_YEAR)
        columns = {
            "YEAR": [year] * PER_YEAR, "INDUSTRY": industry.tolist(),
            "REGION": rng.choice([1, 2, 3, 4], size=PER_YEAR, p=[0.2, 0.22, 0.36, 0.22]).tolist(),
            "AGEGRP": rng.choice([1, 2, 3, 4, 9], size=PER_YEAR, p=[0.2, 0.28, 0.28, 0.21, 0.03]).tolist(),
            "SATIS": _rating(rng, overall, 1, 10, 0.01),
            **{name: _rating(rng, drivers[name] + level, 1, 10, unknown)
               for name, (_, unknown, level) in DRIVERS.items()},
            "RECOMMEND": _rating(rng, overall + rng.normal(0, 0.5, PER_YEAR), 0, 10, 0.03),
            "RESOLVED": _rating(rng, np.where(overall + rng.normal(0, 1, PER_YEAR) > -0.6, 2.5, -2.5), 0, 1, 0.02),
        }
        index = np.clip(50 + 15 * overall + rng.normal(0, 6, PER_YEAR), 0, 100)
        columns["CSI"] = ["" if gone else f"{value:.1f}" for value, gone in zip(index, rng.random(PER_YEAR) < 0.01)]
        rows += zip(*(columns[name] for name in HEADER))
    with path.open("w", newline="", encoding="utf-8") as out:
        out.write("".join(f"{line}\n" for line in PREAMBLE))
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


if __name__ == "__main__":
    main()
