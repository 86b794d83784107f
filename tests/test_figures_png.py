"""Stored figures as 8-bit palette PNGs: exact up to 256 colours, else within a stated bound."""

import io

import numpy as np
import pytest
from PIL import Image

import helpers
from helpers.display.png import (
    PALETTE_FAR_FRACTION,
    PALETTE_FAR_LEVELS,
    PALETTE_MEAN_ERROR,
    encode_png,
    figure_png,
    palette_image,
    stored_png,
)

RATE = 16000


def decoded(png):
    with Image.open(io.BytesIO(png)) as image:
        return image.mode, np.asarray(image.convert("RGB")).astype(np.int16)


def course_figure():
    """A waveform over a spectrogram with its colour bar: a colour map plus antialiased text."""
    figure, axes = helpers.new_figure(2, 1, sharex=True)
    times = np.arange(RATE) / RATE
    noise = np.random.default_rng(1).standard_normal(RATE) * 0.05
    chirp = 0.5 * np.sin(2 * np.pi * (200 + 3000 * times) * times) + noise
    helpers.plot_waveform(chirp, RATE, ax=axes[0], title="chirp")
    helpers.plot_spectrogram(chirp, RATE, ax=axes[1])
    return figure


def test_few_colours_are_stored_exactly_as_a_palette():
    rng = np.random.default_rng(0)
    colours = rng.integers(0, 256, size=(200, 3), dtype=np.uint8)
    pixels = colours[rng.integers(0, 200, size=(60, 90))]
    png = stored_png(pixels)
    mode, back = decoded(png)
    assert mode == "P"
    np.testing.assert_array_equal(back, pixels)
    assert palette_image(pixels)[2] is True
    assert len(png) < len(encode_png(pixels))


def test_a_course_figure_is_a_palette_within_the_bound_and_smaller():
    figure = course_figure()
    png = figure_png(figure)
    rgb = np.asarray(figure.canvas.buffer_rgba())[..., :3]
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 256  # so it is quantised, not exact
    mode, back = decoded(png)
    assert mode == "P"
    error = np.abs(back - rgb)
    # measured independently of palette_image, from the decoded file
    assert error.mean() <= PALETTE_MEAN_ERROR
    assert np.mean(error.max(axis=2) > PALETTE_FAR_LEVELS) <= PALETTE_FAR_FRACTION
    assert (back[0, 0] == 255).all() and (rgb[0, 0] == 255).all()  # white stays white
    assert len(png) < 0.75 * len(encode_png(np.ascontiguousarray(rgb)))


def test_a_colour_bar_keeps_its_gradient():
    """The colour bar's smooth gradient is where a palette shows steps: bounded here."""
    figure = course_figure()
    png = figure_png(figure)
    rgb = np.asarray(figure.canvas.buffer_rgba())[..., :3].astype(np.int16)
    _, back = decoded(png)
    bar = figure.axes[-1].get_window_extent()  # the colour bar's axes, in pixels
    height = rgb.shape[0]
    rows = slice(int(height - bar.y1) + 2, int(height - bar.y0) - 2)
    columns = slice(int(bar.x0) + 2, int(bar.x1) - 2)
    error = np.abs(back[rows, columns] - rgb[rows, columns]).max(axis=2)
    assert error.size > 300  # the bar was found
    assert error.max() <= 12  # median cut alone: 14 levels off here


def _figure_with_a_swatch() -> tuple[np.ndarray, np.ndarray]:
    """A figure like notebook 04's Griffin-Lim explorer: a spectrogram's colour map, faint
    curves (many blends of their colour with white) and an opaque legend swatch of that
    colour, a few dozen pixels. Returns the pixels and where the swatch's colour is."""
    figure, (left, right) = helpers.new_figure(1, 2, height=3.2)
    x = np.linspace(1, 128, 200)
    for index in range(2):
        left.plot(x, -np.log(x) * (index + 1), color=f"C{index}", alpha=0.4, linewidth=3)
    for swatch in left.legend(["one", "two"]).get_lines():
        swatch.set_alpha(1.0)
    right.imshow(np.linspace(0, 1, 64 * 200).reshape(64, 200), cmap="magma", aspect="auto")
    figure.canvas.draw()
    pixels = np.ascontiguousarray(np.asarray(figure.canvas.buffer_rgba())[..., :3])
    return pixels, (pixels == (31, 119, 180)).all(axis=2)  # C0, opaque


