"""What the analyses of respondents share: a data set's table and the words that describe it.

``survey_summary``, ``drivers`` and ``groups`` each take a registered data set and its columns
as parameters. :class:`Survey` holds the loaded table and says, from what the registry entry
gave it (``attrs``), what an item, the entity or a group is called, each item's scale, the
missing codes, the weights, the periods and their unit, and how respondents are identified; the
methods of every report are written from it, so they describe the data set they were run on.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import cxlab
from cxlab.data.respondents import respondent_table
from cxlab.stats.summary import item_scale

__all__ = ["Survey"]


@dataclass(frozen=True)
class Survey:
    """A loaded respondent data set and its name.

    Examples
    --------
    >>> survey = Survey.load("sandiego_2015")
    >>> survey.label("Q2_6"), survey.label("own_rent"), survey.scale("Q2_6"), survey.weight
    ('Quality of services provided by the City', 'owners and renters', (1.0, 5.0), None)
    """

    name: str
    table: pd.DataFrame

    @classmethod
    def load(cls, dataset: str, responses: pd.DataFrame | None = None) -> Survey:
        """The data set ``dataset`` as :func:`cxlab.load` gives it (or ``responses``, already loaded)."""
        table = cxlab.load(dataset) if responses is None else responses
        return cls(dataset, respondent_table(table, dataset))

    def label(self, column: str) -> str:
        """What an item, the entity or a group is called (its wording in the registry, else its name)."""
        return self.table.attrs.get("labels", {}).get(column, column)

    def what(self, item: str) -> str:
        """An item's wording inside a sentence: its first letter in lower case unless it is an acronym.

        Examples
        --------
        >>> Survey.load("sandiego_2015").what("Q2_6")
        'quality of services provided by the City'
        """
        text = self.label(item)
        return text if text[:2].isupper() else text[:1].lower() + text[1:]

    def scale(self, item: str) -> tuple[float, float]:
        """The item's scale (lowest and highest point)."""
        return item_scale(self.table, item)

    @property
    def weight(self) -> str | None:
        """The weight column, or None when the data set has no weights."""
        return "weight" if "weight" in self.table else None

    @property
    def periods(self) -> list[str]:
        """The periods in time order (none when the data set maps no period column)."""
        if "period" not in self.table:
            return []
        return self.table.drop_duplicates("period").sort_values("time")["period"].tolist()

    @property
    def unit(self) -> str:
        """What one period is: year, quarter, month (``period`` when the registry does not say)."""
        return self.table.attrs.get("period_unit") or "period"

    def scales_text(self, items: list[str]) -> str:
        """How ratings are put on 0-100, item by item where their scales differ, and the missing codes.

        Examples
        --------
        >>> Survey.load("sandiego_2015").scales_text(["Q2_6", "Q2_7"])
        "Ratings on 1-5 are put on 0-100 ((x - min) / (max - min) x 100); 9 (don't know) is a missing code, never a score."
        """
        on: dict[tuple[float, float], list[str]] = {}
        for item in items:
            on.setdefault(self.scale(item), []).append(item)
        if set(on) == {(0.0, 100.0)}:
            text = "Scores are on 0-100 as they stand"
        elif len(on) == 1:
            text = f"Ratings on {_range(next(iter(on)))} are put on 0-100 ((x - min) / (max - min) x 100)"
        else:
            parts = [f"{_range(scale)} ({', '.join(names)})" for scale, names in on.items()]
            text = (f"Ratings on {', '.join(parts[:-1])} and {parts[-1]} are each put on 0-100 by their own scale "
                    "((x - min) / (max - min) x 100)")
        meaning = self.table.attrs.get("missing") or {}
        by_codes: dict[tuple[str, ...], list[str]] = {}
        for item in items:
            by_codes.setdefault(tuple((self.table.attrs.get("missing_codes") or {}).get(item, meaning)), []).append(item)
        said = []
        for codes, names in by_codes.items():
            whose = f" for {', '.join(names)}" if len(by_codes) > 1 else ""
            if not codes:
                subject = f"{', '.join(names)} {'has' if len(names) == 1 else 'have'}" if whose else "there are"
                said.append(f"{subject} no missing codes (an empty cell is missing)")
                continue
            shown = [f"{c} ({meaning[c]})" if meaning.get(c) else c for c in codes]
            said.append(f"{_listed(shown)} " + ("is a missing code" if len(codes) == 1 else "are missing codes")
                        + f"{whose}, never {'a score' if len(codes) == 1 else 'scores'}")
        return f"{text}; {'; '.join(said)}."

    def provenance_text(self, *, weighted: bool) -> str:
        """The data set, how respondents are identified and whether estimates are weighted.

        Examples
        --------
        >>> Survey.load("sandiego_2015").provenance_text(weighted=True)
        'Data set sandiego_2015 (2,477 respondents). The data have no survey weights, so estimates describe the respondents.'
        """
        text = f"Data set {self.name} ({len(self.table):,} respondents)."
        if not self.table.attrs.get("respondent_id"):
            text += " The file has no respondent id column: each respondent is identified by the row number in the file."
        if self.weight is None:
            return text + " The data have no survey weights, so estimates describe the respondents."
        if weighted:
            return text + (" Estimates are weighted; standard errors use Kish's effective sample size (this ignores "
                           "clustering and stratification).")
        return text + " The survey weights are not used by these tests, so estimates describe the respondents."

    def group_text(self, group: str) -> str:
        """How a group is formed: its bands, or its codes and missing codes (empty for the entity).

        Examples
        --------
        >>> Survey.load("sandiego_2015").group_text("tenure")
        'Years lived in San Diego is grouped into bands (under 5 years: 0 to under 5; 5-9 years: 5 to under 10; 10-19 years: 10 to under 20; 20 years or more: 20 or more); 99 (no answer) is missing.'
        """
        spec = (self.table.attrs.get("groups") or {}).get(group)
        if not spec:
            return ""
        name = self.label(group)
        text = f"{name[:1].upper()}{name[1:]}"
        if "bands" in spec:
            bands = "; ".join(f"{label}: {low:g} {'or more' if high is None else f'to under {high:g}'}"
                              for label, (low, high) in spec["bands"].items())
            text += f" is grouped into bands ({bands})"
        else:
            text += f" comes from column {spec['column']} of the file"
        codes = [str(c) for c in spec.get("missing_codes", [])]
        return text + (f"; {_listed(codes)} (no answer) {'is' if len(codes) == 1 else 'are'} missing." if codes else ".")


def _range(scale: tuple[float, float]) -> str:
    return f"{scale[0]:g}-{scale[1]:g}"


def _listed(words: list[str]) -> str:
    """Words joined as in a sentence: a, b and c."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" and {words[-1]}"
