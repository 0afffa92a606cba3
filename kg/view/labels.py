"""Which labels a page draws at which zoom: heavier first, never two overlapping, decided once here.

In: node positions, label texts, font sizes (screen pixels) and weights. Out: for each node the first
zoom level at which its label is drawn (``None``: only when asked for, e.g. on selection). Level ``k``
is the scale ``base * 2 ** (k / 2)``; labels keep their size on screen while the map grows, so a label
placed at one level never overlaps another placed label at any deeper level, and each level adds the
heaviest labels that fit among those already placed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

#: zoom levels with their own label set (each a factor sqrt(2) deeper: 2 ** 5.5 = 45x at the last)
LEVELS = 12
#: width of a character as a share of the font size (system sans-serif, generous)
CHAR_WIDTH = 0.6
#: the whole drawing, fitted, is about this many pixels across at level 0
FIT_PIXELS = 700.0


def base_scale(xs: Sequence[float], ys: Sequence[float]) -> float:
    """The scale of level 0: the one at which the drawing is ``FIT_PIXELS`` across, at most 1 (the
    scale at which vis-network fits a small drawing). Zoomed out further, the page keeps level 0.

    >>> base_scale([0, 1400], [0, 10]), base_scale([0, 10], [0, 10])
    (0.5, 1.0)
    """
    extent = max(max(xs) - min(xs), max(ys) - min(ys), 1.0) if xs else 1.0
    return min(1.0, FIT_PIXELS / extent)


def label_levels(
    xs: Sequence[float],
    ys: Sequence[float],
    texts: Sequence[str],
    fonts: Sequence[float],
    weights: Sequence[float],
    *,
    base: float,
    levels: int = LEVELS,
    radii: Sequence[float] | None = None,
) -> list[int | None]:
    """The first level at which each label is drawn; a weight of 0 or less means never by itself.
    A label sits under its node: ``radii`` (drawing units) moves it down by the node's radius.

    >>> label_levels([0, 10, 400], [0, 0, 0], ["ImageNet", "CIFAR", "COCO"], [12, 12, 12], [3, 2, 1], base=1.0)
    [0, 5, 0]
    """
    order = sorted((i for i, w in enumerate(weights) if w > 0), key=lambda i: (-weights[i], i))
    out: list[int | None] = [None] * len(texts)
    tops = [y + (radii[i] if radii else 0.0) for i, y in enumerate(ys)]
    for level in range(levels):
        scale = base * 2 ** (level / 2)
        grid = _Grid(cell=max(fonts, default=12) * 8 / scale)
        for i in sorted((i for i in order if out[i] is not None), key=lambda i: (-weights[i], i)):
            grid.add(_box(xs[i], tops[i], texts[i], fonts[i], scale))
        for i in order:
            if out[i] is None:
                box = _box(xs[i], tops[i], texts[i], fonts[i], scale)
                if not grid.hits(box):
                    grid.add(box)
                    out[i] = level
    return out


def _box(x: float, y: float, text: str, font: float, scale: float) -> tuple[float, float, float, float]:
    """The label's rectangle in drawing units at ``scale``: centred under the node's position."""
    half = (len(text) * CHAR_WIDTH * font + 6) / 2 / scale
    return (x - half, y - font * 0.2 / scale, x + half, y + font * 1.3 / scale)


class _Grid:
    """Rectangles bucketed by the cells they touch, for overlap tests."""

    def __init__(self, cell: float) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def _keys(self, box: tuple[float, float, float, float]):
        c = self.cell
        for gx in range(math.floor(box[0] / c), math.floor(box[2] / c) + 1):
            for gy in range(math.floor(box[1] / c), math.floor(box[3] / c) + 1):
                yield gx, gy

    def add(self, box: tuple[float, float, float, float]) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)

    def hits(self, box: tuple[float, float, float, float]) -> bool:
        return any(
            box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3]
            for key in self._keys(box)
            for o in self.cells.get(key, ())
        )
