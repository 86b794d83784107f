"""Reused explorer figures: ``helpers.redraw`` and the colour bars the plot helpers keep."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

import helpers
from helpers.display.blit import drawn_pixels
from helpers.display.figures import DPI as EXPLORER_DPI
from helpers.display.png import encode_png
from helpers.display.state import figure_record


def _figure_png(figure):
    """The live PNG an explorer sends: the figure drawn as an explorer does, quickly encoded."""
    return encode_png(drawn_pixels(figure), level=1)

RATE = 8000


def tone(frequency_hz: float, gain: float = 0.5, seconds: float = 0.5) -> np.ndarray:
    times = np.arange(round(seconds * RATE)) / RATE
    return gain * np.sin(2 * np.pi * frequency_hz * times)


def test_redraw_replaces_what_the_previous_block_drew():
    figure, ax = helpers.new_figure()
    reference = ax.axhline(0.0, color="grey")  # drawn once, before any block
    for gain in (0.5, 0.2, 0.8):
        with helpers.redraw(figure):
            ax.plot(tone(440, gain))
            ax.text(0, 0, f"gain {gain}")
    assert ax.lines[0] is reference
    assert len(ax.lines) == 2 and len(ax.texts) == 1
    assert ax.texts[0].get_text() == "gain 0.8"
    assert np.max(ax.lines[1].get_ydata()) == pytest.approx(0.8, abs=1e-3)


def test_redraw_rescales_to_the_new_data():
    figure, ax = helpers.new_figure()
    with helpers.redraw(figure):
        ax.plot(tone(440, gain=1.0))
    _figure_png(figure)
    with helpers.redraw(figure):
        ax.plot(tone(440, gain=0.01))
    _figure_png(figure)
    assert ax.get_ylim()[1] < 0.02


def test_helpers_reuse_their_colour_bar():
    figure, ax = helpers.new_figure()
    for frequency in (300, 1200, 2500):
        with helpers.redraw(figure):
            image = helpers.plot_spectrogram(tone(frequency), RATE, ax=ax)
    assert len(figure.axes) == 2, "one plot and one colour bar"
    assert image.colorbar is not None
    assert image.colorbar.mappable is image
    assert len(ax.images) == 1
    assert image.colorbar.ax.get_ylabel() == "Level (dBFS)"


def test_plot_feature_colour_bar_follows_the_new_range():
    figure, ax = helpers.new_figure()
    for scale in (1.0, 3.0):
        with helpers.redraw(figure):
            image = helpers.plot_feature(
                scale * np.arange(12.0).reshape(3, 4), ax=ax, colorbar_label="Value"
            )
    assert len(figure.axes) == 2
    assert image.colorbar.mappable is image
    assert image.colorbar.vmax == pytest.approx(33.0)


def test_a_later_block_may_not_add_axes():
    figure, ax = helpers.new_figure()
    with helpers.redraw(figure):
        ax.plot(tone(440))
        figure.colorbar(ax.imshow(np.eye(3)), ax=ax)  # the first block may add axes
    with pytest.raises(RuntimeError, match="added 1 axes again"):
        with helpers.redraw(figure):
            figure.colorbar(ax.imshow(np.eye(3)), ax=ax)
    assert len(figure.axes) == 2


def test_figure_png_is_the_figure_at_explorer_resolution():
    figure, ax = helpers.new_figure(height=2.0)
    ax.plot(tone(440))
    png = _figure_png(figure)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (round(figure.get_figwidth() * EXPLORER_DPI), 2 * EXPLORER_DPI)
        pixels = np.asarray(image.convert("RGB"))
    assert (pixels < 128).any(), "the line and the labels are drawn"


def test_layout_is_found_once_and_kept():
    figure, axes = helpers.new_figure(2, 1)
    with helpers.redraw(figure):
        helpers.plot_waveform(tone(440), RATE, ax=axes[0], title="short title")
        helpers.plot_spectrogram(tone(440), RATE, ax=axes[1])
    _figure_png(figure)
    positions = [ax.get_position().bounds for ax in figure.axes]
    with helpers.redraw(figure):
        helpers.plot_waveform(tone(880), RATE, ax=axes[0], title="a much longer title " * 3)
        helpers.plot_spectrogram(tone(880), RATE, ax=axes[1])
    _figure_png(figure)
    assert [ax.get_position().bounds for ax in figure.axes] == positions


def pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB")).astype(int)


def assert_same_picture(png: bytes, other: bytes) -> None:
    difference = np.abs(pixels(png) - pixels(other))
    assert difference.max() <= 1, f"pixels differ by up to {difference.max()} levels"
    assert np.count_nonzero(difference) <= 0.01 * difference.size


def full_draw(figure) -> bytes:
    figure.canvas.draw()
    return encode_png(np.asarray(figure.canvas.buffer_rgba())[..., :3])


def reused_figure_explorer():
    """An explorer whose render function redraws one figure (the notebooks' pattern)."""
    figure, axes = helpers.new_figure(2, 1, height=4.0)
    axes[0].set_ylim(-1, 1)

    def render(frequency_hz: float, gain: float):
        clip = tone(frequency_hz, gain)
        with helpers.redraw(figure):
            helpers.plot_waveform(clip, RATE, ax=axes[0], title=f"{frequency_hz:.0f} Hz")
            helpers.plot_spectrogram(clip, RATE, ax=axes[1], vmax=0)
        return figure, helpers.play(clip, RATE)

    controls = [
        helpers.Slider(
            name="frequency_hz",
            label="Frequency",
            unit="Hz",
            minimum=100.0,
            maximum=3000.0,
            default=440.0,
        ),
        helpers.Slider(name="gain", label="Gain", unit="", minimum=0.1, maximum=1.0, default=0.5),
    ]
    return figure, helpers.Explorer(render, controls)


def test_explorer_redraws_its_reused_figure():
    figure, explorer = reused_figure_explorer()
    pictures = []
    for _ in range(2):
        explorer.set(frequency_hz=2500.0, gain=1.0)
        moved = explorer.figure_png
        explorer.set(frequency_hz=440.0, gain=0.5)
        pictures.append((moved, explorer.figure_png))
    assert explorer._figure is figure
    assert len(figure.axes) == 3, "two plots and one colour bar, however often it is redrawn"
    for first, again in zip(pictures[0], pictures[1], strict=True):
        # same settings, same picture: nothing is left over (the first time drawn in
        # full, then onto cached layers: equal to within one level, helpers/_blit.py)
        assert_same_picture(first, again)
    assert pictures[0][0] != pictures[0][1]
    assert explorer.updates == 5


def test_render_runs_on_one_torch_thread_by_default():
    seen = []

    def render(gain: float):
        seen.append(torch.get_num_threads())
        return helpers.new_figure()[0], None

    before = torch.get_num_threads()
    helpers.Explorer(
        render,
        [helpers.Slider(name="gain", label="Gain", unit="", minimum=0.0, maximum=1.0, default=0.5)],
    )
    helpers.Explorer(
        render,
        [helpers.Slider(name="gain", label="Gain", unit="", minimum=0.0, maximum=1.0, default=0.5)],
        torch_threads=None,
    )
    assert seen == [1, before]
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="torch_threads must be at least 1"):
        helpers.Explorer(
            render,
            [
                helpers.Slider(
                    name="gain", label="Gain", unit="", minimum=0.0, maximum=1.0, default=0.5
                )
            ],
            torch_threads=0,
        )


