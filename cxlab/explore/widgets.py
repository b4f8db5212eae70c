"""Explorers for JupyterLab: ipywidgets controls on the functions the reports use.

Three explorers, one per kind of report:

* :class:`GapExplorer` (``sector_gap``): index, two series, years -> findings, score and gap
  charts, the points left out; it calls :func:`cxlab.analyses.sector_gap.run`.
* :class:`ServiceExplorer` (``service_scorecard``): agency -> service (the list follows the
  agency), drivers, first and last quarter -> the scorecard of
  :func:`cxlab.analyses.service_scorecard.run` on the chosen rows (the volume table always
  counts every record of the quarters, whatever the drivers).
* :class:`DriverExplorer` (``drivers``): outcome, block of items, resident groups -> derived
  importance and the importance-performance quadrant, from per-cell sufficient statistics
  (:mod:`cxlab.explore.state`) and figures updated in place (:mod:`cxlab.explore.charts`), so a
  change answers at once even on a million respondents.

Every control shows display names (never a column code alone) with its whole label. The
explorer's findings follow its selection: a notebook shows the explorer in place of its static
findings. A selection the explorer cannot show (an empty year range, a service with no answers
for the chosen drivers, too few residents) shows a message in place of the figures, never a
traceback. "Make this a report" writes the current selection as a catalog entry (refusing one
the catalogs have already) and can build it, the button showing that it is busy meanwhile.

Notebooks call :func:`explore`: it returns an explorer in a notebook opened in JupyterLab and
None in a batch run (``cxlab build`` runs kernels through papermill, which opens no Jupyter
session), so reports stay static.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from html import escape
from pathlib import Path
from typing import Any, ClassVar

import ipywidgets as widgets
import pandas as pd

import cxlab
from cxlab.analyses import sector_gap, service_scorecard
from cxlab.analyses.drivers import item_block
from cxlab.analyses.resident_groups import GROUPS
from cxlab.report.blocks import Block, findings_block, unmeasured
from cxlab.build.batch import BATCH_VARIABLE, REPORTS, Outcome
from cxlab.build.catalog import CATALOG
from cxlab.data.a11_drivers import DRIVER_LABELS, DRIVERS
from cxlab.explore.charts import ImportanceChart, QuadrantChart
from cxlab.explore.state import (
    LOCAL_CATALOG,
    DriverCells,
    SelectionError,
    driver_cells,
    driver_view,
    make_report,
    report_entry,
)
from cxlab.report import numbers
from cxlab.report.findings import Finding
from cxlab.stats.summary import MIN_N

__all__ = [
    "BATCH_VARIABLE",
    "interactive",
    "explore",
    "Explorer",
    "GapExplorer",
    "ServiceExplorer",
    "DriverExplorer",
]

#: A Jupyter server sets this in the kernels it starts for a notebook; papermill does not.
_SESSION_VARIABLE = "JPY_SESSION_NAME"
_ROW = widgets.Layout(flex_flow="row wrap", align_items="flex-start")
#: Labels are shown whole, beside their control; choices get room for their longest text.
_LABEL = {"description_width": "initial"}
_WIDE, _NARROW = widgets.Layout(width="36rem"), widgets.Layout(width="15rem")
_BUSY = "Building the report: a fresh kernel runs the notebook; this takes a few seconds."


def interactive() -> bool:
    """True in a kernel a Jupyter server started for a notebook, unless ``CXLAB_BATCH`` is set.

    Examples
    --------
    >>> interactive()  # a test run is no JupyterLab session
    False
    """
    return bool(os.environ.get(_SESSION_VARIABLE)) and not os.environ.get(BATCH_VARIABLE)


def _alert(text: str) -> str:
    return f'<p role="alert"><strong>{escape(text)}</strong></p>'


def _choice(widget: type[widgets.Widget], description: str, wide: bool = False, **kwargs: Any) -> widgets.Widget:
    """A control whose label is shown whole and whose options have room for their text."""
    return widget(description=description, style=_LABEL, layout=_WIDE if wide else _NARROW, **kwargs)


class Explorer(widgets.VBox):
    """Controls, a message line, one HTML pane per display block, and "Make this a report".

    Subclasses give the controls and implement :meth:`view` (blocks for the current selection),
    :meth:`parameters` (the notebook parameters that reproduce it) and :meth:`title` (the report's
    title in words); :meth:`cascade` updates dependent controls when one changes.
    """

    #: The notebook (catalog kind) whose parameters the explorer sets.
    notebook: ClassVar[str]
    #: What the explorer can choose that the notebook has no parameter for.
    not_in_report: ClassVar[str] = ""

    def __init__(self, controls: list[widgets.Widget], panes: list[str]) -> None:
        self.message = widgets.HTML()
        self.panes = {name: widgets.HTML() for name in panes}
        self.report_name = widgets.Text(description="Report name", placeholder="made from the selection",
                                        style=_LABEL, layout=widgets.Layout(width="24rem"))
        self.report_button = widgets.Button(description="Make this a report", icon="file",
                                            layout=widgets.Layout(width="auto"))
        self.build_too = widgets.Checkbox(description="and build it now", indent=False,
                                          layout=widgets.Layout(width="auto"))
        self.report_status = widgets.HTML()
        self._holding = self._cascading = False
        bar = widgets.HBox([self.report_name, self.report_button, self.build_too], layout=_ROW)
        super().__init__([widgets.HBox(controls, layout=_ROW), self.message, *self.panes.values(),
                          bar, self.report_status])
        for control in controls:
            control.observe(self._changed, names="value")
        self.report_button.on_click(lambda _: self.make_report(build=self.build_too.value))
        self.refresh()

    def view(self) -> tuple[dict[str, Block | None], str]:
        """Blocks for each pane, and a note on the selection (empty when all is well)."""
        raise NotImplementedError

    def parameters(self) -> dict[str, Any]:
        """The notebook parameters that reproduce the current selection."""
        raise NotImplementedError

    def title(self) -> str:
        """The title of the report the current selection makes, in words."""
        raise NotImplementedError

    def cascade(self, changed: widgets.Widget) -> None:
        """Update the controls that depend on ``changed`` (nothing by default)."""

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Change several controls, then refresh once."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
        self.refresh()

    def _changed(self, change: Mapping[str, Any]) -> None:
        if self._cascading:  # a control set by a cascade: the outer change refreshes
            return
        self._cascading = True
        try:
            self.cascade(change["owner"])
        finally:
            self._cascading = False
        if not self._holding:
            self.refresh()

    def refresh(self) -> None:
        """Recompute the view; a selection that cannot be shown gives a message, not an error."""
        try:
            with unmeasured():
                blocks, note = self.view()
        except SelectionError as err:
            blocks, note = {}, str(err)
        except Exception as err:  # the explorer is a UI boundary: say what failed, never a traceback
            blocks, note = {}, f"This selection cannot be shown: {err}"
        self.message.value = _alert(note) if note else ""
        for name, pane in self.panes.items():
            block = blocks.get(name)
            pane.value = block.html if block is not None else ""

    @contextmanager
    def busy(self, text: str) -> Iterator[None]:
        """Show that a slow action runs: the button disabled and a status line, until it ends."""
        description = self.report_button.description
        self.report_button.disabled, self.report_button.description = True, "Working…"
        self.report_status.value = f'<p role="status" aria-busy="true">{escape(text)}</p>'
        try:
            yield
        finally:
            self.report_button.disabled, self.report_button.description = False, description

    def make_report(self, *, build: bool = False, catalog: Path = CATALOG, local: Path = LOCAL_CATALOG,
                    out_dir: Path = REPORTS) -> Outcome | None:
        """Add the current selection to the local catalog (and build it); the status line says how it went.

        A selection the catalogs hold already (the same notebook and parameters, under any name)
        is refused with the name of the report that has it.
        """
        entry = report_entry(self.notebook, self.parameters(), name=self.report_name.value.strip() or None,
                             title=self.title())
        with self.busy(_BUSY if build else "Checking the selection against the catalog…"):
            try:
                outcome = make_report(entry, build=build, catalog=catalog, local=local, out_dir=out_dir)
            except ValueError as err:  # a catalog error, a name in use, a report that exists: tell the analyst
                self.report_status.value = _alert(str(err))
                return None
        status = f"Added report {entry['name']!r} to {local.name}; `cxlab build --only {entry['name']}` builds it."
        if outcome is not None:
            status = (f"Built {out_dir / entry['name']}.html in {outcome.seconds:.1f} s." if outcome.status == "built"
                      else f"Added {entry['name']!r}, but the build failed: {outcome.error}")
        if self.not_in_report:
            status += f" The report does not take the {self.not_in_report}."
        self.report_status.value = f'<p role="status">{escape(status, quote=False)}</p>'
        return outcome


def _keep(value: Any, options: list[Any], *, avoid: Any = None) -> Any:
    """``value`` if it is still an option, else the first option that is not ``avoid``.

    Examples
    --------
    >>> _keep("b", ["a", "b"]), _keep("z", ["a", "b"]), _keep("z", ["a", "b"], avoid="a")
    ('b', 'a', 'b')
    """
    if value in options:
        return value
    return next((o for o in options if o != avoid), options[0])


def _values(options: list[Any]) -> list[Any]:
    """The values of a control's options, whether given as values or as (label, value) pairs."""
    return [o[1] if isinstance(o, tuple) else o for o in options]


