"""Figure geometry: a fixed width that fits the report's column, wrapped labels, text that never collides.

A report's text column is :data:`DISPLAY_WIDTH` CSS pixels wide; every figure is drawn exactly
that wide at 96 dpi, so it is shown at its own size and a font of ``s`` points is ``s * 96 / 72``
pixels on screen (:data:`MIN_TEXT_PX` at least). Labels are wrapped at word boundaries, never cut.
:func:`text_boxes` measures every piece of text a figure draws (its bounding box in pixels and
its size on screen), so a test can check that none leaves the canvas or overlaps another, and
:func:`place_labels` puts point labels of a scatter chart where they overlap nothing.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

__all__ = [
    "DISPLAY_WIDTH",
    "DPI",
    "WIDTH",
    "MIN_TEXT_PX",
    "wrap",
    "text_boxes",
    "layout_problems",
    "place_labels",
]

#: The width of a report's text column in CSS pixels (56rem less 1.5rem padding each side).
DISPLAY_WIDTH = 848
#: Resolution of the PNG figures: one figure pixel is one CSS pixel.
DPI = 96
#: Figure width in inches: just inside the text column, so figures are never scaled down.
WIDTH = 8.8
#: The smallest text a reader should meet at the column's width, in CSS pixels.
MIN_TEXT_PX = 11.0


def wrap(text: object, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters at spaces; a longer word stays whole.

    Examples
    --------
    >>> print(wrap("Visiting a national wildlife refuge or park", 20))
    Visiting a national
    wildlife refuge or
    park
    >>> wrap("Short", 20)
    'Short'
    """
    return textwrap.fill(" ".join(str(text).split()), width, break_long_words=False, break_on_hyphens=False)


def _drawn_texts(figure: Figure) -> Iterator[Text]:
    """Every non-empty, visible text the figure draws (tick labels only for ticks inside the view)."""
    seen: set[int] = set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            tolerance = (high - low) * 1e-9
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if low - tolerance <= tick.get_loc() <= high + tolerance and tick.get_visible():
                    for label in (tick.label1, tick.label2):
                        seen.add(id(label))
                        if label.get_visible() and label.get_text().strip():
                            yield label
            for label in axis.get_ticklabels() + axis.get_ticklabels(minor=True):
                seen.add(id(label))  # tick labels outside the view are not drawn
    for text in figure.findobj(Text):
        if id(text) not in seen and text.get_visible() and text.get_text().strip() and _shown(text):
            seen.add(id(text))
            yield text


def _shown(text: Text) -> bool:
    """False for text matplotlib does not draw: an annotation whose point lies outside its axes."""
    parent = text.axes
    return parent is None or not hasattr(text, "xy") or text._check_xy(parent.figure.canvas.get_renderer())


def _extent(text: Text, renderer: object) -> Bbox:
    """The box of a text's letters alone (an annotation's leader line left out)."""
    if hasattr(text, "update_positions"):
        text.update_positions(renderer)
    return Text.get_window_extent(text, renderer)


def text_boxes(figure: Figure, *, drawn: bool = False) -> dict[str, object]:
    """Every text of ``figure`` as drawn: its box in pixels (origin bottom left) and its size on screen.

    ``px`` is the font size in CSS pixels at the report's column width (a figure wider than the
    column is shown scaled down, and so is its text). ``drawn`` says the figure has just been
    drawn at :data:`DPI` (saved as a PNG, say): its texts are measured as that drawing placed them,
    without drawing it again.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(WIDTH, 3), dpi=DPI)
    >>> _ = ax.set_title("Scores", fontsize=12)
    >>> found = text_boxes(fig)
    >>> found["width"], [t["text"] for t in found["texts"]][-1], found["texts"][-1]["px"]
    (845, 'Scores', 16.0)
    >>> plt.close(fig)
    """
    if not drawn:
        figure.set_dpi(DPI)
        figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    width, height = (int(round(v)) for v in figure.bbox.size)
    scale = min(1.0, DISPLAY_WIDTH / width)
    texts = []
    for text in _drawn_texts(figure):
        box = _extent(text, renderer)
        texts.append({"text": text.get_text(), "box": [round(float(v), 1) for v in box.extents],
                      "px": round(text.get_fontsize() * DPI / 72 * scale, 1)})
    return {"width": width, "height": height, "texts": texts}


def layout_problems(measured: dict[str, object], *, min_px: float = MIN_TEXT_PX, slack: float = 0.5) -> list[str]:
    """What is wrong with a figure's text as :func:`text_boxes` measured it: cut, overlapping or small.

    Text cut by the canvas edge, two texts whose boxes overlap by more than ``slack`` pixels, and
    text under ``min_px`` CSS pixels at the column's width are each one line.

    Examples
    --------
    >>> measured = {"width": 100, "height": 50, "texts": [
    ...     {"text": "a", "box": [0, 0, 30, 10], "px": 12}, {"text": "b", "box": [20, 5, 60, 15], "px": 12},
    ...     {"text": "c", "box": [90, 40, 110, 48], "px": 9}]}
    >>> for line in layout_problems(measured):
    ...     print(line)
    'c' is cut by the edge of the canvas (box 90 40 110 48 on 100 x 50)
    'c' is 9 px at the report's width (at least 11 needed)
    'a' overlaps 'b'
    """
    width, height, texts = measured["width"], measured["height"], measured["texts"]
    problems = []
    for text in texts:
        x0, y0, x1, y1 = text["box"]
        if x0 < -slack or y0 < -slack or x1 > width + slack or y1 > height + slack:
            problems.append(f"{text['text']!r} is cut by the edge of the canvas "
                            f"(box {x0:g} {y0:g} {x1:g} {y1:g} on {width} x {height})")
        if text["px"] < min_px:
            problems.append(f"{text['text']!r} is {text['px']:g} px at the report's width (at least {min_px:g} needed)")
    boxes = np.array([t["box"] for t in texts], dtype=float).reshape(-1, 4)
    for i in range(len(boxes)):
        across = np.minimum(boxes[i, 2], boxes[i + 1:, 2]) - np.maximum(boxes[i, 0], boxes[i + 1:, 0])
        down = np.minimum(boxes[i, 3], boxes[i + 1:, 3]) - np.maximum(boxes[i, 1], boxes[i + 1:, 1])
        for j in np.flatnonzero((across > slack) & (down > slack)):
            problems.append(f"{texts[i]['text']!r} overlaps {texts[i + 1 + j]['text']!r}")
    return problems