def test_colour_bar_with_the_same_colours_is_not_rebuilt():
    figure, ax = helpers.new_figure()
    with helpers.redraw(figure):
        first = helpers.plot_spectrogram(tone(300), RATE, ax=ax, vmax=0)
    solids = first.colorbar.solids
    with helpers.redraw(figure):
        second = helpers.plot_spectrogram(tone(2000), RATE, ax=ax, vmax=0)
    assert second.colorbar is first.colorbar and second.colorbar.mappable is second
    assert second.colorbar.solids is solids
    assert second.norm is first.colorbar.norm
    with helpers.redraw(figure):
        third = helpers.plot_spectrogram(tone(2000), RATE, ax=ax, vmax=-20)
    assert third.colorbar.solids is not solids
    assert third.colorbar.norm.vmax == -20


def test_a_block_that_fails_is_still_replaced_by_the_next():
    figure, ax = helpers.new_figure()
    with pytest.raises(ValueError, match="waveform is empty"):
        with helpers.redraw(figure):
            ax.plot(tone(440))
            helpers.plot_waveform(np.zeros(0), RATE, ax=ax)
    with helpers.redraw(figure):
        ax.plot(tone(880))
    assert len(ax.lines) == 1


def test_encode_png_round_trips_exactly():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    pixels[:10] = 255  # flat rows, as in a plot
    with Image.open(io.BytesIO(encode_png(pixels))) as image:
        assert image.format == "PNG" and image.mode == "RGB" and image.size == (53, 37)
        np.testing.assert_array_equal(np.asarray(image), pixels)
    translucent = np.dstack([pixels, rng.integers(0, 256, size=(37, 53), dtype=np.uint8)])
    with Image.open(io.BytesIO(encode_png(translucent, level=1))) as image:
        assert image.mode == "RGBA"
        np.testing.assert_array_equal(np.asarray(image), translucent)
    with pytest.raises(ValueError, match=r"uint8 of shape \(height, width, 3 or 4\)"):
        encode_png(pixels.astype(np.float32))
    with pytest.raises(ValueError, match="got uint8 \\(4, 4, 5\\)"):
        encode_png(np.zeros((4, 4, 5), dtype=np.uint8))
    with pytest.raises(ValueError, match="zlib level from 1 to 9"):
        encode_png(pixels, level=0)


