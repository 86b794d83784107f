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


STEEP = dict(
    lowpass_filter_width=64, rolloff=0.95, beta=12.0, resampling_method="sinc_interp_kaiser"
)


def _table_shape(orig: int, new: int, *, width: int, rolloff: float) -> tuple[int, int]:
    """The shape of AF.resample's weight table, as 01a predicts it (rows, length)."""
    gcd = math.gcd(orig, new)
    reach = math.ceil(width * orig / (rolloff * min(orig, new)))
    return new // gcd, orig // gcd + 2 * reach


def test_resampling_tables_are_as_large_as_stated():
    """Section 5: 12.8 -> 16 kHz is 5 x 140 with STEEP; one semitone (16951 -> 16000 Hz,
    gcd 1) is 16,000 x 17,095; 1.95 = 39/20 has 20 rows. 01a: 18/17 is 17 x 162."""
    small = AF.functional._get_sinc_resample_kernel(
        12_800, RATE, 3200, 64, 0.95, "sinc_interp_kaiser", 12.0
    )[0]
    assert small.shape == (5, 1, 140)
    assert _table_shape(12_800, RATE, width=64, rolloff=0.95) == (5, 140)
    played = int(RATE * 2 ** (1 / 12))
    assert played == 16951 and math.gcd(played, RATE) == 1
    assert _table_shape(played, RATE, width=64, rolloff=0.95) == (16_000, 17_095)
    assert _table_shape(round(RATE * 1.95), RATE, width=64, rolloff=0.95)[0] == 20
    assert _table_shape(18, 17, width=64, rolloff=0.95) == (17, 162)
    assert abs(1200 * math.log2(2 ** (1 / 12) / (18 / 17))) < 1.1  # cents


def test_lowpass_biquad_clips_and_headroom_avoids_it():
    """Section 4: a 0.99 square wave low-passed at 3 kHz should peak at 1.143, comes out
    at 1.000; scaling down before and up after keeps the true peak."""
    times = torch.arange(RATE, dtype=torch.float64) / RATE
    square = 0.99 * torch.sign(torch.sin(2 * math.pi * 100 * times + 0.1)).unsqueeze(0)
    clipped = AF.lowpass_biquad(square, RATE, 3000.0)
    headroom = 4 * float(square.abs().max())
    kept = AF.lowpass_biquad(square / headroom, RATE, 3000.0) * headroom
    assert abs(float(clipped.abs().max()) - 1.0) < 1e-6
    assert abs(float(kept.abs().max()) - 1.143) < 0.001


def test_steep_cutoff_is_at_7_6_khz():
    """Section 3: STEEP's cut-off (-6 dB) is at 7.6 kHz; 7 kHz passes."""
    for frequency, expected_db in ((7600.0, -6.02), (7000.0, 0.0)):
        tone = torch.sin(
            2 * math.pi * frequency * torch.arange(44_100, dtype=torch.float64) / 44_100
        ).unsqueeze(0)
        level = measure.tone_level_db(AF.resample(tone, 44_100, RATE, **STEEP), RATE, frequency)
        assert abs(level - expected_db) < 0.2, (frequency, level)


def test_spectrogram_noise_bins_read_about_24_db_below_the_rms():
    """Section 2: white noise's median spectrogram bin is about 24 dB below its RMS."""
    noise = 0.1 * torch.randn(1, RATE, generator=torch.Generator().manual_seed(0))
    _, _, level_db = helpers.spectrogram_db(noise, RATE)
    rms_db = 20 * math.log10(float(noise.pow(2).mean().sqrt()))
    assert abs(np.median(level_db[0]) - rms_db + 24) < 0.5


def test_time_stretch_loses_the_level_01a_states():
    """01a §4: T.TimeStretch turns a 0.5 tone into about 0.333 (-3.5 dB)."""
    import torchaudio.transforms as T

    tone = 0.5 * torch.sin(2 * math.pi * 1000 * torch.arange(RATE) / RATE).unsqueeze(0)
    window = torch.hann_window(512)
    spectrum = torch.stft(tone, 512, 128, window=window, return_complex=True)
    stretch = T.TimeStretch(hop_length=128, n_freq=257, fixed_rate=17 / 18)
    longer = torch.istft(stretch(spectrum), 512, 128, window=window, length=round(RATE * 18 / 17))
    assert abs(float(longer[:, 2000:-2000].abs().max()) - 0.333) < 0.005
