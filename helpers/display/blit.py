"""Redrawing an explorer's figure by drawing only what its ``redraw`` block drew.

Most of a full draw is spent on what does not change from one slider step to the next:
axes, ticks, tick labels, axis labels, colour bars. When none of that changed, a
:class:`Blitter` draws the changing artists (those of the last ``redraw`` block, plus
the axes' titles) onto cached layers of the rest, in the order a full draw uses:

* the background: the figure with everything that lies below the changing artists
  (the axes' faces, the colour bars, static artists of lower ``zorder``);
* above it, in ``zorder`` order, the changing artists, and between them the static
  artists that a full draw puts above them (grid, spines, ticks, a reference line),
  pre-drawn on a transparent layer and blended on with Agg's own integer formula.

The picture is the full draw's to within one level of rounding where two antialiased
static lines cross (the tests check it). Anything that would change the static
layers (limits, scales, labels, tick locators, a colour bar's range, a static
artist's data or text, the layout) is part of a signature compared on every draw:
when it differs, the figure is drawn in full, and cached again once it stays the same.
"""

from __future__ import annotations

from operator import attrgetter

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, FixedLocator, Formatter, Locator, MaxNLocator

from .figures import DPI
from .matplotlib_private import axes_parts, max_n_settings, tick_label_call
from .state import figure_record

__all__ = ["Blitter", "drawn_pixels"]

#: One step of a blitted draw: the changing artists, then the static ones drawn above them.
Level = tuple[list[Artist], list[Artist]]


