"""Rating scales of a data set: the range of valid scores and the codes that mean "no answer".

A registry entry gives ``scale: {min: 0, max: 10}`` (``whole: false`` also allows decimals, for
example on a 0-100 index) and ``missing_codes`` (a list, or a mapping of code to meaning such as
``{98: refused, 99: "don't know"}``). A missing code is never a score: a code that lies inside
the scale would turn real answers into missing ones and is refused.

``scales: {ITEM: {min: M, max: N}}`` gives an item a scale of its own (a 0/1 item, or a 0-100
item beside 1-10 ratings); it may also say ``whole`` and ``missing_codes`` (by default the data
set's codes, which must then lie outside the item's scale too: a 0-100 item where 98 is a real
score says ``missing_codes: []``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cxlab.data.readers import numbers as to_numbers

__all__ = ["Scale"]


@dataclass(frozen=True)
class Scale:
    """A rating scale from ``low`` to ``high`` with its missing codes (as text).

    Examples
    --------
    >>> scale = Scale.from_entry({"scale": {"min": 0, "max": 10}, "missing_codes": {98: "refused", 99: "DK"}})
    >>> scale.expected
    'a rating 0-10 or a missing code (98, 99)'
    >>> values, valid = scale.read(pd.Series(["7", "99", "", "7.0", "11", "x"]))
    >>> values.tolist(), valid.tolist()
    ([7.0, nan, nan, 7.0, nan, nan], [True, True, True, True, False, False])
    """

    low: float
    high: float
    missing: tuple[str, ...] = ()
    whole: bool = True

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any], item: str | None = None) -> Scale:
        """The scale of a registry entry (``scale`` and ``missing_codes``), or of one of its items.

        An item named under ``scales`` has the scale given there, with the entry's missing
        codes unless it gives its own.

        Examples
        --------
        >>> entry = {"scale": {"min": 1, "max": 10}, "missing_codes": [98, 99],
        ...          "scales": {"share": {"min": 0, "max": 100, "missing_codes": []}}}
        >>> Scale.from_entry(entry, "q1").expected, Scale.from_entry(entry, "share").expected
        ('a rating 1-10 or a missing code (98, 99)', 'a rating 0-100')
        """
        spec = (entry.get("scales") or {}).get(item) or entry["scale"]
        codes = spec.get("missing_codes", entry.get("missing_codes")) or ()
        return cls(float(spec["min"]), float(spec["max"]), tuple(sorted(str(c) for c in codes)),
                   bool(spec.get("whole", True)))

    @property
    def bounds(self) -> tuple[float, float]:
        """The lowest and highest points, as :func:`cxlab.summarize` takes them."""
        return (self.low, self.high)

    @property
    def dtype(self) -> str:
        """The pandas dtype of scores on this scale: ``Int64`` for whole ratings, else ``Float64``."""
        return "Int64" if self.whole else "Float64"

    @property
    def expected(self) -> str:
        """What a cell of a rating item should hold, in words."""
        codes = f" or a missing code ({', '.join(self.missing)})" if self.missing else ""
        return f"a {'rating' if self.whole else 'score'} {self.low:g}-{self.high:g}{codes}"

    def codes_inside(self) -> list[str]:
        """Missing codes that are also valid scores (an error in the registry).

        Examples
        --------
        >>> Scale(1, 10, ("9",)).codes_inside()
        ['9']
        """
        numbers = pd.to_numeric(pd.Series(self.missing, dtype=object), errors="coerce")
        inside = numbers.between(self.low, self.high) & (numbers % 1 == 0 if self.whole else True)
        return [c for c, bad in zip(self.missing, inside) if bad]

    def read(self, text: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Scores as floats (NaN for empty cells and missing codes) and which cells are valid."""
        stripped = text.str.strip()
        numbers = to_numbers(text)
        codes = pd.to_numeric(pd.Series(self.missing, dtype=object), errors="coerce").dropna()
        is_code = stripped.isin(self.missing) | numbers.isin(codes)
        on_scale = numbers.between(self.low, self.high)
        if self.whole:
            on_scale &= numbers % 1 == 0
        valid = (stripped == "") | is_code | on_scale
        return numbers.where(on_scale & ~is_code), valid
