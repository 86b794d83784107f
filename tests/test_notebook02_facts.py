"""Facts notebook 02 and its deep dive 02a state in their prose, kept true here rather than
asserted in the lessons."""

from __future__ import annotations

import math

import numpy as np
import torch
import torchaudio.functional as AF

import helpers
from helpers import decay, effects, measure, noise, noise_floor, room

RATE = 16_000


def test_exp_recipe_gives_0_869_times_the_db():
    """Section 1: exp(x / 10) as an amplitude ratio is 20 log10(e) / 10 * x = 0.869 x dB."""
    for snr_db in (20.0, 3.0, -5.0):
        assert math.isclose(20 * math.log10(math.exp(snr_db / 10)), 0.8686 * snr_db, rel_tol=1e-4)


def test_active_speech_reads_1_db_higher_at_79_percent():
    """Section 1: the active-speech SNR reads -10 log10(activity) higher, 1 dB at 79 %."""
    speech, rate = helpers.load_audio("speech", channels="mix", sample_rate=RATE)
    level_db, activity = measure.active_speech_level(speech, rate)
    assert round(100 * activity) == 79
    assert math.isclose(
        level_db - helpers.rms_dbfs(speech), -10 * math.log10(activity), abs_tol=1e-3
    )
    assert abs(-10 * math.log10(0.79) - 1.0) < 0.05


def test_babble_drops_about_12_db_just_below_4_khz():
    """Section 1: the babble's spectrum falls by about 12 dB at 3.8-4.0 kHz (its source)."""
    babble, rate = helpers.load_audio("babble")
    freqs, level_db = helpers.average_spectrum(babble, rate)
    below = np.mean(level_db[(freqs > 3500) & (freqs < 3800)])
    above = np.mean(level_db[(freqs > 4100) & (freqs < 4800)])
    assert 8 < below - above < 25


def test_the_telephone_band_changes_the_snr_of_this_recording():
    """Section 5: babble mixed at 10 dB into the reverberant speech before the band reaches
    the model at about 11.3 dB (the notebook's crop, room and filter)."""
    speech, _ = helpers.load_audio("speech", channels="mix", sample_rate=RATE)
    babble, _ = helpers.load_audio("babble")
    rir_raw, _ = helpers.load_audio("rir")
    frames = speech.shape[-1]
    generator = torch.Generator().manual_seed(0)
    start = int(torch.randint(babble.shape[-1] - frames + 1, (1,), generator=generator))
    crossing_s = noise_floor.find_noise_floor(rir_raw, RATE).crossing_s
    rir = room.trim_rir(rir_raw, RATE, pre_s=0.001, length_s=crossing_s, fade_s=0.005).float()
    delay = int(rir.abs().argmax())
    reverberant = AF.fftconvolve(speech, rir)[:, delay : delay + frames]

    def band(x):
        for q in (0.5412, 1.3066):
            x = AF.highpass_biquad(x, RATE, 300.0, Q=q)
        for q in (0.5412, 1.3066):
            x = AF.lowpass_biquad(x, RATE, 3400.0, Q=q)
        return x

    _, scaled = noise.add_noise_at_snr(reverberant, babble[:, start : start + frames], 10.0)
    assert 11.0 < noise.snr_db(band(reverberant), band(scaled)) < 11.5


