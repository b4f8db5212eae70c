"""Recognise the seven OMB Circular A-11 Section 280 drivers from a question's wording.

Agencies word and order their questions differently, so the driver of each question is read from
its text by the ordered rules in :data:`DRIVER_RULES` (the first rule that matches wins). A text
that states another scale (1 to 10, yes or no) was squeezed into the five count columns and is
never read as a 1–5 answer; a text that matches no rule is not guessed. Both are returned with a
reason so the loader can report them.
"""

from __future__ import annotations

import re

__all__ = ["DRIVERS", "DRIVER_LABELS", "DRIVER_RULES", "classify_question"]

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
        ("trust", r"\btrust\b|confidence in\b"),
        ("satisfaction", r"\bsatisf"),
        ("efficiency", r"amount of time|length of time|\bquickly\b|wait time|\btimely\b"),
        ("ease", r"\beas(y|ily|e)\b|\bsimple\b|\bdifficult\b"),
        ("equity", r"\bfair(ly)?\b|\bequit|being asked of me"),
        ("employee", r"\bemployees?\b|representative|\bagent\b|\bstaff\b|personnel|courteous"
                     r"|interacted with"),
        ("effectiveness", r"need was addressed|helped me|\bable to\b|\baccomplish|resolution"
                          r"|successfully|\bclear(ly)?\b|\bresolved\b|met my needs|answered"),
    ]
)


def classify_question(text: str) -> tuple[str | None, str]:
    """Return ``(driver, reason)`` for one question text; ``driver`` is None when not mapped.

    Examples
    --------
    >>> classify_question("It took a reasonable amount of time to do what I needed to do.")
    ('efficiency', 'matched efficiency wording')
    >>> classify_question("I trust VA to fulfill our country's commitment to Veterans")
    ('trust', 'matched trust wording')
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
