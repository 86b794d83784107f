"""Plots (helpers.plots), the statistics printout and the audio player (helpers.player)."""

from __future__ import annotations

import io
import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import soundfile
import torch
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D

import helpers

RATE = 16000


def sine(frequency=1000.0, seconds=0.5, rate=RATE, amplitude=1.0, channels=1, module="torch"):
    times = np.arange(round(seconds * rate)) / rate
    tone = amplitude * np.sin(2 * np.pi * frequency * times)
    tone = np.tile(tone, (channels, 1)) if channels > 1 else tone
    return torch.from_numpy(tone).float() if module == "torch" else tone.astype(np.float32)


@pytest.fixture(autouse=True)
def no_show_and_no_global_changes(monkeypatch):
    """Plot helpers never call plt.show() nor change rcParams; close what a test opened."""

    def forbidden(*args, **kwargs):
        raise AssertionError("plt.show() must not be called by a helper")

    monkeypatch.setattr(plt, "show", forbidden)
    before = dict(matplotlib.rcParams)
    yield
    after = dict(matplotlib.rcParams)
    changed = {key for key in before if before[key] != after[key]}
    assert not changed, f"rcParams changed: {sorted(changed)}"
    plt.close("all")


def colorbar_labels(figure) -> list[str]:
    return [axis.get_ylabel() for axis in figure.axes if axis.get_label() == "<colorbar>"]


# --------------------------------------------------------------------------- plot_waveform


@pytest.mark.parametrize("module", ["torch", "numpy"])
@pytest.mark.parametrize("two_d", [False, True])
def test_plot_waveform_new_figure(module, two_d):
    signal = sine(seconds=0.02, module=module)
    if two_d:
        signal = signal[None] if module == "torch" else signal[np.newaxis]
    line = helpers.plot_waveform(signal, RATE, title="tone")
    assert isinstance(line, Line2D)
    ax = line.axes
    assert ax.get_xlabel() == "Time (s)"
    assert ax.get_ylabel() == "Amplitude"
    assert ax.get_title() == "tone"
    assert ax.get_xlim() == pytest.approx((0, 0.02))
    assert line.figure.get_dpi() == helpers.display.figures.DPI
    assert line.figure.get_figwidth() == helpers.display.figures.FULL_WIDTH


def test_plot_waveform_multi_channel_names_the_fix():
    with pytest.raises(ValueError, match=r"2 channels.*waveform\[0\].*own Axes"):
        helpers.plot_waveform(sine(channels=2), RATE)


def test_plot_waveform_one_axes_per_channel_by_a_loop():
    _figure, axes = helpers.new_figure(2, 1, sharex=True)
    stereo = sine(channels=2)
    lines = [
        helpers.plot_waveform(channel, RATE, ax=ax)
        for channel, ax in zip(stereo, axes, strict=True)
    ]
    assert [line.axes for line in lines] == list(axes)


def test_plot_waveform_1d():
    line = helpers.plot_waveform(sine(module="numpy"), RATE)
    assert line.axes.get_xlabel() == "Time (s)"


def test_plot_waveform_short_signal_draws_every_sample():
    signal = sine(seconds=0.01)
    line = helpers.plot_waveform(signal, RATE)
    assert isinstance(line, Line2D)
    x, y = line.get_data()
    assert len(y) == signal.shape[-1]
    np.testing.assert_allclose(y, signal.numpy())
    np.testing.assert_allclose(x, np.arange(len(y)) / RATE)


def test_plot_waveform_long_signal_draws_an_envelope():
    rng = np.random.default_rng(0)
    long = rng.uniform(-0.5, 0.7, 10 * 60 * RATE).astype(np.float32)  # 10 minutes
    long[123_456] = -0.9
    _figure, ax = plt.subplots()
    artist = helpers.plot_waveform(long, RATE, ax=ax)
    assert isinstance(artist, PolyCollection)
    width = ax.get_window_extent().width
    vertices = np.concatenate([path.vertices for path in artist.get_paths()])
    # an upper and a lower boundary, each at most 2 points per pixel column
    assert len(vertices) <= 2 * (2 * width) + 10
    assert vertices[:, 1].min() == pytest.approx(long.min())
    assert vertices[:, 1].max() == pytest.approx(long.max())
    assert vertices[:, 0].max() <= 600.0
    assert ax.get_xlim() == pytest.approx((0, 600))


