"""Make a11_respondents.csv and a11_collection_details.csv: SYNTHETIC A-11 respondent-level data.

Not real responses: seeded random numbers and comments assembled from a few stock phrases,
shaped like the respondent-level data OMB Circular A-11 Section 280 asks for from FY2024 onward
(the columns of GSA Touchpoints' ``cx_responses`` and ``cx_collection_details``):

- a11_respondents.csv: one row per response: ``id``, ``cx_collection_detail_id``,
  ``question_1`` (thumbs up = 1, down = 0), the 0/1 flags ``positive_<driver>`` (what went well)
  and ``negative_<driver>`` (what did not) for effectiveness, ease, efficiency, transparency,
  humanity, employee and other, and the open answer ``question_4``;
- a11_collection_details.csv: one row per collection detail (service x channel x quarter) of an
  imaginary provider: its service, channel, fiscal year and quarter, and the volumes of
  customers, of customers offered the survey and of respondents.

There is no public file of this shape yet; this one exists to test and show cxlab's
``a11_respondents`` layout. Run from the repository root: python data/examples/make_a11_respondents.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

PROVIDER = "Example Benefits Agency (synthetic)"
#: Service -> share of thumbs up in the first quarter, and its change per quarter.
SERVICES = {"Applying for benefits": (0.62, 0.04), "Renewing a permit": (0.78, -0.01)}
CHANNELS = {"Online": 90, "Phone": 60}
QUARTERS = [(2024, 1), (2024, 2), (2024, 3), (2024, 4), (2025, 1)]
DRIVERS = ["effectiveness", "ease", "efficiency", "transparency", "humanity", "employee", "other"]
#: Chance that a respondent ticks each driver: after a thumbs up (positive) or down (negative).
TICK = {"positive": [0.55, 0.5, 0.45, 0.3, 0.35, 0.4, 0.05],
        "negative": [0.45, 0.35, 0.6, 0.4, 0.2, 0.25, 0.08]}
#: Stock phrases of the open answers: (theme, thumbs up?) -> templates whose {slots} take one of SLOTS.
PHRASES = {
    ("wait", False): ["I waited on hold for {time} before anyone answered the {line}.",
                      "The wait on the {line} was {time} and then the call dropped.",
                      "Nobody picked up the {line}; I waited {time}."],
    ("website", False): ["The website {failed} when I tried to {task}.",
                         "I could not {task} online because the site {failed}.",
                         "The online account {failed} twice, so I gave up trying to {task}."],
    ("unclear", False): ["The letter did not explain which {paper} I still had to send.",
                         "Nobody told me the status of my {case} or what happens next.",
                         "The instructions about the {paper} were confusing and contradicted each other."],
    ("staff", True): ["The {person} was {kind} and explained every step.",
                      "A {kind} {person} answered all my questions about my {case}.",
                      "The {person} I spoke to was {kind} and sorted out my {case}."],
    ("easy", True): ["It was {quick} to {task} online.",
                     "Clear instructions; it was {quick} to {task}.",
                     "The website made it {quick} to {task}, with every {paper} listed."],
}
SLOTS = {
    "time": ["over an hour", "forty minutes", "most of the morning", "two hours"],
    "line": ["phone line", "helpline", "call centre"],
    "failed": ["logged me out", "showed an error", "froze", "would not load"],
    "task": ["upload my documents", "sign in", "submit the form", "check my application"],
    "paper": ["documents", "forms", "proof of income", "identity papers"],
    "case": ["application", "case", "claim"],
    "person": ["agent", "staff member", "caseworker", "representative"],
    "kind": ["kind", "patient", "friendly", "courteous"],
    "quick": ["quick and easy", "simple", "fast", "straightforward"],
}


def _sentence(rng: np.random.Generator, theme: str, thumbs_up: bool) -> str:
    template = PHRASES[theme, thumbs_up][rng.integers(3)]
    return template.format(**{slot: words[rng.integers(len(words))] for slot, words in SLOTS.items()})


def _comment(rng: np.random.Generator, thumbs_up: bool, channel: str) -> str:
    """One open answer of one or two sentences from the stock phrases that fit the thumbs and the channel."""
    themes = [t for (t, up) in PHRASES if up == thumbs_up and not (channel == "Online" and t == "wait")]
    sentences = [_sentence(rng, themes[rng.integers(len(themes))], thumbs_up)]
    if rng.random() < 0.4:
        sentences.append(_sentence(rng, themes[rng.integers(len(themes))], thumbs_up))
    return " ".join(dict.fromkeys(sentences))


def main(folder: Path = Path(__file__).parent, seed: int = 2024) -> None:
    rng = np.random.default_rng(seed)
    details, responses = [], []
    for service, (start, step) in SERVICES.items():
        for channel, size in CHANNELS.items():
            for k, (year, quarter) in enumerate(QUARTERS):
                detail_id = 100 + len(details)
                answered = int(rng.integers(size - 20, size + 20))
                offered = answered * int(rng.integers(6, 12))
                details.append([detail_id, PROVIDER, service, channel, year, quarter,
                                offered * int(rng.integers(3, 6)), offered, answered])
                share_up = start + step * k - (0.06 if channel == "Phone" else 0)
                for _ in range(answered):
                    up = bool(rng.random() < share_up)
                    sign = "positive" if up else "negative"
                    ticks = {f"{s}_{d}": int(s == sign and rng.random() < p)
                             for s in ("positive", "negative") for d, p in zip(DRIVERS, TICK[s])}
                    text = _comment(rng, up, channel) if rng.random() < 0.45 else ""
                    responses.append({"cx_collection_detail_id": detail_id, "question_1": int(up), **ticks,
                                      "question_4": text})
    frame = pd.DataFrame(responses)
    frame.insert(0, "id", range(50001, 50001 + len(frame)))
    frame.to_csv(folder / "a11_respondents.csv", index=False, lineterminator="\n")
    pd.DataFrame(details, columns=["id", "service_provider_name", "service_name", "channel", "fiscal_year",
                                   "quarter", "volume_of_customers",
                                   "volume_of_customers_provided_survey_opportunity", "volume_of_respondents"]
                 ).to_csv(folder / "a11_collection_details.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
