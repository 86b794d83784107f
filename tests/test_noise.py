"""Tests of helpers.noise: SNR measurement and mixing, noise fitting, noise generators."""

import math

import numpy as np
import pytest
import scipy.signal
import torch
import torchaudio.functional as AF

import helpers
from helpers import noise, noise_colours


def _randn(*shape, seed=0, level=1.0):
    return level * torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


# --- snr_db -------------------------------------------------------------------


def test_snr_db_of_known_powers():
    signal = torch.ones(1, 1000, dtype=torch.float64)  # power 1
    assert abs(noise.snr_db(signal, 0.1 * signal) - 20.0) < 1e-9  # power 0.01
    assert abs(noise.snr_db(signal, 2.0 * signal) - -20 * math.log10(2)) < 1e-9


def test_snr_db_accepts_numpy_and_1d():
    signal = np.sin(np.linspace(0, 100, 4000))
    assert abs(noise.snr_db(signal, 0.5 * signal) - 20 * math.log10(2)) < 1e-9


@pytest.mark.parametrize(
    ("signal", "noise_clip", "message"),
    [
        (torch.zeros(1, 100), torch.ones(1, 100), "signal is silent"),
        (torch.ones(1, 100), torch.zeros(1, 100), "noise is silent"),
        (torch.ones(1, 100), torch.ones(1, 99), "fit the noise"),
        (torch.ones(1, 100), torch.ones(2, 100), "same"),
        (torch.tensor([[1.0, float("nan")]]), torch.ones(1, 2), "NaN"),
        (torch.ones(1, 2), torch.tensor([[1.0, float("inf")]]), "NaN or infinite"),
        (torch.ones(1, 0), torch.ones(1, 0), "empty"),
    ],
)
def test_snr_db_rejects_bad_input(signal, noise_clip, message):
    with pytest.raises(ValueError, match=message):
        noise.snr_db(signal, noise_clip)


def test_snr_db_rejects_non_arrays():
    with pytest.raises(TypeError, match=r"torch\.Tensor or numpy"):
        noise.snr_db([1.0, 2.0], [1.0, 2.0])
    with pytest.raises(TypeError, match="complex"):
        noise.snr_db(torch.ones(4, dtype=torch.complex64), torch.ones(4, dtype=torch.complex64))


# --- mixing at an SNR ---------------------------------------------------------------


@pytest.mark.parametrize("target", [30.0, 20.0, 10.0, 3.0, 0.0, -5.0, -20.0])
def test_add_noise_at_snr_reaches_the_target_and_matches_torchaudio(target):
    signal = _randn(1, 16000, seed=1, level=0.1)
    noise_clip = _randn(1, 16000, seed=2, level=0.3)
    mixture, scaled = noise.add_noise_at_snr(signal, noise_clip, target)
    assert abs(noise.snr_db(signal, scaled) - target) < 1e-4
    assert torch.allclose(mixture, signal + scaled)
    reference = AF.add_noise(signal, noise_clip, torch.tensor([target]))
    assert float((mixture - reference).abs().max()) < 1e-5


def test_noise_gain_uses_amplitude_decibels():
    signal = torch.ones(1, 100)
    noise_clip = torch.ones(1, 100)
    assert abs(noise.noise_gain(signal, noise_clip, 20.0) - 0.1) < 1e-12
    assert abs(noise.noise_gain(signal, noise_clip, -6.0) - 10 ** 0.3) < 1e-12


def test_add_noise_at_snr_checks_sample_rates():
    signal, noise_clip = torch.ones(1, 10), torch.ones(1, 10)
    with pytest.raises(ValueError, match="resample the noise first"):
        noise.add_noise_at_snr(signal, noise_clip, 10, sample_rate=16000, noise_sample_rate=44100)
    with pytest.raises(ValueError, match="give both"):
        noise.add_noise_at_snr(signal, noise_clip, 10, sample_rate=16000)
    mixture, _ = noise.add_noise_at_snr(
        signal, noise_clip, 10, sample_rate=16000, noise_sample_rate=16000
    )
    assert mixture.shape == signal.shape


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_add_noise_at_snr_rejects_non_finite_target(bad):
    with pytest.raises(ValueError, match="finite"):
        noise.add_noise_at_snr(torch.ones(1, 10), torch.ones(1, 10), bad)


def test_mix_batch_gives_every_clip_its_snr():
    signals = _randn(6, 2, 4000, seed=3, level=0.2)
    noises = _randn(6, 2, 4000, seed=4, level=0.05)
    targets = torch.tensor([-5.0, 0.0, 3.0, 10.0, 20.0, 40.0])
    mixtures, scaled = noise.mix_batch_at_snr(signals, noises, targets)
    assert mixtures.shape == signals.shape
    measured = noise.snr_db_batch(signals, scaled)
    assert measured.shape == (6,)
    assert float((measured - targets.double()).abs().max()) < 1e-4
    for index in range(6):  # the batch agrees with one clip at a time
        alone, _ = noise.add_noise_at_snr(signals[index], noises[index], float(targets[index]))
        assert torch.allclose(alone, mixtures[index], atol=1e-6)


