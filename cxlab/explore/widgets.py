"""Explorers for JupyterLab: ipywidgets controls on the functions the reports use.

Three explorers, one per kind of report:

* :class:`GapExplorer` (``sector_gap``): index, two series, years -> findings, score and gap
  charts, the points left out; it calls :func:`cxlab.analyses.sector_gap.run`.
* :class:`ServiceExplorer` (``service_scorecard``): agency -> service (the list follows the
  agency), drivers, quarter range -> the scorecard of
  :func:`cxlab.analyses.service_scorecard.run` on the chosen rows.
* :class:`DriverExplorer` (``drivers``): outcome, block of items, resident groups -> derived
  importance and the importance-performance quadrant, from per-cell sufficient statistics
  (:mod:`cxlab.explore.state`), so a change answers at once even on a million respondents.

A selection the explorer cannot show (an empty year range, a service with no answers for the
chosen drivers, too few residents) shows a message in place of the figures, never a traceback.
"Make this a report" writes the current selection as a catalog entry and can build it.

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
import matplotlib.pyplot as plt
import pandas as pd

import cxlab
from cxlab.report import plots
from cxlab.analyses import sector_gap, service_scorecard
from cxlab.analyses.drivers import item_block
from cxlab.analyses.resident_groups import GROUPS
from cxlab.report.blocks import Block, figure_block, findings_block
from cxlab.build.batch import BATCH_VARIABLE, REPORTS, Outcome
from cxlab.build.catalog import CATALOG
from cxlab.data.a11_drivers import DRIVER_LABELS, DRIVERS
from cxlab.explore.state import (
    LOCAL_CATALOG,
    DriverCells,
    SelectionError,
    driver_cells,
    driver_view,
    make_report,
    report_entry,
)
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
_ROW = widgets.Layout(flex_flow="row wrap")


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


class Explorer(widgets.VBox):
    """Controls, a message line, one HTML pane per display block, and "Make this a report".

    Subclasses give the controls and implement :meth:`view` (blocks for the current selection)
    and :meth:`parameters` (the notebook parameters that reproduce it); :meth:`cascade` updates
    dependent controls when one changes.
    """

    #: The notebook (catalog kind) whose parameters the explorer sets.
    notebook: ClassVar[str]
    #: What the explorer can choose that the notebook has no parameter for.
    not_in_report: ClassVar[str] = ""

    def __init__(self, controls: list[widgets.Widget], panes: list[str]) -> None:
        self.message = widgets.HTML()
        self.panes = {name: widgets.HTML() for name in panes}
        self.report_name = widgets.Text(description="Report name", placeholder="made from the selection")
        self.report_button = widgets.Button(description="Make this a report", icon="file")
        self.build_too = widgets.Checkbox(description="and build it now", indent=False)
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
            blocks, note = self.view()
        except SelectionError as err:
            blocks, note = {}, str(err)
        except Exception as err:  # the explorer is a UI boundary: say what failed, never a traceback
            blocks, note = {}, f"This selection cannot be shown: {err}"
        self.message.value = _alert(note) if note else ""
        for name, pane in self.panes.items():
            block = blocks.get(name)
            pane.value = block.html if block is not None else ""

    def make_report(self, *, build: bool = False, catalog: Path = CATALOG, local: Path = LOCAL_CATALOG,
                    out_dir: Path = REPORTS) -> Outcome | None:
        """Add the current selection to the local catalog (and build it); the status line says how it went."""
        entry = report_entry(self.notebook, self.parameters(), name=self.report_name.value.strip() or None)
        try:
            outcome = make_report(entry, build=build, catalog=catalog, local=local, out_dir=out_dir)
        except ValueError as err:  # a catalog error or a name in use: tell the analyst
            self.report_status.value = _alert(str(err))
            return None
        status = f"Added report {entry['name']!r} to {local.name}; `cxlab build --only {entry['name']}` builds it."
        if outcome is not None:
            status = (f"Built {out_dir / entry['name']}.html in {outcome.seconds:.1f} s." if outcome.status == "built"
                      else f"Added {entry['name']!r}, but the build failed: {outcome.error}")
        if self.not_in_report:
            status += f" The report does not take the {self.not_in_report}."
        self.report_status.value = f"<p>{escape(status, quote=False)}</p>"
        return outcome


def _keep(value: Any, options: list[Any]) -> Any:
    """``value`` if it is still an option, else the first option."""
    return value if value in options else options[0]


class GapExplorer(Explorer):
    """Two published series of one index, the gap between them, over a range of years.

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
        self.index = widgets.Dropdown(description="Index", options=sorted(self.scores["index"].unique()), value=index)
        self.lower = widgets.Dropdown(description="Lower series")
        self.upper = widgets.Dropdown(description="Upper series")
        self.start = widgets.Dropdown(description="From")
        self.end = widgets.Dropdown(description="To")
        self._fill(lower=lower, upper=upper, start=start, end=end)
        super().__init__([self.index, self.lower, self.upper, self.start, self.end],
                         panes=["findings", "scores_chart", "gap_chart", "gap_table"])

    def _fill(self, *, lower: str, upper: str, start: int | None, end: int | None) -> None:
        rows = self.scores[self.scores["index"] == self.index.value]
        names = sorted(set(rows["series"]) | set(rows["entity"]))
        years = sorted({int(y) for y in rows["period_start"].dt.year} | {int(y) for y in rows["period_end"].dt.year})
        self.lower.options, self.upper.options = names, names
        self.lower.value, self.upper.value = _keep(lower, names), _keep(upper, names)
        self.start.options, self.end.options = years, years
        self.start.value = _keep(years[0] if start is None else start, years)
        self.end.value = _keep(years[-1] if end is None else end, years)

    def cascade(self, changed: widgets.Widget) -> None:
        if changed is self.index:
            self._fill(lower=self.lower.value, upper=self.upper.value, start=self.start.value, end=self.end.value)

    def parameters(self) -> dict[str, Any]:
        return {"index": self.index.value, "lower": self.lower.value, "upper": self.upper.value,
                "start": self.start.value, "end": self.end.value}

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
    >>> card.quarters.value
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
        self.agency = widgets.Dropdown(description="Agency", options=sorted(self.a11["agency"].unique()), value=agency)
        self.service = widgets.Dropdown(description="Service")
        self.drivers = widgets.SelectMultiple(description="Drivers", options=[(DRIVER_LABELS[d], d) for d in DRIVERS],
                                              value=DRIVERS, rows=len(DRIVERS))
        self.quarters = widgets.SelectionRangeSlider(description="Quarters", options=["-"])
        self._fill(service)
        super().__init__([self.agency, self.service, self.drivers, self.quarters],
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
        self.quarters.options = quarters
        self.quarters.index = (0, len(quarters) - 1)

    def cascade(self, changed: widgets.Widget) -> None:
        if changed is self.agency:
            self._fill(self.service.value)
        elif changed is self.service:
            self._fill_quarters()

    def parameters(self) -> dict[str, Any]:
        return {"agency": self.agency.value, "service": self.service.value, "min_n": self.min_n}

    def view(self) -> tuple[dict[str, Block | None], str]:
        first, last = self.quarters.value
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
        note = f"{self.service.value} has no A-11 answers on {', '.join(missing)} {span}." if missing else ""
        return {"findings": card.findings, "drivers_chart": card.drivers_chart, "changes_table": card.changes_table,
                "standing_chart": card.standing_chart, "volume_table": card.volume_table}, note


class DriverExplorer(Explorer):
    """Derived importance of a block of items for an outcome, among chosen resident groups.

    The first choice of an outcome and block reads the respondents once (per-cell sums); every
    other change only adds up cells. The numbers are point estimates; the built report adds
    bootstrap intervals, Spearman correlations and stated importance.

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
        self.outcome = widgets.Dropdown(description="Outcome", value=outcome,
                                        options=[(f"{i}: {self.labels.get(i, i)}"[:70], i) for i in items_known])
        self.items = widgets.Dropdown(description="Items", value=items,
                                      options=list(dict.fromkeys(i.split("_")[0] for i in items_known)))
        self.group = widgets.Dropdown(description="Residents by", options=list(GROUPS), value="district")
        self.levels = widgets.SelectMultiple(description="Keep", rows=6)
        self._cells: dict[tuple[str, str], DriverCells] = {}
        self._fill_levels()
        super().__init__([self.outcome, self.items, self.group, self.levels],
                         panes=["findings", "importance_chart", "quadrant_chart"])

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
        self.levels.options = levels
        self.levels.value = tuple(levels)

    def cascade(self, changed: widgets.Widget) -> None:
        if changed is not self.levels:
            self._fill_levels()

    def parameters(self) -> dict[str, Any]:
        return {"outcome": self.outcome.value, "items": self.items.value, "min_n": self.min_n}

    def numbers(self) -> pd.DataFrame:
        """Importance, performance and quadrant of each item for the current selection (no figures)."""
        if not self.levels.value:
            raise SelectionError(f"Choose at least one group of residents by {self.group.value}.")
        return driver_view(self.cells(), where={self.group.value: self.levels.value}, labels=self.labels,
                           min_n=self.min_n)

    def view(self) -> tuple[dict[str, Block | None], str]:
        table = self.numbers()
        what = self.labels.get(self.outcome.value, self.outcome.value).lower()
        quadrant = plots.scatter_chart(table, x="performance", y="importance", label="label",
                                       title=f"Importance and performance: {what}",
                                       xlabel="Performance (mean, 0-100)", ylabel="Derived importance (%)",
                                       cuts=(table["performance_cut"].iloc[0], table["importance_cut"].iloc[0]))
        return {"findings": findings_block(self._findings(table, what)),
                "importance_chart": _importance_chart(table, what), "quadrant_chart": quadrant}, ""

    def _findings(self, table: pd.DataFrame, what: str) -> list[Finding]:
        top = table.sort_values("importance", ascending=False).iloc[0]
        everyone = set(self.levels.value) == set(self.levels.options)
        who = "all residents" if everyone else f"residents with {self.group.value} {', '.join(self.levels.value)}"
        found = [Finding(f"Among {int(top['n']):,} {who} who rated {what} and every item, the item that goes with it "
                         f"most strongly is {top['label']}: {top['importance']:.1f}% of the explained variation "
                         f"(R² = {top['r2']:.2f}).",
                         "point estimates: the built report adds 95% bootstrap intervals; "
                         "derived importance shows association, not cause")]
        focus = table[table["quadrant"] == "strong link, rated low"]
        if len(focus):
            found.append(Finding("Linked more strongly than the average item, yet rated below it: " + "; ".join(
                f"{r.label} (performance {r.performance:.1f})" for r in focus.itertuples()) + "."))
        return found


def _importance_chart(table: pd.DataFrame, what: str) -> Block:
    """Bars of each item's share of explained variance (no interval: the explorer has none)."""
    plots.use_style()
    shown = table.sort_values("importance")
    fig, ax = plt.subplots(figsize=(7.5, max(2.5, 0.32 * len(shown) + 1.2)))
    ax.barh([str(v)[:55] for v in shown["label"]], shown["importance"], color=plots.PALETTE[0])
    title = f"Derived importance for {what}"
    ax.set(title=title, xlabel="Share of explained variance (%)")
    top, low = shown.iloc[-1], shown.iloc[0]
    alt = (f"Bar chart: {title}. {len(shown)} items, from {low['label']} at {low['importance']:.1f}% to "
           f"{top['label']} at {top['importance']:.1f}%.")
    data = shown[["label", "n", "importance", "performance", "pearson", "quadrant"]].rename(columns={
        "label": "Item", "n": "Residents", "importance": "Importance (%)", "performance": "Performance (0-100)",
        "pearson": "Pearson r", "quadrant": "Quadrant"})
    return figure_block(fig, alt=alt, caption=title, data=data)


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
