"""The seven OMB Circular A-11 Section 280 drivers, and which one each question text measures.

Agencies word and order their questions differently, so each distinct question text of an A-11
file is mapped to a driver (or to none, with the reason) in a **reviewed table** committed beside
the data (``data/a11_hisp/question_drivers.csv``: ``question_text, driver, reason``). The loader
takes the driver from that table only. The wording rules of :data:`DRIVER_RULES` merely
*propose* a driver for a text the table lacks; such a text is left out and reported
(``cxlab.excluded``, ``cxlab data check``) until someone adds it to the table, never silently
classified.

The rules are ordered so that the more specific wording wins: time wording beats "satisfied"
("satisfied with how long it took" is efficiency), and satisfaction wording beats an office
whose name contains "Trust" ("satisfied with ... the Trust Beneficiary Call Center").
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["DRIVERS", "DRIVER_LABELS", "DRIVER_RULES", "classify_question", "normalise_text", "reviewed_drivers"]

DRIVER_LABELS: dict[str, str] = {
    "satisfaction": "Satisfaction",
    "trust": "Trust / confidence",
    "effectiveness": "Effectiveness / quality",
    "ease": "Ease / simplicity",
    "efficiency": "Efficiency / speed",
    "equity": "Equity / transparency",
    "employee": "Employee helpfulness",
}
DRIVERS: tuple[str, ...] = tuple(DRIVER_LABELS)

#: Wording that shows the answers were on another scale than 1–5.
OTHER_SCALE = re.compile(
    r"\b1\s*(=|to)[^.]*\b10\b|\b\d+\s*(-|to)\s*10\b|10-point|yes or no|yes/no"
    r"|\blikely\b.*\b(recommend|refer)\b",
    re.IGNORECASE,
)

#: Ordered (driver, pattern) rules; the first that matches the question text wins.
DRIVER_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (driver, re.compile(pattern, re.IGNORECASE))
    for driver, pattern in [
        ("efficiency", r"amount of time|length of time|how long it took|time it took|\bquickly\b|wait time"
                       r"|\btimely\b|reasonable pace"),
        ("satisfaction", r"\bsatisf"),
        ("trust", r"\btrust\b|confidence in\b"),
        ("ease", r"\beas(y|ily|e)\b|\bsimple\b|\bdifficult\b"),
        ("equity", r"\bfair(ly)?\b|\bequit|being asked of me"),
        ("employee", r"\bemployees?\b|representative|\bagent\b|\bstaff\b|personnel|courteous"
                     r"|interacted with"),
        ("effectiveness", r"need was addressed|helped me|\bable to\b|\baccomplish|resolution"
                          r"|successfully|\bclear(ly)?\b|\bresolved\b|met my needs|answered"),
    ]
)


def normalise_text(text: str) -> str:
    """A question text with every run of white space (non-breaking spaces too) as one space.

    Examples
    --------
    >>> normalise_text(" Please rate the\\xa0clarity  of it. ")
    'Please rate the clarity of it.'
    """
    return " ".join(str(text).split())


def classify_question(text: str) -> tuple[str | None, str]:
    """Propose ``(driver, reason)`` for one question text from its wording; ``None`` if none fits.

    Examples
    --------
    >>> classify_question("It took a reasonable amount of time to do what I needed to do.")
    ('efficiency', 'matched efficiency wording')
    >>> classify_question("I am satisfied with the service I received from the Trust Beneficiary Call Center")
    ('satisfaction', 'matched satisfaction wording')
    >>> classify_question("Are you satisfied with how long it took you to get through to a representative")
    ('efficiency', 'matched efficiency wording')
    >>> classify_question("Would you give the 1-800 MEDICARE number to a friend (yes or no)")[1]
    'the question states a scale other than 1-5 (squeezed into the five count columns)'
    >>> classify_question("What was the reason for your call?")[1]
    'the wording matches none of the seven A-11 drivers'
    """
    if OTHER_SCALE.search(text):
        return None, "the question states a scale other than 1-5 (squeezed into the five count columns)"
    for driver, pattern in DRIVER_RULES:
        if pattern.search(text):
            return driver, f"matched {driver} wording"
    return None, "the wording matches none of the seven A-11 drivers"


def reviewed_drivers(texts: pd.Series, table: pd.DataFrame) -> pd.DataFrame:
    """The driver of each question text from the reviewed ``table``, or why it has none.

    ``table`` has the columns ``question_text, driver, reason`` (``driver`` empty where the
    text measures none of the seven); texts are matched with white space normalised.

    Returns
    -------
    DataFrame
        Indexed like ``texts``: ``driver`` (None where there is none), ``check`` (``""``,
        ``not_a_driver`` or ``unreviewed``) and ``reason``.

    Examples
    --------
    >>> table = pd.DataFrame({"question_text": ["My need was addressed.", "Question 8"],
    ...                       "driver": ["effectiveness", ""], "reason": ["the need was met", "no question wording"]})
    >>> found = reviewed_drivers(pd.Series(["My need was  addressed.", "Question 8", "I trust the IRS"]), table)
    >>> found.values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['effectiveness', '', 'the need was met'],
     [None, 'not_a_driver', 'no question wording'],
     [None, 'unreviewed', 'the question text is not in the reviewed table of question drivers
       (the wording rules propose: trust); add it to the table to use it']]
    """
    known = table.assign(key=table["question_text"].map(normalise_text)).set_index("key")
    keys = texts.map(normalise_text)
    driver = keys.map(known["driver"].replace("", None))
    reason = keys.map(known["reason"])
    unknown = ~keys.isin(known.index)
    proposals = keys[unknown].map(lambda t: classify_question(t)[0] or "none")
    reason[unknown] = ("the question text is not in the reviewed table of question drivers (the wording rules "
                       "propose: " + proposals + "); add it to the table to use it")
    check = pd.Series("", index=texts.index, dtype=object)
    check[driver.isna()] = "not_a_driver"
    check[unknown] = "unreviewed"
    return pd.DataFrame({"driver": driver.astype(object).where(driver.notna(), None), "check": check,
                         "reason": reason})