def test_a_shown_figure_is_the_whole_figure_in_fewer_bytes():
    figure, axes = helpers.new_figure(2, 1, sharex=True)
    noise = np.random.default_rng(1).standard_normal(RATE) * 0.1
    helpers.plot_waveform(noise, RATE, ax=axes[0])
    helpers.plot_spectrogram(noise, RATE, ax=axes[1])
    helpers.display.png.figure_png(figure)
    figure.set_layout_engine("none")  # laid out once: both draws below are the same figure
    shown = helpers.display.png.figure_png(figure)
    reference = io.BytesIO()
    figure.savefig(reference, format="png", dpi=figure.dpi)  # matplotlib's own PNG
    with Image.open(io.BytesIO(shown)) as image, Image.open(reference) as theirs:
        assert image.mode in ("RGB", "P"), "an opaque figure needs no alpha channel"
        error = np.abs(
            np.asarray(image.convert("RGB")).astype(np.int16) - np.asarray(theirs.convert("RGB"))
        )
        assert error.mean() <= helpers.display.png.PALETTE_MEAN_ERROR  # 0 when RGB or exact
    assert len(shown) < 0.8 * len(reference.getvalue())


def steady_figure():
    """A figure whose axes keep their limits from one redraw to the next."""
    figure, axes = helpers.new_figure(2, 1, height=4.0, sharex=True)
    axes[0].set_ylim(-1, 1)
    reference = axes[0].axhline(0.5, color="grey")  # drawn once, before any block

    def render(frequency_hz: float, gain: float = 0.5) -> str:
        with helpers.redraw(figure):
            helpers.plot_waveform(
                tone(frequency_hz, gain), RATE, ax=axes[0], title=f"{frequency_hz:.0f} Hz",
                label="tone",  # a legend: drawn above the grid
            )
            helpers.plot_spectrogram(tone(frequency_hz, gain), RATE, ax=axes[1], vmax=0)
        _figure_png(figure)
        return figure_record(figure).blitter.last

    return figure, render, reference


