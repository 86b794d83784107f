"""Facts notebook 03 and its deep dive 03a state in their prose, kept true here rather than
asserted in the lessons."""

from __future__ import annotations

import math

import numpy as np
import torch
import torchaudio.functional as AF
import torchaudio.transforms as T

from helpers import kernels, resampling


def _worst(resample, orig_rate=48_000, new_rate=32_000):
    response = kernels.probe_response(resample, orig_rate, new_rate)
    return kernels.response_quality(*response, orig_rate=orig_rate, new_rate=new_rate)


def test_seven_kilohertz_sampled_at_eight_gives_the_samples_of_one():
    """Section 1: a cosine at fs - f has exactly the samples of a cosine at f."""
    instants = np.arange(64) / 8000
    assert np.allclose(np.cos(2 * np.pi * 7000 * instants), np.cos(2 * np.pi * 1000 * instants))


def test_transform_and_functional_give_the_same_samples():
    """Section 2: T.Resample and AF.resample do the same work (one builds the kernel once)."""
    signal = torch.randn(2, 4800, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    transform = T.Resample(48_000, 32_000, dtype=torch.float64)
    assert torch.equal(transform(signal), AF.resample(signal, 48_000, 32_000))


def test_kernel_size_formula_and_the_coprime_example():
    """Section 5: the formula matches torchaudio's kernels; 16001 -> 16000 needs ~1 GB."""
    def weights(orig_rate, new_rate, width=6, rolloff=0.99):
        divisor = math.gcd(orig_rate, new_rate)
        orig, new = orig_rate // divisor, new_rate // divisor
        return new * (2 * math.ceil(width * orig / (min(orig, new) * rolloff)) + orig)

    for orig, new in ((44_100, 16_000), (48_000, 32_000), (44_100, 48_000)):
        assert weights(orig, new) == T.Resample(orig, new).kernel.numel()
    assert weights(48_000, 32_000, 64, 0.95) == T.Resample(
        48_000, 32_000, lowpass_filter_width=64, rolloff=0.95
    ).kernel.numel()
    assert 4 * weights(16_001, 16_000) > 1e9  # float32 bytes


def test_parameter_levels_quoted_in_section_3_and_4():
    """Sections 3 and 4 quote these exact worst aliases (dB, beyond the 2 % guard band)."""
    defaults = _worst(lambda x: AF.resample(x, 48_000, 32_000))
    long_kaiser = _worst(lambda x: AF.resample(x, 48_000, 32_000, **resampling.LONG_KAISER))
    assert -9 < defaults.aliasing_db < -7 and 2 < defaults.passband_loss_db < 3
    assert -92 < long_kaiser.aliasing_db < -90
    soxr_hq = _worst(resampling.reference_resamplers(48_000, 32_000)["soxr HQ"])
    assert soxr_hq.aliasing_db < -125 and soxr_hq.edge_hz > 14_800


def test_the_guard_band_hides_a_leak_that_the_ranking_measure_shows():
    """Section 3 ranks by the worst alias from the new Nyquist frequency on: Kaiser beta 14.77
    (width 64, rolloff 0.95) leaks at about -56 dB at 16-16.3 kHz, which the 2 % guard band
    hides (below -140 dB beyond it); beta 8.6 reaches about -88 dB from 16 kHz on."""
    settings = dict(resampling.LONG_KAISER)
    wide = _worst(lambda x: AF.resample(x, 48_000, 32_000, **dict(settings, beta=14.77)))
    assert -58 < wide.nyquist_aliasing_db < -54 and wide.aliasing_db < -140
    chosen = _worst(lambda x: AF.resample(x, 48_000, 32_000, **settings))
    assert -89 < chosen.nyquist_aliasing_db < -87


def test_the_long_kaiser_setting_scales_to_44k1_to_16k():
    """Section 4: about -88 dB at 44.1 -> 16 kHz as at 48 -> 32 kHz."""
    settings = resampling.LONG_KAISER
    level = _worst(lambda x: AF.resample(x, 44_100, 16_000, **settings), 44_100, 16_000)
    assert -89 < level.nyquist_aliasing_db < -87


def test_soxr_hq_meets_libsoxrs_design_from_the_new_nyquist_frequency_on():
    """Section 4 quotes soxr HQ's -125 dB as libsoxr's (20 + 1) x 6.02 = 126.4 dB design."""
    soxr_hq = _worst(resampling.reference_resamplers(48_000, 32_000)["soxr HQ"])
    assert abs(soxr_hq.nyquist_aliasing_db + 21 * 20 * math.log10(2)) < 2


def test_section_2s_three_steps_equal_scipys_polyphase_resampler():
    """Section 2's upsample, filter, decimate gives resample_poly's samples with the same filter."""
    import scipy.signal

    noise = torch.randn(1, 48_000, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    upsampled = torch.zeros(1, 96_000, dtype=torch.float64)
    upsampled[:, ::2] = 2 * noise
    taps = torch.from_numpy(scipy.signal.firwin(1201, 15500, window=("kaiser", 12.3), fs=96000))
    decimated = AF.convolve(upsampled, taps[None], mode="same")[:, ::3]
    reference = scipy.signal.resample_poly(noise.numpy(), 2, 3, axis=-1, window=taps.numpy())
    assert np.abs(decimated.numpy()[:, 1000:-1000] - reference[:, 1000:-1000]).max() < 1e-9


def test_a_tone_above_the_new_nyquist_frequency_folds_at_the_probed_gain():
    """An independent check of the probed response: a 16.5 kHz tone, resampled 48 -> 32 kHz
    with section 3's Kaiser 8.6 setting, comes out at 15.5 kHz at the probed gain (within 1 dB)."""
    settings = resampling.LONG_KAISER
    freqs_hz, gain_db = kernels.probe_response(
        lambda x: AF.resample(torch.as_tensor(x), 48_000, 32_000, **settings), 48_000, 32_000
    )
    tone = torch.cos(2 * math.pi * 16_500 * torch.arange(102_000, dtype=torch.float64) / 48_000)
    # 64000 samples kept: 0.5 Hz bins, 15.5 kHz on a bin (no scalloping loss)
    out = AF.resample(tone[None], 48_000, 32_000, **settings)[0, 2000:-2000].numpy()
    window = np.blackman(len(out))
    spectrum = np.abs(np.fft.rfft(out * window)) / (window.sum() / 2)  # a unit tone reads 1
    bins_hz = np.fft.rfftfreq(len(out), 1 / 32_000)
    near = np.abs(bins_hz - 15_500) < 20
    folded_db = 20 * np.log10(spectrum[near].max())
    assert abs(folded_db - np.interp(16_500, freqs_hz, gain_db)) < 1