def test_mix_batch_agrees_with_torchaudio_for_mono_clips():
    signals = _randn(4, 1, 2000, seed=5)
    noises = _randn(4, 1, 2000, seed=6)
    targets = torch.tensor([1.0, 5.0, 9.0, 13.0])
    mixtures, _ = noise.mix_batch_at_snr(signals, noises, targets)
    reference = AF.add_noise(signals, noises, targets.unsqueeze(1))
    assert float((mixtures - reference).abs().max()) < 1e-5


def test_mix_batch_keeps_the_noise_balance_between_channels():
    signals = _randn(2, 2, 1000, seed=7)
    noises = torch.stack([torch.ones(2, 1000), torch.ones(2, 1000)])
    noises[:, 1] *= 0.5  # the right channel's noise is 6 dB quieter
    _, scaled = noise.mix_batch_at_snr(signals, noises, 10.0)
    ratio = scaled[:, 1].abs().mean(dim=-1) / scaled[:, 0].abs().mean(dim=-1)
    assert torch.allclose(ratio, torch.full((2,), 0.5))


def test_mix_batch_rejects_bad_input():
    signals = torch.ones(3, 1, 100)
    with pytest.raises(ValueError, match="one per clip"):
        noise.mix_batch_at_snr(signals, signals, torch.ones(2))
    with pytest.raises(ValueError, match=r"\(batch, frames\)"):
        noise.mix_batch_at_snr(torch.ones(100), torch.ones(100), 3.0)
    silent = signals.clone()
    silent[1] = 0
    with pytest.raises(ValueError, match="signal is silent"):
        noise.mix_batch_at_snr(silent, signals, 3.0)
    with pytest.raises(ValueError, match="noise has shape"):
        noise.mix_batch_at_snr(signals, torch.ones(3, 1, 50), 3.0)
    with pytest.raises(ValueError, match="finite"):
        noise.mix_batch_at_snr(signals, signals, torch.tensor([1.0, float("nan"), 2.0]))
    with pytest.raises(ValueError, match=r"\(batch, frames\)"):
        noise.snr_db_batch(torch.ones(100), torch.ones(100))


# --- fitting noise to a length ----------------------------------------------------


def test_fit_noise_length_tiles_and_crops():
    short = torch.arange(5.0).unsqueeze(0)
    assert noise.fit_noise_length(short, 12).tolist() == [[0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1]]
    assert noise.fit_noise_length(torch.arange(10.0), 4).tolist() == [[0, 1, 2, 3]]


def test_fit_noise_length_random_is_seeded():
    long = torch.arange(1000.0).unsqueeze(0)
    first = noise.fit_noise_length(long, 100, mode="random", seed=3)
    again = noise.fit_noise_length(long, 100, mode="random", seed=3)
    other = noise.fit_noise_length(long, 100, mode="random", seed=4)
    assert torch.equal(first, again)
    assert not torch.equal(first, other)
    assert set(torch.diff(first[0]).tolist()) == {1.0}  # a contiguous excerpt, never wrapped


def test_fit_noise_length_random_crop_of_a_long_noise_is_contiguous():
    long = torch.arange(1000.0).unsqueeze(0)
    starts = set()
    for seed in range(200):
        crop = noise.fit_noise_length(long, 100, mode="random", seed=seed, crossfade=10)
        start = int(crop[0, 0])
        assert torch.equal(crop, long[:, start : start + 100])  # one piece, never wrapped
        starts.add(start)
    assert min(starts) < 50 and max(starts) > 850  # the whole recording is used
    assert torch.equal(noise.fit_noise_length(long, 1000, mode="random", seed=5), long)


def test_fit_noise_length_random_loop_of_a_short_noise_wraps_with_its_crossfade():
    ramp = torch.linspace(-1, 1, 4000).unsqueeze(0)
    looped = noise.fit_noise_length(ramp, 20000, mode="random", seed=2, crossfade=400)
    assert looped.shape == (1, 20000)
    assert float(torch.diff(looped).abs().max()) < 0.02  # the seams are crossfaded
    hard = noise.fit_noise_length(ramp, 20000, mode="random", seed=2)
    assert float(hard[0, 0]) != -1.0  # a random start, not the first sample
    assert float(torch.diff(hard).abs().max()) > 1.9  # without a crossfade the seam jumps


def test_fit_noise_length_crossfade_removes_the_seam():
    ramp = torch.linspace(-1, 1, 4000).unsqueeze(0)  # tiled as is, it jumps by 2 at each seam
    hard = noise.fit_noise_length(ramp, 20000)
    smooth = noise.fit_noise_length(ramp, 20000, crossfade=400)
    assert float(torch.diff(hard).abs().max()) > 1.9
    assert float(torch.diff(smooth).abs().max()) < 0.02


