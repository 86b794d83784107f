"""PNG files of figures: the one a notebook stores and the one an explorer sends live.

The stored PNG (:func:`figure_png`, :func:`stored_png`) is written by Pillow, as an 8-bit
palette image when that is visually lossless (:func:`palette_image`, the course's error
guard). The live PNG of a slider update (:func:`encode_png`) is written here, without
prediction filters, because it is several times faster than Pillow's.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from matplotlib.figure import Figure
from PIL import Image  # matplotlib's own dependency

__all__ = ["encode_png", "figure_png", "palette_image", "stored_png"]


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
        :func:`stored_png`: an opaque figure as an 8-bit palette image when that is
        exact or visually lossless (:func:`palette_image`), else RGB.

    Examples
    --------
    >>> import helpers
    >>> from helpers.display.png import figure_png
    >>> figure, ax = helpers.new_figure(width="half")
    >>> figure_png(figure)[1:4]
    b'PNG'
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
    return stored_png(pixels)


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


def encode_png(pixels: np.ndarray, *, level: int = 1) -> bytes:
    """An RGB or RGBA image of ``uint8`` as a PNG file, without prediction filters: the
    PNG an explorer sends on every slider update.

    Plots are flat colour and lines, or noise-like images (a spectrogram of noise):
    written row by row as they are, without PNG's per-row prediction filters, they
    compress well, and fast: at zlib's ``level=1`` a 720x400 figure takes 2.4-2.9 ms
    against Pillow's 16.6-24.6 ms, which is why this small writer stays. The PNG a
    notebook stores is Pillow's (:func:`stored_png`).

    Parameters
    ----------
    pixels : numpy.ndarray of uint8, shape (height, width, 3) or (height, width, 4)
        RGB or RGBA rows, top row first.
    level : int
        zlib's compression level, 1 (fastest, default) to 9 (smallest).

    Returns
    -------
    bytes
        The PNG file, lossless.
    """
    pixels = _checked_pixels(pixels)
    if not 1 <= level <= 9:
        raise ValueError(f"level must be a zlib level from 1 to 9, got {level!r}")
    height, width, channels = pixels.shape
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


def _checked_pixels(pixels: np.ndarray) -> np.ndarray:
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        raise ValueError(
            f"pixels must be uint8 of shape (height, width, 3 or 4), got {pixels.dtype} "
            f"{pixels.shape}"
        )
    return pixels


def stored_png(pixels: np.ndarray) -> bytes:
    """An image as the PNG a notebook stores, written by Pillow at its smallest.

    An RGB image becomes an 8-bit palette image when :func:`palette_image` finds a
    palette (exact with at most 256 colours, else within its stated error bound): a
    third of the bytes per pixel, and usually under half the file. Otherwise (or for
    RGBA) every pixel is stored as given.

    Parameters
    ----------
    pixels : numpy.ndarray of uint8, shape (height, width, 3) or (height, width, 4)
        RGB or RGBA rows, top row first.

    Returns
    -------
    bytes
        The PNG file (zlib level 9).
    """
    pixels = _checked_pixels(pixels)
    found = palette_image(pixels) if pixels.shape[2] == 3 else None
    if found is not None:
        indices, colours, _ = found
        image = Image.fromarray(indices, "P")
        image.putpalette(colours.tobytes())
    else:
        image = Image.fromarray(pixels, "RGB" if pixels.shape[2] == 3 else "RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=9)
    return buffer.getvalue()