class GapExplorer(Explorer):
    """Two published series of one index, the gap between them, over a range of years.

    Series are listed by their display names; a change of index keeps the series and the years
    where the new index has them, and never pairs a series with itself.

    Examples
    --------
    >>> gap = GapExplorer(index="Forrester CX Index", lower="federal_government", upper="private_sector")
    >>> gap.end.value = 2020
    >>> "went from 56.5 (2015) to 61.1 (2020)" in gap.panes["findings"].value
    True
    >>> gap.start.value = 2021
    >>> print(gap.message.value)
    <p role="alert"><strong>The year range is empty: 2021 is after 2020. Choose a start on or before the end.</strong></p>
    """

    notebook = "sector_gap"

    def __init__(self, *, index: str = "ACSI", lower: str = "federal_government", upper: str = "national",
                 start: int | None = None, end: int | None = None, scores: pd.DataFrame | None = None) -> None:
        self.scores = cxlab.load("cx_benchmarks") if scores is None else scores
        self.index = _choice(widgets.Dropdown, "Index", options=sorted(self.scores["index"].unique()), value=index)
        self.lower = _choice(widgets.Dropdown, "Lower series (usually federal)", wide=True)
        self.upper = _choice(widgets.Dropdown, "Upper series", wide=True)
        self.start = _choice(widgets.Dropdown, "From year")
        self.end = _choice(widgets.Dropdown, "To year")
        self._fill(lower=lower, upper=upper, start=start, end=end)
        super().__init__([self.index, self.lower, self.upper, self.start, self.end],
                         panes=["findings", "scores_chart", "gap_chart", "gap_table"])

    def _series(self, rows: pd.DataFrame) -> list[tuple[str, str]]:
        """(display name, parameter) of each series of the index: a series with one entity by its code."""
        found = {}
        for series, entities in rows.groupby("series")["entity"].unique().items():
            for entity in entities:
                found[str(entity)] = series if len(entities) == 1 else str(entity)
        return sorted(found.items(), key=lambda pair: pair[0].lower())

    def _fill(self, *, lower: str, upper: str, start: int | None, end: int | None) -> None:
        rows = self.scores[self.scores["index"] == self.index.value]
        options = self._series(rows)
        names = _values(options)
        by_entity = dict(options)
        lower, upper = by_entity.get(lower, lower), by_entity.get(upper, upper)
        years = sorted({int(y) for y in rows["period_start"].dt.year} | {int(y) for y in rows["period_end"].dt.year})
        self.lower.options, self.upper.options = options, options
        self.lower.value = _keep(lower, names)
        self.upper.value = _keep(upper, names, avoid=self.lower.value)
        first = next((y for y in years if y >= start), years[-1]) if start is not None else years[0]
        last = next((y for y in reversed(years) if y <= end), years[0]) if end is not None else years[-1]
        if first > last:  # the old range lies outside the new index's years: show them all
            first, last = years[0], years[-1]
        self.start.options, self.end.options = years, years
        self.start.value, self.end.value = first, last

    def cascade(self, changed: widgets.Widget) -> None:
        if changed is self.index:
            self._fill(lower=self.lower.value, upper=self.upper.value, start=self.start.value, end=self.end.value)

    def parameters(self) -> dict[str, Any]:
        return {"index": self.index.value, "lower": self.lower.value, "upper": self.upper.value,
                "start": self.start.value, "end": self.end.value}

    def title(self) -> str:
        return (f"{self.index.value}, {self.start.value} to {self.end.value}: {self.lower.label} against "
                f"{self.upper.label}")

    def view(self) -> tuple[dict[str, Block | None], str]:
        start, end = self.start.value, self.end.value
        if start > end:
            raise SelectionError(f"The year range is empty: {start} is after {end}. Choose a start on or before the end.")
        if self.lower.value == self.upper.value:
            raise SelectionError("Both series are the same; choose two different series.")
        result = sector_gap.run(**self.parameters(), scores=self.scores)
        note = "" if len(result.aligned) else f"No year from {start} to {end} has a point in both series, so there is no gap."
        return {"findings": result.findings, "scores_chart": result.scores_chart, "gap_chart": result.gap_chart,
                "gap_table": result.gap_table}, note


