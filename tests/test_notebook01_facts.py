"""Facts notebook 01 states in its prose, kept true here rather than asserted in the lesson."""

from __future__ import annotations

import math

import numpy as np
import soundfile
import torch
import torchaudio.functional as AF

import helpers
from helpers import filters, measure

RATE = 16_000


def _tone(frequency_hz: float) -> torch.Tensor:
    times = torch.arange(RATE, dtype=torch.float64) / RATE
    return torch.sin(2 * math.pi * frequency_hz * times).unsqueeze(0)


def test_load_audio_is_the_soundfile_recipe():
    """Section 2 says helpers.load_audio is section 1's reading code."""
    data, rate = soundfile.read(helpers.asset_path("whistle"), dtype="float32", always_2d=True)
    waveform, loaded_rate = helpers.load_audio("whistle")
    assert loaded_rate == rate
    assert torch.equal(waveform, torch.from_numpy(data.T.copy()))


def test_af_speed_is_af_resample_with_its_defaults():
    """Section 5 says AF.speed relabels the rate, then resamples with the default filter."""
    tone = _tone(440.0).float()
    for factor in (0.8, 1.25, 1.5):
        by_speed = AF.speed(tone, RATE, factor)[0]
        by_resample = AF.resample(tone, round(RATE * factor), RATE)
        assert torch.allclose(by_speed, by_resample, atol=1e-6)


def test_speeding_up_with_the_default_filter_aliases_as_stated():
    """7 kHz at speed 1.25 and 6 kHz at 1.5 come back at -13.5 and -16.8 dB."""
    for factor, frequency, expected_db in ((1.25, 7000, -13.5), (1.5, 6000, -16.8)):
        output = AF.speed(_tone(frequency), RATE, factor)[0]
        level = measure.tone_level_db(output, RATE, RATE - factor * frequency)
        assert abs(level - expected_db) < 0.2, (factor, frequency, level)


def test_the_whistle_tones_lose_what_the_prose_says():
    """Section 4: the biquad at 300 Hz takes 4.6 dB from 350 Hz and 15 dB from 700 Hz."""
    gains = filters.biquad_lowpass_response_db([350, 700], RATE, 300.0)
    assert np.allclose(gains, [-4.6, -15.0], atol=0.05)


def test_one_semitone_resampling_table_is_as_large_as_stated():
    """Section 5: 16951 -> 16000 Hz has gcd 1, a table of about 271 million numbers."""
    played = int(RATE * 2 ** (1 / 12))
    assert played == 16951 and math.gcd(played, RATE) == 1
    assert abs(played * RATE / 1e6 - 271) < 1
