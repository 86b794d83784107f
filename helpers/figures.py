"""The one figure factory of the course: every figure, in notebooks and in plot helpers.

One resolution (:data:`DPI`) and one full width (:data:`FULL_WIDTH`), so tick labels
have the same size in every PNG of the course; ``width="half"`` for a small figure
beside prose. The figure is not registered with pyplot: it is shown once, when a
cell ends with it (``fig`` as the cell's last line), never a second time by the
inline backend, and an explorer can redraw it in place (:func:`redraw`). Importing
the package inside IPython gives it a PNG formatter for figures
(:func:`show_figures_as_png`), so no ``%matplotlib inline`` is needed, and the PNG is
the whole figure, never cropped: every full-width figure is 720 pixels wide.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = [
    "DPI",
    "FULL_WIDTH",
    "HALF_WIDTH",
    "ROW_HEIGHT",
    "encode_png",
    "figure_png",
    "new_figure",
    "palette_image",
    "redraw",
    "show_figures_as_png",
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
class _Drawing:
    """What the last ``redraw`` block drew on a figure."""

    artists: list[Artist] = field(default_factory=list)
    added_axes: list[Axes] = field(default_factory=list)


@contextmanager
def redraw(figure: Figure) -> Iterator[Figure]:
    """Replace what the previous ``with redraw(figure):`` block drew on ``figure``.

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
    previous: _Drawing | None = getattr(figure, "_course_drawing", None)
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
        figure._course_drawing = _Drawing(
            drawn, added_axes if previous is None else previous.added_axes
        )
    if previous is not None and added_axes:
        raise RuntimeError(
            f"this redraw block added {len(added_axes)} axes again; create axes (and colour "
            "bars other than the plot helpers') once, outside redraw()"
        )


