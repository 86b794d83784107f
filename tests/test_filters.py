"""Filter response formulas: the one-pole low-pass and the RBJ low-pass biquad."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal
import torch
import torchaudio.functional as AF

import helpers
from helpers import filters

RATE = 16000


def white_noise(seconds=4.0, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return 0.1 * torch.randn(1, round(seconds * RATE), generator=generator)


def test_one_pole_response_matches_scipy_freqz():
    cutoff, frequencies = 300.0, np.array([0.0, 100.0, 300.0, 1000.0, 7999.0])
    pole = np.exp(-2 * np.pi * cutoff / RATE)
    _, response = scipy.signal.freqz([1 - pole], [1, -pole], worN=frequencies, fs=RATE)
    np.testing.assert_allclose(
        filters.one_pole_lowpass_response_db(frequencies, RATE, cutoff),
        20 * np.log10(np.abs(response)),
        atol=1e-9,
    )


def test_one_pole_is_minus_3_db_at_the_cutoff_only_far_below_nyquist():
    at_300 = filters.one_pole_lowpass_response_db([300.0], RATE, 300.0)[0]
    at_5k = filters.one_pole_lowpass_response_db([5000.0], RATE, 5000.0)[0]
    assert at_300 == pytest.approx(-3.0, abs=0.02)
    assert at_5k == pytest.approx(-1.83, abs=0.01)


def test_biquad_response_is_scipys_digital_butterworth():
    """RBJ's low-pass with Q = 1/sqrt(2) is the bilinear Butterworth prewarped at the cut-off."""
    frequencies = np.linspace(0, RATE / 2, 101)
    for cutoff in (300.0, 3000.0):
        b, a = scipy.signal.butter(2, cutoff, fs=RATE)
        _, response = scipy.signal.freqz(b, a, worN=frequencies, fs=RATE)
        expected = 20 * np.log10(np.maximum(np.abs(response), 1e-300))
        got = filters.biquad_lowpass_response_db(frequencies, RATE, cutoff)
        np.testing.assert_allclose(got[:-1], expected[:-1], atol=1e-6)


def test_biquad_response_matches_torchaudio_lowpass_biquad_measured():
    noise = white_noise(seconds=8.0)
    frequencies = [100.0, 300.0, 600.0, 1200.0, 2400.0]
    measured = helpers.transfer_db(noise, AF.lowpass_biquad(noise, RATE, 300.0), RATE, frequencies)
    np.testing.assert_allclose(
        measured, filters.biquad_lowpass_response_db(frequencies, RATE, 300.0), atol=0.15
    )


def test_biquad_falls_12_db_per_octave_and_is_minus_3_db_at_the_cutoff():
    gains = filters.biquad_lowpass_response_db([100.0, 400.0, 800.0], 48000, 100.0)
    assert gains[0] == pytest.approx(-3.01, abs=0.01)
    assert gains[1] - gains[2] == pytest.approx(12.0, abs=0.2)


def test_biquad_q_changes_the_gain_at_the_cutoff():
    assert filters.biquad_lowpass_response_db([1000.0], RATE, 1000.0, q=2.0)[0] == pytest.approx(
        20 * np.log10(2.0), abs=0.01
    )
    with pytest.raises(ValueError, match="q must be a positive number"):
        filters.biquad_lowpass_response_db([1000.0], RATE, 1000.0, q=0)


@pytest.mark.parametrize(
    ("frequencies", "cutoff", "match"),
    [([9000.0], 300.0, "Nyquist"), ([100.0], 8000.0, "cutoff_hz"), ([[1.0, 2.0]], 300.0, "1-D")],
)
def test_response_formulas_reject_bad_input(frequencies, cutoff, match):
    for formula in (filters.one_pole_lowpass_response_db, filters.biquad_lowpass_response_db):
        with pytest.raises(ValueError, match=match):
            formula(frequencies, RATE, cutoff)
