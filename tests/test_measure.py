"""Measurements that back the notebooks' claims."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torchaudio.functional as AF

import helpers
from helpers import measure
from helpers.effects import synthetic_rir

RATE = 16000


def tone(frequency=1000.0, seconds=1.0, amplitude=1.0, rate=RATE):
    times = np.arange(round(seconds * rate)) / rate
    return amplitude * np.sin(2 * np.pi * frequency * times)


def white_noise(seconds=4.0, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return 0.1 * torch.randn(round(seconds * RATE), generator=generator)


def response_db(b, a, frequencies, rate=RATE):
    """|H(e^jw)| in dB of the filter b/a (coefficients of z^0, z^-1, ...)."""
    z = np.exp(-1j * 2 * np.pi * np.asarray(frequencies) / rate)
    numerator = np.polyval(np.asarray(b)[::-1], z)
    denominator = np.polyval(np.asarray(a)[::-1], z)
    return 20 * np.log10(np.abs(numerator / denominator))


# --------------------------------------------------------------------------- levels


@pytest.mark.parametrize(
    ("signal", "rms", "peak"),
    [
        (np.sign(tone(100.0)) + (tone(100.0) == 0), 0.0, 0.0),  # full-scale square wave
        (tone(), -3.0103, 0.0),
        (tone(amplitude=0.5), -9.0309, -6.0206),
        (np.full(1000, 0.1), -20.0, -20.0),
        (np.zeros(100), -200.0, -200.0),
    ],
    ids=["square", "sine", "half-sine", "dc", "silence"],
)
def test_rms_and_peak_dbfs(signal, rms, peak):
    assert helpers.rms_dbfs(signal) == pytest.approx(rms, abs=1e-3)
    assert helpers.peak_dbfs(signal) == pytest.approx(peak, abs=1e-3)
    assert helpers.rms_dbfs(torch.from_numpy(signal).float()) == pytest.approx(rms, abs=1e-3)
    assert isinstance(helpers.rms_dbfs(signal), float)


def test_levels_of_stereo_cover_every_channel():
    stereo = np.stack([tone(amplitude=0.5), tone(amplitude=0.25)])
    assert helpers.peak_dbfs(stereo) == pytest.approx(-6.0206, abs=1e-3)
    expected = 10 * np.log10((0.5**2 + 0.25**2) / 4)
    assert helpers.rms_dbfs(stereo) == pytest.approx(expected, abs=1e-3)


def test_levels_reject_bad_input():
    with pytest.raises(ValueError, match="empty"):
        helpers.rms_dbfs(np.zeros(0))
    with pytest.raises(ValueError, match="NaN"):
        helpers.peak_dbfs(np.array([np.nan]))


# --------------------------------------------------------------------------- spectra


def test_average_spectrum_shape_and_peak():
    freqs, power = helpers.average_spectrum(tone(1000.0), RATE, n_fft=1024)
    assert freqs.shape == power.shape == (513,)
    assert freqs[0] == 0 and freqs[-1] == RATE / 2
    assert freqs[np.argmax(power)] == 1000.0


def test_average_spectrum_of_white_noise_is_flat():
    freqs, power = helpers.average_spectrum(white_noise(), RATE, n_fft=512)
    band = power[(freqs > 200) & (freqs < 7800)]
    # unit-variance noise through a Hann window: E|X|^2 = variance * sum(w^2) = 0.01 * 3 * 512 / 8
    assert np.median(band) == pytest.approx(10 * np.log10(0.01 * 3 * 512 / 8), abs=0.5)
    assert band.max() - band.min() < 3.0


def test_average_spectrum_averages_channels():
    stereo = torch.stack([white_noise(seed=1), white_noise(seed=2)])
    _, both = helpers.average_spectrum(stereo, RATE)
    _, left = helpers.average_spectrum(stereo[0], RATE)
    _, right = helpers.average_spectrum(stereo[1], RATE)
    expected = 10 * np.log10((10 ** (left / 10) + 10 ** (right / 10)) / 2)
    np.testing.assert_allclose(both, expected, atol=1e-4)


def test_average_spectrum_too_short():
    with pytest.raises(ValueError, match="smaller n_fft"):
        helpers.average_spectrum(np.zeros(1000), RATE, n_fft=4096)


FREQUENCIES = [100.0, 500.0, 1000.0, 2500.0, 4000.0]


def test_transfer_db_of_an_fir_filter():
    noise = white_noise()
    b = [0.5, 0.3, 0.2]
    filtered = AF.lfilter(noise, torch.tensor([1.0, 0.0, 0.0]), torch.tensor(b), clamp=False)
    measured = helpers.transfer_db(noise, filtered, RATE, FREQUENCIES)
    np.testing.assert_allclose(measured, response_db(b, [1.0], FREQUENCIES), atol=0.1)


def test_transfer_db_of_an_iir_filter():
    noise = white_noise()
    # a resonant two-pole filter: poles at radius 0.9, angle of 1 kHz
    radius, angle = 0.9, 2 * np.pi * 1000 / RATE
    a = [1.0, -2 * radius * np.cos(angle), radius**2]
    b = [1 - radius, 0.0, 0.0]
    filtered = AF.lfilter(
        noise.double(), torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64),
        clamp=False,
    )
    measured = helpers.transfer_db(noise, filtered, RATE, FREQUENCIES)
    np.testing.assert_allclose(measured, response_db(b, a, FREQUENCIES), atol=0.1)


def test_transfer_db_of_a_gain():
    noise = white_noise()
    measured = helpers.transfer_db(noise, 0.5 * noise, RATE, [0.0, 1000.0, RATE / 2])
    np.testing.assert_allclose(measured, -6.0206, atol=1e-3)


@pytest.mark.parametrize("frequency", [-1.0, RATE / 2 + 1])
def test_transfer_db_rejects_frequencies_outside_the_band(frequency):
    noise = white_noise(seconds=1.0)
    with pytest.raises(ValueError, match="frequencies must lie in"):
        helpers.transfer_db(noise, noise, RATE, [frequency])


@pytest.mark.parametrize("frequency", [440.0, 440.7, 3000.0])
def test_dominant_frequency(frequency):
    assert helpers.dominant_frequency(tone(frequency), RATE) == pytest.approx(frequency, abs=0.5)


def test_dominant_frequency_in_noise_and_band():
    rng = np.random.default_rng(3)
    signal = tone(440.0, amplitude=0.5) + tone(2000.0, amplitude=0.8) + rng.normal(0, 0.05, RATE)
    assert helpers.dominant_frequency(signal, RATE) == pytest.approx(2000.0, abs=0.5)
    assert helpers.dominant_frequency(signal, RATE, f_max=1000.0) == pytest.approx(440.0, abs=0.5)
    with pytest.raises(ValueError, match="widen"):
        helpers.dominant_frequency(signal, RATE, f_min=440.0, f_max=441.0)


def test_spectrogram_db_shapes_and_times():
    times, freqs, level = helpers.spectrogram_db(tone(seconds=0.5), RATE, n_fft=512, hop_length=128)
    assert freqs.shape == (257,)
    assert times.shape == (8000 // 128 + 1,)
    assert times[1] == 128 / RATE
    assert level.shape == (1, 257, len(times))
    with pytest.raises(ValueError, match="window must be one of"):
        helpers.spectrogram_db(tone(), RATE, window="kaiser")


@pytest.mark.parametrize("window", ["hann", "hamming", "blackman", "rectangular"])
def test_spectrogram_db_calibration_for_every_window(window):
    _, freqs, level = helpers.spectrogram_db(tone(1000.0), RATE, n_fft=1024, window=window)
    middle = level.shape[-1] // 2
    assert freqs[np.argmax(level[0, :, middle])] == 1000.0
    assert level[0, :, middle].max() == pytest.approx(0.0, abs=0.05)


# --------------------------------------------------------------------------- decay


def test_energy_decay_curve_starts_at_0_db_and_falls():
    decay = helpers.energy_decay_curve(synthetic_rir(RATE, 0.5))
    assert decay.shape == (round(1.2 * 0.5 * RATE),)
    assert decay[0] == pytest.approx(0.0, abs=1e-12)
    assert np.all(np.diff(decay) <= 1e-9)
    assert decay[-1] < -60


def test_energy_decay_curve_of_an_exponential():
    times = np.arange(RATE) / RATE
    response = np.exp(-np.log(1000) * times / 0.5)  # RT60 of 0.5 s: -60 dB at 0.5 s
    decay = helpers.energy_decay_curve(response)
    # energy remaining after t falls 120 dB per second (up to the truncation at 1 s)
    assert decay[RATE // 4] == pytest.approx(-30.0, abs=0.1)


@pytest.mark.parametrize("rt60", [0.3, 0.6, 1.2])
def test_estimate_rt60_recovers_synthetic_rir(rt60):
    response = synthetic_rir(RATE, rt60, seed=1)
    assert helpers.estimate_rt60(response, RATE) == pytest.approx(rt60, rel=0.05)
    t30 = helpers.estimate_rt60(response, RATE, fit_range_db=(-5, -35))
    assert t30 == pytest.approx(rt60, rel=0.05)


def test_estimate_rt60_ignores_a_pre_delay():
    response = synthetic_rir(RATE, 0.6, predelay_s=0.1, seed=2)
    assert helpers.estimate_rt60(response, RATE) == pytest.approx(0.6, rel=0.05)


def test_estimate_rt60_errors():
    with pytest.raises(ValueError, match="silent"):
        helpers.estimate_rt60(np.zeros(1000), RATE)
    with pytest.raises(ValueError, match="mono"):
        helpers.estimate_rt60(synthetic_rir(RATE, 0.3, channels=2), RATE)
    with pytest.raises(ValueError, match="fit_range_db"):
        helpers.estimate_rt60(synthetic_rir(RATE, 0.3), RATE, fit_range_db=(-25, -5))
    with pytest.raises(ValueError, match="fit_range_db"):
        helpers.estimate_rt60(synthetic_rir(RATE, 0.3), RATE, fit_range_db=(5, -25))


def test_estimate_rt60_response_too_short_to_reach_the_range():
    # the first 8 samples of a 1 s decay: the curve stops at about -9 dB
    response = synthetic_rir(RATE, 1.0)[:, :8]
    with pytest.raises(ValueError, match="too short"):
        helpers.estimate_rt60(response, RATE)


@pytest.mark.parametrize(
    "response", [[1.0, 0.0, 0.0, 0.0], [1.0, 0.01, 0.0001, 0.0, 0.0]], ids=["dirac", "3 samples"]
)
def test_estimate_rt60_response_too_short_to_fit(response):
    # the decay falls through the whole fit range within a sample or two: no line to fit
    with pytest.raises(ValueError, match="too short"):
        helpers.estimate_rt60(np.array(response), RATE)


@pytest.mark.parametrize(
    ("channels", "frames", "settings"),
    [(1, 16000 * 20, {}), (2, 50_000, dict(n_fft=511, win_length=400, hop_length=100))],
)
def test_spectrogram_db_pooled_equals_pooling_the_full_spectrogram(channels, frames, settings):
    signal = 0.1 * torch.randn(channels, frames, generator=torch.Generator().manual_seed(3))
    times, freqs, level = helpers.spectrogram_db(signal, RATE, **settings)
    factor = math.ceil(level.shape[-1] / 300)
    usable = (level.shape[-1] // factor) * factor
    expected = level[..., :usable].reshape(*level.shape[:-1], -1, factor).max(axis=-1)
    hop_s, pooled_freqs, pooled = measure.spectrogram_db_pooled(
        signal, RATE, max_frames=300, **settings
    )
    assert factor > 1 and pooled.shape == expected.shape
    np.testing.assert_array_equal(pooled, expected)
    np.testing.assert_array_equal(pooled_freqs, freqs)
    assert hop_s == pytest.approx((times[1] - times[0]) * factor)


def test_spectrogram_db_pooled_leaves_short_signals_alone():
    signal = tone(seconds=0.5)
    _, _, level = helpers.spectrogram_db(signal, RATE, n_fft=512)
    hop_s, _, pooled = measure.spectrogram_db_pooled(signal, RATE, max_frames=2000, n_fft=512)
    np.testing.assert_array_equal(pooled, level)
    assert hop_s == pytest.approx(128 / RATE)


# --------------------------------------------------------------------------- tone_level_db


def test_tone_level_reads_a_sine_amplitude_in_dbfs():
    times = torch.arange(RATE, dtype=torch.float64) / RATE
    sine = 0.5 * torch.sin(2 * torch.pi * 1000 * times + 0.3)
    assert measure.tone_level_db(sine, RATE, 1000.0) == pytest.approx(-6.0206, abs=1e-4)


def test_tone_level_ignores_other_frequencies():
    times = torch.arange(RATE, dtype=torch.float64) / RATE
    mixture = torch.sin(2 * torch.pi * 440 * times) + 1e-4 * torch.cos(2 * torch.pi * 7800 * times)
    assert measure.tone_level_db(mixture, RATE, 7800.0) == pytest.approx(-80.0, abs=0.01)


def test_tone_level_rejects_stereo_out_of_band_and_short_signals():
    with pytest.raises(ValueError, match="mono"):
        measure.tone_level_db(torch.zeros(2, RATE), RATE, 1000.0)
    with pytest.raises(ValueError, match="Nyquist"):
        measure.tone_level_db(torch.zeros(RATE), RATE, 8000.0)
    with pytest.raises(ValueError, match="periods"):
        measure.tone_level_db(torch.zeros(100), RATE, 100.0)