class ServiceExplorer(Explorer):
    """One federal service's A-11 scorecard, for chosen drivers and a range of quarters.

    Examples
    --------
    >>> card = ServiceExplorer(agency="Department of Veterans Affairs", service="Receiving outpatient services")
    >>> card.first.value, card.last.value
    ('FY2021-Q1', 'FY2023-Q1')
    >>> card.drivers.value = ("trust",)
    >>> "In FY2023-Q1, trust / confidence with Receiving outpatient services was" in card.panes["findings"].value
    True
    """

    notebook = "service_scorecard"
    not_in_report = "quarter range or the choice of drivers: it shows every quarter and driver"

    def __init__(self, *, agency: str = "Department of Veterans Affairs", service: str = "Receiving outpatient services",
                 min_n: int = MIN_N, a11: pd.DataFrame | None = None) -> None:
        self.a11 = cxlab.load("a11_hisp") if a11 is None else a11
        self.min_n = min_n
        self.agency = _choice(widgets.Dropdown, "Agency", wide=True, options=sorted(self.a11["agency"].unique()),
                              value=agency)
        self.service = _choice(widgets.Dropdown, "Service", wide=True)
        self.drivers = _choice(widgets.SelectMultiple, "Drivers", options=[(DRIVER_LABELS[d], d) for d in DRIVERS],
                               value=DRIVERS, rows=len(DRIVERS))
        self.first = _choice(widgets.Dropdown, "From quarter (FY)")
        self.last = _choice(widgets.Dropdown, "To quarter (FY)")
        self._volumes: dict[tuple[str, ...], Block] = {}
        self._fill(service)
        super().__init__([self.agency, self.service, self.drivers, self.first, self.last],
                         panes=["findings", "drivers_chart", "changes_table", "standing_chart", "volume_table"])

    def _rows(self) -> pd.DataFrame:
        return self.a11[(self.a11["agency"] == self.agency.value) & (self.a11["service"] == self.service.value)]

    def _fill(self, service: str) -> None:
        services = sorted(self.a11.loc[self.a11["agency"] == self.agency.value, "service"].unique())
        self.service.options = services
        self.service.value = _keep(service, services)
        self._fill_quarters()

    def _fill_quarters(self) -> None:
        quarters = sorted(self._rows()["period"].unique())
        self.first.options, self.last.options = quarters, quarters
        self.first.value, self.last.value = quarters[0], quarters[-1]

    def cascade(self, changed: widgets.Widget) -> None:
        if changed is self.agency:
            self._fill(self.service.value)
        elif changed is self.service:
            self._fill_quarters()

    def parameters(self) -> dict[str, Any]:
        return {"agency": self.agency.value, "service": self.service.value, "min_n": self.min_n}

    def title(self) -> str:
        return f"{self.service.value} ({self.agency.value})"

    def _volume(self, in_range: pd.DataFrame, first: str, last: str) -> Block:
        """The volume table of the service's quarters, from every driver's records (it counts records, not answers)."""
        key = (self.agency.value, self.service.value, first, last)
        if key not in self._volumes:
            self._volumes[key] = service_scorecard.run(**self.parameters(), a11=in_range).volume_table
        return self._volumes[key]

    def view(self) -> tuple[dict[str, Block | None], str]:
        first, last = self.first.value, self.last.value
        if first > last:
            raise SelectionError(f"The quarter range is empty: {first} is after {last}. Choose a first quarter on or "
                                 "before the last.")
        chosen = list(self.drivers.value)
        if not chosen:
            raise SelectionError("Choose at least one driver.")
        in_range = self.a11[self.a11["period"].between(first, last)]
        answered = set(self._rows().loc[lambda r: r["period"].between(first, last), "driver"])
        missing = [DRIVER_LABELS[d].lower() for d in chosen if d not in answered]
        span = f"from {first} to {last}" if first != last else f"in {first}"
        if len(missing) == len(chosen):
            raise SelectionError(f"{self.service.value} has no A-11 answers on {', '.join(missing)} {span}.")
        card = service_scorecard.run(**self.parameters(), a11=in_range[in_range["driver"].isin(chosen)])
        if set(chosen) == set(DRIVERS):  # every driver: the card's own volume table counts every record
            self._volumes.setdefault((self.agency.value, self.service.value, first, last), card.volume_table)
        note = f"{self.service.value} has no A-11 answers on {', '.join(missing)} {span}." if missing else ""
        return {"findings": card.findings, "drivers_chart": card.drivers_chart, "changes_table": card.changes_table,
                "standing_chart": card.standing_chart,
                "volume_table": self._volume(in_range, first, last)}, note