def _levels(figure: Figure) -> list[Level] | None:
    """The changing artists and the static artists above them, by ``zorder`` step.

    ``None`` when the figure has no ``redraw`` block to go by.
    """
    record = figure_record(figure, create=False)
    drawing = record.drawing if record is not None else None
    if drawing is None or any(axis.get_animated() for axis in figure.axes):
        return None
    changing = {id(artist) for artist in drawing.artists if artist.axes is not None}
    for axis in figure.axes:
        changing.update(id(title) for title in axes_parts(axis).titles)
    levels: list[Level] = []
    for axis in figure.axes:
        # what Axes.draw draws, in its order (the face first, always)
        children = axis.get_children()
        children.remove(axis.patch)
        if not (axis.axison and axis.get_frame_on()):
            children = [child for child in children if child not in axis.spines.values()]
        if not axis.axison:
            hidden = axes_parts(axis).axis_artists
            children = [child for child in children if child not in hidden]
        children = sorted(
            (child for child in children if child.get_visible()), key=attrgetter("zorder")
        )
        runs: list[tuple[bool, list[Artist]]] = []
        for child in children:
            is_changing = id(child) in changing
            if not runs or runs[-1][0] != is_changing:
                runs.append((is_changing, []))
            runs[-1][1].append(child)
        if runs and not runs[0][0]:
            runs = runs[1:]  # static artists below every changing one: the background
        for index in range(0, len(runs), 2):  # changing, static, changing, ...
            while len(levels) <= index // 2:
                levels.append(([], []))
            levels[index // 2][0].extend(runs[index][1])
            if index + 1 < len(runs):
                levels[index // 2][1].extend(runs[index + 1][1])
    return levels


def _state(artist: Artist) -> tuple:
    """What of a static artist shows in the cached layers."""
    if isinstance(artist, Text):
        return (id(artist), artist.get_text(), artist.get_position(), str(artist.get_color()),
                artist.get_fontsize(), artist.get_visible())
    if isinstance(artist, Line2D):
        return (id(artist), id(artist.get_xdata(orig=True)), id(artist.get_ydata(orig=True)),
                str(artist.get_color()), artist.get_linewidth(), artist.get_visible())
    return (id(artist), artist.get_visible(), artist.zorder)


def _ticker(ticker: Locator | Formatter) -> object:
    """What a tick locator or formatter places and writes: its values for the kinds a plot
    helper sets anew on every call (fixed ticks and labels, whole-number ticks), so that
    an equal one made again compares equal; the object itself for any other kind."""
    if isinstance(ticker, FixedLocator):
        return ("fixed", tuple(np.asarray(ticker.locs).tolist()), ticker.nbins)
    if isinstance(ticker, FixedFormatter):
        return ("labels", tuple(ticker.seq), ticker.offset_string)
    call = tick_label_call(ticker)
    if call is not None:  # the labels of ``set_ticks(ticks, labels)``
        return ("labels-of", call.func, repr(call.args), repr(sorted(call.keywords.items())))
    if type(ticker) is MaxNLocator:
        return ("max-n", max_n_settings(ticker))
    return id(ticker)


def _signature(figure: Figure, levels: list[Level]) -> tuple:
    """Everything the cached layers depend on; equal signatures, equal layers."""
    changing = {id(artist) for level in levels for artist in level[0]}
    parts: list = [tuple(figure.bbox.bounds), figure.dpi,
                   tuple(_state(text) for text in figure.texts)]
    for axis in figure.axes:
        parts.append((
            id(axis), tuple(axis.get_position().bounds), axis.get_xlim(), axis.get_ylim(),
            axis.get_xscale(), axis.get_yscale(), axis.get_xlabel(), axis.get_ylabel(),
            _ticker(axis.xaxis.get_major_locator()), _ticker(axis.yaxis.get_major_locator()),
            _ticker(axis.xaxis.get_major_formatter()), _ticker(axis.yaxis.get_major_formatter()),
            axis.axison, str(axis.get_facecolor()),
        ))
        parts.append(tuple(
            _state(child) for child in axis.get_children() if id(child) not in changing
        ))
    parts.append(tuple(len(level[0]) for level in levels))
    return tuple(parts)


def _blend(under: np.ndarray, colour: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Agg's blend of ``colour`` at ``alpha`` onto RGBA pixels ``under``, in its integer steps.

    Matplotlib's Agg blender for plain (not premultiplied) RGBA, applied to the pixels
    of a static layer (drawn on transparency, so each holds one colour and its cover).
    """
    a = under[:, 3:4].astype(np.int64)
    rgb = under[:, :3].astype(np.int64) * a
    total = ((alpha + a) << 8) - alpha * a
    out = np.empty_like(under)
    out[:, 3:4] = total >> 8
    out[:, :3] = (((colour << 8) - rgb) * alpha + (rgb << 8)) // total
    opaque = alpha[:, 0] == 255  # Agg copies an opaque, fully covered pixel
    out[opaque, :3] = colour[opaque]
    out[opaque, 3] = 255
    return out


class Blitter:
    """Draws one figure again and again, in full only when its static part changed.

    :attr:`last` says how the last :meth:`draw` went: ``"full"``, ``"cache+blit"`` (the
    static part had stayed the same since the last full draw: cached, then blitted) or
    ``"blit"``.
    """

    def __init__(self) -> None:
        self.last: str | None = None
        self._signature: tuple | None = None
        self._full_signature: tuple | None = None
        self._background = None
        self._layers: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def draw(self, canvas: FigureCanvasAgg) -> str:
        """Draw ``canvas.figure`` into ``canvas``'s buffer; return how (see :attr:`last`)."""
        figure = canvas.figure
        engine = figure.get_layout_engine()
        settled = engine is None or isinstance(engine, PlaceHolderLayoutEngine)
        levels = _levels(figure) if settled else None
        if levels is None:
            canvas.draw()
            self._signature = self._full_signature = None
            self.last = "full"
            return self.last
        signature = _signature(figure, levels)
        if signature == self._signature:
            self.last = "blit"
        elif signature == self._full_signature:
            self._cache(canvas, levels)
            self._signature = signature
            self.last = "cache+blit"
        else:
            canvas.draw()
            self._signature, self._full_signature = None, signature
            self.last = "full"
            return self.last
        self._blit(canvas, levels)
        return self.last

    def _cache(self, canvas: FigureCanvasAgg, levels: list[Level]) -> None:
        hidden = [artist for changing, static in levels for artist in (*changing, *static)]
        animated = [artist.get_animated() for artist in hidden]
        for artist in hidden:
            artist.set_animated(True)  # left out of a full draw, as for matplotlib's blitting
        try:
            canvas.draw()
        finally:
            for artist, was in zip(hidden, animated, strict=True):
                artist.set_animated(was)
        renderer = canvas.get_renderer()
        self._background = renderer.copy_from_bbox(canvas.figure.bbox)
        self._layers = []
        for _changing, static in levels:
            renderer.clear()
            for artist in static:
                artist.draw(renderer)
            pixels = np.asarray(renderer.buffer_rgba())
            alpha = pixels[..., 3].reshape(-1)
            where = np.flatnonzero(alpha)
            colour = pixels[..., :3].reshape(-1, 3)[where].astype(np.int64)
            self._layers.append((where, colour, alpha[where].astype(np.int64)[:, None]))

    def _blit(self, canvas: FigureCanvasAgg, levels: list[Level]) -> None:
        renderer = canvas.get_renderer()
        canvas.restore_region(self._background)
        for (changing, _static), (where, colour, alpha) in zip(levels, self._layers, strict=True):
            for artist in changing:
                artist.draw(renderer)
            if len(where):
                pixels = np.asarray(renderer.buffer_rgba()).reshape(-1, 4)
                pixels[where] = _blend(pixels[where], colour, alpha)


def drawn_pixels(figure: Figure) -> np.ndarray:
    """Draw ``figure`` as an explorer shows it; its pixels, (height, width, 3) uint8, a copy.

    The first draw runs the figure's layout engine; the layout is then kept (the
    engine is switched off), so redrawing a reused figure skips it. When a redraw
    changed only what its ``redraw`` block drew (and the axes' titles), only that is
    drawn again, onto cached layers of the rest (:class:`Blitter`, one per figure, kept
    in the figure's record, :func:`helpers.display.state.figure_record`).
    """
    canvas = figure.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(figure)
    if figure.dpi != DPI:
        figure.set_dpi(DPI)
    record = figure_record(figure)
    if record.blitter is None:
        record.blitter = Blitter()
    record.blitter.draw(canvas)
    if not isinstance(figure.get_layout_engine(), PlaceHolderLayoutEngine | None):
        figure.set_layout_engine("none")
    return np.ascontiguousarray(np.asarray(canvas.buffer_rgba())[..., :3])