def test_plot_waveform_max_points():
    artist = helpers.plot_waveform(sine(seconds=1.0), RATE, max_points=100)
    assert isinstance(artist, PolyCollection)
    assert len(artist.get_paths()[0].vertices) <= 2 * 100 + 10


def test_plot_waveform_overlays_on_one_axes_with_kwargs():
    _figure, ax = plt.subplots()
    short = sine(seconds=0.01)
    first = helpers.plot_waveform(short, RATE, ax=ax, label="tone", color="C3", linewidth=2)
    second = helpers.plot_waveform(0.5 * short, RATE, ax=ax, label="quieter")
    assert first.axes is ax and second.axes is ax
    assert first.get_color() == "C3" and first.get_linewidth() == 2
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["tone", "quieter"]


def test_plot_waveform_rejects_a_list_of_axes():
    _figure, axes = plt.subplots(2, 1)
    with pytest.raises(TypeError, match="one matplotlib Axes"):
        helpers.plot_waveform(sine(), RATE, ax=list(axes))


@pytest.mark.parametrize(
    ("signal", "pattern"),
    [
        (torch.zeros(2, 1, 100), "shape"),
        (torch.zeros(0), "empty"),
        (torch.tensor([0.0, float("nan"), 0.0]), "NaN"),
        (np.array([0.0, np.inf]), "infinite"),
    ],
    ids=["3d", "empty", "nan", "inf"],
)
@pytest.mark.parametrize(
    "plot",
    [
        lambda signal: helpers.plot_waveform(signal, RATE),
        lambda signal: helpers.plot_spectrogram(signal, RATE),
        lambda signal: helpers.plot_feature(signal),
        lambda signal: helpers.plot_filterbank(signal, RATE),
    ],
    ids=["waveform", "spectrogram", "feature", "filterbank"],
)
def test_plots_reject_bad_input(plot, signal, pattern):
    with pytest.raises(ValueError, match=pattern):
        plot(signal)


def test_plot_waveform_bad_sample_rate():
    with pytest.raises(ValueError, match="sample_rate"):
        helpers.plot_waveform(sine(), 0)


# --------------------------------------------------------------------------- plot_spectrogram


@pytest.mark.parametrize("module", ["torch", "numpy"])
def test_plot_spectrogram_new_figure(module):
    image = helpers.plot_spectrogram(sine(module=module), RATE, title="tone")
    assert isinstance(image, AxesImage)
    ax = image.axes
    assert ax.get_xlabel() == "Time (s)"
    assert ax.get_ylabel() == "Frequency (Hz)"
    assert ax.get_title() == "tone"
    assert ax.get_ylim() == pytest.approx((0, RATE / 2))
    assert colorbar_labels(ax.figure) == ["Level (dBFS)"]


def test_plot_spectrogram_on_given_axes():
    figure, ax = plt.subplots()
    image = helpers.plot_spectrogram(sine(), RATE, ax=ax, colorbar=False, f_min=100, f_max=4000,
                                     cmap="viridis")
    assert image.axes is ax
    assert ax.get_ylim() == pytest.approx((100, 4000))
    assert image.get_cmap().name == "viridis"
    assert colorbar_labels(figure) == []
    with pytest.raises(ValueError, match="2 channels"):
        helpers.plot_spectrogram(sine(channels=2), RATE, ax=ax)


def test_plot_spectrogram_colour_range():
    image = helpers.plot_spectrogram(sine(amplitude=0.5), RATE, top_db=60)
    low, high = image.get_clim()
    assert high == -6.0  # the loudest bin, -6.02 dBFS, rounded up
    assert high - low == 60
    image = helpers.plot_spectrogram(sine(amplitude=0.5), RATE, vmax=10, top_db=50)
    assert image.get_clim() == (-40, 10)


def test_plot_spectrogram_log_frequency():
    mesh = helpers.plot_spectrogram(sine(), RATE, log_frequency=True)
    assert mesh.axes.get_yscale() == "symlog"
    assert mesh.axes.get_ylim()[0] == 20