def figure_png(figure: Figure) -> bytes:
    """The whole figure as PNG bytes, at its own size and :data:`DPI` (no cropping).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        A figure from :func:`new_figure`.

    Returns
    -------
    bytes
        A PNG of ``figure.get_size_inches() * DPI`` pixels, written by
        :func:`encode_png` at its smallest: an opaque figure as an 8-bit palette image
        when that is exact or visually lossless (:func:`palette_image`), else RGB.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="rgba", dpi=figure.dpi)
    width, height = figure.canvas.get_width_height(physical=True)
    pixels = np.frombuffer(buffer.getbuffer(), dtype=np.uint8)
    if pixels.size != width * height * 4:  # not the canvas's size: let matplotlib encode it
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=figure.dpi)
        return buffer.getvalue()
    pixels = pixels.reshape(height, width, 4)
    if (pixels[..., 3] == 255).all():  # opaque, as every course figure: no alpha channel
        pixels = pixels[..., :3]
    return encode_png(pixels, level=9, palette=True)


#: A palette image stands in for an RGB figure with more than 256 colours only when its
#: mean error is at most this many levels (of 255) per channel...
PALETTE_MEAN_ERROR = 0.5
#: ...and at most this fraction of its pixels is off by more than :data:`PALETTE_FAR_LEVELS`
#: in some channel (the rare antialiased edge pixels a 256-colour palette merges).
PALETTE_FAR_FRACTION = 0.01
PALETTE_FAR_LEVELS = 8
#: Palette entries kept for the colours median cut would miss most often: a small flat
#: patch of its own colour (a legend swatch, a marker) is too rare for median cut to give it
#: an entry, and would show in a neighbour's colour.
PALETTE_EXACT_ENTRIES = 16
#: Rounds of k-means refinement of the median-cut palette: median cut alone leaves the smooth
#: gradient of a colour bar in steps; on notebook 04's explorer figures two rounds cut the
#: largest error from 40-78 to 21-37 levels of 255, at the same file size.
PALETTE_KMEANS = 2


def palette_image(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool] | None:
    """An RGB image as 8-bit palette indices, when that is (visually) lossless.

    With at most 256 distinct colours the palette holds them all: exact. With more (a
    colour map's 256 entries plus antialiased text), Pillow's median-cut quantiser picks
    240 colours without dithering (refined by :data:`PALETTE_KMEANS` rounds of k-means),
    the :data:`PALETTE_EXACT_ENTRIES` colours it missed most often (a legend swatch, a
    marker) are added as they are, and the result is kept only
    when it is within the bounds :data:`PALETTE_MEAN_ERROR` and :data:`PALETTE_FAR_FRACTION`:
    on the course's figures its mean error is 0.01-0.3 levels of 255, below what an eye can
    see, and at most 0.12 % of a figure's pixels are off by more than 16 levels.

    Parameters
    ----------
    pixels : numpy.ndarray of uint8, shape (height, width, 3)

    Returns
    -------
    (indices, palette, exact) or None
        ``indices`` (height, width) uint8, ``palette`` (colours, 3) uint8, ``exact``
        True when every pixel is as given; None when no palette is close enough.
    """
    packed = (
        (pixels[..., 0].astype(np.uint32) << 16)
        | (pixels[..., 1].astype(np.uint32) << 8)
        | pixels[..., 2]
    )
    colours, indices = np.unique(packed.ravel(), return_inverse=True)
    if colours.size <= 256:
        palette = np.stack([colours >> 16, colours >> 8, colours], axis=1).astype(np.uint8)
        return indices.reshape(packed.shape).astype(np.uint8), palette, True
    from PIL import Image  # matplotlib's own dependency

    shared = 256 - PALETTE_EXACT_ENTRIES
    quantised = Image.fromarray(pixels, "RGB").quantize(
        shared, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE, kmeans=PALETTE_KMEANS
    )
    indices = np.array(quantised, dtype=np.uint8)
    palette = np.asarray(quantised.getpalette()[: 3 * shared], dtype=np.uint8).reshape(-1, 3)
    if int(indices.max()) >= len(palette):
        return None
    error = np.abs(palette[indices].astype(np.int16) - pixels)
    # the colours median cut missed most often get entries of their own, exactly
    missed, counts = np.unique(packed[error.max(axis=2) > PALETTE_FAR_LEVELS], return_counts=True)
    exact = missed[np.argsort(counts, kind="stable")[::-1][:PALETTE_EXACT_ENTRIES]]
    palette = np.concatenate(
        [palette, np.stack([exact >> 16, exact >> 8, exact], axis=1).astype(np.uint8)]
    )
    for entry, colour in enumerate(exact, start=len(palette) - len(exact)):
        indices[packed == colour] = entry
    error = np.abs(palette[indices].astype(np.int16) - pixels)
    far = float(np.mean(error.max(axis=2) > PALETTE_FAR_LEVELS))
    if float(error.mean()) > PALETTE_MEAN_ERROR or far > PALETTE_FAR_FRACTION:
        return None
    return indices, palette, False


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def encode_png(pixels: np.ndarray, *, level: int = 9, palette: bool = False) -> bytes:
    """An RGB or RGBA image of ``uint8`` as a PNG file, without prediction filters.

    Plots are flat colour and lines, or noise-like images (a spectrogram of noise):
    written row by row as they are, without PNG's per-row prediction filters, they
    compress better than with them, and faster. At zlib's ``level=9`` a course figure
    is about a third smaller than matplotlib's own PNG (Pillow, filters chosen per row,
    level 6); an explorer's slider update uses ``level=1``, about six times faster.

    Parameters
    ----------
    pixels : numpy.ndarray of uint8, shape (height, width, 3) or (height, width, 4)
        RGB or RGBA rows, top row first.
    level : int
        zlib's compression level, 1 (fastest) to 9 (smallest).
    palette : bool
        Write an RGB image as 8-bit palette indices when :func:`palette_image` finds a
        palette (exact with at most 256 colours, else within its stated error bound):
        a third of the bytes per pixel, and usually under half the file. Off (default):
        RGB, every pixel as given. It costs a few milliseconds for a 720x400 figure.

    Returns
    -------
    bytes
        The PNG file: lossless unless ``palette`` quantised it (see above).
    """
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        raise ValueError(
            f"pixels must be uint8 of shape (height, width, 3 or 4), got {pixels.dtype} "
            f"{pixels.shape}"
        )
    if not 1 <= level <= 9:
        raise ValueError(f"level must be a zlib level from 1 to 9, got {level!r}")
    height, width, channels = pixels.shape
    found = palette_image(pixels) if palette and channels == 3 else None
    if found is not None:
        indices, colours, _ = found
        rows = np.zeros((height, 1 + width), dtype=np.uint8)
        rows[:, 1:] = indices
        header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # 8-bit palette
        return (
            b"\x89PNG\r\n\x1a\n"
            + _png_chunk(b"IHDR", header)
            + _png_chunk(b"PLTE", colours.tobytes())
            + _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), level))
            + _png_chunk(b"IEND", b"")
        )
    rows = np.zeros((height, 1 + channels * width), dtype=np.uint8)  # filter byte 0: none
    rows[:, 1:] = pixels.reshape(height, channels * width)
    colour_type = 2 if channels == 3 else 6  # 8-bit RGB or RGBA
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), level))
        + _png_chunk(b"IEND", b"")
    )


def show_figures_as_png(shell: Any = None) -> bool:
    """Make IPython show a figure that ends a cell as a PNG of the whole figure.

    The inline backend would do it only once pyplot has made a figure, and it crops
    each PNG to its content, so widths would differ from figure to figure.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell or None
        The shell to configure; the running one by default.

    Returns
    -------
    bool
        True when a shell was configured, False outside IPython.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)
    return True


show_figures_as_png()
