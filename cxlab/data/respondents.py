"""Choosing from a loaded respondent table: an item, a list or pattern of items, a group, a filter.

The analyses of respondents (``survey_summary``, ``drivers``, ``groups``) take a data set and
its columns as parameters, and ``cxlab build`` checks those parameters against the data set
before any kernel starts. Both call these functions, so a parameter is refused with the same
words in a notebook and in a build, and each refusal lists what is allowed.

A table is one :func:`cxlab.load` gives for the ``respondents`` or ``answers`` layout: its
``attrs`` name the ``items`` and ``groups``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used, so the build's checks start fast
    import pandas as pd

__all__ = ["group", "group_names", "group_values", "item", "items", "kept", "respondent_table"]


def respondent_table(table: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """``table`` if it holds respondents with rating items; else ValueError naming the data set.

    Examples
    --------
    >>> import cxlab
    >>> respondent_table(cxlab.load("cx_benchmarks"), "cx_benchmarks")
    Traceback (most recent call last):
    ...
    ValueError: data set 'cx_benchmarks' has no respondents with rating items (layouts respondents and answers have them)
    """
    if "items" not in table.attrs:
        raise ValueError(f"data set {dataset!r} has no respondents with rating items (layouts respondents and answers "
                         "have them)")
    return table


def _listed(names: Sequence[str], most: int = 40) -> str:
    return ", ".join(names[:most]) + (", ..." if len(names) > most else "")


def item(table: pd.DataFrame, name: str | None) -> str:
    """The rating item ``name`` (None: the first item); ValueError listing the items if there is none.

    Examples
    --------
    >>> import cxlab
    >>> residents = cxlab.load("sandiego_2015")
    >>> item(residents, None), item(residents, "Q2_6")
    ('Q1_1', 'Q2_6')
    >>> item(residents, "Q99")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: no rating item 'Q99'; the items: Q1_1, Q1_2, ...
    """
    known = table.attrs["items"]
    if name is None:
        return known[0]
    if name not in known:
        raise ValueError(f"no rating item {name!r}; the items: {_listed(known)}")
    return name


def items(table: pd.DataFrame, spec: str | Sequence[str] | None, *, leave_out: Sequence[str] = ()) -> list[str]:
    """Rating items named by a list, or by a pattern, in the table's order (None: every item).

    A pattern is a regular expression matched at the start of each item name, as the registry's
    ``items`` is (``Q3`` gives ``Q3_1 ... Q3_15``; ``Q3_(1|2)$`` gives two). Items in
    ``leave_out`` (the outcome) are left out; no item left is an error.

    Examples
    --------
    >>> import cxlab
    >>> residents = cxlab.load("sandiego_2015")
    >>> items(residents, "Q15"), items(residents, ["Q2_6", "Q3_1"], leave_out=["Q2_6"])
    (['Q15_2', 'Q15_3', 'Q15_4'], ['Q3_1'])
    >>> items(residents, "Q99")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: items 'Q99' name no rating item other than the outcome; the items: Q1_1, ...
    """
    known = table.attrs["items"]
    if spec is None:
        chosen = list(known)
    elif isinstance(spec, str):
        try:
            pattern = re.compile(spec)
        except re.error as err:
            raise ValueError(f"items {spec!r} is not a regular expression ({err})") from None
        chosen = [i for i in known if pattern.match(i)]
    else:
        absent = [i for i in spec if i not in known]
        if absent:
            raise ValueError(f"no rating item {', '.join(map(repr, absent))}; the items: {_listed(known)}")
        chosen = list(dict.fromkeys(spec))
    chosen = [i for i in chosen if i not in leave_out]
    if not chosen:
        raise ValueError(f"items {spec!r} name no rating item other than the outcome; the items: {_listed(known)}")
    return chosen


def group_names(table: pd.DataFrame) -> list[str]:
    """The groupings of respondents a table offers: ``entity`` (if mapped), then its groups.

    Examples
    --------
    >>> import cxlab
    >>> group_names(cxlab.load("sandiego_2015"))[:4]
    ['entity', 'district', 'age', 'tenure']
    """
    return (["entity"] if "entity" in table else []) + list(table.attrs.get("groups") or [])


def group(table: pd.DataFrame, name: str | None) -> str:
    """The grouping ``name`` (None: the entity, else the first group); ValueError listing them if there is none.

    Examples
    --------
    >>> import cxlab
    >>> group(cxlab.load("sandiego_2015"), "own_rent")
    'own_rent'
    >>> group(cxlab.load("sandiego_2015"), "zip")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: no group 'zip'; the groups: entity, district, age, tenure, income, own_rent, hispanic, gender, ...
    """
    known = group_names(table)
    if not known:
        raise ValueError("the data set maps no entity and has no groups, so respondents cannot be grouped")
    if name is None:
        return known[0]
    if name not in known:
        raise ValueError(f"no group {name!r}; the groups: {_listed(known, 8)}")
    return name


def group_values(table: pd.DataFrame, name: str) -> pd.Series:
    """Each respondent's group as text (a categorical keeps its order), missing where unknown.

    Number codes without labels become text in numeric order (``2`` before ``10``).

    Examples
    --------
    >>> import cxlab
    >>> residents = cxlab.load("sandiego_2015")
    >>> list(group_values(residents, "tenure").cat.categories)
    ['under 5 years', '5-9 years', '10-19 years', '20 years or more']
    >>> list(group_values(residents, "important_1").cat.categories)[:3]
    ['1', '2', '3']
    """
    import pandas as pd

    column = table[group(table, name)]
    if isinstance(column.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(column):
        return column.rename(name)
    codes = sorted(column.dropna().unique())
    text = column.map(lambda v: f"{v:g}", na_action="ignore")
    return pd.Series(pd.Categorical(text, categories=[f"{c:g}" for c in codes], ordered=True), index=column.index,
                     name=name)


def kept(table: pd.DataFrame, where: Mapping[str, Sequence[object]] | None) -> pd.Series:
    """Which respondents a filter keeps: ``{group: [value, ...]}``, every group named a test (all must hold).

    Values are the group's labels (or codes, as text or numbers, where it has none); a group or
    value that is not in the data is an error listing what is.

    Examples
    --------
    >>> import cxlab
    >>> residents = cxlab.load("sandiego_2015")
    >>> int(kept(residents, {"own_rent": ["Rent"]}).sum()), int(kept(residents, None).sum())
    (914, 2477)
    >>> kept(residents, {"own_rent": ["Renters"]})
    Traceback (most recent call last):
    ...
    ValueError: group 'own_rent' has no value 'Renters'; its values: Own, Rent
    """
    import pandas as pd

    keep = pd.Series(True, index=table.index)
    for name, values in (where or {}).items():
        column = group_values(table, name)
        order = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else sorted(column.dropna().unique())
        present = [str(v) for v in order if (column == v).any()]
        wanted = [values] if isinstance(values, str) else list(values)
        absent = [v for v in wanted if str(v) not in present]
        if absent or not wanted:
            raise ValueError(f"group {name!r} has no value {', '.join(map(repr, absent)) or '(none given)'}; its "
                             f"values: {_listed(present)}")
        keep &= column.astype(object).astype(str).isin([str(v) for v in wanted]) & column.notna()
    return keep