def test_spectrogram_calibration_full_scale_sine_reads_0_dbfs():
    # 1000 Hz is bin 64 of a 1024-point FFT at 16 kHz: no scalloping loss.
    times, freqs, level = helpers.spectrogram_db(sine(seconds=1.0), RATE, n_fft=1024)
    assert level.shape == (1, 513, len(times))
    peak_bin = int(np.argmax(level[0, :, len(times) // 2]))
    assert freqs[peak_bin] == 1000.0
    assert level[0, peak_bin, len(times) // 2] == pytest.approx(0.0, abs=0.05)
    quiet = helpers.spectrogram_db(sine(seconds=1.0, amplitude=0.5), RATE)[2]
    assert quiet[0, peak_bin, len(times) // 2] == pytest.approx(-6.02, abs=0.05)


def test_plot_spectrogram_long_input_is_pooled():
    rng = np.random.default_rng(1)
    long = rng.normal(0, 0.1, 60 * RATE).astype(np.float32)  # 3751 frames at hop 256
    frames = helpers.spectrogram_db(long, RATE)[0].shape[0]
    image = helpers.plot_spectrogram(long, RATE)
    pixels = image.figure.bbox.width  # the axes are a little narrower
    assert frames > 2 * pixels
    assert pixels / 2 <= image.get_array().shape[-1] <= 2 * pixels
    _left, right, _, _ = image.get_extent()
    assert right == pytest.approx(60, rel=0.01)


def test_plot_spectrogram_draws_rows_up_to_f_max_only():
    full = helpers.plot_spectrogram(sine(seconds=0.5), RATE)
    cropped = helpers.plot_spectrogram(sine(seconds=0.5), RATE, f_max=1000)
    freqs = np.fft.rfftfreq(1024, 1 / RATE)
    assert full.get_array().shape[0] == len(freqs)
    assert cropped.get_array().shape[0] == np.searchsorted(freqs, 1000) + 1
    _, _, bottom, top = cropped.get_extent()
    assert bottom < 0 and top >= 1000
    assert cropped.axes.get_ylim() == (0, 1000)
    rows = cropped.get_array().shape[0]
    np.testing.assert_array_equal(cropped.get_array(), full.get_array()[:rows])


# --------------------------------------------------------------------------- plot_feature


def test_plot_feature_numbered_rows_get_whole_number_ticks():
    image = helpers.plot_feature(np.ones((12, 30)), y_coords=np.arange(1, 13), y_label="MFCC")
    ticks = [tick for tick in image.axes.get_yticks() if 1 <= tick <= 12]
    assert ticks and all(float(tick).is_integer() for tick in ticks)


@pytest.mark.parametrize("module", ["torch", "numpy"])
def test_plot_feature(module):
    matrix = np.abs(np.random.default_rng(2).normal(size=(40, 100)))
    matrix = torch.from_numpy(matrix) if module == "torch" else matrix
    image = helpers.plot_feature(matrix, RATE, hop_length=160, y_label="Mel band", title="mel")
    assert isinstance(image, AxesImage)
    assert image.axes.get_xlabel() == "Time (s)"
    assert image.axes.get_ylabel() == "Mel band"
    assert image.axes.get_title() == "mel"
    assert colorbar_labels(image.axes.figure) == ["Value"]
    assert image.get_extent()[1] == pytest.approx(99.5 * 160 / RATE)


def test_plot_feature_frames_db_and_given_axes():
    figure, ax = plt.subplots()
    matrix = np.full((20, 50), 1e-3)
    matrix[5] = 1.0
    image = helpers.plot_feature(matrix, ax=ax, to_db=True, top_db=40)
    assert image.axes is ax
    assert ax.get_xlabel() == "Frame"
    assert image.get_clim() == pytest.approx((-40, 0))
    assert colorbar_labels(figure) == ["Level (dB)"]


def test_plot_feature_symmetric_colours_centre_on_zero():
    matrix = np.array([[-450.0, 150.0], [-3.0, 5.0]])
    image = helpers.plot_feature(matrix, cmap="coolwarm")
    assert image.get_clim() == pytest.approx((-450, 150))
    image = helpers.plot_feature(matrix[1:], cmap="coolwarm", symmetric=True)
    assert image.get_clim() == pytest.approx((-5, 5))
    with pytest.raises(ValueError, match="symmetric"):
        helpers.plot_feature(np.ones((2, 3)), to_db=True, symmetric=True)
    plt.close("all")


def test_plot_feature_1d_and_y_coords():
    image = helpers.plot_feature(np.arange(10.0))
    assert image.get_array().shape == (1, 10)
    mesh = helpers.plot_feature(np.ones((3, 10)), y_coords=np.array([100.0, 200.0, 800.0]),
                                y_label="Frequency (Hz)")
    assert mesh.axes.get_ylabel() == "Frequency (Hz)"
    plt.close("all")
    with pytest.raises(ValueError, match="2 values for 3 rows"):
        helpers.plot_feature(np.ones((3, 10)), y_coords=np.array([1.0, 2.0]))
    assert plt.get_fignums() == []


def test_plot_feature_needs_both_rate_and_hop():
    with pytest.raises(ValueError, match="both sample_rate and hop_length"):
        helpers.plot_feature(np.ones((3, 10)), sample_rate=RATE)
    assert plt.get_fignums() == [], "a rejected call should not leave an empty figure open"


# --------------------------------------------------------------------------- plot_filterbank


@pytest.mark.parametrize("module", ["torch", "numpy"])
def test_plot_filterbank(module):
    import torchaudio.functional as AF

    bank = AF.melscale_fbanks(513, 0.0, RATE / 2, 40, RATE)
    bank = bank if module == "torch" else bank.numpy()
    lines = helpers.plot_filterbank(bank, RATE, title="mel")
    assert isinstance(lines, LineCollection)
    segments = lines.get_segments()
    assert len(segments) == 40
    ax = lines.axes
    assert ax.get_xlabel() == "Frequency (Hz)"
    assert ax.get_ylabel() == "Weight"
    assert ax.get_xlim() == (0, RATE / 2)
    assert segments[0][-1, 0] == RATE / 2
    np.testing.assert_allclose(segments[3][:, 1], np.asarray(bank)[:, 3])
    _figure, given = plt.subplots()
    assert len(helpers.plot_filterbank(bank, RATE, ax=given, every=4).get_segments()) == 10


def test_plot_filterbank_1d_and_transposed():
    lines = helpers.plot_filterbank(np.linspace(0, 1, 50), RATE, linewidths=2)  # one filter
    (segment,) = lines.get_segments()
    assert len(segment) == 50
    assert lines.get_linewidths()[0] == 2
    with pytest.raises(ValueError, match=r"filterbank\.T"):
        helpers.plot_filterbank(np.ones((40, 513)), RATE)


# --------------------------------------------------------------------------- print_stats


def test_print_stats_full_scale_sine(capsys):
    helpers.print_stats(sine(seconds=1.0, module="numpy")[np.newaxis], RATE, title="tone")
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "--- tone ---"
    assert "shape (1, 16000)" in lines[1]
    assert "dtype float32" in lines[1]
    assert "16000 Hz" in lines[1]
    assert "1.000 s" in lines[1]
    for heading in ("peak", "peak dBFS", "RMS dBFS", "DC offset"):
        assert heading in lines[2]
    channel, peak, peak_db, rms_db, dc = lines[3].split()
    assert (channel, peak, peak_db, rms_db) == ("0", "1.0000", "0.0", "-3.0")
    assert abs(float(dc)) < 1e-4


def test_print_stats_torch_stereo_with_dc(capsys):
    signal = torch.stack([0.5 * sine(seconds=1.0), 0.25 + 0.0 * sine(seconds=1.0)])
    helpers.print_stats(signal, RATE)
    out = capsys.readouterr().out
    assert "---" not in out
    assert "shape (2, 16000), dtype float32" in out
    rows = [line.split() for line in out.splitlines()[2:]]
    assert len(rows) == 2
    assert rows[0][1:4] == ["0.5000", "-6.0", "-9.0"]
    assert rows[1][1:] == ["0.2500", "-12.0", "-12.0", "+0.25000"]


def test_audio_stats_fields():
    stats = helpers.audio_stats(sine(seconds=2.0, amplitude=0.5, module="numpy"), 8000)
    assert stats.shape == (32000,)
    assert stats.dtype == "float32"
    assert stats.sample_rate == 8000
    assert stats.duration_s == 4.0
    assert stats.peak[0] == pytest.approx(0.5, abs=1e-6)
    assert stats.rms_dbfs[0] == pytest.approx(-9.03, abs=0.01)
    silent = helpers.audio_stats(np.zeros(10), RATE)
    assert silent.peak_dbfs == (-200.0,)
    assert silent.rms_dbfs == (-200.0,)


# --------------------------------------------------------------------------- play


def decode(player: helpers.AudioPlayer) -> tuple[np.ndarray, int]:
    data, rate = soundfile.read(io.BytesIO(player.wav_bytes()), dtype="float64", always_2d=True)
    return data.T, rate


def test_play_keeps_the_level():
    quiet = sine(amplitude=0.1)
    player = helpers.play(quiet, RATE, title="quiet")
    data, rate = decode(player)
    assert rate == RATE
    assert data.shape == (1, quiet.shape[-1])
    assert np.max(np.abs(data)) == pytest.approx(0.1, abs=2.0 / 2**15)
    np.testing.assert_allclose(data[0], quiet.numpy(), atol=1.0 / 2**15)
    assert "quiet" in player.caption()
    assert "-20.0 dBFS" in player.caption()
    assert "scaled" not in player.caption()


def test_play_stereo_numpy():
    player = helpers.play(sine(channels=2, amplitude=0.5, module="numpy"), 44100)
    data, rate = decode(player)
    assert rate == 44100
    assert data.shape[0] == 2
    assert "2 ch" in player.caption()


def test_play_html_has_an_audio_element():
    player = helpers.play(sine(amplitude=0.5), RATE, title="<tone>")
    markup = player._repr_html_()
    pattern = r'<audio controls[^>]*src="data:audio/(ogg|flac);base64,[A-Za-z0-9+/=]+"'
    assert re.search(pattern, markup)
    assert "&lt;tone&gt;" in markup
    assert "0.50 s" in markup and "16000 Hz" in markup and "mono" in markup
    assert repr(player).startswith("AudioPlayer(")


def test_the_flac_fallback_holds_the_wav_samples_bit_for_bit():
    """Where a page embeds FLAC (no Opus), its samples are the 16-bit WAV's exactly."""
    rng = np.random.default_rng(0)
    noise = rng.uniform(-1.0, 1.0, size=(2, 4000)).astype(np.float32)  # hardest to compress
    noise[0, :4] = [1.0, -1.0, 0.99999, -0.99999]  # full scale both ways
    for player in (helpers.play(noise, 44100), helpers.play(noise[:1], RATE)):
        assert player.stored_audio()[0] == "audio/flac"  # white noise, 44.1 kHz: no Opus
        flac, flac_rate = soundfile.read(
            io.BytesIO(player.flac_bytes()), dtype="int16", always_2d=True
        )
        wav, wav_rate = soundfile.read(
            io.BytesIO(player.wav_bytes()), dtype="int16", always_2d=True
        )
        assert flac_rate == wav_rate == player.sample_rate
        np.testing.assert_array_equal(flac, wav)
    tone = helpers.play(sine(amplitude=0.3), RATE)
    assert len(tone.flac_bytes()) < 0.5 * len(tone.wav_bytes())


def test_play_clip_guard_raises_by_default():
    with pytest.raises(ValueError, match="on_clip='scale'") as caught:
        helpers.play(sine(amplitude=2.0), RATE, title="loud")
    assert "loud peaks at 2.000" in str(caught.value)


def test_play_scales_on_request():
    player = helpers.play(sine(amplitude=2.0), RATE, on_clip="scale")
    data, _ = decode(player)
    assert 0.95 < np.max(np.abs(data)) < 1.0
    assert "scaled by -6.1 dB" in player.caption()


@pytest.mark.parametrize("amplitude", [0.5, 2.0])
def test_play_bad_on_clip(amplitude):
    with pytest.raises(ValueError, match="on_clip must be"):
        helpers.play(sine(amplitude=amplitude), RATE, on_clip="clip")


def test_play_rejects_bad_input():
    with pytest.raises(ValueError, match="shape"):
        helpers.play(torch.zeros(1, 2, 100), RATE)
    with pytest.raises(ValueError, match="sample_rate"):
        helpers.play(sine(), -1)


def test_silence_reads_the_one_db_floor_everywhere():
    player = helpers.play(np.zeros(100), RATE)
    assert player.peak_dbfs == helpers.peak_dbfs(np.zeros(100)) == helpers.validation.DB_FLOOR
    assert "peak -200.0 dBFS" in player.caption()