def test_only_what_the_block_drew_is_drawn_again_and_the_picture_is_the_same():
    figure, render, _ = steady_figure()
    assert [render(f) for f in (300, 400, 500, 600)] == ["full", "full", "cache+blit", "blit"]
    blitted = _figure_png(figure)
    assert figure_record(figure).blitter.last == "blit"
    assert_same_picture(blitted, full_draw(figure))


def test_blitting_keeps_the_order_of_layers():
    figure, render, reference = steady_figure()
    for frequency in (300, 400, 500):
        render(frequency)
    axis = figure.axes[0]
    # the grid and the spines lie above the waveform, the legend above the grid, the
    # static reference line above the waveform (zorder 2 > 1): each as in a full draw
    assert reference.zorder > axis.collections[0].zorder
    render(2000)
    assert figure_record(figure).blitter.last == "blit"
    assert_same_picture(_figure_png(figure), full_draw(figure))


def test_new_limits_or_a_new_colour_range_draw_everything_again():
    figure, render, _ = steady_figure()
    for frequency in (300, 400, 500):
        render(frequency)
    figure.axes[0].set_ylim(-2, 2)
    assert render(600) == "full"
    assert render(700) == "cache+blit", "the new limits are cached once they stay"
    assert_same_picture(_figure_png(figure), full_draw(figure))
    with helpers.redraw(figure):
        helpers.plot_waveform(tone(700), RATE, ax=figure.axes[0])
        helpers.plot_spectrogram(tone(700), RATE, ax=figure.axes[1], vmax=-30)
    _figure_png(figure)
    assert figure_record(figure).blitter.last == "full"


def test_a_figure_without_redraw_blocks_is_drawn_in_full():
    figure, ax = helpers.new_figure()
    ax.plot(tone(440))
    _figure_png(figure)
    ax.lines[0].set_ydata(tone(880))
    _figure_png(figure)
    assert figure_record(figure).blitter.last == "full"


def test_ticks_set_again_to_the_same_values_still_blit():
    """A plot helper that sets fixed ticks and labels, or whole-number ticks, on every call
    (the mel and MFCC plots) makes new tick objects: equal ones must not force a full draw."""
    figure, (mel_ax, mfcc_ax) = helpers.new_figure(2, 1, height=4.0, sharex=True)
    frames = np.linspace(0, 1, 40 * 50).reshape(40, 50)
    kinds = []
    for shift in (0.0, 0.1, 0.2, 0.3):
        with helpers.redraw(figure):
            helpers.plot_mel_spectrogram(
                frames + shift, RATE, hop_length=160, ax=mel_ax, f_min=20, f_max=7600,
                vmin=0, vmax=2,
            )
            mel_ax.set_ylim(*helpers.spectral.hz_to_mel(np.array([20.0, 7600.0])))
            helpers.plot_feature(frames[:13] - shift, RATE, hop_length=160, ax=mfcc_ax,
                                 vmin=-2, vmax=2)
        _figure_png(figure)
        kinds.append(figure_record(figure).blitter.last)
    assert kinds == ["full", "full", "cache+blit", "blit"]
    assert_same_picture(_figure_png(figure), full_draw(figure))


def test_tick_labels_set_again_with_set_ticks_still_blit():
    figure, ax = helpers.new_figure()
    ax.set_ylim(-1, 1)
    kinds = []
    for frequency in (300, 400, 500, 600):
        with helpers.redraw(figure):
            helpers.plot_waveform(tone(frequency), RATE, ax=ax)
            ax.set_xticks([0.25, 0.5], ["a quarter", "a half"])
            ax.set_xlim(0, 1)
        _figure_png(figure)
        kinds.append(figure_record(figure).blitter.last)
    assert kinds == ["full", "full", "cache+blit", "blit"]
    assert_same_picture(_figure_png(figure), full_draw(figure))
