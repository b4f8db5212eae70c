"""Scrub personal data from free text before anything is modelled or shown.

E-mail addresses, web addresses, card-like numbers, SSN-like numbers and phone numbers are
replaced by tags (:data:`TAGS`), in that order, so that an e-mail's domain is not also taken for
a web address and a card number is not read as two phone numbers. The patterns err on the side
of removing: any run of 13-19 digits (spaces or dashes allowed between them) is card-like, any
nine digits written ``123-45-6789``, ``123 45 6789`` or ``123456789`` are SSN-like.

Left as they are: redactions a publisher already made (CFPB writes ``XXXX`` for a name or number
and ``XX/XX/XXXX`` for a date; :data:`REDACTION` matches them so that text models can leave them
out), amounts such as ``{$1200.00}``, and short numbers (years, ZIP codes, counts).

A scrubbed text never contains the original value, and every tag ends in ``removed]``
(:data:`TAG_PATTERN` finds them), so no tag can be mistaken for a word a person wrote.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["TAGS", "TAG_PATTERN", "REDACTION", "scrub_text", "scrub"]

#: What replaces each kind of personal data, in the order the patterns are applied.
TAGS = {
    "email": "[email removed]",
    "url": "[web address removed]",
    "card": "[card-like number removed]",
    "ssn": "[SSN-like number removed]",
    "phone": "[phone number removed]",
}
#: Finds the tags of :data:`TAGS` in scrubbed text.
TAG_PATTERN = r"\[[^\[\]]{1,40} removed\]"
#: A publisher's own redaction: ``XXXX``, ``XX/XX/XXXX`` (any case, two or more X's a part).
REDACTION = r"(?i)\bx{2,}(?:[/-]x{2,})*\b"

_PATTERNS = {
    "email": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    "url": r"(?i)\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]]"
           r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|io|us|info|biz)\b(?:/(?:[^\s<>\"']*[^\s<>\"'.,;:!?)\]])?)?",
    "card": r"(?<![\d.])(?:\d[ -]?){12,18}\d(?!\.?\d)",
    "ssn": r"(?<![\d.])\d{3}([ -]?)\d{2}\1\d{4}(?!\.?\d)",
    "phone": r"(?<![\w.])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}(?!\.?\d)",
}
_COMPILED = {kind: re.compile(pattern) for kind, pattern in _PATTERNS.items()}


def scrub_text(text: str) -> tuple[str, int]:
    """One text with its personal data replaced by tags, and the number of replacements.

    Examples
    --------
    >>> scrub_text("Mail jane.doe@example.org or call (202) 555-0147 about card 4111 1111 1111 1111.")
    ('Mail [email removed] or call [phone number removed] about card [card-like number removed].', 3)
    >>> scrub_text("My SSN 123-45-6789 is on www.example.com/me; see https://x.io?a=1")
    ('My SSN [SSN-like number removed] is on [web address removed]; see [web address removed]', 3)
    >>> scrub_text("On XX/XX/XXXX XXXX charged {$1200.00} in 2019 (ZIP 33012).")
    ('On XX/XX/XXXX XXXX charged {$1200.00} in 2019 (ZIP 33012).', 0)
    """
    total = 0
    for kind, pattern in _COMPILED.items():
        text, count = pattern.subn(TAGS[kind], text)
        total += count
    return text, total


def scrub(data: pd.DataFrame, *, text: str = "text") -> pd.DataFrame:
    """A copy of ``data`` whose ``text`` column is scrubbed, with a count of what was removed.

    Parameters
    ----------
    data : DataFrame
        Any table with a text column (missing values stay missing).
    text : str
        The column to scrub.

    Returns
    -------
    DataFrame
        ``data`` with ``text`` scrubbed and a column ``scrubbed``: how many pieces of personal
        data were replaced in each row (0 where none, or no text).

    Examples
    --------
    >>> comments = pd.DataFrame({"text": ["write to a@b.gov", "all fine", ""]})
    >>> scrub(comments).to_dict("list")
    {'text': ['write to [email removed]', 'all fine', ''], 'scrubbed': [1, 0, 0]}
    """
    cleaned = [scrub_text(value) if isinstance(value, str) else (value, 0) for value in data[text]]
    return data.assign(**{text: [c[0] for c in cleaned]}, scrubbed=[c[1] for c in cleaned])
