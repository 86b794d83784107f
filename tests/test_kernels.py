"""helpers.kernels: the exact response of a probed kernel, Kaiser's design rule, the plots."""

import numpy as np
import pytest
import scipy.signal
import torchaudio.functional as AF

from helpers import kernel_plots, kernels
from helpers.validation import DB_FLOOR


def known_filter_resampler(taps):
    """resample_poly 48 -> 32 kHz with our own filter: its response is the filter's."""
    return lambda batch: scipy.signal.resample_poly(np.asarray(batch), 2, 3, axis=-1, window=taps)


def test_probe_response_matches_a_known_filter_to_minus_200_db():
    taps = scipy.signal.firwin(1201, 15500, window=("kaiser", 12.26), fs=96000)
    freqs_hz, gain_db = kernels.probe_response(known_filter_resampler(taps), 48000, 32000,
                                               span_s=0.01)
    exact = np.abs(np.fft.rfft(taps, 2 * len(gain_db) - 2)) / abs(taps.sum())
    exact_db = 20 * np.log10(exact + 1e-300)
    deep = exact_db > -200
    assert deep.sum() > 0.5 * deep.size
    np.testing.assert_allclose(gain_db[deep], exact_db[deep], atol=1e-3)
    assert freqs_hz[-1] == pytest.approx(48000)


def test_worst_aliasing_reads_the_largest_gain_beyond_the_guard_band():
    freqs_hz = np.linspace(0, 24000, 24001)
    gain_db = np.where(freqs_hz < 16000, 0.0, -100.0)
    gain_db[(freqs_hz > 16100) & (freqs_hz < 16200)] = -40.0  # inside the 2 % guard band
    gain_db[20000] = -70.0
    level, at = kernels.worst_aliasing(freqs_hz, gain_db, orig_rate=48000, new_rate=32000)
    assert (level, at) == (-70.0, 20000.0)
    strict, at = kernels.worst_aliasing(freqs_hz, gain_db, orig_rate=48000, new_rate=32000,
                                        guard=0.0)
    assert strict == -40.0 and 16100 < at < 16200


@pytest.mark.parametrize("arguments", [dict(orig_rate=16000, new_rate=32000),
                                       dict(orig_rate=48000, new_rate=32000, guard=-0.1),
                                       dict(orig_rate=48000, new_rate=32000, guard=0.6)])
def test_worst_aliasing_rejects_bad_arguments(arguments):
    with pytest.raises(ValueError):
        kernels.worst_aliasing(np.linspace(0, 24000, 100), np.zeros(100), **arguments)


@pytest.mark.parametrize("attenuation_db", [21.0, 35.0, 50.0, 60.0, 120.0])
def test_kaiser_beta_is_scipys(attenuation_db):
    assert kernels.kaiser_beta(attenuation_db) == pytest.approx(
        scipy.signal.kaiser_beta(attenuation_db))
    if attenuation_db > 50:
        assert kernels.kaiser_attenuation_db(kernels.kaiser_beta(attenuation_db)) == (
            pytest.approx(attenuation_db))


def test_kaiser_attenuation_rejects_small_beta():
    with pytest.raises(ValueError, match=r"4\.55"):
        kernels.kaiser_attenuation_db(3.0)


def test_kaiser_rule_predicts_torchaudios_stop_band_and_its_edge():
    # Width 64, rolloff 0.95, beta 8.6 at 48 -> 32 kHz: 86.7 dB, stop band from 15.85 kHz.
    resample = kernels.torchaudio_variants(
        {"k": dict(lowpass_filter_width=64, rolloff=0.95, resampling_method="sinc_interp_kaiser",
                   beta=8.6)}, 48000, 32000)["k"]
    freqs_hz, gain_db = kernels.probe_response(resample, 48000, 32000)
    promised = kernels.kaiser_attenuation_db(8.6)
    edge = 15200 + kernels.kaiser_transition_hz(promised, 2 * 64 / (0.95 * 32000)) / 2
    beyond = freqs_hz > 15200
    measured_edge = freqs_hz[beyond][np.argmax(gain_db[beyond] <= -promised)]
    assert measured_edge == pytest.approx(edge, abs=30)
    assert gain_db[freqs_hz > measured_edge].max() == pytest.approx(-promised, abs=1.0)
    with pytest.raises(ValueError):
        kernels.kaiser_transition_hz(80, 0.0)


def test_response_quality_of_torchaudios_defaults():
    resample = lambda batch: AF.resample(batch, 48000, 32000)  # noqa: E731
    quality = kernels.response_quality(*kernels.probe_response(resample, 48000, 32000),
                                       orig_rate=48000, new_rate=32000)
    assert -9 < quality.aliasing_db < -7 and quality.aliasing_hz == pytest.approx(16320, abs=20)
    assert quality.nyquist_aliasing_db > quality.aliasing_db
    assert quality.cutoff_hz == pytest.approx(15840, rel=0.005)
    assert 11500 < quality.edge_hz < 12300  # -0.1 dB already at 11.9 kHz
    assert quality.passband_loss_db == pytest.approx(2.43, abs=0.05)
    table = kernels.response_table({"defaults": quality})
    assert "defaults" in table and "worst alias" in table and "-7.8" in table
    with pytest.raises(ValueError):
        kernels.response_table({})


def test_kernel_response_reaches_below_minus_180_db():
    resample = lambda batch: AF.resample(  # noqa: E731
        batch, 48000, 32000, lowpass_filter_width=64, rolloff=0.9,
        resampling_method="sinc_interp_kaiser", beta=20.0)
    _, gain_db = kernels.probe_response(resample, 48000, 32000)
    assert gain_db.min() < -180 and gain_db.min() >= DB_FLOOR


def test_compare_kernels_draws_kernels_and_responses():
    variants = kernels.torchaudio_variants(
        {"width 6": {}, "width 16": dict(lowpass_filter_width=16)}, 48000, 32000)
    figure = kernel_plots.compare_kernels(variants, 48000, 32000, title="t", kernel_db=True)
    left, right = figure.axes[:2]
    assert len(left.get_lines()) == 2 and len(right.get_lines()) >= 2
    assert [text.get_text() for text in left.get_legend().get_texts()] == ["width 6", "width 16"]
    assert right.get_xlim()[1] == 24000
