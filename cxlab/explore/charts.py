"""Figures an explorer draws once and then updates in place, so a change shows within a blink.

Drawing a figure from nothing (laying it out, rendering every label) takes most of an update's
time: matplotlib renders text glyph by glyph. The driver explorer's two figures are therefore
drawn whole once; their frame, axes, labels and legend are kept as a background image, and a
change of groups redraws only what moved (bars, values, points, their labels, the cut lines) on
top of it. They look like the report's figures (:mod:`cxlab.report.plots`): same width, fonts,
palette and legends.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd
from matplotlib.artist import Artist
from matplotlib.lines import Line2D
from PIL import Image

from cxlab.report import numbers, plots
from cxlab.report.blocks import Block, figure_block
from cxlab.report.layout import place_labels, wrap

__all__ = ["ImportanceChart", "QuadrantChart"]

_IMPORTANCE = "Share of explained variance (%)"
_PERFORMANCE, _DERIVED = "Performance (mean, 0-100)", "Derived importance (%)"


class _KeptFigure:
    """A figure whose still parts are drawn once and whose moving parts are drawn on top of them."""

    def __init__(self, height: float) -> None:
        self.figure, self.ax = plots.canvas(height, kept=True)
        self.background = None

    def freeze(self, moving: Sequence[Artist]) -> None:
        """Draw everything but ``moving`` once, and keep the layout and that picture."""
        for artist in moving:
            artist.set_animated(True)
        self.figure.canvas.draw()
        self.figure.set_layout_engine("none")
        self.background = self.figure.canvas.copy_from_bbox(self.figure.bbox)

    def png(self, moving: Sequence[Artist]) -> bytes:
        """The picture: the kept background with ``moving`` drawn on it, as PNG (opaque, lightly compressed)."""
        canvas = self.figure.canvas
        canvas.restore_region(self.background)
        for artist in moving:
            artist.set_animated(True)
            self.figure.draw_artist(artist)
        buffer = io.BytesIO()
        Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert(
            "RGB").save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()


class ImportanceChart(_KeptFigure):
    """Bars of each item's derived importance; the explorer has no interval.

    Items keep the order of the first table (all residents, highest on top), so that a change
    of groups shows as bars growing or shrinking in place.

    Examples
    --------
    >>> table = pd.DataFrame({"label": ["Parks (Q3_9)", "Police (Q3_11)"], "n": 400, "importance": [30.0, 70.0],
    ...                       "performance": [60.0, 70.0], "pearson": [0.3, 0.5], "quadrant": ""})
    >>> chart = ImportanceChart(table, what="quality of services")
    >>> print(chart.update(table).text)
    [Figure: Bar chart: Derived importance for quality of services. 2 items, from Parks (Q3_9) at 30.0% to Police (Q3_11) at 70.0%.]
    """

    def __init__(self, table: pd.DataFrame, *, what: str) -> None:
        self.title = f"Derived importance for {what}"
        self.order = list(table.sort_values("importance", ascending=False)["label"])
        names = [wrap(label, 38) for label in self.order]
        y, height = plots.row_positions(names)
        super().__init__(max(2.6, height + 1.5))
        self.bars = list(self.ax.barh(y, [0.0] * len(y), height=0.22, color=plots.PALETTE[0]))
        self.values = [self.ax.text(0, v, "", va="center", fontsize=plots.SMALL) for v in y]
        self.ax.set_yticks(y, names)
        self.ax.set_ylim(0, height)
        plots.titles(self.ax, self.title, xlabel=f"{_IMPORTANCE}; items in the order of all residents")
        self._limit(float(table["importance"].max()))

    def _limit(self, top: float) -> None:
        """An axis to half as much again as ``top`` (room for the values), drawn again with its background.

        The axis only ever widens, so that switching back and forth between groups redraws the
        background at most once.
        """
        self.ax.set_xlim(0, min(100.0, max(top * 1.5 + 2, self.ax.get_xlim()[1] if self.background else 0)))
        self.freeze([*self.bars, *self.values])

    def update(self, table: pd.DataFrame) -> Block:
        """The figure for ``table`` (rows of :func:`cxlab.explore.state.driver_view`)."""
        rows = table.set_index("label").reindex(self.order)
        top = float(rows["importance"].max())
        if top * 1.15 + 1 > self.ax.get_xlim()[1]:
            self._limit(top)
        room = self.ax.get_xlim()[1] * 0.01
        for bar, text, value in zip(self.bars, self.values, rows["importance"]):
            bar.set_width(value)
            text.set(x=value + room, text=numbers.number(value))
        shown = table.sort_values("importance")
        low, high = shown.iloc[0], shown.iloc[-1]
        alt = (f"Bar chart: {self.title}. {len(shown)} items, from {low['label']} at "
               f"{numbers.percent(low['importance'])} to {high['label']} at {numbers.percent(high['importance'])}.")
        data = rows.reset_index()[["label", "n", "importance", "performance", "pearson", "quadrant"]].rename(
            columns={"label": "Item", "n": "Residents", "importance": "Importance (%)",
                     "performance": "Performance (0-100)", "pearson": "Pearson r", "quadrant": "Quadrant"})
        return figure_block(self.figure, alt=alt, caption=self.title, data=data,
                            png=self.png([*self.bars, *self.values]))


class QuadrantChart(_KeptFigure):
    """Items by performance and derived importance, cut at the items' averages; labels placed anew each time.

    The axes keep the range of the first table, widened by half of it on each side, so that most
    changes move only the points; a selection outside that range widens the axes and redraws all.
    """

    def __init__(self, table: pd.DataFrame, *, what: str) -> None:
        super().__init__(7.2)
        self.title = f"Importance and performance: {what}"
        self.points = self.ax.scatter([], [], color=plots.PALETTE[0], zorder=3, label="an item")
        self.cuts = [self.ax.axvline(0, color=plots.PALETTE[4], linewidth=1, linestyle="--"),
                     self.ax.axhline(0, color=plots.PALETTE[4], linewidth=1, linestyle="--")]
        plots.titles(self.ax, self.title, xlabel=_PERFORMANCE, ylabel=_DERIVED)
        plots.legend(self.figure, self.ax, [self.points, Line2D(
            [], [], color=plots.PALETTE[4], linewidth=1, linestyle="--",
            label="dashed lines: the average of the items on each axis")])
        self.labels: list[Artist] = []
        self._limits(table)

    def _limits(self, table: pd.DataFrame) -> None:
        """Axes that hold ``table``'s points with room to move, drawn again with their background.

        The axes only ever widen, so that switching back and forth between groups redraws the
        background at most once or twice.
        """
        for get, set_, column in ((self.ax.get_xlim, self.ax.set_xlim, "performance"),
                                  (self.ax.get_ylim, self.ax.set_ylim, "importance")):
            low, high = table[column].min(), table[column].max()
            pad = max((high - low) * 0.5, 2.0)
            now = get() if self.background is not None else (low - pad, high + pad)
            set_(min(now[0], low - pad), max(now[1], high + pad))
        self.freeze([self.points, *self.cuts, *self.labels])

    def update(self, table: pd.DataFrame) -> Block:
        """The figure for ``table`` (rows of :func:`cxlab.explore.state.driver_view`)."""
        x, y = table["performance"], table["importance"]
        (x0, x1), (y0, y1) = self.ax.get_xlim(), self.ax.get_ylim()
        if x.min() < x0 or x.max() > x1 or y.min() < y0 or y.max() > y1:
            self._limits(table)
        self.points.set_offsets(list(zip(x, y)))
        self.cuts[0].set_xdata([table["performance_cut"].iloc[0]] * 2)
        self.cuts[1].set_ydata([table["importance_cut"].iloc[0]] * 2)
        for text in self.labels:
            text.remove()
        self.labels = place_labels(self.ax, x.tolist(), y.tolist(),
                                   [wrap(plots.without_examples(v), 24) for v in table["label"]],
                                   fontsize=plots.SMALL, drawn=True)
        data = table[["label", "performance", "importance"]].rename(
            columns={"label": "Item", "performance": _PERFORMANCE, "importance": _DERIVED})
        alt = plots.scatter_description(table, x="performance", y="importance", label="label", title=self.title,
                                        xlabel=_PERFORMANCE, ylabel=_DERIVED)
        return figure_block(self.figure, alt=alt, caption=self.title, data=data,
                            png=self.png([self.points, *self.cuts, *self.labels]))
