"""Tests for helpers.sweeps: the sweep, the folding rule, the plots and the resampling metrics."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import soxr
import torch
import torchaudio.functional as AF

from helpers import spectrogram_db
from helpers.kernel_plots import plot_kernel, plot_kernel_response
from helpers.kernels import kernel_response_db, resampler_kernel
from helpers.resampling import measure_resampling, plot_gain, quality_table
from helpers.sweeps import (
    alias_frequency,
    frequency_label,
    frequency_ticks,
    log_sweep,
    nice_frequencies,
    plot_sweep,
    sweep_gain_db,
    zero_crossing_frequency,
)


@pytest.fixture(scope="module")
def sweep():
    return log_sweep(48000, 1.5)


def test_sweep_starts_and_ends_at_the_requested_frequencies(sweep):
    assert sweep.waveform.shape == (1, 72001)
    assert sweep.waveform.dtype == torch.float64
    assert sweep.duration_s == pytest.approx(1.5)
    assert sweep.frequency_at(0.0) == pytest.approx(10.0)
    assert sweep.frequency_at(sweep.duration_s) == pytest.approx(24000.0)
    assert sweep.octaves == pytest.approx(math.log2(2400))
    times = np.linspace(0, sweep.duration_s, 7)
    np.testing.assert_allclose(sweep.time_at(sweep.frequency_at(times)), times, atol=1e-12)


def test_sweep_frequency_measured_from_the_waveform_at_start_and_end():
    sweep = log_sweep(8000, 2.0, f_start=100.0, f_end=3000.0, fade_s=0.0)
    # The first and last 50 ms: the frequency measured from the zero crossings matches the
    # mean of the promised instantaneous frequency over the same stretch.
    for start, stop in [(0.0, 0.05), (sweep.duration_s - 0.05, sweep.duration_s)]:
        measured = zero_crossing_frequency(sweep.waveform, 8000, start, stop)
        expected = float(np.mean(sweep.frequency_at(np.linspace(start, stop, 1001))))
        assert measured == pytest.approx(expected, rel=0.01)
    assert sweep.frequency_at(0.0) == pytest.approx(100.0)
    assert sweep.frequency_at(sweep.duration_s) == pytest.approx(3000.0)
    # Exponential: each octave takes the same time.
    per_octave = np.diff(sweep.time_at([200.0, 400.0, 800.0, 1600.0]))
    np.testing.assert_allclose(per_octave, sweep.duration_s / sweep.octaves)


def test_sweep_level_and_fades(sweep):
    signal = sweep.waveform[0].numpy()
    assert np.max(np.abs(signal)) == pytest.approx(0.5, abs=1e-3)
    assert signal[0] == 0.0 and abs(signal[-1]) < 1e-3
    middle = signal[24000:48000]
    assert np.mean(middle**2) == pytest.approx(0.125, rel=0.02)


@pytest.mark.parametrize(
    "arguments",
    [
        dict(f_start=0.0),
        dict(f_end=30000.0),
        dict(f_start=500.0, f_end=400.0),
        dict(amplitude=1.5),
        dict(duration_s=0.0001),
        dict(fade_s=1.0),
    ],
)
def test_log_sweep_rejects_bad_arguments(arguments):
    with pytest.raises(ValueError):
        log_sweep(48000, **{"duration_s": 1.0, **arguments})


def test_zero_crossing_frequency_of_a_steady_tone():
    times = np.arange(16000) / 16000
    tone = np.sin(2 * np.pi * 1234.5 * times + 0.3)
    assert zero_crossing_frequency(tone, 16000, 0.1, 0.9) == pytest.approx(1234.5, rel=1e-4)
    with pytest.raises(ValueError, match="crossings"):
        zero_crossing_frequency(np.ones(1000), 16000, 0.0, 0.05)


def test_time_at_rejects_frequencies_outside_the_sweep(sweep):
    with pytest.raises(ValueError, match="covers"):
        sweep.time_at(5.0)


def test_alias_frequency_folds_around_nyquist():
    np.testing.assert_allclose(
        alias_frequency([1000, 12000, 16000, 20000, 33000, 47000, -5000], 32000),
        [1000, 12000, 16000, 12000, 1000, 15000, 5000],
    )


def test_frequency_ticks_are_log_spaced_and_labelled(sweep):
    positions, labels = frequency_ticks(sweep)
    assert labels[:4] == ["10", "20", "50", "100"]
    assert "1k" in labels and labels[-1] == "24k"
    np.testing.assert_allclose(sweep.frequency_at(positions[:3]), [10, 20, 50])
    assert np.all(np.diff(positions) > 0)
    positions, labels = frequency_ticks(sweep, [440.0, 12000.0])
    assert labels == ["440", "12k"]


def test_naive_decimation_aliases_at_the_predicted_mirror_frequency(sweep):
    naive = sweep.waveform[:, ::3]  # 16 kHz, no filter
    quality = measure_resampling(naive, 16000, sweep)
    assert quality.aliasing_db > -1.0  # everything above 8 kHz comes back at full level
    times, freqs, level = spectrogram_db(naive, 16000, n_fft=512, hop_length=64)
    for original in (10000.0, 12000.0, 14000.0):
        frame = int(np.argmin(np.abs(times - sweep.time_at(original))))
        peak = freqs[np.argmax(level[0, :, frame])]
        predicted = float(alias_frequency(original, 16000))
        assert predicted == 16000 - original
        assert abs(peak - predicted) < 150, (original, peak, predicted)


def test_high_quality_resamplers_show_next_to_no_aliasing(sweep):
    signal = sweep.waveform[0].numpy()
    very_high = measure_resampling(soxr.resample(signal, 48000, 32000, quality="VHQ"), 32000, sweep)
    assert very_high.aliasing_db < -100
    assert abs(very_high.passband_loss_db) < 0.1
    best = AF.resample(
        sweep.waveform, 48000, 32000, lowpass_filter_width=64, rolloff=0.95,
        resampling_method="sinc_interp_kaiser", beta=8.6,
    )
    assert measure_resampling(best, 32000, sweep).aliasing_db < -80


def test_wider_kernels_alias_less_and_cut_sharper(sweep):
    results = {
        width: measure_resampling(
            AF.resample(sweep.waveform, 48000, 32000, lowpass_filter_width=width), 32000, sweep
        )
        for width in (6, 16, 64)
    }
    aliasing = [results[w].aliasing_db for w in (6, 16, 64)]
    transition = [results[w].transition_hz for w in (6, 16, 64)]
    assert aliasing[0] > aliasing[1] + 3 > aliasing[2] + 6
    assert transition[0] > transition[1] > transition[2]
    # torchaudio's default aliases audibly at 48 -> 32 kHz: just above 16 kHz only about
    # 8 dB down, -15 dB on average over the folding region.
    assert -12 < aliasing[0] < -6 and -25 < results[6].mean_aliasing_db < -10


def test_sweep_gain_matches_the_kernel_response_in_the_pass_band(sweep):
    kwargs = dict(lowpass_filter_width=16, rolloff=0.9)
    output = AF.resample(sweep.waveform, 48000, 32000, **kwargs)
    times, kernel = resampler_kernel(lambda x: AF.resample(x, 48000, 32000, **kwargs), 48000, 32000)
    freqs, response = kernel_response_db(times, kernel)
    probe = np.array([1000.0, 8000.0, 12000.0, 13500.0, 14500.0, 20000.0])
    measured = sweep_gain_db(output, 32000, sweep, probe)
    np.testing.assert_allclose(measured, np.interp(probe, freqs, response), atol=1.0)


def test_resampler_kernel_of_torchaudio_is_symmetric_with_unit_gain():
    times, kernel = resampler_kernel(lambda x: AF.resample(x, 48000, 32000), 48000, 32000)
    step = times[1] - times[0]
    assert step == pytest.approx(1 / 96000)  # the least common multiple of the two rates
    assert kernel[np.argmin(np.abs(times))] == pytest.approx(kernel.max())
    np.testing.assert_allclose(kernel, kernel[::-1], atol=1e-9)
    assert np.sum(kernel) * step * 48000 == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize("rolloff", [0.99, 0.8])
def test_rolloff_is_the_cutoff_as_a_fraction_of_the_lower_nyquist(rolloff):
    times, kernel = resampler_kernel(
        lambda x: AF.resample(x, 44100, 16000, lowpass_filter_width=64, rolloff=rolloff),
        44100, 16000, span_s=0.01,
    )
    freqs, gain = kernel_response_db(times, kernel)
    half_amplitude = freqs[np.argmax(gain < -6.02)]
    assert half_amplitude == pytest.approx(rolloff * 8000, rel=0.005)


def test_measure_resampling_rejects_wrong_rates(sweep):
    output = AF.resample(sweep.waveform, 48000, 32000)
    with pytest.raises(ValueError, match="output_rate"):
        measure_resampling(output, 16000, sweep)
    upsampled = log_sweep(16000, 1.0)
    with pytest.raises(ValueError, match="nothing can alias"):
        measure_resampling(AF.resample(upsampled.waveform, 16000, 48000), 48000, upsampled)


def test_quality_table_lists_every_variant(sweep):
    results = {
        "default": measure_resampling(AF.resample(sweep.waveform, 48000, 32000), 32000, sweep),
        "naive": measure_resampling(sweep.waveform[:, ::3], 16000, sweep),
    }
    table = quality_table(results)
    lines = table.splitlines()
    assert len(lines) == 4 and "worst alias" in lines[0] and "mean alias" in lines[0]
    assert lines[2].startswith("default") and lines[3].startswith("naive")
    assert "-0.0" not in table
    with pytest.raises(ValueError):
        quality_table({})


def test_plots_return_what_they_drew(sweep):
    output = AF.resample(sweep.waveform, 48000, 32000)
    figure, axes = plt.subplots(1, 4)
    image = plot_sweep(output, 32000, sweep=sweep, ax=axes[0], show_nyquist_of=32000)
    assert image.get_array().shape[0] == 257
    assert axes[0].get_xlabel().startswith("Original frequency")
    assert axes[0].get_ylim() == (0, 16000)
    line = plot_gain(output, 32000, sweep=sweep, ax=axes[1], label="default", f_min=200.0)
    assert line.axes is axes[1] and axes[1].get_xscale() == "log"
    assert line.get_xdata()[0] == pytest.approx(200.0)
    times, kernel = resampler_kernel(lambda x: AF.resample(x, 48000, 32000), 48000, 32000)
    kernel_line = plot_kernel(times, kernel, ax=axes[2], label="6")
    assert kernel_line.get_ydata().max() == pytest.approx(1.0)
    response = plot_kernel_response(
        times, kernel, ax=axes[3], new_rate=32000, f_max=24000, color=kernel_line.get_color()
    )
    assert response.get_xdata().max() <= 24000 and axes[3].get_ylabel() == "Gain (dB)"
    in_db = plot_kernel(times, kernel, ax=axes[2], db=True)
    assert in_db.get_ydata().max() == pytest.approx(0.0) and in_db.get_ydata().min() >= -200
    with pytest.raises(ValueError, match="equally long"):
        plot_kernel(times, kernel[:-1])
    plt.close(figure)


def test_frequency_labels_and_nice_steps():
    labels = [frequency_label(f) for f in (20.0, 500.0, 1000.0, 12000.0)]
    assert labels == ["20", "500", "1k", "12k"]
    assert nice_frequencies(10, 100) == [10.0, 20.0, 50.0, 100.0]