def test_a_small_patch_of_its_own_colour_keeps_it(monkeypatch):
    pixels, swatch = _figure_with_a_swatch()
    assert 10 <= swatch.sum() <= 200  # a legend swatch's worth
    indices, palette, exact = palette_image(pixels)
    assert not exact  # quantised: more than 256 colours
    np.testing.assert_array_equal(palette[indices][swatch], pixels[swatch])
    # without the entries kept for missed colours (and without k-means, which here happens
    # to find the swatch too), median cut alone does not get this figure within the bounds
    # (or would paint the swatch in another colour)
    monkeypatch.setattr(helpers.display.png, "PALETTE_EXACT_ENTRIES", 0)
    monkeypatch.setattr(helpers.display.png, "PALETTE_KMEANS", 0)
    alone = palette_image(pixels)
    assert alone is None or np.abs(alone[1][alone[0]][swatch].astype(int) - pixels[swatch]).max()


def test_many_colours_with_no_close_palette_stay_rgb_and_exact():
    pixels = np.random.default_rng(2).integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
    assert palette_image(pixels) is None
    mode, back = decoded(stored_png(pixels))
    assert mode == "RGB"
    np.testing.assert_array_equal(back, pixels)


def test_rgba_and_the_default_are_untouched():
    pixels = np.full((8, 8, 4), 255, dtype=np.uint8)
    pixels[..., 3] = 128
    with Image.open(io.BytesIO(stored_png(pixels))) as image:
        assert image.mode == "RGBA"
    with Image.open(io.BytesIO(encode_png(pixels[..., :3]))) as image:
        assert image.mode == "RGB"  # palette=False: the explorers' live encoding


@pytest.mark.parametrize("colours", [1, 256])
def test_palette_edges(colours):
    pixels = np.zeros((4, colours, 3), dtype=np.uint8)
    pixels[:, :, 0] = np.arange(colours)
    mode, back = decoded(stored_png(pixels))
    assert mode == "P"
    np.testing.assert_array_equal(back, pixels)


def _legend_and_colour_bar_pixels() -> np.ndarray:
    """A figure with a legend over lines and a spectrogram with its colour bar."""
    figure, (top, bottom) = helpers.new_figure(2, 1)
    times = np.linspace(0, 1, 400)
    for index in range(4):
        top.plot(times, np.sin(2 * np.pi * (index + 1) * times), label=f"harmonic {index + 1}")
    top.legend(loc="upper right")
    noise = np.random.default_rng(3).standard_normal(RATE) * 0.1
    helpers.plot_spectrogram(noise, RATE, ax=bottom)  # with its colour bar
    figure.canvas.draw()
    return np.ascontiguousarray(np.asarray(figure.canvas.buffer_rgba())[..., :3])


def test_pillow_writes_the_stored_png_within_the_guard_on_legends_and_colour_bars():
    pixels = _legend_and_colour_bar_pixels()
    mode, back = decoded(stored_png(pixels))
    assert mode == "P"
    error = np.abs(back - pixels.astype(np.int16))
    assert error.mean() <= PALETTE_MEAN_ERROR
    assert np.mean(error.max(axis=2) > PALETTE_FAR_LEVELS) <= PALETTE_FAR_FRACTION


def test_the_guard_keeps_a_figure_rgb_and_exact_when_no_palette_is_close(monkeypatch):
    pixels = _legend_and_colour_bar_pixels()
    monkeypatch.setattr(helpers.display.png, "PALETTE_MEAN_ERROR", 0.0)
    assert palette_image(pixels) is None
    mode, back = decoded(stored_png(pixels))
    assert mode == "RGB"
    np.testing.assert_array_equal(back, pixels)


def test_stored_png_refuses_a_wrong_image():
    with pytest.raises(ValueError, match="uint8 of shape"):
        stored_png(np.zeros((4, 4), dtype=np.float32))
