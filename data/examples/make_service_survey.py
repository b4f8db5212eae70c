"""Make service_survey.csv: a SYNTHETIC agency export that illustrates "bring your own data".

Not a real survey: seeded random numbers shaped like a typical agency export (a 0-10 scale,
98 = refused and 99 = don't know, fiscal quarters written "FY21 Q2", survey weights, a free-text
column that cxlab ignores). Run from the repository root: python data/examples/make_service_survey.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

OFFICES = {"North office": 6.4, "South office": 7.1, "Online service": 5.8}
WAVES = ["FY21 Q1", "FY21 Q2", "FY21 Q3", "FY21 Q4"]
ITEMS = ["satisfaction", "ease", "trust", "recommend"]


def main(path: Path = Path(__file__).with_name("service_survey.csv"), seed: int = 2021) -> None:
    rng = np.random.default_rng(seed)
    rows = []
    for office, level in OFFICES.items():
        for step, wave in enumerate(WAVES):
            for _ in range(60):
                base = level + (0.35 * step if office == "Online service" else 0.05 * step)
                person = rng.normal(base, 1.6)
                answers = np.clip(np.rint(person + rng.normal(0, 1.1, len(ITEMS))), 0, 10).astype(int)
                answers = np.where(rng.random(len(ITEMS)) < 0.04, rng.choice([98, 99], len(ITEMS)), answers)
                rows.append([office, wave, round(float(rng.uniform(0.5, 1.9)), 3), *answers.tolist(), ""])
    frame = pd.DataFrame(rows, columns=["Office", "Wave", "Weight", *ITEMS, "Comment"])
    frame.insert(0, "ResponseID", [f"R{i:05d}" for i in range(1, len(frame) + 1)])
    frame.to_csv(path, index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