def test_fit_noise_length_crossfade_keeps_the_level_of_noise():
    clip = _randn(1, 4000, seed=8)
    looped = noise.fit_noise_length(clip, 40000, crossfade=400)
    assert looped.shape == (1, 40000)
    assert abs(helpers.rms_dbfs(looped) - helpers.rms_dbfs(clip)) < 0.3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"frames": 0}, "whole number of samples >= 1"),
        ({"frames": 10, "mode": "loop"}, "mode must be"),
        ({"frames": 10, "crossfade": 60}, "shorter than half"),
        ({"frames": 10, "crossfade": -1}, "crossfade must be"),
    ],
)
def test_fit_noise_length_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        noise.fit_noise_length(torch.ones(1, 100), **kwargs)


def test_fit_noise_length_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        noise.fit_noise_length(torch.tensor([1.0, float("nan"), 2.0]), 5)


def test_prepare_noise_resamples_then_fits():
    rate = 48000
    tone = torch.sin(2 * math.pi * 1000 * torch.arange(rate) / rate).unsqueeze(0)
    prepared = noise.prepare_noise(tone, rate, 16000, 20000, mode="tile")
    assert prepared.shape == (1, 20000)
    assert abs(helpers.dominant_frequency(prepared, 16000) - 1000) < 1


# --- noise generators ---------------------------------------------------------


def _spectral_slope_db_per_decade(waveform, sample_rate=16000):
    freqs, power = helpers.average_spectrum(waveform, sample_rate)
    band = (freqs > 100) & (freqs < 6000)
    return np.polyfit(np.log10(freqs[band]), power[band], 1)[0]


def test_white_noise_is_flat_and_at_its_level():
    white = noise_colours.white_noise(64000, channels=2, rms_dbfs=-26.0, seed=1)
    assert white.shape == (2, 64000)
    assert abs(helpers.rms_dbfs(white) - -26.0) < 1e-6
    assert abs(_spectral_slope_db_per_decade(white)) < 0.5


def test_pink_noise_falls_10_db_per_decade():
    pink = noise_colours.pink_noise(64000, 16000, seed=1)
    assert abs(helpers.rms_dbfs(pink) - -20.0) < 1e-6
    assert abs(_spectral_slope_db_per_decade(pink) - -10.0) < 0.5
    assert torch.equal(pink, noise_colours.pink_noise(64000, 16000, seed=1))


def test_pink_noise_keeps_its_power_in_the_audible_band():
    # 10 s at 16 kHz, measured with Welch's method (scipy), not with the FFT that shaped it
    pink = noise_colours.pink_noise(160000, 16000, seed=12)[0].numpy()
    freqs, psd = scipy.signal.welch(pink, 16000, nperseg=8192)
    assert psd[freqs < 20].sum() / psd.sum() < 0.01
    unlimited = noise_colours.pink_noise(160000, 16000, f_min=0.1, seed=12)[0].numpy()
    freqs, psd = scipy.signal.welch(unlimited, 16000, nperseg=8192)
    assert psd[freqs < 20].sum() / psd.sum() > 0.25  # 1/f down to 0.1 Hz: sub-bass


def test_pink_noise_rejects_a_band_outside_the_spectrum():
    with pytest.raises(ValueError, match="f_min"):
        noise_colours.pink_noise(1000, 16000, f_min=9000.0)
    with pytest.raises(ValueError, match="f_min"):
        noise_colours.pink_noise(1000, 16000, f_min=0.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"frames": 1}, "frames"),
        ({"frames": 100, "channels": 0}, "channels"),
        ({"frames": 100, "rms_dbfs": 3.0}, "rms_dbfs"),
    ],
)
def test_noise_generators_reject_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        noise_colours.white_noise(**kwargs)


# --- headroom -----------------------------------------------------------------


def test_peak_gain_avoids_clipping_without_changing_the_snr():
    signal = _randn(1, 8000, seed=9, level=0.4)
    mixture, scaled = noise.add_noise_at_snr(signal, _randn(1, 8000, seed=10), 0.0)
    gain = noise.peak_gain(mixture, peak_dbfs=-1.0)
    assert gain < 1
    assert abs(helpers.peak_dbfs(gain * mixture) - -1.0) < 1e-4
    assert abs(noise.snr_db(gain * signal, gain * scaled) - 0.0) < 1e-4
    assert noise.peak_gain(0.1 * signal / signal.abs().max()) == 1.0


def test_peak_gain_rejects_silence_and_bad_levels():
    with pytest.raises(ValueError, match="silent"):
        noise.peak_gain(torch.zeros(1, 10))
    with pytest.raises(ValueError, match="peak_dbfs"):
        noise.peak_gain(torch.ones(1, 10), peak_dbfs=1.0)
    with pytest.raises(ValueError, match="at least one"):
        noise.peak_gain()
