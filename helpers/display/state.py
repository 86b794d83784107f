"""What the course remembers about a figure or an axes, kept in objects the course owns.

Nothing is set on matplotlib's objects: each record lives in a
:class:`weakref.WeakKeyDictionary` keyed by the figure (or the axes), so it goes away
with it, and matplotlib never sees an attribute it does not know.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["FigureRecord", "colorbar_of", "figure_record", "remember_colorbar"]


@dataclass
class FigureRecord:
    """The course's record of one figure.

    Attributes
    ----------
    drawing : helpers.display.figures.Drawing or None
        What the last ``with redraw(figure):`` block drew (``None`` before the first).
    blitter : helpers.display.blit.Blitter or None
        The explorer's redrawing engine for this figure, made on its first draw.
    """

    drawing: Any = None
    blitter: Any = None


_FIGURES: weakref.WeakKeyDictionary[Figure, FigureRecord] = weakref.WeakKeyDictionary()
_COLORBARS: weakref.WeakKeyDictionary[Axes, Any] = weakref.WeakKeyDictionary()


def figure_record(figure: Figure, *, create: bool = True) -> FigureRecord | None:
    """The record of ``figure``: made empty on first use (``None`` if not ``create``)."""
    record = _FIGURES.get(figure)
    if record is None and create:
        record = _FIGURES[figure] = FigureRecord()
    return record


def colorbar_of(ax: Axes) -> Any:
    """The colour bar a plot helper attached to ``ax`` (``None`` when there is none)."""
    return _COLORBARS.get(ax)


def remember_colorbar(ax: Axes, colorbar: Any) -> None:
    """Record ``colorbar`` as the one the plot helpers attached to ``ax``."""
    _COLORBARS[ax] = colorbar