def _overlaps(boxes: np.ndarray, taken: np.ndarray, pad: float) -> np.ndarray:
    """For each box (rows of x0, y0, x1, y1), the area in pixels by which it, grown by ``pad``, overlaps ``taken``.

    Examples
    --------
    >>> _overlaps(np.array([[0, 0, 10, 10], [20, 20, 30, 30]]), np.array([[5, 5, 15, 15]]), 0).tolist()
    [25.0, 0.0]
    """
    grown = boxes[:, None, :] + np.array([-pad, -pad, pad, pad])
    across = np.minimum(grown[..., 2], taken[None, :, 2]) - np.maximum(grown[..., 0], taken[None, :, 0])
    down = np.minimum(grown[..., 3], taken[None, :, 3]) - np.maximum(grown[..., 1], taken[None, :, 1])
    return (np.clip(across, 0, None) * np.clip(down, 0, None)).sum(axis=1).astype(float)


#: Where a label may sit around its point (offsets in points), nearest first, then further out.
_OFFSETS = np.array([(dx * r, dy * r) for r in (1, 2, 3, 4.5, 6, 8, 10.5, 13.5, 17, 22, 28, 35)
                     for dx, dy in ((1, 0.6), (1, -1.4), (-1, 0.6), (-1, -1.4), (0, 1.2), (0, -2.4), (1.3, -0.4),
                                    (-1.3, -0.4), (0.7, 1.6), (-0.7, 1.6), (0.7, -2.6), (-0.7, -2.6))])
#: How each offset aligns its label: the share of the label's width and height left of and below the anchor.
_SHIFT = np.column_stack([np.select([_OFFSETS[:, 0] > 0, _OFFSETS[:, 0] < 0], [0.0, 1.0], 0.5),
                          np.select([_OFFSETS[:, 1] > 0, _OFFSETS[:, 1] < -0.5], [0.0, 1.0], 0.5)])


def place_labels(ax: Axes, x: Sequence[float], y: Sequence[float], labels: Sequence[str], *,
                 fontsize: float, step: float = 6.0, drawn: bool = False) -> list[Text]:
    """Label each point so that no label overlaps another label, a point or the axes' edge.

    Each label tries positions around its point, nearest first, then further out with a thin
    leader line; the labels of crowded points are placed first. The figure's layout must be
    final (sizes set) before this is called; ``drawn`` says it has been drawn with its current
    limits already (an explorer's figure), which saves a draw. A label that finds no free place goes at its
    nearest position and the layout test reports it.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(WIDTH, 4), dpi=DPI)
    >>> _ = ax.scatter([1, 1.01, 2], [1, 1.01, 2])
    >>> placed = place_labels(ax, [1, 1.01, 2], [1, 1.01, 2], ["Parks", "Libraries", "Water"], fontsize=11)
    >>> layout_problems(text_boxes(fig))
    []
    >>> plt.close(fig)
    """
    figure = ax.figure
    if not drawn:
        figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    points = ax.transData.transform(np.column_stack([x, y])) if len(x) else np.empty((0, 2))
    radius = 5 * figure.dpi / 72
    taken = np.column_stack([points - radius, points + radius]) if len(points) else np.empty((0, 4))
    inside = ax.get_window_extent(renderer).extents
    crowd = [int(np.sum(np.hypot(*(points - p).T) < 60)) for p in points]
    leader = {"arrowstyle": "-", "color": "#767676", "linewidth": 0.7, "shrinkA": 0, "shrinkB": 4}
    anchors = _OFFSETS * step * figure.dpi / 72
    placed: dict[int, Text] = {}
    for k in sorted(range(len(points)), key=lambda i: (-crowd[i], i)):
        text = ax.annotate(labels[k], (x[k], y[k]), xytext=(0, 0), textcoords="offset points", fontsize=fontsize,
                           linespacing=1.1)
        size = np.asarray(_extent(text, renderer).size)
        corner = points[k] + anchors - _SHIFT * size
        boxes = np.column_stack([corner, corner + size])
        within = ((boxes[:, :2] >= inside[:2]) & (boxes[:, 2:] <= inside[2:])).all(axis=1)
        clash = np.where(within, _overlaps(boxes, taken, 2), np.inf)
        free = np.flatnonzero(clash == 0)
        # the nearest free place; if none is free, the least crowded one (and the layout test says so)
        number = int(free[0]) if len(free) else int(np.argmin(clash))
        dx, dy = _OFFSETS[number]
        ha = {0.0: "left", 1.0: "right", 0.5: "center"}[_SHIFT[number, 0]]
        va = {0.0: "bottom", 1.0: "top", 0.5: "center"}[_SHIFT[number, 1]]
        text.remove()
        placed[k] = ax.annotate(labels[k], (x[k], y[k]), xytext=(dx * step, dy * step), textcoords="offset points",
                                ha=ha, va=va, fontsize=fontsize, linespacing=1.1,
                                arrowprops=leader if number >= 12 else None)
        taken = np.vstack([taken, boxes[number]])
    return [placed[k] for k in range(len(points))]