def test_cut_t20_reads_long_at_room_1s_decay_range_and_the_subtracted_one_does_not():
    """02a section 5: at about 33 dB of decay range the cut-and-compensated T20 reads long
    (several percent), while the noise-subtracted integral stays within 5 %."""
    cut, subtracted = [], []
    for seed in range(4):
        clean = effects.synthetic_rir(RATE, 0.55, predelay_s=0.05, seed=seed)
        clean = torch.nn.functional.pad(clean / clean.abs().max(), (0, RATE))
        hiss = torch.randn(clean.shape, generator=torch.Generator().manual_seed(seed + 100))
        response = clean + 10 ** (-46 / 20) * hiss
        analysis = decay.analyse_decay(response, RATE)
        assert 28 < analysis.noise_floor.decay_range_db < 38
        cut.append(analysis.rt60("T20") / 0.55 - 1)
        energy = response[0, analysis.direct_index :].double().square()
        energy = energy - energy[-RATE // 2 :].mean()
        remaining = energy.flip(0).cumsum(0).flip(0)
        curve = 10 * torch.log10(remaining[: int((remaining > 0).sum())] / remaining[0])
        inside = torch.nonzero((curve <= -5) & (curve >= -25))[:, 0]
        slope = np.polyfit(inside.numpy() / RATE, curve[inside].numpy(), 1)[0]
        subtracted.append(-60 / slope / 0.55 - 1)
    assert np.mean(cut) > 0.03
    assert max(abs(e) for e in subtracted) < 0.05


def test_room_1_c50_is_positive_and_its_drr_negative():
    """Section 4: room 1's DRR is negative, yet its first 50 ms hold most of the energy."""
    rir, rate = helpers.load_audio("rir")
    direct = int(rir.abs().argmax())
    crossing = direct + round(noise_floor.find_noise_floor(rir, rate).crossing_s * rate)
    energy = rir[0, direct:crossing].double().square()
    split = round(0.05 * rate)
    assert 10 * math.log10(energy[:split].sum() / energy[split:].sum()) > 0
    assert room.direct_to_reverberant_ratio(rir, rate, stop_index=crossing) < 0


def test_the_lessons_trim_matches_room_trim_rir():
    """Section 3: the lesson's slicing, fade and normalisation equal ``room.trim_rir``."""
    rir_raw, rate = helpers.load_audio("rir")
    direct = int(rir_raw.abs().argmax())
    crossing_s = noise_floor.find_noise_floor(rir_raw, rate).crossing_s
    rir = rir_raw[:, direct - 16 : direct + round(crossing_s * rate) + 1].double()
    fade = round(0.005 * rate)
    rir[:, -fade:] *= 0.5 * (
        1 + torch.cos(torch.linspace(0, math.pi, fade + 2, dtype=torch.float64)[1:-1])
    )
    trimmed = room.trim_rir(rir_raw, rate, pre_s=0.001, length_s=crossing_s, fade_s=0.005)
    torch.testing.assert_close((rir / rir.norm()).float(), trimmed.float(), atol=1e-6, rtol=0)


def test_biquad_telephone_band_equals_scipys_butterworth():
    """Section 5: two biquads with Q 0.5412 and 1.3066 per edge are scipy's 4th-order
    Butterworth high- and low-pass."""
    import scipy.signal

    from helpers import noise_colours

    probe = noise_colours.white_noise(RATE, seed=5)
    x = probe
    for q in (0.5412, 1.3066):
        x = AF.highpass_biquad(x, RATE, 300.0, Q=q)
    for q in (0.5412, 1.3066):
        x = AF.lowpass_biquad(x, RATE, 3400.0, Q=q)
    edges = [(300, "highpass"), (3400, "lowpass")]
    sos = np.vstack([scipy.signal.butter(4, hz, kind, fs=RATE, output="sos") for hz, kind in edges])
    exact = scipy.signal.sosfilt(sos, probe[0].numpy())
    assert np.abs(x[0].double().numpy() - exact).max() < 1e-4


def test_room_1_crossings_decay_range_and_drr_windows():
    """Sections 3-4: the crossing is 0.241 s on the full band and 0.322 s above 200 Hz; the
    decay range above 200 Hz (32.7 dB) falls short of ISO's 35 dB; the DRR is negative for
    direct windows of ±1, ±2.5 and ±5 ms (-4.7, -3.7, -1.8 dB)."""
    rir, rate = helpers.load_audio("rir")
    full = noise_floor.find_noise_floor(rir, rate)
    assert abs(full.crossing_s - 0.241) < 0.0015
    analysis = decay.analyse_decay(rir, rate, highpass_hz=200.0)
    assert abs(analysis.noise_floor.crossing_s - 0.322) < 0.0015
    assert 32 < analysis.noise_floor.decay_range_db < 35
    direct = int(rir.abs().argmax())
    crossing = direct + round(full.crossing_s * rate)
    drrs = [
        room.direct_to_reverberant_ratio(rir, rate, window_s=w, stop_index=crossing)
        for w in (0.001, 0.0025, 0.005)
    ]
    assert np.allclose(drrs, [-4.7, -3.7, -1.8], atol=0.06)
