"""The one figure factory of the course: every figure, in notebooks and in plot helpers.

One resolution (:data:`DPI`) and one full width (:data:`FULL_WIDTH`), so tick labels
have the same size in every PNG of the course; ``width="half"`` for a small figure
beside prose. The figure is not registered with pyplot: it is shown once, when a
cell ends with it (``fig`` as the cell's last line), never a second time by the
inline backend, and an explorer can redraw it in place (:func:`redraw`). Importing
the package inside IPython gives it a PNG formatter for figures
(:func:`helpers.display.formatter.show_figures_as_png`), so no ``%matplotlib inline`` is
needed, and the PNG is the whole figure, never cropped: every full-width figure is 720
pixels wide.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .state import figure_record

__all__ = [
    "DPI",
    "FULL_WIDTH",
    "HALF_WIDTH",
    "ROW_HEIGHT",
    "Drawing",
    "new_figure",
    "redraw",
]

#: Resolution of every figure, in dots per inch.
DPI = 80
#: Width of a full-width figure, in inches (720 pixels at :data:`DPI`).
FULL_WIDTH = 9.0
#: Width of a half-width figure, in inches.
HALF_WIDTH = 4.5
#: Default height of one row of axes, in inches.
ROW_HEIGHT = 3.0


def new_figure(
    rows: int = 1,
    columns: int = 1,
    *,
    height: float | None = None,
    width: Literal["full", "half"] = "full",
    **subplots_kwargs: Any,
) -> tuple[Figure, Any]:
    """A new figure with a grid of axes, at the course's one resolution and width.

    Used in: 01 · Audio effects in torch, §2, §4, §6, §8; 02 · Background noise at a measured SNR,
    §1, §3, §4, §5, §6; 03 · Resampling, §1, §2, §6; 05 · Augmentation at training time, §6; 06 ·
    Does augmentation help?, §2, §5, §6; 01a · inside a resampler, §2; 01b · filters in the
    z-domain, §2; 02a · Measuring a room, §3, §4; 05a · codecs, §1, §3; 05b · simulated rooms, §1,
    §2, §3.

    Parameters
    ----------
    rows, columns : int
        The grid of axes.
    height : float or None
        Height in inches; default :data:`ROW_HEIGHT` per row for one row, 2.4 inches
        per row for several.
    width : {"full", "half"}
        :data:`FULL_WIDTH` (default) or :data:`HALF_WIDTH`.
    **subplots_kwargs
        Passed to :meth:`matplotlib.figure.Figure.subplots` (``sharex``, ``sharey``,
        ``gridspec_kw``...); ``squeeze`` applies as there.

    Returns
    -------
    figure : matplotlib.figure.Figure
        Laid out with the constrained layout engine; end a cell with it to show it.
    axes : matplotlib.axes.Axes or numpy.ndarray of Axes
        As from ``plt.subplots``.

    Examples
    --------
    >>> import helpers
    >>> figure, axes = helpers.new_figure(2, 1, sharex=True)
    >>> figure.get_size_inches().tolist(), len(axes)
    ([9.0, 4.8], 2)
    """
    if width not in ("full", "half"):
        raise ValueError(f"width must be 'full' or 'half', got {width!r}")
    if height is None:
        height = ROW_HEIGHT if rows == 1 else 2.4 * rows
    if not height > 0:
        raise ValueError(f"height must be a positive number of inches, got {height!r}")
    size = (FULL_WIDTH if width == "full" else HALF_WIDTH, float(height))
    figure = Figure(figsize=size, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, columns, **subplots_kwargs)
    return figure, axes


@dataclass
class Drawing:
    """What the last ``redraw`` block drew on a figure."""

    artists: list[Artist] = field(default_factory=list)
    added_axes: list[Axes] = field(default_factory=list)


@contextmanager
def redraw(figure: Figure) -> Iterator[Figure]:
    """Replace what the previous ``with redraw(figure):`` block drew on ``figure``.

    Used in: 01 · Audio effects in torch, §8; 02 · Background noise at a measured SNR, §6; 03 ·
    Resampling, §6; 05 · Augmentation at training time, §6; 06 · Does augmentation help?, §6.

    On entry, the lines, images, collections, texts and legends drawn by the
    previous block are removed; everything else stays: the axes, their limits,
    scales and labels, colour bars made by the plot helpers (they are pointed at the
    new images), and whatever was drawn before the first block (a static reference
    curve, say). Draw the whole changing part of the figure inside the block::

        figure, axes = helpers.new_figure(2, 1)

        def render(gain):
            with helpers.redraw(figure):
                helpers.plot_waveform(gain * clip, sample_rate, ax=axes[0])
                helpers.plot_spectrogram(gain * clip, sample_rate, ax=axes[1])
            return figure, helpers.play(gain * clip, sample_rate)

    Axes may be added only by the first block (e.g. a colour bar); a later block
    that adds axes again raises ``RuntimeError``, since they would pile up.
    """
    record = figure_record(figure)
    previous: Drawing | None = record.drawing
    if previous is not None:
        for artist in previous.artists:
            if artist.axes is not None or artist.figure is not None:
                artist.remove()
    own_axes = {id(axis) for axis in previous.added_axes} if previous is not None else set()
    tracked = [axis for axis in figure.axes if id(axis) not in own_axes]
    for axis in tracked:
        axis.relim()
    before = {id(axis): {id(child) for child in axis.get_children()} for axis in tracked}
    axes_before = {id(axis) for axis in figure.axes}
    try:
        yield figure
    finally:
        # Recorded even when the block fails half-way, so the next block removes it.
        added_axes = [axis for axis in figure.axes if id(axis) not in axes_before]
        if previous is not None:
            for axis in added_axes:
                axis.remove()
        drawn = [
            child
            for axis in tracked
            for child in axis.get_children()
            if id(child) not in before[id(axis)]
        ]
        record.drawing = Drawing(
            drawn, added_axes if previous is None else previous.added_axes
        )
    if previous is not None and added_axes:
        raise RuntimeError(
            f"this redraw block added {len(added_axes)} axes again; create axes (and colour "
            "bars other than the plot helpers') once, outside redraw()"
        )
