"""The groupings of San Diego residents that the driver explorer offers (:mod:`cxlab.explore`).

Each is a group of the ``sandiego_2015`` registry entry, labelled or banded there (districts,
owners and renters, years lived in the city, age). The report that compares a rating across
groups of any data set is :mod:`cxlab.analyses.groups`.
"""

from __future__ import annotations

import pandas as pd

from cxlab.data.respondents import group_values

__all__ = ["GROUPS", "resident_group"]

#: The groups of ``sandiego_2015`` the driver explorer lets an analyst keep or leave out.
GROUPS: tuple[str, ...] = ("district", "own_rent", "tenure", "age")


def resident_group(residents: pd.DataFrame, group: str) -> pd.Series:
    """The group of each resident as its label (missing where unknown).

    Examples
    --------
    >>> import cxlab
    >>> residents = cxlab.load("sandiego_2015")
    >>> resident_group(residents, "own_rent").value_counts().index.tolist()
    ['Own', 'Rent']
    >>> resident_group(residents, "income")
    Traceback (most recent call last):
    ...
    ValueError: no grouping 'income'; allowed: district, own_rent, tenure, age
    """
    if group not in GROUPS:
        raise ValueError(f"no grouping {group!r}; allowed: {', '.join(GROUPS)}")
    labels = group_values(residents, group)
    return labels.astype(object).where(labels.notna()).rename(group)