def _upper_first(text: str) -> str:
    """``text`` with its first letter in upper case, the rest as it is (``Owners and renters``)."""
    return text[:1].upper() + text[1:]


class DriverExplorer(Explorer):
    """Derived importance of a block of items for an outcome, among chosen resident groups.

    The first choice of an outcome and block reads the respondents once (per-cell sums) and draws
    its two figures once; every other change only adds up cells and updates the figures in place.
    The numbers are point estimates; the built report adds bootstrap intervals, Spearman
    correlations and stated importance.

    Examples
    --------
    >>> explorer = DriverExplorer(outcome="Q2_6", items="Q3")
    >>> explorer.group.value = "own_rent"
    >>> explorer.levels.value = ("Rent",)
    >>> table = explorer.numbers()
    >>> int(table["n"].iloc[0]) < int(explorer.cells().n.sum())
    True
    >>> explorer.levels.value = ()
    >>> "Choose at least one group" in explorer.message.value
    True
    """

    notebook = "drivers"
    not_in_report = "group filter: it covers all residents"

    def __init__(self, *, outcome: str = "Q2_6", items: str = "Q3", min_n: int = MIN_N,
                 residents: pd.DataFrame | None = None) -> None:
        self.residents = cxlab.load("sandiego_2015") if residents is None else residents
        self.min_n = min_n
        self.labels: dict[str, str] = dict(self.residents.attrs["labels"])
        items_known = self.residents.attrs["items"]
        blocks = list(dict.fromkeys(i.split("_")[0] for i in items_known))
        self.outcome = _choice(widgets.Dropdown, "Outcome", wide=True, value=outcome,
                               options=[(f"{self.labels.get(i, i)} ({i})", i) for i in items_known])
        self.items = _choice(widgets.Dropdown, "Items that may drive it", wide=True, value=items,
                             options=[(self._block_name(b), b) for b in blocks])
        self.group = _choice(widgets.Dropdown, "Residents by", wide=True, value="district",
                             options=[(_upper_first(self._grouping(g)), g) for g in GROUPS])
        self.levels = _choice(widgets.SelectMultiple, "Keep", rows=6)
        self._cells: dict[tuple[str, str], DriverCells] = {}
        self._charts: dict[tuple[str, str], tuple[ImportanceChart, QuadrantChart]] = {}
        self._fill_levels()
        super().__init__([self.outcome, self.items, self.group, self.levels],
                         panes=["findings", "importance_chart", "quadrant_chart"])

    def _block_name(self, block: str) -> str:
        items = item_block(self.residents, block)
        first = self.labels.get(items[0], items[0])
        return f"{block}: {len(items)} item{'s' if len(items) != 1 else ''}, such as {first[0].lower()}{first[1:]}"

    def cells(self) -> DriverCells:
        """Per-cell sums for the current outcome and block, computed on first use."""
        key = (self.outcome.value, self.items.value)
        if key not in self._cells:
            candidates = [i for i in item_block(self.residents, self.items.value) if i != self.outcome.value]
            if not candidates:
                raise SelectionError(f"Block {self.items.value} holds only the outcome; choose another block of items.")
            self._cells[key] = driver_cells(self.residents, outcome=self.outcome.value, items=candidates)
        return self._cells[key]

    def _fill_levels(self) -> None:
        try:
            levels = self.cells().levels(self.group.value)
        except SelectionError:
            levels = []
        with self.levels.hold_sync():  # options and selection reach the browser together
            self.levels.options = levels
            self.levels.value = tuple(levels)

    def cascade(self, changed: widgets.Widget) -> None:
        if changed is not self.levels:
            self._fill_levels()

    def parameters(self) -> dict[str, Any]:
        return {"outcome": self.outcome.value, "items": self.items.value, "min_n": self.min_n}

    def title(self) -> str:
        what = self.labels.get(self.outcome.value, self.outcome.value)
        return f"What drives residents' rating of {what[0].lower()}{what[1:]} ({self.items.value} items)"

    def numbers(self) -> pd.DataFrame:
        """Importance, performance and quadrant of each item for the current selection (no figures)."""
        if not self.levels.value:
            raise SelectionError(f"Choose at least one group of residents by {self._grouping()}.")
        return driver_view(self.cells(), where={self.group.value: self.levels.value}, labels=self.labels,
                           min_n=self.min_n)

    def _figures(self, table: pd.DataFrame, what: str) -> tuple[ImportanceChart, QuadrantChart]:
        key = (self.outcome.value, self.items.value)
        if key not in self._charts:
            self._charts[key] = (ImportanceChart(table, what=what), QuadrantChart(table, what=what))
        return self._charts[key]

    def view(self) -> tuple[dict[str, Block | None], str]:
        table = self.numbers()
        what = self.labels.get(self.outcome.value, self.outcome.value).lower()
        bars, quadrant = self._figures(table, what)
        return {"findings": findings_block(self._findings(table, what)), "importance_chart": bars.update(table),
                "quadrant_chart": quadrant.update(table)}, ""

    def _who(self, count: int) -> str:
        """The residents of the selection in words: ``all 1,288 residents``, ``the 412 residents selected (...)``."""
        if set(self.levels.value) == set(self.levels.options):
            return f"all {numbers.count(count)} residents"
        return f"the {numbers.count(count)} residents selected ({self._grouping()}: {', '.join(self.levels.value)})"

    def _grouping(self, group: str | None = None) -> str:
        """A grouping (by default the chosen one) in words, as the registry labels it (``years lived in San Diego``)."""
        group = group or self.group.value
        return self.labels.get(group, group)

    def _findings(self, table: pd.DataFrame, what: str) -> list[Finding]:
        top = table.sort_values("importance", ascending=False).iloc[0]
        found = [Finding(f"Among {self._who(int(top['n']))} who rated {what} and every item, the item that goes "
                         f"with it most strongly is {top['label']}: {numbers.percent(top['importance'])} of the "
                         f"explained variation (R² = {numbers.number(top['r2'], 2)}).",
                         "point estimates: the built report adds 95% bootstrap intervals; "
                         "derived importance shows association, not cause")]
        focus = table[table["quadrant"] == "strong link, rated low"]
        if len(focus):
            found.append(Finding("Linked more strongly than the average item, yet rated below it: " + "; ".join(
                f"{r.label} (performance {numbers.number(r.performance)})" for r in focus.itertuples()) + "."))
        return found


_EXPLORERS: dict[str, type[Explorer]] = {"sector_gap": GapExplorer, "service_scorecard": ServiceExplorer,
                                         "drivers": DriverExplorer}


def explore(notebook: str, **parameters: Any) -> Explorer | None:
    """The explorer for ``notebook`` set to ``parameters``, or None outside an interactive session.

    Examples
    --------
    >>> explore("sector_gap", index="ACSI") is None  # batch: the report stays static
    True
    """
    if not interactive():
        return None
    return _EXPLORERS[notebook](**parameters)
